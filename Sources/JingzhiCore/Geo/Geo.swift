import Foundation

/// A position on the earth in WGS 84 degrees (GeoJSON order is longitude, latitude).
package struct GeoPoint: Sendable, Equatable {
    package var lon: Double
    package var lat: Double

    package init(lon: Double, lat: Double) {
        self.lon = lon
        self.lat = lat
    }

    /// Both coordinates finite and inside the earth's ranges.
    package var isValid: Bool { lat.isFinite && lon.isFinite && (-90...90).contains(lat) && (-180...180).contains(lon) }
}

/// Distances on the earth's surface; pure functions, no database.
package enum Geo {
    /// Mean earth radius in metres (IUGG).
    package static let earthRadius = 6_371_008.8

    /// Great-circle distance in metres (haversine formula).
    package static func distance(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        let φ1 = a.lat * .pi / 180, φ2 = b.lat * .pi / 180
        let dφ = (b.lat - a.lat) * .pi / 180, dλ = (b.lon - a.lon) * .pi / 180
        let h = sin(dφ / 2) * sin(dφ / 2) + cos(φ1) * cos(φ2) * sin(dλ / 2) * sin(dλ / 2)
        return 2 * earthRadius * asin(min(1, h.squareRoot()))
    }

    /// Metres from `p` to the segment `a`–`b`. Uses a flat projection around `p`, exact enough for the few
    /// kilometres between a worker and a grid edge.
    package static func distance(from p: GeoPoint, toSegment a: GeoPoint, _ b: GeoPoint) -> Double {
        let k = cos(p.lat * .pi / 180) * .pi / 180 * earthRadius, m = .pi / 180 * earthRadius
        let ax = (a.lon - p.lon) * k, ay = (a.lat - p.lat) * m
        let bx = (b.lon - p.lon) * k, by = (b.lat - p.lat) * m
        let dx = bx - ax, dy = by - ay
        let len2 = dx * dx + dy * dy
        let t = len2 == 0 ? 0 : max(0, min(1, -(ax * dx + ay * dy) / len2))
        let cx = ax + t * dx, cy = ay + t * dy
        return (cx * cx + cy * cy).squareRoot()
    }
}

/// A longitude/latitude rectangle.
package struct GeoBox: Sendable, Equatable {
    package var minLon: Double
    package var minLat: Double
    package var maxLon: Double
    package var maxLat: Double

    /// The smallest box around the points; nil for none.
    package init?(_ points: [GeoPoint]) {
        guard let first = points.first else { return nil }
        (minLon, maxLon, minLat, maxLat) = (first.lon, first.lon, first.lat, first.lat)
        for p in points.dropFirst() {
            minLon = min(minLon, p.lon); maxLon = max(maxLon, p.lon)
            minLat = min(minLat, p.lat); maxLat = max(maxLat, p.lat)
        }
    }

    package init(minLon: Double, minLat: Double, maxLon: Double, maxLat: Double) {
        (self.minLon, self.minLat, self.maxLon, self.maxLat) = (minLon, minLat, maxLon, maxLat)
    }

    package func contains(_ p: GeoPoint) -> Bool { p.lon >= minLon && p.lon <= maxLon && p.lat >= minLat && p.lat <= maxLat }

    package func union(_ other: GeoBox) -> GeoBox {
        GeoBox(minLon: min(minLon, other.minLon), minLat: min(minLat, other.minLat),
               maxLon: max(maxLon, other.maxLon), maxLat: max(maxLat, other.maxLat))
    }

    /// The box grown by `metres` on every side.
    package func expanded(byMetres metres: Double) -> GeoBox {
        let dLat = metres / Geo.earthRadius * 180 / .pi
        let widest = max(abs(minLat), abs(maxLat))
        let dLon = dLat / max(cos(min(89.9, widest + dLat) * .pi / 180), 1e-6)
        return GeoBox(minLon: minLon - dLon, minLat: minLat - dLat, maxLon: maxLon + dLon, maxLat: maxLat + dLat)
    }
}
