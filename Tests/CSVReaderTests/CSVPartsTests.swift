import Foundation
import XCTest

@testable import CSVReader

/// Reading a file in parts (split by the quote-aware scan) gives the records, lines and fault of one reading in order.
final class CSVPartsTests: XCTestCase {
    /// Every record of every part, in order, with its line; and the last part's fault.
    func readInParts(_ path: String, count: Int, chunkSize: Int = 7) throws -> (rows: [[String]], lines: [Int], fault: CSVFault?, parts: Int) {
        // Tiny chunks by default: boundaries and CRLFs fall across reads; large ones let the scan take eight bytes at a time.
        let reader = CSVFileReader(path: path, chunkSize: chunkSize)
        let parts = try reader.parts(count, minimumBytes: 1)
        var rows: [[String]] = []
        var lines: [Int] = []
        var fault: CSVFault?
        var previous: CSVReadSummary?
        for var p in parts {
            if let previous {
                p.encoding = previous.encoding
                p.mayBecomeGB18030 = previous.mayBecomeGB18030
            }
            let s = try reader.read(part: p) { r in
                rows.append((0..<r.count).map { r.string($0) })
                lines.append(r.line)
            }
            previous = s
            if s.fault != nil {
                fault = s.fault
                break
            }
        }
        return (rows, lines, fault, parts.count)
    }

