import Foundation
import JingzhiCore

/// A patrol's track drawn over its grid's boundary, as our own SVG: the line draws itself once (CSS), a dot replays
/// the walk (SMIL), flagged fixes are marked, check-ins and events are pins. No tiles, no scripts.
enum TrackSVG {
    struct Pin { let point: GeoPoint; let label: String; let kind: String }

    static func render(_ track: PatrolTrack, pins: [Pin], title: String, width: Double = 640) -> HTML {
        let points = track.fixes.map(\.point)
        let outline = track.gridArea?.polygons.flatMap { $0.rings } ?? []
        guard let box = GeoBox(points + outline.flatMap { $0 } + pins.map(\.point)) else {
            return HTML("<p class=\"muted\">\(title)</p>")
        }
        let proj = MapProjection(fitting: box.expanded(byMetres: 30), width: width)
        var body = ""
        for ring in outline {
            body += "<path d=\"\(proj.path(ring, closed: true))\" fill=\"#f1f5fb\" stroke=\"#5c6bc0\" stroke-width=\"2\" fill-rule=\"evenodd\"/>"
        }
        if let grid = track.grid, let area = track.gridArea, let c = area.box {
            let centre = GeoPoint(lon: (c.minLon + c.maxLon) / 2, lat: c.maxLat)
            body += "<text x=\"\(fmt(proj.x(centre)))\" y=\"\(fmt(proj.y(centre) + 16))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#5c6bc0\">\(HTML.escape(grid.name))</text>"
        }
        if points.count > 1 {
            let d = proj.path(points)
            let seconds = min(20, max(4, Double(points.count) / 10))
            body += "<path class=\"track\" d=\"\(d)\" pathLength=\"1000\" fill=\"none\" stroke=\"#b71c1c\" stroke-width=\"3\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
            body += "<circle r=\"6\" fill=\"#b71c1c\" stroke=\"#fff\" stroke-width=\"2\"><animateMotion dur=\"\(fmt(seconds))s\" repeatCount=\"indefinite\" path=\"\(d)\"/></circle>"
        }
        if let first = points.first {
            body += "<circle cx=\"\(fmt(proj.x(first)))\" cy=\"\(fmt(proj.y(first)))\" r=\"5\" fill=\"#1b5e20\"><title>起点 start</title></circle>"
        }
        for (i, f) in track.fixes.enumerated() where f.flagged {
            let why = [f.jump ? "跳点 jump" : nil, f.farOutside ? "远离网格 far outside" : nil, f.lowAccuracy ? "精度差 inaccurate" : nil].compactMap { $0 }
            body += "<rect class=\"flag\" x=\"\(fmt(proj.x(f.point) - 4))\" y=\"\(fmt(proj.y(f.point) - 4))\" width=\"8\" height=\"8\" fill=\"#e65100\"><title>#\(i + 1) \(why.joined(separator: ", "))</title></rect>"
        }
        for pin in pins {
            let fill = pin.kind == "event" ? "#0d47a1" : "#2e7d32"
            body += "<circle class=\"pin \(pin.kind)\" cx=\"\(fmt(proj.x(pin.point)))\" cy=\"\(fmt(proj.y(pin.point)))\" r=\"7\" fill=\"\(fill)\" stroke=\"#fff\" stroke-width=\"2\"><title>\(HTML.escape(pin.label))</title></circle>"
        }
        return HTML(raw: """
        <svg class="track-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(fmt(proj.width)) \(fmt(proj.height))" role="img" aria-label="\(HTML.escape(title))"><style>.track{stroke-dasharray:1000;stroke-dashoffset:1000;animation:jz-draw 6s linear forwards}@keyframes jz-draw{to{stroke-dashoffset:0}}</style>\(body)</svg>
        """)
    }

    private static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}
