import CSVReader
import Foundation
import PayrollCore
import PayrollRules
import Performance
import RunRecords
import Stages
import XLSX

/// payroll_register.xlsx, summary.xlsx, tax_withholding.xlsx and payroll_journal.csv.
public enum ExcelReports {
    /// Data rows per register sheet: Excel's 1,048,576 rows less the header and a totals row.
    public static let rowsPerSheet = 1_048_574
    /// Columns of a worksheet (Excel's limit).
    public static let maxColumns = 16_384

    /// The register as a workbook for a person: 工号 and 姓名 first, then the CSV's columns in its order; a header row
    /// of labels in the locale over a row of the CSV's codes (so programs and the CSV keep one vocabulary); panes frozen
    /// below the headers and right of the name; autofilter; money formats; a totals row (exact sums of the rounded lines);
    /// split across sheets past Excel's row limit; constant-memory mode above 50,000 employees.
    public static func writeRegister(
        batch: Batch, run: PayrollRun, locale: ReportLocale, to path: String,
        rowsPerSheet: Int = rowsPerSheet, constantMemory: Bool? = nil, threads: Int = 0
    ) throws {
        try writeRegister(
            batch: batch, run: run, locale: locale, to: path, rowsPerSheet: rowsPerSheet, constantMemory: constantMemory, threads: threads,
            ownRows: true)
    }

    /// `ownRows`: in constant-memory mode the data rows are written by `SheetXML` (the same XML libxlsxwriter writes,
    /// compressed in parallel); false hands every cell to libxlsxwriter, as before (the tests compare the two).
    static func writeRegister(
        batch: Batch, run: PayrollRun, locale: ReportLocale, to path: String, rowsPerSheet: Int, constantMemory: Bool?, threads: Int,
        ownRows: Bool, rowsPerPiece: Int = rowsPerPiece
    ) throws {
        if ownRows && (constantMemory ?? streams(batch)) {
            return try writeRegisterRows(
                batch: batch, run: run, locale: locale, to: path, rowsPerSheet: rowsPerSheet, threads: threads, rowsPerPiece: rowsPerPiece)
        }
        let columns = Register.columns(run)
        let order = registerOrder(columns)
        let wb = try Workbook(path: path, constantMemory: constantMemory ?? streams(batch), created: batch.period.firstDay)
        let rows = EmployeeRows(count: batch.employees.count) { run.pay[$0] != nil }
        var totals = [Money](repeating: .zero, count: columns.count)
        let moneyCols: Set<Int> =
            Register.cells(rows.first ?? 0, batch: batch, run: run).map { cells in
                Set(cells.indices.filter { k in if case .money = cells[k] { return true } else { return false } })
            } ?? []
        let sheetCount = max(1, (rows.count + rowsPerSheet - 1) / rowsPerSheet)
        let base = locale == .en ? "Register" : "工资表"
        let headerRows = 2
        for s in 0..<sheetCount {
            let sheet = try wb.addSheet(sheetCount == 1 ? base : "\(base) \(s + 1)")
            // Row by row: in constant-memory mode a row cannot be written once a later one has been.
            try registerHeader(sheet, columns: columns, order: order, run: run, locale: locale)
            let chunk = rows[(s * rowsPerSheet)..<min(rows.count, (s + 1) * rowsPerSheet)]
            var r = headerRows
            for i in chunk {
                guard let cells = Register.cells(i, batch: batch, run: run) else { continue }
                for (c, k) in order.enumerated() {
                    switch cells[k] {
                    case .money(let m):
                        try sheet.write(r, c, money: m)
                        totals[k] += m
                    case .score(let x): if let x { try sheet.write(r, c, decimal: x.fixed) }
                    case .integer(let n): try sheet.write(r, c, integer: n)
                    case .text(let t): if !t.isEmpty { try sheet.write(r, c, text: t) }
                    }
                }
                r += 1
            }
            try sheet.autofilter(firstRow: 1, lastRow: max(r - 1, headerRows), lastCol: columns.count - 1)
            if s == sheetCount - 1 {
                try sheet.write(r, 0, text: locale.pick("合计", "Total"), style: .totalLabel)
                try sheet.write(r, 1, text: locale.pick("\(rows.count) 人", "\(rows.count) employees"), style: .totalLabel)
                for (c, k) in order.enumerated() where moneyCols.contains(k) { try sheet.write(r, c, money: totals[k], style: .totalMoney) }
            }
        }
        try wb.close()
    }

