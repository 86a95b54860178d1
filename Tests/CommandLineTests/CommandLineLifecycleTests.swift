import Foundation
import PayrollCore
import RunRecords
import TestSupport
import XCTest

@testable import Audit

/// The command-line side of issue 11: exit codes, the lock between two
/// processes, and runs killed at each step of writing.
final class CommandLineLifecycleTests: XCTestCase {
    override func setUpWithError() throws {
        // scripts/test.sh builds the binary before the tests; without it these tests cannot run and must say so.
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: payrollBinary), "build the payroll binary first: \(payrollBinary)")
    }

    func hashes(_ folder: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for f in Archive.files(under: folder) { out[f] = try FileHash.sha256(path: folder + "/" + f).hex }
        return out
    }

    func hidden(_ root: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root).filter {
            $0.hasPrefix(".tmp-") || $0.hasPrefix(".old-") || $0.hasPrefix(".replacing-")
        }.sorted()
    }

    func testStatusNamesTheStalePeriodAndCloseRefusesIt() throws {
        let root = tempDir()
        XCTAssertEqual(try payroll(["run", "--out", root]).status, 0)
        XCTAssertEqual(try payroll(["run", "--out", root, "--period", "2026-02", "--input", "fixtures/demo-2026-02"]).status, 0)
        // January again, with one base salary changed: exit 0, and a warning naming February.
        let raised = tempDir() + "/jan"
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("demo").path, toPath: raised)
        let text = try String(decoding: CSVDecode.utf8(gb18030: Data(contentsOf: URL(fileURLWithPath: raised + "/employees.csv"))), as: UTF8.self)
        try text.replacingOccurrences(of: ",6000.00,4000.00,300.00,", with: ",6500.00,4000.00,300.00,")
            .write(toFile: raised + "/employees.csv", atomically: true, encoding: .utf8)
        let rerun = try payroll(["run", "--out", root, "--input", raised])
        XCTAssertEqual(rerun.status, 0, rerun.err)
        XCTAssertTrue(rerun.err.contains("warning: 2026-02"), rerun.err)
        let status = try payroll(["status", "--out", root])
        XCTAssertEqual(status.status, 0)
        XCTAssertTrue(status.out.contains("2026-02  stale"), status.out)
        XCTAssertTrue(status.out.contains("2026-01 was re-run since"), status.out)
        XCTAssertEqual(try payroll(["close", "2026-01", "--out", root]).status, 0)
        let refused = try payroll(["close", "2026-02", "--out", root])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.err.contains("stale") && refused.err.contains("2026-01 was re-run"), refused.err)
    }

    func testExitCodesOfTheLifecycleCommands() throws {
        let root = tempDir()
        // --only "" is a usage error, not an empty "finished" run.
        XCTAssertEqual(try payroll(["run", "--out", root, "--only", ""]).status, 64)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), [])
        XCTAssertEqual(try payroll(["run", "--out", root, "--only", "payslips"]).status, 0)
        let partial = try payroll(["close", "2026-01", "--out", root])
        XCTAssertEqual(partial.status, 64)
        XCTAssertTrue(partial.err.contains("partial run"), partial.err)
        XCTAssertEqual(try payroll(["run", "--out", root]).status, 0)
        let key = tempDir() + "/auditor"
        XCTAssertEqual(try payroll(["keygen", "--out", key]).status, 0)
        XCTAssertEqual(try payroll(["keygen", "--out", key]).status, 64)  // never overwritten
        let closed = try payroll(["close", "2026-01", "--out", root, "--sign", key + ".key"])
        XCTAssertEqual(closed.status, 0, closed.err)
        let head = try XCTUnwrap(closed.out.split(separator: "\n").first { $0.hasPrefix("chain head:") }?.split(separator: " ").last.map(String.init))
        let v = try payroll(["verify", root + "/closed/2026-01", "--key", key + ".pub", "--head", head])
        XCTAssertEqual(v.status, 0, v.out)
        XCTAssertTrue(v.out.contains("chain head: 2026-01 close.json SHA-256 \(head)"), v.out)
        XCTAssertEqual(try payroll(["verify", root + "/closed/2026-01", "--head", String(repeating: "0", count: 64), "--no-rerun"]).status, 1)
        XCTAssertEqual(try payroll(["verify", root + "/2026-01"]).status, 64)  // not an archive
        XCTAssertEqual(try payroll(["status", "--out", root + "/nothing-here"]).status, 64)
        // A damaged archive: exit 1 with the file named, never 70.
        let tpl = root + "/closed/2026-01/pipeline/banks/icbc-batch.yaml"
        try FileManager.default.removeItem(atPath: tpl)
        let damaged = try payroll(["verify", root + "/closed/2026-01", "--key", key + ".pub"])
        XCTAssertEqual(damaged.status, 1, damaged.err)
        XCTAssertTrue(damaged.out.contains("[missing-file] pipeline/banks/icbc-batch.yaml"), damaged.out)
    }

    /// Two commands on one root: the second one gets exit 75 at once and touches nothing.
    func testASecondCommandOnABusyRootIsRefusedAtOnce() throws {
        let root = tempDir()
        XCTAssertEqual(try payroll(["run", "--out", root]).status, 0)
        let before = try hashes(root + "/2026-01")
        let first = try start(["run", "--out", root], env: ["PAYROLL_TEST_PAUSE_AT": "register-written:8"])
        // Wait until the first run holds the lock (its temporary folder exists).
        var waited = 0.0
        while try hidden(root).isEmpty && waited < 30 {
            Thread.sleep(forTimeInterval: 0.05)
            waited += 0.05
        }
        let listing = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        let t0 = Date()
        for args in [
            ["run", "--out", root], ["validate", "--out", root], ["close", "2026-01", "--out", root],
            ["reopen", "2026-01", "--reason", "x", "--out", root],
        ] {
            let second = try payroll(args)
            XCTAssertEqual(second.status, 75, "\(args): \(second.err)")
            XCTAssertTrue(second.err.contains("another payroll command is working on"), second.err)
            XCTAssertTrue(second.err.contains("payroll run 2026-01"), second.err)
        }
        // Had they waited for the lock, the first run (paused for 8 s while holding it) would have finished by now.
        XCTAssertTrue(first.process.isRunning, "the refusals waited for the lock (\(Date().timeIntervalSince(t0)) s)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root).sorted(), listing)
        XCTAssertEqual(try hashes(root + "/2026-01"), before)
        let done = first.wait()
        XCTAssertEqual(done.status, 0, done.err)
        // The first run replaced the finished run and kept it.
        XCTAssertEqual(try hashes(root + "/.replaced/2026-01-1"), before)
        XCTAssertEqual(try hidden(root), [])
    }

    /// Two runs started together: exactly one of them runs at a time; each either finishes or is refused with 75.
    func testTwoConcurrentRuns() throws {
        for _ in 0..<3 {
            let root = tempDir()
            let a = try start(["run", "--out", root])
            let b = try start(["run", "--out", root])
            let ra = a.wait()
            let rb = b.wait()
            XCTAssertTrue([ra.status, rb.status].allSatisfy { $0 == 0 || $0 == 75 }, "\(ra.status) \(rb.status) \(ra.err) \(rb.err)")
            XCTAssertTrue(ra.status == 0 || rb.status == 0)
            XCTAssertTrue(RunRecord.isFinished(root + "/2026-01"))
            XCTAssertEqual(try hidden(root), [])
        }
    }

    /// A run killed at each step of writing: the finished run stays (or is restored), nothing looks finished
    /// that is not, the next command removes the debris and says so, and the re-run is byte-identical.
    func testARunKilledAtEachStep() throws {
        let pristine = tempDir()
        XCTAssertEqual(try payroll(["run", "--out", pristine]).status, 0)
        let reference = try hashes(pristine + "/2026-01")
        let steps = [
            "folder-created", "validation-written", "register-written", "reports-written", "bank-written",
            "payslips-written", "manifest-written", "before-move-aside", "after-move-aside", "committed",
        ]
        for step in steps {
            let root = tempDir()
            try FileManager.default.copyItem(atPath: pristine + "/2026-01", toPath: root + "/2026-01")
            let killed = try payroll(["run", "--out", root], env: ["PAYROLL_TEST_STOP_AT": step])
            XCTAssertTrue(killed.signalled && killed.status == 9, "\(step): \(killed.status)")
            // Whatever is in place is a complete run: the old one, or (killed after the commit) the new one.
            if step != "after-move-aside" {
                var h = try hashes(root + "/2026-01")
                if step == "committed" {
                    XCTAssertNotNil(try RunRecord.read(folder: root + "/2026-01")?.replaces)
                    h["manifest.json"] = reference["manifest.json"]
                }
                XCTAssertEqual(h, reference, step)
            } else {
                XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/2026-01"))
                XCTAssertEqual(try hidden(root).filter { $0.hasPrefix(".replacing-") }.count, 1)
            }
            if step != "committed" { XCTAssertFalse(try hidden(root).isEmpty, "\(step): no debris to clean?") }
            // The next command on the root tidies up and says so.
            let status = try payroll(["status", "--out", root])
            XCTAssertEqual(status.status, 0)
            if step != "committed" { XCTAssertTrue(status.out.contains("note: "), "\(step): \(status.out)") }
            XCTAssertEqual(try hidden(root), [], step)
            var h = try hashes(root + "/2026-01")
            h["manifest.json"] = reference["manifest.json"]
            XCTAssertEqual(h, reference, "\(step): after tidying")
            // A re-run is byte-identical apart from the manifest naming the run it replaced.
            XCTAssertEqual(try payroll(["run", "--out", root]).status, 0)
            var again = try hashes(root + "/2026-01")
            XCTAssertEqual(
                try Archive.manifestDigest(root + "/2026-01/manifest.json"), try Archive.manifestDigest(pristine + "/2026-01/manifest.json"))
            again["manifest.json"] = reference["manifest.json"]
            XCTAssertEqual(again, reference, step)
        }
        // The first run of a period killed before its rename leaves no period folder, and nothing finished.
        let empty = tempDir()
        let first = try payroll(["run", "--out", empty], env: ["PAYROLL_TEST_STOP_AT": "before-rename"])
        XCTAssertTrue(first.signalled)
        XCTAssertFalse(FileManager.default.fileExists(atPath: empty + "/2026-01"))
        XCTAssertEqual(try payroll(["run", "--out", empty]).status, 0)
        XCTAssertEqual(try hidden(empty), [])
        // A close killed while copying leaves no archive; the next close cleans up and closes.
        for step in ["close-copied", "close-before-rename"] {
            let root = tempDir()
            try FileManager.default.copyItem(atPath: pristine + "/2026-01", toPath: root + "/2026-01")
            XCTAssertTrue(try payroll(["close", "2026-01", "--out", root], env: ["PAYROLL_TEST_STOP_AT": step]).signalled)
            XCTAssertFalse(Archive.isClosed(root: root, period: Period("2026-01")!))
            let closed = try payroll(["close", "2026-01", "--out", root])
            XCTAssertEqual(closed.status, 0, closed.err)
            XCTAssertTrue(closed.err.contains("removed closed/.tmp-2026-01-"), closed.err)
            XCTAssertEqual(try payroll(["verify", root + "/closed/2026-01", "--no-rerun"]).status, 0)
            // A reopening killed after noting its reason: the period is still closed, the note is removed (and said).
            let r = try payroll(["reopen", "2026-01", "--reason", "fix", "--out", root], env: ["PAYROLL_TEST_STOP_AT": "reopen-noted"])
            XCTAssertTrue(r.signalled)
            XCTAssertTrue(Archive.isClosed(root: root, period: Period("2026-01")!))
            XCTAssertEqual(try payroll(["verify", root + "/closed/2026-01", "--no-rerun"]).status, 1, "the stray note is a finding until tidied")
            let tidy = try payroll(["status", "--out", root])
            XCTAssertTrue(tidy.out.contains("removed closed/2026-01/reopen.json"), tidy.out)
            XCTAssertEqual(try payroll(["verify", root + "/closed/2026-01", "--no-rerun"]).status, 0)
            XCTAssertEqual(try payroll(["reopen", "2026-01", "--reason", "fix", "--out", root]).status, 0)
            XCTAssertFalse(Archive.isClosed(root: root, period: Period("2026-01")!))
        }
    }

    /// kill -9 at moments of a seeded random sequence, payslips included: never a finished-looking half run.
    func testRunsKilledAtRandomMoments() throws {
        let pristine = tempDir()
        let t0 = Date()
        XCTAssertEqual(try payroll(["run", "--out", pristine]).status, 0)
        let runMillis = UInt64(max(100, Date().timeIntervalSince(t0) * 1000))  // kills land within a run's length
        let reference = try hashes(pristine + "/2026-01")
        var killedMidway = 0
        var rng = SplitMix(seed: 20_261_202)
        let root = tempDir()
        try FileManager.default.copyItem(atPath: pristine + "/2026-01", toPath: root + "/2026-01")
        for _ in 0..<8 {
            let p = try start(["run", "--out", root])
            Thread.sleep(forTimeInterval: Double(rng.next() % runMillis) / 1000)
            kill(p.process.processIdentifier, SIGKILL)
            if p.wait().signalled { killedMidway += 1 }
            // At every moment: the period folder, if present, is a complete run.
            if FileManager.default.fileExists(atPath: root + "/2026-01") {
                var h = try hashes(root + "/2026-01")
                h["manifest.json"] = reference["manifest.json"]
                XCTAssertEqual(h, reference)
            }
        }
        XCTAssertGreaterThan(killedMidway, 0, "no run was killed before it ended")
        XCTAssertEqual(try payroll(["status", "--out", root]).status, 0)
        XCTAssertEqual(try hidden(root), [])
        var h = try hashes(root + "/2026-01")
        h["manifest.json"] = reference["manifest.json"]
        XCTAssertEqual(h, reference)
    }
}
