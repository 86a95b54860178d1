import Foundation
import PayrollCore
import PayrollRules
import TestSupport
import XCTest

@testable import Stages

/// Hints that save a clerk from reading a flood of errors, or from a rule pack that has not been updated.
final class HintTests: XCTestCase {
    /// January's attendance run as February: one R023 before the 909 R009 rows, naming the month the dates point to.
    func testPeriodMismatchNamesTheMonthOnce() throws {
        let b = try load(fixtures.appendingPathComponent("demo").path, period: "2026-02")
        let hints = b.diagnostics.filter { $0.code == Code.periodMismatch.rawValue }
        XCTAssertEqual(hints.count, 1)
        XCTAssertTrue(hints[0].messageEN.contains("2026-01"), hints[0].messageEN)
        XCTAssertTrue(hints[0].messageZH.contains("--period 2026-01"), hints[0].messageZH)
        XCTAssertEqual(b.diagnostics.filter { $0.code == Code.outsidePeriod.rawValue }.count, 909)  // the demo's attendance rows
        // The month that matches has no hint.
        XCTAssertFalse(try load(fixtures.appendingPathComponent("demo").path, period: "2026-01").diagnostics.contains { $0.code == "R023" })
    }

    /// The cn pack's latest Shanghai band is from 2025-07-01 (cities.yaml): 17 months before 2026-12, more than the yearly
    /// revision; 6 months before 2026-01, no warning. Shenzhen's latest is from 2024-07-01 (the reference has no 2025 band):
    /// 18 months before 2026-01, a warning already.
    func testStaleCityBandsAreNamedWithCityAndDate() throws {
        let employees = try load(fixtures.appendingPathComponent("demo").path).employees
        let dec = try PeriodRules.resolve(standardPack, period: Period("2026-12")!)
        let warnings = PayChecks.staleBands(rules: dec, employees: employees, employeesFile: "employees.csv")
        let shanghai = try XCTUnwrap(warnings.first { $0.messageZH.contains("上海") }, "\(warnings.map(\.messageEN))")
        XCTAssertEqual(shanghai.code, "N009")
        XCTAssertEqual(shanghai.severity, .warning)
        XCTAssertTrue(shanghai.messageEN.contains("2025-07-01") && shanghai.messageEN.contains("17 months"), shanghai.messageEN)
        let jan = try PeriodRules.resolve(standardPack, period: Period("2026-01")!)
        let janWarnings = PayChecks.staleBands(rules: jan, employees: employees, employeesFile: "employees.csv")
        XCTAssertFalse(janWarnings.contains { $0.messageZH.contains("上海") })
        if employees.contains(where: { $0.city == "shenzhen" }) {
            XCTAssertEqual(
                janWarnings.map(\.messageEN).filter { $0.contains("Shenzhen") && $0.contains("2024-07-01") && $0.contains("18 months") }.count, 1)
        }
    }

    /// `--period` errors say what is wrong.
    func testPeriodErrorsSayWhatIsWrong() throws {
        let month = try payroll(["run", "--period", "2026-13", "--out", tempDir()])
        XCTAssertEqual(month.status, 64)
        XCTAssertTrue(month.err.contains("month 13 is not between 01 and 12"), month.err)
        let shape = try payroll(["run", "--period", "2026-1", "--out", tempDir(), "--locale", "zh"], env: ["PAYROLL_LOCALE": ""])
        XCTAssertEqual(shape.status, 64)
        XCTAssertTrue(shape.err.contains("应为 YYYY-MM 格式"), shape.err)
    }
}
