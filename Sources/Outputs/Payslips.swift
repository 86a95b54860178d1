import Crypto
import Foundation
import PDF
import PayrollCore
import PayrollRules
import Performance
import RunRecords
import Stages

/// One PDF payslip per employee, `payslips/<employee_id>.pdf`.
public enum Payslips {
    /// Labels in the pipeline's locale.
    struct Labels {
        let locale: ReportLocale
        func t(_ zh: String, _ en: String) -> String {
            switch locale {
            case .zh: return zh
            case .en: return en
            case .both: return "\(zh) \(en)"
            }
        }
    }

    /// Writes one payslip. Amounts are the register's; every figure is exact. With `fonts` (the run's font, opened
    /// once) the PDF is written directly, sharing the labels' font subset with the run's other payslips; a payslip
    /// with a character that font lacks, or a run without it, is drawn by cairo and pango (which fall back to
    /// another font for that character).
    /// Returns the SHA-256 and size of what it wrote when it wrote the bytes itself (not through cairo).
    @discardableResult
    public static func write(
        index i: Int, batch: Batch, run: PayrollRun, company: String, locale: ReportLocale,
        font: String = "WenQuanYi Micro Hei", fonts: PDFFont? = nil, showZeroLines: Bool = false, to path: String
    ) throws -> FileDigest? {
        guard run.pay[i] != nil else { return nil }
        let title = Labels(locale: locale).t("工资条", "Payslip") + " \(batch.period) \(batch.employees[i].id)"
        if let fonts {
            let doc = CompactPDF(path: path, title: title, author: company, created: batch.period.firstDay, font: fonts)
            draw(index: i, batch: batch, run: run, company: company, locale: locale, showZeroLines: showZeroLines, on: doc)
            if doc.isComplete {
                let bytes = try doc.closeReturningBytes()
                return (FileHash.hex(SHA256.hash(data: bytes)), bytes.count)
            }
        }
        let doc = try PDFDocument(path: path, title: title, author: company, created: batch.period.firstDay, fontFamily: font)
        draw(index: i, batch: batch, run: run, company: company, locale: locale, showZeroLines: showZeroLines, on: doc)
        try doc.close()
        return nil
    }

