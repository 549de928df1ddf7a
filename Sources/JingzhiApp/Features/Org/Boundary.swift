import Foundation

/// A grid or area boundary: one GeoJSON Polygon (outer ring plus holes), longitude/latitude in WGS 84.
struct Boundary: Sendable, Equatable {
    var rings: [[[Double]]]

    /// Reads a Polygon geometry, or a Feature whose geometry is one. Anything else is refused with a reason.
    static func parse(_ json: Any) throws -> Boundary {
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

    static func parse(text: String) throws -> Boundary {
        guard let data = text.data(using: .utf8), let json = try? JSONSerialization.jsonObject(with: data) else {
            throw APIError.invalid("boundary", "边界不是有效的 JSON (boundary is not valid JSON)")
        }
        return try parse(json)
    }

    private static func ringError(_ index: Int, _ why: String) -> APIError {
        APIError.invalid("boundary", "第 \(index + 1) 个环\(why)")
    }

    var geoJSON: String {
        let object: [String: Any] = ["type": "Polygon", "coordinates": rings]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    var centroid: (lon: Double, lat: Double) {
        let outer = rings[0].dropLast()
        let n = Double(outer.count)
        return (outer.map { $0[0] }.reduce(0, +) / n, outer.map { $0[1] }.reduce(0, +) / n)
    }
}

/// Draws boundaries as SVG from our own data: no map tiles, no scripts.
enum BoundarySVG {
    struct Shape {
        let boundary: Boundary
        let label: String
        let href: String?
        let highlighted: Bool
    }

    static func render(_ shapes: [Shape], width: Double = 480, title: String) -> HTML {
        let all = shapes.flatMap { $0.boundary.rings.flatMap { $0 } }
        guard !all.isEmpty else { return .empty }
        let lons = all.map { $0[0] }, lats = all.map { $0[1] }
        let minLon = lons.min()!, maxLon = lons.max()!, minLat = lats.min()!, maxLat = lats.max()!
        // Equirectangular projection, shrinking longitude by cos(latitude) so shapes keep their proportions.
        let k = cos((minLat + maxLat) / 2 * .pi / 180)
        let spanX = max((maxLon - minLon) * k, 1e-9), spanY = max(maxLat - minLat, 1e-9)
        let pad = 12.0
        let scale = (width - 2 * pad) / max(spanX, spanY)
        let height = spanY * scale + 2 * pad
        let w = spanX * scale + 2 * pad
        func project(_ p: [Double]) -> String {
            let x = (p[0] - minLon) * k * scale + pad
            let y = (maxLat - p[1]) * scale + pad
            return String(format: "%.1f,%.1f", x, y)
        }
        var body = ""
        for shape in shapes {
            let d = shape.boundary.rings.map { ring in "M" + ring.map(project).joined(separator: "L") + "Z" }.joined()
            let c = shape.boundary.centroid
            let xy = project([c.lon, c.lat]).split(separator: ",")
            let fill = shape.highlighted ? "#fdecea" : "#f1f5fb"
            let stroke = shape.highlighted ? "#b71c1c" : "#5c6bc0"
            var piece = "<path d=\"\(d)\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"2\" fill-rule=\"evenodd\"><title>\(HTML.escape(shape.label))</title></path>"
            piece += "<text x=\"\(xy[0])\" y=\"\(xy[1])\" text-anchor=\"middle\" font-size=\"13\" fill=\"#1d1d1f\">\(HTML.escape(shape.label))</text>"
            if let href = shape.href { piece = "<a href=\"\(HTML.escape(href))\">\(piece)</a>" }
            body += piece
        }
        return HTML(raw: """
        <svg class="boundary" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(String(format: "%.0f", w)) \(String(format: "%.0f", height))" role="img" aria-label="\(HTML.escape(title))">\(body)</svg>
        """)
    }
}
