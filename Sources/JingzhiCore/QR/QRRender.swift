import Foundation

/// Pictures of a QR symbol: SVG for pages and print, PNG where a bitmap is needed.
extension QRMatrix {
    /// Pixels (or SVG user units × `moduleSize`) of one side, quiet zone included.
    package func imageSide(moduleSize: Int, quietZone: Int) -> Int { (size + 2 * quietZone) * moduleSize }

    /// A standalone SVG (no XML declaration, so it can also be inlined into HTML). The viewBox is in
    /// modules, `0 0 n n` with n = size + 2·quietZone; width and height are n·moduleSize. One `<path>`
    /// draws the dark modules as horizontal runs over a white background rect.
    package func svg(moduleSize: Int = 8, quietZone: Int = 4, title: String? = nil) -> String {
        precondition(moduleSize >= 1 && quietZone >= 0, "moduleSize must be ≥ 1 and quietZone ≥ 0")
        let n = size + 2 * quietZone
        let side = n * moduleSize
        var d = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < size && isDark(x: x, y: y) { x += 1 }
                let run = x - start
                d += "M\(start + quietZone) \(y + quietZone)h\(run)v1h-\(run)z"
            }
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(side)\" height=\"\(side)\" "
            + "viewBox=\"0 0 \(n) \(n)\" shape-rendering=\"crispEdges\" role=\"img\">"
        if let title { svg += "<title>\(HTML.escape(title))</title>" }
        svg += "<rect width=\"\(n)\" height=\"\(n)\" fill=\"#fff\"/>"
        svg += "<path fill=\"#000\" d=\"\(d)\"/></svg>"
        return svg
    }

    /// An 8-bit grayscale PNG, black on white. The zlib stream uses stored (uncompressed) deflate
    /// blocks, so the file is about side² bytes: keep `moduleSize` small for big versions.
    package func png(moduleSize: Int = 8, quietZone: Int = 4) -> Data {
        precondition(moduleSize >= 1 && quietZone >= 0, "moduleSize must be ≥ 1 and quietZone ≥ 0")
        let side = imageSide(moduleSize: moduleSize, quietZone: quietZone)

        // Scanlines: a filter-type byte (0 = none), then one gray byte per pixel.
        var raw: [UInt8] = []
        raw.reserveCapacity((side + 1) * side)
        for my in -quietZone..<(size + quietZone) {
            var line: [UInt8] = [0]
            line.reserveCapacity(side + 1)
            for mx in -quietZone..<(size + quietZone) {
                let gray: UInt8 = isDark(x: mx, y: my) ? 0 : 255
                line.append(contentsOf: repeatElement(gray, count: moduleSize))
            }
            for _ in 0..<moduleSize { raw.append(contentsOf: line) }
        }

        var ihdr: [UInt8] = []
        ihdr.appendBigEndian(UInt32(side))
        ihdr.appendBigEndian(UInt32(side))
        ihdr += [8, 0, 0, 0, 0]   // bit depth 8, colour type 0 (gray), deflate, adaptive filters, no interlace

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        PNG.appendChunk("IHDR", ihdr, to: &png)
        PNG.appendChunk("IDAT", PNG.zlibStored(raw), to: &png)
        PNG.appendChunk("IEND", [], to: &png)
        return Data(png)
    }
}

/// The few pieces of PNG and zlib the renderer needs, written out to avoid a dependency.
package enum PNG {
    /// Length, type, data, and the CRC-32 of type + data.
    package static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        precondition(typeBytes.count == 4, "PNG chunk types are four ASCII letters")
        out.appendBigEndian(UInt32(data.count))
        out += typeBytes
        out += data
        var crc = CRC32()
        crc.update(typeBytes)
        crc.update(data)
        out.appendBigEndian(crc.value)
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4), each at most 65 535 bytes.
    package static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]   // deflate, 32 KiB window, no dictionary; 0x7801 is divisible by 31
        out.reserveCapacity(data.count + data.count / 65_535 * 5 + 16)
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let final = offset + length == data.count
            out.append(final ? 1 : 0)     // BFINAL, BTYPE = 00 (stored); the rest of the byte is padding
            let len = UInt16(length)
            out += [UInt8(len & 0xFF), UInt8(len >> 8), UInt8(~len & 0xFF), UInt8(~len >> 8)]
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        out.appendBigEndian(adler32(data))
        return out
    }

    package static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        // 5552 bytes is the longest run whose sums cannot overflow 32 bits before the modulo.
        var index = 0
        while index < data.count {
            let end = min(index + 5552, data.count)
            for i in index..<end {
                a += UInt32(data[i])
                b += a
            }
            a %= 65_521
            b %= 65_521
            index = end
        }
        return b << 16 | a
    }
}

/// CRC-32 as PNG and zip use it (reflected polynomial 0xEDB88320).
package struct CRC32 {
    package init() {}

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
    private var crc: UInt32 = 0xFFFF_FFFF

    package mutating func update(_ bytes: [UInt8]) {
        for byte in bytes { crc = Self.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }

    package var value: UInt32 { crc ^ 0xFFFF_FFFF }
}

private extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }
}
