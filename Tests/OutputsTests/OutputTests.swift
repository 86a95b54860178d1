import Foundation
import PayrollCore
import RunRecords
import Stages
import TestSupport
import XCTest

@testable import Outputs
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
}
