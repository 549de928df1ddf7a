import Foundation

/// Classes of equal width from 0 for a choropleth (分级设色): the class width is a "nice" number (1, 2, 2.5 or 5 × 10ⁿ)
/// chosen so that the largest value falls into at most `maxClasses` classes. Class i holds [i·step, (i+1)·step);
/// the last class also holds everything above. A missing value (no households to divide by) gets its own grey.
package struct ChoroplethScale: Sendable, Equatable {
    package let step: Double
    package let colors: [String]
    package static let noData = "#9e9e9e"
    /// Light yellow to dark red, readable on white and on the dark wall screen.
    package static let ramp = ["#fff3c4", "#fdd38a", "#f9a25a", "#e8613c", "#b71c1c"]

    package init(maxValue: Double, maxClasses: Int = 5, colors: [String] = ChoroplethScale.ramp) {
        let classes = max(1, min(maxClasses, colors.count))
        let top = maxValue.isFinite && maxValue > 0 ? maxValue : 1
        step = Self.niceStep(top / Double(classes))
        // Fewer classes when the nice step leaves some empty; their colours spread over the whole ramp.
        let used = min(classes, Int((top / step).rounded(.down)) + 1)
        self.colors = used == 1 ? [colors[colors.count / 2]]
            : (0..<used).map { colors[Int((Double($0) * Double(colors.count - 1) / Double(used - 1)).rounded())] }
    }

    /// The smallest of 1, 2, 2.5, 5 × 10ⁿ that is ≥ `raw`.
    package static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 2.5, 5, 10] where m * magnitude >= raw * (1 - 1e-12) { return m * magnitude }
        return 10 * magnitude
    }

    package var classCount: Int { colors.count }

    /// Which class a value falls in; nil for a missing value.
    package func classIndex(_ value: Double?) -> Int? {
        guard let value, value.isFinite else { return nil }
        return min(classCount - 1, max(0, Int((value / step).rounded(.down))))
    }

    package func color(_ value: Double?) -> String {
        classIndex(value).map { colors[$0] } ?? Self.noData
    }

    /// "0–10", "10–20", …, "40 以上/+" for the last class.
    package func labels(above: String = "+") -> [String] {
        (0..<classCount).map { i in
            let low = Self.short(Double(i) * step), high = Self.short(Double(i + 1) * step)
            return i == classCount - 1 ? "≥\(low)" : "\(low)–\(high)"
        }
    }

    package static func short(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: v * 10 == (v * 10).rounded() ? "%.1f" : "%.2f", v)
    }

    /// The legend as an SVG group: one swatch per class and one for "no data", `x`,`y` its top left corner.
    package func legend(title: String, noDataLabel: String, x: Double, y: Double, theme: ChartTheme) -> String {
        var out = "<g class=\"legend\" font-size=\"\(SVGNumber.format(theme.fontSize))\">"
        out += "<text x=\"\(SVGNumber.format(x))\" y=\"\(SVGNumber.format(y + theme.fontSize))\" fill=\"\(theme.text)\">\(HTML.escape(title))</text>"
        let row = theme.fontSize * 1.5
        let entries = zip(colors, labels()).map { ($0, $1) } + [(Self.noData, noDataLabel)]
        for (i, (color, label)) in entries.enumerated() {
            let top = y + theme.fontSize * 1.6 + Double(i) * row
            out += "<rect x=\"\(SVGNumber.format(x))\" y=\"\(SVGNumber.format(top))\" width=\"\(SVGNumber.format(theme.fontSize * 1.6))\" height=\"\(SVGNumber.format(theme.fontSize))\" fill=\"\(color)\" stroke=\"\(theme.grid)\"/>"
            out += "<text x=\"\(SVGNumber.format(x + theme.fontSize * 2.1))\" y=\"\(SVGNumber.format(top + theme.fontSize * 0.85))\" fill=\"\(theme.text)\">\(HTML.escape(label))</text>"
        }
        return out + "</g>"
    }
}

/// Colours and sizes shared by the charts and the map: the light desk pages and the dark wall screen.
package struct ChartTheme: Sendable, Equatable {
    package var text: String
    package var muted: String
    package var grid: String
    package var background: String
    package var fontSize: Double

    package init(text: String, muted: String, grid: String, background: String, fontSize: Double) {
        self.text = text
        self.muted = muted
        self.grid = grid
        self.background = background
        self.fontSize = fontSize
    }

    package static let light = ChartTheme(text: "#1d1d1f", muted: "#666", grid: "#ccc", background: "#fff", fontSize: 12)
    /// The wall screen's: drawn at about its own size on 1920×1080, its labels are 25 px (grid names 20 px), readable from 3 m.
    package static let dark = ChartTheme(text: "#e8eef7", muted: "#9fb0c8", grid: "#3a4a66", background: "#0f1a2e", fontSize: 25)

    /// Series colours (trend lines, category stacks), distinct on both backgrounds.
    package static let palette = ["#e53935", "#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#00acc1", "#fdd835", "#6d4c41", "#90a4ae"]
}
