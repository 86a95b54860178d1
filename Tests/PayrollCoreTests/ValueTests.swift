import XCTest

@testable import PayrollCore

final class MoneyTests: XCTestCase {
    func testParsesExactYuanToFen() throws {
        // CONTRACT.md: decimal yuan, at most 2 places; "8000.5" is valid.
        XCTAssertEqual(Money.parse("12345.67"), Money(fen: 1_234_567))
        XCTAssertEqual(Money.parse("8000.5"), Money(fen: 800_050))
        XCTAssertEqual(Money.parse("8000"), Money(fen: 800_000))
        XCTAssertEqual(Money.parse("-200.00"), Money(fen: -20_000))
        XCTAssertEqual(Money.parse("12,345.67"), Money(fen: 1_234_567))
        XCTAssertEqual(Money.parse("1,234,567"), Money(fen: 123_456_700))
        XCTAssertEqual(Money.parse("  42.10 "), Money(fen: 4_210))
    }

    func testRejectsWhatMustNotBeGuessed() throws {
        func err(_ s: String, neg: Bool = true) -> MoneyParseError? {
            if case .failure(let e) = Money.parse(Array(s.utf8)[...], allowNegative: neg) { return e }
            return nil
        }
        XCTAssertEqual(err("¥8000"), .notANumber)
        XCTAssertEqual(err("1.2e4"), .notANumber)
        XCTAssertEqual(err("1.234"), .tooManyDecimals)
        XCTAssertEqual(err("12,34.00"), .badGrouping)
        XCTAssertEqual(err("1234,567"), .badGrouping)
        XCTAssertEqual(err(""), .empty)
        XCTAssertEqual(err("12."), .notANumber)
        XCTAssertEqual(err("-5", neg: false), .negativeNotAllowed)
    }

    func testDescriptionHasTwoDecimals() throws {
        XCTAssertEqual(Money(fen: 5).description, "0.05")
        XCTAssertEqual(Money(fen: -1_234_501).description, "-12345.01")
        XCTAssertEqual(Money(yuan: 7).description, "7.00")
    }
}

final class FixedTests: XCTestCase {
    func testHalfUpRoundingOfAnExactHalfCent() throws {
        // cn-payroll-rules.md s.4: 36,921 × 0.5% = 184.605 exactly; half-up gives 184.61.
        let base = Fixed(36921)
        let rate = Fixed.parse("0.005")!
        XCTAssertEqual((base * rate).description, "184.605")
        XCTAssertEqual((base * rate).money(mode: .halfUp), Money(fen: 18_461))
        XCTAssertEqual((base * rate).money(mode: .halfEven), Money(fen: 18_460))
        XCTAssertEqual((base * rate).money(mode: .down), Money(fen: 18_460))
    }

    func testNegativeHalfRoundsAwayFromZero() throws {
        // STANDARD.md "Precisely": half-up on a negative value rounds away from zero.
        XCTAssertEqual(Fixed.parse("-2.345")!.rounded(places: 2).description, "-2.35")
        XCTAssertEqual(Fixed.parse("-2.344")!.rounded(places: 2).description, "-2.34")
    }

    func testDivisionAndYuanRounding() throws {
        // 10000 / 21.75 = 459.770114942… → 459.770115 at six places; 459.77 yuan.
        let daily = Fixed(10000).divided(by: Fixed.parse("21.75")!)
        XCTAssertEqual(daily.description, "459.770115")
        XCTAssertEqual(daily.money(), Money(fen: 45_977))
        // Shanghai HF: 37,302 × 7% = 2611.14 → whole yuan 2611 (cn-payroll-rules s.4: 2 × 2611 = 5222).
        XCTAssertEqual((Fixed(37302) * Fixed.parse("0.07")!).rounded(places: 0).description, "2611")
    }

    func testParseLimits() throws {
        XCTAssertEqual(Fixed.parse("0.25"), Fixed(units: 250_000))
        XCTAssertEqual(Fixed.parse(".5"), Fixed(units: 500_000))
        XCTAssertNil(Fixed.parse("1e3"))
        XCTAssertNil(Fixed.parse("0.1234567"))
        XCTAssertEqual(Fixed.parse("1.2000000"), Fixed(units: 1_200_000))
        XCTAssertEqual(Fixed.parse("0.07")!.formatted(places: 2), "0.07")
    }

