import XCTest

@testable import PayrollCore

/// The compact forms that a million employees' records are kept in give back exactly what they were given.
final class CompactValueTests: XCTestCase {
    func testPackedTextRoundTrips() {
        let texts = [
            "", "0", "310101197005011064", "11010119900307002X", "11010119900307002x", "6224824553459850203",
            String(repeating: "9", count: 32),  // the most kept packed
            String(repeating: "9", count: 33),  // one more: kept as a String
            "62 2480", "6224-8245", "账号123", "E0000001", "0000", "X",
        ]
        for t in texts {
            let p = PackedText(t)
            XCTAssertEqual(p.string, t, t)
            XCTAssertEqual(p.utf8Count, t.utf8.count, t)
            XCTAssertEqual(p, PackedText(t))
        }
        XCTAssertTrue(PackedText("310101197005011064").isPacked)
        XCTAssertTrue(PackedText(String(repeating: "1", count: 32)).isPacked)
        XCTAssertFalse(PackedText(String(repeating: "1", count: 33)).isPacked)
        XCTAssertFalse(PackedText("6224-8245").isPacked)
        XCTAssertNotEqual(PackedText("0"), PackedText(""))
        XCTAssertNotEqual(PackedText("10"), PackedText("1"))
        // Bytes not in one buffer (a lazy view) pack as the same bytes in one do.
        for t in texts {
            let lazy = t.utf8.lazy.map { $0 }
            XCTAssertNil(lazy.withContiguousStorageIfAvailable { _ in 0 })
            XCTAssertEqual(PackedText(packing: lazy), PackedText(packing: Array(t.utf8)), t)
        }
    }

    /// Seeded random texts of digits, X, x and a few others, up to 40 characters: always the same text back.
    func testPackedTextRandom() {
        var g = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789Xx-a 账")
        for _ in 0..<2000 {
            let n = Int.random(in: 0...40, using: &g)
            let t = String((0..<n).map { _ in alphabet[Int.random(in: 0..<(Bool.random(using: &g) ? 12 : alphabet.count), using: &g)] })
            XCTAssertEqual(PackedText(t).string, t)
            XCTAssertEqual(PackedText(t).utf8Count, t.utf8.count)
        }
    }

    func testCompactExactKeepsItsValue() {
        for v in [
            Exact(0), Exact(12, 10), Exact(-3, 100), Exact(1, 1_000_000), Exact(1, 3), Exact(1, 10_000_000),
            Exact(Int128(Int64.max), 1), Exact(Int128.max, 1), Exact(Int128.min + 1, 7),
        ] {
            XCTAssertEqual(CompactExact(v).value, v, v.description)
        }
        XCTAssertTrue(CompactExact(Exact(15, 10)).isInPlace)
        XCTAssertFalse(CompactExact(Exact(1, 3)).isInPlace)
        XCTAssertFalse(CompactExact(Exact(Int128.max, 1)).isInPlace)  // beyond 64-bit millionths: boxed, not trapped
    }

    /// A day in four bytes still orders, compares and prints as the calendar does.
    func testDayInFourBytes() throws {
        XCTAssertEqual(MemoryLayout<Day>.size, 4)
        let a = try XCTUnwrap(Day(year: 2026, month: 1, day: 31))
        let b = try XCTUnwrap(Day(year: 2026, month: 2, day: 1))
        let c = try XCTUnwrap(Day(year: 2200, month: 12, day: 31))
        let d = try XCTUnwrap(Day(year: 1900, month: 1, day: 1))
        XCTAssertLessThan(a, b)
        XCTAssertLessThan(d, a)
        XCTAssertLessThan(b, c)
        XCTAssertEqual(c.description, "2200-12-31")
        XCTAssertEqual(d.description, "1900-01-01")
        XCTAssertEqual([c.year, c.month, c.day], [2200, 12, 31])
        XCTAssertNil(Day(year: 2201, month: 1, day: 1))
        XCTAssertEqual(Day.parse("2026/2/1"), b)
    }

