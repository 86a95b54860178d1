import CSVReader
import Foundation
import PayrollCore
import RunRecords
import Stages
import TestSupport
import XCTest

@testable import Outputs
@testable import Pipeline

final class OutputTests: XCTestCase {
    /// The digest a CSV writer returns is the file's own (past its 1 MiB buffer, with quoted fields), and the manifest
    /// lists the register and ledger with the digests of their bytes on disk.
    func testCSVDigestsAreTheFilesOwn() throws {
        let path = tempDir() + "/t.csv"
        let w = try CSVStreamWriter(path: path, forPeople: true)
        for i in 0..<60_000 {
            w.field("E\(i)")
            w.field("欧阳, 小\"明\"")
            w.field(Money(fen: Int64(i) * -37))
            w.field(integer: i)
            try w.endRow()
        }
        let d = try w.close()
        let h = try FileHash.sha256(path: path)
        XCTAssertGreaterThan(h.bytes, 2 << 20)
        XCTAssertEqual(d.hex, h.hex)
        XCTAssertEqual(d.bytes, h.bytes)
        let o = try runPeriod("2026-01", input: "demo", root: tempDir())
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: o.folder + "/manifest.json"))) as! [String: Any]
        let outputs = manifest["outputs"] as! [[String: Any]]
        for name in ["payroll_register.csv", "ytd_ledger.csv"] {
            let entry = try XCTUnwrap(outputs.first { $0["path"] as? String == name }, name)
            XCTAssertEqual(entry["sha256"] as? String, try FileHash.sha256(path: o.folder + "/" + name).hex, name)
        }
    }

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
}
