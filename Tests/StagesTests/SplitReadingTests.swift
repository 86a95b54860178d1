import CSVReader
import Foundation
import PayrollCore
import PayrollRules
import TestSupport
import XCTest

@testable import Pipeline
@testable import Stages

/// A large file is read in two parts at once; what intake returns must not depend on it. Forcing the split on
/// small files (`splitBytes` 1) and comparing with one reading in order covers every fixture and edge.
final class SplitReadingTests: XCTestCase {
    func intake(_ dir: String, splitBytes: Int, threads: Int = 2) throws -> Batch {
        var o = IntakeOptions(period: Period("2026-01")!, inputDirectory: dir, rulePack: standardPack, scheduler: Executor(threads: threads))
        o.splitBytes = splitBytes
        return try Intake.load(o)
    }

    /// Everything a reading gives that a split could change: the employees (all fields), the lookups, the
    /// diagnostics in full and the files' summaries.
    func assertSame(_ dir: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let inOrder = try intake(dir, splitBytes: .max)
        for threads in [1, 2] {
            let split = try intake(dir, splitBytes: 1, threads: threads)
            XCTAssertEqual(split.employees.count, inOrder.employees.count, what, file: file, line: line)
            XCTAssertEqual(
                split.employees.map { String(describing: $0) }, inOrder.employees.map { String(describing: $0) }, what, file: file, line: line)
            XCTAssertEqual(
                split.diagnostics.map { String(describing: $0) }, inOrder.diagnostics.map { String(describing: $0) }, what, file: file,
                line: line)
            XCTAssertEqual(split.inputs.map { String(describing: $0) }, inOrder.inputs.map { String(describing: $0) }, what, file: file, line: line)
            XCTAssertEqual(
                split.attendance.map { String(describing: $0) }, inOrder.attendance.map { String(describing: $0) }, what, file: file, line: line)
            XCTAssertEqual(split.scores.map { String(describing: $0) }, inOrder.scores.map { String(describing: $0) }, what, file: file, line: line)
        }
    }