    /// Draws one payslip on a page. Text that differs between employees (ID, name, department, position, notes) is
    /// marked variable, so that the labels' glyphs can be shared between payslips.
    static func draw(
        index i: Int, batch: Batch, run: PayrollRun, company: String, locale: ReportLocale, showZeroLines: Bool, on doc: some PageCanvas
    ) {
        guard let r = run.pay[i] else { return }
        let e = batch.employees[i]
        let p = run.performance[i]
        let a = batch.attendance[i]
        let L = Labels(locale: locale)
        let left = 48.0
        let right = 547.0
        let mid = 300.0
        var y = 44.0
        doc.fill(x: 0, y: 0, width: 595.28, height: 8, gray: 0.25)
        doc.text(company, x: left, y: y, size: 15, bold: true)
        doc.text(L.t("工资条", "Payslip") + "  \(batch.period)", x: right, y: y + 2, size: 12, bold: true, align: .right)
        y += 30
        doc.line(x1: left, y1: y, x2: right, y2: y, width: 1)
        y += 8
        let info: [(String, String)] = [
            (L.t("工号", "Employee ID"), e.id), (L.t("姓名", "Name"), e.name),
            (L.t("部门", "Department"), e.department), (L.t("岗位", "Position"), e.position),
        ]
        for (k, (label, value)) in info.enumerated() {
            let x = k % 2 == 0 ? left : mid
            doc.text(label, x: x, y: y, size: 9, gray: 0.35)
            doc.text(value, x: x + 90, y: y, size: 10, variable: true)
            if k % 2 == 1 { y += 16 }
        }
        y += 10

        func section(_ title: String) {
            doc.fill(x: left, y: y, width: right - left, height: 18, gray: 0.92)
            doc.text(title, x: left + 6, y: y + 3, size: 10, bold: true)
            y += 24
        }
        func row(_ label: String, _ value: String, bold: Bool = false, x0: Double = left, x1: Double = right) {
            doc.text(label, x: x0 + 6, y: y, size: 10, bold: bold)
            doc.text(value, x: x1 - 6, y: y, size: 10, bold: bold, align: .right)
            y += 15
        }

        func money(_ m: Money) -> String { grouped(m) }
        func shown(_ m: Money) -> Bool { showZeroLines || m != .zero }
        // 1. Earnings: the structure's lines that make up gross, with each adjustment row's note under its line.
        section(L.t("应发项目", "Earnings"))
        let notes = batch.adjustments.filter { Int($0.employee) == i }
        for (k, c) in run.rules.components.enumerated() where c.spec.inGross && shown(r.lines[k]) {
            row(L.t(c.spec.labelZH, c.spec.labelEN), money(r.lines[k]))
        }
        // The adjustment rows behind the adjustments line, each with its note (工牌补办 −50.00).
        for n in notes {
            guard let spec = run.rules.pack.adjustments.first(where: { $0.code == n.code }), spec.into == .gross else { continue }
            let what = L.t(spec.labelZH, spec.labelEN) + (n.note.isEmpty ? "" : "：\(n.note)")
            doc.text("· " + what, x: left + 18, y: y, size: 8, width: right - left - 120, gray: 0.35, variable: true)
            doc.text(money(n.amount), x: right - 6, y: y, size: 8, align: .right, gray: 0.35)
            y += 12
        }
        doc.line(x1: left, y1: y, x2: right, y2: y, width: 0.5, gray: 0.6)
        y += 4
        row(L.t("应发合计", "Gross pay"), money(r.gross), bold: true)
        y += 6

        // 2. Withheld from the salary: the employee's insurance, housing fund, income tax, and a carried shortfall recovered.
        section(L.t("代扣项目", "Withheld"))
        let withheld: [(String, String, Money)] = [
            ("养老保险（个人）", "Pension insurance", r.line(.pension).employee),
            ("医疗保险（个人）", "Medical insurance", r.line(.medical).employee),
            ("失业保险（个人）", "Unemployment insurance", r.line(.unemployment).employee),
            ("住房公积金（个人）", "Housing fund", r.housingFund.employee), ("个人所得税", "Income tax", r.tax),
            // Negative net pay carried from earlier periods (negative_net: carry_forward) that this period recovers.
            ("扣回以前期间欠款", "Recovered from earlier periods", Money.zero - r.carriedRecovery),
        ]
        var withheldTotal = Money.zero
        for (zh, en, m) in withheld {
            withheldTotal += m
            if shown(m) && !(m == .zero && zh == "扣回以前期间欠款") { row(L.t(zh, en), money(m)) }
        }
        doc.line(x1: left, y1: y, x2: right, y2: y, width: 0.5, gray: 0.6)
        y += 4
        row(L.t("代扣合计", "Total withheld"), money(withheldTotal), bold: true)
        y += 6

        // 3. The annual one-time bonus, paid beside the salary and taxed on its own.
        if r.annualBonus != .zero || r.bonusTax != .zero {
            section(L.t("全年一次性奖金（单独计税）", "Annual one-time bonus (taxed separately)"))
            row(L.t("全年一次性奖金", "Annual one-time bonus"), money(r.annualBonus))
            row(L.t("年终奖个人所得税", "Tax on the annual bonus"), money(r.bonusTax))
            y += 6
        }

        // 4. Net pay as the sum of the blocks above, so that anyone can add it up.
        let shortfall = r.net - (r.gross - withheldTotal + r.annualBonus - r.bonusTax)
        var sum = "\(L.t("应发合计", "Gross")) \(money(r.gross)) − \(L.t("代扣合计", "withheld")) \(money(withheldTotal))"
        if r.annualBonus != .zero || r.bonusTax != .zero {
            sum += " + \(L.t("年终奖", "bonus")) \(money(r.annualBonus)) − \(L.t("年终奖个税", "bonus tax")) \(money(r.bonusTax))"
        }
        if shortfall != .zero { sum += " + \(L.t("转入下期扣回", "carried to later periods")) \(money(shortfall))" }
        sum += " = \(money(r.net))"
        doc.text(sum, x: left + 6, y: y, size: 8, width: right - left - 12, gray: 0.35)
        y += locale == .both ? 24 : 14
        doc.fill(x: left, y: y, width: right - left, height: 26, gray: 0.25)
        doc.text(L.t("实发工资", "Net pay"), x: left + 8, y: y + 5, size: 13, bold: true, gray: 1)
        doc.text("¥ " + money(r.net), x: right - 8, y: y + 5, size: 13, bold: true, align: .right, gray: 1)
        y += 32
        if r.carriedBalance != .zero {
            row(L.t("尚待扣回欠款（以后期间扣回）", "Still to recover in later periods"), money(r.carriedBalance))
        }
        y += 8

        // Two columns: attendance | performance, then year to date | employer.
        let top = y
        section(L.t("考勤", "Attendance"))
        y = top + 24
        let days: [(String, String, AttendanceStatus)] = [
            ("出勤", "Present", .present), ("年假", "Annual leave", .annualLeave),
            ("调休", "Comp. leave", .compLeave), ("出差", "Business trip", .businessTrip), ("事假", "Personal leave", .personalLeave),
            ("病假", "Sick leave", .sickLeave), ("旷工", "Absent", .absent),
        ]
        // Units sit in the label ("出勤（天）"), so that both languages read as one label and one figure.
        for (zh, en, st) in days where a.days(st) > .zero || st == .present {
            row(L.t("\(zh)（天）", "\(en) (days)"), "\(a.days(st))", x1: mid - 10)
        }
        for k in OvertimeKind.allCases where a.overtime(k) > .zero {
            let name = [("工作日加班", "Overtime, workday"), ("休息日加班", "Overtime, rest day"), ("节假日加班", "Overtime, holiday")][k.rawValue]
            row(L.t("\(name.0)（小时）", "\(name.1) (hours)"), a.overtime(k).description, x1: mid - 10)
        }
        if a.overtimeRestdayComp > .zero {
            row(L.t("休息日加班调休（小时）", "Rest-day overtime, time off (hours)"), a.overtimeRestdayComp.description, x1: mid - 10)
        }
        if a.overtimeRestdayComp > .zero || r.ytd.compTime != .zero {
            row(L.t("调休余额（小时）", "Comp-time balance (hours)"), r.ytd.compTime.description, x1: mid - 10)
        }
        let leftEnd = y
        y = top
        doc.fill(x: mid + 10, y: y, width: right - mid - 10, height: 18, gray: 0.92)
        doc.text(L.t("绩效", "Performance"), x: mid + 16, y: y + 3, size: 10, bold: true)
        y += 24
        row(L.t("综合得分", "Final score"), p.final.map { $0.formatted(places: 2) } ?? "", x0: mid + 10)
        row(L.t("等级", "Grade"), p.grade, x0: mid + 10)
        row(L.t("绩效系数", "Coefficient"), p.coefficient.formatted(places: 2), x0: mid + 10)
        row(L.t("部门排名", "Department rank"), "\(p.departmentRank)", x0: mid + 10)
        y = max(y, leftEnd) + 8

        section(L.t("本年累计（个税）", "Year to date (income tax)"))
        let ytd: [(String, String, Money)] = [
            ("累计收入", "Income", r.ytd.income), ("累计减除费用", "Basic deduction", r.basicDeduction),
            ("累计专项扣除", "Social insurance and housing fund", r.ytd.special),
            ("累计专项附加扣除", "Special additional deductions", r.ytd.additional),
            ("累计应纳税所得额", "Taxable income", r.ytd.taxable), ("累计已扣缴税额", "Tax withheld", r.ytd.withheld),
        ]
        for (k, (zh, en, m)) in ytd.enumerated() {
            let x0 = k % 2 == 0 ? left : mid + 10
            let x1 = k % 2 == 0 ? mid - 10 : right
            doc.text(L.t(zh, en), x: x0 + 6, y: y, size: 9)
            doc.text(grouped(m), x: x1 - 6, y: y, size: 9, align: .right)
            if k % 2 == 1 { y += 14 }
        }
        y += 8
        section(L.t("单位缴纳（不从工资中扣除）", "Paid by the employer (not deducted)"))
        let employer: [(String, String, Money)] = [
            ("养老保险（单位）", "Pension insurance", r.line(.pension).employer),
            ("医疗保险（单位）", "Medical insurance", r.line(.medical).employer),
            ("失业保险（单位）", "Unemployment insurance", r.line(.unemployment).employer),
            ("工伤保险（单位）", "Work-injury insurance", r.line(.workInjury).employer),
            ("住房公积金（单位）", "Housing fund", r.housingFund.employer),
        ]
        for (zh, en, m) in employer where shown(m) { row(L.t(zh, en), money(m)) }
        row(L.t("单位缴纳合计", "Total paid by the employer"), money(r.employerSI + r.housingFund.employer), bold: true)
        y += 16
        doc.line(x1: left, y1: y, x2: right, y2: y, width: 0.5, gray: 0.6)
        doc.text(
            L.t(
                "本工资条由薪酬系统生成，金额单位：人民币元。如有疑问请在发薪后 7 日内联系人力资源部。内容保密，请勿转发。",
                "Generated by the payroll system; amounts in CNY. Questions within 7 days of payment to HR. Confidential."),
            x: left, y: y + 6, size: 8, width: right - left, gray: 0.4)
    }