    /// Rows per piece of a streamed sheet: each piece is made and compressed on its own thread.
    static let rowsPerPiece = 4_096

    /// The register's header rows over its sheet names (labels, then codes), widths and panes, as `writeRegister`
    /// writes them.
    private static func registerHeader(_ sheet: Sheet, columns: [String], order: [Int], run: PayrollRun, locale: ReportLocale) throws {
        for (c, k) in order.enumerated() {
            let label = locale.text(RegisterLabels.label(columns[k], rules: run.rules))
            try sheet.write(0, c, text: label, style: .header)
            sheet.columnWidth(c, max(10, min(18, label.count * (locale == .en ? 1 : 2) + 2)))
        }
        for (c, k) in order.enumerated() { try sheet.write(1, c, text: columns[k], style: .code) }
        sheet.freezePanes(rows: 2, columns: 2)
    }

    /// The register workbook in constant-memory mode with its data rows written by `SheetXML`: one pass first sums
    /// the totals row and finds the order in which the cell styles are first used (the order libxlsxwriter would
    /// number them in); libxlsxwriter then writes the headers, totals, panes and filters, and the rows go in after
    /// the headers, made and compressed in pieces on `threads` threads. The XML is the same as libxlsxwriter's.
    static func writeRegisterRows(
        batch: Batch, run: PayrollRun, locale: ReportLocale, to path: String, rowsPerSheet: Int, threads: Int, rowsPerPiece piece: Int
    ) throws {
        let columns = Register.columns(run)
        let order = registerOrder(columns)
        let rows = EmployeeRows(count: batch.employees.count) { run.pay[$0] != nil }
        var scan = RegisterScan(columns: columns.count)
        let layout = Register.Layout(run)
        for i in rows where Register.cells(i, batch: batch, run: run, layout: layout, into: &scan) { scan.endRow() }
        let wb = try Workbook(path: path + ".frame", constantMemory: true, created: batch.period.firstDay)
        let sheetCount = max(1, (rows.count + rowsPerSheet - 1) / rowsPerSheet)
        let base = locale == .en ? "Register" : "工资表"
        let headerRows = 2
        var streamed: [StreamedRows] = []
        for s in 0..<sheetCount {
            let sheet = try wb.addSheet(sheetCount == 1 ? base : "\(base) \(s + 1)")
            try registerHeader(sheet, columns: columns, order: order, run: run, locale: locale)
            if s == 0 { for style in [CellStyle.header, .code] + scan.styles { _ = wb.styleIndex(style) } }
            let chunk = rows[(s * rowsPerSheet)..<min(rows.count, (s + 1) * rowsPerSheet)]
            let end = headerRows + chunk.count
            try sheet.autofilter(firstRow: 1, lastRow: max(end - 1, headerRows), lastCol: columns.count - 1)
            if s == sheetCount - 1 {
                try sheet.write(end, 0, text: locale.pick("合计", "Total"), style: .totalLabel)
                try sheet.write(end, 1, text: locale.pick("\(rows.count) 人", "\(rows.count) employees"), style: .totalLabel)
                for (c, k) in order.enumerated() where scan.moneyColumns.contains(k) {
                    try sheet.write(end, c, money: scan.totals[k], style: .totalMoney)
                }
            }
            // Only styles that some cell uses: asking for another would add it to the styles part.
            let used = { (style: CellStyle) in scan.styles.contains(style) ? wb.styleIndex(style) : 0 }
            let styles = (money: used(.money), decimal: used(.decimal2), integer: used(.integer))
            let nameAt = columns.firstIndex(of: "name") ?? 0
            let first = chunk.startIndex
            let count = chunk.count
            streamed.append(
                StreamedRows(sheet: s, afterRow: headerRows - 1, lastRow: end - 1, pieces: (count + piece - 1) / piece) { k, xml in
                    var sink = RegisterXMLSink(xml: xml, styles: styles, nameAt: nameAt)
                    for j in (k * piece)..<min(count, (k + 1) * piece) {
                        sink.start(row: headerRows + j)
                        _ = Register.cells(rows[first + j], batch: batch, run: run, layout: layout, into: &sink)
                    }
                    xml = sink.xml
                })
        }
        try wb.close(into: path, streaming: streamed, threads: threads)
    }

