import Foundation
import Outputs
import PayrollCore
import PayrollRules
import RunRecords
import Stages
import TestSupport
import XCTest

@testable import Pipeline

final class PayrollRunTests: XCTestCase {
    /// January → February → March of the demo company, each month reading the
    /// previous month's ledger; every register row adds up.
    func testThreeConsecutiveMonthsAddUp() throws {
        let root = tempDir()
        var byMonth: [[String: [String: String]]] = []
        for (period, input) in [("2026-01", "demo"), ("2026-02", "demo-2026-02"), ("2026-03", "demo-2026-03")] {
            let o = try runPeriod(period, input: input, root: root)
            XCTAssertTrue(o.finished, "\(period): \(o.batch.diagnostics.filter { $0.severity == .error }.prefix(3).map(\.messageEN))")
            let rows = try register(o.folder + "/payroll_register.csv")
            XCTAssertEqual(rows.count, o.batch.employees.count)
            let components = [
                "base", "position", "allowance", "performance_bonus", "overtime", "absence_deduction",
                "sick_deduction", "proration", "adjustments",
            ]
            for r in rows {
                let id = r["employee_id"]!
                let sum = components.reduce(Money.zero) { $0 + Money.parse(r[$1]!)! }
                XCTAssertEqual(sum, Money.parse(r["gross"]!)!, "\(period) \(id): gross is the sum of its lines")
                // STANDARD.md: net = gross + annual bonus − employee SI − employee HF − tax − bonus tax.
                let net =
                    ["gross", "annual_bonus"].reduce(Money.zero) { $0 + Money.parse(r[$1]!)! }
                    - ["si_pension", "si_medical", "si_unemployment", "hf", "tax", "bonus_tax"].reduce(Money.zero) { $0 + Money.parse(r[$1]!)! }
                XCTAssertEqual(net, Money.parse(r["net_pay"]!)!, "\(period) \(id): net pay")
                for c in ["gross", "net_pay", "tax", "hf", "final_score", "coefficient"] {
                    XCTAssertTrue(r[c]!.range(of: #"^-?\d+\.\d\d$"#, options: .regularExpression) != nil, "\(c) = \(r[c]!)")
                }
                XCTAssertFalse(r["grade"]!.isEmpty)
            }
            XCTAssertEqual(rows.map { $0["employee_id"]! }, rows.map { $0["employee_id"]! }.sorted())
            byMonth.append(Dictionary(uniqueKeysWithValues: rows.map { ($0["employee_id"]!, $0) }))
        }
        // Year to date carries over: February's cumulative income is January's plus February's gross.
        for (id, feb) in byMonth[1] {
            guard let jan = byMonth[0][id] else { continue }
            XCTAssertEqual(Money.parse(feb["ytd_income"]!)!, Money.parse(jan["ytd_income"]!)! + Money.parse(feb["gross"]!)!, id)
            XCTAssertEqual(Money.parse(feb["ytd_withheld"]!)!, Money.parse(jan["ytd_withheld"]!)! + Money.parse(feb["tax"]!)!, id)
        }
        // D031's long unpaid leave in February: cumulative tax falls below what was withheld → 0 this month.
        let d031 = byMonth[1]["D031"]!
        XCTAssertEqual(d031["tax"], "0.00")
        XCTAssertLessThan(Money.parse(d031["ytd_tax"]!)!, Money.parse(byMonth[0]["D031"]!["ytd_withheld"]!)!)
        // D045 hired on 2026-03-09: one month of basic deduction.
        XCTAssertEqual(byMonth[2]["D045"]!["ytd_basic_deduction"], "5000.00")
        XCTAssertEqual(byMonth[2]["D001"]!["ytd_basic_deduction"], "15000.00")
        // The leaver (D025, left 2026-01-20) is prorated in January and gone from February.
        XCTAssertNotEqual(byMonth[0]["D025"]!["proration"], "0.00")
        XCTAssertNil(byMonth[1]["D025"])
        // Score history: March's report shows each employee's growth curve across the three periods.
        let history = try register(root + "/2026-03/performance_history.csv")
        XCTAssertEqual(history.filter { $0["employee_id"] == "D001" }.map { $0["period"]! }, ["2026-01", "2026-02", "2026-03"])
        XCTAssertEqual(history.filter { $0["employee_id"] == "D045" }.map { $0["period"]! }, ["2026-03"])
        let depts = try register(root + "/2026-03/department_history.csv")
        XCTAssertEqual(depts.filter { $0["department"] == "销售部" }.map { $0["period"]! }, ["2026-01", "2026-02", "2026-03"])
    }

    func testAMissingPreviousPeriodIsAnErrorNotAZero() throws {
        let root = tempDir()
        let o = try runPeriod("2026-02", input: "demo-2026-02", root: root)
        XCTAssertFalse(o.finished)
        XCTAssertEqual(o.batch.diagnostics.filter { $0.severity == .error }.map(\.code), ["Y001"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: o.folder + "/manifest.json"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: o.folder + "/validation.csv"))
        // Declaring the first period of this employer makes year to date start at zero.
        let f = try runPeriod("2026-02", input: "demo-2026-02", root: root, firstPeriod: true)
        XCTAssertTrue(f.finished)
        XCTAssertEqual(try register(f.folder + "/payroll_register.csv").first { $0["employee_id"] == "D001" }?["ytd_basic_deduction"], "10000.00")
    }

    func testOpeningBalanceForAMidYearStart() throws {
        let root = tempDir()
        let ob = root + "/opening.csv"
        // D002 was paid 20,000 in January with 1,050 SI+HF, 1,000 additional deductions and 200 tax withheld.
        try "工号,累计收入额,累计减除费用月数,累计专项扣除,累计专项附加扣除,累计已预缴税额\nD002,20000.00,1,1050.00,1000.00,200.00\n"
            .write(toFile: ob, atomically: true, encoding: .utf8)
        let o = try runPeriod("2026-02", input: "demo-2026-02", root: root, opening: ob)
        XCTAssertTrue(o.finished, "\(o.batch.diagnostics.filter { $0.severity == .error }.map(\.messageEN))")
        let d002 = try register(o.folder + "/payroll_register.csv").first { $0["employee_id"] == "D002" }!
        XCTAssertEqual(Money.parse(d002["ytd_income"]!)!, Money(yuan: 20000) + Money.parse(d002["gross"]!)!)
        XCTAssertEqual(Money.parse(d002["ytd_withheld"]!)!, Money(yuan: 200) + Money.parse(d002["tax"]!)!)
        // Employees hired before February 2026 but absent from the opening file are flagged.
        XCTAssertTrue(o.batch.diagnostics.contains { $0.code == "Y003" && $0.employeeID == "D005" })
    }

    func testRegisterDoesNotDependOnThreads() throws {
        let a = try runPeriod("2026-01", input: "demo", root: tempDir(), threads: 1)
        let b = try runPeriod("2026-01", input: "demo", root: tempDir(), threads: 2)
        for f in ["payroll_register.csv", "ytd_ledger.csv", "validation.csv"] {
            XCTAssertEqual(
                try Data(contentsOf: URL(fileURLWithPath: a.folder + "/" + f)),
                try Data(contentsOf: URL(fileURLWithPath: b.folder + "/" + f)), f)
        }
    }
}

final class FirstIncomeTests: XCTestCase {
    /// basic_deduction_mode = first_income (SAT Ann. 2020 No. 13): D045, hired 2026-03-09 and paid for the first
    /// time this year in March, gets 5,000 × 3 = 15,000 of basic deduction instead of 5,000.
    func testFirstIncomeOfTheYearCountsEveryMonth() throws {
        let dir = copyOf("demo-2026-03")
        let p = dir + "/employees.csv"
        let text = try String(decoding: CSVDecode.utf8(gb18030: Data(contentsOf: URL(fileURLWithPath: p))), as: UTF8.self)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).enumerated().map { k, l -> String in
            if k == 0 { return l + ",减除费用方式" }
            if l.isEmpty { return String(l) }
            return l + (l.hasPrefix("D045,") ? ",首次取得工资" : ",")
        }
        try FileManager.default.removeItem(atPath: p)
        try lines.joined(separator: "\r\n").write(toFile: p, atomically: true, encoding: .utf8)
        let o = try PeriodRunner.execute(
            RunSettings(
                definition: definition, period: Period("2026-03")!, inputDirectory: dir,
                outputRoot: tempDir(), threads: 0, firstPeriod: true))
        XCTAssertTrue(o.finished, "\(o.batch.diagnostics.filter { $0.severity == .error }.map(\.messageEN))")
        let reg = try register(o.folder + "/payroll_register.csv")
        XCTAssertEqual(reg.first { $0["employee_id"] == "D045" }?["ytd_basic_deduction"], "15000.00")
        XCTAssertEqual(reg.first { $0["employee_id"] == "D044" }?["ytd_basic_deduction"], "15000.00")  // employed since before January
        XCTAssertEqual(o.batch.employees.filter(\.firstIncomeOfYear).map(\.id), ["D045"])
    }
}

/// The register against an independent implementation of STANDARD.md
/// (scripts/check_standard.py, Python Decimal) on a generated batch with hires
/// and leavers inside the period, bases outside every city band, all overtime
/// kinds, deductions, back pay and annual bonuses on both sides of band edges.
final class StandardCrossCheckTests: XCTestCase {
    func testEveryRegisterCellAgreesWithTheIndependentImplementation() throws {
        let batch = tempDir() + "/batch"
        let (_, gen) = try shell([
            "python3", repoRoot.appendingPathComponent("scripts/gen_data.py").path, "--employees", "400",
            "--period", "2026-06", "--out", batch, "--variety",
        ])
        XCTAssertEqual(gen, 0)
        let o = try PeriodRunner.execute(
            RunSettings(
                definition: definition, period: Period("2026-06")!, inputDirectory: batch,
                outputRoot: tempDir(), threads: 0, firstPeriod: true, only: [.register]))
        XCTAssertTrue(o.finished, "\(o.batch.diagnostics.filter { $0.severity == .error }.prefix(3).map(\.messageEN))")
        XCTAssertTrue(o.batch.employees.contains { $0.hireDate > Period("2026-06")!.firstDay })
        XCTAssertTrue(o.batch.employees.contains { $0.leaveDate != nil })
        let (out, status) = try shell([
            "python3", repoRoot.appendingPathComponent("scripts/check_standard.py").path, batch, "2026-06",
            o.folder + "/payroll_register.csv",
        ])
        XCTAssertEqual(status, 0, out)
        XCTAssertTrue(out.contains("10000 cells checked, 0 differ"), out)
    }

