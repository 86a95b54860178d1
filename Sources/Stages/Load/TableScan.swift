import CSVReader
import PayrollCore
import Synchronization

/// A column of the file being read: its position in the header (-1 when absent).
struct Col {
    let pos: Int
    private let interned: ColumnName
    /// The column's CONTRACT name.
    var name: String { interned.string }

    init(pos: Int, name: String) {
        self.pos = pos
        interned = ColumnName(name)
    }
}

/// A column name kept once for the whole process (a bounded set: CONTRACT's names), so that a `Col` holds no
/// reference: copying one, several times per row of twenty million, retained and released its String.
struct ColumnName {
    private let bytes: UnsafeBufferPointer<UInt8>

    private static let known = Mutex<[String: UnsafeBufferPointer<UInt8>]>([:])

    init(_ s: String) {
        bytes = ColumnName.known.withLock { known in
            if let b = known[s] { return b }
            let b = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Swift.max(1, s.utf8.count))
            _ = b.initialize(from: s.utf8)
            let kept = UnsafeBufferPointer(rebasing: b[0..<s.utf8.count])
            known[s] = kept
            return kept
        }
    }

    /// The name.
    var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// Reads one CONTRACT file: resolves the header by name and alias, then hands
/// each data record to the caller with typed accessors that report every bad
/// cell (file, line, column, what was expected) without echoing sensitive values.
final class TableScan {
    let kind: InputKind
    var sink: DiagnosticSink
    var positions: [String: Int] = [:]
    var headerCount = 0
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

    /// A scan of another part of the same file: the header's columns, no diagnostics yet.
    func forPart() -> TableScan {
        let t = TableScan(kind: kind, fileName: sink.file, showValues: showValues)
        t.positions = positions
        t.headerCount = headerCount
        t.sink.capPerCode = sink.capPerCode
        return t
    }

    func col(_ name: String) -> Col { Col(pos: positions[name] ?? -1, name: name) }

    /// Starts a data record; false (after reporting) when it cannot be read.
    func begin(_ rec: CSVRecord) -> Bool {
        record = rec
        line = rec.line
        rowErrors = 0
        incomplete = false
        employeeBytes = nil
        employeeText = nil
        if rec.oversizedMask != 0 {
            for i in rec.oversizedFields {
                sink.add(
                    .fieldTooLong, line: line, column: headerName(i), employee: nil,
                    en: "the value is longer than the 1 MiB a field may hold", zh: "字段值超过 1 MiB 上限")
                rowErrors += 1
            }
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
}

/// `shortWords` of a cell of at most 16 bytes.
@inline(__always)
func cellWords(_ cell: CSVField) -> (UInt64, UInt64) {
    cell.withContiguousStorageIfAvailable(shortWords) ?? (0, 0)
}

/// Matches enumeration cells: exact canonical bytes first (the fast path for
/// large files), then case-insensitive names and Chinese aliases.
struct EnumMatcher<E: Sendable & Equatable>: Sendable {
    // Canonical spellings packed in one byte array: no nested arrays to retain on the hot path.
    let keyBytes: [UInt8]
    let keyStarts: [Int]
    /// Each canonical spelling's length and bytes in two words (zero-padded), for a cell of at most 16 bytes: compared
    /// in three steps, not byte by byte (21 million attendance statuses). A longer spelling never matches here.
    let shortKeys: [(count: Int, words: (UInt64, UInt64))]
    let values: [E]
    let table: [String: E]
    let choices: String
    /// The choices with their Chinese spellings, for Chinese messages: 「出勤」(present)…
    let choicesZH: String

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
        self.shortKeys = (0..<values.count).map { k in
            let key = bytes[starts[k]..<starts[k + 1]]
            return key.count <= 16 ? (key.count, key.withUnsafeBufferPointer(shortWords)) : (Int.max, (0, 0))
        }
        self.values = values
        self.choices = canonical.joined(separator: ", ")
        self.choicesZH = canonical.map { k in
            let zh = table.filter { $0.value == table[k] && !$0.key.allSatisfy(\.isASCII) }.map(\.key).sorted().first
            return zh.map { "「\($0)」或「\(k)」" } ?? "「\(k)」"
        }.joined(separator: "、")
    }

    @inline(__always)
    func match(_ r: CSVField) -> E? {
        if r.count <= 16 {
            let words = cellWords(r)
            for k in shortKeys.indices
            where shortKeys[k].count == r.count && shortKeys[k].words.0 == words.0 && shortKeys[k].words.1 == words.1 {
                return values[k]
            }
            return table[r.string.lowercased()]
        }
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
    /// basic_deduction_mode: employment (default), first_income (首次取得工资, SAT Ann. 2020 No. 13) or
    /// annual_60000 (全年6万, SAT Ann. 2020 No. 19).
    static let deductionMode = EnumMatcher(
        [
            "employment": BasicDeductionMode.employment, "first_income": .firstIncome, "annual_60000": .annual60000,
            "任职受雇": .employment, "首次取得工资": .firstIncome, "全年6万": .annual60000, "全年6万元": .annual60000,
        ],
        canonical: ["employment", "first_income", "annual_60000"])
    /// overtime_compensation: pay (加班费, default) or comp_time (调休); true for comp time.
    static let compensation = EnumMatcher(["pay": false, "comp_time": true, "加班费": false, "调休": true], canonical: ["pay", "comp_time"])
}

// Column positions of each file, resolved once per file (no lookups per cell); classes, so that a row takes
// one reference to them, not a copy of every column name.
final class EmployeeCols {
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
    let serviceStart: Col
    /// The special additional deductions by category, in `SpecialDeductionCategory` order.
    let specialItems: [Col]
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
        serviceStart = t.col("service_start")
        specialItems = SpecialDeductionCategory.allCases.map { t.col($0.column) }
    }
}

final class ScoreCols {
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

final class AdjustmentCols {
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

final class CalibrationCols {
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

final class PointsCols {
    let employeeID: Col
    let points: Col
    let reason: Col
    init(_ t: TableScan) {
        employeeID = t.col("employee_id")
        points = t.col("points")
        reason = t.col("reason")
    }
}

final class CoachingCols {
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