    /// Scores as the register prints them: rounded half away from zero, exactly `places` decimals, no "-0.00".
    func testExactFormatting() {
        // Hand values: 1/3 = 0.333… → 0.33; 2/3 = 0.666… → 0.67; −1/200 = −0.005 → −0.01; −1/1000 → 0.00;
        // 5/2 at no places → 3; 12,345,678,901/100 = 123,456,789.01; 87.5 at one place stays 87.5.
        XCTAssertEqual(Exact(1, 3).formatted(places: 2), "0.33")
        XCTAssertEqual(Exact(2, 3).formatted(places: 2), "0.67")
        XCTAssertEqual(Exact(-1, 200).formatted(places: 2), "-0.01")
        XCTAssertEqual(Exact(-1, 1000).formatted(places: 2), "0.00")
        XCTAssertEqual(Exact(5, 2).formatted(places: 0), "3")
        XCTAssertEqual(Exact(0).formatted(places: 0), "0")
        XCTAssertEqual(Exact(12_345_678_901, 100).formatted(places: 2), "123456789.01")
        XCTAssertEqual(Exact(175, 2).formatted(places: 1), "87.5")
        XCTAssertEqual(Exact(Int128(Int64.max) * 1000 + 7, 1000).formatted(places: 3), "9223372036854775807.007")
    }

    /// Lowest terms and products on both sides of the 64-bit fast path give the same exact values (hand values).
    func testExactAcrossTheSixtyFourBitBoundary() throws {
        // Int64.max = 7 × 7 × 73 × 127 × 337 × 92737 × 649657; (Int64.max × 3) / 6 = Int64.max / 2.
        let big = Exact(Int128(Int64.max) * 3, 6)
        XCTAssertEqual(big.num, Int128(Int64.max))
        XCTAssertEqual(big.den, 2)
        // Int64.min / −1 does not fit 64 bits: 2^63 / 1.
        let min = Exact(Int128(Int64.min), -1)
        XCTAssertEqual(min.num, Int128(Int64.max) + 1)
        XCTAssertEqual(min.den, 1)
        // (2^63 / 7) × (7 / 2) = 2^62; 1/3 + 1/6 = 1/2; 10^20 / 4 = 25 × 10^18 (beyond 64 bits).
        XCTAssertEqual(try Exact(Int128(Int64.max) + 1, 7) * Exact(7, 2), Exact(Int128(1) << 62))
        XCTAssertEqual(try Exact(1, 3) + Exact(1, 6), Exact(1, 2))
        let e20 = Exact(Int128(100_000_000_000_000_000_000 as Int128), 4)
        XCTAssertEqual(e20.num, 25_000_000_000_000_000_000)
        XCTAssertEqual(e20.den, 1)
        XCTAssertEqual(Exact(-7, 2).rounded(places: 0), Exact(-4))  // half away from zero
    }
}

final class DayTests: XCTestCase {
    func testBothContractDateForms() throws {
        XCTAssertEqual(Day.parse("2026-01-14"), Day(year: 2026, month: 1, day: 14))
        XCTAssertEqual(Day.parse("2026/1/4"), Day(year: 2026, month: 1, day: 4))
        XCTAssertNil(Day.parse("2026-1-4"))  // the dashed form has two-digit month and day
        XCTAssertNil(Day.parse("2026/01-04"))
        XCTAssertNil(Day.parse("2025-02-29"))  // not a leap year
        XCTAssertNotNil(Day.parse("2024-02-29"))
        XCTAssertNil(Day.parse("46023"))  // an Excel serial number is not a date here
    }

    func testWeekdayAndPeriod() throws {
        XCTAssertEqual(Day(year: 2026, month: 1, day: 1)!.isoWeekday, 4)  // 1 Jan 2026 was a Thursday
        let p = Period("2026-02")!
        XCTAssertEqual(p.lastDay, Day(year: 2026, month: 2, day: 28))
        XCTAssertEqual(Period("2026-01")!.previous.description, "2025-12")
        XCTAssertNil(Period("2026-13"))
        XCTAssertNil(Period("2026-1"))
    }
}

