/// An exact decimal number with six places, for rates, weights, hours,
/// ratings and scores. Arithmetic is exact where the result fits in six
/// places; every other step names its rounding.
public struct Fixed: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Units per one: six decimal places.
    public static let scale: Int64 = 1_000_000
    /// Decimal places.
    public static let places = 6
    /// The value in millionths.
    public var units: Int64

    /// A value of `units` millionths.
    public init(units: Int64) { self.units = units }
    /// An integer.
    public init(_ integer: Int) { self.units = Int64(integer) * Fixed.scale }
    /// Zero.
    public static let zero = Fixed(units: 0)
    /// One.
    public static let one = Fixed(units: scale)

    /// Sum.
    public static func + (a: Fixed, b: Fixed) -> Fixed { Fixed(units: a.units + b.units) }
    /// Difference.
    public static func - (a: Fixed, b: Fixed) -> Fixed { Fixed(units: a.units - b.units) }
    /// The negated value.
    public static prefix func - (a: Fixed) -> Fixed { Fixed(units: -a.units) }
    /// Adds in place.
    public static func += (a: inout Fixed, b: Fixed) { a.units += b.units }
    /// Compares values.
    public static func < (a: Fixed, b: Fixed) -> Bool { a.units < b.units }

    /// Product rounded half-up (away from zero) to six places.
    public static func * (a: Fixed, b: Fixed) -> Fixed {
        Fixed(units: Fixed.divideRounded(a.units.multipliedFullWidth(by: b.units), by: scale, mode: .halfUp))
    }

    /// Quotient rounded half-up (away from zero) to six places.
    public func divided(by d: Fixed, mode: RoundingMode = .halfUp) -> Fixed {
        precondition(d.units != 0, "division by zero")
        return Fixed(units: Fixed.divideRounded(units.multipliedFullWidth(by: Fixed.scale), by: d.units, mode: mode))
    }

    /// Rounds to `places` decimals (0…6) with the given mode.
    public func rounded(places p: Int, mode: RoundingMode = .halfUp) -> Fixed {
        precondition(p >= 0 && p <= Fixed.places)
        var step: Int64 = 1
        for _ in 0..<(Fixed.places - p) { step *= 10 }
        let q = Fixed.divideRounded(units.multipliedFullWidth(by: 1), by: step, mode: mode)
        return Fixed(units: q * step)
    }

    /// Whole fen, rounded with `mode`, treating self as yuan.
    public func money(mode: RoundingMode = .halfUp) -> Money {
        Money(fen: Fixed.divideRounded(units.multipliedFullWidth(by: 1), by: Fixed.scale / 100, mode: mode))
    }

    /// Divides a 128-bit value by a divisor, rounding as asked.
    public static func divideRounded(_ v: (high: Int64, low: UInt64), by d: Int64, mode: RoundingMode) -> Int64 {
        // Work with magnitudes so that the rounding direction is explicit.
        let negative = (v.high < 0) != (d < 0) && !(v.high == 0 && v.low == 0)
        let mag = magnitude128(v)
        let dm = d.magnitude
        precondition(mag.high < dm, "decimal overflow")
        let (q, r) = dm.dividingFullWidth(mag)
        var qq = q
        switch mode {
        case .halfUp:
            if r >= dm - r { qq += 1 }  // r*2 >= d without overflow
        case .up:
            if r != 0 { qq += 1 }
        case .down:
            break
        case .halfEven:
            if r > dm - r || (r == dm - r && qq % 2 == 1) { qq += 1 }
        }
        precondition(qq <= UInt64(Int64.max), "decimal overflow")
        return negative ? -Int64(qq) : Int64(qq)
    }

    private static func magnitude128(_ v: (high: Int64, low: UInt64)) -> (high: UInt64, low: UInt64) {
        if v.high >= 0 { return (UInt64(v.high), v.low) }
        // two's complement negate
        let low = ~v.low &+ 1
        let high = ~UInt64(bitPattern: v.high) &+ (low == 0 ? 1 : 0)
        return (high, low)
    }

    /// Shortest exact text: "0.5", "12", "-3.25".
    public var description: String {
        let sign = units < 0 ? "-" : ""
        let m = units.magnitude
        let whole = m / UInt64(Fixed.scale)
        var frac = m % UInt64(Fixed.scale)
        if frac == 0 { return "\(sign)\(whole)" }
        var digits = Fixed.places
        while frac % 10 == 0 {
            frac /= 10
            digits -= 1
        }
        let fs = String(frac)
        return "\(sign)\(whole)." + String(repeating: "0", count: digits - fs.count) + fs
    }

    /// Text with exactly `places` decimals (the value is rounded half-up first).
    public func formatted(places p: Int) -> String {
        let r = rounded(places: p)
        let sign = r.units < 0 ? "-" : ""
        let m = r.units.magnitude
        let whole = m / UInt64(Fixed.scale)
        if p == 0 { return "\(sign)\(whole)" }
        var div: UInt64 = 1
        for _ in 0..<(Fixed.places - p) { div *= 10 }
        let frac = String((m % UInt64(Fixed.scale)) / div)
        return "\(sign)\(whole)." + String(repeating: "0", count: p - frac.count) + frac
    }
}