    /// An employee's optional amounts and packed texts read back as set, nil included.
    func testEmployeeCompactFields() throws {
        var e = Employee(
            id: "E1", name: "龚洋", idNumber: "310101197005011064", department: "销售一部", deptType: .frontline, position: "专员",
            costCenter: "CC-S1", city: "shanghai", hireDate: try XCTUnwrap(Day(year: 2015, month: 7, day: 23)), leaveDate: nil,
            contractEnd: nil, baseSalary: Money(fen: 650_000), positionSalary: Money(fen: 320_000), allowance: nil,
            bonusBase: Money(fen: 70_000), siBase: Money(fen: 970_000), hfBase: nil, hfRate: Fixed(units: 70_000),
            specialDeduction: Money(fen: 0), bankCode: "BOC", bankAccount: "6224824553459850203", line: 2, rowValid: true)
        XCTAssertNil(e.allowance)
        XCTAssertEqual(e.bonusBase, Money(fen: 70_000))
        XCTAssertNil(e.hfBase)
        XCTAssertEqual(e.specialDeduction, Money(fen: 0))  // zero given is not nil
        XCTAssertEqual(e.idNumber, "310101197005011064")
        XCTAssertEqual(e.bankAccount, "6224824553459850203")
        e.allowance = Money(fen: -1)
        e.hfBase = Money(fen: Int64.max)
        e.bonusBase = nil
        e.bankAccount = "6224 8245"
        XCTAssertEqual(e.allowance, Money(fen: -1))
        XCTAssertEqual(e.hfBase, Money(fen: Int64.max))
        XCTAssertNil(e.bonusBase)
        XCTAssertEqual(e.specialDeduction, Money(fen: 0))
        XCTAssertEqual(e.bankAccount, "6224 8245")
    }
}

/// Money and six-place decimals made exact without a general gcd are the same values, in the same lowest terms.
final class ExactFromDecimalTests: XCTestCase {
    func testTenToTheKIsTheGeneralConstructor() {
        var g = SystemRandomNumberGenerator()
        var values: [Int64] = [0, 1, -1, 2, 5, 10, 25, 100, 125, 1_000_000, 999_999, 2_500_000, -3_200_000, Int64.max, Int64.min, Int64.min + 1]
        for _ in 0..<5000 { values.append(Int64.random(in: Int64.min...Int64.max, using: &g)) }
        for _ in 0..<5000 {
            values.append(Int64.random(in: -10_000_000...10_000_000, using: &g) * [1, 2, 4, 5, 10, 25, 100, 1000][Int.random(in: 0..<8, using: &g)])
        }
        for v in values {
            for k in [0, 1, 2, 6, 18] {
                var scale: Int128 = 1
                for _ in 0..<k { scale *= 10 }
                let general = Exact(Int128(v), scale)
                let fast = Exact(v, tenToThe: k)
                XCTAssertEqual(fast.num, general.num, "\(v) / 10^\(k)")
                XCTAssertEqual(fast.den, general.den, "\(v) / 10^\(k)")
            }
            XCTAssertEqual(Exact(Money(fen: v)), Exact(Int128(v), 100))
            XCTAssertEqual(Exact(Fixed(units: v)), Exact(Int128(v), 1_000_000))
        }
    }
}

