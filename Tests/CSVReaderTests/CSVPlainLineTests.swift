import Foundation
import XCTest

@testable import CSVReader

/// The reader splits plain lines itself and gives the rest to libcsv: whatever the bytes, the records (fields,
/// lines, indexes, oversized fields) and the summary (encoding, fault, counts) are those of libcsv alone.
final class CSVPlainLineTests: XCTestCase {
    /// Records delivered with `fieldsTrimmed` so far.
    var trimmedRecords = 0

    struct Reading: Equatable {
        var records: [[[UInt8]]] = []
        var lines: [Int] = []
        var indexes: [Int] = []
        var oversized: [UInt64] = []
        var encoding = ""
        var fault: CSVFault?
        var count = 0
        var bytes = 0
        var mayBecomeGB18030 = false
    }

    func read(_ path: String, split: Bool, maxField: Int, chunk: Int, part: CSVPart? = nil) throws -> Reading {
        let reader = CSVFileReader(path: path, maxFieldBytes: maxField, chunkSize: chunk)
        reader.splitsPlainLines = split
        var r = Reading()
        let s = try reader.read(part: part) { rec in
            // A record split without libcsv says its fields are trimmed, and they are (the cell checks then skip
            // trimming them); one from libcsv never says so.
            if rec.fieldsTrimmed {
                XCTAssertTrue(split)
                for i in 0..<rec.count { XCTAssertEqual(Array(rec[i]), Array(rec[i].trimmed())) }
                trimmedRecords += 1
            }
            r.records.append((0..<rec.count).map { Array(rec[$0]) })
            r.lines.append(rec.line)
            r.indexes.append(rec.index)
            r.oversized.append(rec.oversizedMask)
        }
        r.encoding = s.encoding.rawValue
        r.fault = s.fault
        r.count = s.records
        r.bytes = s.bytes
        r.mayBecomeGB18030 = s.mayBecomeGB18030
        return r
    }