final class ResidentIDTests: XCTestCase {
    func testCheckCharacter() throws {
        // GB 11643-1999's own example: 11010519491231002X.
        XCTAssertNil(ResidentID.validate(Array("11010519491231002X".utf8)))
        // By hand for 44052419800101001?: Σ digit×weight = 4·7+4·9+0·10+5·5+2·8+4·4+1·2+9·1+8·6+0·3
        // +0·7+1·9+0·10+1·5+0·8+0·4+1·2 = 28+36+0+25+16+16+2+9+48+0+0+9+0+5+0+0+2 = 196;
        // 196 mod 11 = 9 → "10X98765432"[9] = "3".
        XCTAssertNil(ResidentID.validate(Array("440524198001010013".utf8)))
        XCTAssertEqual(ResidentID.validate(Array("440524198001010014".utf8)), .checkDigitMismatch)
        XCTAssertEqual(ResidentID.validate(Array("4405241980010100".utf8)), .wrongLength(16))
        XCTAssertEqual(ResidentID.validate(Array("440524198013010013".utf8)), .badBirthDate)
        XCTAssertEqual(ResidentID.validate(Array("4405241980010100A3".utf8)), .badCharacter)
    }

    /// The reader's path (bytes in one buffer, the check sum by Horner's rule) gives what the table path gives, on
    /// valid numbers (check character from `checkCharacter`) and on every kind of wrong one.
    func testBufferPathAgreesWithTheTablePath() {
        var g = SystemRandomNumberGenerator()
        var kinds: Set<String> = []
        for _ in 0..<20_000 {
            var b = (0..<17).map { _ in UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &g) }
            // A real birth date most of the time, so that the check character is reached.
            if Int.random(in: 0...3, using: &g) > 0 {
                b.replaceSubrange(
                    6..<14,
                    with: Array(
                        "19\(Int.random(in: 50...99, using: &g))0\(Int.random(in: 1...9, using: &g))1\(Int.random(in: 0...9, using: &g))".utf8))
            }
            b.append(ResidentID.checkCharacter(forFirst17: b)!)
            switch Int.random(in: 0...9, using: &g) {
            case 0: b[Int.random(in: 0...17, using: &g)] = [UInt8(ascii: "A"), UInt8(ascii: "x"), 0x2F, 0x3A][Int.random(in: 0...3, using: &g)]
            case 1: b.removeLast(Int.random(in: 1...3, using: &g))
            case 2: b.append(UInt8(ascii: "1"))
            case 3: b[17] = UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &g)
            case 4: if b[17] == UInt8(ascii: "X") { b[17] = UInt8(ascii: "x") }
            default: break
            }
            let table = ResidentID.validate(Scattered(bytes: b))
            XCTAssertEqual(ResidentID.validate(b), table, String(decoding: b, as: UTF8.self))
            kinds.insert(table.map { "\($0)" } ?? "valid")
        }
        XCTAssertTrue(kinds.isSuperset(of: ["valid", "badCharacter", "badBirthDate", "checkDigitMismatch"]), "\(kinds)")
    }
}

final class ExactTextTests: XCTestCase {
    /// Scores are written into a CSV row's bytes as `formatted(places:)` writes them, after what the row holds.
    /// By hand: -3/2 = -1.50; 1/3 = 0.333… → 0.33; 2/3 = 0.666… → 0.67 (half up); 1/200 = 0.005 → 0.01;
    /// -1/300 = -0.00333… → 0.00 (no minus on zero); 10^30 + 1/2 → …0.50.
    func testAppendedTextIsTheFormattedText() throws {
        let cases: [(Exact, String)] = [
            (Exact(-3, 2), "-1.50"), (Exact(1, 3), "0.33"), (Exact(2, 3), "0.67"), (Exact(1, 200), "0.01"),
            (Exact(-1, 300), "0.00"), (Exact(85), "85.00"),
            (try Exact(Int128(10).power(30)) + Exact(1, 2), "1000000000000000000000000000000.50"),
        ]
        for (x, text) in cases {
            XCTAssertEqual(x.formatted(places: 2), text)
            var row = Array("E1,".utf8)
            x.appendFormatted(places: 2, to: &row)
            XCTAssertEqual(String(decoding: row, as: UTF8.self), "E1," + text)
        }
    }
}

