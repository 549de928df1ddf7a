import Foundation

/// A grid or area boundary: one GeoJSON Polygon (outer ring plus holes), longitude/latitude in WGS 84.
package struct Boundary: Sendable, Equatable {
    package var rings: [[[Double]]]

    package init(rings: [[[Double]]]) { self.rings = rings }

    /// Reads a Polygon geometry, or a Feature whose geometry is one. Anything else is refused with a reason.
    package static func parse(_ json: Any) throws -> Boundary {
        guard let object = json as? [String: Any], let type = object["type"] as? String else {
            throw APIError.invalid("boundary", "边界须为 GeoJSON 对象 (boundary must be a GeoJSON object)")
        }
        if type == "Feature" {
            guard let geometry = object["geometry"] else {
                throw APIError.invalid("boundary", "Feature 缺少 geometry (Feature without geometry)")
            }
            return try parse(geometry)
        }
        guard type == "Polygon" else {
            throw APIError.invalid("boundary", "边界须为 Polygon，收到 \(type) (boundary must be a Polygon, got \(type))")
        }
        guard let rawRings = object["coordinates"] as? [Any], !rawRings.isEmpty else {
            throw APIError.invalid("boundary", "Polygon 缺少坐标 (Polygon has no coordinates)")
        }
        var rings: [[[Double]]] = []
        for (i, rawRing) in rawRings.enumerated() {
            guard let points = rawRing as? [Any] else { throw ringError(i, "不是坐标数组 (not an array of positions)") }
            var ring: [[Double]] = []
            for p in points {
                guard let pair = p as? [Any], pair.count >= 2,
                      let lon = (pair[0] as? NSNumber)?.doubleValue, let lat = (pair[1] as? NSNumber)?.doubleValue,
                      (-180...180).contains(lon), (-90...90).contains(lat) else {
                    throw ringError(i, "含无效坐标 (has an invalid position)")
                }
                ring.append([lon, lat])
            }
            guard ring.count >= 4 else { throw ringError(i, "至少需要 4 个点 (needs at least 4 positions)") }
            guard ring.first! == ring.last! else { throw ringError(i, "首尾点须相同 (must be closed)") }
            rings.append(ring)
        }
        return Boundary(rings: rings)
    }

    package static func parse(text: String) throws -> Boundary {
        guard let data = text.data(using: .utf8), let json = try? JSONSerialization.jsonObject(with: data) else {
            throw APIError.invalid("boundary", "边界不是有效的 JSON (boundary is not valid JSON)")
        }
        return try parse(json)
    }

    private static func ringError(_ index: Int, _ why: String) -> APIError {
        APIError.invalid("boundary", "第 \(index + 1) 个环\(why)")
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

    /// The polygon in points, for the geometry that works on them.
    package var polygon: GeoPolygon { GeoPolygon(rings: rings.map { $0.map { GeoPoint(lon: $0[0], lat: $0[1]) } }) }

    /// Whether the point lies inside: inside the outer ring (its edge counts as inside) and not strictly inside a hole.
    package func contains(longitude x: Double, latitude y: Double) -> Bool { polygon.contains(GeoPoint(lon: x, lat: y)) }

    /// The area of the outer ring's bounding box, in square degrees: enough to tell a small grid from a large one.
    package var boxArea: Double {
        guard let outer = rings.first, !outer.isEmpty else { return .infinity }
        let xs = outer.map { $0[0] }, ys = outer.map { $0[1] }
        return (xs.max()! - xs.min()!) * (ys.max()! - ys.min()!)
    }
}
