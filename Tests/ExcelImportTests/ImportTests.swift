import Audit
import Foundation
import PayrollCore
import RunRecords
import Stages
import TestSupport
import XCTest

@testable import ExcelImport
@testable import Pipeline

final class ImportTests: XCTestCase {
    let legacy = fixtures.appendingPathComponent("legacy")
    let mappings = repoRoot.appendingPathComponent("pipelines/import")

    func rows(_ file: String) throws -> [[String]] {
        try String(contentsOf: legacy.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func importFixture() throws -> (Importer.Result, String) {
        let m = try ImportMapping.load(path: mappings.appendingPathComponent("legacy-payroll.yaml").path)
        let t = try SourceTable.load(path: legacy.appendingPathComponent("payroll_2026-01.xlsx").path, sheet: m.sheet)
        let r = Importer.run(source: t, mapping: m)
        let out = tempDir() + "/imported"
        try Importer.write(r, to: out)
        return (r, out)
    }

    /// The planted problems (scripts/make_legacy.py lists them) are reported at their cells, and nothing else is; the
    /// rest imports as the demo company's data: employees and the month's attendance summary.
    func testLegacyWorkbookImportsWithEveryPlantedProblemNamedByItsCell() throws {
        let (r, out) = try importFixture()
        let got = r.issues.map { [$0.code, $0.importSeverity, $0.cell ?? ""] }
        XCTAssertEqual(Set(got), Set(try rows("expected_import.csv")))
        XCTAssertEqual(got.count, try rows("expected_import.csv").count, "each problem once: \(got)")
        XCTAssertEqual(r.imported["employees"], 44, "the pasted copy of D020 is not written")
        XCTAssertEqual(r.imported["attendance_summary"], 44)
        // The totals row: 基本工资 and 津贴补贴 differ by exactly the cells reported and not imported (the ¥ cell and the
        // pasted copy); 岗位工资's total was typed over (+1,000.00), so the pasted copy alone does not account for it.
        let totals = Dictionary(uniqueKeysWithValues: r.issues.filter { $0.code == "I014" }.map { ($0.cell ?? "", $0.messageEN) })
        XCTAssertTrue(totals["工资表!M50"]?.contains("is the cells already reported and not imported (M29, M49)") ?? false, "\(totals)")
        XCTAssertTrue(totals["工资表!N50"]?.contains("(N49) do not account for the difference, 7000.00") ?? false, "\(totals)")
        XCTAssertTrue(totals["工资表!O50"]?.contains("is the cells already reported and not imported (O49)") ?? false, "\(totals)")
        // Excel's quirks come out right: dates stored as serials, a salary typed as "9,000.00" text.
        let demo = try load("demo").employees
        let imported = try register(out + "/employees.csv")
        for e in demo {
            let row = try XCTUnwrap(imported.first { $0["employee_id"] == e.id })
            XCTAssertEqual(row["hire_date"], e.hireDate.description, e.id)
            if e.id != "D025" { XCTAssertEqual(row["base_salary"], e.baseSalary.description, e.id) }
            XCTAssertEqual(row["hf_rate"], e.hfRate.description, e.id)
            if e.id != "D007" { XCTAssertEqual(row["id_number"], e.idNumber, e.id) }
            if e.id != "D040" { XCTAssertEqual(row["bank_account"], e.bankAccount, e.id) }
        }
        XCTAssertEqual(imported.first { $0["employee_id"] == "D007" }?["id_number"], "")  // never a corrupted value
        // Text where an amount belongs is written as the workbook has it (validation refuses it too), never stripped.
        XCTAssertEqual(imported.first { $0["employee_id"] == "D025" }?["base_salary"], "¥12000.00")
        // The attendance columns are the demo's daily rows summed (D008's "1天" kept as typed).
        let expected = Dictionary(uniqueKeysWithValues: csvRows(try attendanceSummary(of: "demo")).map { ($0["employee_id"] ?? "", $0) })
        let summary = try register(out + "/attendance_summary.csv")
        XCTAssertEqual(summary.count, 44)
        for row in summary {
            let id = row["employee_id"] ?? ""
            for (k, v) in row where k != "employee_id" && k != "overtime_restday_comp_hours" {
                let want = expected[id]?[k].flatMap { Decimal(string: $0) } ?? 0
                if id == "D008" && k == "personal_leave_days" {
                    XCTAssertEqual(v, "1天")
                } else {
                    XCTAssertEqual(Decimal(string: v.isEmpty ? "0" : v), want, "\(id) \(k)")
                }
            }
        }
    }

    /// The imported employees and attendance summary pass validation but for the planted problems, each named by its
    /// CSV line and its workbook cell.
    func testImportedFilesPassValidationExceptThePlantedProblems() throws {
        let (_, out) = try importFixture()
        for f in ["scores.csv", "adjustments.csv"] {
            try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("demo/" + f).path, toPath: out + "/" + f)
        }
        let report = tempDir()
        let v = try payroll(["validate", "--input", out, "--out", report])
        XCTAssertEqual(v.status, 1, v.out + v.err)
        let found = try register(report + "/2026-01/validation.csv")
        let got = Set(found.map { r in ["code", "file", "line", "column", "employee_id", "source_cell"].map { r[$0] ?? "" } })
        XCTAssertEqual(got, Set(try rows("expected_validate.csv")))
        XCTAssertEqual(found.count, try rows("expected_validate.csv").count)
    }

    func testSuggestProposesTheMapping() throws {
        let t = try SourceTable.load(path: legacy.appendingPathComponent("payroll_2026-01.xlsx").path, sheet: nil)
        let s = Importer.suggest(source: t)
        XCTAssertTrue(s.contains("header_rows: [3, 4]"))
        XCTAssertTrue(s.contains("employee_id: \"工号\""))
        XCTAssertTrue(s.contains("base_salary: \"应发工资/基本工资\""))
        XCTAssertTrue(s.contains("bank_account: \"银行账号\""))
    }

    /// A register-shaped workbook gets a `register` mapping; used as proposed, it reconciles like the shipped one.
    func testSuggestProposesARegisterMappingForARegister() throws {
        let book = legacy.appendingPathComponent("legacy_register_2026-01.xlsx").path
        let s = Importer.suggest(source: try SourceTable.load(path: book, sheet: nil))
        for line in [
            "header_rows: [2, 3]", "data_starts: 4", "  register:", "employee_id: \"工号\"", "base: \"应发工资/基本工资\"",
            "position: \"应发工资/岗位工资\"", "performance_bonus: \"应发工资/绩效奖金\"", "gross: \"应发合计\"", "si: \"代扣款项/个人社保\"",
            "hf: \"代扣款项/个人公积金\"", "tax: \"代扣款项/个人所得税\"", "net_pay: \"实发工资\"",
        ] {
            XCTAssertTrue(s.contains(line), "\(line) in:\n\(s)")
        }
        XCTAssertFalse(s.contains("  employees:"), s)
        let root = tempDir()
        _ = try runPeriod("2026-01", input: "demo", root: root)
        let map = tempDir() + "/suggested.yaml"
        try s.write(toFile: map, atomically: true, encoding: .utf8)
        let r = try Reconcile.run(
            legacy: try SourceTable.load(path: book, sheet: nil), mapping: try ImportMapping.load(path: map), period: Period("2026-01")!,
            root: root, replay: PipelineReplay())
        XCTAssertEqual(r.differences.count, try rows("expected_reconcile.csv").filter { !$0[0].hasPrefix("only_") }.count)
    }

    func testExcelDateSerials() throws {
        // Excel 1900 system: 1 = 1900-01-01, 59 = 1900-02-28, 61 = 1900-03-01 (60 is Excel's phantom 29 Feb 1900),
        // 45658 = 2025-01-01, 46023 = 2026-01-01.
        XCTAssertEqual(Importer.excelDate(1).description, "1900-01-01")
        XCTAssertEqual(Importer.excelDate(59).description, "1900-02-28")
        XCTAssertEqual(Importer.excelDate(61).description, "1900-03-01")
        XCTAssertEqual(Importer.excelDate(45658).description, "2025-01-01")
        XCTAssertEqual(Importer.excelDate(46023).description, "2026-01-01")
    }

    /// The demo months' registers are golden files: the legacy reconciliation and parallel-run fixtures are built from
    /// them (scripts/make_legacy.py).
    func testDemoRegistersMatchTheGoldenSnapshots() throws {
        let root = tempDir()
        for (period, input) in [("2026-01", "demo"), ("2026-02", "demo-2026-02"), ("2026-03", "demo-2026-03")] {
            let o = try runPeriod(period, input: input, root: root)
            XCTAssertEqual(
                try String(contentsOfFile: o.folder + "/payroll_register.csv", encoding: .utf8),
                try String(contentsOf: legacy.appendingPathComponent("engine_register_\(period).csv"), encoding: .utf8), period)
        }
    }

    /// Every planted difference with its cause and legacy cell, in both directions (the engine's figure the whole-yuan one)
    /// and tax that follows from social insurance; nothing else.
    func testReconciliationReportsExactlyThePlantedDifferencesWithCauses() throws {
        let root = tempDir()
        _ = try runPeriod("2026-01", input: "demo", root: root)
        let m = try ImportMapping.load(path: mappings.appendingPathComponent("legacy-register.yaml").path)
        let t = try SourceTable.load(path: legacy.appendingPathComponent("legacy_register_2026-01.xlsx").path, sheet: m.sheet)
        let r = try Reconcile.run(legacy: t, mapping: m, period: Period("2026-01")!, root: root, replay: PipelineReplay())
        let expected = try rows("expected_reconcile.csv")
        let lines = expected.filter { !$0[0].hasPrefix("only_") }
        XCTAssertEqual(r.differences.count, lines.count, "\(r.differences.map { "\($0.employee) \($0.line)" })")
        for e in lines {
            let d = r.differences.first { $0.employee == e[0] && $0.line == e[1] }
            XCTAssertNotNil(d, "\(e)")
            XCTAssertEqual(d?.legacy.description, e[2])
            XCTAssertEqual(d?.engine.description, e[3])
            XCTAssertTrue(d?.cause.en.hasPrefix(e[4]) ?? false, "\(e[0]) \(e[1]): \(d?.cause.en ?? "")")
            XCTAssertEqual(d?.legacyCell, e[5], "\(e[0]) \(e[1])")
            XCTAssertEqual(d?.explained, true, "\(e[0]) \(e[1])")
        }
        XCTAssertEqual(r.onlyLegacy, expected.filter { $0[0] == "only_legacy" }.map { $0[1] })
        XCTAssertEqual(r.onlyEngine, expected.filter { $0[0] == "only_engine" }.map { $0[1] })
        XCTAssertEqual(r.matched.count, 44 - 1 - Set(lines.map { $0[0] }).count)
        let path = root + "/reconciliation.xlsx"
        try Reconcile.writeXLSX(r, period: Period("2026-01")!, to: path)
        let x = try XLSXContent.read(path)
        XCTAssertEqual(x.sheets.map(\.name), ["汇总 Summary", "差异 Differences", "仅一方 One side only"])
        XCTAssertEqual(x.sheet("差异 Differences")!.count, lines.count + 1)
    }
}