extension Int128 {
    fileprivate func power(_ n: Int) -> Int128 { (0..<n).reduce(1) { r, _ in r * self } }
}

/// The text writers of amounts and integers (the register's and workbooks' cells): the same text as Swift's own
/// integer formatting gives, for edge values and random ones.
final class DecimalTextTests: XCTestCase {
    /// What `Money.description` must read, from Swift's integer text: sign, yuan, ".", two fen digits.
    func expected(_ fen: Int64) -> String {
        let m = fen.magnitude
        let cents = String(m % 100)
        return (fen < 0 ? "-" : "") + String(m / 100) + "." + (cents.count == 1 ? "0" + cents : cents)
    }

    func testAmountsAndIntegersAsSwiftWritesThem() {
        var fens: [Int64] = [0, 1, -1, 5, -5, 9, 10, 99, 100, -100, 101, 123_456, -123_456, Int64.max, Int64.min, Int64.min + 1]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 { fens.append(Int64.random(in: Int64.min...Int64.max, using: &rng) >> Int64.random(in: 0...62, using: &rng)) }
        for f in fens {
            XCTAssertEqual(Money(fen: f).description, expected(f), "\(f)")
            var bytes: [UInt8] = [0x2C]
            Money(fen: f).appendText(to: &bytes)
            XCTAssertEqual(bytes, [0x2C] + Array(expected(f).utf8))
            var digits: [UInt8] = []
            DecimalText.append(f.magnitude, to: &digits)
            XCTAssertEqual(String(decoding: digits, as: UTF8.self), String(f.magnitude))
            XCTAssertEqual(DecimalText.count(f.magnitude), digits.count)
            let written = [UInt8](unsafeUninitializedCapacity: 24) { out, n in n = Money(fen: f).writeText(to: out.baseAddress!) }
            XCTAssertEqual(written, Array(expected(f).utf8))
        }
        XCTAssertEqual(Money(fen: -5).description, "-0.05")  // by hand: 5 fen owed
        // Units of 10^-places as Exact.appendFormatted writes the same value (the CSV writer's exact fast path).
        for f in fens.prefix(5000) {
            for places in [0, 1, 2, 6, 18] {
                var scale: Int128 = 1
                for _ in 0..<places { scale *= 10 }
                var expected: [UInt8] = []
                Exact(Int128(f), scale).appendFormatted(places: places, to: &expected)
                let got = [UInt8](unsafeUninitializedCapacity: 41) { out, n in
                    n = DecimalText.write(units: f, places: places, to: out.baseAddress!)
                }
                XCTAssertEqual(got, expected, "\(f) × 10^-\(places)")
                // And from Swift's integer text, by hand: sign, whole part, point, `places` digits zero-padded.
                let m = f.magnitude
                let scaleU = UInt64(scale)
                let fraction = String(m % scaleU)
                let manual =
                    (f < 0 ? "-" : "") + String(m / scaleU)
                    + (places > 0 ? "." + String(repeating: "0", count: places - fraction.count) + fraction : "")
                XCTAssertEqual(String(decoding: got, as: UTF8.self), manual, "\(f) × 10^-\(places)")
            }
        }
        let hand = [UInt8](unsafeUninitializedCapacity: 41) { out, n in n = DecimalText.write(units: -5, places: 2, to: out.baseAddress!) }
        XCTAssertEqual(String(decoding: hand, as: UTF8.self), "-0.05")
        XCTAssertEqual(Money(fen: 1_234_567).description, "12345.67")
    }
}

/// Dates of the usual shape (`YYYY-MM-DD`, ten bytes) are read in place; every ten-byte text reads as the general
/// reading reads it (a collection without contiguous bytes takes the general path).
final class DayShapeTests: XCTestCase {
    struct Plain: RandomAccessCollection {
        let b: [UInt8]
        var startIndex: Int { 0 }
        var endIndex: Int { b.count }
        subscript(i: Int) -> UInt8 { b[i] }
    }