    /// The register workbook's column order: employee_id and name first, then the CSV's order.
    public static func registerOrder(_ columns: [String]) -> [Int] {
        let first = ["employee_id", "name"].compactMap { columns.firstIndex(of: $0) }
        return first + columns.indices.filter { !first.contains($0) }
    }

    struct Group {
        var headcount = 0
        var gross = Money.zero, net = Money.zero, employeeSI = Money.zero, hf = Money.zero, tax = Money.zero
        var employerSI = Money.zero, employerHF = Money.zero, employerCost = Money.zero, bonus = Money.zero
        mutating func add(_ r: PayResult) {
            headcount += 1
            gross += r.gross
            net += r.net
            employeeSI += r.employeeSI
            hf += r.housingFund.employee
            tax += r.tax + r.bonusTax
            employerSI += r.employerSI
            employerHF += r.housingFund.employer
            employerCost += r.employerCost
            bonus += r.annualBonus
        }
        var values: [Money] { [gross, bonus, employeeSI, hf, tax, net, employerSI, employerHF, employerCost] }
    }

    static func groups(_ batch: Batch, _ run: PayrollRun, by key: (Employee) -> String) -> [(String, Group)] {
        var g: [String: Group] = [:]
        for (i, e) in batch.employees.enumerated() { if let r = run.pay[i] { g[key(e), default: Group()].add(r) } }
        return g.sorted { $0.key.codePointPrecedes($1.key) }
    }

    /// The money columns of the summary workbook's sheets, in Chinese.
    public static let summaryMoneyColumnsZH = ["应发合计", "年终奖", "个人社保", "个人公积金", "个税", "实发", "单位社保", "单位公积金", "用工成本"]
    /// The same columns in English.
    public static let summaryMoneyColumnsEN = [
        "Gross", "Annual bonus", "Employee SI", "Employee HF", "Tax", "Net pay", "Employer SI", "Employer HF", "Employer cost",
    ]

