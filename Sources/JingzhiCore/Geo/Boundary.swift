import Foundation

/// A grid or area boundary: one GeoJSON Polygon (outer ring plus holes), longitude/latitude in WGS 84.
package struct Boundary: Sendable, Equatable {
    /// `[lon, lat]` positions per ring, as GeoJSON has them.
    package let rings: [[[Double]]]
    /// The same rings as points, built once: containment runs on it.
    package let polygon: GeoPolygon

    package init(rings: [[[Double]]]) {
        self.rings = rings
        polygon = GeoPolygon(rings: rings.map { $0.map { GeoPoint(lon: $0[0], lat: $0[1]) } })
    }

    package init(polygon: GeoPolygon) {
        self.polygon = polygon
        rings = polygon.rings.map { $0.map { [$0.lon, $0.lat] } }
    }

    /// Reads a Polygon geometry, or a Feature whose geometry is one (through `GeoArea`, the one GeoJSON reader).
    /// Anything else is refused with a reason, on the field "boundary".
    package static func parse(_ json: Any) throws -> Boundary {
        let area: GeoArea
        do { area = try GeoArea.parse(json) } catch let e as GeoError { throw APIError.invalid("boundary", "边界" + e.message) }
        guard geometryType(json) == "Polygon", let only = area.polygons.first else {
            throw APIError.invalid("boundary", "边界须为单个 Polygon (boundary must be one Polygon)")
        }
        return Boundary(polygon: only)
    }

    package static func parse(text: String) throws -> Boundary {
        guard let data = text.data(using: .utf8), let json = try? JSONSerialization.jsonObject(with: data) else {
            throw APIError.invalid("boundary", "边界不是有效的 JSON (boundary is not valid JSON)")
        }
        return try parse(json)
    }

    private static func geometryType(_ json: Any) -> String? {
        guard let object = json as? [String: Any], let type = object["type"] as? String else { return nil }
        return type == "Feature" ? object["geometry"].flatMap(geometryType) : type
    }

    package var geoJSON: String {
        let object: [String: Any] = ["type": "Polygon", "coordinates": rings]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    package var centroid: (lon: Double, lat: Double) {
        let outer = rings[0].dropLast()
        let n = Double(outer.count)
        return (outer.map { $0[0] }.reduce(0, +) / n, outer.map { $0[1] }.reduce(0, +) / n)
    }

    /// Whether the point lies inside: inside the outer ring (its edge counts as inside) and not strictly inside a hole.
    package func contains(longitude x: Double, latitude y: Double) -> Bool { polygon.contains(GeoPoint(lon: x, lat: y)) }

    /// The area of the outer ring's bounding box, in square degrees: enough to tell a small grid from a large one.
    package var boxArea: Double {
        guard let outer = rings.first, !outer.isEmpty else { return .infinity }
        let xs = outer.map { $0[0] }, ys = outer.map { $0[1] }
        return (xs.max()! - xs.min()!) * (ys.max()! - ys.min()!)
    }
}