    /// A random CSV text of quoted fields with commas, doubled quotes, LF, CRLF and lone CR inside and between
    /// records, blank lines, and Chinese text (seeded: the same text every run).
    func randomCSV(seed: UInt64, records: Int) -> String {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let pieces = ["a", "工资", "1,5", "\"\"", "\n", "\r\n", "\r", " ", "E001", "x\"y", "a long run of plain text\nand more of it"]
        let ends = ["\n", "\r\n", "\r", "\n\n"]
        var out = "employee_id,note,amount\n"
        for _ in 0..<records {
            var fields: [String] = []
            for _ in 0..<3 {
                if next(60) == 0 {
                    fields.append("q\"z")  // a quote in an unquoted field: a fault, wherever it falls
                } else if next(3) == 0 {
                    var f = ""
                    for _ in 0..<next(4) { f += pieces[next(pieces.count)] }
                    fields.append("\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
                } else {
                    fields.append(["b", "12.50", "王", "", "E7", "0123456789abcdefghij"][next(6)])
                }
            }
            out += fields.joined(separator: ",") + ends[next(ends.count)]
        }
        return out
    }

    func testRandomFilesReadInPartsAsInOrder() throws {
        var faults = 0
        var split = 0
        for seed in UInt64(1)...40 {
            let text = randomCSV(seed: seed, records: 5 + Int(seed % 60))
            let path = tempFile(text)
            let whole = try readAll(path)
            for (count, chunk) in [(2, 7), (3, 7), (2, 1 << 16), (3, 4096)] {
                let parted = try readInParts(path, count: count, chunkSize: chunk)
                XCTAssertEqual(parted.rows, whole.rows, "seed \(seed), \(count) parts")
                XCTAssertEqual(parted.lines, whole.lines, "seed \(seed), \(count) parts")
                XCTAssertEqual(parted.fault, whole.summary.fault, "seed \(seed)")
                if parted.parts > 1 { split += 1 }
            }
            if whole.summary.fault != nil { faults += 1 }
        }
        // The seeds cover both: files read in several parts, and faults.
        XCTAssertGreaterThan(split, 120)
        XCTAssertGreaterThan(faults, 3)
    }

    /// The boundaries fall after a line feed outside quotes: a quoted field holding line feeds is never cut.
    func testBoundariesAreRecordBoundaries() throws {
        var text = "h1,h2\n"
        for i in 0..<50 { text += "\"line \(i)\nstill \(i)\r\nmore\",\(i)\n" }
        let path = tempFile(text)
        let parts = try CSVFileReader(path: path).parts(2, minimumBytes: 1)
        XCTAssertEqual(parts.count, 3)
        XCTAssertEqual(parts[0].start, 0)
        XCTAssertEqual(parts[0].end, 6)  // "h1,h2\n"
        XCTAssertEqual(parts[1].line, 2)
        let bytes = Array(text.utf8)
        XCTAssertEqual(bytes[parts[2].start - 1], 0x0A)
        XCTAssertEqual(bytes[parts[2].start], UInt8(ascii: "\""), "the second part starts at a record")
        // Each record spans three lines (LF, CRLF, LF): the part's line is 2 + 3 × the records before it.
        let before = bytes[0..<parts[2].start].filter { $0 == UInt8(ascii: "\"") }.count / 2
        XCTAssertEqual(parts[2].line, 2 + 3 * before)
        XCTAssertEqual(parts[2].end, bytes.count)
    }

    /// Long plain stretches (taken 32 and 8 bytes at a time) with a quote, a quoted line feed, a CRLF or a lone CR
    /// now and then at every offset: the boundaries and their lines are those of the byte-by-byte scan (7-byte
    /// reads never take the word paths).
    func testWordAtATimeScanFindsTheByteScansBoundaries() throws {
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var checked = 0
        for round in 0..<60 {
            var text = "employee_id,date,hours\n"
            for i in 0..<(200 + next(400)) {
                switch next(40) {
                case 0: text += "E\(i),\"a\nb\",8\n"
                case 1: text += "E\(i),2026-01-05,8\r\n"
                case 2: text += "E\(i),2026-01-05,8\r"
                case 3: text += "E\(i),\"x\"\"y\",8\n"
                case 4: text += "\n"
                default: text += "E\(i),2026-01-\(10 + next(20)),\(next(12)).\(next(10))\n"
                }
            }
            let path = tempFile(text)
            for count in [2, 3] {
                let bytewise = try CSVFileReader(path: path, chunkSize: 7).parts(count, minimumBytes: 1)
                for chunk in [64, 4096, 1 << 16] {
                    let fast = try CSVFileReader(path: path, chunkSize: chunk).parts(count, minimumBytes: 1)
                    XCTAssertEqual(fast, bytewise, "round \(round), \(count) parts, chunk \(chunk)")
                    checked += 1
                }
            }
            // The second part's line, counted by hand: one plus the line ends (CRLF once, lone CR, LF) before it.
            let parts = try CSVFileReader(path: path, chunkSize: 1 << 16).parts(2, minimumBytes: 1)
            let bytes = Array(text.utf8)[0..<parts[2].start]
            var ends = 0
            for (k, b) in zip(bytes.indices, bytes) where b == 0x0A || (b == 0x0D && (k + 1 == bytes.endIndex || bytes[k + 1] != 0x0A)) {
                ends += 1
            }
            XCTAssertEqual(parts[2].line, 1 + ends, "round \(round)")
        }
        XCTAssertEqual(checked, 360)
    }

    /// Too small, or no line feed after the header: one part, the whole file.
    func testSmallOrUnsplittableFilesAreOnePart() throws {
        let small = tempFile("a,b\n1,2\n3,4\n")
        XCTAssertEqual(try CSVFileReader(path: small).parts(2).count, 1)
        let crOnly = tempFile("a,b\r1,2\r3,4\r5,6\r")
        XCTAssertEqual(try CSVFileReader(path: crOnly).parts(2, minimumBytes: 1).count, 1)
    }

    /// A malformed quote in the second part: the records before it, then the fault at its line, as in order.
    func testFaultInALaterPart() throws {
        var text = "a,b\n"
        for i in 0..<40 { text += "\(i),x\n" }
        text += "41,bad\"quote\n42,y\n"
        let path = tempFile(text)
        let whole = try readAll(path)
        let parted = try readInParts(path, count: 2)
        XCTAssertEqual(whole.summary.fault, .malformedQuote(line: 42))
        XCTAssertEqual(parted.fault, whole.summary.fault)
        XCTAssertEqual(parted.rows, whole.rows)
    }

    /// GB18030 without a signature after an ASCII header: the first data part finds it out and the next part is
    /// read in it (what intake does), giving the rows of one reading.
    func testGB18030FoundInTheFirstPartCarriesOver() throws {
        var text = "id,name\n"
        for i in 0..<30 { text += "E\(i),王小明\n" }
        let gb = try XCTUnwrap(encodeGB18030(text))
        let path = tempFile(gb)
        let whole = try readAll(path)
        XCTAssertEqual(whole.summary.encoding, .gb18030)
        let parted = try readInParts(path, count: 2)
        XCTAssertEqual(parted.rows, whole.rows)
        XCTAssertNil(parted.fault)
    }
}
