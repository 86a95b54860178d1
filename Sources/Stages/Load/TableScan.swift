import CSVReader
import PayrollCore

/// A column of the file being read: its position in the header (-1 when absent).
struct Col {
    let pos: Int
    let name: String
}

/// Reads one CONTRACT file: resolves the header by name and alias, then hands
/// each data record to the caller with typed accessors that report every bad
/// cell (file, line, column, what was expected) without echoing sensitive values.
final class TableScan {
    let kind: InputKind
    var sink: DiagnosticSink
    private(set) var positions: [String: Int] = [:]
    private(set) var headerCount = 0
    var record: CSVRecord?
    var line = 0
    var rowErrors = 0
    /// The current row lacks a value because its column is missing from the header (reported once, at the header).
    var incomplete = false
    /// No error in the current row and no value missing with its column: the row can be used.
    var complete: Bool { rowErrors == 0 && !incomplete }
    /// The current row's employee_id cell, made into text only when a problem is reported.
    var employeeBytes: CSVField?
    var employeeText: String?
    var employee: String? {
        get { employeeText ?? employeeBytes.map(\.string) }
        set { employeeText = newValue }
    }

    /// Messages may quote cell values (`--show-values`); by default they only describe them.
    let showValues: Bool

    init(kind: InputKind, fileName: String, showValues: Bool = false) {
        self.kind = kind
        self.sink = DiagnosticSink(file: fileName)
        self.sink.showValues = showValues
        self.showValues = showValues
    }

    /// What a cell holds, for a message: its value with `--show-values`, else a description that
    /// reveals nothing personal ("18 digits", "a date", "text of 12 characters").
    func shown(_ r: CSVField) -> (en: String, zh: String) {
        if showValues {
            let t = r.count <= 200 ? r.string : String(r.string.prefix(200)) + "…"
            return ("\"\(t)\"", "“\(t)”")
        }
        return TableScan.describe(r)
    }

