import Foundation
import Outputs
import PayrollCore
import PayrollRules
import RunRecords
import Stages
import TestSupport
import XCTest

@testable import Audit
@testable import Pipeline

final class AuditTests: XCTestCase {
    func hashes(_ folder: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for f in FileManager.default.enumerator(atPath: folder)!.compactMap({ $0 as? String }) {
            var d: ObjCBool = false
            let p = folder + "/" + f
            if FileManager.default.fileExists(atPath: p, isDirectory: &d), !d.boolValue { out[f] = try FileHash.sha256(path: p).hex }
        }
        return out
    }

    func testTwoRunsAreByteIdenticalWhateverTheThreads() throws {
        let a = try runPeriod("2026-01", input: "demo", root: tempDir(), threads: 1)
        let b = try runPeriod("2026-01", input: "demo", root: tempDir(), threads: 2)
        let ha = try hashes(a.folder)
        let hb = try hashes(b.folder)
        XCTAssertGreaterThan(ha.count, 50)  // reports, bank files, 44 payslips, manifest …
        XCTAssertTrue(ha.keys.contains("payslips/D001.pdf") && ha.keys.contains("summary.xlsx") && ha.keys.contains("manifest.json"))
        XCTAssertEqual(ha, hb)
    }

    func closedRoot() throws -> String {
        let root = tempDir()
        _ = try runPeriod("2026-01", input: "demo", root: root)
        _ = try runPeriod("2026-02", input: "demo-2026-02", root: root)
        try Archive.close(period: Period("2026-01")!, root: root, replay: PipelineReplay())
        try Archive.close(period: Period("2026-02")!, root: root, replay: PipelineReplay())
        return root
    }

    func testVerifyOfAnUntouchedArchiveSaysReproduced() throws {
        let root = try closedRoot()
        for p in ["2026-01", "2026-02"] {
            let v = try Archive.verify(archive: root + "/closed/" + p, replay: PipelineReplay())
            XCTAssertTrue(v.reproduced, "\(p): \(v.findings.map(\.detail))")
        }
        // A closed period cannot be closed again, and closing happens in order.
        XCTAssertThrowsError(try Archive.close(period: Period("2026-02")!, root: root, replay: PipelineReplay()))
        XCTAssertTrue(Archive.isClosed(root: root, period: Period("2026-01")!))
    }