    /// The same with STANDARD.md's "Beyond the default": deduction modes (annual_60000, first_income), service
    /// starts, comp time, negative nets carried forward and statutory sick pay, in 2026 and after the annual
    /// bonus's separate taxation ends (2028).
    func testBeyondTheDefaultAgreesWithTheIndependentImplementation() throws {
        let dir = tempDir() + "/pipelines"
        try FileManager.default.copyItem(atPath: repoRoot.appendingPathComponent("pipelines").path, toPath: dir)
        let text = try String(contentsOfFile: dir + "/monthly.yaml", encoding: .utf8)
        try (text + "\nnegative_net: carry_forward\nsick_pay: statutory\n").write(toFile: dir + "/monthly.yaml", atomically: true, encoding: .utf8)
        let beyond = try PipelineDefinition.load(path: dir + "/monthly.yaml")
        for period in ["2026-06", "2028-03"] {
            let batch = tempDir() + "/batch"
            let (_, gen) = try shell([
                "python3", repoRoot.appendingPathComponent("scripts/gen_data.py").path, "--employees", "400",
                "--period", period, "--out", batch, "--variety", "--beyond", "--negative", "8",
            ])
            XCTAssertEqual(gen, 0)
            let o = try PeriodRunner.execute(
                RunSettings(
                    definition: beyond, period: Period(period)!, inputDirectory: batch,
                    outputRoot: tempDir(), threads: 0, firstPeriod: true, only: [.register]))
            XCTAssertTrue(o.finished, "\(o.batch.diagnostics.filter { $0.severity == .error }.prefix(3).map(\.messageEN))")
            XCTAssertTrue(o.batch.employees.contains { $0.basicDeductionMode == .annual60000 })
            XCTAssertTrue(o.run?.pay.contains { ($0?.carriedBalance ?? .zero) > .zero } ?? false, "some net is carried")
            XCTAssertTrue(o.batch.attendance.contains { $0.overtimeRestdayComp > .zero })
            let (out, status) = try shell([
                "python3", repoRoot.appendingPathComponent("scripts/check_standard.py").path, batch, period,
                o.folder + "/payroll_register.csv", "--carry-forward", "--sick-statutory",
            ])
            XCTAssertEqual(status, 0, out)
            XCTAssertTrue(out.contains("cells checked, 0 differ"), out)
        }
    }
}