    /// Describes a value without showing it.
    static func describe(_ r: CSVField) -> (en: String, zh: String) {
        let bytes = Array(r)
        if bytes.isEmpty { return ("an empty value", "空值") }
        if bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return ("\(bytes.count) digits", "\(bytes.count) 位数字") }
        if Day.parse(r) != nil { return ("a date", "一个日期") }
        let dateShaped =
            bytes.count >= 8 && bytes.count <= 10 && bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2F }
            && bytes.filter { $0 == 0x2D || $0 == 0x2F }.count == 2
        if dateShaped { return ("a date that does not exist", "不存在的日期") }
        if case .success = Money.parse(r, allowNegative: true) { return ("an amount", "一个金额") }
        if case .success = Fixed.parse(r) { return ("a number", "一个数字") }
        let n = r.string.count
        return ("text of \(n) character\(n == 1 ? "" : "s")", "\(n) 个字符的文本")
    }

    func col(_ name: String) -> Col { Col(pos: positions[name] ?? -1, name: name) }

    /// Stage 1 on the header record. A missing or duplicated column is
    /// reported here once; the rows are still read, and only the checks that
    /// need the missing column are skipped. Returns false when no column at
    /// all could be resolved.
    func resolveHeader(_ rec: CSVRecord) -> Bool {
        var lookup: [String: String] = [:]
        for c in kind.columns {
            lookup[c.name] = c.name
            for a in c.aliases { lookup[normalizeHeader(a)] = c.name }
        }
        headerCount = rec.count
        var ok = true
        for i in 0..<rec.count {
            let text = rec.string(i)
            let key = normalizeHeader(text)
            guard let canonical = lookup[key] else {
                // A header cell is shown unless it looks like data (a file without its header row).
                let looksLikeData = text.count > 24 || text.contains(where: \.isNumber) && text.filter(\.isNumber).count >= 4
                let shown = showValues || !looksLikeData ? String(text.prefix(40)) : "#\(i + 1)"
                let what =
                    shown.hasPrefix("#")
                    ? (en: "column \(shown) (\(TableScan.describe(rec[i]).en))", zh: "第 \(i + 1) 列（\(TableScan.describe(rec[i]).zh)）")
                    : (en: "column \"\(shown)\"", zh: "列“\(shown)”")
                sink.add(
                    .unknownColumn, line: rec.line, column: shown.isEmpty ? "#\(i + 1)" : shown, employee: nil,
                    en: "\(what.en) is not part of the \(kind.rawValue) contract and is ignored",
                    zh: "\(what.zh)不在\(kind.rawValue)约定中，已忽略")
                continue
            }
            if let first = positions[canonical] {
                sink.add(
                    .duplicateColumn, line: rec.line, column: canonical, employee: nil,
                    en: "column \(canonical) appears twice in the header (columns \(first + 1) and \(i + 1)); the first is read",
                    zh: "表头中列 \(canonical) 出现两次（第 \(first + 1) 列和第 \(i + 1) 列）；读取第一列")
                continue
            }
            positions[canonical] = i
        }
        for c in kind.columns where c.required && positions[c.name] == nil {
            sink.add(
                .missingColumn, line: rec.line, column: c.name, employee: nil,
                en: "required column \(c.name) (\(c.aliases[0])) is missing from the header",
                zh: "表头缺少必填列 \(c.name)（\(c.aliases[0])）")
        }
        if positions.isEmpty { ok = false }
        return ok
    }

    /// Starts a data record; false (after reporting) when it cannot be read.
    func begin(_ rec: CSVRecord) -> Bool {
        record = rec
        line = rec.line
        rowErrors = 0
        incomplete = false
        employeeBytes = nil
        employeeText = nil
        for i in rec.oversizedMask == 0 ? [] : rec.oversizedFields {
            sink.add(
                .fieldTooLong, line: line, column: headerName(i), employee: nil,
                en: "the value is longer than the 1 MiB a field may hold", zh: "字段值超过 1 MiB 上限")
            rowErrors += 1
        }
        if rec.count != headerCount {
            sink.add(
                .fieldCount, line: line, column: nil, employee: nil,
                en: "expected \(headerCount) fields as in the header, found \(rec.count); the row is skipped",
                zh: "应有 \(headerCount) 个字段（与表头一致），实际 \(rec.count) 个；已跳过此行")
            return false
        }
        return rowErrors == 0
    }

    func headerName(_ i: Int) -> String {
        positions.first(where: { $0.value == i })?.key ?? "#\(i + 1)"
    }

    /// Drops the references to the reader's buffer so that it can be reused in place.
    func end() {
        record = nil
        employeeBytes = nil
        employeeText = nil
    }

    func error(_ code: Code, _ c: Col, en: String, zh: String) {
        rowErrors += code.severity == .error ? 1 : 0
        sink.add(code, line: line, column: c.name, employee: employee, en: en, zh: zh)
    }

    // MARK: cells

    /// The trimmed cell, or nil when the column is absent or the cell empty.
    @inline(__always)
    func raw(_ c: Col) -> CSVField? {
        guard c.pos >= 0, let rec = record, c.pos < rec.count else { return nil }
        let s = rec[c.pos].trimmed()
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

    func date(_ c: Col, required: Bool) -> Day? {
        guard let r = raw(c) else {
            if required { missing(c) }
            return nil
        }
        if let d = Day.parse(r) { return d }
        let shown = shown(r)
        error(
            .badDate, c, en: "expected a date YYYY-MM-DD (or YYYY/M/D); found \(shown.en)",
            zh: "应为日期 YYYY-MM-DD（或 YYYY/M/D）；实际为\(shown.zh)")
        return nil
    }

    func enumeration<E: Sendable>(_ c: Col, _ matcher: EnumMatcher<E>, required: Bool) -> E? {
        guard let r = raw(c) else {
            if required { missing(c) }
            return nil
        }
        if let v = matcher.match(r) { return v }
        let shown = shown(r)
        error(
            .badEnum, c, en: "expected one of \(matcher.choices); found \(shown.en)",
            zh: "应为以下之一：\(matcher.choices)；实际为\(shown.zh)")
        return nil
    }
}

/// Matches enumeration cells: exact canonical bytes first (the fast path for
/// large files), then case-insensitive names and Chinese aliases.
struct EnumMatcher<E: Sendable>: Sendable {
    // Canonical spellings packed in one byte array: no nested arrays to retain on the hot path.
    let keyBytes: [UInt8]
    let keyStarts: [Int]
    let values: [E]
    let table: [String: E]
    let choices: String

    init(_ table: [String: E], canonical: [String]) {
        self.table = Dictionary(uniqueKeysWithValues: table.map { ($0.key.lowercased(), $0.value) })
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        var values: [E] = []
        for k in canonical {
            guard let v = table[k] else { continue }
            bytes += Array(k.utf8)
            starts.append(bytes.count)
            values.append(v)
        }
        self.keyBytes = bytes
        self.keyStarts = starts
        self.values = values
        self.choices = canonical.joined(separator: ", ")
    }

    @inline(__always)
    func match(_ r: CSVField) -> E? {
        var k = 0
        while k < values.count {
            let s = keyStarts[k]
            let e = keyStarts[k + 1]
            if e - s == r.count {
                var same = true
                var j = 0
                while j < r.count {
                    if keyBytes[s + j] != r[j] {
                        same = false
                        break
                    }
                    j += 1
                }
                if same { return values[k] }
            }
            k += 1
        }
        return table[r.string.lowercased()]
    }
}