    /// Totals by department and cost center, charts of cost and grades, rankings and score history.
    public static func writeSummary(
        batch: Batch, run: PayrollRun, locale: ReportLocale, history: [(department: String, period: String, average: Fixed)],
        to path: String
    ) throws {
        let en = locale == .en
        let wb = try Workbook(path: path, created: batch.period.firstDay)
        let moneyHeads = en ? summaryMoneyColumnsEN : summaryMoneyColumnsZH
        func totalsSheet(_ name: String, _ keyTitle: String, _ rows: [(String, Group)]) throws -> (Sheet, Int) {
            let sheet = try wb.addSheet(name)
            sheet.landscapeFitWidth()
            let heads = [keyTitle, en ? "Headcount" : "人数"] + moneyHeads
            for (c, h) in heads.enumerated() {
                try sheet.write(0, c, text: h, style: .header)
                sheet.columnWidth(c, 14)
            }
            var total = Group()
            for (r, (k, g)) in rows.enumerated() {
                try sheet.write(r + 1, 0, text: k)
                try sheet.write(r + 1, 1, integer: g.headcount)
                for (c, v) in g.values.enumerated() { try sheet.write(r + 1, c + 2, money: v) }
                total.headcount += g.headcount
                for (c, v) in g.values.enumerated() {
                    switch c {
                    case 0: total.gross += v
                    case 1: total.bonus += v
                    case 2: total.employeeSI += v
                    case 3: total.hf += v
                    case 4: total.tax += v
                    case 5: total.net += v
                    case 6: total.employerSI += v
                    case 7: total.employerHF += v
                    default: total.employerCost += v
                    }
                }
            }
            let tr = rows.count + 1
            try sheet.write(tr, 0, text: en ? "Total" : "合计", style: .totalLabel)
            try sheet.write(tr, 1, integer: total.headcount, style: .totalLabel)
            for (c, v) in total.values.enumerated() { try sheet.write(tr, c + 2, money: v, style: .totalMoney) }
            sheet.freezeHeader()
            return (sheet, rows.count)
        }
        let deptName = en ? "By department" : "部门汇总"
        let depts = groups(batch, run) { $0.department }
        let (deptSheet, nd) = try totalsSheet(deptName, en ? "Department" : "部门", depts)
        if nd > 0 {
            let chart = try wb.addChart(.column, title: en ? "Employer cost by department" : "各部门用工成本")
            chart.addSeries(name: moneyHeads[8], sheet: deptName, categoriesCol: 0, valuesCol: 10, firstRow: 1, lastRow: nd)
            try deptSheet.insert(chart: chart, row: nd + 4, col: 0)
        }
        _ = try totalsSheet(en ? "By cost center" : "成本中心汇总", en ? "Cost center" : "成本中心", groups(batch, run) { $0.costCenter })

        // Grade distribution.
        let gradeName = en ? "Grades" : "绩效等级分布"
        let gs = try wb.addSheet(gradeName)
        gs.landscapeFitWidth()
        try gs.write(0, 0, text: en ? "Grade" : "等级", style: .header)
        try gs.write(0, 1, text: en ? "Employees" : "人数", style: .header)
        var counts: [String: Int] = [:]
        for p in run.performance where p.final != nil { counts[p.grade, default: 0] += 1 }
        let grades = PerformanceConfig.standard.grades.map(\.grade)
        let order = grades + counts.keys.filter { !grades.contains($0) }.sorted()
        for (r, g) in order.enumerated() {
            try gs.write(r + 1, 0, text: g)
            try gs.write(r + 1, 1, integer: counts[g] ?? 0)
        }
        let gc = try wb.addChart(.column, title: en ? "Grade distribution" : "绩效等级分布")
        gc.addSeries(name: en ? "Employees" : "人数", sheet: gradeName, categoriesCol: 0, valuesCol: 1, firstRow: 1, lastRow: order.count)
        try gs.insert(chart: gc, row: 1, col: 3)

        // Rankings (the complete list is in performance.csv).
        let rs = try wb.addSheet(en ? "Rankings" : "绩效排名")
        let rh =
            en
            ? ["Rank", "Employee ID", "Name", "Department", "Final score", "Grade", "Department rank"]
            : ["公司排名", "工号", "姓名", "部门", "综合得分", "等级", "部门排名"]
        for (c, h) in rh.enumerated() {
            try rs.write(0, c, text: h, style: .header)
            rs.columnWidth(c, 12)
        }
        let ranked = run.performance.indices.filter { run.performance[$0].final != nil }
            .sorted { run.performance[$0].companyRank < run.performance[$1].companyRank }.prefix(10_000)
        for (r, i) in ranked.enumerated() {
            let p = run.performance[i]
            let e = batch.employees[i]
            try rs.write(r + 1, 0, integer: p.companyRank)
            try rs.write(r + 1, 1, text: e.id)
            try rs.write(r + 1, 2, text: e.name)
            try rs.write(r + 1, 3, text: e.department)
            try rs.write(r + 1, 4, decimal: p.final!.fixed)
            try rs.write(r + 1, 5, text: p.grade)
            try rs.write(r + 1, 6, integer: p.departmentRank)
        }
        rs.freezeHeader()

        // Department average score by period, with a line chart when there is more than one period.
        let periods = Array(Set(history.map(\.period))).sorted()
        if !history.isEmpty {
            let hn = en ? "Score history" : "历史得分"
            let hs = try wb.addSheet(hn)
            let deptsH = Array(Set(history.map(\.department))).sorted { $0.codePointPrecedes($1) }
            if deptsH.count >= ExcelReports.maxColumns {
                // More departments than a sheet has columns: one row per department and period instead, no chart.
                try hs.write(0, 0, text: en ? "Department" : "部门", style: .header)
                try hs.write(0, 1, text: en ? "Period" : "期间", style: .header)
                try hs.write(0, 2, text: en ? "Average score" : "平均得分", style: .header)
                var r = 1
                for h in history.sorted(by: { ($0.department, $0.period) < ($1.department, $1.period) }) where r <= rowsPerSheet {
                    try hs.write(r, 0, text: h.department)
                    try hs.write(r, 1, text: h.period)
                    try hs.write(r, 2, decimal: h.average)
                    r += 1
                }
                try wb.close()
                return
            }
            try hs.write(0, 0, text: en ? "Period" : "期间", style: .header)
            for (c, d) in deptsH.enumerated() { try hs.write(0, c + 1, text: d, style: .header) }
            for (r, p) in periods.enumerated() {
                try hs.write(r + 1, 0, text: p)
                for (c, d) in deptsH.enumerated() {
                    if let h = history.first(where: { $0.period == p && $0.department == d }) { try hs.write(r + 1, c + 1, decimal: h.average) }
                }
            }
            if periods.count > 1 {
                let lc = try wb.addChart(.line, title: en ? "Average score by department" : "各部门平均得分")
                for (c, d) in deptsH.enumerated() {
                    lc.addSeries(name: d, sheet: hn, categoriesCol: 0, valuesCol: c + 1, firstRow: 1, lastRow: periods.count)
                }
                try hs.insert(chart: lc, row: periods.count + 3, col: 0)
            }
        }
        try wb.close()
    }