/// The gcd behind every exact value, and the roundings to money, six places and 10^-k, against plain arithmetic
/// written here (Euclid's algorithm; half-up rounding of num/den by hand).
final class ExactArithmeticTests: XCTestCase {
    func euclid(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    func testGCDIsEuclids() {
        var g = SystemRandomNumberGenerator()
        var pairs: [(UInt128, UInt128)] = [(0, 0), (0, 7), (7, 0), (1, 1), (12, 18), (1 << 63, 1 << 62), (UInt128(UInt64.max), 3)]
        for _ in 0..<20_000 {
            let shiftA = UInt64.random(in: 0...40, using: &g)
            let shiftB = UInt64.random(in: 0...40, using: &g)
            pairs.append(
                (UInt128(UInt64.random(in: 0...UInt64.max, using: &g) >> shiftA), UInt128(UInt64.random(in: 0...UInt64.max, using: &g) >> shiftB)))
            pairs.append((UInt128(UInt64.random(in: 1...1_000_000, using: &g) * 1_000_000), UInt128(UInt64.random(in: 1...100_000, using: &g))))
            pairs.append((UInt128(UInt64.random(in: 0...UInt64.max, using: &g)) << 40, UInt128(UInt64.random(in: 1...UInt64.max, using: &g))))
        }
        for (a, b) in pairs { XCTAssertEqual(Exact.gcd(a, b), euclid(a, b), "gcd(\(a), \(b))") }
    }

    func testRoundingsAsByHand() {
        var g = SystemRandomNumberGenerator()
        for trial in 0..<20_000 {
            let n = Int128(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &g))
            // A quarter whole numbers (denominator 1: rounding's shortcut), the rest any fraction.
            let d = trial % 4 == 0 ? 1 : Int128(Int64.random(in: 1...10_000_000, using: &g))
            let x = Exact(n, d)
            if d == 1 {
                for mode in RoundingMode.allCases {
                    for places in 0...6 { XCTAssertEqual(x.rounded(places: places, mode: mode), x) }
                }
            }
            // Half away from zero, by hand: |n| × 10^p / d, plus one when twice the remainder reaches d.
            func halfUp(_ places: Int) -> Int128 {
                var scale: Int128 = 1
                for _ in 0..<places { scale *= 10 }
                let m = n.magnitude * UInt128(scale)
                let (q, r) = m.quotientAndRemainder(dividingBy: d.magnitude)
                let rounded = Int128(r * 2 >= d.magnitude ? q + 1 : q)
                return n < 0 ? -rounded : rounded
            }
            XCTAssertEqual(x.money().fen, Int64(halfUp(2)), "\(n)/\(d)")
            XCTAssertEqual(try x.checkedMoney().fen, Int64(halfUp(2)))
            XCTAssertEqual(x.fixed.units, Int64(halfUp(6)))
            XCTAssertEqual(x.rounded(places: 2), Exact(halfUp(2), 100))
            XCTAssertEqual(x.rounded(places: 0), Exact(halfUp(0), 1))
        }
        // By hand: 10/3 = 3.333… → 3.33; -2.675 → -2.68 (half away from zero); 1/8 = 0.125 → 0.13.
        XCTAssertEqual(Exact(10, 3).money(), Money(fen: 333))
        XCTAssertEqual(Exact(-2675, 1000).money(), Money(fen: -268))
        XCTAssertEqual(Exact(1, 8).rounded(places: 2), Exact(13, 100))
    }
}

/// A day row adds two halves to its status's lane and nothing to the others (by hand: 3 present days, 1 sick day,
/// 2 comp-leave days → 3, 1, 2 days).
final class AttendanceSummaryTests: XCTestCase {
    func testADayRowAddsToItsStatusOnly() {
        var a = AttendanceSummary()
        for s in [AttendanceStatus.present, .present, .sickLeave, .compLeave, .present, .compLeave] { a.addDay(s) }
        XCTAssertEqual(a.days(.present), Fixed(3))
        XCTAssertEqual(a.days(.sickLeave), Fixed(1))
        XCTAssertEqual(a.days(.compLeave), Fixed(2))
        for s in AttendanceStatus.allCases where ![.present, .sickLeave, .compLeave].contains(s) { XCTAssertEqual(a.days(s), .zero, "\(s)") }
        // Every lane in turn, against the vector added to by hand.
        var b = AttendanceSummary()
        var expected = SIMD8<Int32>(repeating: 0)
        for (k, s) in AttendanceStatus.allCases.enumerated() {
            for _ in 0...k { b.addDay(s) }
            expected[s.rawValue] = Int32(2 * (k + 1))
        }
        XCTAssertEqual(b.halfDays, expected)
    }
}
