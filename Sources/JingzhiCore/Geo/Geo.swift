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

/// A longitude/latitude rectangle (WGS 84 degrees): the one box of every map, track and index. JSON names its sides
/// west, south, east, north.
package struct GeoBox: Sendable, Equatable, Codable {
    package var minLon: Double
    package var minLat: Double
    package var maxLon: Double
    package var maxLat: Double

    /// The smallest box around the points; nil for none.
    package init?(_ points: [GeoPoint]) {
        guard let first = points.first else { return nil }
        (minLon, maxLon, minLat, maxLat) = (first.lon, first.lon, first.lat, first.lat)
        for p in points.dropFirst() { extend(lon: p.lon, lat: p.lat) }
    }

    /// The smallest box around `[lon, lat]` positions; nil for none.
    package init?(points: [[Double]]) {
        guard let first = points.first, first.count >= 2 else { return nil }
        (minLon, maxLon, minLat, maxLat) = (first[0], first[0], first[1], first[1])
        for p in points.dropFirst() where p.count >= 2 { extend(lon: p[0], lat: p[1]) }
    }

    /// The box around every ring of every boundary; nil when there are none.
    package init?(boundaries: [Boundary]) {
        self.init(points: boundaries.flatMap { $0.rings.flatMap { $0 } })
    }

    package init(minLon: Double, minLat: Double, maxLon: Double, maxLat: Double) {
        (self.minLon, self.minLat, self.maxLon, self.maxLat) = (minLon, minLat, maxLon, maxLat)
    }

    package init(west: Double, south: Double, east: Double, north: Double) {
        self.init(minLon: west, minLat: south, maxLon: east, maxLat: north)
    }

    package var west: Double { minLon }
    package var south: Double { minLat }
    package var east: Double { maxLon }
    package var north: Double { maxLat }

    package mutating func extend(lon: Double, lat: Double) {
        minLon = min(minLon, lon); maxLon = max(maxLon, lon)
        minLat = min(minLat, lat); maxLat = max(maxLat, lat)
    }

    package func contains(_ p: GeoPoint) -> Bool { contains(lon: p.lon, lat: p.lat) }
    package func contains(lon: Double, lat: Double) -> Bool { lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat }

    /// Shrink factor of a degree of longitude against one of latitude in the middle of the box.
    package var groundFactor: Double { cos((minLat + maxLat) / 2 * .pi / 180) }

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

    private enum CodingKeys: String, CodingKey { case west, south, east, north }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(west: try c.decode(Double.self, forKey: .west), south: try c.decode(Double.self, forKey: .south),
                  east: try c.decode(Double.self, forKey: .east), north: try c.decode(Double.self, forKey: .north))
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(west, forKey: .west)
        try c.encode(south, forKey: .south)
        try c.encode(east, forKey: .east)
        try c.encode(north, forKey: .north)
    }
}
