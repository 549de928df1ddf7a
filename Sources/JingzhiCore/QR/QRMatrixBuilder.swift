/// Lays out one QR symbol: function patterns, the codeword bits in the zigzag order, the best mask,
/// and the format and version information.
package struct QRMatrixBuilder {
    package let version: Int
    package let level: QRCode.Level
    package let size: Int
    /// Row-major module colours, `true` = dark.
    private var modules: [Bool]
    /// Modules of function patterns and format/version areas, which data and masks never touch.
    private var isFunction: [Bool]

    package init(version: Int, level: QRCode.Level) {
        precondition((QRTables.minVersion...QRTables.maxVersion).contains(version), "QR version out of range")
        self.version = version
        self.level = level
        size = QRTables.size(version: version)
        modules = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
    }

    /// Places `codewords` (data and EC, interleaved) and returns the symbol with the lowest-penalty mask.
    package func build(codewords: [UInt8]) -> QRMatrix {
        var base = self
        base.drawFunctionPatterns()
        base.placeCodewords(codewords)

        var best: (penalty: Int, mask: Int, modules: [Bool])?
        for mask in 0..<8 {
            var candidate = base
            candidate.applyMask(mask)
            // Format bits differ per mask and count towards the penalty, so draw them before scoring.
            candidate.drawFormatBits(mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (penalty, mask, candidate.modules) }
        }
        return QRMatrix(size: size, version: version, level: level, mask: best!.mask, modules: best!.modules)
    }

    // MARK: function patterns

    private mutating func set(_ x: Int, _ y: Int, _ dark: Bool, function: Bool = true) {
        modules[y * size + x] = dark
        if function { isFunction[y * size + x] = true }
    }

    private func get(_ x: Int, _ y: Int) -> Bool { modules[y * size + x] }

    package mutating func drawFunctionPatterns() {
        // Timing first: the finders then overwrite its ends.
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        drawFinder(centerX: 3, centerY: 3)
        drawFinder(centerX: size - 4, centerY: 3)
        drawFinder(centerX: 3, centerY: size - 4)

        let positions = QRTables.alignmentPositions(version: version)
        let last = positions.count - 1
        for (i, ay) in positions.enumerated() {
            for (j, ax) in positions.enumerated() {
                // The three corners that would overlap a finder pattern get no alignment pattern.
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                drawAlignment(centerX: ax, centerY: ay)
            }
        }
        // Reserve the format areas (and draw the dark module) now so data placement skips them.
        drawFormatBits(mask: 0)
        drawVersionBits()
    }

    /// A 7×7 finder with its light separator, clipped at the symbol's edge.
    private mutating func drawFinder(centerX: Int, centerY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centerX + dx, y = centerY + dy
                guard x >= 0, x < size, y >= 0, y < size else { continue }
                let ring = max(abs(dx), abs(dy))
                set(x, y, ring != 2 && ring != 4)
            }
        }
    }

    private mutating func drawAlignment(centerX: Int, centerY: Int) {
        for dy in -2...2 {
            for dx in -2...2 { set(centerX + dx, centerY + dy, max(abs(dx), abs(dy)) != 1) }
        }
    }

    /// Both copies of the 15 format bits (bit 0 least significant), plus the always-dark module.
    package mutating func drawFormatBits(mask: Int) {
        let bits = QRTables.formatBits(level: level, mask: mask)
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        // Around the top-left finder: down column 8, skipping the timing row, then left along row 8.
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        // Split copy: row 8 under the top-right finder, column 8 beside the bottom-left one.
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
    }

    /// Two 6×3 copies of the 18 version bits, beside the top-right and bottom-left finders (version ≥ 7).
    private mutating func drawVersionBits() {
        guard version >= 7 else { return }
        let bits = QRTables.versionBits(version: version)
        for i in 0..<18 {
            let dark = (bits >> i) & 1 == 1
            let a = size - 11 + i % 3, b = i / 3
            set(a, b, dark)
            set(b, a, dark)
        }
    }

    // MARK: data

    /// Fills non-function modules two columns at a time from the right, zigzagging up then down,
    /// skipping the vertical timing column. Leftover remainder bits stay light.
    package mutating func placeCodewords(_ codewords: [UInt8]) {
        precondition(codewords.count == QRTables.totalCodewords(version: version), "wrong number of codewords")
        let totalBits = codewords.count * 8
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for vert in 0..<size {
                let y = upward ? size - 1 - vert : vert
                for j in 0..<2 {
                    let x = right - j
                    guard !isFunction[y * size + x], i < totalBits else { continue }
                    set(x, y, (codewords[i >> 3] >> (7 - UInt8(i & 7))) & 1 == 1, function: false)
                    i += 1
                }
            }
            right -= 2
        }
        assert(i == totalBits, "not every codeword bit was placed")
    }

    /// Data mask conditions (Table 10); x is the column, y the row. A true condition flips the module.
    package static func maskCondition(_ mask: Int, x: Int, y: Int) -> Bool {
        switch mask {
        case 0: (x + y) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (x + y) % 3 == 0
        case 4: (x / 3 + y / 2) % 2 == 0
        case 5: (x * y) % 2 + (x * y) % 3 == 0
        case 6: ((x * y) % 2 + (x * y) % 3) % 2 == 0
        case 7: ((x + y) % 2 + (x * y) % 3) % 2 == 0
        default: preconditionFailure("mask must be 0–7")
        }
    }

    private mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && Self.maskCondition(mask, x: x, y: y) {
                modules[y * size + x].toggle()
            }
        }
    }

    // MARK: penalty (section 7.8.3)

    /// Lower is better: long runs, 2×2 blocks, finder look-alikes and an unbalanced dark share all
    /// make a symbol harder to read.
    package func penalty() -> Int {
        var score = 0
        // Rule 1 and rule 3, on rows (transposed = false) then on columns.
        for transposed in [false, true] {
            for line in 0..<size {
                func at(_ k: Int) -> Bool { transposed ? get(line, k) : get(k, line) }
                var run = 1
                for k in 1..<size {
                    if at(k) == at(k - 1) {
                        run += 1
                        if run == 5 { score += 3 } else if run > 5 { score += 1 }
                    } else {
                        run = 1
                    }
                }
                // 1:1:3:1:1 dark-light pattern with four light modules on one side.
                if size >= 11 {
                    for k in 0...(size - 11) {
                        var left = true, right = true
                        for m in 0..<11 where left || right {
                            let c = at(k + m)
                            if c != Self.finderLeft[m] { left = false }
                            if c != Self.finderRight[m] { right = false }
                        }
                        if left || right { score += 40 }
                    }
                }
            }
        }
        // Rule 2: every 2×2 block of one colour (overlapping blocks each count).
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = get(x, y)
                if c == get(x + 1, y) && c == get(x, y + 1) && c == get(x + 1, y + 1) { score += 3 }
            }
        }
        // Rule 4: 10 points per whole 5 % the dark share strays from 50 %.
        let dark = modules.lazy.filter { $0 }.count
        let total = size * size
        score += abs(dark * 2 - total) * 10 / total * 10
        return score
    }

    private static let finderLeft: [Bool] = [false, false, false, false, true, false, true, true, true, false, true]
    private static let finderRight: [Bool] = [true, false, true, true, true, false, true, false, false, false, false]
}
