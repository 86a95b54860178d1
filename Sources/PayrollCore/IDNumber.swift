/// Mainland China resident identity number (GB 11643-1999): 17 digits and an
/// ISO 7064 MOD 11-2 check character (0-9 or X).
public enum ResidentID {
    public enum Problem: Equatable, Sendable {
        case wrongLength(Int)
        case badCharacter
        case badBirthDate
        case checkDigitMismatch
    }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkChars: [UInt8] = Array("10X98765432".utf8)

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

    public static func validate<C: Collection>(_ bytes: C) -> Problem? where C.Element == UInt8 {
        let b = Array(bytes)
        guard b.count == 18 else { return .wrongLength(b.count) }
        for c in b[0..<17] where !(c >= 0x30 && c <= 0x39) { return .badCharacter }
        let last = b[17] == UInt8(ascii: "x") ? UInt8(ascii: "X") : b[17]
        guard (last >= 0x30 && last <= 0x39) || last == UInt8(ascii: "X") else { return .badCharacter }
        func num(_ r: Range<Int>) -> Int { b[r].reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        if Day(year: num(6..<10), month: num(10..<12), day: num(12..<14)) == nil { return .badBirthDate }
        guard checkCharacter(forFirst17: b[0..<17]) == last else { return .checkDigitMismatch }
        return nil
    }
}
