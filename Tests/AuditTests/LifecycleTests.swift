import Crypto
import Foundation
import PayrollCore
import RunRecords
import Stages
import TestSupport
import XCTest

@testable import Audit
@testable import Outputs
@testable import Pipeline

/// The life of a period around the calculations (issue 11): a failed re-run
/// never removes a finished run, stale and partial runs do not close, periods
/// close in order, one command per root, killed runs leave nothing that lasts,
/// and every kind of tampering with an archive is a finding naming its file.
final class LifecycleTests: XCTestCase {
    let jan = Period("2026-01")!, feb = Period("2026-02")!

    /// SHA-256 of every file under a folder, by relative path.
    func hashes(_ folder: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for f in Archive.files(under: folder) { out[f] = try FileHash.sha256(path: folder + "/" + f).hex }
        return out
    }

    func janAndFeb() throws -> String {
        let root = tempDir()
        XCTAssertTrue(try runPeriod("2026-01", input: "demo", root: root).finished)
        XCTAssertTrue(try runPeriod("2026-02", input: "demo-2026-02", root: root).finished)
        return root
    }

    /// The demo's January inputs with D002's base salary raised from 6000.00 to 6500.00 (employees.csv rewritten as UTF-8).
    func januaryWithARaise() throws -> String {
        let dir = copyOf("demo")
        let p = dir + "/employees.csv"
        let text = try String(decoding: CSVDecode.utf8(gb18030: Data(contentsOf: URL(fileURLWithPath: p))), as: UTF8.self)
        var changed = 0
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("D002,") else { return String(line) }
            var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(f[11], "6000.00")
            f[11] = "6500.00"
            changed += 1
            return f.joined(separator: ",")
        }
        XCTAssertEqual(changed, 1)
        try lines.joined(separator: "\r\n").write(toFile: p, atomically: true, encoding: .utf8)
        return dir
    }

    func settings(_ period: String, input: String, root: String, only: Set<OutputKind>? = nil) -> RunSettings {
        RunSettings(
            definition: definition, period: Period(period)!,
            inputDirectory: input.hasPrefix("/") ? input : fixtures.appendingPathComponent(input).path,
            outputRoot: root, threads: 0, only: only)
    }

    // MARK: case 1

    func testARunThatStopsOnErrorsLeavesTheFinishedRunUntouched() throws {
        let root = try janAndFeb()
        let before = try hashes(root + "/2026-02")
        XCTAssertTrue(before.keys.contains("manifest.json") && before.keys.contains("ytd_ledger.csv") && before.keys.contains("payslips/D001.pdf"))
        // January's inputs under --period 2026-02: every date is outside the period (R009), exit 1.
        let wrongMonth = try PeriodRunner.execute(settings("2026-02", input: "demo", root: root))
        XCTAssertTrue(wrongMonth.batch.hasErrors)
        XCTAssertFalse(wrongMonth.finished)
        XCTAssertEqual(wrongMonth.folder, root + "/2026-02.validation")
        XCTAssertEqual(wrongMonth.keptFinishedRun, root + "/2026-02")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/2026-02.validation/validation.csv"))
        XCTAssertEqual(try hashes(root + "/2026-02"), before)
        // A missing scores.csv (F001): the same.
        let noScores = copyOf("demo-2026-02")
        try FileManager.default.removeItem(atPath: noScores + "/scores.csv")
        let missing = try PeriodRunner.execute(settings("2026-02", input: noScores, root: root))
        XCTAssertTrue(missing.batch.diagnostics.contains { $0.code == "F001" && $0.file == "scores.csv" })
        XCTAssertEqual(try hashes(root + "/2026-02"), before)
        XCTAssertEqual(RootStatus.read(root: root).first { $0.period == feb }?.state, .finished)
    }

    func testARunThatFinishesKeepsTheRunItReplacesAndNamesIt() throws {
        let root = try janAndFeb()
        let old = try XCTUnwrap(try RunRecord.read(folder: root + "/2026-02"))
        let again = try runPeriod("2026-02", input: "demo-2026-02", root: root)
        XCTAssertEqual(again.replacedKeptAt, ".replaced/2026-02-1")
        let new = try XCTUnwrap(try RunRecord.read(folder: root + "/2026-02"))
        XCTAssertEqual(new.replaces?.manifestSHA256, old.manifestSHA256)
        XCTAssertEqual(new.replaces?.keptAt, ".replaced/2026-02-1")
        XCTAssertEqual(try RunRecord.read(folder: root + "/.replaced/2026-02-1")?.manifestSHA256, old.manifestSHA256)
        // Apart from the manifest (which now names what it replaced), the re-run is byte-identical.
        var a = try hashes(root + "/2026-02")
        var b = try hashes(root + "/.replaced/2026-02-1")
        a["manifest.json"] = nil
        b["manifest.json"] = nil
        XCTAssertEqual(a, b)
        XCTAssertEqual(
            try Archive.manifestDigest(root + "/2026-02/manifest.json"), try Archive.manifestDigest(root + "/.replaced/2026-02-1/manifest.json"))
    }

    // MARK: case 2

    func testReRunningJanuaryMakesFebruaryStaleAndCloseRefusesIt() throws {
        let root = try janAndFeb()
        let janLedgerBefore = try FileHash.sha256(path: root + "/2026-01/ytd_ledger.csv").hex
        XCTAssertTrue(RootStatus.staleAfter(root: root, period: jan).isEmpty)
        let rerun = try PeriodRunner.execute(settings("2026-01", input: try januaryWithARaise(), root: root))
        XCTAssertTrue(rerun.finished)
        XCTAssertEqual(rerun.replacedKeptAt, ".replaced/2026-01-1")
        let stale = RootStatus.staleAfter(root: root, period: jan)
        XCTAssertEqual(stale.map(\.period), [feb])
        let why = try XCTUnwrap(stale.first?.staleReason)
        XCTAssertTrue(why.contains("2026-01 was re-run since"), why)
        XCTAssertTrue(why.contains(".replaced/2026-01-1"), why)
        XCTAssertTrue(why.contains(String(janLedgerBefore.prefix(12))), why)
        // February's manifest records the ledger it read: the old January's.
        XCTAssertEqual(try RunRecord.read(folder: root + "/2026-02")?.previousLedger?.sha256, janLedgerBefore)
        try Archive.close(period: jan, root: root, replay: PipelineReplay())
        XCTAssertThrowsError(try Archive.close(period: feb, root: root, replay: PipelineReplay())) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("stale") && m.contains("2026-01 was re-run"), m)
        }
        XCTAssertFalse(Archive.isClosed(root: root, period: feb))
        // Re-running February from the new January clears it.
        XCTAssertTrue(try runPeriod("2026-02", input: "demo-2026-02", root: root).finished)
        XCTAssertEqual(RootStatus.read(root: root).first { $0.period == feb }?.state, .finished)
        try Archive.close(period: feb, root: root, replay: PipelineReplay())
        XCTAssertTrue(try Archive.verify(archive: root + "/closed/2026-02", replay: PipelineReplay()).reproduced)
    }

    func testARunReadingAStaleLedgerIsStaleToo() throws {
        let root = try janAndFeb()
        XCTAssertTrue(try runPeriod("2026-03", input: "demo-2026-03", root: root).finished)
        _ = try PeriodRunner.execute(settings("2026-01", input: try januaryWithARaise(), root: root))
        let s = RootStatus.read(root: root)
        XCTAssertEqual(s.map(\.state), [.finished, .stale, .stale])
        XCTAssertTrue(s[2].staleReason?.contains("which is stale itself") == true, s[2].staleReason ?? "")
    }

    func testALedgerEditedAfterItsRunIsNotCarriedForward() throws {
        let root = try janAndFeb()
        let feb = try hashes(root + "/2026-02")
        let ledger = root + "/2026-01/ytd_ledger.csv"
        try edit(ledger) { text in
            // D001's year-to-date income, one yuan more.
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let i = lines.firstIndex { $0.hasPrefix("D001,") }!
            var c = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            c[3] = (Money.parse(c[3])! + Money(yuan: 1)).description
            lines[i] = c.joined(separator: ",")
            return lines.joined(separator: "\n")
        }
        let o = try runPeriod("2026-02", input: "demo-2026-02", root: root)
        XCTAssertFalse(o.finished)
        XCTAssertEqual(o.batch.diagnostics.filter { $0.code == "Y004" }.count, 1, "\(o.batch.diagnostics.map(\.messageEN))")
        XCTAssertEqual(try hashes(root + "/2026-02"), feb, "the finished February is untouched")
        let s = RootStatus.read(root: root).first { $0.period == self.feb }
        XCTAssertEqual(s?.state, .stale)
        XCTAssertTrue(s?.staleReason?.contains("edited by hand") ?? false, s?.staleReason ?? "")
    }

    // MARK: case 3

    func testPeriodsCloseInOrderAndReopenLatestFirst() throws {
        let root = try janAndFeb()
        XCTAssertThrowsError(try Archive.close(period: feb, root: root, replay: PipelineReplay())) { e in
            XCTAssertTrue("\(e)".contains("close 2026-01 first"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/closed/2026-02"))
        try Archive.close(period: jan, root: root, replay: PipelineReplay())
        try Archive.close(period: feb, root: root, replay: PipelineReplay())
        XCTAssertThrowsError(try Archive.reopen(period: jan, root: root, reason: "fix D002")) { e in
            XCTAssertTrue("\(e)".contains("reopen 2026-02 first"), "\(e)")
        }
        XCTAssertTrue(Archive.isClosed(root: root, period: jan))
        try Archive.reopen(period: feb, root: root, reason: "fix D031")
        try Archive.reopen(period: jan, root: root, reason: "fix D002")
        let s = RootStatus.read(root: root)
        XCTAssertEqual(s.map { $0.reopenings.map(\.reason) }, [["fix D002"], ["fix D031"]])
        // Closing again: January first, and the chain is whole.
        XCTAssertThrowsError(try Archive.close(period: feb, root: root, replay: PipelineReplay()))
        try Archive.close(period: jan, root: root, replay: PipelineReplay())
        try Archive.close(period: feb, root: root, replay: PipelineReplay())
        XCTAssertTrue(try Archive.verify(archive: root + "/closed/2026-02", rerun: false, replay: PipelineReplay()).reproduced)
    }

    func testAPeriodWithoutAnEarlierRunClosesAlone() throws {
        // A company starting in February (--first-period): there is no January to close first.
        let root = tempDir()
        XCTAssertTrue(try runPeriod("2026-02", input: "demo-2026-02", root: root, firstPeriod: true).finished)
        XCTAssertNoThrow(try Archive.close(period: feb, root: root, replay: PipelineReplay()))
    }

    // MARK: case 4

    func testPartialRunsDoNotClose() throws {
        let root = tempDir()
        let o = try PeriodRunner.execute(settings("2026-01", input: "demo", root: root, only: [.payslips]))
        XCTAssertTrue(o.finished)
        let s = try XCTUnwrap(RootStatus.read(root: root).first)
        XCTAssertEqual(s.state, .partial)
        XCTAssertEqual(s.missingKinds, ["bank", "performance", "register", "reports", "validation"])
        XCTAssertThrowsError(try Archive.close(period: jan, root: root, replay: PipelineReplay())) { e in
            XCTAssertTrue("\(e)".contains("partial run"), "\(e)")
        }
        // No output kinds at all is partial too.
        let none = try PeriodRunner.execute(settings("2026-01", input: "demo", root: root, only: []))
        XCTAssertTrue(none.finished)
        XCTAssertEqual(RootStatus.read(root: root).first?.missingKinds.count, 6)
        XCTAssertThrowsError(try Archive.close(period: jan, root: root, replay: PipelineReplay()))
        // In full it closes.
        XCTAssertTrue(try runPeriod("2026-01", input: "demo", root: root).finished)
        XCTAssertNoThrow(try Archive.close(period: jan, root: root, replay: PipelineReplay()))
    }

    // MARK: case 5 (in process; the command-line test is in CommandLineLifecycleTests)

    func testOneLockPerRoot() throws {
        let root = tempDir()
        let first = try RootLock.acquire(root: root, command: "run 2026-01")
        XCTAssertThrowsError(try RootLock.acquire(root: root, command: "close 2026-01")) { e in
            let busy = e as? RootBusy
            XCTAssertNotNil(busy)
            XCTAssertTrue(busy?.holder.contains("run 2026-01") == true, busy?.holder ?? "")
        }
        withExtendedLifetime(first) {}
        _ = consume first
        XCTAssertNoThrow(try RootLock.acquire(root: root, command: "close 2026-01"))
    }

    // MARK: case 6: debris of runs whose process is gone

    func testDebrisOfDeadRunsIsRemovedAndAnInterruptedReplacementRestored() throws {
        let root = try janAndFeb()
        let fm = FileManager.default
        let before = try hashes(root + "/2026-02")
        // What a run killed between its two renames leaves: the finished run moved aside, the journal, the new run's temporary folder.
        let dead: Int32 = 999_999  // above Linux's pid_max: no such process
        try fm.createDirectory(atPath: root + "/.replaced", withIntermediateDirectories: true)
        try fm.moveItem(atPath: root + "/2026-02", toPath: root + "/.replaced/2026-02-1")
        try #"{"kept_at":".replaced/2026-02-1","name":"2026-02","pid":"999999"}"#.write(
            toFile: root + "/.replacing-2026-02.json", atomically: true, encoding: .utf8)
        try fm.createDirectory(atPath: root + "/.tmp-2026-02-\(dead)/payslips", withIntermediateDirectories: true)
        try Data(repeating: 7, count: 1000).write(to: URL(fileURLWithPath: root + "/.tmp-2026-02-\(dead)/payslips/D001.pdf"))
        try fm.createDirectory(atPath: root + "/closed/.tmp-2026-01-\(dead)", withIntermediateDirectories: true)
        XCTAssertNil(RootStatus.read(root: root).first { $0.period == feb }?.record)
        let lock = try RootLock.acquire(root: root, command: "run 2026-03")
        let said = lock.cleanDebris()
        XCTAssertEqual(said.count, 3, "\(said)")
        XCTAssertTrue(said[0].contains("restored the finished run 2026-02"), said[0])
        XCTAssertTrue(said.contains { $0.contains("removed .tmp-2026-02-\(dead)") })
        XCTAssertTrue(said.contains { $0.contains("removed closed/.tmp-2026-01-\(dead)") })
        XCTAssertEqual(try hashes(root + "/2026-02"), before)
        let left = try fm.contentsOfDirectory(atPath: root).filter { $0.hasPrefix(".tmp-") || $0.hasPrefix(".replacing-") }
        XCTAssertEqual(left, [])
        XCTAssertTrue(lock.cleanDebris().isEmpty)
        // A temporary folder of a live payroll process (this one) is left alone.
        let mine = root + "/.tmp-2026-03-\(getpid())"
        try fm.createDirectory(atPath: mine, withIntermediateDirectories: true)
        XCTAssertTrue(lock.cleanDebris().isEmpty)
        XCTAssertTrue(fm.fileExists(atPath: mine))
    }

    // MARK: case 7: audit gaps

    func closedJanFeb(signedWith key: Curve25519.Signing.PrivateKey? = nil) throws -> String {
        let root = try janAndFeb()
        try Archive.close(period: jan, root: root, signingKey: key, replay: PipelineReplay())
        try Archive.close(period: feb, root: root, signingKey: key, replay: PipelineReplay())
        try makeWritable(root + "/closed")
        return root
    }

    func makeWritable(_ dir: String) throws {
        for f in Archive.files(under: dir) { try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir + "/" + f) }
    }

    func edit(_ path: String, _ change: (String) -> String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let new = change(text)
        XCTAssertNotEqual(new, text, "the edit changed nothing in \(path)")
        try new.write(toFile: path, atomically: false, encoding: .utf8)
    }

    func testEditingClosedAtIsFoundInEveryClosedPeriodTheLatestIncluded() throws {
        for p in ["2026-01", "2026-02"] {
            let root = try closedJanFeb()
            try edit(root + "/closed/\(p)/close.json") { $0.replacingOccurrences(of: "\"closed_at\" : \"20", with: "\"closed_at\" : \"19") }
            let v = try Archive.verify(archive: root + "/closed/\(p)", rerun: false, replay: PipelineReplay())
            XCTAssertTrue(
                v.findings.contains { $0.kind == "close-record" && $0.file == "close.json" && $0.detail.contains("`closed_at`") },
                "\(p): \(v.findings.map(\.detail))")
            if p == "2026-01" {
                // Verifying the later period finds it too, on the chain.
                let later = try Archive.verify(archive: root + "/closed/2026-02", rerun: false, replay: PipelineReplay())
                XCTAssertTrue(later.findings.contains { $0.file == "2026-01/close.json" && $0.kind == "chain" }, "\(later.findings.map(\.detail))")
                XCTAssertTrue(later.findings.contains { $0.file == "2026-01/close.json" && $0.detail.contains("`closed_at`") })
            }
        }
    }

    func testCloseReportsTheHeadAndVerifyFindsIt() throws {
        let root = try janAndFeb()
        let a = try Archive.close(period: jan, root: root, replay: PipelineReplay())
        let b = try Archive.close(period: feb, root: root, replay: PipelineReplay())
        XCTAssertEqual(b.closeSHA256, try FileHash.sha256(path: root + "/closed/2026-02/close.json").hex)
        XCTAssertEqual(RootStatus.chainHead(root: root)?.sha256, b.closeSHA256)
        let v = try Archive.verify(archive: a.path, rerun: false, replay: PipelineReplay())
        XCTAssertEqual(v.closeSHA256, a.closeSHA256)
        XCTAssertEqual(v.head?.period, "2026-02")
        XCTAssertEqual(v.head?.sha256, b.closeSHA256)
    }

    func testADamagedArchiveIsAFindingNotAnError() throws {
        let root = try closedJanFeb()
        let a = root + "/closed/2026-02"
        try FileManager.default.removeItem(atPath: a + "/pipeline/banks/icbc-batch.yaml")
        try "unknown: 1\n".write(toFile: a + "/pipeline/rules/cn/extra.yaml", atomically: true, encoding: .utf8)
        let v = try Archive.verify(archive: a, replay: PipelineReplay())
        XCTAssertFalse(v.reproduced)
        XCTAssertTrue(v.findings.contains { $0.kind == "missing-file" && $0.file == "pipeline/banks/icbc-batch.yaml" }, "\(v.findings)")
        XCTAssertTrue(v.findings.contains { $0.kind == "extra-file" && $0.file == "pipeline/rules/cn/extra.yaml" }, "\(v.findings)")
        XCTAssertTrue(v.findings.contains { $0.kind == "rerun" }, "\(v.findings)")
        // An unreadable close.json is a finding too.
        try "{ not json".write(toFile: root + "/closed/2026-01/close.json", atomically: true, encoding: .utf8)
        let w = try Archive.verify(archive: root + "/closed/2026-01", replay: PipelineReplay())
        XCTAssertEqual(w.findings.map(\.kind), ["close-record"])
        // An archive without its close record is a finding too.
        try FileManager.default.removeItem(atPath: root + "/closed/2026-01/close.json")
        XCTAssertEqual(try Archive.verify(archive: root + "/closed/2026-01", replay: PipelineReplay()).findings.map(\.file), ["close.json"])
        // A folder that is no archive at all is a usage error.
        XCTAssertThrowsError(try Archive.verify(archive: root + "/2026-01", replay: PipelineReplay()))
    }

    /// Re-hashes one file in close.json and re-seals its record hashes: what a careful forger would do.
    func forge(_ archive: String, file: String) throws {
        var record = try Archive.json(archive + "/close.json")
        var files = record["files"] as! [[String: Any]]
        let i = try XCTUnwrap(files.firstIndex { $0["path"] as? String == file })
        files[i]["sha256"] = try FileHash.sha256(path: archive + "/" + file).hex
        record["files"] = files
        record.removeValue(forKey: "record_sha256")
        record.removeValue(forKey: "fields_sha256")
        try Archive.seal(&record)
        try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            .write(to: URL(fileURLWithPath: archive + "/close.json"))
    }

    func testAnInputEditedWithItsHashUpdatedIsNamed() throws {
        let root = try closedJanFeb()
        let a = root + "/closed/2026-02"
        try edit(a + "/inputs/scores.csv") { $0.replacingOccurrences(of: ",95", with: ",85") }
        try forge(a, file: "inputs/scores.csv")
        let v = try Archive.verify(archive: a, replay: PipelineReplay())
        XCTAssertFalse(v.findings.contains { $0.kind == "changed-file" || $0.kind == "close-record" }, "the forgery is consistent: \(v.findings)")
        XCTAssertTrue(v.findings.contains { $0.kind == "input" && $0.file == "inputs/scores.csv" }, "\(v.findings.map { "\($0.file) \($0.detail)" })")
    }

    func testWithASignatureEveryEditedByteOfEveryClosedPeriodIsFound() throws {
        let key = Curve25519.Signing.PrivateKey()
        let root = try closedJanFeb(signedWith: key)
        let latest = root + "/closed/2026-02"
        let clean = try Archive.verify(archive: latest, key: key.publicKey, rerun: false, replay: PipelineReplay())
        XCTAssertTrue(clean.reproduced, "\(clean.findings)")
        XCTAssertEqual(clean.signaturesChecked, ["this archive", "2026-01"])
        // A different key: every signature is a finding.
        let other = try Archive.verify(archive: latest, key: Curve25519.Signing.PrivateKey().publicKey, rerun: false, replay: PipelineReplay())
        XCTAssertEqual(other.findings.filter { $0.kind == "signature" }.count, 2)
        var tried = 0
        for p in ["2026-01", "2026-02"] {
            let dir = root + "/closed/" + p
            for f in Archive.files(under: dir) {
                let path = dir + "/" + f
                let original = try Data(contentsOf: URL(fileURLWithPath: path))
                XCTAssertFalse(original.isEmpty, f)
                var damaged = original
                damaged[damaged.count / 2] ^= 0x01  // one bit of one byte
                try damaged.write(to: URL(fileURLWithPath: path))
                let v = try Archive.verify(archive: latest, key: key.publicKey, rerun: false, replay: PipelineReplay())
                let prefix = p == "2026-02" ? "" : "2026-01/"
                // A damaged signature is reported against what it signs.
                let names = f == CloseSignature.fileName ? [prefix + "close.json", prefix + f] : [prefix + f]
                XCTAssertTrue(v.findings.contains { names.contains($0.file) }, "\(p)/\(f): \(v.findings.map { "\($0.file): \($0.detail)" })")
                try original.write(to: URL(fileURLWithPath: path))
                tried += 1
            }
        }
        XCTAssertGreaterThan(tried, 100)
        XCTAssertTrue(try Archive.verify(archive: latest, key: key.publicKey, rerun: false, replay: PipelineReplay()).reproduced)
        // A consistent forgery of the latest period (file edited, close.json re-hashed and re-sealed) fails its signature.
        try edit(latest + "/inputs/scores.csv") { $0.replacingOccurrences(of: ",95", with: ",85") }
        try forge(latest, file: "inputs/scores.csv")
        let forged = try Archive.verify(archive: latest, key: key.publicKey, rerun: false, replay: PipelineReplay())
        XCTAssertTrue(forged.findings.contains { $0.kind == "signature" && $0.file == "close.json" }, "\(forged.findings)")
    }

    func testKeygenWritesAPrivateKeyOnlyTheOwnerReadsAndNeverOverwrites() throws {
        let name = tempDir() + "/office"
        let k = try Keys.generate(name: name)
        let mode = try FileManager.default.attributesOfItem(atPath: k.privatePath)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertThrowsError(try Keys.generate(name: name))
        let priv = try Keys.signingKey(path: k.privatePath)
        let pub = try Keys.verifyingKey(path: k.publicPath)
        XCTAssertEqual(priv.publicKey.rawRepresentation, pub.rawRepresentation)
        XCTAssertEqual(Keys.fingerprint(pub.rawRepresentation), k.fingerprint)
        XCTAssertThrowsError(try Keys.signingKey(path: k.publicPath))
    }
}
