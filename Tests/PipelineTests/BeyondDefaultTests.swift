import Foundation
import PayrollCore
import PayrollRules
import RunRecords
import Stages
import TestSupport
import XCTest

@testable import Pipeline

/// STANDARD.md "Beyond the default" through whole runs: the pipeline keys, the ledger carrying balances
/// from month to month, and `payroll retro` against re-running the months with the new values.
final class BeyondDefaultTests: XCTestCase {
    /// The shipped pipeline with extra top-level keys, in a copy of pipelines/ (its relative paths keep working).
    func pipeline(_ extra: String) throws -> PipelineDefinition {
        let dir = tempDir() + "/pipelines"
        try FileManager.default.copyItem(atPath: repoRoot.appendingPathComponent("pipelines").path, toPath: dir)
        let path = dir + "/monthly.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try (text + "\n" + extra + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return try PipelineDefinition.load(path: path)
    }

    func run(_ def: PipelineDefinition, _ period: String, _ dir: String, root: String) throws -> RunOutcome {
        try PeriodRunner.execute(
            RunSettings(definition: def, period: Period(period)!, inputDirectory: dir, outputRoot: root, threads: 0))
    }

    func row(_ root: String, _ period: String, _ id: String) throws -> [String: String] {
        try XCTUnwrap(try register(root + "/\(period)/payroll_register.csv").first { $0["employee_id"] == id })
    }

    func money(_ s: String?) -> Money { Money.parse(s ?? "") ?? Money(yuan: 999_999_999) }

    /// Net pay as STANDARD.md defines it, before any carrying: gross + bonus − SI − HF − tax − bonus tax.
    func net0(_ r: [String: String]) -> Money {
        money(r["gross"]) + money(r["annual_bonus"]) - money(r["si_pension"]) - money(r["si_medical"]) - money(r["si_unemployment"])
            - money(r["hf"]) - money(r["tax"]) - money(r["bonus_tax"])
    }

