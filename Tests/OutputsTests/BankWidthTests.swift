import PayrollCore
import XCTest

@testable import Outputs

/// The bank check counts a fixed-width field's bytes without making its text: the count is the text's, for every
/// field a layout never cuts and the others.
final class BankWidthTests: XCTestCase {
    func testWidthIsTheTextsLength() throws {
        let accounts = ["6224824553459850203", "62248245", "6224 8245 5345", "账号 6224", String(repeating: "9", count: 34), ""]
        let employees = accounts.enumerated().map { k, account in
            Employee(
                id: "E\(k)", name: "龚洋", idNumber: "11010119900307002X", department: "销售一部", deptType: .frontline, position: "专员",
                costCenter: "CC", city: "shanghai", hireDate: Day(year: 2020, month: 1, day: 1)!, leaveDate: nil, contractEnd: nil,
                baseSalary: .zero, positionSalary: .zero, allowance: nil, bonusBase: nil, siBase: .zero, hfBase: nil, hfRate: .zero,
                specialDeduction: nil, bankCode: "BOC", bankAccount: account, line: k + 2, rowValid: true)
        }
        let amounts: [Int64] = [1, 9, 10, 99, 100, 999, 1_000, 12_345, 99_999_999, 100_000_000, 10_000_000_000, -1, -100, -123_456, Int64.max]
        let fields = ["seq", "account", "name", "amount", "amount_cents", "employee_id", "bank_code", "id_number", "other"]
        for (k, fen) in amounts.enumerated() {
            for e in employees.indices {
                let p = BankFiles.Payment(employeeIndex: e, amount: Money(fen: fen))
                for seq in [1, 9, 10, 999_999, 1_000_000, k * 37 + e] {
                    for f in fields {
                        XCTAssertEqual(
                            BankFiles.detailWidth(f, seq: seq, payment: p, employees: employees),
                            BankFiles.detailValue(f, seq: seq, payment: p, employees: employees)?.utf8.count, "\(f) \(fen) \(seq) \(e)")
                    }
                }
            }
        }
    }

    /// The totals' widths (a file split where its totals would not fit) equal their texts' lengths.
    func testTotalWidthIsTheTextsLength() {
        let totals: [Int64] = [0, 1, 9, 10, 99, 100, 12_345, -1, -99, -100, -123_456, Int64.max, Int64.min, 999_999_999_999]
        for fen in totals {
            for count in [0, 1, 9, 10, 999, 1_000_000] {
                for f in ["count", "total", "total_cents", "other"] {
                    XCTAssertEqual(
                        BankFiles.totalWidth(f, count: count, total: Money(fen: fen)),
                        BankFiles.totalValue(f, count: count, total: Money(fen: fen))?.utf8.count, "\(f) \(fen) \(count)")
                }
            }
        }
    }
}
