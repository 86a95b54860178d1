import Foundation
import PayrollCore
import TestSupport
import XCTest

@testable import Outputs
@testable import XLSX

/// The large workbooks' data rows are written as XML by `SheetXML` and compressed in parallel pieces, spliced into
/// what libxlsxwriter writes for the rest. These tests hold that to libxlsxwriter's own constant-memory output:
/// every part of the workbook the same bytes, read back by Python's zipfile (an independent reader that checks each
/// part's CRC).
final class StreamedSheetTests: XCTestCase {
    /// Every part's SHA-256 by name, from Python's zipfile after `testzip` (which inflates every part and checks its
    /// CRC-32); fails the test when the archive is damaged.
    func parts(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        let script = """
            import sys, zipfile, hashlib, json
            z = zipfile.ZipFile(sys.argv[1])
            bad = z.testzip()
            if bad: sys.exit('damaged part ' + bad)
            print(json.dumps({n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}))
            """
        let (out, status) = try shell(["python3", "-c", script, path])
        XCTAssertEqual(status, 0, out, file: file, line: line)
        return (try? JSONDecoder().decode([String: String].self, from: Data(out.utf8))) ?? [:]
    }

    func g16(_ n: Int64, scale: Int) -> String {
        var out: [UInt8] = []
        SheetXML.appendG16(n, scale: scale, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func printf(_ n: Int64, scale: Int) -> String {
        var out: [UInt8] = []
        SheetXML.appendPrintf(n, scale: scale, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Hand-checked: the double nearest 9.95 is 9.94999999999999928945…, whose sixteen significant digits are
    /// 9.949999999999999 (the 17th is 2); the double nearest 0.07 is 0.0700000000000000066613…, sixteen digits
    /// 7000000000000000|6 round up to …01. 12345.67 and 1.5 print as themselves; 0 as 0.
    func testNumbersAreWrittenAsPrintfWritesThem() {
        XCTAssertEqual(g16(995, scale: 2), "9.949999999999999")
        XCTAssertEqual(g16(7, scale: 2), "0.07000000000000001")
        XCTAssertEqual(g16(1_234_567, scale: 2), "12345.67")
        XCTAssertEqual(g16(-1_234_567, scale: 2), "-12345.67")
        XCTAssertEqual(g16(1_500_000, scale: 6), "1.5")
        XCTAssertEqual(g16(0, scale: 2), "0")
        XCTAssertEqual(g16(42, scale: 0), "42")
        // Against printf itself: edges (powers of ten, the fast path's limits, exponents, Int64's ends) and 300,000
        // values of every length, both signs, at every scale the workbooks use.
        var values: [Int64] = [
            1, 5, 9, 10, 99, 100, 101, 995, 1_000, 9_999, 99_995, 999_999_999_999_999, 1_000_000_000_000_000,
            9_999_999_999_999_999, 99_999_999_999_999_999, .max, .min, .min + 1,
        ]
        for k in 0...18 { values.append(Int64(pow(10.0, Double(k)))) }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300_000 {
            let digits = Int.random(in: 1...18, using: &rng)
            let v = Int64.random(in: 0..<Int64(pow(10.0, Double(digits))), using: &rng)
            values.append(Bool.random(using: &rng) ? v : -v)
        }
        var wrong: [String] = []
        for scale in [0, 2, 6] {
            for v in values where g16(v, scale: scale) != printf(v, scale: scale) {
                wrong.append("\(v)/10^\(scale): \(g16(v, scale: scale)) vs \(printf(v, scale: scale))")
                if wrong.count > 20 { break }
            }
        }
        XCTAssertEqual(wrong, [])
    }

    /// Texts that need escaping, keep their spaces, hold control characters or a NUL, CJK, empty ones, and numbers;
    /// written once through libxlsxwriter (constant-memory mode) and once as `SheetXML` rows in three pieces: the
    /// workbooks' parts are the same bytes.
    func testSheetXMLWritesWhatLibxlsxwriterWrites() throws {
        let texts = [
            "a&b<c>d", " lead", "trail ", "\ttab", "line\nfeed", "ctl\u{1}x\u{1F}y", "\r", "中文名字", "x\u{0}hidden", "", "_x0041_",
            "\"quoted\" 'single'", "𠮷田", String(repeating: "长", count: 32_767),
        ]
        let money: [Int64] = [0, 7, 995, -995, 1_234_567, 99_999_999_999, 100_000_000_000_000_000]
        let dir = tempDir()
        func frame(_ path: String) throws -> (Workbook, Sheet) {
            let wb = try Workbook(path: path, constantMemory: true, created: Day(year: 2026, month: 1, day: 1))
            let sheet = try wb.addSheet("数据")
            for c in 0..<4 { try sheet.write(0, c, text: "列\(c)", style: .header) }
            sheet.freezeHeader()
            return (wb, sheet)
        }
        let rows = texts.count * 3
        let (library, sheet) = try frame(dir + "/library.xlsx")
        for r in 0..<rows {
            try sheet.write(r + 1, 0, text: texts[r % texts.count])
            try sheet.write(r + 1, 1, money: Money(fen: money[r % money.count]))
            try sheet.write(r + 1, 2, decimal: Fixed(units: Int64(r) * 123_457))
            try sheet.write(r + 1, 3, integer: r - 20)
        }
        try library.close()

        let (own, _) = try frame(dir + "/own.frame")
        let styles = [CellStyle.header, .money, .decimal2, .integer].map { own.styleIndex($0) }
        let piece = 16
        let streamed = StreamedRows(sheet: 0, afterRow: 0, lastRow: rows, pieces: (rows + piece - 1) / piece) { k, xml in
            for r in (k * piece)..<min(rows, (k + 1) * piece) {
                xml.startRow(r + 1)
                xml.text(0, texts[r % texts.count])
                xml.money(1, fen: money[r % money.count], style: styles[1])
                xml.decimal(2, units: Int64(r) * 123_457, style: styles[2])
                xml.integer(3, r - 20, style: styles[3])
            }
        }
        try own.close(into: dir + "/own.xlsx", streaming: [streamed], threads: 3)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/own.frame"), "the working file is removed")
        let a = try parts(dir + "/library.xlsx")
        XCTAssertEqual(a.count, 9)
        XCTAssertEqual(a, try parts(dir + "/own.xlsx"))
        // The zip64 records (entries and offsets past 4 GiB) written for every entry: the same parts.
        let (own64, _) = try frame(dir + "/own64.frame")
        for style in [CellStyle.header, .money, .decimal2, .integer] { _ = own64.styleIndex(style) }
        try own64.close(into: dir + "/own64.xlsx", streaming: [streamed], threads: 2, zip64From: 0)
        XCTAssertEqual(a, try parts(dir + "/own64.xlsx"))
        let (listing, _) = try shell(["zipinfo", "-v", dir + "/own64.xlsx"])
        XCTAssertTrue(listing.contains("PKWARE 64-bit sizes"), listing)
        let (test, status) = try shell(["unzip", "-t", dir + "/own64.xlsx"])
        XCTAssertEqual(status, 0, test)

        // A text longer than a cell holds fails as libxlsxwriter fails, and leaves no file.
        let (tooLong, _) = try frame(dir + "/long.frame")
        let long = StreamedRows(sheet: 0, afterRow: 0, lastRow: 1, pieces: 1) { _, xml in
            xml.startRow(1)
            xml.text(0, String(repeating: "x", count: 32_768))
        }
        XCTAssertThrowsError(try tooLong.close(into: dir + "/long.xlsx", streaming: [long])) { error in
            XCTAssertEqual((error as? XLSXError)?.code, XLSXError.textTooLongCode)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/long.xlsx"))
        let (_, library2) = try frame(dir + "/long-library.xlsx")
        XCTAssertThrowsError(try library2.write(1, 0, text: String(repeating: "x", count: 32_768))) { error in
            XCTAssertEqual((error as? XLSXError)?.code, XLSXError.textTooLongCode)
        }
    }

    /// The demo's register and tax export, split across sheets of 10 rows (so every sheet but the last has no totals
    /// row and the rows come in several pieces), in both locales: the own rows and libxlsxwriter's give the same parts;
    /// the file does not depend on the threads.
    func testRegisterAndTaxRowsAreLibxlsxwritersBytes() throws {
        let o = try DemoJanuary.outcome()
        let dir = tempDir()
        for locale in [ReportLocale.zh, .en] {
            for (rowsPerSheet, piece) in [(10, 3), (ExcelReports.rowsPerSheet, 7)] {
                let name = "\(locale)-\(rowsPerSheet)"
                try ExcelReports.writeRegister(
                    batch: o.batch, run: o.run!, locale: locale, to: dir + "/r-lib-\(name).xlsx", rowsPerSheet: rowsPerSheet,
                    constantMemory: true, threads: 2, ownRows: false)
                for threads in [1, 4] {
                    try ExcelReports.writeRegister(
                        batch: o.batch, run: o.run!, locale: locale, to: dir + "/r-own-\(name)-\(threads).xlsx", rowsPerSheet: rowsPerSheet,
                        constantMemory: true, threads: threads, ownRows: true, rowsPerPiece: piece)
                }
                let library = try parts(dir + "/r-lib-\(name).xlsx")
                XCTAssertGreaterThan(library.count, 8, name)
                XCTAssertEqual(library, try parts(dir + "/r-own-\(name)-1.xlsx"), name)
                XCTAssertEqual(
                    FileManager.default.contents(atPath: dir + "/r-own-\(name)-1.xlsx"),
                    FileManager.default.contents(atPath: dir + "/r-own-\(name)-4.xlsx"), name)
            }
        }
        for rowsPerSheet in [10, ExcelReports.rowsPerSheet] {
            try ExcelReports.writeTax(
                batch: o.batch, run: o.run!, to: dir + "/t-lib-\(rowsPerSheet).xlsx", rowsPerSheet: rowsPerSheet, constantMemory: true, threads: 2,
                ownRows: false)
            try ExcelReports.writeTax(
                batch: o.batch, run: o.run!, to: dir + "/t-own-\(rowsPerSheet).xlsx", rowsPerSheet: rowsPerSheet, constantMemory: true, threads: 2,
                ownRows: true, rowsPerPiece: 4)
            let library = try parts(dir + "/t-lib-\(rowsPerSheet).xlsx")
            XCTAssertGreaterThan(library.count, 8)
            XCTAssertEqual(library, try parts(dir + "/t-own-\(rowsPerSheet).xlsx"), "\(rowsPerSheet)")
        }
        let sheets = try XLSXContent.read(dir + "/t-own-10.xlsx").sheets
        XCTAssertGreaterThan(sheets.count, 2, "the tax export split across sheets")
    }
}
