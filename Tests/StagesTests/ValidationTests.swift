import Foundation
import PayrollCore
import PayrollRules
import RunRecords
import TestSupport
import XCTest

@testable import Pipeline
@testable import Stages

final class InvalidFixtureTests: XCTestCase {
    /// Each fixtures/invalid-* folder yields exactly the diagnostics in its expected.csv.
    func testEveryInvalidFixtureGivesExactlyItsDiagnostics() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.hasPrefix("invalid-") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 8)
        for name in names {
            let batch = try load(name)
            let got = Set(batch.diagnostics.map { Key(code: $0.code, file: $0.file, line: $0.line) })
            XCTAssertEqual(got.count, batch.diagnostics.count, "\(name): a diagnostic is repeated")
            let text = try String(contentsOf: fixtures.appendingPathComponent("\(name)/expected.csv"), encoding: .utf8)
            let expected = Set(
                text.split(separator: "\n").dropFirst().map { l -> Key in
                    let f = l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    return Key(code: f[0], file: f[1], line: Int(f[2]))
                })
            XCTAssertEqual(got, expected, "\(name): missing \(expected.subtracting(got)), unexpected \(got.subtracting(expected))")
            XCTAssertTrue(batch.hasErrors || expected.allSatisfy { Code(rawValue: $0.code)!.severity == .warning }, name)
        }
    }

    func testDiagnosticsCarryColumnEmployeeAndNoSalary() throws {
        let batch = try load("invalid-row-values")
        let money = batch.diagnostics.filter { $0.code == "R003" }
        XCTAssertEqual(money.map(\.column), ["base_salary", "position_salary", "allowance"])
        XCTAssertEqual(money.map(\.employeeID), ["D002", "D003", "D004"])
        for d in money {
            XCTAssertFalse(d.messageEN.contains("8000") || d.messageEN.contains("1,234") || d.messageEN.contains("1.2e4"), d.messageEN)
            XCTAssertFalse(d.messageZH.isEmpty)
        }
        let id = try load("invalid-identity").diagnostics.first { $0.code == "R008" }!
        let employee = try load("invalid-identity").employees.first { $0.id == id.employeeID }!
        XCTAssertFalse(id.messageEN.contains(employee.idNumber) || id.messageZH.contains(employee.idNumber))
        XCTAssertTrue(id.messageEN.contains("check character"))
    }
}

final class DemoTests: XCTestCase {
    func testDemoCompanyIsCleanAndBelievable() throws {
        let b = try load("demo")
        XCTAssertEqual(b.errorCount, 0, "\(b.diagnostics.prefix(5).map(\.messageEN))")
        XCTAssertGreaterThanOrEqual(b.employees.count, 40)
        XCTAssertGreaterThanOrEqual(Set(b.employees.map(\.department)).count, 4)
        XCTAssertEqual(Set(b.employees.map(\.deptType)), [.frontline, .backoffice])
        XCTAssertGreaterThanOrEqual(Set(b.employees.map(\.city)).count, 2)
        XCTAssertEqual(b.inputs.first { $0.kind == "employees" }?.encoding, "GB18030")
        let period = b.period
        XCTAssertTrue(b.employees.contains { $0.hireDate > period.firstDay && $0.hireDate <= period.lastDay })
        XCTAssertTrue(b.employees.contains { ($0.leaveDate ?? period.lastDay) < period.lastDay })
        XCTAssertTrue(b.attendance.contains { $0.days(.sickLeave) > .zero })
        for k in OvertimeKind.allCases { XCTAssertTrue(b.attendance.contains { $0.overtime(k) > .zero }, "\(k)") }
        XCTAssertTrue(b.adjustments.contains { $0.code == "annual_bonus" })
        XCTAssertEqual(b.employees.map(\.id), b.employees.map(\.id).sorted())
        // A name with a comma and quotes survives; a leading-zero account stays text.
        XCTAssertTrue(b.employees.contains { $0.name == "欧阳, 小\"明\"" })
        XCTAssertTrue(b.employees.contains { $0.bankAccount.hasPrefix("0") && $0.bankAccount.count == 19 })
        // 360 with a peer group under 3 raters.
        let d024 = Int32(b.employees.firstIndex { $0.id == "D024" }!)
        let peers = Set(b.scores.filter { $0.employee == d024 && $0.raterGroup == .peer }.map(\.raterID))
        XCTAssertEqual(peers.count, 2)
    }

