import Foundation

/// One polygon: an outer ring and its holes, each ring closed (first point repeated last).
package struct GeoPolygon: Sendable, Equatable {
    package var rings: [[GeoPoint]]

    package init(rings: [[GeoPoint]]) {
        self.rings = rings
    }

    /// Inside the outer ring (its edge counts as inside) and not strictly inside a hole.
    package func contains(_ p: GeoPoint) -> Bool {
        guard let outer = rings.first, GeoRing.contains(outer, p, edgeCounts: true) else { return false }
        return !rings.dropFirst().contains { GeoRing.contains($0, p, edgeCounts: false) }
    }
}

/// An area made of one or more polygons: a grid's boundary read from GeoJSON (Polygon or MultiPolygon).
package struct GeoArea: Sendable, Equatable {
    package var polygons: [GeoPolygon]

    package init(polygons: [GeoPolygon]) {
        self.polygons = polygons
    }

    package var box: GeoBox? { GeoBox(polygons.flatMap { $0.rings.first ?? [] }) }

    package func contains(_ p: GeoPoint) -> Bool { polygons.contains { $0.contains(p) } }

    /// Metres from the point to the area: 0 inside, else to the nearest edge (holes included).
    package func distance(from p: GeoPoint) -> Double {
        if contains(p) { return 0 }
        var best = Double.infinity
        for polygon in polygons {
            for ring in polygon.rings where ring.count > 1 {
                for i in 1..<ring.count { best = min(best, Geo.distance(from: p, toSegment: ring[i - 1], ring[i])) }
            }
        }
        return best
    }

    /// Reads a GeoJSON Polygon, MultiPolygon, or a Feature holding one.
    package static func parse(text: String) throws -> GeoArea {
        guard let data = text.data(using: .utf8), let json = try? JSONSerialization.jsonObject(with: data) else {
            throw GeoError.invalid("不是有效的 JSON (not valid JSON)")
        }
        return try parse(json)
    }

    package static func parse(_ json: Any) throws -> GeoArea {
        guard let object = json as? [String: Any], let type = object["type"] as? String else {
            throw GeoError.invalid("须为 GeoJSON 对象 (must be a GeoJSON object)")
        }
        switch type {
        case "Feature":
            guard let geometry = object["geometry"] else { throw GeoError.invalid("Feature 缺少 geometry (Feature without geometry)") }
            return try parse(geometry)
        case "Polygon":
            return GeoArea(polygons: [try polygon(object["coordinates"])])
        case "MultiPolygon":
            guard let parts = object["coordinates"] as? [Any], !parts.isEmpty else {
                throw GeoError.invalid("MultiPolygon 缺少坐标 (MultiPolygon has no coordinates)")
            }
            return GeoArea(polygons: try parts.map(polygon))
        default:
            throw GeoError.invalid("须为 Polygon 或 MultiPolygon，收到 \(type) (must be a Polygon or MultiPolygon, got \(type))")
        }
    }

    private static func polygon(_ raw: Any?) throws -> GeoPolygon {
        guard let rawRings = raw as? [Any], !rawRings.isEmpty else { throw GeoError.invalid("多边形缺少坐标 (polygon has no coordinates)") }
        return GeoPolygon(rings: try rawRings.map { rawRing in
            guard let positions = rawRing as? [Any] else { throw GeoError.invalid("环不是坐标数组 (ring is not an array of positions)") }
            let ring = try positions.map { position -> GeoPoint in
                guard let pair = position as? [Any], pair.count >= 2, let lon = (pair[0] as? NSNumber)?.doubleValue,
                      let lat = (pair[1] as? NSNumber)?.doubleValue, GeoPoint(lon: lon, lat: lat).isValid else {
                    throw GeoError.invalid("含无效坐标 (has an invalid position)")
                }
                return GeoPoint(lon: lon, lat: lat)
            }
            guard ring.count >= 4, ring.first == ring.last else { throw GeoError.invalid("环须闭合且至少 4 个点 (ring must be closed, ≥ 4 positions)") }
            return ring
        })
    }
}

package struct GeoError: Error, Equatable {
    package let message: String

    package init(message: String) {
        self.message = message
    }
    package static func invalid(_ message: String) -> GeoError { GeoError(message: message) }
}

package enum GeoRing {
    /// Even–odd ray casting towards +x, with an explicit on-edge test so border points are decided on purpose.
    package static func contains(_ ring: [GeoPoint], _ p: GeoPoint, edgeCounts: Bool) -> Bool {
        guard ring.count >= 4, let box = GeoBox(ring), box.contains(p) else { return false }
        var inside = false
        var j = ring.count - 1
        for i in 0..<ring.count {
            let a = ring[i], b = ring[j]
            if onSegment(p, a, b) { return edgeCounts }
            if (a.lat > p.lat) != (b.lat > p.lat) && p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon {
                inside.toggle()
            }
            j = i
        }
        return inside
    }

    private static func onSegment(_ p: GeoPoint, _ a: GeoPoint, _ b: GeoPoint) -> Bool {
        let cross = (p.lon - a.lon) * (b.lat - a.lat) - (p.lat - a.lat) * (b.lon - a.lon)
        let scale = max(abs(b.lon - a.lon), abs(b.lat - a.lat), 1e-12)
        guard abs(cross) <= 1e-12 * scale else { return false }
        let e = 1e-12
        return p.lon >= min(a.lon, b.lon) - e && p.lon <= max(a.lon, b.lon) + e && p.lat >= min(a.lat, b.lat) - e && p.lat <= max(a.lat, b.lat) + e
    }
}
