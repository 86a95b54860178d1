import CSVReader
import Foundation
import PayrollCore
import PayrollRules
import RunRecords
import Stages
import TestSupport
import XCTest

@testable import Outputs
@testable import Pipeline

final class BadInputTests: XCTestCase {
    /// Issue 12's first batch: a required column missing and errors in every file. Before, the missing
    /// column hid 11 of the 16 planted errors; now each is reported at its file and line, with the column.
    func testAMissingColumnHidesNothingElse() throws {
        let m = try DemoMonth()
        m.dropColumn("employees.csv", "cost_center")
        var planted: Set<Key> = [Key(code: "F004", file: "employees.csv", line: 1)]
        func plant(_ code: String, _ file: String, _ line: Int) { planted.insert(Key(code: code, file: file, line: line)) }
        plant("R003", "employees.csv", m.set("employees.csv", "D002", "base_salary", "\"6,0000.00\""))  // thousands grouping wrong
        plant("R004", "employees.csv", m.set("employees.csv", "D003", "hire_date", "2024-13-45"))  // no such date
        // D004's ID number with another check character (ISO 7064 MOD 11-2 gives exactly one).
        let id = m.cell("employees.csv", "D004", "id_number")
        let wrong = String(id.dropLast()) + (id.last == "1" ? "2" : "1")
        XCTAssertNotNil(ResidentID.validate(Array(wrong.utf8)))
        plant("R008", "employees.csv", m.set("employees.csv", "D004", "id_number", wrong))
        plant("R011", "employees.csv", m.set("employees.csv", "D005", "city", "atlantis"))
        plant("R012", "employees.csv", m.set("employees.csv", "D006", "hf_rate", "0.20"))  // Shanghai: 0.05–0.07
        plant("R010", "employees.csv", m.set("employees.csv", "D008", "employee_id", "D007"))
        plant("R003", "employees.csv", m.set("employees.csv", "D012", "si_base", "1.2e4"))
        plant("R019", "employees.csv", m.set("employees.csv", "D010", "bank_code", "IXBC"))
        plant("R015", "employees.csv", m.set("employees.csv", "D011", "bank_account", "6.22E+18"))
        plant("X001", "attendance.csv", m.set("attendance.csv", "D013", "employee_id", "D999"))
        plant("R009", "attendance.csv", m.set("attendance.csv", line: m.line("attendance.csv", "D014"), "date", "2026-02-01"))
        plant("R004", "attendance.csv", m.set("attendance.csv", line: m.line("attendance.csv", "D015"), "date", "2026/13/1"))
        // D001's first KPI weight 0.5 → 0.4: its weights sum to 0.9 (reported on the group's first row).
        plant("X003", "scores.csv", m.set("scores.csv", "D001", "weight", "0.4"))
        plant("R003", "adjustments.csv", m.set("adjustments.csv", "D004", "amount", "1500.005"))
        plant("X004", "adjustments.csv", m.set("adjustments.csv", "D018", "code", "bonus_typo"))
        plant("X001", "coaching.csv", m.set("coaching.csv", line: 2, "employee_id", "D998"))
        XCTAssertEqual(planted.count, 17)
        let c = try m.validate()
        let got = keys(c.batch)
        XCTAssertEqual(planted.subtracting(got), [], "missing; got \(got.sorted { $0.description < $1.description })")
        XCTAssertTrue(c.batch.diagnostics.contains { $0.code == "F004" && $0.column == "cost_center" })
        // The missing column is said once, not once per row.
        XCTAssertEqual(c.batch.diagnostics.filter { $0.code == "R002" }.count, 0)
        XCTAssertNil(c.run)
    }

    // MARK: paths

    func testIDsThatWouldLeaveThePayslipFolderAreErrorsAndNothingIsWrittenOutside() throws {
        let m = try DemoMonth()
        let long = "D" + String(repeating: "9", count: 300)
        let lines = [
            m.set("employees.csv", "D002", "employee_id", "../../../escape1"),
            m.set("employees.csv", "D003", "employee_id", "D004.pdf\u{0}"),
            m.set("employees.csv", "D005", "employee_id", "a/b"),
            m.set("employees.csv", "D006", "employee_id", long),
            m.set("employees.csv", "D007", "employee_id", ".hidden"),
            m.set("employees.csv", "D008", "employee_id", "x\\y"),
        ]
        let outer = tempDir()
        let root = outer + "/a/b/c/root"
        try m.write()
        let o = try PeriodRunner.execute(
            RunSettings(
                definition: definition, period: Period("2026-01")!, inputDirectory: m.dir,
                outputRoot: root, threads: 0))
        XCTAssertFalse(o.finished)
        for l in lines { XCTAssertTrue(keys(o.batch).contains(Key(code: "R017", file: "employees.csv", line: l)), "line \(l)") }
        // No message quotes the IDs.
        XCTAssertFalse(
            o.batch.diagnostics.contains {
                $0.messageEN.contains("escape1") || $0.messageZH.contains("escape1") || ($0.employeeID ?? "").contains("escape")
            })
        // Nothing outside the root.
        let all = FileManager.default.enumerator(atPath: outer)!.compactMap { $0 as? String }
        XCTAssertEqual(all.filter { !$0.hasPrefix("a/b/c/root") && !["a", "a/b", "a/b/c"].contains($0) }, [])
        XCTAssertFalse(all.contains { $0.contains("escape1") })
    }

