import Foundation

/// A horizontal bar chart of fractions 0…1 as SVG, drawn from our own data: no scripts, no fonts, no external assets.
/// One `<g class="bar">` per row, in the order given, with the label on the left, the bar, and the formatted value on
/// the right. A `nil` value (nothing to measure) gets its row and "—" but no bar; values outside 0…1 are clamped.
package enum BarChartSVG {
    package static func render(rows: [(label: String, value: Double?)], title: String, format: (Double) -> String) -> HTML {
        // About the width of half a desk screen, so the text stays near its nominal size.
        let fontSize = 13.0, rowHeight = 26.0, barHeight = 16.0, top = 10.0, bottom = 22.0, width = 480.0
        let valueWidth = 56.0, gap = 8.0
        // Room for the longest label: CJK characters are about one em wide, others about half an em.
        let longest = rows.map { textWidth($0.label, fontSize: fontSize) }.max() ?? 0
        let labelWidth = min(max(longest, 3 * fontSize) + gap, width * 0.4)
        let barX = labelWidth, barWidth = width - labelWidth - valueWidth - gap
        let height = top + Double(rows.count) * rowHeight + bottom
        func n(_ x: Double) -> String { String(format: "%.1f", x) }

        var body = "<title>\(HTML.escape(title))</title>"
        // Gridlines at 0, 50 % and 100 %, labelled below the bars.
        for tick in [0.0, 0.5, 1.0] {
            let x = barX + tick * barWidth
            body += "<line x1=\"\(n(x))\" y1=\"\(n(top - 4))\" x2=\"\(n(x))\" y2=\"\(n(height - bottom + 2))\" stroke=\"#ccc\" stroke-width=\"1\"\(tick == 0 ? "" : " stroke-dasharray=\"3 3\"")/>"
            let anchor = tick == 0 ? "start" : tick == 1 ? "end" : "middle"
            body += "<text x=\"\(n(x))\" y=\"\(n(height - 6))\" text-anchor=\"\(anchor)\" font-size=\"11\" fill=\"#666\">\(HTML.escape(format(tick)))</text>"
        }
        for (i, row) in rows.enumerated() {
            let y = top + Double(i) * rowHeight
            let middle = y + rowHeight / 2
            let value = row.value.flatMap { $0.isFinite ? min(max($0, 0), 1) : nil }
            let shown = row.value.flatMap { $0.isFinite ? format($0) : nil } ?? "—"
            let label = HTML.escape(row.label)
            var g = "<g class=\"bar\"><title>\(label): \(HTML.escape(shown))</title>"
            g += "<text x=\"\(n(labelWidth - gap))\" y=\"\(n(middle))\" dominant-baseline=\"central\" text-anchor=\"end\" font-size=\"\(n(fontSize))\" fill=\"#1d1d1f\">\(HTML.escape(truncated(row.label, width: labelWidth - gap, fontSize: fontSize)))</text>"
            g += "<rect x=\"\(n(barX))\" y=\"\(n(middle - barHeight / 2))\" width=\"\(n(barWidth))\" height=\"\(n(barHeight))\" fill=\"#f3f1ee\"/>"
            if let value {
                g += "<rect class=\"value\" x=\"\(n(barX))\" y=\"\(n(middle - barHeight / 2))\" width=\"\(n(value * barWidth))\" height=\"\(n(barHeight))\" fill=\"#b71c1c\"/>"
            }
            g += "<text x=\"\(n(width - valueWidth + gap))\" y=\"\(n(middle))\" dominant-baseline=\"central\" font-size=\"\(n(fontSize))\" fill=\"\(value == nil ? "#666" : "#1d1d1f")\">\(HTML.escape(shown))</text></g>"
            body += g
        }
        return HTML(raw: """
        <svg class="bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(n(width)) \(n(height))" role="img" aria-label="\(HTML.escape(title))" \
        style="display:block;width:100%;max-width:\(Int(width))px;height:auto;background:#fff">\(body)</svg>
        """)
    }

    /// The width of `text` in the chart's font, roughly: a CJK (or other wide) character is one em, the rest half.
    package static func textWidth(_ text: String, fontSize: Double) -> Double {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x2E80 ? fontSize : fontSize * 0.58) }
    }

    /// `text` cut to fit `width`, ending in "…" when cut; the row's `<title>` keeps the full label.
    package static func truncated(_ text: String, width: Double, fontSize: Double) -> String {
        guard textWidth(text, fontSize: fontSize) > width else { return text }
        var out = ""
        for ch in text {
            if textWidth(out + String(ch) + "…", fontSize: fontSize) > width { break }
            out.append(ch)
        }
        return out + "…"
    }
}