    func testEveryFixtureReadsTheSameInParts() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter {
            FileManager.default.fileExists(atPath: fixtures.appendingPathComponent("\($0)/employees.csv").path)
        }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 12)
        for name in names { try assertSame(fixtures.appendingPathComponent(name).path, name) }
    }

    /// employees.csv rewritten: `body` gets its data lines and returns the new file's bytes.
    func withEmployees(_ body: (_ header: String, _ rows: [String]) -> [UInt8]) throws -> String {
        let dir = copyOf("demo")
        let path = dir + "/employees.csv"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let text = String(decoding: try CSVDecode.utf8(gb18030: bytes), as: UTF8.self)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)  // CRLF is one Character
        let header = lines.removeFirst()
        try Data(body(header, lines)).write(to: URL(fileURLWithPath: path))
        return dir
    }

    /// Every employee in the second half: the first half's rows all lack a usable ID, so the merge copies the second
    /// part into an empty list (its memory made present on the other core), as in order.
    func testTheFirstHalfMakesNoEmployee() throws {
        let dir = try withEmployees { header, rows in
            let broken = rows.map { "bad id/" + $0.drop { $0 != "," } }  // an unsafe employee_id: no employee
            return Array(([header] + broken + rows).joined(separator: "\n").utf8) + [0x0A]
        }
        let b = try intake(dir, splitBytes: 1)
        XCTAssertFalse(b.employees.isEmpty)
        try assertSame(dir, "first half without employees")
    }

    /// An ID used in the first half again in the second, twice: both repeats name the first line, as in order.
    func testRepeatsAcrossTheSplit() throws {
        let dir = try withEmployees { header, rows in
            var all = rows
            all.append(rows[1])
            all.append(rows[1])
            all.append(rows[30])
            return encodeGB18030(([header] + all).joined(separator: "\n") + "\n")!
        }
        let b = try intake(dir, splitBytes: 1)
        let repeats = b.diagnostics.filter { $0.code == Code.duplicateEmployee.rawValue }
        XCTAssertEqual(repeats.map(\.line), [46, 47, 48])
        XCTAssertTrue(repeats[0].messageEN.contains("line 3;"), repeats[0].messageEN)
        XCTAssertTrue(repeats[1].messageEN.contains("line 3;"), repeats[1].messageEN)
        XCTAssertTrue(repeats[2].messageEN.contains("line 32;"), repeats[2].messageEN)
        try assertSame(dir, "repeats")
    }

    /// The same file as UTF-8 with a BOM, as UTF-8 without, with CRLF line ends, and with a quoted name holding a line break.
    func testEncodingsAndLineEnds() throws {
        let bom = try withEmployees { h, r in [0xEF, 0xBB, 0xBF] + Array(([h] + r).joined(separator: "\n").utf8) + [0x0A] }
        try assertSame(bom, "BOM")
        let plain = try withEmployees { h, r in Array(([h] + r).joined(separator: "\r\n").utf8) }
        try assertSame(plain, "UTF-8 CRLF")
        let quoted = try withEmployees { h, r in
            var rows = r
            for i in stride(from: 0, to: rows.count, by: 3) {
                var cells = rows[i].components(separatedBy: ",")
                cells[1] = "\"\(cells[1])\n二\""
                rows[i] = cells.joined(separator: ",")
            }
            return Array(([h] + rows).joined(separator: "\n").utf8)
        }
        try assertSame(quoted, "quoted line breaks")
    }

    /// Faults in either half: a malformed quote, and bytes valid in neither encoding, stop the reading where one
    /// reading in order stops, with the same diagnostics.
    func testFaultsInEitherHalf() throws {
        for from in [5, -4] {  // a row near the start, one near the end
            let quote = try withEmployees { h, r in
                let at = from >= 0 ? from : r.count + from
                var rows = r
                rows[at] = rows[at].replacingOccurrences(of: "frontline", with: "front\"line").replacingOccurrences(
                    of: "backoffice", with: "back\"office")
                return encodeGB18030(([h] + rows).joined(separator: "\n") + "\n")!
            }
            try assertSame(quote, "malformed quote at \(from)")
            let bad = try withEmployees { h, r in
                let at = from >= 0 ? from : r.count + from
                var bytes = Array(([h] + r[..<at]).joined(separator: "\n").utf8) + [0x0A]
                bytes += [0x41, 0xFF, 0xFE, 0x2C, 0x0A]
                bytes += Array(r[at...].joined(separator: "\n").utf8) + [0x0A]
                return bytes
            }
            try assertSame(bad, "invalid bytes at \(from)")
        }
    }

    /// A day of one employee given at both ends of attendance.csv (so in both parts of a split reading): only a
    /// reading in order knows which row is the second, so intake reads the file again in order, and says the same.
    func testADayRepeatedAcrossTheSplitOfAttendance() throws {
        let dir = copyOf("demo")
        let path = dir + "/attendance.csv"
        var text = try String(contentsOfFile: path, encoding: .utf8)  // UTF-8 with a BOM
        let rows = text.split(whereSeparator: \.isNewline)
        text += String(rows[1]) + "\n" + String(rows[2]).replacingOccurrences(of: "present", with: "absent") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        // The split is taken and the repeat found when the parts are put together.
        var o = IntakeOptions(period: Period("2026-01")!, inputDirectory: dir, rulePack: standardPack, scheduler: Executor(threads: 2))
        o.splitBytes = 1
        let employees = try intake(dir, splitBytes: .max).employees
        let index = IDIndex(employees.map(\.id))
        let (_, parts, _) = try Intake.scanInParts(
            o, .attendance, progress: nil,
            makeState: { _ in Intake.AttendanceRows(o, employees: employees.count, index: index, checkReferences: true) },
            row: { rows, t, rec in rows.row(t, rec) })
        XCTAssertEqual(parts.count, 2)
        XCTAssertFalse(parts[0].absorb(parts[1]))
        let b = try intake(dir, splitBytes: 1)
        let repeats = b.diagnostics.filter { $0.code == Code.duplicateDay.rawValue }
        XCTAssertEqual(repeats.count, 2)
        XCTAssertEqual(repeats.map(\.line), [rows.count + 1, rows.count + 2])
        try assertSame(dir, "a day in both parts")
        // Without the repeat, the two parts' days add up to one reading's.
        try assertSame(fixtures.appendingPathComponent("demo").path, "demo attendance")
    }

    /// The records each part saw.
    final class Lines {
        var lines: [Int] = []
    }

    /// How many parts a reading of employees.csv took, and the lines each saw.
    func parts(_ dir: String) throws -> [[Int]] {
        var o = IntakeOptions(period: Period("2026-01")!, inputDirectory: dir, rulePack: standardPack, scheduler: Executor(threads: 2))
        o.splitBytes = 1
        let (_, states, _) = try Intake.scanInParts(
            o, .employees, progress: nil, makeState: { _ in Lines() }, row: { s, _, rec in s.lines.append(rec.line) })
        return states.map(\.lines)
    }

    /// The tests above compare like with like only if the split happens: it does for GB18030 without a
    /// signature (the demo's), a BOM and CRLF, and not for a file with a fault, which is read in order.
    func testTheSplitIsTaken() throws {
        let demo = try parts(fixtures.appendingPathComponent("demo").path)
        XCTAssertEqual(demo.count, 2)
        XCTAssertEqual(demo.flatMap { $0 }, Array(2...45))
        XCTAssertGreaterThan(demo[1].count, 10)
        let bom = try withEmployees { h, r in [0xEF, 0xBB, 0xBF] + Array(([h] + r).joined(separator: "\r\n").utf8) }
        XCTAssertEqual(try parts(bom).count, 2)
        let fault = try withEmployees { h, r in Array(([h] + r + ["X1,\"a\"b,1"]).joined(separator: "\n").utf8) }
        XCTAssertEqual(try parts(fault).count, 1)
    }
}

/// Score items and raters are numbered from their bytes; the numbers must be those TextKeys gives the Strings.
final class ByteKeysTests: XCTestCase {
    func testNumbersAreThoseOfTheStrings() throws {
        // NFC and NFD "é", U+212A KELVIN SIGN (canonically "K"), U+037E GREEK QUESTION MARK (canonically ";"),
        // Chinese, repeats, and empty cells (0).
        let texts = ["sales", "Q1", "销售额", "caf\u{E9}", "cafe\u{301}", "K", "\u{212A}", "sales", "", "\u{37E}", ";", "x;", "销售额", "E0001"]
        let path = tempDir() + "/k.csv"
        let csv = texts.map { "\"\($0)\"" }.joined(separator: "\n") + "\n"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        var expected = TextKeys()
        var keys = ByteKeys()
        var got: [Int32] = []
        var want: [Int32] = []
        _ = try CSVFileReader(path: path).read { rec in
            let cell = rec[0]
            got.append(keys.key(cell.count == 0 ? nil : cell))
            want.append(expected.key(cell.string))
        }
        XCTAssertEqual(got.count, texts.count - 1)  // the empty line is blank: no record
        XCTAssertEqual(got, want)
        XCTAssertEqual(got[4], got[3], "NFD é is NFC é")
        XCTAssertEqual(got[6], got[5], "the Kelvin sign is K")
    }
}
