import Foundation
import PayrollCore
import XCTest

@testable import PayrollRules

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let packDir = repoRoot.appendingPathComponent("pipelines/rules/cn").path
let pack = try! RulePack.load(directory: packDir)

/// A copy of the shipped pack that a test may edit.
func packCopy() -> String {
    let d = NSTemporaryDirectory() + "pack-\(UUID().uuidString)"
    try! FileManager.default.copyItem(atPath: packDir, toPath: d)
    return d
}

func m(_ s: String) -> Money { Money.parse(s)! }

final class RulePackCaseTests: XCTestCase {
    func testStoredCasesAllPass() throws {
        let outcomes = try RuleTests.run(pack: pack)
        XCTAssertGreaterThanOrEqual(outcomes.count, 28)  // withholding, annual bonus, social insurance, housing fund, attendance
        for o in outcomes { XCTAssertTrue(o.passed, "\(o.name): \(o.failures)") }
    }

    func testAWrongExpectationFails() throws {
        let d = packCopy()
        let f = d + "/tests/withholding.yaml"
        let text = try String(contentsOfFile: f, encoding: .utf8).replacingOccurrences(of: "tax: 555}", with: "tax: 556}")
        try text.write(toFile: f, atomically: true, encoding: .utf8)
        let outcomes = try RuleTests.run(pack: try RulePack.load(directory: d))
        let bad = outcomes.filter { !$0.passed }
        XCTAssertEqual(bad.count, 1)
        XCTAssertEqual(bad.first?.failures.first?.0, "tax")
        XCTAssertEqual(bad.first?.failures.first?.2, "555.00")
    }
}

final class WithholdingTests: XCTestCase {
    let rules = try! PeriodRules.resolve(pack, period: Period("2026-06")!)

    func tax(onTaxable t: String) throws -> Money {
        try rules.withholding.value.tax(on: Exact(m(t))).money()
    }

    /// Both sides of every band edge of the annual table give the same tax (no jumps).
    /// By hand: 36,000 × 3% = 1,080; 36,000.01 × 10% − 2,520 = 1,080.001 → 1,080.00;
    /// 144,000 × 10% − 2,520 = 11,880; × 20% − 16,920 on 144,000.01 = 11,880.002 → 11,880.00;
    /// 300,000: 43,080; 420,000: 73,080; 660,000: 145,080; 960,000: 250,080 (same arithmetic).
    func testEveryBandEdgeFromBothSides() throws {
        let edges: [(String, String)] = [
            ("36000", "1080.00"), ("144000", "11880.00"), ("300000", "43080.00"),
            ("420000", "73080.00"), ("660000", "145080.00"), ("960000", "250080.00"),
        ]
        for (edge, expected) in edges {
            XCTAssertEqual(try tax(onTaxable: edge).description, expected, edge)
            XCTAssertEqual(try tax(onTaxable: (m(edge) + Money(fen: 1)).description).description, expected, "\(edge).01")
            XCTAssertLessThan(try tax(onTaxable: (m(edge) - Money(fen: 100)).description), m(expected), "\(edge) - 1")
        }
        // Just inside the first band: 35,999.99 × 3% = 1,079.9997 → 1,080.00 (half-up).
        XCTAssertEqual(try tax(onTaxable: "35999.99").description, "1080.00")
    }

