import CSVReader
import PayrollCore

/// Validation stage 2, rows: each cell read as its CONTRACT type, or a diagnostic naming file, line and
/// column (R codes). The accessors are how intake reads a cell, so no value skips its check.
extension TableScan {

    /// The trimmed cell, or nil when the column is absent or the cell empty.
    @inline(__always)
    func raw(_ c: Col) -> CSVField? {
        guard c.pos >= 0, let rec = record, c.pos < rec.count else { return nil }
        let f = rec[c.pos]
        let s = rec.fieldsTrimmed ? f : f.trimmed()
        return s.isEmpty ? nil : s
    }

    func missing(_ c: Col) {
        if c.pos < 0 {
            incomplete = true  // the header's F004 says it once for the whole file
        } else {
            error(.required, c, en: "required value is empty", zh: "必填值为空")
        }
    }

    /// The most characters a text cell may hold: what one Excel cell holds (the register and report workbooks).
    static let maxTextCharacters = 32_767

    func text(_ c: Col, required: Bool) -> String? {
        guard let r = raw(c) else {
            if required { missing(c) }
            return nil
        }
        let s = r.string
        if r.count > TableScan.maxTextCharacters, s.count > TableScan.maxTextCharacters {
            error(
                .tooLongForOutput, c, en: "text of \(s.count) characters; an Excel cell of the reports holds at most \(TableScan.maxTextCharacters)",
                zh: "文本长 \(s.count) 个字符；报表的 Excel 单元格最多容纳 \(TableScan.maxTextCharacters) 个字符")
            return nil
        }
        return s
    }

    /// Like `text`, with the same checks and diagnostics, without making a String of the cell.
    func textBytes(_ c: Col, required: Bool) -> CSVField? {
        guard let r = raw(c) else {
            if required { missing(c) }
            return nil
        }
        if r.count > TableScan.maxTextCharacters { return text(c, required: required) == nil ? nil : r }
        return r
    }

    func money(_ c: Col, required: Bool, allowNegative: Bool) -> Money? {
        guard let r = raw(c) else {
            if required { missing(c) }
            return nil
        }
        switch Money.parse(r, allowNegative: allowNegative) {
        case .success(let m):
            if m.fen.magnitude > UInt64(MoneyBounds.cellFen) {
                error(
                    .amountTooLarge, c, en: "the amount is beyond the 100,000,000.00 yuan one cell may hold",
                    zh: "金额超过单个单元格允许的 100,000,000.00 元上限")
                return nil
            }
            return m
        case .failure(let e):
            let (en, zh): (String, String)
            switch e {
            case .empty: (en, zh) = ("an empty value", "空值")
            case .notANumber: (en, zh) = ("text that is not a plain number (no currency signs or exponents)", "非纯数字的文本（不可含货币符号或科学计数法）")
            case .tooManyDecimals: (en, zh) = ("more than 2 decimal places", "超过 2 位小数")
            case .badGrouping: (en, zh) = ("thousands separators in the wrong places", "千位分隔符位置错误")
            case .negativeNotAllowed: (en, zh) = ("a negative amount, which this column does not allow", "负数金额（此列不允许）")
            case .tooLarge: (en, zh) = ("a number too large to be an amount", "数值过大")
            }
            error(
                .badMoney, c, en: "expected an amount in yuan with at most 2 decimals (e.g. 12345.67); found \(en)",
                zh: "应为以元为单位、最多 2 位小数的金额（如 12345.67）；实际为\(zh)")
            return nil
        }
    }

    func decimal(_ c: Col, required: Bool, min: Fixed? = nil, max: Fixed? = nil, what: String = "a decimal number") -> Fixed? {
        guard let r = raw(c) else {
            if required { missing(c) }
            return nil
        }
        switch Fixed.parse(r) {
        case .success(let v):
            if let min, v < min {
                let found = showValues ? (en: "\(v)", zh: " \(v)") : (en: "a smaller number", zh: "更小的数")
                error(.outOfRange, c, en: "\(what) must be at least \(min); found \(found.en)", zh: "取值不得小于 \(min)；实际为\(found.zh)")
                return nil
            }
            if let max, v > max {
                let found = showValues ? (en: "\(v)", zh: " \(v)") : (en: "a larger number", zh: "更大的数")
                error(.outOfRange, c, en: "\(what) must be at most \(max); found \(found.en)", zh: "取值不得大于 \(max)；实际为\(found.zh)")
                return nil
            }
            return v
        case .failure(let e):
            let why = e == .tooManyDecimals ? "more than 6 decimal places" : "text that is not a plain decimal number"
            let whyZH = e == .tooManyDecimals ? "超过 6 位小数" : "不是普通小数的文本"
            error(.badDecimal, c, en: "expected \(what); found \(why)", zh: "应为小数；实际为\(whyZH)")
            return nil
        }
    }

    func date(_ c: Col, required: Bool, month: MonthDays? = nil) -> Day? {
        guard let r = raw(c) else {
            if required { missing(c) }
            return nil
        }
        if let month, let d = month.day(r) { return d }
        if let d = Day.parse(r) { return d }
        let shown = shown(r)
        error(
            .badDate, c, en: "expected a date YYYY-MM-DD (or YYYY/M/D); found \(shown.en)",
            zh: "应为日期 YYYY-MM-DD（或 YYYY/M/D）；实际为\(shown.zh)")
        return nil
    }

    func enumeration<E: Sendable & Equatable>(_ c: Col, _ matcher: EnumMatcher<E>, required: Bool) -> E? {
        guard let r = raw(c) else {
            if required { missing(c) }
            return nil
        }
        if let v = matcher.match(r) { return v }
        let shown = shown(r)
        error(
            .badEnum, c, en: "expected one of \(matcher.choices); found \(shown.en)",
            zh: "应为以下之一：\(matcher.choicesZH)；实际为\(shown.zh)")
        return nil
    }
}

/// The days of one month as `YYYY-MM-DD` cells name them, for a file whose dates are nearly all in it (attendance
/// rows in their period): a cell of the month's eight-byte prefix is its two last digits looked up, not parsed
/// (twenty-one million dates). Any other cell, and a day the month lacks, is left to `Day.parse`, which says the same.
struct MonthDays: Sendable {
    /// "YYYY-MM-" as one word.
    private let prefix: UInt64
    /// By the two digits' value 0–99: the day, nil when the month has none.
    private let days: [Day?]

    init(_ period: Period) {
        let text = Array("\(period.year)-\(period.month < 10 ? "0" : "")\(period.month)-".utf8)  // a period's year has four digits
        prefix = text.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        days = (0..<100).map { dd in Day(year: period.year, month: period.month, day: dd) }
    }

    /// The day of a cell of the month's form, nil for any other cell.
    @inline(__always)
    func day(_ cell: CSVField) -> Day? {
        guard cell.count == 10 else { return nil }
        return cell.withContiguousStorageIfAvailable { b -> Day? in
            let raw = UnsafeRawPointer(b.baseAddress!)
            guard raw.loadUnaligned(as: UInt64.self) == prefix else { return nil }
            let tens = b[8] &- 0x30
            let ones = b[9] &- 0x30
            guard tens <= 9, ones <= 9 else { return nil }
            return days[Int(tens) * 10 + Int(ones)]
        } ?? nil
    }
}
