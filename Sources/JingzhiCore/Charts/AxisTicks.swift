import Foundation

/// Round numbers for a value axis: 0 to a "nice" top, in about `count` steps of 1, 2, 2.5 or 5 × 10ⁿ.
package enum AxisTicks {
    package static func nice(max value: Double, count: Int = 5, integers: Bool = false) -> [Double] {
        let top = value.isFinite && value > 0 ? value : 1
        var step = ChoroplethScale.niceStep(top / Double(max(1, count)))
        if integers { step = Swift.max(1, step.rounded(.up)) }
        let n = Int((top / step).rounded(.up))
        return (0...Swift.max(1, n)).map { Double($0) * step }
    }

    package static func label(_ v: Double) -> String { ChoroplethScale.short(v) }
}
