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

    func testLegacyWorkbookImportsWithEveryPlantedProblemNamedByItsCell() throws {
        let (r, out) = try importFixture()
        let got = Set(r.issues.map { [$0.code, $0.importSeverity, $0.cell ?? ""] })
        XCTAssertEqual(got, Set(try rows("expected_import.csv")))
        XCTAssertEqual(r.imported["employees"], 44)
        // Excel's quirks come out right: dates stored as serials, a salary typed as "9,000.00" text.
        let demo = try load("demo").employees
        let imported = try register(out + "/employees.csv")
        for e in demo {
            let row = imported.first { $0["employee_id"] == e.id }!
            XCTAssertEqual(row["hire_date"], e.hireDate.description, e.id)
            XCTAssertEqual(row["base_salary"], e.baseSalary.description, e.id)
            XCTAssertEqual(row["hf_rate"], e.hfRate.description, e.id)
            if e.id != "D007" { XCTAssertEqual(row["id_number"], e.idNumber, e.id) }
            if e.id != "D040" { XCTAssertEqual(row["bank_account"], e.bankAccount, e.id) }
        }
        XCTAssertEqual(imported.first { $0["employee_id"] == "D007" }!["id_number"], "")  // never a corrupted value
    }

    func testImportedFilesPassValidationExceptThePlantedProblems() throws {
        let (_, out) = try importFixture()
        for f in ["attendance.csv", "scores.csv", "adjustments.csv"] {
            try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("demo/" + f).path, toPath: out + "/" + f)
        }
        let b = try load(out)
        let got = Set(b.diagnostics.map { [$0.code, $0.file, String($0.line ?? 0), $0.column ?? "", $0.employeeID ?? ""] })
        XCTAssertEqual(got, Set(try rows("expected_validate.csv")))
    }

    func testSuggestProposesTheMapping() throws {
        let t = try SourceTable.load(path: legacy.appendingPathComponent("payroll_2026-01.xlsx").path, sheet: nil)
        let s = Importer.suggest(source: t)
        XCTAssertTrue(s.contains("header_rows: [3, 4]"))
        XCTAssertTrue(s.contains("employee_id: \"工号\""))
        XCTAssertTrue(s.contains("base_salary: \"应发工资/基本工资\""))
        XCTAssertTrue(s.contains("bank_account: \"银行账号\""))
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

    /// The demo register is a golden file: the legacy reconciliation fixture is built from it.
    func testDemoRegisterMatchesTheGoldenSnapshot() throws {
        let o = try runPeriod("2026-01", input: "demo", root: tempDir())
        XCTAssertEqual(
            try String(contentsOfFile: o.folder + "/payroll_register.csv", encoding: .utf8),
            try String(contentsOf: legacy.appendingPathComponent("engine_register_2026-01.csv"), encoding: .utf8))
    }

    func testReconciliationReportsExactlyThePlantedDifferencesWithCauses() throws {
        let root = tempDir()
        _ = try runPeriod("2026-01", input: "demo", root: root)
        let m = try ImportMapping.load(path: mappings.appendingPathComponent("legacy-register.yaml").path)
        let t = try SourceTable.load(path: legacy.appendingPathComponent("legacy_register_2026-01.xlsx").path, sheet: m.sheet)
        let r = try Reconcile.run(legacy: t, mapping: m, period: Period("2026-01")!, root: root, replay: PipelineReplay())
        let expected = try rows("expected_reconcile.csv")
        let lines = expected.filter { !$0[0].hasPrefix("only_") }
        XCTAssertEqual(r.differences.count, lines.count)
        for e in lines {
            let d = r.differences.first { $0.employee == e[0] && $0.line == e[1] }
            XCTAssertNotNil(d, "\(e)")
            XCTAssertEqual(d?.legacy.description, e[2])
            XCTAssertEqual(d?.engine.description, e[3])
            XCTAssertTrue(d?.cause.en.hasPrefix(e[4]) ?? false, "\(e[0]) \(e[1]): \(d?.cause.en ?? "")")
        }
        XCTAssertEqual(r.onlyLegacy, expected.filter { $0[0] == "only_legacy" }.map { $0[1] })
        XCTAssertEqual(r.onlyEngine, expected.filter { $0[0] == "only_engine" }.map { $0[1] })
        XCTAssertEqual(r.matched.count, 44 - 1 - 3)
        let path = root + "/reconciliation.xlsx"
        try Reconcile.writeXLSX(r, period: Period("2026-01")!, to: path)
        let x = try XLSXContent.read(path)
        XCTAssertEqual(x.sheets.map(\.name), ["汇总 Summary", "差异 Differences", "仅一方 One side only"])
        XCTAssertEqual(x.sheet("差异 Differences")!.count, lines.count + 1)
    }
}
