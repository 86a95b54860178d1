/// An exact rational number for calculations: `monthly / 21.75 × days` is
/// carried without any intermediate rounding, and rounds only where a rule
/// says so (`rounded(places:mode:)`). Numerator and denominator are 128-bit
/// and kept in lowest terms; an overflow is a typed error, never a wrong value.
public struct Exact: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The numerator.
    public private(set) var num: Int128
    /// The denominator, always positive.
    public private(set) var den: Int128  // always > 0

    /// A result beyond 128-bit numerator or denominator.
    public struct Overflow: Error, Sendable {
        /// An overflow.
        public init() {}
    }

    /// `n / d` in lowest terms; `d` must not be zero.
    public init(_ n: Int128, _ d: Int128 = 1) {
        precondition(d != 0, "zero denominator")
        if d == 1 {
            num = n
            den = 1
            return
        }
        var n = n
        var d = d
        if d < 0 {
            n = -n
            d = -d
        }
        let g = Exact.gcd(n.magnitude, d.magnitude)
        if g > 1 {
            n = Exact.quotient(n, Int128(g))
            d = Exact.quotient(d, Int128(g))
        }
        num = n
        den = d
    }

    /// Already in lowest terms with a positive denominator.
    @inline(__always)
    init(reduced n: Int128, _ d: Int128) {
        num = n
        den = d
    }

    /// An integer.
    public init(_ i: Int) { self.init(Int128(i)) }
    /// An amount in yuan.
    public init(_ m: Money) { self.init(m.fen, tenToThe: 2) }
    /// A six-place decimal.
    public init(_ f: Fixed) { self.init(f.units, tenToThe: Fixed.places) }

    /// `n / 10^k` in lowest terms (0 ≤ k ≤ 18) without a general gcd: 10^k's only prime factors are 2 and 5, so the
    /// common factor is 2^min(twos of n, k) × 5^min(fives of n, k). Money and six-place decimals become exact values
    /// this way a few dozen times per employee.
    @inline(__always)
    public init(_ n: Int64, tenToThe k: Int) {
        precondition(k >= 0 && k <= 18, "10^k beyond 64 bits")
        var scale: UInt64 = 1
        for _ in 0..<k { scale *= 10 }
        if n == 0 {
            self.init(reduced: 0, 1)
            return
        }
        let m = n.magnitude
        let twos = Swift.min(m.trailingZeroBitCount, k)
        var fives = 0
        var q = m
        while fives < k && q % 5 == 0 {
            q /= 5
            fives += 1
        }
        var g: UInt64 = 1 << UInt64(twos)
        for _ in 0..<fives { g *= 5 }
        self.init(reduced: Int128(n / Int64(g)), Int128(scale / g))  // g ≤ 10^18: 64-bit division
    }

    /// The value as a whole number of 10^-k units (0 ≤ k ≤ 18), or nil when it is not one or the count goes beyond
    /// 128 bits: what a compact record keeps of a value it must give back exactly (`units(tenToThe: 2)` is hundredths).
    public func units(tenToThe k: Int) -> Int128? {
        precondition(k >= 0 && k <= 18, "10^k beyond 64 bits")
        var scale: Int128 = 1
        for _ in 0..<k { scale *= 10 }
        guard scale % den == 0 else { return nil }
        let u = num.multipliedReportingOverflow(by: scale / den)  // a huge numerator reports, never traps
        return u.overflow ? nil : u.partialValue
    }

    /// `n / d` rounded half-up, for n ≥ 0 and d > 0 (in 64 bits when both fit): integer arithmetic that must round as
    /// `rounded(places:)` does.
    @inline(__always)
    public static func quotientRoundedHalfUp(_ n: Int128, _ d: Int128) -> Int128 {
        let (q, r) = quotientAndRemainder(n, d)
        return r >= d - r ? q + 1 : q  // 2r ≥ d, without overflow
    }

    /// `n / d` rounded half away from zero, for any n but `Int128.min` and d > 0: the signed form of
    /// `quotientRoundedHalfUp` (what `Exact(n, d).rounded(places: 0)` gives, in integers).
    @inline(__always)
    public static func quotientRoundedHalfAwayFromZero(_ n: Int128, _ d: Int128) -> Int128 {
        let q = quotientRoundedHalfUp(Int128(n.magnitude), d)  // |n| fits: n is not Int128.min
        return n < 0 ? -q : q
    }

    /// Zero.
    public static let zero = Exact(0)
    /// One.
    public static let one = Exact(1)

    @inline(__always)
    static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        if a == 0 { return b }
        if b == 0 || b == 1 || a == 1 { return b == 0 ? a : 1 }
        // Most values are small: 64-bit Euclid is far cheaper than 128-bit division.
        if a <= UInt128(UInt64.max) && b <= UInt128(UInt64.max) {
            // Binary (Stein's) algorithm: shifts and subtractions, no division.
            var x = UInt64(a)
            var y = UInt64(b)
            let shift = (x | y).trailingZeroBitCount
            x >>= UInt64(x.trailingZeroBitCount)
            repeat {
                y >>= UInt64(y.trailingZeroBitCount)
                if x > y { swap(&x, &y) }
                y -= x
            } while y != 0
            return UInt128(x << UInt64(shift))
        }
        var a = a
        var b = b
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// `a / b` (truncating), in 64 bits when both fit (128-bit division is a library call, many times slower).
    @inline(__always)
    static func quotient(_ a: Int128, _ b: Int128) -> Int128 {
        if let x = Int64(exactly: a), let y = Int64(exactly: b), x != .min { return Int128(x / y) }
        return a / b
    }

    /// `a / b` and `a % b` (truncating), in 64 bits when both fit.
    @inline(__always)
    static func quotientAndRemainder(_ a: Int128, _ b: Int128) -> (quotient: Int128, remainder: Int128) {
        if let x = Int64(exactly: a), let y = Int64(exactly: b), x != .min {
            let (q, r) = x.quotientAndRemainder(dividingBy: y)
            return (Int128(q), Int128(r))
        }
        return a.quotientAndRemainder(dividingBy: b)
    }

    static func checked(_ r: (partialValue: Int128, overflow: Bool)) throws -> Int128 {
        if r.overflow { throw Overflow() }
        return r.partialValue
    }

    /// `self + o`, or `Overflow`.
    public func adding(_ o: Exact) throws -> Exact {
        if den == 1 && o.den == 1 { return Exact(reduced: try Exact.checked(num.addingReportingOverflow(o.num)), 1) }
        if o.num == 0 { return self }
        if num == 0 { return o }
        if den == o.den { return Exact(try Exact.checked(num.addingReportingOverflow(o.num)), den) }
        let g = Int128(Exact.gcd(den.magnitude, o.den.magnitude))
        let od = Exact.quotient(o.den, g)
        let a = try Exact.checked(num.multipliedReportingOverflow(by: od))
        let b = try Exact.checked(o.num.multipliedReportingOverflow(by: Exact.quotient(den, g)))
        let d = try Exact.checked(den.multipliedReportingOverflow(by: od))
        return Exact(try Exact.checked(a.addingReportingOverflow(b)), d)
    }

    /// `self × o`, or `Overflow`.
    public func multiplied(by o: Exact) throws -> Exact {
        if den == 1 && o.den == 1 { return Exact(reduced: try Exact.checked(num.multipliedReportingOverflow(by: o.num)), 1) }
        if num == 0 || o.num == 0 { return .zero }
        // Cross-reduce first to keep the numbers small.
        let g1 = Int128(Exact.gcd(num.magnitude, o.den.magnitude))
        let g2 = Int128(Exact.gcd(o.num.magnitude, den.magnitude))
        let (d1, d2) = (max(g1, 1), max(g2, 1))
        let n = try Exact.checked(Exact.quotient(num, d1).multipliedReportingOverflow(by: Exact.quotient(o.num, d2)))
        let d = try Exact.checked(Exact.quotient(den, d2).multipliedReportingOverflow(by: Exact.quotient(o.den, d1)))
        return Exact(reduced: n, d)  // both inputs are in lowest terms, so the cross-reduced product is too
    }

    /// `self ÷ o` (`o` must not be zero), or `Overflow`.
    public func divided(by o: Exact) throws -> Exact {
        precondition(o.num != 0, "division by zero")
        return try multiplied(by: Exact(o.den, o.num))
    }

    /// `-self`.
    public var negated: Exact { Exact(reduced: -num, den) }

    // Operators that throw `Overflow` instead of trapping: `try a + b`.
    /// `a + b`, or `Overflow`.
    public static func + (a: Exact, b: Exact) throws -> Exact { try a.adding(b) }
    /// `a − b`, or `Overflow`.
    public static func - (a: Exact, b: Exact) throws -> Exact { try a.adding(b.negated) }
    /// `a × b`, or `Overflow`.
    public static func * (a: Exact, b: Exact) throws -> Exact { try a.multiplied(by: b) }
    /// `a ÷ b` (`b` must not be zero), or `Overflow`.
    public static func / (a: Exact, b: Exact) throws -> Exact { try a.divided(by: b) }
    /// `-a`.
    public static prefix func - (a: Exact) -> Exact { a.negated }

    /// Exact comparison.
    public static func < (a: Exact, b: Exact) -> Bool {
        if a.den == b.den { return a.num < b.num }
        // Compare a.num*b.den with b.num*a.den; fall back to the sign of the difference on overflow.
        let l = a.num.multipliedReportingOverflow(by: b.den)
        let r = b.num.multipliedReportingOverflow(by: a.den)
        if !l.overflow && !r.overflow { return l.partialValue < r.partialValue }
        return (try? b.adding(a.negated)).map { $0.num > 0 } ?? false
    }

    /// True for zero.
    public var isZero: Bool { num == 0 }
    /// True below zero.
    public var isNegative: Bool { num < 0 }

    /// Rounds to `places` decimals with `mode` (half-up = half away from zero).
    public func rounded(places: Int, mode: RoundingMode = .halfUp) -> Exact {
        if den == 1 && places >= 0 { return self }  // a whole number is itself at any number of places
        let units = roundedCount(places: places, mode: mode)
        // A count of 10^-places in 64 bits reduces without a general gcd.
        if places <= 18, let u = Int64(exactly: units) { return Exact(u, tenToThe: places) }
        var scale: Int128 = 1
        for _ in 0..<places { scale *= 10 }
        return Exact(units, scale)
    }

    /// `rounded(places:mode:)`, or `Overflow` when the value's numerator times 10^places is beyond 128 bits (where
    /// `rounded` cannot compute): what a formula's `round()` does.
    public func checkedRounded(places: Int, mode: RoundingMode = .halfUp) throws -> Exact {
        var scale: Int128 = 1
        for _ in 0..<places { scale *= 10 }
        if num.multipliedReportingOverflow(by: scale).overflow { throw Overflow() }
        return rounded(places: places, mode: mode)
    }

    /// The value rounded to `places` decimals as a signed count of 10^-places.
    private func roundedCount(places: Int, mode: RoundingMode) -> Int128 {
        let (negative, m, _) = roundedUnits(places: places, mode: mode)
        return negative ? -Int128(m) : Int128(m)
    }

    /// The value rounded to `places` decimals as a sign and a count of 10^-places, and that scale.
    private func roundedUnits(places: Int, mode: RoundingMode) -> (negative: Bool, magnitude: UInt128, scale: Int128) {
        var scale: Int128 = 1
        for _ in 0..<places { scale *= 10 }
        let n = num * scale
        if den == 1 { return (n < 0, n.magnitude, scale) }  // whole units already: no division, nothing to round
        let (q, rem) = Exact.quotientAndRemainder(n, den)
        let r = rem.magnitude
        var qm = q.magnitude
        let d = den.magnitude
        switch mode {
        case .halfUp: if r * 2 >= d && r != 0 { qm += 1 }
        case .halfEven: if r * 2 > d || (r * 2 == d && qm % 2 == 1) { qm += 1 }
        case .up: if r != 0 { qm += 1 }
        case .down: break
        }
        return (n < 0, qm, scale)
    }

    /// The value as money, rounding to the fen with `mode`.
    public func money(_ mode: RoundingMode = .halfUp) -> Money {
        Money(fen: Int64(roundedCount(places: 2, mode: mode)))
    }

    /// The value as money, rounding to the fen with `mode`; `MoneyOverflow` when it does not fit 64-bit fen.
    public func checkedMoney(_ mode: RoundingMode = .halfUp) throws -> Money {
        if num.multipliedReportingOverflow(by: 100).overflow { throw MoneyOverflow() }
        guard let f = Int64(exactly: roundedCount(places: 2, mode: mode)) else { throw MoneyOverflow() }
        return Money(fen: f)
    }

    /// Exact when the value has at most six decimals; rounded half-up otherwise.
    public var fixed: Fixed {
        Fixed(units: Int64(roundedCount(places: Fixed.places, mode: .halfUp)))
    }

    /// Decimal text with up to `maxPlaces` decimals (rounded half-up), trailing zeros dropped.
    public func text(maxPlaces: Int = 6) -> String {
        var t = formatted(places: maxPlaces)
        guard t.contains(".") else { return t }
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// Decimal text with exactly `places` decimals (rounded half-up).
    public func formatted(places: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendFormatted(places: places, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the text `formatted(places:)` gives to `bytes` (a CSV row being written), without making a String.
    public func appendFormatted(places: Int, to bytes: inout [UInt8]) {
        // A value that is whole units of 10^-places (every score is whole hundredths) needs no rounding: written from
        // its units.
        if places <= 18, let u = units(tenToThe: places), let small = Int64(exactly: u) {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 41) { text in
                let n = DecimalText.write(units: small, places: places, to: text.baseAddress!)
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[..<n]))
            }
            return
        }
        let (negative, m, _) = roundedUnits(places: places, mode: .halfUp)
        // Digits from the right: `places` of them, the point, then the whole part (at least one digit); then
        // the appended run is turned around.
        let start = bytes.count
        func emit<T: UnsignedInteger>(_ first: T) {
            var v = first
            var n = 0
            repeat {
                if n == places && places > 0 { bytes.append(UInt8(ascii: ".")) }
                bytes.append(UInt8(48 + Int(v % 10)))
                v /= 10
                n += 1
            } while v != 0 || n <= places
        }
        if let small = UInt64(exactly: m) { emit(small) } else { emit(m) }  // 64-bit division when it fits
        if negative && m != 0 { bytes.append(UInt8(ascii: "-")) }
        bytes[start...].reverse()
    }

    /// The value as a fraction-free decimal (up to 10 places).
    public var description: String { den == 1 ? "\(num)" : text(maxPlaces: 10) }
}

extension Money {
    /// The decimal as an exact rational.
    public var exact: Exact { Exact(self) }
}
