/// Arithmetic in GF(256) as QR codes define it: reduction polynomial x⁸+x⁴+x³+x²+1 (0x11D), generator α = 2.
package enum GF256 {
    /// exp[i] = αⁱ; doubled in length so `exp[log a + log b]` needs no modulo.
    package static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 512)
        var x = 1
        for i in 0..<255 {
            table[i] = UInt8(x)
            x <<= 1
            if x & 0x100 != 0 { x ^= 0x11D }
        }
        for i in 255..<512 { table[i] = table[i - 255] }
        return table
    }()

    /// log[a] for a ≠ 0; log[0] is unused.
    package static let log: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exp[i])] = i }
        return table
    }()

    package static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exp[log[Int(a)] + log[Int(b)]]
    }
}

/// Reed–Solomon error correction codewords, as QR codes append them to each data block.
package enum ReedSolomon {
    /// The generator polynomial (x − α⁰)(x − α¹)…(x − α^(degree−1)), coefficients highest power first,
    /// leading 1 included. Subtraction is XOR in GF(256), so "−" is "+".
    package static func generator(degree: Int) -> [UInt8] {
        precondition(degree >= 1 && degree <= 255, "Reed–Solomon degree out of range")
        var poly: [UInt8] = [1]
        for i in 0..<degree {
            let root = GF256.exp[i]
            var next = [UInt8](repeating: 0, count: poly.count + 1)
            for (j, c) in poly.enumerated() {
                next[j] ^= c                                 // c·x
                next[j + 1] ^= GF256.multiply(c, root)       // c·αⁱ
            }
            poly = next
        }
        return poly
    }

    /// The remainder of data(x)·x^degree divided by the generator: the `degree` EC codewords for `data`.
    package static func remainder(_ data: [UInt8], degree: Int) -> [UInt8] {
        remainder(data, generator: generator(degree: degree))
    }

    /// Same as `remainder(_:degree:)` with a precomputed generator, so blocks of one symbol share it.
    package static func remainder(_ data: [UInt8], generator gen: [UInt8]) -> [UInt8] {
        let degree = gen.count - 1
        var rem = [UInt8](repeating: 0, count: degree)
        // Polynomial long division, one data byte at a time, keeping only the running remainder.
        for byte in data {
            let factor = byte ^ rem[0]
            rem.removeFirst()
            rem.append(0)
            if factor != 0 {
                for j in 0..<degree { rem[j] ^= GF256.multiply(gen[j + 1], factor) }
            }
        }
        return rem
    }
}