    /// Annual bonus on each side of every band edge: bonus/12 exactly on the edge
    /// stays in the lower band; one yuan more jumps (the quick deduction is taken once).
    /// By hand: 36,000 × 3% = 1,080 | 36,001 × 10% − 210 = 3,390.10;
    /// 144,000 × 10% − 210 = 14,190 | 144,001 × 20% − 1,410 = 27,390.20;
    /// 300,000 × 20% − 1,410 = 58,590 | 300,001 × 25% − 2,660 = 72,340.25;
    /// 420,000 × 25% − 2,660 = 102,340 | 420,001 × 30% − 4,410 = 121,590.30;
    /// 660,000 × 30% − 4,410 = 193,590 | 660,001 × 35% − 7,160 = 223,840.35;
    /// 960,000 × 35% − 7,160 = 328,840 | 960,001 × 45% − 15,160 = 416,840.45.
    func testAnnualBonusBandEdges() throws {
        let table = rules.annualBonus!.value
        func bonusTax(_ b: Int) throws -> String {
            let x = Exact(Money(yuan: Int64(b)))
            let row = table.row(for: try x / Exact(12))
            return (try x * row.rate - row.quickDeduction).money().description
        }
        let cases: [(Int, String, String)] = [
            (36000, "1080.00", "3390.10"), (144000, "14190.00", "27390.20"),
            (300000, "58590.00", "72340.25"), (420000, "102340.00", "121590.30"),
            (660000, "193590.00", "223840.35"), (960000, "328840.00", "416840.45"),
        ]
        for (edge, at, above) in cases {
            XCTAssertEqual(try bonusTax(edge), at, "\(edge)")
            XCTAssertEqual(try bonusTax(edge + 1), above, "\(edge + 1)")
        }
    }

    func testAnnualBonusTableEndsWith2027() throws {
        XCTAssertNotNil(try PeriodRules.resolve(pack, period: Period("2027-12")!).annualBonus)
        XCTAssertNil(try PeriodRules.resolve(pack, period: Period("2028-01")!).annualBonus)
    }

    /// The official example through the pure step function, Jan → Dec:
    /// 555, 625, 1,850, then 1,850 a month until the 144,000 band (derived total 27,480).
    func testOfficialExampleForTheWholeYear() throws {
        var y = YearToDate(year: 2026)
        var taxes: [Money] = []
        for month in 1...12 {
            let (next, t) = try CumulativeWithholding.step(
                previous: y, months: month, basicDeduction: Money(yuan: Int64(5000 * month)),
                income: Money(yuan: 30000), special: Money(yuan: 4500),
                additional: Money(yuan: 2000), table: rules.withholding.value)
            y = next
            taxes.append(t)
        }
        XCTAssertEqual(Array(taxes.prefix(3)), [Money(yuan: 555), Money(yuan: 625), Money(yuan: 1850)])
        XCTAssertEqual(taxes.reduce(Money.zero, +), Money(yuan: 27480))  // cn-payroll-rules.md s.3 "Extended to December"
    }
}

final class FormulaTests: XCTestCase {
    let compiler = FormulaCompiler(
        symbols: [
            "a": Symbol(slot: 0, type: .number), "b": Symbol(slot: 1, type: .number),
            "flag": Symbol(slot: 2, type: .boolean),
        ], tables: ["t": 0])
    let table = BracketTable(rows: [
        Bracket(upto: Exact(10), rate: Exact(1, 10), quickDeduction: .zero, value: Exact(1)),
        Bracket(upto: nil, rate: Exact(2, 10), quickDeduction: Exact(1), value: Exact(2)),
    ])

    func eval(_ s: String, a: Exact = Exact(10000), b: Exact = Exact(3), flag: Bool = false) throws -> Exact {
        var values = [a, b, flag ? .one : .zero]
        return try FormulaProgram([compiler.compile(s)]).number(0, values: &values, tables: [table])
    }

    func testArithmeticIsExactUntilRounded() throws {
        // 10,000 / 21.75 × 3 = 1,379.3103448… ; round half-up to the fen: 1,379.31.
        XCTAssertEqual(try eval("round(a / 21.75 * b, 2)").description, "1379.31")
        // No intermediate rounding: (a / 3) * 3 is exactly a.
        XCTAssertEqual(try eval("a / 3 * 3"), Exact(10000))
        XCTAssertEqual(try eval("round(2.5, 0)").description, "3")
        XCTAssertEqual(try eval("round(2.5, 0, half_even)").description, "2")
        XCTAssertEqual(try eval("round(-2.5, 0)").description, "-3")
        XCTAssertEqual(try eval("round(1.231, 2, up)").description, "1.24")
    }

