import CSVReader
import Foundation
import PayrollCore
import PayrollRules
import RunRecords

/// Where each employee's year-to-date figures come from, and the ledger a
/// finished run leaves for the next period (`ytd_ledger.csv`).
public enum YearToDateStore {
    /// The ledger a finished run leaves for the next period.
    public static let ledgerFile = RunRecord.ledgerFile
    /// The ledger's columns.
    public static let ledgerColumns = [
        "employee_id", "year", "months", "ytd_income", "ytd_tax_free", "ytd_special",
        "ytd_additional", "ytd_taxable", "ytd_tax", "ytd_withheld", "annual_bonus",
        "annual_bonus_tax",
    ]
    /// Balances a ledger adds after `ledgerColumns` when any employee has one: negative net pay still to recover
    /// (yuan) and the comp-time balance (hours). Both carry across periods and years.
    public static let balanceColumns = ["carried_balance", "comp_time_hours"]
    /// The cumulative special additional deductions by category, after the other columns when any employee has them.
    public static let itemColumns = SpecialDeductionCategory.allCases.map { "ytd_\($0.column)" }

    /// Opening-balance columns (a company that starts mid-year): CONTRACT.md "Year to date".
    public static let openingColumns: [(name: String, zh: String, required: Bool)] = [
        ("employee_id", "工号", true), ("ytd_income", "累计收入额", true), ("ytd_tax_free_income", "累计免税收入", false),
        ("ytd_basic_months", "累计减除费用月数", true), ("ytd_special", "累计专项扣除", true),
        ("ytd_additional", "累计专项附加扣除", true), ("ytd_tax_withheld", "累计已预缴税额", true),
    ]

    /// Where the year-to-date figures came from.
    public enum Source: Sendable {
        case newYear
        case ledger(path: String)
        case opening(path: String)
        case firstPeriod
    }

    /// The year-to-date state of a period.
    public struct Loaded: Sendable {
        /// Its source, or nil when there is none (Y001).
        public var source: Source?
        /// Entries by employee_id (the whole previous ledger, carried forward).
        public var entries: [String: YearToDate]
        /// Problems reading it (Y codes).
        public var diagnostics: [Diagnostic]
    }

    /// Finds the year-to-date state for `period`: none in January; else the
    /// previous period's finished run in `root`, an opening-balance file, or
    /// an explicit first period. Anything else is an error, never a silent zero.
    /// `previousLedger` names the previous period's ledger file directly (an archived period being verified).
    public static func load(
        period: Period, root: String, opening: String?, firstPeriod: Bool,
        previousLedger: String? = nil
    ) throws -> Loaded {
        if period.month == 1 && opening == nil {
            // A new tax year starts at zero; the balances that are not reset in January come from December's run.
            let december = (root as NSString).appendingPathComponent(period.previous.description)
            let ledger = previousLedger ?? (december as NSString).appendingPathComponent(ledgerFile)
            var entries: [String: YearToDate] = [:]
            if previousLedger != nil || RunRecord.isFinished(december), FileManager.default.fileExists(atPath: ledger),
                let prior = try? readLedger(path: ledger, year: period.previous.year)
            {
                for (id, y) in prior.entries where y.carried != .zero || y.compTime != .zero {
                    var balances = YearToDate(year: y.year)
                    balances.carried = y.carried
                    balances.compTime = y.compTime
                    entries[id] = balances
                }
            }
            return Loaded(source: .newYear, entries: entries, diagnostics: [])
        }
        if let opening { return try readOpening(path: opening, period: period) }
        if let previousLedger { return try readLedger(path: previousLedger, year: period.year) }
        let prevFolder = (root as NSString).appendingPathComponent(period.previous.description)
        let ledger = (prevFolder as NSString).appendingPathComponent(ledgerFile)
        let finished = FileManager.default.fileExists(atPath: (prevFolder as NSString).appendingPathComponent("manifest.json"))
        if finished && FileManager.default.fileExists(atPath: ledger) {
            return try readLedger(path: ledger, year: period.year)
        }
        if firstPeriod { return Loaded(source: .firstPeriod, entries: [:], diagnostics: []) }
        var sink = DiagnosticSink(file: ledgerFile)
        sink.add(
            .missingYearToDate, line: nil, column: nil, employee: nil,
            en:
                "year-to-date figures are needed for \(period): no finished run of \(period.previous) in \(root). Run \(period.previous) first, give --opening-balance FILE, or declare --first-period if this employer paid nothing earlier in \(period.year)",
            zh:
                "\(period) 需要本年累计数据：\(root) 中没有已完成的 \(period.previous) 运行结果。请先运行 \(period.previous)，或提供 --opening-balance 文件，或在本年此前未发薪时声明 --first-period"
        )
        return Loaded(source: nil, entries: [:], diagnostics: sink.finish())
    }

