import Foundation
import PayrollCore
import Stages
import TestSupport
import XCTest

/// The tax export itemizes the special additional deductions from employees.csv's sd_* columns (CONTRACT), cumulative
/// over the year, in the withholding client's 累计子女教育 … 累计3岁以下婴幼儿照护 columns.
final class TaxExportTests: XCTestCase {
    static let categories = [
        "sd_children_education", "sd_continuing_education", "sd_housing_loan", "sd_housing_rent", "sd_elderly_support", "sd_infant_care",
    ]

    /// One month of the demo with deductions by category for D001 (five categories) and D002 (rent): every category is used.
    /// The amounts are the monthly standards of 国发〔2022〕8号 / 国发〔2023〕13号: children 2,000 each, continuing education 400,
    /// housing loan 1,000, rent 1,500 (a provincial capital), elderly 3,000 (an only child), infant care 2,000 each.
    func month(_ fixture: String, d001: [String], d002: [String], d004Total: String?) throws -> DemoMonth {
        let m = try DemoMonth(fixture)
        for c in Self.categories { m.addColumn("employees.csv", c) }
        for (c, v) in zip(Self.categories, d001) { m.set("employees.csv", "D001", c, v) }
        for (c, v) in zip(Self.categories, d002) { m.set("employees.csv", "D002", c, v) }
        m.set("employees.csv", "D001", "special_deduction", "")  // then the sum of the categories
        m.set("employees.csv", "D002", "special_deduction", d002.compactMap { Int($0) }.reduce(0, +).description)  // or equal to it
        if let d004Total { m.set("employees.csv", "D004", "special_deduction", d004Total) }
        try m.write()
        return m
    }

    func wageRow(_ folder: String, _ id: String) throws -> [String: String] {
        let x = try XLSXContent.read(folder + "/tax_withholding.xlsx")
        let rows = try XCTUnwrap(x.sheet("正常工资薪金所得"))
        let header = rows[0].map(\.value)
        let row = try XCTUnwrap(rows.first { $0.first?.value == id })
        return Dictionary(uniqueKeysWithValues: zip(header, row.map(\.value) + Array(repeating: "", count: max(0, header.count - row.count))))
    }

    func testItemizedCumulativeColumnsEqualTheHandSums() throws {
        let root = tempDir()
        // January: D001 one child, continuing education, loan, elderly, one infant = 2000+400+1000+3000+2000 = 8,400.
        let jan = try month("demo", d001: ["2000", "400", "1000", "", "3000", "2000"], d002: ["", "", "", "1500", "", ""], d004Total: "1000")
        XCTAssertTrue(try runPeriod("2026-01", input: jan.dir, root: root).finished)
        // February: D001's second child is born into education age: children 4,000; the rest as January (10,400).
        let feb = try month(
            "demo-2026-02", d001: ["4000", "400", "1000", "", "3000", "2000"], d002: ["", "", "", "1500", "", ""], d004Total: "1000")
        XCTAssertTrue(try runPeriod("2026-02", input: feb.dir, root: root).finished)

        let f = root + "/2026-02"
        let d001 = try wageRow(f, "D001")
        // Hand sums, January + February: children 2000+4000, continuing 400+400, loan 1000+1000, elderly 3000+3000, infant 2000+2000.
        XCTAssertEqual(d001["累计子女教育"], "6000")
        XCTAssertEqual(d001["累计继续教育"], "800")
        XCTAssertEqual(d001["累计住房贷款利息"], "2000")
        XCTAssertEqual(d001["累计住房租金"], "0")
        XCTAssertEqual(d001["累计赡养老人"], "6000")
        XCTAssertEqual(d001["累计3岁以下婴幼儿照护"], "4000")
        XCTAssertEqual(d001["其他"], "", "itemized: nothing in 其他")
        let d002 = try wageRow(f, "D002")
        XCTAssertEqual(d002["累计住房租金"], "3000")  // 1500 × 2
        // The register's cumulative total is the same figure: 8,400 + 10,400 = 18,800 for D001.
        let reg = try register(f + "/payroll_register.csv")
        XCTAssertEqual(reg.first { $0["employee_id"] == "D001" }?["ytd_additional"], "18800.00")
        XCTAssertEqual(reg.first { $0["employee_id"] == "D002" }?["ytd_additional"], "3000.00")
        // Only a total: today's behaviour, said so in 备注 (1,000 a month, two months).
        let d004 = try wageRow(f, "D004")
        XCTAssertEqual(d004["其他"], "2000")
        XCTAssertTrue(d004["备注"]?.contains("未分项") ?? false, "\(d004)")
        XCTAssertEqual(d004["累计子女教育"], "")
        // The ledger carries the categories to the next month.
        let ledger = try String(contentsOfFile: f + "/ytd_ledger.csv", encoding: .utf8)
        XCTAssertTrue(
            ledger.split(separator: "\n")[0].hasSuffix(
                "ytd_sd_children_education,ytd_sd_continuing_education,ytd_sd_housing_loan,ytd_sd_housing_rent,ytd_sd_elderly_support,ytd_sd_infant_care"
            ))
    }

    func testATotalThatIsNotTheSumOfItsCategoriesIsAnError() throws {
        let m = try DemoMonth()
        for c in Self.categories { m.addColumn("employees.csv", c) }
        m.set("employees.csv", "D003", "sd_housing_rent", "1500")
        let line = m.set("employees.csv", "D003", "special_deduction", "1000")
        let c = try m.validate()
        XCTAssertTrue(
            c.batch.diagnostics.contains { $0.code == Code.specialDeductionSum.rawValue && $0.line == line && $0.severity == .error },
            "\(c.batch.diagnostics)")
        XCTAssertFalse(c.batch.diagnostics.contains { $0.messageEN.contains("1500") || $0.messageZH.contains("1500") }, "no amount in a message")
    }
}