/// How a value is rounded: half up (away from zero), half even, up, down.
public enum RoundingMode: String, Sendable, CaseIterable {
    /// Half away from zero: 0.005 → 0.01, −0.005 → −0.01.
    case halfUp = "half_up"
    case halfEven = "half_even"
    /// Away from zero.
    case up = "up"
    /// Toward zero (truncate).
    case down = "down"
}

/// Why a cell is not a decimal.
public enum FixedParseError: Error, Equatable, Sendable {
    case empty, notANumber, tooManyDecimals, tooLarge
}

extension Fixed {
    /// Parses `12`, `0.25`, `-1.5`, `.5`. No exponents, no separators, at most six places.
    @inlinable
    public static func parse<C: RandomAccessCollection>(_ bytes: C) -> Result<Fixed, FixedParseError>
    where C.Element == UInt8, C.Index == Int {
        // Bytes in one buffer are read through it (as `Money.parse`).
        if C.self != UnsafeBufferPointer<UInt8>.self, let r = bytes.withContiguousStorageIfAvailable({ parse($0) }) { return r }
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end, bytes[i] == 0x20 { i = (i + 1) }
        if i == end { return .failure(.empty) }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i = (i + 1)
        } else if bytes[i] == UInt8(ascii: "+") {
            i = (i + 1)
        }
        var whole: Int64 = 0
        var frac: Int64 = 0
        var fracDigits = 0
        var digits = 0
        var inFraction = false
        var trailingSpace = false
        while i < end {
            let c = bytes[i]
            if trailingSpace {
                if c != 0x20 { return .failure(.notANumber) }
            } else if c >= 0x30 && c <= 0x39 {
                digits += 1
                if inFraction {
                    fracDigits += 1
                    if fracDigits > Fixed.places {
                        if c != 0x30 { return .failure(.tooManyDecimals) }
                    } else {
                        frac = frac * 10 + Int64(c - 0x30)
                    }
                } else {
                    if whole > 9_000_000_000 { return .failure(.tooLarge) }
                    whole = whole * 10 + Int64(c - 0x30)
                }
            } else if c == UInt8(ascii: ".") && !inFraction {
                inFraction = true
            } else if c == 0x20 {
                trailingSpace = true
            } else {
                return .failure(.notANumber)
            }
            i = (i + 1)
        }
        if digits == 0 { return .failure(.notANumber) }
        var f = min(fracDigits, Fixed.places)
        while f < Fixed.places {
            frac *= 10
            f += 1
        }
        let u = whole * Fixed.scale + frac
        return .success(Fixed(units: negative ? -u : u))
    }

    /// Parses text as a six-place decimal; nil when it is not one.
    public static func parse(_ text: String) -> Fixed? { try? parse(Array(text.utf8)).get() }
}