    static func readLedger(path: String, year: Int) throws -> Loaded {
        var entries: [String: YearToDate] = [:]
        var sink = DiagnosticSink(file: path)
        var pos: [String: Int] = [:]
        _ = try CSVFileReader(path: path).read { rec in
            if rec.index == 0 {
                for i in 0..<rec.count { pos[rec.string(i)] = i }
                return
            }
            func money(_ c: String) -> Money? {
                guard let i = pos[c], i < rec.count else { return nil }
                return try? Money.parse(rec[i], allowNegative: true).get()
            }
            guard let ie = pos["employee_id"], let iy = pos["year"], let im = pos["months"], rec.count == pos.count,
                let y = Int(rec.string(iy)), let m = Int(rec.string(im)), Int32(exactly: m) != nil,  // kept in 32 bits
                let inc = money("ytd_income"), let free = money("ytd_tax_free"), let sp = money("ytd_special"),
                let ad = money("ytd_additional"), let tx = money("ytd_taxable"), let t = money("ytd_tax"),
                let w = money("ytd_withheld"), let b = money("annual_bonus"), let bt = money("annual_bonus_tax")
            else {
                sink.add(
                    .badYearToDate, line: rec.line, column: nil, employee: nil,
                    en: "this ledger row cannot be read; the ledger was changed by hand or is damaged",
                    zh: "无法读取此累计台账行；台账可能被手工修改或已损坏")
                return
            }
            guard y == year else { return }
            var entry = YearToDate(
                year: y, months: m, income: inc, taxFree: free, special: sp, additional: ad,
                taxable: tx, tax: t, withheld: w, annualBonus: b, annualBonusTax: bt)
            // The balance columns, when the ledger has them: a cell that does not read is Y002 on its column.
            func balance<T>(_ column: String, _ parse: (CSVField) -> T?) -> T?? {
                guard let c = pos[column] else { return .some(nil) }
                guard let v = parse(rec[c]) else {
                    sink.add(
                        .badYearToDate, line: rec.line, column: column, employee: nil,
                        en: "\(column) cannot be read; the ledger was changed by hand or is damaged",
                        zh: "无法读取 \(column)；台账可能被手工修改或已损坏")
                    return nil
                }
                return .some(v)
            }
            guard let carried = balance("carried_balance", { try? Money.parse($0, allowNegative: false).get() }),
                let comp = balance("comp_time_hours", { try? Fixed.parse($0).get() })
            else { return }
            if let carried { entry.carried = carried }
            if let comp { entry.compTime = comp }
            // Special additional deductions by category: all six or none; a row with none of them was given only totals.
            let items = itemColumns.map { c in pos[c].flatMap { $0 < rec.count ? rec[$0] : nil } }
            if items.allSatisfy({ $0 != nil }) {
                let parsed = items.compactMap { $0 }.map { $0.isEmpty ? nil : try? Money.parse($0, allowNegative: false).get() }
                if items.compactMap({ $0 }).contains(where: { !$0.isEmpty }) {
                    guard parsed.allSatisfy({ $0 != nil }) else {
                        sink.add(
                            .badYearToDate, line: rec.line, column: itemColumns.first, employee: nil,
                            en: "the ytd_sd_* columns cannot be read; the ledger was changed by hand or is damaged",
                            zh: "无法读取 ytd_sd_* 列；台账可能被手工修改或已损坏")
                        return
                    }
                    entry.additionalItems = parsed.compactMap { $0 }
                }
            }
            entries[rec.string(ie)] = entry
        }
        return Loaded(source: .ledger(path: path), entries: entries, diagnostics: sink.finish())
    }