    /// Random files from the bytes that matter to a CSV reader (separators, quotes, CR, LF, spaces, tabs, UTF-8,
    /// GB18030 and invalid bytes), read in small chunks so that lines straddle them: both ways read alike.
    func testRandomFilesReadAsLibcsvReadsThem() throws {
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("E0001".utf8), Array("12.5".utf8), [0x2C], [0x2C], [0x2C], [0x22], [0x22, 0x22], [0x0D],
            [0x0A], [0x0A], [0x0D, 0x0A], [0x0D, 0x0A], [0x20], [0x20, 0x20], [0x09], Array("中".utf8), [0xD6, 0xD0],
            [0xFF], [0xE4, 0xB8], [0x00], [0x0B],
        ]
        var rng = SystemRandomNumberGenerator()
        var seed = UInt64.random(in: 0...UInt64.max, using: &rng)
        let firstSeed = seed
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        let dir = NSTemporaryDirectory() + "csvplain-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var compared = 0
        for n in 0..<3000 {
            var bytes: [UInt8] = []
            // Some files start with a signature; most are mostly plain lines with a few odd pieces.
            switch next() % 8 {
            case 0: bytes += [0xEF, 0xBB, 0xBF]
            case 1: bytes += [0x84, 0x31, 0x95, 0x33]
            default: break
            }
            let odd = next() % 4 == 0
            for _ in 0..<(next() % 60) {
                if odd || next() % 5 == 0 {
                    bytes += pieces[Int(next() % UInt64(pieces.count))]
                } else {
                    bytes += Array("E\(next() % 100), 2026-01-0\(next() % 9 + 1),present ,\t8\n".utf8)
                }
            }
            let path = dir + "/\(n).csv"
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let maxField = [4, 16, 1 << 20][Int(next() % 3)]
            let chunk = [1, 3, 7, 64, 1 << 20][Int(next() % 5)]
            let plain = try read(path, split: false, maxField: maxField, chunk: chunk)
            let split = try read(path, split: true, maxField: maxField, chunk: chunk)
            XCTAssertEqual(split, plain, "file \(n) (seed \(firstSeed), chunk \(chunk), limit \(maxField)): \(bytes)")
            if split != plain { return }
            compared += plain.records.count
        }
        XCTAssertGreaterThan(compared, 10_000)
        XCTAssertGreaterThan(trimmedRecords, 1_000)  // lines with spaces and tabs around fields, split without libcsv
    }

    /// The cases by hand: trimming as libcsv trims unquoted fields, CRLF and lone CRs, lines of spaces, a record
    /// libcsv has begun in one chunk and ends in the next, UTF-8 in place, GB18030 through libcsv.
    func testCasesByHand() throws {
        let texts: [[UInt8]] = [
            Array(" a , b\t,\tc \r\n\r\n  \r\n,,\n x,\"q\"\n1,2\r3\n".utf8),
            Array("id,名字\nE1,张三\nE2, 李四 \n".utf8),
            [0x69, 0x64, 0x2C, 0x6E, 0x0A, 0x45, 0x31, 0x2C, 0xD5, 0xC5, 0xC8, 0xFD, 0x0A, 0x45, 0x32, 0x2C, 0x61, 0x0A],
            Array("a,\"multi\nline\",c\nd,e,f\n  \n\t\n".utf8),
            Array("a,b\nc,d".utf8),
            Array("a,b\nc,\"d".utf8),
            Array("a,b\nc,d\"e\nf,g\n".utf8),
            // More fields than the reader first makes room for (64): the list grows in the middle of a line.
            Array(((0..<150).map { " f\($0) " }.joined(separator: ",") + "\n" + (0..<300).map { "\($0)" }.joined(separator: ",") + "\nx,y\n").utf8),
        ]
        for (k, t) in texts.enumerated() {
            let path = NSTemporaryDirectory() + "csvplain-case-\(UUID().uuidString).csv"
            FileManager.default.createFile(atPath: path, contents: Data(t))
            defer { try? FileManager.default.removeItem(atPath: path) }
            for chunk in [1, 2, 5, 1 << 20] {
                let plain = try read(path, split: false, maxField: 1 << 20, chunk: chunk)
                XCTAssertEqual(try read(path, split: true, maxField: 1 << 20, chunk: chunk), plain, "case \(k), chunk \(chunk)")
                XCTAssertFalse(plain.records.isEmpty, "case \(k)")
            }
        }
        // What the first case reads as, by hand: fields trimmed of spaces and tabs (line 1); the blank line, the line
        // of spaces and the all-empty row skipped (lines 2–4); a quoted field, libcsv's (line 5); a lone CR ends a
        // record and a line, so "3" is on line 7.
        let path = NSTemporaryDirectory() + "csvplain-first-\(UUID().uuidString).csv"
        FileManager.default.createFile(atPath: path, contents: Data(texts[0]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try read(path, split: true, maxField: 1 << 20, chunk: 1 << 20)
        XCTAssertEqual(
            r.records,
            [
                [Array("a".utf8), Array("b".utf8), Array("c".utf8)], [Array("x".utf8), Array("q".utf8)], [Array("1".utf8), Array("2".utf8)],
                [Array("3".utf8)],
            ])
        XCTAssertEqual(r.lines, [1, 5, 6, 7])
    }

    /// A part read on its own (parallel parsing) reads alike both ways too.
    func testPartsReadAlike() throws {
        var text = "employee_id,date,status\n"
        for i in 0..<5000 { text += "E\(i),2026-01-\(i % 28 + 1 < 10 ? "0" : "")\(i % 28 + 1),\(i % 7 == 0 ? "\"present\"" : "absent")\r\n" }
        let path = NSTemporaryDirectory() + "csvplain-parts-\(UUID().uuidString).csv"
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let parts = try CSVFileReader(path: path).parts(2, minimumBytes: 0)
        XCTAssertEqual(parts.count, 3)
        for part in parts {
            let plain = try read(path, split: false, maxField: 1 << 20, chunk: 4096, part: part)
            XCTAssertEqual(try read(path, split: true, maxField: 1 << 20, chunk: 4096, part: part), plain)
        }
    }
}
