/// Mainland China resident identity number (GB 11643-1999): 17 digits and an
/// ISO 7064 MOD 11-2 check character (0-9 or X).
public enum ResidentID {
    /// What is wrong with a resident ID number (never its digits).
    public enum Problem: Equatable, Sendable {
        case wrongLength(Int)
        case badCharacter
        case badBirthDate
        case checkDigitMismatch
    }

    @usableFromInline static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    @usableFromInline static let checkChars: [UInt8] = Array("10X98765432".utf8)

    /// The check character for the first 17 digits.
    public static func checkCharacter<C: Collection>(forFirst17 digits: C) -> UInt8? where C.Element == UInt8 {
        guard digits.count == 17 else { return nil }
        var sum = 0
        for (i, c) in digits.enumerated() {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            sum += Int(c - 0x30) * weights[i]
        }
        return checkChars[sum % 11]
    }

    /// Checks length, characters, the birth date and the ISO 7064 MOD 11-2 check character; nil when valid.
    /// Inlinable: intake calls it on every row's cell bytes, and a generic call across modules would not be specialized.
    @inlinable
    public static func validate<C: RandomAccessCollection>(_ bytes: C) -> Problem? where C.Element == UInt8, C.Index == Int {
        // Bytes in one buffer (a cell in the reader's buffer) are read through it: the same code, without a bounds
        // check on each byte.
        if C.self != UnsafeBufferPointer<UInt8>.self, let p = bytes.withContiguousStorageIfAvailable({ validate($0) }) { return p }
        guard bytes.count == 18 else { return .wrongLength(bytes.count) }
        let o = bytes.startIndex
        func at(_ i: Int) -> UInt8 { bytes[o + i] }
        // The check sum by Horner's rule: the weights are 2^(18-i) mod 11, so Σ digit × 2^(17-i) (below 2^21) has the
        // weighted sum's remainder; no table, one remainder.
        var sum = 0
        for i in 0..<17 {
            let d = Int(at(i)) - 0x30
            guard d >= 0 && d <= 9 else { return .badCharacter }
            sum = (sum + d) * 2
        }
        let last = at(17) == UInt8(ascii: "x") ? UInt8(ascii: "X") : at(17)
        guard (last >= 0x30 && last <= 0x39) || last == UInt8(ascii: "X") else { return .badCharacter }
        func num(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(at($1) - 0x30) } }
        if Day(year: num(6..<10), month: num(10..<12), day: num(12..<14)) == nil { return .badBirthDate }
        guard checkChars[sum % 11] == last else { return .checkDigitMismatch }
        return nil
    }

}
