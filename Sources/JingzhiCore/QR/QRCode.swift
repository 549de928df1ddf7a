import Foundation

/// A QR Code encoder (ISO/IEC 18004, model 2) written here because no third-party packages are allowed.
/// Text goes in byte mode as UTF-8 — URLs and Chinese alike — in the smallest version 1–40 that fits.
package enum QRCode {
    /// How much of the symbol may be damaged and still read: about 7 %, 15 %, 25 %, 30 %.
    package enum Level: String, CaseIterable, Sendable {
        case low = "L", medium = "M", quartile = "Q", high = "H"

        /// Row of the EC tables.
        package var ordinal: Int {
            switch self {
            case .low: 0
            case .medium: 1
            case .quartile: 2
            case .high: 3
            }
        }

        /// The 2-bit level indicator in the format information (Table 12): L=01, M=00, Q=11, H=10.
        package var formatBits: Int {
            switch self {
            case .low: 1
            case .medium: 0
            case .quartile: 3
            case .high: 2
            }
        }
    }

    package enum EncodeError: Error, Equatable, CustomStringConvertible, LocalizedError {
        /// Even version 40 cannot hold `bytes` UTF-8 bytes at this level; `maxBytes` is what it holds.
        case tooLong(bytes: Int, maxBytes: Int, level: Level)

        package var description: String {
            switch self {
            case let .tooLong(bytes, maxBytes, level):
                "内容过长，无法生成二维码：\(bytes) 字节，纠错级别 \(level.rawValue) 最多 \(maxBytes) 字节 "
                    + "(text too long for a QR code: \(bytes) UTF-8 bytes, at most \(maxBytes) at level \(level.rawValue))"
            }
        }
        package var errorDescription: String? { description }
    }

    /// Encodes `text` as UTF-8 bytes in the smallest version that holds it at `correction`, with the mask
    /// of lowest penalty. Throws `EncodeError.tooLong` when even version 40 is too small.
    ///
    /// `markUTF8` puts an ECI 26 ("this is UTF-8") designator in front of text that is not plain ASCII.
    /// Without it the standard says byte mode is ISO-8859-1 and readers must guess: zbar, for one, tries
    /// Shift-JIS first and turns Chinese into mojibake. ASCII (every URL) never gets the designator,
    /// so those symbols stay as plain as any generator's.
    package static func encode(_ text: String, correction: Level = .medium, markUTF8: Bool = true) throws -> QRMatrix {
        let bytes = Array(text.utf8)
        return try encode(bytes: bytes, correction: correction, eci: markUTF8 && bytes.contains { $0 >= 0x80 } ? 26 : nil)
    }

    /// Encodes raw bytes, optionally behind an ECI designator (0–127, e.g. 26 for UTF-8).
    package static func encode(bytes: [UInt8], correction level: Level = .medium, eci: Int? = nil) throws -> QRMatrix {
        guard let version = smallestVersion(bytes: bytes.count, level: level, eci: eci != nil) else {
            throw EncodeError.tooLong(bytes: bytes.count, maxBytes: maxBytes(level: level, eci: eci != nil), level: level)
        }
        let data = dataCodewords(bytes, version: version, level: level, eci: eci)
        let codewords = addErrorCorrection(data, version: version, level: level)
        return QRMatrixBuilder(version: version, level: level).build(codewords: codewords)
    }

    /// The most bytes any version holds at `level`: 2953 at L down to 1273 at H, one or two fewer
    /// behind an ECI designator. Chinese characters take 3 bytes each in UTF-8.
    package static func maxBytes(level: Level, eci: Bool = false) -> Int {
        QRTables.byteCapacity(version: QRTables.maxVersion, level: level, eci: eci)
    }

    package static func smallestVersion(bytes: Int, level: Level, eci: Bool = false) -> Int? {
        (QRTables.minVersion...QRTables.maxVersion).first {
            QRTables.byteCapacity(version: $0, level: level, eci: eci) >= bytes
        }
    }

    /// [ECI designator,] mode indicator, count, the bytes, terminator and padding, packed into the
    /// version's data codewords.
    package static func dataCodewords(_ bytes: [UInt8], version: Int, level: Level, eci: Int? = nil) -> [UInt8] {
        let capacity = QRTables.dataCodewords(version: version, level: level)
        var bits = BitBuffer()
        if let eci {
            precondition((0...127).contains(eci), "only one-byte ECI designators are supported")
            bits.append(0b0111, count: 4)
            bits.append(eci, count: 8)
        }
        bits.append(0b0100, count: 4)                                     // byte mode
        bits.append(bytes.count, count: QRTables.byteCountBits(version: version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        precondition(bits.count <= capacity * 8, "data does not fit the version")
        bits.append(0, count: min(4, capacity * 8 - bits.count))          // terminator, shortened if full
        bits.append(0, count: (8 - bits.count % 8) % 8)                   // to a byte boundary
        var result = bits.bytes
        // Alternate 0xEC and 0x11 to fill: the spec's pad bytes, chosen so padding doesn't look uniform.
        var pad: UInt8 = 0xEC
        while result.count < capacity {
            result.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return result
    }

    /// Splits data into the version's blocks, appends each block's RS codewords, and interleaves:
    /// first byte of every block, then the second…, then the EC bytes the same way. Interleaving spreads
    /// a local smudge over many blocks, each of which can correct a few errors.
    package static func addErrorCorrection(_ data: [UInt8], version: Int, level: Level) -> [UInt8] {
        let blockCount = QRTables.ecBlocks[level.ordinal][version]
        let ecLength = QRTables.ecCodewordsPerBlock[level.ordinal][version]
        let total = QRTables.totalCodewords(version: version)
        precondition(data.count == total - blockCount * ecLength, "data codewords do not fill the version")
        // Blocks differ in length by at most one data codeword; the short ones come first.
        let shortBlocks = blockCount - total % blockCount
        let shortDataLength = total / blockCount - ecLength
        let generator = ReedSolomon.generator(degree: ecLength)

        var dataBlocks: [[UInt8]] = []
        var ecBlocks: [[UInt8]] = []
        var offset = 0
        for i in 0..<blockCount {
            let length = shortDataLength + (i < shortBlocks ? 0 : 1)
            let block = Array(data[offset..<offset + length])
            offset += length
            dataBlocks.append(block)
            ecBlocks.append(ReedSolomon.remainder(block, generator: generator))
        }

        var result: [UInt8] = []
        result.reserveCapacity(total)
        for i in 0...shortDataLength {
            for block in dataBlocks where i < block.count { result.append(block[i]) }
        }
        for i in 0..<ecLength {
            for block in ecBlocks { result.append(block[i]) }
        }
        return result
    }
}

/// A finished QR symbol: `size`×`size` modules, (0, 0) top left, without the quiet zone.
package struct QRMatrix: Sendable, Equatable {
    package let size: Int
    package let version: Int
    package let level: QRCode.Level
    /// The data mask (0–7) that scored the lowest penalty.
    package let mask: Int
    /// Row-major, `true` = dark.
    package let modules: [Bool]

    package init(size: Int, version: Int, level: QRCode.Level, mask: Int, modules: [Bool]) {
        self.size = size
        self.version = version
        self.level = level
        self.mask = mask
        self.modules = modules
    }

    package func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }   // the quiet zone is light
        return modules[y * size + x]
    }
}

/// Bits appended most significant first, read back as bytes.
package struct BitBuffer {
    private(set) var bits: [Bool] = []
    package var count: Int { bits.count }

    package mutating func append(_ value: Int, count: Int) {
        precondition(count >= 0 && (count == 0 || value >> count == 0), "value does not fit in \(count) bits")
        for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
    }

    package var bytes: [UInt8] {
        var result = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (i, bit) in bits.enumerated() where bit { result[i >> 3] |= 0x80 >> UInt8(i & 7) }
        return result
    }
}