    // MARK: overflow

    func testHugeAmountsAreErrorsNotTraps() throws {
        let m = try DemoMonth()
        let l1 = m.set("employees.csv", "D002", "base_salary", "9000000000000.00")  // 9 × 10^12 yuan: parses, beyond the cell bound
        let l2 = m.set("employees.csv", "D003", "si_base", "100000000.01")  // one fen over 100,000,000.00
        let l3 = m.set("adjustments.csv", "D001", "amount", "99999999999999.99")  // too large even to parse as fen safely
        let c = try m.validate()
        XCTAssertTrue(
            keys(c.batch).isSuperset(of: [
                Key(code: "R018", file: "employees.csv", line: l1),
                Key(code: "R018", file: "employees.csv", line: l2),
            ]), "\(keys(c.batch))")
        XCTAssertTrue(keys(c.batch).contains { $0.file == "adjustments.csv" && $0.line == l3 && ["R003", "R018"].contains($0.code) })
        // Exactly the bound is allowed.
        let n = try DemoMonth()
        n.set("employees.csv", "D003", "si_base", "100000000.00")
        XCTAssertFalse(try n.validate().batch.diagnostics.contains { $0.code == "R018" })
    }

    func testAnEmployeesSumBeyondTheArithmeticIsADiagnosticNamingThem() throws {
        // 100,001 adjustments of 100,000,000.00 yuan (each within the cell bound) sum to 1.00001 × 10^13 yuan,
        // just beyond the 10^13 yuan one employee's gross may reach: a diagnostic, never a trap.
        let m = try DemoMonth()
        for k in 0..<100_001 { m.append("adjustments.csv", ["employee_id": "D002", "code": "back_pay", "amount": "100000000.00", "note": "n\(k)"]) }
        let c = try m.validate()
        XCTAssertTrue(
            c.batch.diagnostics.contains { $0.code == "N004" && $0.employeeID == "D002" },
            "\(c.batch.diagnostics.prefix(5).map(\.messageEN))")
        XCTAssertTrue(c.batch.hasErrors)
    }

    func testCheckedMoneyArithmetic() throws {
        let big = Money(fen: Int64.max - 1)
        XCTAssertThrowsError(try big.adding(Money(fen: 2)))
        XCTAssertThrowsError(try Money(fen: Int64.min).subtracting(Money(fen: 1)))
        XCTAssertEqual(try Money(fen: 150).adding(Money(fen: -50)), Money(fen: 100))
        XCTAssertThrowsError(try Exact(Int128(Int64.max), 1).checkedMoney())  // 9.2 × 10^18 yuan is 100× too many fen
        XCTAssertEqual(try Exact(12345, 100).checkedMoney(), Money(fen: 12345))
    }

    // MARK: limits of the writers, found by validate

    func testWriterLimitsAreFoundByValidate() throws {
        // A 33-digit account: R015 allows up to 34, but the CCB fixed layout that pays the "*" banks holds 32.
        let m = try DemoMonth()
        let ccbPaid = "D002"  // banks with CMB: paid by the "*" account (ccb-shanghai-fixed.yaml)
        let la = m.set("employees.csv", ccbPaid, "bank_account", String(repeating: "6", count: 33))
        // A name longer than an Excel cell.
        let ln = m.set("employees.csv", "D003", "name", String(repeating: "名", count: 32_768))
        let c = try m.validate()
        XCTAssertTrue(keys(c.batch).contains(Key(code: "R020", file: "employees.csv", line: ln)), "\(keys(c.batch))")
        // With the name fixed, the account is found in the pay stage of validate, at its line.
        m.set("employees.csv", line: ln, "name", "张三")
        let d = try m.validate()
        let n006 = d.batch.diagnostics.filter { $0.code == "N006" }
        XCTAssertEqual(n006.map(\.line), [la], "\(d.batch.diagnostics.map(\.messageEN))")
        XCTAssertEqual(n006.first?.column, "bank_account")
        XCTAssertFalse(n006.first?.messageEN.contains("666666") ?? true)
        // And run stops on data errors (exit 1), not with an operational failure.
        let o = try PeriodRunner.execute(
            RunSettings(
                definition: definition, period: Period("2026-01")!, inputDirectory: m.dir,
                outputRoot: tempDir(), threads: 0))
        XCTAssertFalse(o.finished)
        XCTAssertTrue(o.batch.hasErrors)
    }

