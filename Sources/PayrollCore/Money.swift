/// An amount of Chinese yuan held as an exact count of fen (0.01 yuan).
/// Never a binary floating-point number; every rounding is named.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in fen.
    public var fen: Int64

    /// An amount of `fen` fen.
    public init(fen: Int64) { self.fen = fen }
    /// An amount of whole yuan.
    public init(yuan: Int64) { self.fen = yuan * 100 }
    /// Zero yuan.
    public static let zero = Money(fen: 0)

    /// Sum; traps on overflow, so sums of unbounded values use `adding` (validation bounds every input).
    public static func + (a: Money, b: Money) -> Money { Money(fen: a.fen + b.fen) }
    /// Difference; traps on overflow, so unbounded values use `subtracting`.
    public static func - (a: Money, b: Money) -> Money { Money(fen: a.fen - b.fen) }
    /// The negated amount.
    public static prefix func - (a: Money) -> Money { Money(fen: -a.fen) }
    /// Adds in place; traps on overflow (see `+`).
    public static func += (a: inout Money, b: Money) { a.fen += b.fen }
    /// Subtracts in place; traps on overflow (see `-`).
    public static func -= (a: inout Money, b: Money) { a.fen -= b.fen }
    /// Compares amounts.
    public static func < (a: Money, b: Money) -> Bool { a.fen < b.fen }

    /// True below zero.
    public var isNegative: Bool { fen < 0 }

    /// The amount as a decimal with scale 2 (exact).
    public var decimal: Fixed { Fixed(units: fen * (Fixed.scale / 100)) }

    /// "12345.67", "-0.05": yuan with exactly two decimals, no separators.
    public var description: String {
        var bytes: [UInt8] = []
        appendText(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `description`'s text at `to` (room for 24 bytes) and gives the number of bytes written.
    @inlinable
    public func writeText(to out: UnsafeMutablePointer<UInt8>) -> Int { DecimalText.write(units: fen, places: 2, to: out) }

    /// The length of `description`'s text, without making it: sign, yuan digits, point, two fen digits.
    public var textCount: Int { (fen < 0 ? 1 : 0) + DecimalText.count(fen.magnitude / 100) + 3 }

    /// Appends `description`'s text to a byte buffer (writers of many amounts, without a String each).
    public func appendText(to bytes: inout [UInt8]) {
        // Written into a small buffer, then one append (not one per character).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            let n = writeText(to: text.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[..<n]))
        }
    }
}

/// Why a cell is not an amount (the message describes it, never quotes it).
public enum MoneyParseError: Error, Equatable, Sendable {
    case empty
    case notANumber  // letters, currency signs, exponents …
    case tooManyDecimals  // more than two places
    case badGrouping  // thousands separators in the wrong places
    case negativeNotAllowed
    case tooLarge
}

extension Money {
    /// Parses decimal yuan exactly: `12345.67`, `8000.5`, `-20`, `12,345.67`
    /// (separators only in groups of three). Rejects `¥`, `1.2e4`, `1.234`.
    /// Surrounding ASCII spaces are ignored.
    @inlinable
    public static func parse<C: RandomAccessCollection>(_ bytes: C, allowNegative: Bool) -> Result<Money, MoneyParseError>
    where C.Element == UInt8, C.Index == Int {
        // Bytes in one buffer (a cell in the reader's buffer) are read through it: the same code, without a bounds
        // check on each byte.
        if C.self != UnsafeBufferPointer<UInt8>.self,
            let r = bytes.withContiguousStorageIfAvailable({ parse($0, allowNegative: allowNegative) })
        {
            return r
        }
        var i = bytes.startIndex
        var end = bytes.endIndex
        while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i = (i + 1) }
        while end > i {
            let p = end - 1
            if bytes[p] == 0x20 || bytes[p] == 0x09 { end = p } else { break }
        }
        if i == end { return .failure(.empty) }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i = (i + 1)
        } else if bytes[i] == UInt8(ascii: "+") {
            i = (i + 1)
        }
        if i == end { return .failure(.notANumber) }
        var whole: Int64 = 0
        var digitsInGroup = 0
        var sawComma = false
        var intDigits = 0
        var frac: Int64 = 0
        var fracDigits = 0
        var inFraction = false
        while i < end {
            let c = bytes[i]
            if c >= 0x30 && c <= 0x39 {
                let d = Int64(c - 0x30)
                if inFraction {
                    fracDigits += 1
                    if fracDigits > 2 {
                        // keep scanning so that "1.2e4" is reported as not-a-number
                        var j = (i + 1)
                        while j < end {
                            let cj = bytes[j]
                            if !(cj >= 0x30 && cj <= 0x39) { return .failure(.notANumber) }
                            j = (j + 1)
                        }
                        return .failure(.tooManyDecimals)
                    }
                    frac = frac * 10 + d
                } else {
                    if whole > 9_000_000_000_000 { return .failure(.tooLarge) }
                    whole = whole * 10 + d
                    digitsInGroup += 1
                    intDigits += 1
                }
            } else if c == UInt8(ascii: ",") && !inFraction {
                if intDigits == 0 || (sawComma && digitsInGroup != 3) || (!sawComma && digitsInGroup > 3) {
                    return .failure(.badGrouping)
                }
                sawComma = true
                digitsInGroup = 0
            } else if c == UInt8(ascii: ".") && !inFraction {
                if intDigits == 0 { return .failure(.notANumber) }
                inFraction = true
            } else {
                return .failure(.notANumber)
            }
            i = (i + 1)
        }
        if intDigits == 0 { return .failure(.notANumber) }
        if sawComma && digitsInGroup != 3 { return .failure(.badGrouping) }
        if inFraction && fracDigits == 0 { return .failure(.notANumber) }
        if fracDigits == 1 { frac *= 10 }
        let fen = whole * 100 + frac
        if negative && fen != 0 && !allowNegative { return .failure(.negativeNotAllowed) }
        return .success(Money(fen: negative ? -fen : fen))
    }

    /// Parses text as yuan; nil when it is not an amount.
    public static func parse(_ text: String, allowNegative: Bool = true) -> Money? {
        try? parse(Array(text.utf8), allowNegative: allowNegative).get()
    }
}
