import Foundation
import Outputs
import PayrollCore
import PayrollRules
import RunRecords
import Stages
import TestSupport
import XCTest

@testable import Pipeline

final class PerformanceRunTests: XCTestCase {
    func testDemoScorecardsAndDepartmentSummariesAgree() throws {
        let o = try runPeriod("2026-01", input: "demo", root: tempDir())
        XCTAssertTrue(o.finished)
        let cards = try register(o.folder + "/performance.csv")
        XCTAssertEqual(cards.count, o.batch.employees.count)
        for c in cards {
            XCTAssertFalse(c["final_score"]!.isEmpty, c["employee_id"]!)
            XCTAssertFalse(c["grade"]!.isEmpty)
            XCTAssertGreaterThan(Int(c["company_rank"]!)!, 0)
            XCTAssertGreaterThan(Int(c["department_rank"]!)!, 0)
        }
        XCTAssertEqual(Set(cards.map { Int($0["company_rank"]!)! }), Set(1...cards.count))
        // D041 (back office) has no BSC rows: a warning, and the other methods' weights are re-scaled.
        XCTAssertTrue(o.batch.diagnostics.contains { $0.code == "P001" && $0.employeeID == "D041" && $0.severity == .warning })
        XCTAssertEqual(cards.first { $0["employee_id"] == "D041" }!["missing_methods"], "bsc")
        // D024's peer group has 2 raters: dropped for anonymity.
        XCTAssertEqual(cards.first { $0["employee_id"] == "D024" }!["feedback360_groups_dropped"], "peer")
        // Department rows are recomputed from the individual rows.
        let depts = try register(o.folder + "/performance_departments.csv")
        XCTAssertEqual(depts.count, Set(cards.map { $0["department"]! }).count)
        for d in depts {
            let members = cards.filter { $0["department"] == d["department"] }
            XCTAssertEqual(Int(d["employees"]!), members.count)
            let scores = members.map { Exact(Fixed.parse($0["final_score"]!)!) }
            let avg = (try scores.reduce(Exact.zero, +) / Exact(scores.count)).formatted(places: 2)
            XCTAssertEqual(d["average_score"], avg, d["department"]!)
            XCTAssertEqual(d["max_score"], scores.max()!.formatted(places: 2))
            for g in ["S", "A", "B", "C", "D"] {
                XCTAssertEqual(Int(d["grade_\(g)"]!), members.filter { $0["grade"] == g }.count, "\(d["department"]!) \(g)")
            }
            XCTAssertEqual(Set(members.map { Int($0["department_rank"]!)! }), Set(1...members.count))
            let coached = members.filter { Int($0["coaching_checkins_quarter"]!)! > 0 }.count
            XCTAssertEqual(Int(d["coached_last_quarter"]!), coached)
        }
        // The register carries the same score, grade and coefficient.
        let reg = Dictionary(uniqueKeysWithValues: try register(o.folder + "/payroll_register.csv").map { ($0["employee_id"]!, $0) })
        for c in cards {
            let r = reg[c["employee_id"]!]!
            XCTAssertEqual(r["final_score"], c["final_score"])
            XCTAssertEqual(r["grade"], c["grade"])
            XCTAssertEqual(r["coefficient"], c["coefficient"])
        }
        // Rater identities never appear in an output.
        for f in try FileManager.default.contentsOfDirectory(atPath: o.folder) where f.hasSuffix(".csv") {
            let header = try String(contentsOfFile: o.folder + "/" + f, encoding: .utf8).split(separator: "\n").first ?? ""
            XCTAssertFalse(header.contains("rater"), f)
        }
    }

    func testReviewPipelineAppliesQuotasCalibrationAndPoints() throws {
        let def = try PipelineDefinition.load(path: repoRoot.appendingPathComponent("pipelines/monthly-review.yaml").path)
        let o = try PeriodRunner.execute(
            RunSettings(
                definition: def, period: Period("2026-01")!,
                inputDirectory: fixtures.appendingPathComponent("demo-review").path,
                outputRoot: tempDir(), threads: 0))
        XCTAssertTrue(o.finished)
        let cards = Dictionary(uniqueKeysWithValues: try register(o.folder + "/performance.csv").map { ($0["employee_id"]!, $0) })
        // D030 is first in its department of 7 → S by quota, then calibrated to A with its reason.
        XCTAssertEqual(cards["D030"]!["calibrated_from"], "S")
        XCTAssertEqual(cards["D030"]!["grade"], "A")
        XCTAssertEqual(cards["D030"]!["calibration_reason"], "承担跨部门预算项目，上调一级")
        XCTAssertEqual(cards["D030"]!["coefficient"], "1.20")
        // Quotas per department: 10/20/50/15/5 % with cumulative half-up boundaries.
        let sales = cards.values.filter { $0["department"] == "销售部" }
        XCTAssertEqual(sales.filter { $0["grade"] == "S" }.count + sales.filter { $0["calibrated_from"] == "S" }.count, 1)
        // Points: 12 × 50 = 600.00 added to the performance bonus line.
        XCTAssertEqual(cards["D026"]!["points_bonus"], "600.00")
        let reg = try register(o.folder + "/payroll_register.csv").first { $0["employee_id"] == "D026" }!
        let bonusBase = o.batch.employees.first { $0.id == "D026" }!.bonusBase!
        XCTAssertEqual(Money.parse(reg["performance_bonus"]!)!, bonusBase + Money(yuan: 600))  // coefficient 1.00 (grade B)
    }
}