    /// The withholding client's import layout for 正常工资薪金所得 (29 columns,
    /// cn-payroll-rules.md s.6) and, when any is paid, the annual-bonus layout.
    /// Income and social-insurance columns are this period's; the special
    /// additional deductions are year-to-date, in the 其他 column because the
    /// input gives only their monthly total, not the split by item.
    public static let wageColumns = [
        "工号", "*姓名", "*证件类型", "*证件号码", "本期收入", "本期免税收入", "基本养老保险费", "基本医疗保险费",
        "失业保险费", "住房公积金", "累计子女教育", "累计继续教育", "累计住房贷款利息", "累计住房租金",
        "累计赡养老人", "累计3岁以下婴幼儿照护", "累计个人养老金", "企业(职业)年金", "商业健康保险",
        "税延养老保险", "公务交通费用", "通讯费用", "律师办案费用", "西藏附加减除费用", "其他",
        "准予扣除的捐赠额", "减免税额", "协定减免", "备注",
    ]
    /// The withholding client's import layout for the annual one-time bonus.
    public static let bonusColumns = [
        "工号", "*姓名", "*证件类型", "*证件号码", "*全年一次性奖金额", "免税收入", "其他", "准予扣除的捐赠额",
        "减免税额", "备注",
    ]

    /// Workbooks with a row per employee are written in constant-memory mode above this many employees (rows go to the
    /// file as they are written, in order; below it the files keep shared strings, as before).
    public static let constantMemoryAbove = 50_000

    /// True when a row-per-employee workbook of the batch is written in constant-memory mode.
    static func streams(_ batch: Batch) -> Bool { batch.employees.count > constantMemoryAbove }

    /// Writes tax_withholding.xlsx (a sheet per layout, split past a sheet's rows); constant-memory mode above
    /// `constantMemoryAbove` employees, its data rows then written by `SheetXML` and compressed on `threads` threads.
    public static func writeTax(
        batch: Batch, run: PayrollRun, to path: String, rowsPerSheet: Int = rowsPerSheet, constantMemory: Bool? = nil, threads: Int = 0
    ) throws {
        try writeTax(batch: batch, run: run, to: path, rowsPerSheet: rowsPerSheet, constantMemory: constantMemory, threads: threads, ownRows: true)
    }

