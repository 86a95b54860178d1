import Foundation
import XCTest

@testable import CSVReader

/// Reads a file into rows of strings with their start lines.
func readAll(_ path: String, maxField: Int = 1 << 20) throws -> (rows: [[String]], lines: [Int], summary: CSVReadSummary) {
    var rows: [[String]] = []
    var lines: [Int] = []
    let s = try CSVFileReader(path: path, maxFieldBytes: maxField).read { r in
        rows.append((0..<r.count).map { r.string($0) })
        lines.append(r.line)
    }
    return (rows, lines, s)
}

func tempFile(_ bytes: [UInt8], name: String = "t.csv") -> String {
    let dir = NSTemporaryDirectory() + "csvreader-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let p = dir + "/" + name
    _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
    return p
}

func tempFile(_ text: String) -> String { tempFile(Array(text.utf8)) }

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

final class CSVSpectrumTests: XCTestCase {
    /// Every file of ../shared/csv-spectrum parses to the rows of its JSON twin.
    func testWholeSuite() throws {
        let base = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/csv-spectrum")
        let csvDir = base.appendingPathComponent("csvs")
        let files = try FileManager.default.contentsOfDirectory(atPath: csvDir.path).filter { $0.hasSuffix(".csv") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 11)
        for f in files {
            let json = base.appendingPathComponent("json/" + f.replacingOccurrences(of: ".csv", with: ".json"))
            let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [[String: String]]
            let (rows, _, summary) = try readAll(csvDir.appendingPathComponent(f).path)
            XCTAssertNil(summary.fault, f)
            let header = rows[0]
            let got = rows.dropFirst().map { r in Dictionary(uniqueKeysWithValues: zip(header, r)) }
            XCTAssertEqual(got, expected, f)
        }
    }
}

final class CSVReaderTests: XCTestCase {
    func testPhysicalLineOfEachRecord() throws {
        // Line 1 header, 2 blank, 3–4 a quoted newline, 5 all-empty (skipped), 6 last row without newline.
        let p = tempFile("a,b\r\n\r\n1,\"x\r\ny\"\r\n,,\r\n3,4")
        let (rows, lines, s) = try readAll(p)
        XCTAssertEqual(rows, [["a", "b"], ["1", "x\r\ny"], ["3", "4"]])
        XCTAssertEqual(lines, [1, 3, 6])
        XCTAssertNil(s.fault)
    }

    func testUTF8BOMIsDroppedAndNamed() throws {
        let p = tempFile([0xEF, 0xBB, 0xBF] + Array("工号,姓名\nE1,张三\n".utf8))
        let (rows, _, s) = try readAll(p)
        XCTAssertEqual(rows, [["工号", "姓名"], ["E1", "张三"]])
        XCTAssertEqual(s.encoding, .utf8BOM)
    }

    func testGB18030IsDetectedAndTranscoded() throws {
        // "工号,姓名\nE1,张三\n" in GB18030: 工 B9A4 号 BAC5 姓 D0D5 名 C3FB 张 D5C5 三 C8FD.
        let bytes: [UInt8] = [
            0xB9, 0xA4, 0xBA, 0xC5, 0x2C, 0xD0, 0xD5, 0xC3, 0xFB, 0x0A,
            0x45, 0x31, 0x2C, 0xD5, 0xC5, 0xC8, 0xFD, 0x0A,
        ]
        let (rows, _, s) = try readAll(tempFile(bytes))
        XCTAssertEqual(rows, [["工号", "姓名"], ["E1", "张三"]])
        XCTAssertEqual(s.encoding, .gb18030)
    }

    func testNeitherEncodingNamesTheByteOffset() throws {
        // "id,name\n1," is 10 bytes; 0xFF at offset 10 is invalid in UTF-8 and GB18030.
        let (rows, _, s) = try readAll(tempFile(Array("id,name\n1,".utf8) + [0xFF, 0xFE, 0x0A]))
        XCTAssertEqual(rows, [["id", "name"]])
        XCTAssertEqual(s.fault, .invalidEncoding(byteOffset: 10, line: 2))
    }

    func testMixedEncodingsAreRejectedNotGuessed() throws {
        // Valid UTF-8 Chinese on line 2, then GB18030 bytes on line 3: neither reading is right.
        let bytes = Array("a\n张\n".utf8) + [0xD5, 0xC5, 0x0A]
        let (_, _, s) = try readAll(tempFile(bytes))
        XCTAssertEqual(s.fault, .invalidEncoding(byteOffset: 6, line: 3))
    }

    func testUnterminatedQuote() throws {
        let (rows, _, s) = try readAll(tempFile("id,name\n1,\"abc\n2,x\n"))
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(s.fault, .unterminatedQuote(line: 2))
    }

    func testQuoteInsideUnquotedField() throws {
        let (_, _, s) = try readAll(tempFile("id,name\n1,ab\"c\n"))
        XCTAssertEqual(s.fault, .malformedQuote(line: 2))
    }

    func testTenMegabyteFieldIsFlaggedNotKept() throws {
        let big = String(repeating: "x", count: 10 << 20)
        var rec: [Int] = []
        let p = tempFile("a,b\n1,\(big)\n2,y\n")
        let s = try CSVFileReader(path: p).read { r in rec.append(contentsOf: r.oversizedFields.map { _ in r.line }) }
        XCTAssertEqual(rec, [2])
        XCTAssertEqual(s.records, 3)
    }

    func testEmptyAndHeaderOnly() throws {
        XCTAssertEqual(try readAll(tempFile("")).summary.records, 0)
        XCTAssertEqual(try readAll(tempFile("a,b\r\n")).summary.records, 1)
    }

    func testBinaryGarbageNeverCrashes() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try readAll(tempFile(bytes))
        }
    }

    func testSmallChunksGiveTheSameRecords() throws {
        let p = tempFile("a,b\n\"x,\"\"y\"\"\nz\",2\n3,\"4\"\n")
        var small: [[String]] = []
        _ = try CSVFileReader(path: p, chunkSize: 3).read { r in small.append((0..<r.count).map { r.string($0) }) }
        XCTAssertEqual(small, try readAll(p).rows)
        XCTAssertEqual(small[1], ["x,\"y\"\nz", "2"])
    }
}