    func testFunctionsAndConditions() throws {
        XCTAssertEqual(try eval("if(flag, 1, 2)", flag: true), Exact(1))
        XCTAssertEqual(try eval("if(b > 2 and not flag, 1, 2)"), Exact(1))
        XCTAssertEqual(try eval("clamp(a, 0, 500)"), Exact(500))
        XCTAssertEqual(try eval("min(a, b, 7)"), Exact(3))
        XCTAssertEqual(try eval("max(-a, b)"), Exact(3))
        XCTAssertEqual(try eval("abs(0 - b)"), Exact(3))
        XCTAssertEqual(try eval("lookup(t, 11)"), Exact(2))
        XCTAssertEqual(try eval("tax(t, 20)"), Exact(3))  // 20 × 0.2 − 1
        XCTAssertEqual(try eval("tax(t, 10)"), Exact(1))  // top of the first band: 10 × 0.1
    }

    func testErrorsNameThePlace() throws {
        func offset(_ s: String) -> (Int, String)? {
            do {
                _ = try compiler.compile(s)
                return nil
            } catch let e as FormulaError { return (e.offset, e.message) } catch { return nil }
        }
        XCTAssertEqual(offset("a + c")?.0, 4)
        XCTAssertTrue(offset("a + c")!.1.contains("unknown name 'c'"))
        XCTAssertEqual(offset("a + flag")?.0, 2)  // type error at the operator
        XCTAssertTrue(offset("if(a, 1, 2)")!.1.contains("condition"))
        XCTAssertNotNil(offset("round(a, 9)"))
        XCTAssertNotNil(offset("lookup(nope, a)"))
        XCTAssertNotNil(offset("a / 0"))
        XCTAssertNotNil(offset("(a + b"))
        XCTAssertNotNil(offset("a b"))
        XCTAssertNotNil(offset("sqrt(a)"))
        XCTAssertNotNil(offset("a > b"))  // a component must give a number
    }
}

final class PackFormatTests: XCTestCase {
    func edit(_ file: String, _ transform: (String) -> String) throws -> String {
        let d = packCopy()
        let p = d + "/" + file
        try transform(try String(contentsOfFile: p, encoding: .utf8)).write(toFile: p, atomically: true, encoding: .utf8)
        return d
    }

    func testMealAllowanceIsOneYAMLEntry() throws {
        let d = try edit("structure.yaml") { s in
            s.replacingOccurrences(
                of: "  - code: adjustments\n",
                with: """
                      - code: meal_allowance
                        label: {zh: 餐补, en: Meal allowance}
                        kind: earning
                        formula: 20 * attendance.present
                      - code: adjustments

                    """)
        }
        let rules = try PeriodRules.resolve(try RulePack.load(directory: d), period: Period("2026-01")!)
        var att = AttendanceSummary()
        att.halfDays[AttendanceStatus.present.rawValue] = 42  // 21 days, in half days
        let e = Employee(
            id: "E1", name: "n", idNumber: "", department: "d", deptType: .backoffice, position: "p", costCenter: "c",
            city: "shanghai", hireDate: Day(year: 2020, month: 1, day: 1)!, leaveDate: nil, contractEnd: nil,
            baseSalary: Money(yuan: 8000), positionSalary: .zero, allowance: nil, bonusBase: nil,
            siBase: Money(yuan: 8000), hfBase: nil, hfRate: Fixed.parse("0.07")!, specialDeduction: nil,
            bankCode: "", bankAccount: "", line: 2, rowValid: true)
        let r = try rules.compute(PayInput(employee: e, attendance: att, coefficient: .one, finalScore: Exact(90), adjustments: [], previous: nil))
        XCTAssertEqual(r.amount("meal_allowance", rules: rules), Money(yuan: 420))  // 20 × 21 days
        XCTAssertEqual(r.gross, Money(yuan: 8420))
    }

    func testFormulaErrorNamesFileLineAndColumn() throws {
        let d = try edit("structure.yaml") {
            $0.replacingOccurrences(of: "formula: employee.position_salary", with: "formula: employee.postion_salary")
        }
        XCTAssertThrowsError(try PeriodRules.resolve(try RulePack.load(directory: d), period: Period("2026-01")!)) { e in
            let c = e as! ConfigError
            XCTAssertTrue(c.file.hasSuffix("structure.yaml"))
            XCTAssertEqual(c.key, "components.position.formula")
            XCTAssertNotNil(c.line)
            XCTAssertTrue(c.message.contains("unknown name 'employee.postion_salary'"), c.message)
        }
    }