    func testResultDoesNotDependOnThreads() throws {
        let one = try load("demo", threads: 1)
        let two = try load("invalid-references", threads: 2)
        let oneAgain = try load("demo", threads: 2)
        let twoAgain = try load("invalid-references", threads: 1)
        XCTAssertEqual(one.diagnostics, oneAgain.diagnostics)
        XCTAssertEqual(two.diagnostics, twoAgain.diagnostics)
        XCTAssertEqual(one.attendance.map(\.halfDays), oneAgain.attendance.map(\.halfDays))
    }
}

final class RobustnessTests: XCTestCase {
    /// Damaged files each give a diagnostic and never crash.
    func testDamagedFilesGiveDiagnostics() throws {
        func damaged(_ file: String, _ bytes: [UInt8]) throws -> [Diagnostic] {
            let dir = copyOf("demo")
            _ = FileManager.default.createFile(atPath: dir + "/" + file, contents: Data(bytes))
            return try load(dir).diagnostics
        }
        let employees = try Data(contentsOf: fixtures.appendingPathComponent("demo/employees.csv"))
        // Truncated in the middle of a row: the last row is short.
        let truncated = try damaged("employees.csv", Array(employees.prefix(employees.count - 40)))
        XCTAssertTrue(truncated.contains { $0.code == "R001" && $0.file == "employees.csv" })
        // Binary garbage.
        var rng = SystemRandomNumberGenerator()
        let garbage = try damaged("attendance.csv", (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) })
        XCTAssertTrue(garbage.contains { $0.file == "attendance.csv" && $0.severity == .error })
        // Unterminated quote.
        XCTAssertTrue(
            try damaged("adjustments.csv", Array("employee_id,code,amount,note\nD001,back_pay,1.00,\"open\n".utf8))
                .contains { $0.code == "F008" && $0.line == 2 })
        // A 10 MB field.
        let big = "employee_id,code,amount,note\nD001,back_pay,1.00," + String(repeating: "x", count: 10 << 20) + "\n"
        XCTAssertTrue(try damaged("adjustments.csv", Array(big.utf8)).contains { $0.code == "R016" && $0.line == 2 && $0.column == "note" })
        // Empty file and header-only file.
        XCTAssertTrue(try damaged("employees.csv", []).contains { $0.code == "F003" && $0.file == "employees.csv" })
        XCTAssertTrue(try damaged("attendance.csv", Array("employee_id,date,status\n".utf8)).contains { $0.code == "F009" })
        // Missing required file.
        let dir = copyOf("demo")
        try FileManager.default.removeItem(atPath: dir + "/scores.csv")
        XCTAssertTrue(try load(dir).diagnostics.contains { $0.code == "F001" && $0.file == "scores.csv" })
    }

    func testFloodOfBadRowsIsCappedAndCounted() throws {
        let dir = copyOf("demo")
        var text = "employee_id,date,status\n"
        for i in 0..<3000 { text += "NOBODY\(i),2026-01-05,present\n" }
        _ = FileManager.default.createFile(atPath: dir + "/attendance.csv", contents: Data(text.utf8))
        let d = try load(dir).diagnostics.filter { $0.code == "X001" && $0.file == "attendance.csv" }
        XCTAssertEqual(d.count, 1001)  // 1000 listed + one summary line
        XCTAssertTrue(d.contains { $0.messageEN.hasPrefix("2000 more problems") })
    }
}
