import Audit
import Foundation
import PayrollCore
import RunRecords
import TestSupport
import XCTest

/// Every subcommand through each kind of error it can meet, against the exit
/// codes README documents: 0 success · 1 data · 64 usage · 70 operational ·
/// 75 busy · 78 rule pack. One mapping (`Failures` in the command line) makes them.
final class ExitCodeTests: XCTestCase {
    /// A copy of pipelines/ whose rule pack is broken (tax.yaml is not YAML a pack reads).
    func brokenPipeline() throws -> String {
        let dir = tempDir() + "/pipelines"
        try FileManager.default.copyItem(atPath: repoRoot.appendingPathComponent("pipelines").path, toPath: dir)
        try "tax: [this is not a tax section\n".write(toFile: dir + "/rules/cn/tax.yaml", atomically: true, encoding: .utf8)
        return dir + "/monthly.yaml"
    }

    func expect(_ code: Int32, _ args: [String], _ why: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try payroll(args)
        XCTAssertEqual(r.status, code, "\(why): payroll \(args.joined(separator: " "))\n\(r.err)", file: file, line: line)
        if code != 0 && code != 1 {
            XCTAssertTrue(r.err.contains("payroll: error: ") || r.err.contains("Error: "), "\(why): \(r.err)", file: file, line: line)
        }
    }

    func testRunAndValidate() throws {
        let root = tempDir()
        let broken = try brokenPipeline()
        let demo = fixtures.appendingPathComponent("demo").path
        for cmd in ["run", "validate"] {
            try expect(0, [cmd, "--out", tempDir()], "\(cmd): the demo month")
            try expect(64, [cmd, "--out", root, "--period", "2026-13"], "\(cmd): no such month")
            try expect(64, [cmd, "nowhere.yaml", "--out", root], "\(cmd): no pipeline file")
            try expect(64, [cmd, "--out", root, "--input", "/nonexistent"], "\(cmd): no input folder")
            try expect(1, [cmd, "--out", root, "--period", "2026-02", "--first-period"], "\(cmd): January's data as February")
            try expect(78, [cmd, broken, "--input", demo, "--out", root], "\(cmd): a broken rule pack")
            try expect(70, [cmd, "--out", "/etc/passwd/root"], "\(cmd): an output root that cannot be made")
            let held = try RootLock.acquire(root: root, command: "run 2026-01")
            try expect(75, [cmd, "--out", root], "\(cmd): the root is busy")
            withExtendedLifetime(held) {}
        }
    }

    func testTestRules() throws {
        try expect(0, ["test-rules"], "the shipped pack's cases")
        let broken = try brokenPipeline()
        try expect(78, ["test-rules", (broken as NSString).deletingLastPathComponent + "/rules/cn"], "a broken pack")
        // A case whose expectation is wrong fails: data (1).
        let dir = tempDir() + "/pack"
        try FileManager.default.copyItem(atPath: repoRoot.appendingPathComponent("pipelines/rules/cn").path, toPath: dir)
        let f = dir + "/tests/withholding.yaml"
        let text = try String(contentsOfFile: f, encoding: .utf8)
        try text.replacingOccurrences(of: "ytd_taxable: 18500, tax: 555}", with: "ytd_taxable: 18500, tax: 556}")
            .write(toFile: f, atomically: true, encoding: .utf8)
        try expect(1, ["test-rules", dir], "a case that does not hold")
    }

    func testCloseReopenVerifyStatusKeygen() throws {
        let root = tempDir()
        try expect(0, ["run", "--out", root], "January")
        try expect(64, ["close", "2026-02", "--out", root], "close: no such run")
        try expect(64, ["close", "2026-1", "--out", root], "close: not a period")
        try expect(64, ["close", "2026-01", "--out", root + "/missing"], "close: no such root")
        try expect(64, ["close", "2026-01", "--out", root, "--sign", "/nonexistent.key"], "close: no such key")
        try expect(64, ["reopen", "2026-01", "--reason", "x", "--out", root], "reopen: not closed")
        var held = try RootLock.acquire(root: root, command: "run 2026-01") as RootLock?
        try expect(75, ["close", "2026-01", "--out", root], "close: busy")
        try expect(75, ["reopen", "2026-01", "--reason", "x", "--out", root], "reopen: busy")
        withExtendedLifetime(held) {}
        held = nil
        // The closed folder cannot be made: operational.
        try "".write(toFile: root + "/closed", atomically: true, encoding: .utf8)
        try expect(70, ["close", "2026-01", "--out", root], "close: the archive cannot be written")
        try FileManager.default.removeItem(atPath: root + "/closed")
        try expect(0, ["close", "2026-01", "--out", root], "close")
        try expect(64, ["close", "2026-01", "--out", root], "close: already closed")
        try expect(64, ["run", "--out", root], "run: a closed period")
        try expect(0, ["verify", root + "/closed/2026-01", "--no-rerun"], "verify")
        try expect(64, ["verify", root + "/2026-01"], "verify: not an archive")
        try expect(64, ["verify", root + "/closed/2026-01", "--key", "/nonexistent.pub"], "verify: no such key")
        try expect(1, ["verify", root + "/closed/2026-01", "--no-rerun", "--head", String(repeating: "0", count: 64)], "verify: another head")
        try expect(0, ["status", "--out", root], "status")
        try expect(64, ["status", "--out", root + "/missing"], "status: no such root")
        let key = tempDir() + "/k"
        try expect(0, ["keygen", "--out", key], "keygen")
        try expect(64, ["keygen", "--out", key], "keygen: the key exists")
        try expect(64, ["keygen", "--out", "/nonexistent/dir/k"], "keygen: no such folder")
        try expect(0, ["reopen", "2026-01", "--reason", "correction", "--out", root], "reopen")
    }