    func testAOneByteChangeInAnArchivedInputIsReported() throws {
        let root = try closedRoot()
        let f = root + "/closed/2026-02/inputs/scores.csv"
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: f)
        var data = try Data(contentsOf: URL(fileURLWithPath: f))
        let i = data.lastIndex(of: UInt8(ascii: "9")) ?? data.index(before: data.endIndex)
        data[i] = UInt8(ascii: "8")  // one byte: a rating 9x becomes 8x
        try data.write(to: URL(fileURLWithPath: f))
        let v = try Archive.verify(archive: root + "/closed/2026-02", replay: PipelineReplay())
        XCTAssertFalse(v.reproduced)
        XCTAssertTrue(v.findings.contains { $0.kind == "changed-file" && $0.file == "inputs/scores.csv" }, "\(v.findings.map(\.detail))")
    }

    func testABrokenHashChainIsReported() throws {
        let root = try closedRoot()
        let prev = root + "/closed/2026-01/close.json"
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: prev)
        let text = try String(contentsOfFile: prev, encoding: .utf8).replacingOccurrences(
            of: "\"period\" : \"2026-01\"", with: "\"period\" : \"2026-01\" ")
        try text.write(toFile: prev, atomically: true, encoding: .utf8)
        let v = try Archive.verify(archive: root + "/closed/2026-02", replay: PipelineReplay())
        XCTAssertTrue(v.findings.contains { $0.kind == "chain" }, "\(v.findings.map(\.detail))")
    }

    func testReopenIsRecordedAndAllowsARun() throws {
        let root = try closedRoot()
        let kept = try Archive.reopen(period: Period("2026-02")!, root: root, reason: "correct D031's leave")
        XCTAssertFalse(Archive.isClosed(root: root, period: Period("2026-02")!))
        let note = try String(contentsOfFile: kept + "/reopen.json", encoding: .utf8)
        XCTAssertTrue(note.contains("correct D031's leave"))
    }

    func testExplainAddsUpToTheRegisterRow() throws {
        let root = tempDir()
        _ = try runPeriod("2026-01", input: "demo", root: root)
        let o = try runPeriod("2026-02", input: "demo-2026-02", root: root)
        let reg = Dictionary(uniqueKeysWithValues: try register(o.folder + "/payroll_register.csv").map { ($0["employee_id"]!, $0) })
        for id in ["D001", "D003", "D031"] {
            let r = try Explain.run(period: Period("2026-02")!, employeeID: id, root: root, replay: PipelineReplay())
            XCTAssertEqual(r.matchesRegister, true)
            let row = reg[id]!
            for l in r.trace.lines where l.inGross { XCTAssertEqual(l.amount.description, row[l.code], "\(id) \(l.code)") }
            XCTAssertEqual(r.trace.lines.filter(\.inGross).reduce(Money.zero) { $0 + $1.amount }.description, row["gross"])
            XCTAssertEqual(r.trace.insurance.first { $0.line == "pension" }!.employee.description, row["si_pension"])
            XCTAssertEqual(r.trace.result.tax.description, row["tax"])
            XCTAssertEqual(r.trace.result.net.description, row["net_pay"])
            XCTAssertTrue(r.trace.tax.contains { $0.0.en == "tax this month" && $0.1.en.hasSuffix("= \(row["tax"]!)") })
            XCTAssertTrue(Explain.text(r).contains("pay_days_per_month = 21.75"))
            _ = try JSONSerialization.jsonObject(with: try Explain.json(r))
        }
    }

    func testDiffOfARunAgainstItselfIsEmptyAndABaseSalaryChangeShowsOnlyThatEmployee() throws {
        let a = try runPeriod("2026-01", input: "demo", root: tempDir())
        XCTAssertTrue(try RegisterDiff.compare(a.folder, a.folder).isEmpty)
        // Raise D010's base salary by 500 in a copy of the inputs.
        let dir = copyOf("demo")
        let p = dir + "/employees.csv"
        let gb = try Data(contentsOf: URL(fileURLWithPath: p))
        let tmpUTF8 = tempDir() + "/e.csv"
        // employees.csv is GB18030: rewrite it as UTF-8 with the one change (the reader accepts both).
        let text = try String(decoding: CSVDecode.utf8(gb18030: gb), as: UTF8.self)
        let changed = text.split(separator: "\r\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("D010,") else { return String(line) }
            var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            f[11] = (Money.parse(f[11])! + Money(yuan: 500)).description
            return f.joined(separator: ",")
        }.joined(separator: "\r\n")
        try changed.write(toFile: tmpUTF8, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: p)
        try FileManager.default.moveItem(atPath: tmpUTF8, toPath: p)
        let b = try PeriodRunner.execute(
            RunSettings(
                definition: definition, period: Period("2026-01")!, inputDirectory: dir,
                outputRoot: tempDir(), threads: 0))
        let d = try RegisterDiff.compare(a.folder, b.folder)
        XCTAssertEqual(Set(d.changes.map(\.employee)), ["D010"])
        XCTAssertTrue(d.changes.contains { $0.column == "base" && $0.delta == Money(yuan: 500) })
        XCTAssertTrue(d.changes.contains { $0.column == "gross" })
        XCTAssertTrue(d.changes.contains { $0.column == "net_pay" })
        XCTAssertEqual(d.totals.first { $0.0 == "base" }?.1, Money(yuan: 500))
        // Ranks and scores are not pay lines of D010 that changed.
        XCTAssertFalse(d.changes.contains { $0.column == "final_score" })
    }
}
