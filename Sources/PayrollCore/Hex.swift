/// The SHA-256 (lower-case hex) and size in bytes of a file's contents, as the manifest lists them.
public typealias FileDigest = (hex: String, bytes: Int)

/// Lower-case hexadecimal text of bytes (digests in manifests and reports).
public enum Hex {
    /// Two lower-case hex digits per byte, in order.
    public static func lower<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Decimal digits appended to a byte buffer, for writers that format many numbers without a String each.
public enum DecimalText {
    /// Appends `v` in decimal, without sign or leading zeros.
    public static func append(_ v: UInt64, to bytes: inout [UInt8]) {
        if v < 10 {
            bytes.append(UInt8(48 + v))
            return
        }
        // The digits into a small buffer, then one append (not one per digit).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            let n = write(v, to: digits.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[..<n]))
        }
    }

    /// Writes `v` in decimal at `to` (room for 20 bytes) and gives the number of bytes written.
    @inlinable
    public static func write(_ v: UInt64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let n = count(v)
        var v = v
        var i = n
        repeat {
            i -= 1
            out[i] = UInt8(48 + v % 10)
            v /= 10
        } while v > 0
        return n
    }

    /// How many digits `append` writes for `v`.
    @inlinable
    public static func count(_ v: UInt64) -> Int {
        var v = v
        var n = 1
        while v >= 10 {
            v /= 10
            n += 1
        }
        return n
    }
}
