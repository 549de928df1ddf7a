import Foundation
import JingzhiCore

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
        let projection = MapProjection(fitting: GeoBox(all.map { GeoPoint(lon: $0[0], lat: $0[1]) })!, width: width)
        func project(_ p: [Double]) -> String { projection.xy(GeoPoint(lon: p[0], lat: p[1])) }
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
        <svg class="boundary" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(String(format: "%.0f", projection.width)) \(String(format: "%.0f", projection.height))" role="img" aria-label="\(HTML.escape(title))">\(body)</svg>
        """)
    }
}
