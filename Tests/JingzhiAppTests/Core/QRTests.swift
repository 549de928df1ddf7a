import Foundation
#if canImport(FoundationXML)
import JingzhiCore
import FoundationXML   // XMLParser lives here on Linux
#endif
import Testing
@testable import JingzhiApp

/// Our own QR Code encoder: the spec's numbers, Reed–Solomon, symbol layout, the renderers, and —
/// decisively — a real decoder (zbarimg) reading back what we drew.
@Suite struct QRTests {
    // MARK: versions and capacity

    @Test func byteCapacitiesMatchTheSpecTable() {
        // The byte-mode column of ISO/IEC 18004 Table 7, [L, M, Q, H] per version.
        let table: [Int: [Int]] = [
            1: [17, 14, 11, 7], 2: [32, 26, 20, 14], 7: [154, 122, 86, 64],
            10: [271, 213, 151, 119], 20: [858, 666, 482, 382], 40: [2953, 2331, 1663, 1273],
        ]
        for (version, expected) in table {
            let actual = QRCode.Level.allCases.map { QRTables.byteCapacity(version: version, level: $0) }
            #expect(actual == expected, "version \(version)")
        }
        #expect(QRTables.totalCodewords(version: 1) == 26)
        #expect(QRTables.totalCodewords(version: 7) == 196)
        #expect(QRTables.totalCodewords(version: 40) == 3706)
    }

    @Test func theSmallestVersionThatFitsIsChosen() throws {
        // 14 bytes fill version 1-M; one more needs version 2.
        let v1 = try QRCode.encode(String(repeating: "a", count: 14))
        #expect(v1.version == 1 && v1.size == 21)
        let v2 = try QRCode.encode(String(repeating: "a", count: 15))
        #expect(v2.version == 2 && v2.size == 25)
        // 7 bytes is all 1-H holds.
        #expect(try QRCode.encode("1234567", correction: .high).version == 1)
        #expect(try QRCode.encode("12345678", correction: .high).version == 2)
        // Each Chinese character is 3 UTF-8 bytes: 11 characters are 33 bytes, past 2-M's 26, within 3-M's 42.
        let chinese = try QRCode.encode("扫码即办：幸福家园小区")
        #expect(chinese.version == 3 && chinese.size == 29)
        #expect(try QRCode.encode("").version == 1)
        #expect(try QRCode.encode(String(repeating: "x", count: 2331)).size == 177)
    }

