import Audit
import Foundation
import TestSupport
import XCTest

@testable import ExcelImport

/// Damaged legacy workbooks (seeded byte mutations and truncations of the
/// fixture): reading them is an error or a table, never a crash. Before the
/// parts were checked, a few of these crashed inside Foundation's XML parser
/// on invalid UTF-8 (signal 4); scripts/fuzz_workbook.py is the longer run.
final class WorkbookFuzzTests: XCTestCase {
    func testDamagedWorkbooksNeverCrash() throws {
        let original = try Data(contentsOf: fixtures.appendingPathComponent("legacy/payroll_2026-01.xlsx"))
        var rng = SplitMix(seed: 2026)
        var errors = 0
        var read = 0
        let dir = tempDir()
        for n in 0..<150 {
            var b = [UInt8](original)
            if n % 5 == 4 {
                b = Array(b.prefix(Int(rng.next() % UInt64(b.count))))
            } else {
                for _ in 0..<(1 + Int(rng.next() % 20)) { b[Int(rng.next() % UInt64(b.count))] = UInt8(rng.next() & 0xFF) }
            }
            let p = dir + "/case-\(n).xlsx"
            try Data(b).write(to: URL(fileURLWithPath: p))
            do {
                let t = try SourceTable.load(path: p, sheet: nil)
                _ = Importer.suggest(source: t)
                read += 1
            } catch {
                errors += 1
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
        XCTAssertEqual(errors + read, 150)
        XCTAssertGreaterThan(errors, 50, "most damage is found")
    }

    func testAPartThatIsNotUTF8IsAnErrorNamingIt() throws {
        // The same workbook with one byte of the sheet XML replaced by 0xFF, re-zipped by Python's zipfile.
        let dir = tempDir()
        let script = """
            import zipfile, sys
            src, dst = sys.argv[1], sys.argv[2]
            z = zipfile.ZipFile(src)
            with zipfile.ZipFile(dst, "w") as w:
                for n in z.namelist():
                    d = z.read(n)
                    if n == "xl/worksheets/sheet1.xml":
                        i = d.index(b"<row")
                        d = d[:i + 1] + b"\\xff" + d[i + 2:]
                    w.writestr(n, d)
            """
        try script.write(toFile: dir + "/mk.py", atomically: true, encoding: .utf8)
        let (_, status) = try shell([
            "python3", dir + "/mk.py", fixtures.appendingPathComponent("legacy/payroll_2026-01.xlsx").path, dir + "/bad.xlsx",
        ])
        XCTAssertEqual(status, 0)
        XCTAssertThrowsError(try SourceTable.load(path: dir + "/bad.xlsx", sheet: nil)) { e in
            XCTAssertTrue("\(e)".contains("xl/worksheets/sheet1.xml is not valid UTF-8"), "\(e)")
        }
    }
}
