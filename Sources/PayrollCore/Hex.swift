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

    /// Writes `units` × 10^-`places` (0 ≤ places ≤ 18) as `Exact.appendFormatted(places:)` writes that value: a sign
    /// when below zero, the whole part (at least one digit), the point and `places` digits. Room for 41 bytes.
    @inlinable
    public static func write(units: Int64, places: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var scale: UInt64 = 1
        for _ in 0..<places { scale *= 10 }
        let m = units.magnitude
        var i = 0
        if units < 0 {
            out[0] = UInt8(ascii: "-")
            i = 1
        }
        i += write(m / scale, to: out + i)
        guard places > 0 else { return i }
        out[i] = UInt8(ascii: ".")
        var fraction = m % scale
        var k = places
        while k > 0 {
            out[i + k] = UInt8(48 + fraction % 10)
            fraction /= 10
            k -= 1
        }
        return i + 1 + places
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
