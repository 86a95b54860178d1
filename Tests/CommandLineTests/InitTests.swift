import Foundation
import TestSupport
import XCTest

/// The binary works where the clerk is: from a folder outside the repository it finds its shipped pipeline and rule
/// pack, and `payroll init` sets up a company folder that runs from there.
final class InitTests: XCTestCase {
    func testInitThenRunAndTestRulesFromAnEmptyFolderOutsideTheRepository() throws {
        let home = tempDir()
        XCTAssertFalse(home.hasPrefix(repoRoot.path))
        let made = try payroll(["init", "co"], in: home)
        XCTAssertEqual(made.status, 0, made.err)
        let co = home + "/co"
        for f in [
            "pipeline.yaml", "README.md", "rules/cn/pack.yaml", "banks/icbc-batch.yaml", "input/2026-01/employees.csv", "input/empty/attendance.csv",
        ] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: co + "/" + f), f)
        }
        // The empty month is the header only.
        let empty = try String(contentsOfFile: co + "/input/empty/attendance.csv", encoding: .utf8)
        XCTAssertEqual(empty.split(separator: "\n").count, 1)
        // `payroll run` with no arguments runs the sample month into co/output, with the company folder's rule pack.
        let run = try payroll(["run"], in: co)
        XCTAssertEqual(run.status, 0, run.out + run.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: co + "/output/2026-01/manifest.json"))
        let manifest = try String(contentsOfFile: co + "/output/2026-01/manifest.json", encoding: .utf8)
        XCTAssertTrue(manifest.contains("rules/cn"), "the copied pack is the one used")
        let rules = try payroll(["test-rules"], in: co)
        XCTAssertEqual(rules.status, 0, rules.out + rules.err)
        XCTAssertTrue(rules.out.contains("0 failed"), rules.out)
        // init refuses a folder that is not empty, and writes nothing.
        let again = try payroll(["init", "co"], in: home)
        XCTAssertEqual(again.status, 64)
        // --version names the program and the rule pack.
        let v = try payroll(["--version"], in: co)
        XCTAssertEqual(v.status, 0)
        XCTAssertTrue(v.out.contains("rule pack cn 2026.12"), v.out)
    }

    func testShippedPipelineAndRulePackFromAnyFolder() throws {
        let elsewhere = tempDir()
        let run = try payroll(["validate", "--out", elsewhere + "/out"], in: elsewhere)
        XCTAssertEqual(run.status, 0, run.err)
        let rules = try payroll(["test-rules"], in: elsewhere)
        XCTAssertEqual(rules.status, 0, rules.err)
        // A pipeline copied out of the repository still finds its bank templates (its folder first, then the shipped ones).
        try FileManager.default.copyItem(atPath: repoRoot.path + "/pipelines/monthly.yaml", toPath: elsewhere + "/mine.yaml")
        let copied = try payroll(
            ["run", "mine.yaml", "--input", fixtures.path + "/demo", "--out", elsewhere + "/out2", "--only", "bank"], in: elsewhere)
        XCTAssertEqual(copied.status, 0, copied.err)
    }
}