    @Test func tooLongTextThrowsAClearError() {
        #expect(throws: QRCode.EncodeError.tooLong(bytes: 2332, maxBytes: 2331, level: .medium)) {
            try QRCode.encode(String(repeating: "x", count: 2332))
        }
        do {
            _ = try QRCode.encode(String(repeating: "码", count: 1000), correction: .high)
            Issue.record("expected an error")
        } catch {
            // Non-ASCII text carries a 12-bit UTF-8 marker, so H holds one byte less than 1273.
            #expect(QRCode.maxBytes(level: .high, eci: true) == 1272)
            #expect("\(error)".contains("3000") && "\(error)".contains("1272"))
            #expect(error.localizedDescription.contains("内容过长"))
        }
    }

    @Test func dataCodewordsCarryModeCountBytesAndPadding() {
        // 0100 | 00000010 | 'h' 'i' | 0000 then pad bytes: the bits straddle byte boundaries by 4.
        let words = QRCode.dataCodewords(Array("hi".utf8), version: 1, level: .high)
        #expect(words == [0x40, 0x26, 0x86, 0x90, 0xEC, 0x11, 0xEC, 0x11, 0xEC])
        // Versions 10+ count in 16 bits.
        let wide = QRCode.dataCodewords([0xAB], version: 10, level: .low)
        #expect(Array(wide.prefix(4)) == [0x40, 0x00, 0x1A, 0xB0])
        #expect(wide.count == QRTables.dataCodewords(version: 10, level: .low))
    }

    @Test func nonASCIITextIsMarkedAsUTF8() throws {
        // ECI 0111 | designator 26 | byte mode 0100 | count 2 | C3 A9 ("é"), then terminator and padding.
        #expect(QRCode.dataCodewords(Array("é".utf8), version: 1, level: .high, eci: 26)
            == [0x71, 0xA4, 0x02, 0xC3, 0xA9, 0x00, 0xEC, 0x11, 0xEC])
        // ASCII gets no marker, and the marker can be turned off; both then match plain byte mode.
        let plain = try QRCode.encode(bytes: Array("abc".utf8))
        #expect(try QRCode.encode("abc") == plain)
        #expect(try QRCode.encode("é", markUTF8: false) == (try QRCode.encode(bytes: Array("é".utf8))))
        #expect(try QRCode.encode("é") != (try QRCode.encode(bytes: Array("é".utf8))))
        // The marker's 12 bits can push text into the next version: 14 bytes fill 1-M only without it.
        let fourteen = "éééééé" + "ab"
        #expect(Array(fourteen.utf8).count == 14)
        #expect(try QRCode.encode(fourteen, markUTF8: false).version == 1)
        #expect(try QRCode.encode(fourteen).version == 2)
    }

    // MARK: format, version and alignment

    @Test func formatInformationMatchesTheSpec() {
        // Annex C: M with mask 0 is the mask pattern 0x5412 itself; the others are from the spec's table.
        #expect(QRTables.formatBits(level: .medium, mask: 0) == 0b101010000010010)
        #expect(QRTables.formatBits(level: .low, mask: 0) == 0b111011111000100)
        #expect(QRTables.formatBits(level: .quartile, mask: 0) == 0b011010101011111)
        #expect(QRTables.formatBits(level: .high, mask: 0) == 0b001011010001001)
        #expect(QRTables.formatBits(level: .low, mask: 4) == 0b110011000101111)
        // Every BCH codeword must differ from every other in at least 7 bits.
        let all = QRCode.Level.allCases.flatMap { level in (0..<8).map { QRTables.formatBits(level: level, mask: $0) } }
        for i in all.indices { for j in all.indices where i < j { #expect((all[i] ^ all[j]).nonzeroBitCount >= 7) } }
    }

    @Test func versionInformationMatchesTheSpec() {
        // Annex D: version 7 is 000111 110010 010100; version 40 is 101000 110001 101001.
        #expect(QRTables.versionBits(version: 7) == 0x07C94)
        #expect(QRTables.versionBits(version: 40) == 0x28C69)
    }

    @Test func alignmentPatternPositionsMatchAnnexE() {
        #expect(QRTables.alignmentPositions(version: 1) == [])
        #expect(QRTables.alignmentPositions(version: 2) == [6, 18])
        #expect(QRTables.alignmentPositions(version: 7) == [6, 22, 38])
        #expect(QRTables.alignmentPositions(version: 15) == [6, 26, 48, 70])
        #expect(QRTables.alignmentPositions(version: 32) == [6, 34, 60, 86, 112, 138])
        #expect(QRTables.alignmentPositions(version: 36) == [6, 24, 50, 76, 102, 128, 154])
        #expect(QRTables.alignmentPositions(version: 40) == [6, 30, 58, 86, 114, 142, 170])
    }

    // MARK: Reed–Solomon

    @Test func reedSolomonMatchesAHandComputedExample() {
        // g(x) = (x + 1)(x + α) = x² + 3x + 2; x² mod g = 3x + 2.
        #expect(ReedSolomon.generator(degree: 2) == [1, 3, 2])
        #expect(ReedSolomon.remainder([1], degree: 2) == [3, 2])
        // The degree-7 generator as exponents of α, as tabulated in Annex A.
        #expect(ReedSolomon.generator(degree: 7).map { GF256.log[Int($0)] } == [0, 87, 229, 146, 149, 238, 102, 21])
    }

    @Test func reedSolomonMatchesThe1MExample() {
        // 16 data codewords of the widely published 1-M "HELLO WORLD" symbol and their 10 EC codewords.
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.remainder(data, degree: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test func reedSolomonCodewordsVanishAtEveryGeneratorRoot() {
        // Independent check: a valid codeword c(x) = data·x^n + ec is zero at α⁰…α^(n−1). Evaluated with
        // a shift-and-XOR multiply that shares nothing with the encoder's log tables.
        func mul(_ a: UInt8, _ b: UInt8) -> UInt8 {
            var a = Int(a), b = Int(b), p = 0
            while b > 0 {
                if b & 1 == 1 { p ^= a }
                a <<= 1
                if a & 0x100 != 0 { a ^= 0x11D }
                b >>= 1
            }
            return UInt8(p)
        }
        var rng = SystemRandomNumberGenerator()
        for degree in [7, 10, 18, 30] {
            let data = (0..<40).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let codeword = data + ReedSolomon.remainder(data, degree: degree)
            var root: UInt8 = 1
            for _ in 0..<degree {
                let value = codeword.reduce(UInt8(0)) { mul($0, root) ^ $1 }   // Horner
                #expect(value == 0, "degree \(degree)")
                root = mul(root, 2)
            }
        }
    }

    // MARK: layout

    @Test func functionPatternsAndFormatBitsAreInPlace() throws {
        for (text, level) in [("http://127.0.0.1:8080/c/YT-GT-01-G01-C01", QRCode.Level.medium), (String(repeating: "z", count: 300), .quartile)] {
            let qr = try QRCode.encode(text, correction: level)
            let n = qr.size
            // Finder corners: dark 7×7 frame, light ring, dark 3×3 centre.
            for (cx, cy) in [(3, 3), (n - 4, 3), (3, n - 4)] {
                #expect(qr.isDark(x: cx, y: cy) && qr.isDark(x: cx - 3, y: cy - 3) && !qr.isDark(x: cx - 2, y: cy))
            }
            // Timing row and column alternate, starting dark.
            for i in 8..<(n - 8) { #expect(qr.isDark(x: i, y: 6) == (i % 2 == 0) && qr.isDark(x: 6, y: i) == (i % 2 == 0)) }
            #expect(qr.isDark(x: 8, y: n - 8), "the dark module")
            // Both copies of the format information read back as the level and the chosen mask.
            let expected = QRTables.formatBits(level: level, mask: qr.mask)
            var first = 0, second = 0
            let firstCells = (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)] + (9..<15).map { (14 - $0, 8) }
            let secondCells = (0..<8).map { (n - 1 - $0, 8) } + (8..<15).map { (8, n - 15 + $0) }
            for (i, cell) in firstCells.enumerated() where qr.isDark(x: cell.0, y: cell.1) { first |= 1 << i }
            for (i, cell) in secondCells.enumerated() where qr.isDark(x: cell.0, y: cell.1) { second |= 1 << i }
            #expect(first == expected && second == expected)
            #expect(!qr.isDark(x: -1, y: 0) && !qr.isDark(x: n, y: n), "outside is quiet zone")
        }
    }

    @Test func everyMaskIsSomebodysBest() throws {
        // Masks are chosen by penalty, so varied inputs should not all land on one mask.
        var masks = Set<Int>()
        for i in 0..<60 { masks.insert(try QRCode.encode("https://example.cn/\(i * 7919)").mask) }
        #expect(masks.count >= 4)
    }

    // MARK: renderers

    @Test func svgIsWellFormedWithTheRightViewBox() throws {
        let qr = try QRCode.encode("http://127.0.0.1:8080/c/YT-GT-01-G01-C01")
        let svg = qr.svg(moduleSize: 6, quietZone: 4, title: "幸福家园 <A&B> \"1\"")
        let delegate = SVGProbe()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = delegate
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        let n = qr.size + 8
        #expect(delegate.attributes["svg"]?["viewBox"] == "0 0 \(n) \(n)")
        #expect(delegate.attributes["svg"]?["width"] == "\(n * 6)")
        #expect(delegate.attributes["svg"]?["shape-rendering"] == "crispEdges")
        #expect(delegate.attributes["rect"]?["fill"] == "#fff")
        #expect(delegate.counts["path"] == 1)
        #expect(delegate.title == "幸福家园 <A&B> \"1\"")
        // Without a title there is no <title> element.
        #expect(!qr.svg().contains("<title>"))
    }

    @Test func checksumsMatchPublishedValues() {
        var crc = CRC32()
        crc.update(Array("123456789".utf8))
        #expect(crc.value == 0xCBF4_3926)
        #expect(PNG.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(PNG.adler32([]) == 1)
        // 65 535 zeros and one more: two stored blocks, the second final.
        let z = PNG.zlibStored([UInt8](repeating: 0, count: 65_536))
        #expect(Array(z.prefix(7)) == [0x78, 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x00])
        #expect(Array(z[(2 + 5 + 65_535)..<(2 + 5 + 65_535 + 5)]) == [0x01, 0x01, 0x00, 0xFE, 0xFF])
        #expect(z.count == 2 + 2 * 5 + 65_536 + 4)
    }

    @Test func pngHasValidChunksAndSize() throws {
        let qr = try QRCode.encode("hello")
        let png = [UInt8](qr.png(moduleSize: 3, quietZone: 2))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8
        var types: [String] = []
        func u32(_ i: Int) -> Int { png[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        while offset < png.count {
            let length = u32(offset)
            let type = String(decoding: png[offset + 4..<offset + 8], as: UTF8.self)
            var crc = CRC32()
            crc.update(Array(png[offset + 4..<offset + 8 + length]))
            #expect(UInt32(u32(offset + 8 + length)) == crc.value, "CRC of \(type)")
            if type == "IHDR" {
                let side = (21 + 4) * 3
                #expect(u32(offset + 8) == side && u32(offset + 12) == side)
                #expect(Array(png[offset + 16..<offset + 21]) == [8, 0, 0, 0, 0])
            }
            types.append(type)
            offset += 12 + length
        }
        #expect(types == ["IHDR", "IDAT", "IEND"])
        #expect(offset == png.count)
    }

    // MARK: a real decoder reads what we drew

    static let zbarimg = "/usr/bin/zbarimg"
    static let hasZbar = FileManager.default.isExecutableFile(atPath: zbarimg)

    @Test(.enabled(if: hasZbar, "needs zbarimg (apt install zbar-tools)"))
    func zbarimgDecodesOurPNGs() throws {
        let cases: [(String, QRCode.Level)] = [
            ("http://127.0.0.1:8080/c/YT-GT-01-G01-C01", .medium),
            ("https://jingzhi.example.gov.cn/services/apply?community=YT-GT-01&grid=G01&cell=C01"
                + "&form=resident-registration&lang=zh-CN&ref=poster-2024-autumn&utm=qr", .medium),
            ("扫码即办：幸福家园小区", .medium),
            ("居民报事：古亭社区 G01 网格，电话 0755-12345678", .low),
            (String(repeating: "社区网格化管理，扫码即办。", count: 30), .quartile),
            ("http://127.0.0.1:8080/c/YT-GT-01-G01-C01", .low),
            ("http://127.0.0.1:8080/c/YT-GT-01-G01-C01", .quartile),
            ("http://127.0.0.1:8080/c/YT-GT-01-G01-C01", .high),
        ]
        for (text, level) in cases {
            let qr = try QRCode.encode(text, correction: level)
            #expect(try Self.decode(qr.png(moduleSize: 4)) == text, "\(level) \(text)")
        }
    }

    @Test(.enabled(if: hasZbar, "needs zbarimg (apt install zbar-tools)"))
    func zbarimgDecodesEveryVersionAndLevelAtFullCapacity() throws {
        // Filling each version exactly exercises every row of the block tables, the alignment and
        // version information layouts, and (at 40) PNGs big enough to need several stored blocks.
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-._~:/?#[]@!$&'()*+,;=")
        for version in 1...40 {
            for level in QRCode.Level.allCases {
                let count = QRTables.byteCapacity(version: version, level: level)
                let text = String((0..<count).map { alphabet[($0 * 7 + version * 13 + level.ordinal) % alphabet.count] })
                let qr = try QRCode.encode(text, correction: level)
                #expect(qr.version == version)
                #expect(try Self.decode(qr.png(moduleSize: 2)) == text, "version \(version)-\(level.rawValue)")
            }
        }
    }

    /// Writes the PNG to a temporary file and returns what zbarimg reads from it.
    static func decode(_ png: Data) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qr-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("code.png")
        try png.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: zbarimg)
        process.arguments = ["--raw", "-q", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()   // before waiting, so a full pipe can't block
        process.waitUntilExit()
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }   // zbarimg ends each symbol with a newline
        return text
    }
}

/// Collects what the SVG test looks at.
private final class SVGProbe: NSObject, XMLParserDelegate {
    var attributes: [String: [String: String]] = [:]
    var counts: [String: Int] = [:]
    var title = ""
    private var inTitle = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        self.attributes[name] = attributes
        counts[name, default: 0] += 1
        inTitle = name == "title"
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "title" { inTitle = false }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inTitle { title += string }
    }
}