    func testABankTotalWiderThanItsFieldIsFoundByValidate() throws {
        // The CCB header's total_cents is 12 digits: at most 9,999,999,999.99 yuan. 250 back pays of
        // 100,000,000.00 yuan to one employee it pays make a net beyond that.
        let m = try DemoMonth()
        for k in 0..<250 { m.append("adjustments.csv", ["employee_id": "D002", "code": "back_pay", "amount": "100000000.00", "note": "n\(k)"]) }
        let c = try m.validate()
        let n006 = c.batch.diagnostics.filter { $0.code == "N006" }
        XCTAssertEqual(n006.count, 1, "\(c.batch.diagnostics.map(\.messageEN))")
        XCTAssertTrue(n006[0].messageEN.contains("total_cents needs 13 positions but the layout gives 12"), n006[0].messageEN)
    }

    // MARK: encodings and line ends

    func testAFileCutInsideTheLastCharacterIsAnErrorNotADroppedRow() throws {
        let m = try DemoMonth()
        try m.write()
        let p = m.dir + "/adjustments.csv"
        var data = try Data(contentsOf: URL(fileURLWithPath: p))
        while data.last == 0x0A { data.removeLast() }
        // The last field ends in "补发"; cut the final character after its first byte.
        let cut = data.count - 2
        data = data.prefix(cut)
        try data.write(to: URL(fileURLWithPath: p))
        var s = RunSettings(definition: definition, period: Period("2026-01")!, inputDirectory: m.dir, outputRoot: tempDir(), threads: 0)
        s.validateOnly = true
        let c = try PeriodRunner.compute(s)
        let f002 = c.batch.diagnostics.filter { $0.code == "F002" && $0.file == "adjustments.csv" }
        XCTAssertEqual(f002.count, 1)
        XCTAssertEqual(f002.first?.line, 6)
        XCTAssertTrue(f002.first?.messageEN.contains("byte offset \(cut - 1)") ?? false, f002.first?.messageEN ?? "")
    }

    func testCROnlyAndMixedLineEndsGiveTheRightLines() throws {
        for lineEnd in ["\r", "\r\n", "\n"] {
            let m = try DemoMonth()
            let l = m.set("attendance.csv", line: 40, "status", "holidayz")
            try m.write(lineEnd: lineEnd)
            var s = RunSettings(definition: definition, period: Period("2026-01")!, inputDirectory: m.dir, outputRoot: tempDir(), threads: 0)
            s.validateOnly = true
            let c = try PeriodRunner.compute(s)
            XCTAssertEqual(c.batch.diagnostics.filter { $0.code == "R006" }.map(\.line), [l], lineEnd.debugDescription)
        }
        // Mixed, with a quoted field spanning a lone CR.
        let dir = tempDir()
        let text = "a,b\r\n1,2\r3,\"x\ry\"\n5,6\r\n7,8"
        try text.write(toFile: dir + "/m.csv", atomically: true, encoding: .utf8)
        var lines: [Int] = []
        _ = try CSVFileReader(path: dir + "/m.csv").read { lines.append($0.line) }
        XCTAssertEqual(lines, [1, 2, 3, 5, 6])
    }

    // MARK: banks

    func testUnknownBankCodesAreErrorsAndCNAPSCodesAreAccepted() throws {
        let m = try DemoMonth()
        let bad = m.set("employees.csv", "D002", "bank_code", "IXBC")
        m.set("employees.csv", "D003", "bank_code", "102")  // ICBC by its CNAPS bank category code
        m.set("employees.csv", "D004", "bank_code", "icbc")
        let c = try m.validate()
        XCTAssertEqual(c.batch.diagnostics.filter { $0.code == "R019" }.map(\.line), [bad])
        XCTAssertFalse(c.batch.diagnostics.contains { $0.messageEN.contains("IXBC") }, "the cell is described, not quoted")
        m.set("employees.csv", line: bad, "bank_code", "CMB")
        let d = try m.validate()
        XCTAssertFalse(d.batch.hasErrors, "\(d.batch.diagnostics.map(\.messageEN))")
        XCTAssertEqual(d.batch.employees.first { $0.id == "D003" }?.bankCode, "ICBC")
        XCTAssertEqual(d.batch.employees.first { $0.id == "D004" }?.bankCode, "ICBC")
        XCTAssertEqual(standardPack.bank(named: "308")?.code, "CMB")
        XCTAssertEqual(standardPack.bank(named: "中国建设银行")?.bic, "PCBCCNBJ")
        XCTAssertGreaterThanOrEqual(standardPack.banks.count, 15)
    }

