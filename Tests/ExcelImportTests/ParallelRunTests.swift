import Foundation
import PayrollCore
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
}