    func testTenByteDatesReadAsTheGeneralReading() {
        var g = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789-/ a".utf8)
        var texts: [[UInt8]] = ["2026-01-05", "2024-02-29", "2023-02-29", "2026-13-01", "2026-00-10", "0000-01-01", "2026-1-105"].map {
            Array($0.utf8)
        }
        for _ in 0..<50_000 {
            if Bool.random(using: &g) {
                texts.append((0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] })
            } else {
                // Mostly the shape, with a byte changed now and then.
                var t = Array(
                    String(
                        format: "%04d-%02d-%02d", Int.random(in: 0...2300, using: &g), Int.random(in: 0...14, using: &g),
                        Int.random(in: 0...33, using: &g)
                    ).utf8)
                if Int.random(in: 0..<4, using: &g) == 0 {
                    t[Int.random(in: 0..<10, using: &g)] = alphabet[Int.random(in: 0..<alphabet.count, using: &g)]
                }
                texts.append(t)
            }
        }
        for t in texts { XCTAssertEqual(Day.parse(t), Day.parse(Plain(b: t)), String(decoding: t, as: UTF8.self)) }
        XCTAssertEqual(Day.parse(Array("2024-02-29".utf8)), Day(year: 2024, month: 2, day: 29))  // a leap day, by the calendar
        XCTAssertNil(Day.parse(Array("2023-02-29".utf8)))
    }
}

/// Code-point order of texts (employee IDs, ledger order): byte comparison of their UTF-8, as the generic comparison of
/// their UTF-8 views gives it.
final class CodePointOrderTests: XCTestCase {
    func testAsTheUTF8ViewsCompare() {
        var g = SystemRandomNumberGenerator()
        let pieces = ["", "a", "E", "0", "9", "z", "é", "中", "文", "😀", "E000", "E0001", "a\u{0}", "\u{7F}", "\u{80}"]
        var texts = pieces
        for _ in 0..<3000 { texts.append((0..<Int.random(in: 0...5, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()) }
        for _ in 0..<20_000 {
            let a = texts.randomElement(using: &g)!
            let b = Bool.random(using: &g) ? texts.randomElement(using: &g)! : a + (pieces.randomElement(using: &g) ?? "")
            XCTAssertEqual(a.codePointPrecedes(b), a.utf8.lexicographicallyPrecedes(b.utf8), "\(a) \(b)")
        }
        XCTAssertTrue("E0001".codePointPrecedes("E0002"))  // by hand
        XCTAssertTrue("Z".codePointPrecedes("a"))  // capitals first in code-point order
        XCTAssertFalse("E1".codePointPrecedes("E1"))
    }
}

/// Bytes that are not in one buffer (as the generic parsers read them, by index).
struct Scattered: RandomAccessCollection {
    let bytes: [UInt8]
    var startIndex: Int { 0 }
    var endIndex: Int { bytes.count }
    subscript(i: Int) -> UInt8 { bytes[i] }
}

/// The parsers read bytes in one buffer through it; any other collection by index: the same answer either way, on
/// random texts of the pieces amounts and decimals are made of (and of what they must refuse).
final class BufferPathParserTests: XCTestCase {
    func testParsersAgreeOnBothPaths() {
        let pieces = ["0", "1", "5", "9", "12", ".", ",", "-", "+", " ", "\t", "e", "¥", "000", ",345", ".5", "1234567890123"]
        var g = SystemRandomNumberGenerator()
        var parsed = 0
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...6, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
            let b = Array(text.utf8)
            for negative in [true, false] {
                let m = Money.parse(b, allowNegative: negative)
                XCTAssertEqual(m, Money.parse(Scattered(bytes: b), allowNegative: negative), text)
                if case .success = m { parsed += 1 }
            }
            XCTAssertEqual(Fixed.parse(b), Fixed.parse(Scattered(bytes: b)), text)
        }
        XCTAssertGreaterThan(parsed, 1_000)
    }
}
