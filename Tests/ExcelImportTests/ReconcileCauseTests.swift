import Audit
import Foundation
import PayrollCore
import Pipeline
import Stages
import TestSupport
import XCTest

@testable import ExcelImport

/// Causes recognised in both directions, and tax that follows from social insurance.
final class ReconcileCauseTests: XCTestCase {
    func testEngineSideRoundingAndTaxThatFollowsFromSI() throws {
        let root = tempDir()
        XCTAssertTrue(try runPeriod("2026-01", input: "demo", root: root).finished)
        let reg = try register(root + "/2026-01/payroll_register.csv")
        func m(_ s: String?) -> Money { Money.parse(s ?? "") ?? .zero }
        func si(_ r: [String: String]) -> Money { m(r["si_pension"]) + m(r["si_medical"]) + m(r["si_unemployment"]) }
        // An employee whose housing fund the engine rounds to the whole yuan (Shanghai's HF rounding in cities.yaml).
        let hfRow = try XCTUnwrap(reg.first { m($0["hf"]).fen % 100 == 0 && m($0["hf"]) > .zero })
        // A January employee in the 3% bracket (taxable ≤ 36,000; quick deduction 0, iit_withholding in tax.yaml), with
        // some tax: a legacy SI 100.00 higher lowers the taxable income by 100.00 and the tax to round(0.03 × (T − 100)).
        let taxRow = try XCTUnwrap(
            reg.first {
                m($0["ytd_taxable"]) > Money(yuan: 1000) && m($0["ytd_taxable"]) < Money(yuan: 30000) && $0["employee_id"] != hfRow["employee_id"]
            })
        let t = m(taxRow["ytd_taxable"]) - Money(yuan: 100)
        let legacyTax = Money(fen: (t.fen * 3 + 50) / 100)  // 3%, half up to the fen
        var csv = "工号,个人社保,个人公积金,个人所得税\n"
        for r in reg {
            var s = si(r)
            var hf = m(r["hf"])
            var tax = m(r["tax"])
            if r["employee_id"] == hfRow["employee_id"] { hf = hf + Money(fen: 10) }  // legacy 443.10 where the engine has 443.00
            if r["employee_id"] == taxRow["employee_id"] {
                s = s + Money(yuan: 100)
                tax = legacyTax
            }
            csv += "\(r["employee_id"]!),\(s),\(hf),\(tax)\n"
        }
        let dir = tempDir()
        try csv.write(toFile: dir + "/legacy.csv", atomically: true, encoding: .utf8)
        try """
        header_rows: [1]
        data_starts: 2
        targets:
          register:
            employee_id: 工号
            si: 个人社保
            hf: 个人公积金
            tax: 个人所得税
        """.write(toFile: dir + "/map.yaml", atomically: true, encoding: .utf8)
        let r = try Reconcile.run(
            legacy: try SourceTable.load(path: dir + "/legacy.csv", sheet: nil), mapping: try ImportMapping.load(path: dir + "/map.yaml"),
            period: Period("2026-01")!, root: root, replay: PipelineReplay())
        let hf = try XCTUnwrap(r.differences.first { $0.employee == hfRow["employee_id"] && $0.line == "hf" })
        XCTAssertEqual(hf.difference, Money(fen: -10))  // engine − legacy
        XCTAssertTrue(hf.cause.en.hasPrefix("the engine's value is whole yuan"), hf.cause.en)
        XCTAssertNotNil(hf.legacyCell)
        let tax = try XCTUnwrap(r.differences.first { $0.employee == taxRow["employee_id"] && $0.line == "tax" })
        XCTAssertTrue(tax.cause.en.hasPrefix("follows from the social insurance difference"), tax.cause.en)
        XCTAssertTrue(tax.explained)
        XCTAssertEqual(r.differences.count, 3, "\(r.differences.map { "\($0.employee) \($0.line) \($0.cause.en)" })")  // hf; si and tax
    }

    /// A replay that cannot recompute the period (as when the run's pipeline path no longer resolves).
    struct NoReplay: PeriodReplay {
        func rulePackDirectory(pipeline: String) throws -> String { throw AuditError(zh: "无", en: "no pipeline here") }
        func compute(_ request: ReplayRequest) throws -> Replayed { throw AuditError(zh: "无", en: "no pipeline here") }
        func execute(_ request: ReplayRequest) throws -> (folder: String?, errors: Int) { throw AuditError(zh: "无", en: "no pipeline here") }
        func registerRow(_ index: Int, batch: Batch, run: PayrollRun) -> [String]? { nil }
    }

    /// When the period cannot be recomputed, the causes that need its inputs are not guessed, and the result says why.
    func testAPeriodThatCannotBeRecomputedIsSaid() throws {
        let root = tempDir()
        XCTAssertTrue(try runPeriod("2026-01", input: "demo", root: root).finished)
        let legacy = fixtures.appendingPathComponent("legacy")
        let m = try ImportMapping.load(path: repoRoot.appendingPathComponent("pipelines/import/legacy-register.yaml").path)
        let r = try Reconcile.run(
            legacy: try SourceTable.load(path: legacy.appendingPathComponent("legacy_register_2026-01.xlsx").path, sheet: nil), mapping: m,
            period: Period("2026-01")!, root: root, replay: NoReplay())
        XCTAssertTrue(
            r.recomputeProblem?.en.contains("could not be recomputed (no pipeline here)") ?? false, "\(String(describing: r.recomputeProblem))")
        XCTAssertTrue(Reconcile.summary(r).contains("warning: 2026-01 could not be recomputed"))
        // The clamped SI base needs the inputs: not explained now; rounding to the yuan needs none.
        XCTAssertEqual(r.differences.first { $0.employee == "D001" && $0.line == "si" }?.explained, false)
        XCTAssertEqual(r.differences.first { $0.employee == "D003" && $0.line == "net_pay" }?.explained, true)
    }

    /// A run started with relative paths is recomputed from another folder: the manifest records where it was started.
    func testARunWithRelativePathsIsRecomputedFromElsewhere() throws {
        let root = tempDir()
        let run = try payroll(
            ["run", "pipelines/monthly.yaml", "--input", "fixtures/demo", "--period", "2026-01", "--out", root], in: repoRoot.path)
        XCTAssertEqual(run.status, 0, run.out + run.err)
        let book = fixtures.appendingPathComponent("legacy/legacy_register_2026-01.xlsx").path
        let map = repoRoot.appendingPathComponent("pipelines/import/legacy-register.yaml").path
        let r = try payroll(["reconcile", "2026-01", "--legacy", book, "--map", map, "--out", root], in: tempDir())
        XCTAssertEqual(r.status, 1, r.out + r.err)  // the planted differences
        XCTAssertFalse(r.out.contains("could not be recomputed"), r.out)
        XCTAssertTrue(r.out.contains("social insurance base clamped"), r.out)
    }
}
