import Foundation

/// One named series of a trend chart, one value per x label; nil is "nothing to measure" (a gap in a line).
package struct ChartSeries: Sendable {
    package var name: String
    package var color: String
    package var values: [Double?]
    /// Drawn dashed (e.g. the same period a year before, beside this year's line).
    package var dashed: Bool

    package init(name: String, color: String, values: [Double?], dashed: Bool = false) {
        self.name = name
        self.color = color
        self.values = values
        self.dashed = dashed
    }
}

/// Trend charts as SVG with labelled axes, drawn from our own data: stacked columns (cases per day by category) and
/// lines (rates per month). Both share the frame: y ticks with labels and an axis title on the left, x labels below
/// (thinned to fit), a legend on top. Every column and point carries a `<title>` with its exact value.
package enum TrendChartSVG {
    package struct Frame {
        package let width: Double, height: Double, theme: ChartTheme
        package let left: Double, right: Double, top: Double, bottom: Double

        package init(width: Double, height: Double, theme: ChartTheme, legendRows: Int) {
            self.width = width
            self.height = height
            self.theme = theme
            left = theme.fontSize * 4.2
            right = theme.fontSize
            top = theme.fontSize * (1.8 * Double(legendRows) + 1)
            bottom = theme.fontSize * 3.4
        }

        package var plotWidth: Double { width - left - right }
        package var plotHeight: Double { height - top - bottom }
        package func y(_ v: Double, top maxValue: Double) -> Double { top + plotHeight * (1 - v / maxValue) }
    }

    package static func columns(xLabels: [String], series: [ChartSeries], title: String, xTitle: String, yTitle: String,
                        width: Double = 640, height: Double = 280, theme: ChartTheme = .light) -> HTML {
        let totals = xLabels.indices.map { i in series.reduce(0) { $0 + (i < $1.values.count ? $1.values[i] ?? 0 : 0) } }
        let ticks = AxisTicks.nice(max: totals.max() ?? 0, integers: true)
        let f = Frame(width: width, height: height, theme: theme, legendRows: legendRows(series, width: width, theme: theme))
        var body = axes(f, ticks: ticks, format: AxisTicks.label, xLabels: xLabels, xTitle: xTitle, yTitle: yTitle, centred: true)
        let slot = f.plotWidth / Double(max(1, xLabels.count)), barWidth = max(1, slot * 0.72)
        for (i, label) in xLabels.enumerated() {
            var base = 0.0
            let x = f.left + slot * Double(i) + (slot - barWidth) / 2
            var g = "<g class=\"column\"><title>\(HTML.escape(label))：\(ChoroplethScale.short(totals[i]))</title>"
            for s in series {
                guard i < s.values.count, let v = s.values[i], v > 0 else { continue }
                let y1 = f.y(base + v, top: ticks.last!), y0 = f.y(base, top: ticks.last!)
                g += "<rect x=\"\(n(x))\" y=\"\(n(y1))\" width=\"\(n(barWidth))\" height=\"\(n(y0 - y1))\" fill=\"\(s.color)\"><title>\(HTML.escape(label)) \(HTML.escape(s.name))：\(ChoroplethScale.short(v))</title></rect>"
                base += v
            }
            body += g + "</g>"
        }
        body += legend(series, f)
        return svg(body, f, title: title, cssClass: "trend columns")
    }

    /// Lines of values 0…1 (rates), the y axis in per cent.
    package static func rates(xLabels: [String], series: [ChartSeries], title: String, xTitle: String, yTitle: String,
                      width: Double = 640, height: Double = 280, theme: ChartTheme = .light) -> HTML {
        lines(xLabels: xLabels, series: series, ticks: [0.0, 0.25, 0.5, 0.75, 1.0], tickLabel: { "\(Int(($0 * 100).rounded()))%" },
              valueLabel: { String(format: "%.1f%%", $0 * 100) }, title: title, xTitle: xTitle, yTitle: yTitle, width: width, height: height, theme: theme)
    }

    /// Lines of values from 0 to the last tick (e.g. scores 0–100), each point titled with `valueLabel`; a nil value is a gap.
    package static func lines(xLabels: [String], series: [ChartSeries], ticks: [Double], tickLabel: (Double) -> String,
                              valueLabel: (Double) -> String, title: String, xTitle: String, yTitle: String,
                              width: Double = 640, height: Double = 280, theme: ChartTheme = .light) -> HTML {
        let top = ticks.last ?? 1
        let f = Frame(width: width, height: height, theme: theme, legendRows: legendRows(series, width: width, theme: theme))
        var body = axes(f, ticks: ticks, format: tickLabel, xLabels: xLabels, xTitle: xTitle, yTitle: yTitle, centred: true)
        let slot = f.plotWidth / Double(max(1, xLabels.count))
        for s in series {
            var segments: [[(Double, Double)]] = [[]]
            var points = ""
            for (i, label) in xLabels.enumerated() {
                guard i < s.values.count, let raw = s.values[i], raw.isFinite else {
                    if !(segments.last?.isEmpty ?? true) { segments.append([]) }
                    continue
                }
                let v = min(max(raw, 0), top)
                let x = f.left + slot * (Double(i) + 0.5), y = f.y(v, top: top)
                segments[segments.count - 1].append((x, y))
                points += "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(theme.fontSize / 4))\" fill=\"\(s.color)\"><title>\(HTML.escape(label)) \(HTML.escape(s.name))：\(HTML.escape(valueLabel(raw)))</title></circle>"
            }
            let d = segments.filter { !$0.isEmpty }.map { seg in "M" + seg.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: "L") }.joined()
            body += "<g class=\"line\"><path d=\"\(d)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"\(n(theme.fontSize / 6))\"\(s.dashed ? " stroke-dasharray=\"6 4\"" : "")/>\(points)</g>"
        }
        body += legend(series, f)
        return svg(body, f, title: title, cssClass: "trend lines")
    }

    // MARK: - Pieces

    package static func n(_ v: Double) -> String { SVGNumber.format(v) }

    /// Gridlines with y labels, the y axis title turned on its side, x labels (every k-th so they never overlap).
    package static func axes(_ f: Frame, ticks: [Double], format: (Double) -> String, xLabels: [String], xTitle: String, yTitle: String,
                     centred: Bool) -> String {
        let t = f.theme, top = ticks.last ?? 1
        var out = ""
        for v in ticks {
            let y = f.y(v, top: top)
            out += "<line x1=\"\(n(f.left))\" y1=\"\(n(y))\" x2=\"\(n(f.width - f.right))\" y2=\"\(n(y))\" stroke=\"\(t.grid)\" stroke-width=\"1\"\(v == 0 ? "" : " stroke-dasharray=\"3 3\"")/>"
            out += "<text x=\"\(n(f.left - t.fontSize * 0.4))\" y=\"\(n(y))\" dominant-baseline=\"central\" text-anchor=\"end\" fill=\"\(t.muted)\">\(HTML.escape(format(v)))</text>"
        }
        let slot = f.plotWidth / Double(max(1, xLabels.count))
        let widest = xLabels.map { BarChartSVG.textWidth($0, fontSize: t.fontSize) }.max() ?? 0
        let every = max(1, Int(((widest + t.fontSize) / slot).rounded(.up)))
        for (i, label) in xLabels.enumerated() where i % every == 0 {
            let x = f.left + slot * (Double(i) + (centred ? 0.5 : 0))
            out += "<text class=\"x\" x=\"\(n(x))\" y=\"\(n(f.height - f.bottom + t.fontSize * 1.3))\" text-anchor=\"middle\" fill=\"\(t.muted)\">\(HTML.escape(label))</text>"
        }
        out += "<text class=\"axis-title\" x=\"\(n(f.left + f.plotWidth / 2))\" y=\"\(n(f.height - t.fontSize * 0.4))\" text-anchor=\"middle\" fill=\"\(t.text)\">\(HTML.escape(xTitle))</text>"
        let yMid = f.top + f.plotHeight / 2
        out += "<text class=\"axis-title\" x=\"\(n(t.fontSize))\" y=\"\(n(yMid))\" text-anchor=\"middle\" transform=\"rotate(-90 \(n(t.fontSize)) \(n(yMid)))\" fill=\"\(t.text)\">\(HTML.escape(yTitle))</text>"
        return out
    }

    package static func legendRows(_ series: [ChartSeries], width: Double, theme: ChartTheme) -> Int {
        var rows = 1, x = 0.0
        for s in series {
            let w = theme.fontSize * 1.6 + BarChartSVG.textWidth(s.name, fontSize: theme.fontSize) + theme.fontSize
            if x + w > width - theme.fontSize * 4, x > 0 { rows += 1; x = 0 }
            x += w
        }
        return rows
    }

    package static func legend(_ series: [ChartSeries], _ f: Frame) -> String {
        let t = f.theme
        var out = "<g class=\"legend\">", x = f.left, row = 0.0
        for s in series {
            let w = t.fontSize * 1.6 + BarChartSVG.textWidth(s.name, fontSize: t.fontSize) + t.fontSize
            if x + w > f.width - t.fontSize, x > f.left { row += 1; x = f.left }
            let y = t.fontSize * 0.5 + row * t.fontSize * 1.8
            out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(t.fontSize))\" height=\"\(n(t.fontSize))\" fill=\"\(s.color)\"/>"
            out += "<text x=\"\(n(x + t.fontSize * 1.3))\" y=\"\(n(y + t.fontSize * 0.85))\" fill=\"\(t.text)\">\(HTML.escape(s.name))</text>"
            x += w
        }
        return out + "</g>"
    }

    package static func svg(_ body: String, _ f: Frame, title: String, cssClass: String) -> HTML {
        HTML(raw: """
        <svg class="\(cssClass)" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(n(f.width)) \(n(f.height))" role="img" aria-label="\(HTML.escape(title))" \
        font-size="\(n(f.theme.fontSize))" font-family="sans-serif"><title>\(HTML.escape(title))</title>\(body)</svg>
        """)
    }
}
