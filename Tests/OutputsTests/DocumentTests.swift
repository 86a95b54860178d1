import CSVReader
import Foundation
import PayrollCore
import PayrollRules
import RunRecords
import Stages
import TestSupport
import XCTest
import XLSX

@testable import Outputs
@testable import Pipeline

/// The demo January, run once for the document tests that only read what it wrote.
enum DemoJanuary {
    nonisolated(unsafe) static var cached: RunOutcome?

    /// The run (made on first use).
    static func outcome() throws -> RunOutcome {
        if let d = cached { return d }
        let o = try runPeriod("2026-01", input: "demo", root: tempDir())
        cached = o
        return o
    }
}

final class DocumentTests: XCTestCase {
    func demoRun() throws -> RunOutcome { try DemoJanuary.outcome() }

    func money(_ s: String) -> Money { Money.parse(s)! }

    func testWorkbooksAgreeWithTheRegister() throws {
        let o = try demoRun()
        let reg = try register(o.folder + "/payroll_register.csv")
        let netTotal = reg.reduce(Money.zero) { $0 + money($1["net_pay"]!) }
        let grossTotal = reg.reduce(Money.zero) { $0 + money($1["gross"]!) }

        let x = try XLSXContent.read(o.folder + "/payroll_register.xlsx")
        XCTAssertEqual(x.sheets.map(\.name), ["工资表"])
        let rows = x.sheet("工资表")!
        let header = try String(contentsOfFile: o.folder + "/payroll_register.csv", encoding: .utf8).split(separator: "\n")[0]
            .split(separator: ",").map(String.init)
        // Files for people start with a UTF-8 byte order mark (Excel on a Chinese Windows reads them as UTF-8); the
        // ledger and the manifest, read by programs, do not.
        let bom = Data([0xEF, 0xBB, 0xBF])
        for f in ["payroll_register.csv", "payroll_journal.csv", "validation.csv"] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: o.folder + "/" + f)).prefix(3), bom, f)
        }
        for f in ["ytd_ledger.csv", "manifest.json"] {
            XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: o.folder + "/" + f)).prefix(3), bom, f)
        }
        // Labels over codes; 工号 and 姓名 first, then the CSV's order.
        let codes = rows[1].map(\.value)
        XCTAssertEqual(Array(codes.prefix(2)), ["employee_id", "name"])
        XCTAssertEqual(Set(codes), Set(header))
        XCTAssertEqual(codes.dropFirst(2).filter { $0 != "name" }, header.filter { $0 != "employee_id" && $0 != "name" })
        XCTAssertEqual(Array(rows[0].map(\.value).prefix(2)), ["工号", "姓名"])
        XCTAssertEqual(rows[0][codes.firstIndex(of: "net_pay")!].value, "实发工资")
        XCTAssertEqual(rows[0][codes.firstIndex(of: "base")!].value, "基本工资")  // the structure's own label
        XCTAssertFalse(rows[0].contains { $0.value.contains("_") }, "a code among the labels")
        XCTAssertEqual(rows.count, reg.count + 3)  // labels, codes, employees, totals
        let net = codes.firstIndex(of: "net_pay")!
        let gross = codes.firstIndex(of: "gross")!
        XCTAssertEqual(rows.last![0].value, "合计")
        XCTAssertEqual(rows.last![net].kind, "n")
        XCTAssertEqual(money(rows.last![net].value), netTotal)
        XCTAssertEqual(money(rows.last![gross].value), grossTotal)
        // Money cells are numbers; IDs are text.
        XCTAssertEqual(rows[2][gross].kind, "n")
        XCTAssertEqual(rows[2][0].kind, "s")
        XCTAssertEqual(rows[2][1].value, reg.first { $0["employee_id"] == rows[2][0].value }?["name"])
        let sheetXML = try shell(["unzip", "-p", o.folder + "/payroll_register.xlsx", "xl/worksheets/sheet1.xml"]).0
        XCTAssertTrue(sheetXML.contains(#"<pane xSplit="2" ySplit="2" topLeftCell="C3""#), "frozen panes")

        let s = try XLSXContent.read(o.folder + "/summary.xlsx")
        XCTAssertEqual(s.sheets.map(\.name), ["部门汇总", "成本中心汇总", "绩效等级分布", "绩效排名", "历史得分"])
        let dept = s.sheet("部门汇总")!
        XCTAssertEqual(dept[0].map(\.value), ["部门", "人数"] + ExcelReports.summaryMoneyColumnsZH)
        XCTAssertEqual(money(dept.last![7].value), netTotal)  // 实发 total
        XCTAssertEqual(Int(dept.last![1].value), reg.count)
        XCTAssertEqual(money(s.sheet("成本中心汇总")!.last![2].value), grossTotal)
        XCTAssertEqual(s.sheets.first { $0.name == "部门汇总" }!.charts, 1)
        XCTAssertEqual(s.sheets.first { $0.name == "绩效等级分布" }!.charts, 1)
        let grades = s.sheet("绩效等级分布")!.dropFirst().reduce(0) { $0 + Int($1[1].value)! }
        XCTAssertEqual(grades, reg.count)

        let t = try XLSXContent.read(o.folder + "/tax_withholding.xlsx")
        XCTAssertEqual(t.sheets.map(\.name), ["正常工资薪金所得", "全年一次性奖金收入"])  // the demo pays two annual bonuses
        XCTAssertEqual(t.sheet("正常工资薪金所得")![0].map(\.value), ExcelReports.wageColumns)
        XCTAssertEqual(t.sheet("正常工资薪金所得")![0].count, 29)
        XCTAssertEqual(t.sheet("全年一次性奖金收入")![0].map(\.value), ExcelReports.bonusColumns)
        let wageIncome = t.sheet("正常工资薪金所得")!.dropFirst().reduce(Money.zero) { $0 + money($1[4].value) }
        XCTAssertEqual(wageIncome, grossTotal)
        XCTAssertEqual(
            t.sheet("全年一次性奖金收入")!.dropFirst().map { money($0[4].value) }.reduce(Money.zero, +),
            reg.reduce(Money.zero) { $0 + money($1["annual_bonus"]!) })
    }

    func testJournalBalancesPerCostCenter() throws {
        let o = try demoRun()
        let j = try register(o.folder + "/payroll_journal.csv")
        XCTAssertFalse(j.isEmpty)
        // Each voucher balances in each cost centre.
        for key in Set(j.map { "\($0["cost_center"]!)|\($0["voucher"]!)" }) {
            let rows = j.filter { "\($0["cost_center"]!)|\($0["voucher"]!)" == key }
            let dr = rows.reduce(Money.zero) { $0 + (Money.parse($1["debit"]!) ?? .zero) }
            let cr = rows.reduce(Money.zero) { $0 + (Money.parse($1["credit"]!) ?? .zero) }
            XCTAssertEqual(dr, cr, key)
        }
        XCTAssertEqual(Set(j.map { $0["voucher"]! }), ["计提工资", "代扣款项"])
        let reg = try register(o.folder + "/payroll_register.csv")
        func sum(_ account: String, _ side: String) -> Money {
            j.filter { $0["account"] == account }.reduce(Money.zero) { $0 + (Money.parse($1[side]!) ?? .zero) }
        }
        func total(_ col: String, _ rows: [[String: String]]) -> Money { rows.reduce(Money.zero) { $0 + money($1[col]!) } }
        // What stays on 应付职工薪酬-工资 is net pay; the employer's SI and HF and what is withheld have their own accounts.
        XCTAssertEqual(sum("2211.01", "credit") - sum("2211.01", "debit"), total("net_pay", reg))
        XCTAssertEqual(sum("2211.02", "credit"), total("employer_si", reg))
        XCTAssertEqual(sum("2211.03", "credit"), total("employer_hf", reg))
        XCTAssertEqual(sum("2241.02", "credit"), total("hf", reg))
        XCTAssertEqual(sum("2221.01", "credit"), total("tax", reg) + total("bonus_tax", reg))
        // Sales departments (frontline) are booked to 销售费用, the others to 管理费用 (the pipeline's journal accounts).
        let frontline = Set(o.batch.employees.filter { $0.deptType == .frontline }.map(\.id))
        let wages = { (rows: [[String: String]]) in total("gross", rows) + total("annual_bonus", rows) }
        XCTAssertEqual(sum("6601.01", "debit"), wages(reg.filter { frontline.contains($0["employee_id"]!) }))
        XCTAssertEqual(sum("6602.01", "debit"), wages(reg.filter { !frontline.contains($0["employee_id"]!) }))
        XCTAssertTrue(j.contains { $0["account"] == "6601.01" && $0["account_name"] == "销售费用-工资薪金" })
    }

    /// A cost centre's own expense account wins over the department type's.
    func testJournalAccountsByCostCentre() throws {
        let o = try demoRun()
        let cc = o.batch.employees[0].costCenter
        var s = JournalSettings()
        s.costCenters[cc] = JournalSettings.Account("5301", "研发支出")
        let path = tempDir() + "/j.csv"
        try ExcelReports.writeJournal(batch: o.batch, run: o.run!, settings: s, to: path)
        let j = try register(path)
        XCTAssertTrue(
            j.filter { $0["cost_center"] == cc && $0["voucher"] == "计提工资" && $0["debit"] != "" }.allSatisfy { $0["account"]!.hasPrefix("5301.") })
        XCTAssertFalse(j.contains { $0["cost_center"] != cc && $0["account"]!.hasPrefix("5301.") })
    }

    func testBankFilesTotalTheRegisterAndPain001Validates() throws {
        let o = try demoRun()
        let reg = try register(o.folder + "/payroll_register.csv")
        let netTotal = reg.reduce(Money.zero) { $0 + money($1["net_pay"]!) }
        // ICBC: delimited GB18030; read back with the engine's own CSV reader (it detects GB18030).
        var icbc = Money.zero
        var icbcRows = 0
        var fieldCounts = Set<Int>()
        var accounts = Set<String>()
        let summary = try CSVFileReader(path: o.folder + "/bank/icbc-main.txt").read { r in
            icbcRows += 1
            fieldCounts.insert(r.count)
            icbc += Money.parse(r.string(3))!
            accounts.insert(r.string(1))
        }
        XCTAssertEqual(summary.encoding, .gb18030)
        XCTAssertEqual(fieldCounts, [5])  // a name with a comma cannot split a record
        // CCB: fixed width; header count and total (fen) match the detail lines.
        let ccbBytes = try Data(contentsOf: URL(fileURLWithPath: o.folder + "/bank/ccb-main.txt"))
        let lines = ccbBytes.split(separator: 0x0A).map { Array($0.dropLast()) }  // CRLF
        XCTAssertEqual(lines[0].count, 60)
        XCTAssertTrue(lines.dropFirst(4).allSatisfy { $0.count == 32 + 40 + 15 }, "every detail line is 87 bytes")
        let ccb = lines.dropFirst(4).reduce(Money.zero) { $0 + Money(fen: Int64(String(decoding: $1.suffix(15), as: UTF8.self))!) }
        XCTAssertEqual(Int(String(decoding: lines[1], as: UTF8.self)), lines.count - 4)
        XCTAssertEqual(Money(fen: Int64(String(decoding: lines[2], as: UTF8.self))!), ccb)
        XCTAssertEqual(icbc + ccb, netTotal)
        XCTAssertEqual(icbcRows + lines.count - 4, reg.count)
        // Leading zeros of an account survive.
        for l in lines.dropFirst(4) { accounts.insert(String(decoding: l.prefix(32), as: UTF8.self).trimmingCharacters(in: .whitespaces)) }
        let d040 = o.batch.employees.first { $0.id == "D040" }!
        XCTAssertTrue(d040.bankAccount.hasPrefix("0"))
        XCTAssertTrue(accounts.contains(d040.bankAccount))
        XCTAssertEqual(accounts, Set(o.batch.employees.map(\.bankAccount)))
        // pain.001.001.09 against the official schema.
        let xsd = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/xsd/pain.001.001.09.xsd").path
        for f in ["icbc-main", "ccb-main"] {
            let (out, status) = try shell(["xmllint", "--noout", "--schema", xsd, o.folder + "/bank/\(f).pain001.xml"])
            XCTAssertEqual(status, 0, "xmllint: \(out)")
            let xml = try String(contentsOfFile: o.folder + "/bank/\(f).pain001.xml", encoding: .utf8)
            let ids = xml.components(separatedBy: "<EndToEndId>").dropFirst().map { $0.components(separatedBy: "<")[0] }
            XCTAssertEqual(ids.count, Set(ids).count, "unique end-to-end IDs")
            let amounts = xml.components(separatedBy: "<InstdAmt Ccy=\"CNY\">").dropFirst().map { money($0.components(separatedBy: "<")[0]) }
            let ctrl = money(xml.components(separatedBy: "<CtrlSum>")[1].components(separatedBy: "<")[0])
            XCTAssertEqual(amounts.reduce(Money.zero, +), ctrl)
            XCTAssertTrue(
                xml.components(separatedBy: "<InstdAmt Ccy=\"CNY\">").dropFirst().allSatisfy {
                    $0.components(separatedBy: "<")[0].range(of: #"^\d+\.\d\d$"#, options: .regularExpression) != nil
                })
        }
    }

    func testBankWriterRefusesATotalThatDiffersFromTheRegister() throws {
        let o = try demoRun()
        var settings = definition.payments!
        settings.accounts = settings.accounts.filter { $0.pays != ["*"] }  // nobody pays the non-ICBC employees
        XCTAssertThrowsError(try BankFiles.assign(batch: o.batch, run: o.run!, settings: settings)) { e in
            XCTAssertTrue("\(e)".contains("no paying account"), "\(e)")
        }
    }

    /// A fixed-width file whose header total would not fit its field is written in parts that fit (a million
    /// employees' net pay passes the 12 digits of fen of CCB's layout): every payment once, in order, each part's header
    /// count and total those of its lines. Here the field is narrowed to 7 digits (at most 99,999.99 yuan per part).
    func testAFixedWidthFileWhoseTotalWouldNotFitIsWrittenInParts() throws {
        let o = try demoRun()
        var settings = definition.payments!
        let k = try XCTUnwrap(settings.accounts.firstIndex { $0.template.kind == .fixed })
        settings.accounts[k].template.header = settings.accounts[k].template.header.map { line in
            line.map { f in
                var f = f
                if case .value("total_cents") = f.source { f.width = 7 }
                return f
            }
        }
        XCTAssertTrue(BankFiles.check(batch: o.batch, run: o.run!, settings: settings, company: "示例").isEmpty)
        let dir = tempDir()
        let written = try BankFiles.write(batch: o.batch, run: o.run!, settings: settings, company: "示例") { rel in
            let p = dir + "/" + rel
            try FileManager.default.createDirectory(
                atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            return p
        }
        let account = settings.accounts[k].id
        let files = try XCTUnwrap(written.first { $0.account == account }).files.filter { $0.hasSuffix(".txt") }
        XCTAssertGreaterThan(files.count, 1)
        XCTAssertEqual(files, (1...files.count).map { "bank/\(account)-\($0).txt" })
        let payments = try XCTUnwrap(try BankFiles.assign(batch: o.batch, run: o.run!, settings: settings).first { $0.0.id == account }?.1)
        var seen: [Money] = []
        for f in files {
            let lines = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + f)).split(separator: 0x0A).map { Array($0.dropLast()) }
            let amounts = lines.dropFirst(4).map { Money(fen: Int64(String(decoding: $0.suffix(15), as: UTF8.self))!) }
            XCTAssertEqual(Int(String(decoding: lines[1], as: UTF8.self)), amounts.count, f)
            let total = try XCTUnwrap(Int64(String(decoding: lines[2], as: UTF8.self)), f)
            XCTAssertEqual(Money(fen: total), amounts.reduce(Money.zero, +), f)
            XCTAssertLessThanOrEqual(total, 9_999_999, f)
            seen += amounts
        }
        XCTAssertEqual(seen, payments.map(\.amount))
    }

    /// "41000.00" → "41,000.00", written out here rather than through the code under test.
    static func grouped(_ s: String) -> String {
        let neg = s.hasPrefix("-")
        let parts = (neg ? String(s.dropFirst()) : s).split(separator: ".")
        var digits = Array(parts[0])
        var out = ""
        while digits.count > 3 {
            out = "," + String(digits.suffix(3)) + out
            digits.removeLast(3)
        }
        return (neg ? "-" : "") + String(digits) + out + "." + parts[1]
    }

    /// The fen of a payslip figure ("41,000.00", "¥ 68,568.12", "-200.00").
    static func fen(_ s: Substring) -> Int64? {
        let t = s.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "¥", with: "").trimmingCharacters(in: .whitespaces)
        let neg = t.hasPrefix("-")
        let p = (neg ? String(t.dropFirst()) : t).split(separator: ".")
        guard p.count == 2, p[1].count == 2, let y = Int64(p[0]), let f = Int64(p[1]) else { return nil }
        return (neg ? -1 : 1) * (y * 100 + f)
    }

    /// For every demo employee the payslip's text adds up: the earnings lines to 应发合计, the withheld lines to 代扣合计,
    /// and 应发合计 − 代扣合计 + 年终奖 − 年终奖税 = 实发 (the register's net pay); the annual bonus is in its own block, never
    /// under 代扣; adjustment notes are shown; every amount has thousands separators.
    func testPayslipBlocksAddUpToNetPay() throws {
        let o = try demoRun()
        let reg = Dictionary(uniqueKeysWithValues: try register(o.folder + "/payroll_register.csv").map { ($0["employee_id"]!, $0) })
        XCTAssertEqual(reg.count, o.batch.employees.count)
        for (id, row) in reg {
            let (text, status) = try shell(["pdftotext", "-layout", o.folder + "/payslips/\(id).pdf", "-"])
            XCTAssertEqual(status, 0)
            // label … amount, one per line, in reading order; the block a line is in is the last heading above it.
            var block = ""
            var sums: [String: Int64] = [:]
            var totals: [String: Int64] = [:]
            var bonus: Int64 = 0
            var bonusTax: Int64 = 0
            var net: Int64?
            for line in text.split(separator: "\n") {
                let t = line.trimmingCharacters(in: .whitespaces)
                if ["应发项目", "代扣项目", "全年一次性奖金（单独计税）", "考勤", "本年累计（个税）", "单位缴纳（不从工资中扣除）"].contains(where: { t.hasPrefix($0) }) {
                    block = String(t.prefix(4))
                    continue
                }
                let parts = t.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count >= 2, let amount = Self.fen(parts[parts.count - 1]) else { continue }
                let label = String(parts[0])
                if label.hasPrefix("应发合计") && parts.count > 3 { continue }  // the sum line under the blocks
                if label == "·" { continue }  // an adjustment's note, already in its line
                if label == "实发工资" {
                    net = amount
                    continue
                }
                if label == "应发合计" || label == "代扣合计" {
                    totals[label] = amount
                    continue
                }
                if block == "全年一次" {
                    if label == "全年一次性奖金" { bonus = amount } else if label == "年终奖个人所得税" { bonusTax = amount }
                    continue
                }
                if block == "应发项目" || block == "代扣项目" { sums[block, default: 0] += amount }
                XCTAssertFalse(block == "代扣项目" && label.contains("奖金"), "\(id): a bonus under 代扣: \(t)")
                XCTAssertTrue(amount.magnitude < 100_000 || parts[parts.count - 1].contains(","), "\(id): no thousands separator: \(t)")
            }
            let want = { (k: String) in Self.fen(Substring(row[k]!))! }
            XCTAssertEqual(totals["应发合计"], want("gross"), id)
            XCTAssertEqual(sums["应发项目"], want("gross"), "\(id): the earnings lines add up to gross")
            XCTAssertEqual(sums["代扣项目"], totals["代扣合计"], "\(id): the withheld lines add up to their total")
            XCTAssertEqual(bonus, want("annual_bonus"), id)
            XCTAssertEqual(bonusTax, want("bonus_tax"), id)
            XCTAssertEqual(net, want("net_pay"), id)
            XCTAssertEqual((totals["应发合计"] ?? 0) - (totals["代扣合计"] ?? 0) + bonus - bonusTax, net, "\(id): the blocks add up to net pay")
        }
        // D031's other_deduction row carries a note (adjustments.csv: 工牌补办, "遗失"); D001's annual bonus is not withheld.
        let (d031, _) = try shell(["pdftotext", "-layout", o.folder + "/payslips/D031.pdf", "-"])
        XCTAssertTrue(d031.contains("工牌补办"), d031)
        let (d001, _) = try shell(["pdftotext", "-layout", o.folder + "/payslips/D001.pdf", "-"])
        XCTAssertTrue(d001.contains("36,000.00"))
        // Zero lines are hidden: D001 has no absence, so no 缺勤扣款 line (the demo's attendance; the register's line is 0).
        XCTAssertEqual(reg["D001"]?["absence_deduction"], "0.00")
        XCTAssertFalse(d001.contains("缺勤扣款"))
    }

    func testPayslipsAreReadableSmallAndEmbedTheirFonts() throws {
        let o = try demoRun()
        let files = try FileManager.default.contentsOfDirectory(atPath: o.folder + "/payslips").sorted()
        XCTAssertEqual(files.count, o.batch.employees.count)
        let reg = Dictionary(uniqueKeysWithValues: try register(o.folder + "/payroll_register.csv").map { ($0["employee_id"]!, $0) })
        for id in ["D001", "D005", "D030"] {
            let path = o.folder + "/payslips/\(id).pdf"
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
            XCTAssertLessThan(size, 100_000, "\(id) is \(size) bytes")
            let (text, status) = try shell(["pdftotext", "-layout", path, "-"])
            XCTAssertEqual(status, 0)
            XCTAssertTrue(text.contains(id))
            XCTAssertTrue(text.contains(Self.grouped(reg[id]!["gross"]!)), "gross in \(id)")
            XCTAssertTrue(text.contains(Self.grouped(reg[id]!["tax"]!)))
            // Reading order: the company, earnings, gross, withheld, net pay.
            let order = ["示例科技有限公司", "基本工资", "应发合计", "个人所得税", "实发工资", "本年累计"].map { text.range(of: $0)!.lowerBound }
            XCTAssertEqual(order, order.sorted())
            let (fonts, _) = try shell(["pdffonts", path])
            let rows = fonts.split(separator: "\n").dropFirst(2)
            XCTAssertFalse(rows.isEmpty)
            for r in rows { XCTAssertTrue(r.contains(" yes yes "), "not embedded as a subset: \(r)") }
        }
    }

    func testEncryptedPayslipNeedsThePassword() throws {
        let def = try PipelineDefinition.load(path: repoRoot.appendingPathComponent("pipelines/monthly-review.yaml").path)
        let o = try PeriodRunner.execute(
            RunSettings(
                definition: def, period: Period("2026-01")!,
                inputDirectory: fixtures.appendingPathComponent("demo-review").path,
                outputRoot: tempDir(), threads: 0, only: [.payslips]))
        let e = o.batch.employees[0]
        let path = o.folder + "/payslips/\(e.id).pdf"
        XCTAssertNotEqual(try shell(["pdftotext", path, "-"]).1, 0)
        let (info, status) = try shell(["pdfinfo", "-upw", String(e.idNumber.suffix(6)), path])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(info.contains("AES-256"), info)
    }

    func testFormulaLikeTextStaysText() throws {
        let path = tempDir() + "/t.xlsx"
        let wb = try Workbook(path: path, created: Day(year: 2026, month: 1, day: 1))
        let s = try wb.addSheet("S")
        for (c, t) in ["=SUM(A1:A9)", "+86 138", "-5", "@cmd"].enumerated() { try s.write(0, c, text: t) }
        try s.write(1, 0, money: Money(fen: 123456))
        try wb.close()
        let rows = try XLSXContent.read(path).sheet("S")!
        XCTAssertEqual(rows[0].map(\.kind), ["s", "s", "s", "s"])
        XCTAssertEqual(rows[0].map(\.value), ["=SUM(A1:A9)", "+86 138", "-5", "@cmd"])
        XCTAssertEqual(rows[1][0], .init(value: "1234.56", kind: "n"))
    }

    func testRegisterSplitsAcrossSheetsPastTheRowLimit() throws {
        let o = try demoRun()
        let path = tempDir() + "/r.xlsx"
        try ExcelReports.writeRegister(batch: o.batch, run: o.run!, locale: .zh, to: path, rowsPerSheet: 10)
        let x = try XLSXContent.read(path)
        XCTAssertEqual(x.sheets.map(\.name), ["工资表 1", "工资表 2", "工资表 3", "工资表 4", "工资表 5"])
        XCTAssertEqual(x.sheets.dropLast().map { $0.rows.count }, [12, 12, 12, 12])
        XCTAssertEqual(x.sheets.last!.rows.count, 4 + 2 + 1)  // 44 = 4 × 10 + 4, labels and codes, totals
        XCTAssertEqual(x.sheets.last!.rows.last![0].value, "合计")
    }

    /// Above `constantMemoryAbove` employees the register and the tax export stream their rows (constant-memory mode);
    /// a reader sees the same sheets and cells either way (inline strings instead of shared ones).
    func testConstantMemoryWorkbooksHoldTheSameCells() throws {
        let o = try demoRun()
        let dir = tempDir()
        for streaming in [false, true] {
            XCTAssertNoThrow(
                try ExcelReports.writeRegister(
                    batch: o.batch, run: o.run!, locale: .zh, to: dir + "/r-\(streaming).xlsx", rowsPerSheet: 10, constantMemory: streaming),
                "register \(streaming)")
            XCTAssertNoThrow(
                try ExcelReports.writeTax(batch: o.batch, run: o.run!, to: dir + "/t-\(streaming).xlsx", constantMemory: streaming),
                "tax \(streaming)")
        }
        for name in ["r", "t"] {
            let normal = try XLSXContent.read(dir + "/\(name)-false.xlsx")
            let streamed = try XLSXContent.read(dir + "/\(name)-true.xlsx")
            XCTAssertEqual(normal.sheets.map(\.name), streamed.sheets.map(\.name), name)
            for (a, b) in zip(normal.sheets, streamed.sheets) {
                XCTAssertEqual(a.rows.map { $0.map(\.value) }, b.rows.map { $0.map(\.value) }, "\(name) \(a.name)")
            }
            XCTAssertGreaterThan(normal.sheets.first?.rows.count ?? 0, 10, name)
        }
    }
}
