import Foundation
import PayrollCore
import Pipeline
import TestSupport
import XCTest

@testable import ExcelImport

/// The parallel run's month range and verdict rule.
final class ParallelRunTests: XCTestCase {
    func testMonthRange() {
        XCTAssertEqual(ParallelRun.periods("2026-11..2027-02")?.map(\.description), ["2026-11", "2026-12", "2027-01", "2027-02"])
        XCTAssertNil(ParallelRun.periods("2026-03..2026-01"))
        XCTAssertNil(ParallelRun.periods("2026-01"))
    }

    func testVerdictNeedsThreeCleanMonthsEndingWithTheLast() {
        func month(_ p: String, clean: Bool) -> ParallelRun.Month {
            let r = Reconcile.Result(
                matched: ["E1"], differences: [], onlyLegacy: clean ? [] : ["X9"], onlyEngine: [], lines: ["net_pay"], importIssues: [])
            return ParallelRun.Month(period: Period(p)!, legacyFile: "l.csv", result: r)
        }
        XCTAssertTrue(ParallelRun.verdict([month("2026-01", clean: true), month("2026-02", clean: true), month("2026-03", clean: true)]).ready)
        XCTAssertFalse(ParallelRun.verdict([month("2026-01", clean: true), month("2026-02", clean: false), month("2026-03", clean: true)]).ready)
        XCTAssertFalse(ParallelRun.verdict([month("2026-02", clean: true), month("2026-03", clean: true)]).ready)
    }

    /// The three demo months beside fixtures/legacy/parallel (scripts/make_legacy.py): the expected summary per month,
    /// every difference with its cause and legacy cell, and the verdict.
    func testThreeMonthParallelRunGivesTheExpectedSummaryAndVerdict() throws {
        let root = tempDir()
        for (period, input) in [("2026-01", "demo"), ("2026-02", "demo-2026-02"), ("2026-03", "demo-2026-03")] {
            XCTAssertTrue(try runPeriod(period, input: input, root: root).finished, period)
        }
        let folder = fixtures.appendingPathComponent("legacy/parallel").path
        let map = repoRoot.appendingPathComponent("pipelines/import/legacy-register.yaml").path
        let months = try ParallelRun.run(
            periods: ParallelRun.periods("2026-01..2026-03")!, legacy: folder, mapping: try ImportMapping.load(path: map), root: root,
            replay: PipelineReplay())
        func expected(_ name: String) throws -> [[String: String]] {
            csvRows(try String(contentsOfFile: folder + "/" + name, encoding: .utf8))
        }
        let summary = try expected("expected_parallel.csv")
        XCTAssertEqual(months.map(\.period.description), summary.map { $0["period"] ?? "" })
        for (m, e) in zip(months, summary) {
            XCTAssertEqual(String(m.result.matched.count), e["matched"], m.period.description)
            XCTAssertEqual(String(m.result.differences.count), e["differences"], m.period.description)
            XCTAssertEqual(String(m.unexplained), e["unexplained"], m.period.description)
            XCTAssertEqual(String(m.oneSided), e["one_side_only"], m.period.description)
        }
        let differences = try expected("expected_differences.csv")
        XCTAssertEqual(months.reduce(0) { $0 + $1.result.differences.count }, differences.count)
        for e in differences {
            let d = months.first { $0.period.description == e["period"] }?.result.differences.first {
                $0.employee == e["employee_id"] && $0.line == e["line"]
            }
            XCTAssertEqual(d?.legacy.description, e["legacy"], "\(e)")
            XCTAssertEqual(d?.engine.description, e["engine"], "\(e)")
            XCTAssertTrue(d?.cause.en.hasPrefix(e["cause"] ?? "?") ?? false, "\(e): \(d?.cause.en ?? "")")
            XCTAssertEqual(d?.legacyCell, e["legacy_cell"], "\(e)")
        }
        let verdict = try String(contentsOfFile: folder + "/expected_verdict.txt", encoding: .utf8)
        XCTAssertTrue(ParallelRun.verdict(months).ready)
        XCTAssertEqual(ParallelRun.verdict(months).text.en + "\n", verdict)

        // From the command line: exit 0, the verdict on the terminal, one workbook with a summary and a sheet per month.
        let cli = try payroll(["parallel-run", "2026-01..2026-03", "--legacy", folder, "--map", map, "--out", root])
        XCTAssertEqual(cli.status, 0, cli.out + cli.err)
        XCTAssertTrue(cli.out.contains(verdict), cli.out)
        let book = try XLSXContent.read(root + "/parallel-run-2026-01..2026-03.xlsx")
        XCTAssertEqual(book.sheets.map(\.name), ["Summary", "2026-01", "2026-02", "2026-03"])
        XCTAssertEqual(book.sheet("2026-02")?.count, 1 + 3)

        // January's register of the one-month fixture (D043 missing, X999 extra) in its place: two clean months, not yet.
        let notYet = tempDir()
        for m in ["02", "03"] {
            try FileManager.default.copyItem(
                atPath: folder + "/legacy_register_2026-\(m).xlsx", toPath: notYet + "/legacy_register_2026-\(m).xlsx")
        }
        try FileManager.default.copyItem(
            atPath: fixtures.appendingPathComponent("legacy/legacy_register_2026-01.xlsx").path, toPath: notYet + "/legacy_register_2026-01.xlsx")
        let no = try payroll(["parallel-run", "2026-01..2026-03", "--legacy", notYet, "--map", map, "--out", root, "--report", notYet + "/r.xlsx"])
        XCTAssertEqual(no.status, 1, no.out + no.err)
        XCTAssertTrue(no.out.contains("not yet: 2 clean month(s) in a row; 3 are needed"), no.out)
    }
}