enum Matchers {
    static let deptType = EnumMatcher(DeptType.aliases, canonical: ["frontline", "backoffice"])
    static let status = EnumMatcher(AttendanceStatus.aliases, canonical: AttendanceStatus.allCases.map(\.code))
    static let overtime = EnumMatcher(OvertimeKind.aliases, canonical: OvertimeKind.allCases.map(\.code))
    static let method = EnumMatcher(ScoreMethod.aliases, canonical: ScoreMethod.allCases.map(\.code))
    static let perspective = EnumMatcher(Perspective.aliases, canonical: Perspective.allCases.map(\.code))
    static let raterGroup = EnumMatcher(RaterGroup.aliases, canonical: RaterGroup.allCases.map(\.code))
    static let direction = EnumMatcher(Direction.aliases, canonical: ["higher", "lower"])
    /// basic_deduction_mode: employment (default) or first_income (首次取得工资, SAT Ann. 2020 No. 13).
    static let deductionMode = EnumMatcher(
        ["employment": false, "first_income": true, "任职受雇": false, "首次取得工资": true],
        canonical: ["employment", "first_income"])
}

// Column positions of each file, resolved once per file (no lookups per cell).
struct EmployeeCols {
    let employeeID: Col
    let name: Col
    let idNumber: Col
    let department: Col
    let deptType: Col
    let position: Col
    let costCenter: Col
    let city: Col
    let hireDate: Col
    let leaveDate: Col
    let contractEnd: Col
    let baseSalary: Col
    let positionSalary: Col
    let allowance: Col
    let bonusBase: Col
    let siBase: Col
    let hfBase: Col
    let hfRate: Col
    let specialDeduction: Col
    let bankCode: Col
    let bankAccount: Col
    let basicDeductionMode: Col
    init(_ t: TableScan) {
        employeeID = t.col("employee_id")
        name = t.col("name")
        idNumber = t.col("id_number")
        department = t.col("department")
        deptType = t.col("dept_type")
        position = t.col("position")
        costCenter = t.col("cost_center")
        city = t.col("city")
        hireDate = t.col("hire_date")
        leaveDate = t.col("leave_date")
        contractEnd = t.col("contract_end")
        baseSalary = t.col("base_salary")
        positionSalary = t.col("position_salary")
        allowance = t.col("allowance")
        bonusBase = t.col("bonus_base")
        siBase = t.col("si_base")
        hfBase = t.col("hf_base")
        hfRate = t.col("hf_rate")
        specialDeduction = t.col("special_deduction")
        bankCode = t.col("bank_code")
        bankAccount = t.col("bank_account")
        basicDeductionMode = t.col("basic_deduction_mode")
    }
}

struct ScoreCols {
    let employeeID: Col
    let method: Col
    let item: Col
    let perspective: Col
    let raterGroup: Col
    let raterID: Col
    let weight: Col
    let target: Col
    let actual: Col
    let direction: Col
    let rating: Col
    init(_ t: TableScan) {
        employeeID = t.col("employee_id")
        method = t.col("method")
        item = t.col("item")
        perspective = t.col("perspective")
        raterGroup = t.col("rater_group")
        raterID = t.col("rater_id")
        weight = t.col("weight")
        target = t.col("target")
        actual = t.col("actual")
        direction = t.col("direction")
        rating = t.col("rating")
    }
}

struct AdjustmentCols {
    let employeeID: Col
    let code: Col
    let amount: Col
    let note: Col
    init(_ t: TableScan) {
        employeeID = t.col("employee_id")
        code = t.col("code")
        amount = t.col("amount")
        note = t.col("note")
    }
}

struct CalibrationCols {
    let employeeID: Col
    let grade: Col
    let reason: Col
    let approver: Col
    init(_ t: TableScan) {
        employeeID = t.col("employee_id")
        grade = t.col("grade")
        reason = t.col("reason")
        approver = t.col("approver")
    }
}

struct PointsCols {
    let employeeID: Col
    let points: Col
    let reason: Col
    init(_ t: TableScan) {
        employeeID = t.col("employee_id")
        points = t.col("points")
        reason = t.col("reason")
    }
}

struct CoachingCols {
    let employeeID: Col
    let date: Col
    let coach: Col
    let topic: Col
    init(_ t: TableScan) {
        employeeID = t.col("employee_id")
        date = t.col("date")
        coach = t.col("coach")
        topic = t.col("topic")
    }
}