    /// `ownRows` as for `writeRegister`.
    static func writeTax(
        batch: Batch, run: PayrollRun, to path: String, rowsPerSheet: Int, constantMemory: Bool?, threads: Int, ownRows: Bool,
        rowsPerPiece piece: Int = rowsPerPiece
    ) throws {
        let stream = constantMemory ?? streams(batch)
        let own = ownRows && stream
        let wb = try Workbook(path: own ? path + ".frame" : path, constantMemory: stream, created: batch.period.firstDay)
        let paid = EmployeeRows(count: batch.employees.count) { run.pay[$0] != nil }
        let bonus = EmployeeRows(count: batch.employees.count) { (run.pay[$0]?.annualBonus ?? .zero) > .zero }
        var streamed: [StreamedRows] = []
        var sheetNumber = 0
        // Past a sheet's rows, the employees continue on "正常工资薪金所得 2", … (each with its header).
        func layout(_ base: String, _ columns: [String], width: Int, _ employees: EmployeeRows, bonus: Bool) throws {
            let sheets = max(1, (employees.count + rowsPerSheet - 1) / rowsPerSheet)
            for n in 1...sheets {
                let sheet = try wb.addSheet(n == 1 ? base : "\(base) \(n)")
                for (c, h) in columns.enumerated() {
                    try sheet.write(0, c, text: h, style: .header)
                    sheet.columnWidth(c, width)
                }
                // An 18-character ID number needs a wider column than the amounts.
                sheet.columnWidth(3, 22)
                let chunk = employees[((n - 1) * rowsPerSheet)..<min(employees.count, n * rowsPerSheet)]  // no copy
                if own {
                    if sheetNumber == 0 {
                        _ = wb.styleIndex(.header)
                        if !chunk.isEmpty { _ = wb.styleIndex(.money) }
                    }
                    let money = wb.styleIndex(chunk.isEmpty ? nil : .money)
                    streamed.append(
                        StreamedRows(sheet: sheetNumber, afterRow: 0, lastRow: chunk.count, pieces: (chunk.count + piece - 1) / piece) { k, xml in
                            var cells = XMLTaxCells(xml: xml, money: money)
                            for j in (k * piece)..<min(chunk.count, (k + 1) * piece) {
                                cells.xml.startRow(j + 1)
                                taxRow(chunk[chunk.startIndex + j], batch: batch, run: run, bonus: bonus, into: &cells)
                            }
                            xml = cells.xml
                        })
                } else {
                    for (j, i) in chunk.enumerated() {
                        var cells = SheetTaxCells(sheet: sheet, row: j + 1)
                        taxRow(i, batch: batch, run: run, bonus: bonus, into: &cells)
                        if let failure = cells.failure { throw failure }
                    }
                }
                sheet.freezeHeader()
                sheetNumber += 1
            }
        }
        try layout("正常工资薪金所得", wageColumns, width: 12, paid, bonus: false)
        if !bonus.isEmpty { try layout("全年一次性奖金收入", bonusColumns, width: 14, bonus, bonus: true) }
        if own { try wb.close(into: path, streaming: streamed, threads: threads) } else { try wb.close() }
    }