    // MARK: personal data in messages

    func testSwappedColumnsQuoteNoValueUnlessAsked() throws {
        let m = try DemoMonth()
        m.renameColumns("employees.csv", "hire_date", "id_number")
        m.renameColumns("employees.csv", "bank_code", "bank_account")
        m.renameColumns("employees.csv", "city", "base_salary")
        m.renameColumns("adjustments.csv", "code", "amount")
        let secrets =
            m.tables["employees.csv"]!.rows.flatMap { r -> [String] in
                let c = r.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                return [
                    c[m.column("employees.csv", "hire_date")], c[m.column("employees.csv", "bank_code")],
                    c[m.column("employees.csv", "city")],
                ]  // (after the swap: ID numbers, accounts, salaries)
            } + ["36000.00", "36001.00", "1500.00"]
        XCTAssertTrue(secrets.contains("310104197502218663"))
        let c = try m.validate()
        XCTAssertGreaterThan(c.batch.errorCount, 40)
        for d in c.batch.diagnostics {
            for s in secrets where s.count >= 6 {
                XCTAssertFalse(
                    d.messageEN.contains(s) || d.messageZH.contains(s) || d.employeeID == s, "\(d.code) \(d.file):\(d.line ?? 0) \(d.messageEN)")
            }
        }
        XCTAssertTrue(c.batch.diagnostics.contains { $0.code == "R004" && $0.messageEN.hasSuffix("found 18 digits") })
        // The report files and the terminal show the same messages; with --show-values they quote the cells.
        let shown = try m.validate(showValues: true)
        XCTAssertTrue(shown.batch.diagnostics.contains { $0.code == "R004" && $0.messageEN.contains("\"310104197502218663\"") })
    }

    func testTheTerminalAndTheReportQuoteNoValueUnlessAsked() throws {
        let m = try DemoMonth()
        m.renameColumns("employees.csv", "hire_date", "id_number")
        try m.write()
        let idNumber = "310104197502218663"  // D001's, now under hire_date
        XCTAssertTrue(m.tables["employees.csv"]!.rows[0].contains(idNumber))
        let root = tempDir()
        let quiet = try payroll(["validate", "--input", m.dir, "--out", root])
        XCTAssertEqual(quiet.status, 1)
        let report = try String(contentsOfFile: root + "/2026-01/validation.csv", encoding: .utf8)
        XCTAssertTrue(report.contains("R004"))
        for text in [quiet.out, quiet.err, report] { XCTAssertFalse(text.contains(idNumber)) }
        let loud = try payroll(["validate", "--input", m.dir, "--out", tempDir(), "--show-values"])
        XCTAssertEqual(loud.status, 1)
        XCTAssertTrue(loud.out.contains(idNumber), loud.out)
    }

    // MARK: duplicates

    func testDuplicateRowsAreReported() throws {
        let m = try DemoMonth()
        let first = m.line("adjustments.csv", "D004")
        let row = m.tables["adjustments.csv"]!.rows[first - 2].split(separator: ",").map(String.init)
        let again = m.append("adjustments.csv", ["employee_id": row[0], "code": row[1], "amount": row[2], "note": row[3]])
        // A 360 rating pasted twice: D023's manager rating of Q1.
        let r = m.line("scores.csv", "D023") { $0[1] == "360" && $0[4] == "manager" }
        let cells = m.tables["scores.csv"]!.rows[r - 2]
        m.appendRaw(cells, "scores.csv")
        let pasted = m.tables["scores.csv"]!.rows.count + 1
        let c = try m.validate()
        let x006 = c.batch.diagnostics.filter { $0.code == "X006" }
        XCTAssertEqual(x006.map(\.line), [again])
        XCTAssertTrue(x006.first?.messageEN.contains("line \(first)") ?? false)
        XCTAssertEqual(x006.first?.severity, .warning)
        let x007 = c.batch.diagnostics.filter { $0.code == "X007" }
        XCTAssertEqual(x007.map(\.line), [pasted])
        XCTAssertTrue(x007.first?.messageEN.contains("first on line \(r)") ?? false)
        XCTAssertEqual(x007.first?.severity, .error)
    }
}
