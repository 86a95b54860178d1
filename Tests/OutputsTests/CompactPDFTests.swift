import CHarfBuzz
import Foundation
import PayrollCore
import RunRecords
import TestSupport
import XCTest

@testable import Outputs
@testable import PDF
@testable import Pipeline

/// Payslips written directly (CompactPDF): sound files, one labels subset shared by the run, the same words as
/// the cairo version, the cairo version for a character the font lacks, and the same bytes on any number of threads.
final class CompactPDFTests: XCTestCase {
    func demoRun() throws -> RunOutcome { try DemoJanuary.outcome() }

    func producer(_ path: String) throws -> String {
        let (info, _) = try shell(["pdfinfo", path])
        return info.split(separator: "\n").first { $0.hasPrefix("Producer:") }.map { String($0.dropFirst(9)).trimmingCharacters(in: .whitespaces) }
            ?? ""
    }

    /// The bytes of object `n` (from "n 0 obj" to its "endobj").
    func object(_ n: Int, in path: String) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let start = Array("\n\(n) 0 obj\n".utf8)
        let end = Array("endobj".utf8)
        guard let s = (0...(bytes.count - start.count)).first(where: { bytes[$0..<($0 + start.count)].elementsEqual(start) }) else { return [] }
        guard let e = (s...(bytes.count - end.count)).first(where: { bytes[$0..<($0 + end.count)].elementsEqual(end) }) else { return [] }
        return Array(bytes[s..<e])
    }

    func testEveryDirectPayslipIsSoundAndEmbedsTheSharedLabelsSubset() throws {
        let o = try demoRun()
        let folder = o.folder + "/payslips"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        XCTAssertEqual(files.count, o.batch.employees.count)
        for f in files {
            let path = folder + "/" + f
            XCTAssertEqual(PDFCheck.problems(path: path), [], f)
            // Written directly, not by cairo: the demo's names are all in WenQuanYi Micro Hei.
            XCTAssertEqual(try producer(path), "payroll", f)
            let (fonts, _) = try shell(["pdffonts", path])
            let rows = fonts.split(separator: "\n").dropFirst(2)
            XCTAssertTrue((1...2).contains(rows.count), "\(f): \(fonts)")
            for r in rows { XCTAssertTrue(r.contains("CID TrueType") && r.contains(" yes yes yes "), "\(f): \(r)") }
        }
        // The labels' font program (object 9, the first font's FontFile2) is the same bytes in every payslip; the
        // second font (the names' glyphs) differs.
        let program = try object(9, in: folder + "/D001.pdf")
        XCTAssertGreaterThan(program.count, 1000)
        for id in ["D002", "D017", "D030"] { XCTAssertEqual(try object(9, in: folder + "/\(id).pdf"), program, id) }
        XCTAssertNotEqual(try object(14, in: folder + "/D001.pdf"), try object(14, in: folder + "/D002.pdf"))
        // A sound-file check that can fail: a truncated payslip is reported.
        let cut = tempDir() + "/cut.pdf"
        let whole = try Data(contentsOf: URL(fileURLWithPath: folder + "/D001.pdf"))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cut))
        XCTAssertFalse(PDFCheck.problems(path: cut).isEmpty)
    }

    /// The words of a payslip are the same whichever way it is drawn (pdftotext's words, in order).
    func testADirectPayslipSaysWhatTheCairoOneSays() throws {
        let o = try demoRun()
        let run = try XCTUnwrap(o.run)
        let def = definition
        let dir = tempDir()
        for id in ["D001", "D031"] {
            let i = try XCTUnwrap(o.batch.employees.firstIndex { $0.id == id })
            try Payslips.write(
                index: i, batch: o.batch, run: run, company: def.company, locale: def.locale, font: def.payslipFont, fonts: nil,
                to: dir + "/\(id).pdf")
            XCTAssertTrue(try producer(dir + "/\(id).pdf").contains("cairo"))
            let words = { (p: String) in try shell(["pdftotext", p, "-"]).0.split(whereSeparator: { $0.isWhitespace }) }
            XCTAssertEqual(try words(o.folder + "/payslips/\(id).pdf"), try words(dir + "/\(id).pdf"), id)
        }
    }

    /// 𠮷 (U+20BB7, a CJK Extension B character used in names) is not in WenQuanYi Micro Hei: that employee's payslip is
    /// drawn by cairo, whose pango finds the character in another font or draws a box; the others stay direct.
    func testACharacterTheFontLacksFallsBackToCairo() throws {
        let font = try XCTUnwrap(PDFFont(family: "WenQuanYi Micro Hei"))
        XCTAssertNil(font.glyph(0x20BB7))
        XCTAssertNotNil(font.glyph(0x7530))  // 田
        let m = try DemoMonth()
        _ = m.set("employees.csv", "D001", "name", "\u{20BB7}田")
        try m.write()
        let o = try PeriodRunner.execute(
            RunSettings(
                definition: definition, period: Period("2026-01")!, inputDirectory: m.dir, outputRoot: tempDir(), threads: 0, only: [.payslips]))
        XCTAssertTrue(o.finished)
        let d001 = o.folder + "/payslips/D001.pdf"
        XCTAssertTrue(try producer(d001).contains("cairo"))
        XCTAssertEqual(PDFCheck.problems(path: d001), [])
        let (text, _) = try shell(["pdftotext", d001, "-"])
        XCTAssertTrue(text.contains("D001") && text.contains("田"), text)
        XCTAssertEqual(try producer(o.folder + "/payslips/D002.pdf"), "payroll")
    }

    /// A control character (a tab or line break in a note) is left to pango: the document says it is incomplete,
    /// so the payslip is drawn by cairo as before; ordinary text keeps it complete.
    func testAControlCharacterLeavesTheDocumentToCairo() throws {
        let font = try XCTUnwrap(PDFFont(family: "WenQuanYi Micro Hei"))
        let day = Day(year: 2026, month: 1, day: 1)!
        let plain = CompactPDF(path: tempDir() + "/a.pdf", title: "t", author: "a", created: day, font: font)
        plain.text("工牌补办 遗失", x: 10, y: 10, size: 9)
        XCTAssertTrue(plain.isComplete)
        for s in ["遗失\t补办", "遗失\n补办"] {
            let doc = CompactPDF(path: tempDir() + "/b.pdf", title: "t", author: "a", created: day, font: font)
            doc.text(s, x: 10, y: 10, size: 9)
            XCTAssertFalse(doc.isComplete, s)
            XCTAssertThrowsError(try doc.close())
        }
    }

    /// Which subset is shared, and so every file's bytes, does not depend on the number of threads.
    func testPayslipsAreTheSameBytesOnOneAndOnFourThreads() throws {
        let o = try demoRun()
        let run = try XCTUnwrap(o.run)
        var written: [[String: Data]] = []
        for threads in [1, 4] {
            let dir = tempDir()
            let names = try Payslips.writeAll(
                batch: o.batch, run: run, company: definition.company, locale: definition.locale, password: .none, ownerSecret: "",
                font: definition.payslipFont, folder: dir, scheduler: Executor(threads: threads))
            XCTAssertEqual(names.count, o.batch.employees.count)
            written.append(
                try Dictionary(uniqueKeysWithValues: names.map { ($0.name, try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0.name))) }))
            // The digests computed while writing are the files' own.
            for n in names {
                let h = try FileHash.sha256(path: dir + "/" + n.name)
                XCTAssertEqual(n.digest?.hex, h.hex, n.name)
                XCTAssertEqual(n.digest?.bytes, h.bytes, n.name)
            }
        }
        XCTAssertEqual(written[0], written[1])
        // …and they are the run's own payslips, byte for byte.
        for (name, data) in written[0] { XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: o.folder + "/payslips/" + name)), data, name) }
    }

    /// Numbers in content streams: at most three decimals, rounded half away from zero, no exponent, no "-0".
    func testPDFNumbersAreShortAndExact() {
        // Hand values: 595.28 × 1000 = 595280 → "595.28"; 12.3456 → 12345.6 thousandths → 12346 → "12.346";
        // 0.035 × 9 = 0.315; −0.0004 rounds to 0; 1e-3 is "0.001"; 2.5 stays "2.5"; 100 has no point.
        let cases: [(Double, String)] = [
            (0, "0"), (595.28, "595.28"), (841.89, "841.89"), (-12.3456, "-12.346"), (0.035 * 9, "0.315"), (-0.0004, "0"),
            (0.001, "0.001"), (2.5, "2.5"), (100, "100"), (-7.05, "-7.05"),
        ]
        for (v, want) in cases {
            XCTAssertEqual(PDFNumber.format(v), want, "\(v)")
            var b = PDFBytes()
            b.number(v)
            XCTAssertEqual(String(decoding: b.bytes, as: UTF8.self), want + " ", "\(v)")
        }
        // Not a page coordinate: written as 0, never a trap.
        XCTAssertEqual(PDFNumber.format(.nan), "0")
        XCTAssertEqual(PDFNumber.format(1e300), "0")
        var b = PDFBytes()
        b.hex4(0x0A3F)
        b.hex4(0xFFFF)
        XCTAssertEqual(String(decoding: b.bytes, as: UTF8.self), "0A3FFFFF")
        XCTAssertEqual(PDFNumber.utf16Hex(0x20BB7), "D842DFB7")  // the surrogate pair of U+20BB7
    }

    /// Payslip amounts: two decimals, thousands separators, the sign in front (hand values; the last is Int64.min fen).
    func testGroupedAmounts() {
        let cases: [(Int64, String)] = [
            (0, "0.00"), (5, "0.05"), (-5, "-0.05"), (99_999, "999.99"), (100_000, "1,000.00"), (123_456, "1,234.56"),
            (-123_456_789, "-1,234,567.89"), (100_000_000, "1,000,000.00"), (.min, "-92,233,720,368,547,758.08"),
        ]
        for (fen, want) in cases { XCTAssertEqual(Payslips.grouped(Money(fen: fen)), want, "\(fen)") }
    }

    /// Deflate's output inflates back to its input, for empty, small (the smallest window) and large inputs.
    func testDeflateRoundTrips() throws {
        var state: UInt64 = 42
        for size in [0, 1, 300, 5000, 200_000] {
            let input = (0..<size).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1
                return UInt8(truncatingIfNeeded: (state >> 62) + 65)  // four symbols (2 bits of 8): it compresses below half
            }
            let packed = try Deflate.compress(input)
            var out = [UInt8](repeating: 0, count: size + 16)
            var length = uLongf(out.count)
            let rc = out.withUnsafeMutableBufferPointer { o in
                packed.withUnsafeBufferPointer { p in uncompress(o.baseAddress, &length, p.baseAddress, uLong(p.count)) }
            }
            XCTAssertEqual(rc, Z_OK, "\(size)")
            XCTAssertEqual(Array(out[0..<Int(length)]), input, "\(size)")
            if size >= 5000 { XCTAssertLessThan(packed.count, size / 2) }
        }
    }
}