    static func readOpening(path: String, period: Period) throws -> Loaded {
        let name = (path as NSString).lastPathComponent
        var sink = DiagnosticSink(file: name)
        guard FileManager.default.fileExists(atPath: path) else {
            sink.add(.fileMissing, line: nil, column: nil, employee: nil, en: "opening-balance file not found", zh: "未找到期初余额文件")
            return Loaded(source: nil, entries: [:], diagnostics: sink.finish())
        }
        var entries: [String: YearToDate] = [:]
        var pos: [String: Int] = [:]
        var headerOK = false
        var lookup: [String: String] = [:]
        for c in openingColumns {
            lookup[c.name] = c.name
            lookup[normalizeHeader(c.zh)] = c.name
        }
        let summary = try CSVFileReader(path: path).read { rec in
            if rec.index == 0 {
                for i in 0..<rec.count {
                    if let c = lookup[normalizeHeader(rec.string(i))] { pos[c] = i }
                }
                headerOK = true
                for c in openingColumns where c.required && pos[c.name] == nil {
                    sink.add(
                        .missingColumn, line: 1, column: c.name, employee: nil,
                        en: "required column \(c.name) (\(c.zh)) is missing from the header", zh: "表头缺少必填列 \(c.name)（\(c.zh)）")
                    headerOK = false
                }
                return
            }
            guard headerOK else { return }
            func cell(_ c: String) -> CSVField? {
                guard let i = pos[c], i < rec.count else { return nil }
                let s = rec[i]
                return s.isEmpty ? nil : s
            }
            let id = cell("employee_id").map(\.string)
            guard let id else {
                sink.add(.required, line: rec.line, column: "employee_id", employee: nil, en: "required value is empty", zh: "必填值为空")
                return
            }
            var y = YearToDate(year: period.year)
            var ok = true
            func amount(_ c: String, required: Bool) -> Money {
                guard let raw = cell(c) else {
                    if required {
                        sink.add(.required, line: rec.line, column: c, employee: id, en: "required value is empty", zh: "必填值为空")
                        ok = false
                    }
                    return .zero
                }
                switch Money.parse(raw, allowNegative: false) {
                case .success(let m): return m
                case .failure:
                    sink.add(
                        .badMoney, line: rec.line, column: c, employee: id,
                        en: "expected an amount in yuan with at most 2 decimals", zh: "应为最多 2 位小数的金额")
                    ok = false
                    return .zero
                }
            }
            y.income = amount("ytd_income", required: true)
            y.taxFree = amount("ytd_tax_free_income", required: false)
            y.special = amount("ytd_special", required: true)
            y.additional = amount("ytd_additional", required: true)
            y.withheld = amount("ytd_tax_withheld", required: true)
            if let m = cell("ytd_basic_months").flatMap({ Int($0.string) }), (0...12).contains(m), m < period.month {
                y.months = m
            } else {
                sink.add(
                    .outOfRange, line: rec.line, column: "ytd_basic_months", employee: id,
                    en: "months of basic deduction must be a whole number below the period's month (\(period.month))",
                    zh: "减除费用月数应为小于本期月份（\(period.month)）的整数")
                ok = false
            }
            if entries[id] != nil {
                sink.add(
                    .duplicateEmployee, line: rec.line, column: "employee_id", employee: id,
                    en: "a second opening balance for this employee", zh: "该员工有重复的期初余额")
                ok = false
            }
            y.tax = y.withheld
            if ok { entries[id] = y }
        }
        if let fault = summary.fault {
            sink.add(
                .malformedQuote, line: nil, column: nil, employee: nil, en: "the file could not be read to its end (\(fault))",
                zh: "文件未能完整读取（\(fault)）")
        }
        return Loaded(source: .opening(path: path), entries: entries, diagnostics: sink.finish())
    }
}
