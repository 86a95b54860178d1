import Foundation
import Outputs
import PayrollCore
import XCTest

@testable import Pipeline

final class OutputTests: XCTestCase {
    /// The first sheet's cell texts, through the independent reader (XLSXReader.swift).
    func readXLSX(_ path: String) throws -> [[String]] {
        try XLSXContent.read(path).sheets[0].rows.map { $0.map(\.value) }
    }

    func testValidationReportAsCSVAndXLSX() throws {
        let batch = try load("invalid-row-values")
        let dir = tempDir()
        try ValidationReport.writeCSV(batch.diagnostics, locale: .en, to: dir + "/v.csv")
        try ValidationReport.writeXLSX(batch.diagnostics, locale: .en, period: batch.period, to: dir + "/v.xlsx")
        let csv = try String(contentsOfFile: dir + "/v.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "code,severity,file,line,column,employee_id,message")
        XCTAssertEqual(csv.count, batch.diagnostics.count + 1)
        let rows = try readXLSX(dir + "/v.xlsx")
        XCTAssertEqual(rows.first, ValidationReport.columns)
        XCTAssertEqual(rows.count, batch.diagnostics.count + 1)
        XCTAssertEqual(rows[1][0], batch.diagnostics[0].code)
        XCTAssertEqual(rows[1][3], String(batch.diagnostics[0].line!))
    }

    func testRunFolderAppearsOnlyWhenCommitted() throws {
        let root = tempDir()
        do {
            let f = try RunFolder(root: root, name: "2026-01")
            _ = FileManager.default.createFile(atPath: try f.path("a.txt"), contents: Data("1".utf8))
            XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/2026-01"))
            try f.commit()
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/2026-01/a.txt"))
        do {
            // An abandoned run leaves nothing behind and the earlier folder intact.
            let g = try RunFolder(root: root, name: "2026-01")
            _ = FileManager.default.createFile(atPath: try g.path("b.txt"), contents: Data("2".utf8))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), ["2026-01"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/2026-01/b.txt"))
    }

    func testManifestIsDeterministicWithSortedKeys() throws {
        var m = Manifest(pipeline: "monthly", period: Period("2026-01")!)
        m.outputs = [ManifestEntry(kind: "validation-report", path: "validation.csv", sha256: "ab", bytes: 2)]
        let a = try m.data()
        let b = try m.data()
        XCTAssertEqual(a, b)
        let obj = try JSONSerialization.jsonObject(with: a) as! [String: Any]
        XCTAssertEqual(obj["period"] as? String, "2026-01")
        XCTAssertNotNil(obj["inputs"] as? [Any])
        let h = try FileHash.sha256(path: fixtures.appendingPathComponent("demo/employees.csv").path)
        XCTAssertEqual(h.hex.count, 64)
        // SHA-256 of "abc" (FIPS 180-2 example).
        let p = tempDir() + "/abc"
        _ = FileManager.default.createFile(atPath: p, contents: Data("abc".utf8))
        XCTAssertEqual(try FileHash.sha256(path: p).hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