    /// Accounting entries by cost centre, in two vouchers; debits equal credits in each voucher and cost centre.
    ///   计提 (accrual): Dr expense (the cost centre's or the department type's account: 工资, 社会保险费, 住房公积金)
    ///                   Cr 应付职工薪酬-工资 (gross + annual bonus), -社会保险费 (employer SI), -住房公积金 (employer HF)
    ///   代扣 (withholding): Dr 应付职工薪酬-工资 (what is withheld)
    ///                   Cr 其他应付款-个人社保, -个人公积金, 应交税费-个人所得税 (salary and bonus tax)
    /// What stays on 应付职工薪酬-工资 is net pay, paid by the bank file.
    public static func writeJournal(
        batch: Batch, run: PayrollRun, settings: JournalSettings = JournalSettings(), locale: ReportLocale = .zh, to path: String
    ) throws {
        let w = try CSVStreamWriter(path: path, forPeople: true)
        try w.row(["period", "cost_center", "voucher", "account", "account_name", "debit", "credit"])
        struct Sums {
            var wages = Money.zero, erSI = Money.zero, erHF = Money.zero, eeSI = Money.zero, eeHF = Money.zero, tax = Money.zero
        }
        var byCenter: [String: [String: (JournalSettings.Account, Sums)]] = [:]
        for (i, e) in batch.employees.enumerated() {
            guard let r = run.pay[i] else { continue }
            let acct = settings.expense(e)
            var entry = byCenter[e.costCenter, default: [:]][acct.code] ?? (acct, Sums())
            entry.1.wages += r.gross + r.annualBonus
            entry.1.erSI += r.employerSI
            entry.1.erHF += r.housingFund.employer
            entry.1.eeSI += r.employeeSI
            entry.1.eeHF += r.housingFund.employee
            entry.1.tax += r.tax + r.bonusTax
            byCenter[e.costCenter, default: [:]][acct.code] = entry
        }
        let p = batch.period.description
        let accrual = locale.pick("计提工资", "accrual")
        let withholding = locale.pick("代扣款项", "withholding")
        for cc in byCenter.keys.sorted(by: { $0.codePointPrecedes($1) }) {
            let groups = (byCenter[cc] ?? [:]).values.sorted { $0.0.code.codePointPrecedes($1.0.code) }
            var total = Sums()
            for (acct, s) in groups {
                try w.row([p, cc, accrual, "\(acct.code).01", "\(acct.name)-工资薪金", s.wages.description, ""])
                try w.row([p, cc, accrual, "\(acct.code).02", "\(acct.name)-社会保险费", s.erSI.description, ""])
                try w.row([p, cc, accrual, "\(acct.code).03", "\(acct.name)-住房公积金", s.erHF.description, ""])
                total.wages += s.wages
                total.erSI += s.erSI
                total.erHF += s.erHF
                total.eeSI += s.eeSI
                total.eeHF += s.eeHF
                total.tax += s.tax
            }
            try w.row([p, cc, accrual, settings.wagesPayable.code, settings.wagesPayable.name, "", total.wages.description])
            try w.row([p, cc, accrual, settings.siPayable.code, settings.siPayable.name, "", total.erSI.description])
            try w.row([p, cc, accrual, settings.hfPayable.code, settings.hfPayable.name, "", total.erHF.description])
            let withheld = total.eeSI + total.eeHF + total.tax
            try w.row([p, cc, withholding, settings.wagesPayable.code, settings.wagesPayable.name, withheld.description, ""])
            try w.row([p, cc, withholding, settings.employeeSIWithheld.code, settings.employeeSIWithheld.name, "", total.eeSI.description])
            try w.row([p, cc, withholding, settings.employeeHFWithheld.code, settings.employeeHFWithheld.name, "", total.eeHF.description])
            try w.row([p, cc, withholding, settings.iitWithheld.code, settings.iitWithheld.name, "", total.tax.description])
        }
        try w.close()
    }
}

/// One pass over the register rows before the workbook is written: the totals row's sums, the money columns, and
/// the cell styles in the order the rows first use them.
struct RegisterScan: RegisterCellSink {
    var totals: [Money]
    var moneyColumns: Set<Int> = []
    var styles: [CellStyle] = []
    private var k = 0
    private var firstRow = true

    init(columns: Int) { totals = Array(repeating: .zero, count: columns) }

    private mutating func use(_ style: CellStyle) {
        if !styles.contains(style) { styles.append(style) }
    }
    mutating func text(_ s: String) { k += 1 }
    mutating func money(_ m: Money) {
        totals[k] += m
        if firstRow { moneyColumns.insert(k) }
        use(.money)
        k += 1
    }
    mutating func score(_ x: Exact?) {
        if x != nil { use(.decimal2) }
        k += 1
    }
    mutating func integer(_ n: Int) {
        use(.integer)
        k += 1
    }
    mutating func endRow() {
        k = 0
        firstRow = false
    }
}