    /// Payslips are written over shards of at least this many employees.
    public static let perShard = 64

    /// Writes every paid employee's payslip, in parallel; returns the file names in employee order, each with the
    /// SHA-256 and size of its bytes when they were hashed as they were written (nil: hash the file).
    public static func writeAll(
        batch: Batch, run: PayrollRun, company: String, locale: ReportLocale, password: PayslipPassword,
        ownerSecret: String, font: String, showZeroLines: Bool = false, folder: String,
        scheduler: any WorkScheduler = SerialScheduler(), progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> [(name: String, digest: FileDigest?)] {
        let counter = Counter()
        // Opened once for the run; the first payslip's labels make the font subset every payslip shares (built and
        // compressed once, before the threads start, so that the files do not depend on them).
        let fonts = PDFFont(family: font)
        if let fonts, let first = run.pay.firstIndex(where: { $0 != nil }) {
            let doc = CompactPDF(path: "", title: "", author: company, created: batch.period.firstDay, font: fonts)
            draw(index: first, batch: batch, run: run, company: company, locale: locale, showZeroLines: showZeroLines, on: doc)
            try fonts.shareLabels(of: doc)
        }
        let total = run.pay.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
        let results: [Result<(name: String, digest: FileDigest?)?, Error>] = scheduler.map(
            count: batch.employees.count, minShard: Payslips.perShard
        ) { range in
            range.map { i in
                Result {
                    guard run.pay[i] != nil else { return nil }
                    let e = batch.employees[i]
                    let name = "\(e.id).pdf"
                    guard SafeIdentifier.isSafe(e.id) else {
                        throw OutputError(
                            "refusing to write a payslip for an employee_id that is not a safe file name (line \(e.line) of employees.csv)")
                    }
                    let path = (folder as NSString).appendingPathComponent(name)
                    var digest: FileDigest?
                    if let pw = Payslips.password(rule: password, employee: e) {
                        let plain = path + ".plain"
                        try write(
                            index: i, batch: batch, run: run, company: company, locale: locale, font: font, fonts: fonts,
                            showZeroLines: showZeroLines,
                            to: plain)
                        try PDFEncryption.encryptAES256(
                            input: plain, output: path, userPassword: pw,
                            ownerPassword: ownerPassword(secret: ownerSecret, employee: e, period: batch.period))
                        try FileManager.default.removeItem(atPath: plain)
                    } else {
                        digest = try write(
                            index: i, batch: batch, run: run, company: company, locale: locale, font: font, fonts: fonts,
                            showZeroLines: showZeroLines,
                            to: path)
                    }
                    if let progress { progress(counter.next(), total) }
                    return (name, digest)
                }
            }
        }
        var names: [(name: String, digest: FileDigest?)] = []
        for r in results { if let n = try r.get() { names.append(n) } }
        return names
    }

    /// Counts payslips written across the worker threads.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            n += 1
            return n
        }
    }

    /// 12345.6 → "12,345.60" (display only; the register keeps plain figures).
    static func grouped(_ m: Money) -> String {
        // Digits from the right: two of fen, the point, then yuan in groups of three.
        var digits: [UInt8] = []
        var v = m.fen.magnitude
        var n = 0
        repeat {
            if n == 2 { digits.append(UInt8(ascii: ".")) }
            if n > 2 && (n - 2) % 3 == 0 { digits.append(UInt8(ascii: ",")) }
            digits.append(UInt8(48 + v % 10))
            v /= 10
            n += 1
        } while v != 0 || n < 3
        if m.fen < 0 { digits.append(UInt8(ascii: "-")) }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    /// The password of an employee's payslip under `rule`.
    public static func password(rule: PayslipPassword, employee e: Employee) -> String? {
        switch rule {
        case .none: return nil
        case .idLast6: return e.idNumber.count >= 6 ? String(e.idNumber.suffix(6)) : nil
        case .employeeID: return e.id
        }
    }

    /// The owner (permissions) password: derived from a pipeline secret so that it is not guessable from the payslip.
    static func ownerPassword(secret: String, employee e: Employee, period: Period) -> String {
        let digest = SHA256.hash(data: Data("\(secret)|\(e.id)|\(period)".utf8))
        return FileHash.hex(digest.prefix(16))
    }
}