    func testUnknownKeyAndGapAreErrors() throws {
        let d = try edit("labour.yaml") { $0.replacingOccurrences(of: "        value: 21.75", with: "        valu: 21.75") }
        XCTAssertThrowsError(try RulePack.load(directory: d)) { e in
            XCTAssertTrue((e as! ConfigError).file.hasSuffix("labour.yaml"))
            XCTAssertEqual((e as! ConfigError).key, "parameters.pay_days_per_month.values[0].valu")
        }
        let g = try edit("tax.yaml") { s in
            s.replacingOccurrences(
                of: "      - from: 2019-01-01\n        value: 5000\n",
                with: """
                          - from: 2019-01-01
                            until: 2019-12-31
                            value: 5000
                            source: test
                          - from: 2020-03-01
                            value: 5000

                    """)
        }
        XCTAssertThrowsError(try RulePack.load(directory: g)) { e in
            XCTAssertTrue((e as! ConfigError).message.contains("gap"), "\(e)")
            XCTAssertEqual((e as! ConfigError).key, "basic_deduction_monthly")
        }
    }

    func testAPeriodWithoutAValueIsAnErrorNamingTheKey() throws {
        XCTAssertThrowsError(try PeriodRules.resolve(pack, period: Period("2018-12")!)) { e in
            let c = e as! ConfigError
            XCTAssertTrue(c.message.contains("no value in force"), c.message)
            XCTAssertNotNil(c.key)
        }
    }
}

/// Insurance and housing-fund amounts in integers are the exact product rounded as the rule says.
final class RateProductTests: XCTestCase {
    func testIntegerProductIsTheExactOne() throws {
        var g = SystemRandomNumberGenerator()
        var cases: [(Int64, Int64)] = [(0, 0), (1, 500_000), (-1, 500_000), (12_345, 80_000), (2_875_050, 70_000), (Int64.max, 1_000_000)]
        for _ in 0..<50_000 {
            cases.append((Int64.random(in: -10_000_000_000...10_000_000_000, using: &g), Int64.random(in: 0...1_200_000, using: &g)))
            cases.append((Int64.random(in: Int64.min / 2...Int64.max / 2, using: &g), Int64.random(in: -3_000_000...3_000_000, using: &g)))
        }
        for (fen, units) in cases {
            for r in [AmountRounding.fen, .yuan] {
                let exact = try Exact(Money(fen: fen)).multiplied(by: Exact(Fixed(units: units)))
                // Only amounts that fit 64-bit fen (the exact path traps beyond; pay bounds every amount far below).
                guard exact.rounded(places: 0).num.magnitude < UInt128(Int64.max / 100) else { continue }
                XCTAssertEqual(PeriodRules.product(Money(fen: fen), Fixed(units: units), r), PeriodRules.round(exact, r), "\(fen) × \(units) \(r)")
            }
        }
        // By hand: 10,000.00 yuan × 8% = 800.00; 12,345.67 × 0.5% = 61.72835 → 61.73 (fen) or 62 (yuan); 0.01 × 50% = 0.005 → 0.01.
        XCTAssertEqual(PeriodRules.product(Money(fen: 1_000_000), Fixed(units: 80_000), .fen), Money(fen: 80_000))
        XCTAssertEqual(PeriodRules.product(Money(fen: 1_234_567), Fixed(units: 5_000), .fen), Money(fen: 6_173))
        XCTAssertEqual(PeriodRules.product(Money(fen: 1_234_567), Fixed(units: 5_000), .yuan), Money(fen: 6_200))
        XCTAssertEqual(PeriodRules.product(Money(fen: 1), Fixed(units: 500_000), .fen), Money(fen: 1))
        XCTAssertEqual(PeriodRules.product(Money(fen: -1), Fixed(units: 500_000), .fen), Money(fen: -1))  // half away from zero
    }
}