/// Register cells as sheet XML, in the workbook's column order: employee_id, then name (moved before the columns
/// that come between them in the CSV), then the rest in the CSV's order.
struct RegisterXMLSink: RegisterCellSink {
    var xml: SheetXML
    let styles: (money: Int32, decimal: Int32, integer: Int32)
    let nameAt: Int
    private var k = 0
    private var mark = 0

    init(xml: SheetXML, styles: (money: Int32, decimal: Int32, integer: Int32), nameAt: Int) {
        self.xml = xml
        self.styles = styles
        self.nameAt = nameAt
    }

    mutating func start(row: Int) {
        xml.startRow(row)
        k = 0
    }

    /// The workbook column of CSV column k (`ExcelReports.registerOrder`), with name's cell moved into place.
    private mutating func cell(_ write: (inout SheetXML, Int) -> Void) {
        let column: Int
        if k == 0 || nameAt <= 1 {
            column = k
        } else if k == nameAt {
            column = 1
        } else {
            column = k < nameAt ? k + 1 : k
        }
        if k == 1 && nameAt > 1 { mark = xml.mark() }
        let start = xml.count
        write(&xml, column)
        if k == nameAt && nameAt > 1 { xml.moveTail(from: start, to: mark) }
        k += 1
    }

    mutating func text(_ s: String) { cell { $0.text($1, s) } }
    mutating func money(_ m: Money) { cell { [styles] in $0.money($1, fen: m.fen, style: styles.money) } }
    mutating func score(_ x: Exact?) { cell { [styles] in if let x { $0.decimal($1, units: x.fixed.units, style: styles.decimal) } } }
    mutating func integer(_ n: Int) { cell { [styles] in $0.integer($1, n, style: styles.integer) } }
}

/// Where a tax export row's cells go (a libxlsxwriter sheet, or sheet XML).
protocol TaxCells {
    mutating func text(_ col: Int, _ s: String)
    mutating func money(_ col: Int, _ m: Money)
}

/// Cells handed to libxlsxwriter; the first failure is kept.
struct SheetTaxCells: TaxCells {
    let sheet: Sheet
    let row: Int
    var failure: (any Error)?
    init(sheet: Sheet, row: Int) {
        self.sheet = sheet
        self.row = row
    }
    mutating func text(_ col: Int, _ s: String) {
        do { try sheet.write(row, col, text: s) } catch { failure = failure ?? error }
    }
    mutating func money(_ col: Int, _ m: Money) {
        do { try sheet.write(row, col, money: m) } catch { failure = failure ?? error }
    }
}

/// Cells written as sheet XML.
struct XMLTaxCells: TaxCells {
    var xml: SheetXML
    let money: Int32
    mutating func text(_ col: Int, _ s: String) { xml.text(col, s) }
    mutating func money(_ col: Int, _ m: Money) { xml.money(col, fen: m.fen, style: money) }
}

extension ExcelReports {
    /// One employee's row of the withholding client's wage layout, or (`bonus`) of its annual-bonus layout.
    static func taxRow(_ i: Int, batch: Batch, run: PayrollRun, bonus: Bool, into t: inout some TaxCells) {
        let e = batch.employees[i]
        guard let p = run.pay[i] else { return }
        t.text(0, e.id)
        t.text(1, e.name)
        t.text(2, "居民身份证")
        t.text(3, e.idNumber)
        if bonus {
            t.money(4, p.annualBonus)
            return
        }
        t.money(4, p.gross)
        t.money(5, .zero)
        t.money(6, p.line(.pension).employee)
        t.money(7, p.line(.medical).employee)
        t.money(8, p.line(.unemployment).employee)
        t.money(9, p.housingFund.employee)
        if let items = p.ytd.additionalItems {
            // Itemized and cumulative (累计子女教育 … 累计3岁以下婴幼儿照护): employees.csv gave the sd_* columns every month.
            for (k, m) in items.enumerated() { t.money(10 + k, m) }
        } else if p.ytd.additional != .zero {
            // Only the monthly total is known: the client's 其他 takes it, and the row says so.
            t.money(24, p.ytd.additional)
            t.text(28, "累计专项附加扣除合计（未分项：employees.csv 没有 sd_* 分项列）")
        }
    }
}
