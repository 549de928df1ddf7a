import Foundation

/// The map of a subtree drawn from the grid boundaries (no tiles): a choropleth of one value per area, an optional
/// heat layer of binned points on top, optional tracks and markers, and the legend. Areas are links when they have
/// an `href`; the heat layer, tracks and markers let clicks through to the area underneath.
package enum GridMapSVG {
    package struct Area {
        package var id: String
        package var label: String
        package var boundary: Boundary
        /// The choropleth value; nil is "no data" (grey).
        package var value: Double?
        /// Shown in the area's tooltip after the label.
        package var detail: String
        package var href: String?

        package init(id: String, label: String, boundary: Boundary, value: Double?, detail: String, href: String?) {
            self.id = id
            self.label = label
            self.boundary = boundary
            self.value = value
            self.detail = detail
            self.href = href
        }
    }

    package struct Heat {
        package var grid: HeatGrid
        package var counts: [HeatGrid.Cell: Int]

        package init(grid: HeatGrid, counts: [HeatGrid.Cell: Int]) {
            self.grid = grid
            self.counts = counts
        }
    }

    /// A line on the map (a patrol track), points `(lon, lat)` in order. With one time label per point the track
    /// is drawn for replay: start and end marked, and the projected points and times carried in `data-` attributes
    /// for the page's script to step through (without the script the whole track stays drawn).
    package struct Track {
        package var label: String
        package var points: [(lon: Double, lat: Double)]
        package var color: String
        package var times: [String] = []

        package init(label: String, points: [(lon: Double, lat: Double)], color: String, times: [String] = []) {
            self.label = label
            self.points = points
            self.color = color
            self.times = times
        }
    }

    package struct Marker {
        package var label: String
        package var lon: Double
        package var lat: Double
        package var href: String?
        /// A diamond instead of a dot (a place's things rather than a person), red and larger when it needs attention.
        package var diamond = false
        package var alert = false

        package init(label: String, lon: Double, lat: Double, href: String?, diamond: Bool = false, alert: Bool = false) {
            self.label = label
            self.lon = lon
            self.lat = lat
            self.href = href
            self.diamond = diamond
            self.alert = alert
        }
    }

    /// A named area drawn over the grids as a line with its name (a street or a community); `major` lines are the
    /// heavier ones (streets), named at their top edge so the names of the minor ones at their middles stay clear.
    package struct Outline {
        package var label: String
        package var boundary: Boundary
        package var major: Bool

        package init(label: String, boundary: Boundary, major: Bool) {
            self.label = label
            self.boundary = boundary
            self.major = major
        }
    }

    package struct Labels {
        package var title: String
        package var legendTitle: String
        package var noData: String
        package var heat: String
        /// Between a name and its figure: "：" in Chinese, ": " in English.
        package var colon: String
        /// The legend's words for diamond markers, plain and alerting (shown when there are any).
        package var diamond: String? = nil
        package var diamondAlert: String? = nil

        package init(title: String, legendTitle: String, noData: String, heat: String, colon: String = "：", diamond: String? = nil,
                     diamondAlert: String? = nil) {
            self.diamond = diamond
            self.diamondAlert = diamondAlert
            self.title = title
            self.legendTitle = legendTitle
            self.noData = noData
            self.heat = heat
            self.colon = colon
        }
    }

    package static func render(areas: [Area], scale: ChoroplethScale, heat: Heat? = nil, tracks: [Track] = [], markers: [Marker] = [], outlines: [Outline] = [],
                       labels: Labels, width: Double = 800, height: Double = 600, theme: ChartTheme = .light,
                       showAreaNames: Bool = true, plainFill: String? = nil) -> HTML {
        guard let box = GeoBox(boundaries: areas.map(\.boundary)) else {
            return HTML(raw: "<p class=\"muted map-empty\">\(HTML.escape(labels.noData))</p>")
        }
        // A plain map (a track's background) has one fill and no legend.
        let legendWidth = plainFill == nil ? theme.fontSize * 9 : 0
        let projection = MapProjection(box: box, width: width - legendWidth, height: height, padding: theme.fontSize)
        func n(_ v: Double) -> String { SVGNumber.format(v) }
        var body = "<title>\(HTML.escape(labels.title))</title><g class=\"areas\">"
        for a in areas {
            let shape = "<path d=\"\(projection.pathData(a.boundary))\" fill=\"\(plainFill ?? scale.color(a.value))\" stroke=\"\(plainFill == nil ? theme.background : theme.muted)\" stroke-width=\"1\" fill-rule=\"evenodd\" data-area=\"\(HTML.escape(a.id))\"><title>\(HTML.escape(a.label))\(labels.colon)\(HTML.escape(a.detail))</title></path>"
            body += a.href.map { "<a href=\"\(HTML.escape($0))\">\(shape)</a>" } ?? shape
        }
        body += "</g>"
        if showAreaNames {
            // Dark text in a white halo reads on every class of the ramp, from pale yellow to dark red, on both themes.
            body += "<g class=\"names\" pointer-events=\"none\" font-size=\"\(n(theme.fontSize * 0.8))\" fill=\"#1a1a1a\" text-anchor=\"middle\">"
            for a in areas {
                let c = a.boundary.centroid, p = projection.project(lon: c.lon, lat: c.lat)
                body += "<text x=\"\(n(p.x))\" y=\"\(n(p.y))\" stroke=\"#fff\" stroke-width=\"3\" stroke-opacity=\"0.85\" paint-order=\"stroke\">\(HTML.escape(a.label))</text>"
            }
            body += "</g>"
        }
        body += outlineLayer(outlines, projection: projection, theme: theme)
        if let heat {
            let top = heat.counts.values.max() ?? 0
            body += "<g class=\"heat\" pointer-events=\"none\">"
            for (cell, count) in heat.counts.sorted(by: { $0.key < $1.key }) where count > 0 {
                let b = heat.grid.bounds(cell)
                let p0 = projection.project(lon: b.west, lat: b.north), p1 = projection.project(lon: b.east, lat: b.south)
                let alpha = 0.2 + 0.7 * HeatGrid.intensity(count, max: top)
                body += "<rect x=\"\(n(p0.x))\" y=\"\(n(p0.y))\" width=\"\(n(p1.x - p0.x))\" height=\"\(n(p1.y - p0.y))\" fill=\"#d50000\" fill-opacity=\"\(String(format: "%.2f", alpha))\" data-count=\"\(count)\"><title>\(count)</title></rect>"
            }
            body += "</g>"
        }
        for t in tracks where t.points.count > 1 {
            let xy = t.points.map { let p = projection.project(lon: $0.lon, lat: $0.lat); return "\(n(p.x)),\(n(p.y))" }
            let d = "M" + xy.joined(separator: "L"), width = n(theme.fontSize / 4)
            let path = "<path class=\"track\" d=\"\(d)\" fill=\"none\" stroke=\"\(t.color)\" stroke-width=\"\(width)\" stroke-linejoin=\"round\" pointer-events=\"none\"><title>\(HTML.escape(t.label))</title></path>"
            guard t.times.count == t.points.count else { body += path; continue }
            func dot(_ cls: String, _ at: String, _ fill: String, _ title: String) -> String {
                let c = at.split(separator: ",")
                return "<circle class=\"\(cls)\" cx=\"\(c[0])\" cy=\"\(c[1])\" r=\"\(n(theme.fontSize / 2.5))\" fill=\"\(fill)\" stroke=\"#fff\" stroke-width=\"2\"><title>\(HTML.escape(title))</title></circle>"
            }
            body += "<g class=\"replay\" pointer-events=\"none\" data-points=\"\(xy.joined(separator: " "))\" data-times=\"\(HTML.escape(t.times.joined(separator: "|")))\">"
            body += path.replacingOccurrences(of: "class=\"track\"", with: "class=\"track\" stroke-opacity=\"0.35\"")
            body += "<path class=\"track-done\" d=\"\(d)\" fill=\"none\" stroke=\"\(t.color)\" stroke-width=\"\(width)\" stroke-linejoin=\"round\"/>"
            body += dot("track-start", xy[0], "#2e7d32", t.times[0]) + dot("track-end", xy[xy.count - 1], "#b71c1c", t.times[t.times.count - 1])
            body += dot("track-head", xy[xy.count - 1], t.color, t.times[t.times.count - 1]) + "</g>"
        }
        for m in markers {
            let p = projection.project(lon: m.lon, lat: m.lat)
            let r = theme.fontSize / 2, title = "<title>\(HTML.escape(m.label))</title>"
            let dot = m.diamond
                ? Self.diamond(x: p.x, y: p.y, r: r * (m.alert ? 1.5 : 1.1), alert: m.alert, extra: title)
                : "<circle class=\"marker\" cx=\"\(n(p.x))\" cy=\"\(n(p.y))\" r=\"\(n(r))\" fill=\"#1e88e5\" stroke=\"#fff\" stroke-width=\"2\">\(title)</circle>"
            body += m.href.map { "<a href=\"\(HTML.escape($0))\">\(dot)</a>" } ?? dot
        }
        let legendX = width - legendWidth + theme.fontSize * 0.5
        if plainFill == nil { body += scale.legend(title: labels.legendTitle, noDataLabel: labels.noData, x: legendX, y: 0, theme: theme) }
        if heat != nil, plainFill == nil {
            let y = theme.fontSize * (3.2 + 1.5 * Double(scale.classCount + 1))
            body += "<g class=\"legend heat-legend\"><rect x=\"\(n(legendX))\" y=\"\(n(y))\" width=\"\(n(theme.fontSize * 1.6))\" height=\"\(n(theme.fontSize))\" fill=\"#d50000\" fill-opacity=\"0.7\"/>"
            body += "<text x=\"\(n(legendX + theme.fontSize * 2.1))\" y=\"\(n(y + theme.fontSize * 0.85))\" fill=\"\(theme.text)\" font-size=\"\(n(theme.fontSize))\">\(HTML.escape(labels.heat))</text></g>"
        }
        if markers.contains(where: \.diamond), let plain = labels.diamond, let alert = labels.diamondAlert {
            var y = theme.fontSize * (3.2 + 1.5 * Double(scale.classCount + (heat == nil ? 1 : 2)))
            for (words, alarm) in [(plain, false), (alert, true)] {
                body += "<g class=\"legend diamond-legend\">" + Self.diamond(x: legendX + theme.fontSize * 0.8, y: y + theme.fontSize * 0.5, r: theme.fontSize * 0.55, alert: alarm, extra: "")
                body += "<text x=\"\(n(legendX + theme.fontSize * 2.1))\" y=\"\(n(y + theme.fontSize * 0.85))\" fill=\"\(theme.text)\" font-size=\"\(n(theme.fontSize))\">\(HTML.escape(words))</text></g>"
                y += theme.fontSize * 1.5
            }
        }
        body += outlineNames(outlines, projection: projection, theme: theme)
        return HTML(raw: """
        <svg class="gridmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(n(width)) \(n(height))" role="img" aria-label="\(HTML.escape(labels.title))" \
        font-family="sans-serif">\(body)</svg>
        """)
    }

    /// A diamond marker: slate, or red with a dark edge when alerting (unlike the heat layer's plain red squares).
    static func diamond(x: Double, y: Double, r: Double, alert: Bool, extra: String) -> String {
        func n(_ v: Double) -> String { SVGNumber.format(v) }
        let pts = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)].map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        return "<polygon class=\"marker diamond\(alert ? " alert" : "")\" points=\"\(pts)\" fill=\"\(alert ? "#d50000" : "#455a64")\" "
            + "stroke=\"\(alert ? "#212121" : "#fff")\" stroke-width=\"2\">\(extra)</polygon>"
    }

    /// Street and community lines, under the heat layer and the markers.
    private static func outlineLayer(_ outlines: [Outline], projection: MapProjection, theme: ChartTheme) -> String {
        guard !outlines.isEmpty else { return "" }
        var out = "<g class=\"outlines\" fill=\"none\" pointer-events=\"none\" stroke-linejoin=\"round\">"
        for o in outlines {
            let width = SVGNumber.format(theme.fontSize / (o.major ? 5 : 9))
            let dash = o.major ? "" : " stroke-dasharray=\"6 4\""
            out += "<path d=\"\(projection.pathData(o.boundary))\" stroke=\"\(o.major ? theme.text : theme.muted)\" stroke-width=\"\(width)\"\(dash)/>"
        }
        return out + "</g>"
    }

    /// Their names on top of everything: communities at their middles, streets just inside their top corner.
    private static func outlineNames(_ outlines: [Outline], projection: MapProjection, theme: ChartTheme) -> String {
        guard !outlines.isEmpty else { return "" }
        func n(_ v: Double) -> String { SVGNumber.format(v) }
        var out = "<g class=\"outline-names\" pointer-events=\"none\" text-anchor=\"middle\" font-weight=\"700\" fill=\"#1a1a1a\">"
        // Streets are placed first; a community name that would cover a placed name moves down a line (up to three).
        var placed: [(x: Double, y: Double, w: Double, h: Double)] = []
        for o in outlines.filter(\.major) + outlines.filter({ !$0.major }) {
            let ring = o.boundary.rings.first ?? []
            let size = theme.fontSize * (o.major ? 1.15 : 0.9)
            var at: (x: Double, y: Double)
            if o.major, let top = ring.max(by: { $0[1] < $1[1] }) {
                let c = o.boundary.centroid, p = projection.project(lon: top[0] * 0.8 + c.lon * 0.2, lat: top[1])
                at = (p.x, p.y + size * 1.4)
            } else {
                let c = o.boundary.centroid, p = projection.project(lon: c.lon, lat: c.lat)
                at = (p.x, p.y + size * 0.35)
            }
            let w = BarChartSVG.textWidth(o.label, fontSize: size)
            func clash(_ y: Double) -> Bool { placed.contains { abs($0.x - at.x) < ($0.w + w) / 2 && abs($0.y - y) < ($0.h + size) / 2 } }
            var moves = 0
            while !o.major, moves < 3, clash(at.y) { at.y += size * 1.1; moves += 1 }
            placed.append((at.x, at.y, w, size))
            out += "<text class=\"\(o.major ? "street" : "community")\" x=\"\(n(at.x))\" y=\"\(n(at.y))\" font-size=\"\(n(size))\" stroke=\"#fff\" stroke-width=\"\(n(size / 5))\" stroke-opacity=\"0.9\" paint-order=\"stroke\">\(HTML.escape(o.label))</text>"
        }
        return out + "</g>"
    }
}
