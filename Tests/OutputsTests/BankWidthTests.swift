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
                        XCTAssertEqual(
                            BankFiles.detailWidth(BankFiles.StrictDetail(f), seq: seq, payment: p, employees: employees),
                            BankFiles.detailWidth(f, seq: seq, payment: p, employees: employees), "\(f) by kind")
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

    /// The payments that do not fit, found over ranges by several threads, are those one pass finds, in order; and
    /// the parts a file is split into are those a walk payment by payment gives, when the whole fits (one part) or not.
    func testMisfitsAndPartsAsOnePass() throws {
        let employees = (0..<50).map { k in
            Employee(
                id: "E\(k)", name: "龚洋", idNumber: "", department: "D", deptType: .frontline, position: "p",
                costCenter: "CC", city: "shanghai", hireDate: Day(year: 2020, month: 1, day: 1)!, leaveDate: nil, contractEnd: nil,
                baseSalary: .zero, positionSalary: .zero, allowance: nil, bonusBase: nil, siBase: .zero, hfBase: nil, hfRate: .zero,
                specialDeduction: nil, bankCode: "BOC", bankAccount: String(repeating: "6", count: 10 + k % 12), line: k + 2, rowValid: true)
        }
        var g = SystemRandomNumberGenerator()
        let payments = (0..<300_000).map { n in
            BankFiles.Payment(
                employeeIndex: n % 50, amount: Money(fen: Int64.random(in: 1...(n % 1000 == 0 ? 10_000_000_000 : 9_999_999), using: &g)))
        }
        let columns: [(name: String, width: Int)] = [("seq", 6), ("account", 20), ("amount", 11), ("amount_cents", 10)]
        let one = BankFiles.misfits(payments, columns: columns, employees: employees, threads: 1)
        let oneByHand = payments.indices.filter { n in
            columns.contains { c in (BankFiles.detailWidth(c.name, seq: n + 1, payment: payments[n], employees: employees) ?? 0) > c.width }
        }
        XCTAssertEqual(one, oneByHand)
        XCTAssertEqual(BankFiles.misfits(payments, columns: columns, employees: employees, threads: 4), oneByHand)
        // By hand: accounts of 21 digits (k % 12 == 11: employees 11, 23, 35, 47, every 50th payment each) do not fit 20
        // positions: 4 / 50 × 300,000 = 24,000 payments, and some of the large amounts besides.
        XCTAssertGreaterThanOrEqual(one.count, 24_000)
        // Parts: a walk payment by payment, by hand, against `parts`, for widths that fit the whole and widths that do not.
        for totals in [[("count", 7), ("total_cents", 16)], [("count", 7), ("total_cents", 12)], [("count", 4), ("total", 20)]]
            as [[(name: String, width: Int)]]
        {
            var expected: [Range<Int>] = []
            var start = 0
            var total = Money.zero
            for i in payments.indices {
                let next = total + payments[i].amount
                let fits = totals.allSatisfy { (BankFiles.totalWidth($0.name, count: i - start + 1, total: next) ?? 0) <= $0.width }
                if i > start && !fits {
                    expected.append(start..<i)
                    (start, total) = (i, payments[i].amount)
                } else {
                    total = next
                }
            }
            expected.append(start..<payments.count)
            XCTAssertEqual(try BankFiles.parts(payments, totalFields: totals), expected, "\(totals)")
        }
    }
}