    func testExplainAndDiff() throws {
        let root = tempDir()
        let other = tempDir()
        // A run made with a copy of the pipeline, whose rule pack is broken afterwards: explain re-runs it (78).
        let copy = tempDir() + "/pipelines"
        try FileManager.default.copyItem(atPath: repoRoot.appendingPathComponent("pipelines").path, toPath: copy)
        try expect(
            0, ["run", copy + "/monthly.yaml", "--input", fixtures.appendingPathComponent("demo").path, "--out", root], "run with a copied pipeline")
        try expect(0, ["explain", "2026-01", "D001", "--out", root], "explain")
        try expect(64, ["explain", "2026-01", "D999", "--out", root], "explain: no such employee")
        try expect(64, ["explain", "2026-02", "D001", "--out", root], "explain: no such run")
        try expect(64, ["explain", "2026-13", "D001", "--out", root], "explain: not a period")
        try "tax: [broken\n".write(toFile: copy + "/rules/cn/tax.yaml", atomically: true, encoding: .utf8)
        try expect(78, ["explain", "2026-01", "D001", "--out", root], "explain: the run's rule pack is broken")
        try expect(0, ["run", "--out", other], "another January")
        try expect(0, ["diff", other + "/2026-01", other + "/2026-01"], "diff: the same run")
        try expect(64, ["diff", other + "/2026-01", "/nonexistent"], "diff: no such run")
        try expect(64, ["diff", other + "/2026-01", tempDir()], "diff: a folder without a register")
        try expect(
            0,
            [
                "run", "--out", other, "--period", "2026-02", "--input", fixtures.appendingPathComponent("demo-2026-02").path,
                "--first-period",
            ], "a February")
        try expect(1, ["diff", other + "/2026-01", other + "/2026-02"], "diff: differences")
    }

    func testImportAndReconcile() throws {
        let legacy = fixtures.appendingPathComponent("legacy")
        let book = legacy.appendingPathComponent("payroll_2026-01.xlsx").path
        let map = repoRoot.appendingPathComponent("pipelines/import/legacy-payroll.yaml").path
        try expect(0, ["import", book, "--suggest"], "import --suggest")
        try expect(64, ["import", book], "import: no --map")
        try expect(64, ["import", "/nonexistent.xlsx", "--suggest"], "import: no such workbook")
        let notBook = tempDir() + "/x.xlsx"
        try "not a zip".write(toFile: notBook, atomically: true, encoding: .utf8)
        try expect(64, ["import", notBook, "--suggest"], "import: not a workbook")
        try expect(64, ["import", book, "--map", "/nonexistent.yaml", "--out", tempDir()], "import: no such mapping")
        try expect(1, ["import", book, "--map", map, "--out", tempDir()], "import: the workbook's planted errors")
        try expect(70, ["import", book, "--map", map, "--out", "/etc/passwd/out"], "import: the output folder cannot be made")
        let root = tempDir()
        try expect(0, ["run", "--out", root], "January")
        let reg = legacy.appendingPathComponent("legacy_register_2026-01.xlsx").path
        let rmap = repoRoot.appendingPathComponent("pipelines/import/legacy-register.yaml").path
        try expect(1, ["reconcile", "2026-01", "--legacy", reg, "--map", rmap, "--out", root], "reconcile: planted differences")
        try expect(64, ["reconcile", "2026-02", "--legacy", reg, "--map", rmap, "--out", root], "reconcile: no such run")
        try expect(64, ["reconcile", "2026-01", "--legacy", "/nonexistent.xlsx", "--map", rmap, "--out", root], "reconcile: no such register")
        try expect(
            70, ["reconcile", "2026-01", "--legacy", reg, "--map", rmap, "--out", root, "--report", "/etc/passwd/r.xlsx"],
            "reconcile: the report cannot be written")
    }
}