    /// A demo month with a negative-net employee who stays and a negative-net leaver: the others are paid, the
    /// leaver's shortfall is a receivable, the stayer's is recovered first from February's net.
    func testNegativeNetIsCarriedForwardAndRecoveredTheNextMonth() throws {
        let def = try pipeline("negative_net: carry_forward")
        let root = tempDir()
        let jan = try DemoMonth()
        _ = jan.append("adjustments.csv", ["employee_id": "D002", "code": "other_deduction", "amount": "-15000.00", "note": "借款扣回"])
        _ = jan.append("adjustments.csv", ["employee_id": "D006", "code": "other_deduction", "amount": "-20000.00", "note": "赔偿"])
        jan.set("employees.csv", "D006", "leave_date", "2026-01-31")
        try jan.write()
        let j = try run(def, "2026-01", jan.dir, root: root)
        XCTAssertTrue(j.finished, "\(j.batch.diagnostics.filter { $0.severity == .error })")
        XCTAssertFalse(j.batch.diagnostics.contains { $0.code == Code.negativeNet.rawValue })
        let d002 = try row(root, "2026-01", "D002")
        let shortfall = Money.zero - net0(d002)
        XCTAssertTrue(shortfall > .zero)
        XCTAssertEqual(d002["net_pay"], "0.00")
        XCTAssertEqual(money(d002["carried_balance"]), shortfall)
        XCTAssertEqual(d002["carried_recovery"], "0.00")
        // Everyone else is paid as without the policy (D001 is untouched by both rows).
        XCTAssertEqual(try row(root, "2026-01", "D001")["net_pay"], "68568.12")
        // The leaver's shortfall is a receivable, and no bank file pays either of them.
        let d006 = try row(root, "2026-01", "D006")
        let receivables = try String(contentsOfFile: root + "/2026-01/receivables.csv", encoding: .utf8)
        XCTAssertTrue(receivables.contains("D006,"), receivables)
        XCTAssertTrue(receivables.contains("," + d006["carried_balance"]! + "\n"), receivables)
        XCTAssertFalse(receivables.contains("D002,"))
        for f in try FileManager.default.contentsOfDirectory(atPath: root + "/2026-01/bank") {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: root + "/2026-01/bank/" + f)), as: UTF8.self)
            XCTAssertFalse(text.contains("D002") || text.contains("D006"), f)
        }
        let ledger = try String(contentsOfFile: root + "/2026-01/ytd_ledger.csv", encoding: .utf8)
        XCTAssertTrue(ledger.hasPrefix((YearToDateStore.ledgerColumns + YearToDateStore.balanceColumns).joined(separator: ",")))

        // February: D002's shortfall comes off her net first.
        let f = try run(def, "2026-02", fixtures.appendingPathComponent("demo-2026-02").path, root: root)
        XCTAssertTrue(f.finished)
        let feb = try row(root, "2026-02", "D002")
        let available = net0(feb)
        XCTAssertTrue(available > shortfall, "the demo's February net covers the shortfall")
        XCTAssertEqual(money(feb["carried_recovery"]), Money.zero - shortfall)
        XCTAssertEqual(money(feb["net_pay"]), available - shortfall)
        XCTAssertEqual(feb["carried_balance"], "0.00")
    }

    /// A January raise approved in March: `retro` equals re-running January and February with the new
    /// salary, line by line, to the fen; March pays it as back_pay and taxes it cumulatively.
    func testRetroEqualsReRunningTheMonthsWithTheNewValues() throws {
        let paid = tempDir()
        _ = try runPeriod("2026-01", input: "demo", root: paid)
        _ = try runPeriod("2026-02", input: "demo-2026-02", root: paid)
        let changes = tempDir() + "/changes.csv"
        try "employee_id,field,value,effective_from\nD002,base_salary,7000.00,2026-01-01\nD008,allowance,800.00,2026-02-01\n"
            .write(toFile: changes, atomically: true, encoding: .utf8)
        let (list, problems) = try Retro.readChanges(path: changes)
        XCTAssertEqual(problems, [])
        let rows = try Retro.compute(period: Period("2026-03")!, root: paid, changes: list)

        // The same months re-run with the new values in employees.csv.
        let redone = tempDir()
        let jan = try DemoMonth()
        jan.set("employees.csv", "D002", "base_salary", "7000.00")
        try jan.write()
        _ = try runPeriod("2026-01", input: jan.dir, root: redone)
        let feb = try DemoMonth("demo-2026-02")
        feb.set("employees.csv", "D002", "base_salary", "7000.00")
        feb.set("employees.csv", "D008", "allowance", "800.00")
        try feb.write()
        _ = try runPeriod("2026-02", input: feb.dir, root: redone)

        let lines = definitionLines()
        var expected: [String] = []
        for month in ["2026-01", "2026-02"] {
            let before = try register(paid + "/\(month)/payroll_register.csv")
            let after = try register(redone + "/\(month)/payroll_register.csv")
            for (a, b) in zip(before, after) {
                XCTAssertEqual(a["employee_id"], b["employee_id"])
                for l in lines where a[l] != b[l] {
                    expected.append("\(a["employee_id"]!) \(month) \(l) \(money(b[l]) - money(a[l]))")
                }
            }
        }
        let got = rows.map { "\($0.employeeID) \($0.month) \($0.line) \($0.delta)" }
        XCTAssertEqual(got.sorted(), expected.sorted())
        // base 6,000 → 7,000 in both months: 1,000 each; February's allowance 500 → 800: 300.
        XCTAssertTrue(got.contains("D002 2026-01 base 1000.00"))
        XCTAssertTrue(got.contains("D008 2026-02 allowance 300.00"))
        XCTAssertFalse(got.contains { $0.hasPrefix("D008 2026-01") }, "D008's change takes effect in February")

        // March reads them beside adjustments.csv: they are in its gross and in its cumulative withholding.
        let march = copyOf("demo-2026-03")
        try Retro.write(rows, to: march + "/" + Retro.fileName)
        let m = try runPeriod("2026-03", input: march, root: paid)
        XCTAssertTrue(m.finished)
        let without = tempDir()
        try FileManager.default.copyItem(atPath: paid + "/2026-01", toPath: without + "/2026-01")
        try FileManager.default.copyItem(atPath: paid + "/2026-02", toPath: without + "/2026-02")
        _ = try runPeriod("2026-03", input: "demo-2026-03", root: without)
        let with = try row(paid, "2026-03", "D002")
        let plain = try row(without, "2026-03", "D002")
        let backPay = rows.filter { $0.employeeID == "D002" }.reduce(Money.zero) { $0 + $1.delta }
        XCTAssertEqual(money(with["adjustments"]), money(plain["adjustments"]) + backPay)
        XCTAssertEqual(money(with["gross"]), money(plain["gross"]) + backPay)
        XCTAssertEqual(money(with["ytd_income"]), money(plain["ytd_income"]) + backPay)
        XCTAssertTrue(money(with["tax"]) > money(plain["tax"]))
        XCTAssertTrue(m.batch.inputs.contains { $0.kind == InputKind.retroAdjustments.rawValue })
    }

    /// The structure's lines in gross, except the adjustments line (what retro diffs).
    func definitionLines() -> [String] {
        let rules = try! PeriodRules.resolve(standardPack, period: Period("2026-01")!)
        return rules.components.filter { $0.spec.inGross && $0.spec.code != "adjustments" }.map(\.spec.code)
    }

    /// Rest-day hours taken as time off are not paid and carry in the ledger; a comp-leave day next month draws
    /// them down. D011's only overtime in the demo January is 8 rest-day hours on 2026-01-10 (paid 1,287.36:
    /// 14,000 / 174 × 2 × 8).
    func testCompTimeIsNotPaidAndCarriesInTheLedger() throws {
        let root = tempDir()
        let jan = try DemoMonth()
        jan.addColumn("attendance.csv", "overtime_compensation")
        jan.set("attendance.csv", line: jan.line("attendance.csv", "D011") { $0[1] == "2026-01-10" }, "overtime_compensation", "调休")
        try jan.write()
        XCTAssertTrue(try runPeriod("2026-01", input: jan.dir, root: root).finished)
        let d011 = try row(root, "2026-01", "D011")
        XCTAssertEqual(d011["overtime"], "0.00")
        XCTAssertEqual(d011["comp_time_balance"], "8")
        XCTAssertEqual(try row(root, "2026-01", "D010")["comp_time_balance"], "0")

        // February: one present day becomes comp leave: 8 − 8 = 0. The column is absent; the balance carries.
        let feb = try DemoMonth("demo-2026-02")
        feb.set("attendance.csv", line: feb.line("attendance.csv", "D011") { $0[2] == "present" }, "status", "comp_leave")
        try feb.write()
        let f = try runPeriod("2026-02", input: feb.dir, root: root)
        XCTAssertTrue(f.finished)
        XCTAssertEqual(try row(root, "2026-02", "D011")["comp_time_balance"], "0")
        XCTAssertFalse(
            f.batch.diagnostics.contains { $0.code == Code.compTimeNegative.rawValue },
            "\(f.batch.diagnostics.filter { $0.code == Code.compTimeNegative.rawValue })")
    }

    /// Comp time is for rest-day hours only (Labour Law art. 44): workday hours taken as time off are an error.
    func testCompTimeOnAWorkdayIsAnError() throws {
        let m = try DemoMonth()
        m.addColumn("attendance.csv", "overtime_compensation")
        let line = m.line("attendance.csv", "D002") { $0[2] == "present" }
        m.set("attendance.csv", line: line, "overtime_hours", "2")
        m.set("attendance.csv", line: line, "overtime_kind", "workday")
        m.set("attendance.csv", line: line, "overtime_compensation", "comp_time")
        let c = try m.validate()
        XCTAssertTrue(c.batch.diagnostics.contains { $0.code == Code.compTimeKind.rawValue && $0.line == line }, "\(c.batch.diagnostics)")
    }

    /// `basic_deduction_mode` 全年6万 is read as annual_60000: 60,000 deducted from January.
    func testAnnual60000IsReadAndDeducted() throws {
        let m = try DemoMonth()
        m.addColumn("employees.csv", "basic_deduction_mode")
        m.set("employees.csv", "D002", "basic_deduction_mode", "全年6万")
        let c = try m.validate(keepPay: true)
        XCTAssertFalse(c.batch.hasErrors, "\(c.batch.diagnostics.filter { $0.severity == .error })")
        let i = try XCTUnwrap(c.batch.employees.firstIndex { $0.id == "D002" })
        XCTAssertEqual(c.batch.employees[i].basicDeductionMode, .annual60000)
        let r = try XCTUnwrap(c.run?.pay[i])
        XCTAssertEqual(r.basicDeduction, Money(yuan: 60000))
        XCTAssertEqual(r.tax, .zero)  // 13,601.72 − 60,000 − 1,750 < 0
    }

    /// `sick_pay: statutory`: D003 (hired 2024-12-10, one full year on 2026-01-01, Shanghai ratio 60%) has
    /// 3 sick days at 11,000 a month: 33,000 / 21.75 × 40% = 606.8965… → 606.90 (the floor 2,192 × 3 / 21.75
    /// = 302.34 is below 60%); the flat default deducts 303.45 (20%).
    func testStatutorySickPayThroughThePipeline() throws {
        let def = try pipeline("sick_pay: statutory")
        let root = tempDir()
        let o = try run(def, "2026-01", fixtures.appendingPathComponent("demo").path, root: root)
        XCTAssertTrue(o.finished)
        XCTAssertEqual(try row(root, "2026-01", "D003")["sick_deduction"], "-606.90")
    }
}
