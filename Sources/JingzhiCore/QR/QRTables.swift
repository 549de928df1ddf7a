/// The numbers ISO/IEC 18004 tabulates per version and error-correction level.
package enum QRTables {
    package static let minVersion = 1
    package static let maxVersion = 40

    /// Table 9: EC codewords per block, index [level.ordinal][version]; index 0 is unused.
    package static let ecCodewordsPerBlock: [[Int]] = [
        // L
        [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
         28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        // M
        [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
         26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        // Q
        [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
         28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        // H
        [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
         30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Table 9: number of EC blocks, index [level.ordinal][version]; index 0 is unused.
    package static let ecBlocks: [[Int]] = [
        // L
        [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
         8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        // M
        [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
         17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        // Q
        [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
         23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        // H
        [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
         25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    package static func size(version: Int) -> Int { 17 + 4 * version }

    /// Modules left for data and EC codewords once every function pattern and the format/version
    /// information are placed; may include 0–7 remainder bits that carry nothing.
    package static func rawDataModules(version v: Int) -> Int {
        var result = (16 * v + 128) * v + 64    // size² minus finders, separators, timing, format
        if v >= 2 {
            let align = v / 7 + 2
            result -= (25 * align - 10) * align - 55   // alignment patterns, less their timing overlap
            if v >= 7 { result -= 36 }                 // two 6×3 version information blocks
        }
        return result
    }

    package static func totalCodewords(version: Int) -> Int { rawDataModules(version: version) / 8 }

    package static func dataCodewords(version: Int, level: QRCode.Level) -> Int {
        totalCodewords(version: version)
            - ecCodewordsPerBlock[level.ordinal][version] * ecBlocks[level.ordinal][version]
    }

    /// Bits of the byte-mode character count indicator (Table 3).
    package static func byteCountBits(version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// The most bytes one byte-mode segment can carry at this version and level; an ECI designator
    /// in front of it costs 12 bits (mode 0111 and one designator byte).
    package static func byteCapacity(version: Int, level: QRCode.Level, eci: Bool = false) -> Int {
        let bits = dataCodewords(version: version, level: level) * 8 - (eci ? 12 : 0) - 4 - byteCountBits(version: version)
        return min(bits / 8, (1 << byteCountBits(version: version)) - 1)
    }

    /// Centre coordinates of alignment patterns on each axis (Annex E), ascending. Evenly spaced from
    /// the far edge with an even step; the first is always 6, so the gap after it may be shorter.
    package static func alignmentPositions(version v: Int) -> [Int] {
        if v == 1 { return [] }
        let count = v / 7 + 2
        let step = v == 32 ? 26 : (v * 4 + count * 2 + 1) / (count * 2 - 2) * 2   // 32 is the one irregular version
        var positions = [6]
        var pos = size(version: v) - 7
        var tail: [Int] = []
        for _ in 0..<(count - 1) {
            tail.append(pos)
            pos -= step
        }
        positions.append(contentsOf: tail.reversed())
        return positions
    }

    /// 15-bit format information: 2 bits of level, 3 of mask, a BCH(15,5) remainder, masked with 0x5412
    /// so it is never all light.
    package static func formatBits(level: QRCode.Level, mask: Int) -> Int {
        let data = level.formatBits << 3 | mask
        var rem = data
        for _ in 0..<10 { rem = (rem << 1) ^ ((rem >> 9) * 0x537) }
        return (data << 10 | rem) ^ 0x5412
    }

    /// 18-bit version information for versions ≥ 7: 6 bits of version and a BCH(18,6) remainder.
    package static func versionBits(version: Int) -> Int {
        var rem = version
        for _ in 0..<12 { rem = (rem << 1) ^ ((rem >> 11) * 0x1F25) }
        return version << 12 | rem
    }
}
