import Foundation
import JingzhiCore

/// The places near a resident drawn on our own SVG map: home in the middle, a pin per place coloured by kind and
/// numbered as in the list below it (the list holds the links), rings at 500 m and 1 km. No tiles, no scripts.
enum PlaceMap {
    static func render(home: GeoPoint?, homeName: String, places: [PlaceService.Listed], title: String, width: Double = 480) -> HTML {
        let points = places.map(\.place.point) + (home.map { [$0] } ?? [])
        guard var box = GeoBox(points) else { return .empty }
        if let home { box = box.union(GeoBox([home])!.expanded(byMetres: 1000)) }
        let proj = MapProjection(fitting: box.expanded(byMetres: 80), width: width)
        var body = "<rect width=\"100%\" height=\"100%\" fill=\"#f7f9fc\"/>"
        if let home {
            let c = proj.project(lon: home.lon, lat: home.lat)
            for metres in [500.0, 1000.0] {
                let edge = GeoBox([home])!.expanded(byMetres: metres)
                let r = proj.project(lon: home.lon, lat: edge.maxLat)
                body += "<circle cx=\"\(f(c.x))\" cy=\"\(f(c.y))\" r=\"\(f(c.y - r.y))\" fill=\"none\" stroke=\"#90a4ae\" stroke-dasharray=\"4 4\"/>"
                body += "<text x=\"\(f(c.x + 4))\" y=\"\(f(r.y + 12))\" font-size=\"11\" fill=\"#546e7a\">\(Int(metres)) m</text>"
            }
            body += "<rect x=\"\(f(c.x - 7))\" y=\"\(f(c.y - 7))\" width=\"14\" height=\"14\" fill=\"#b71c1c\" stroke=\"#fff\" stroke-width=\"2\"><title>\(HTML.escape(homeName))</title></rect>"
        }
        for (i, l) in places.enumerated() {
            let c = proj.project(lon: l.place.lon, lat: l.place.lat)
            let open = l.status.isOpen
            body += "<circle class=\"pin\" cx=\"\(f(c.x))\" cy=\"\(f(c.y))\" r=\"\(i < 9 ? 9 : 5)\" fill=\"\(l.place.kind.colour)\" fill-opacity=\"\(open ? "1" : "0.45")\" stroke=\"#fff\" stroke-width=\"1.5\"><title>\(HTML.escape(l.place.name))</title></circle>"
            if i < 9 { body += "<text x=\"\(f(c.x))\" y=\"\(f(c.y + 4))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#fff\" font-weight=\"700\">\(i + 1)</text>" }
        }
        return HTML(raw: """
        <svg class="place-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(f(proj.width)) \(f(proj.height))" role="img" aria-label="\(HTML.escape(title))">\(body)</svg>
        """)
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
