import Audit
import CSVReader
import Foundation
import PayrollCore
import PayrollRules
import RunRecords
import Stages

/// A problem found while importing is a `Diagnostic` named by its cell (`工资表!C12`): an error is a cell that
/// cannot be imported as it stands, a warning is for information (a skipped totals or blank row).
public typealias ImportIssue = Diagnostic

extension Diagnostic {
    /// An import problem at a cell of the source (`工资表!C12`), about a CONTRACT column.
    static func imported(_ code: Code, cell: String, column: String, en: String, zh: String) -> Diagnostic {
        var d = Diagnostic(
            code: code.rawValue, severity: code.severity, stage: code.stage,
            file: String(cell.split(separator: "!", maxSplits: 1).first ?? ""), line: nil, column: column.isEmpty ? nil : column,
            employeeID: nil, en: en, zh: zh)
        d.cell = cell
        return d
    }

    /// The severity as the import report spells it: `error`, or `note` for information.
    public var importSeverity: String { severity == .error ? "error" : "note" }
}

/// A rectangular source: an .xlsx sheet or a CSV file, read the same way.
public struct SourceTable: Sendable {
    /// The file's name.
    public var name: String
    /// Its cells.
    public var sheet: RawSheet

    /// Reads an .xlsx sheet or a CSV file; a damaged workbook is a `WorkbookError`.
    public static func load(path: String, sheet: String?) throws -> SourceTable {
        if path.lowercased().hasSuffix(".xlsx") {
            let s = try WorkbookReader.read(path: path, sheet: sheet)
            return SourceTable(name: s.name, sheet: s)
        }
        var raw = RawSheet(name: (path as NSString).lastPathComponent, cells: [:], merges: [], maxRow: 0, maxColumn: 0)
        let summary = try CSVFileReader(path: path).read { r in
            for i in 0..<r.count where !r[i].isEmpty {
                raw.cells[r.line, default: [:]][i + 1] = RawCell(kind: .text(r.string(i)), isDateFormatted: false)
                raw.maxColumn = max(raw.maxColumn, i + 1)
            }
            raw.maxRow = max(raw.maxRow, r.line)
        }
        if let f = summary.fault { throw WorkbookError(message: "\(path): \(f)") }
        return SourceTable(name: raw.name, sheet: raw)
    }
}

/// How a column of the source becomes a CONTRACT column.
public struct ColumnMapping: Sendable {
    /// The CONTRACT column written.
    public var target: String
    /// Header path in the source: "基本工资", or "应发工资/基本工资" under a two-row header.
    public var header: String?
    /// A constant instead of a column.
    public var constant: String?
    /// Source text → CONTRACT value (e.g. 上海 → shanghai).
    public var map: [String: String]
}

/// A mapping file: which sheet, which header rows, and the columns of each CONTRACT file to write.
public struct ImportMapping: Sendable {
    /// The sheet to read (default: the first).
    public var sheet: String?
    /// The header rows (two for a merged two-row header).
    public var headerRows: [Int]
    /// The first data row.
    public var dataStarts: Int
    /// Texts that mark a totals row (合计, …), which is skipped.
    public var totalMarkers: [String]
    /// Each CONTRACT file to write: its key column and its columns.
    public var targets: [(file: String, key: String, columns: [ColumnMapping])]

    /// Reads and checks a mapping file; a problem is a `ConfigError`.
    public static func load(path: String) throws -> ImportMapping {
        let root = try YNode.load(path: path)
        var m = ImportMapping(sheet: nil, headerRows: [1], dataStarts: 2, totalMarkers: ["合计", "总计", "小计", "Total"], targets: [])
        for (k, v) in try root.mapping(
            allowed: ["description", "sheet", "header_rows", "data_starts", "total_markers", "targets"],
            required: ["targets"])
        {
            switch k {
            case "description": _ = try v.string()
            case "sheet": m.sheet = try v.string()
            case "header_rows": m.headerRows = try v.sequence().map { try $0.int() }
            case "data_starts": m.dataStarts = try v.int()
            case "total_markers": m.totalMarkers = try v.stringList()
            default:
                for (file, tv) in try v.entries() {
                    var cols: [ColumnMapping] = []
                    var key = "employee_id"
                    for (col, cv) in try tv.entries() {
                        if col == "_key" {
                            key = try cv.string()
                            continue
                        }
                        var c = ColumnMapping(target: col, header: nil, constant: nil, map: [:])
                        if case .scalar = cv.node {
                            c.header = try cv.string()
                        } else {
                            for (ck, x) in try cv.mapping(allowed: ["column", "value", "map"]) {
                                switch ck {
                                case "column": c.header = try x.string()
                                case "value": c.constant = try x.string()
                                default: for (a, b) in try x.entries() { c.map[a] = try b.string() }
                                }
                            }
                        }
                        if c.header == nil && c.constant == nil { throw cv.error("give a column header or a constant value") }
                        cols.append(c)
                    }
                    m.targets.append((file, key, cols))
                }
            }
        }
        return m
    }
}

/// What kind of value each CONTRACT column holds, for converting Excel cells.
enum ValueKind { case text, digits, date, money, decimal }

/// The register's amount columns (RegisterAmounts): money in a legacy register too.
let registerAmounts = Set(RegisterAmounts.names)

func valueKind(file: String, _ column: String) -> ValueKind {
    if file == "employees" && (column == "position" || column == "base") { return .text }
    switch column {
    case "id_number", "bank_account": return .digits
    case "hire_date", "leave_date", "contract_end", "date": return .date
    case "base_salary", "position_salary", "allowance", "bonus_base", "si_base", "hf_base", "special_deduction", "amount", "si",
        // the default structure's salary lines
        "performance_bonus", "overtime", "absence_deduction", "sick_deduction", "proration", "adjustments", "base", "position":
        return .money
    case _ where registerAmounts.contains(column):
        return .money
    // attendance_summary.csv's counts (days, halves allowed) and hours
    case "paid_days", "absent_days", "personal_leave_days", "sick_leave_days", "comp_leave_days", "overtime_workday_hours",
        "overtime_restday_hours", "overtime_restday_comp_hours", "overtime_holiday_hours":
        return .decimal
    case "hf_rate", "overtime_hours", "weight", "target", "actual", "rating", "points": return .decimal
    default: return .text
    }
}

/// Import from a legacy workbook through a mapping.
public enum Importer {
    /// Header text of each column: the header rows joined with "/" (merged cells repeat their text).
    public static func headers(_ s: RawSheet, rows: [Int]) -> [Int: String] {
        var out: [Int: String] = [:]
        for col in 1...max(1, s.maxColumn) {
            var parts: [String] = []
            for r in rows {
                let t = (s.mergedValue(r, col)?.text ?? "").replacingOccurrences(of: "\n", with: "").trimmingCharacters(in: .whitespaces)
                if !t.isEmpty && parts.last != t { parts.append(t) }
            }
            if !parts.isEmpty { out[col] = parts.joined(separator: "/") }
        }
        return out
    }

    /// Finds a header: an exact path, or a unique column whose last (or only) part matches.
    static func column(for header: String, in headers: [Int: String]) -> Int? {
        if let c = headers.first(where: { $0.value == header })?.key { return c }
        let matches = headers.filter { $0.value.split(separator: "/").last.map(String.init) == header || $0.value.hasPrefix(header + "/") }
        return matches.count == 1 ? matches.first?.key : nil
    }

    /// What an import produced.
    public struct Result: Sendable {
        /// Rows per CONTRACT file, header first.
        public var files: [String: [[String]]]  // file → rows (header first)
        /// Every problem, at its cell.
        public var issues: [ImportIssue]
        /// Rows imported per file.
        public var imported: [String: Int]
        /// For each file's data rows (in order), the workbook cell of each column (`工资表!C12`), and of the row's key
        /// under "".
        public var cells: [String: [[String: String]]] = [:]
        /// Control totals: per file and money column, the sum of the imported rows.
        public var totals: [String: [String: Money]] = [:]
        /// The totals rows checked: file, column, the workbook's cell, its value, the imported sum.
        public var totalsChecked: [(file: String, column: String, cell: String, workbook: Money, imported: Money)] = []
        /// The source workbook's SHA-256 and name, when known.
        public var source: (name: String, sha256: String)?
    }

    /// Maps a source through a mapping; nothing is written.
    public static func run(source: SourceTable, mapping: ImportMapping) -> Result {
        let s = source.sheet
        let heads = headers(s, rows: mapping.headerRows)
        var issues: [ImportIssue] = []
        var files: [String: [[String]]] = [:]
        var counts: [String: Int] = [:]
        var cellsByFile: [String: [[String: String]]] = [:]
        var totalsByFile: [String: [String: Money]] = [:]
        var checked: [(file: String, column: String, cell: String, workbook: Money, imported: Money)] = []
        func ref(_ r: Int, _ c: Int) -> String { "\(source.name)!\(RawSheet.reference(r, c))" }
        for (file, key, columns) in mapping.targets {
            var resolved: [(ColumnMapping, Int?)] = []
            for c in columns {
                if let h = c.header {
                    guard let col = column(for: h, in: heads) else {
                        issues.append(
                            .imported(
                                .importNoHeader, cell: "\(source.name)!\(mapping.headerRows.map(String.init).joined(separator: ","))",
                                column: c.target,
                                en:
                                    "no header \"\(h)\" (or more than one) in rows \(mapping.headerRows); headers are: \(heads.values.sorted().joined(separator: ", "))",
                                zh:
                                    "第 \(mapping.headerRows.map(String.init).joined(separator: ",")) 行中没有表头“\(h)”（或不止一个）；现有表头：\(heads.values.sorted().joined(separator: "、"))"
                            ))
                        resolved.append((c, nil))
                        continue
                    }
                    resolved.append((c, col))
                } else {
                    resolved.append((c, nil))
                }
            }
            var rows: [[String]] = [columns.map(\.target)]
            var rowCellsOut: [[String: String]] = []
            var sums: [String: Money] = [:]
            // What a workbook's SUM counts but the import does not: the rows not written (pasted copies) and the cells
            // refused, by money column, with their cells; they explain a totals row that disagrees.
            var reported: [String: [(cell: String, amount: Money)]] = [:]
            func addReported(_ target: String, _ cell: RawCell?, _ r: Int, _ col: Int) {
                guard valueKind(file: file, target) == .money, let cell, let m = looseMoney(cell) else { return }
                reported[target, default: []].append((RawSheet.reference(r, col), m))
            }
            var firstRowOf: [String: Int] = [:]
            let keyCol = resolved.first { $0.0.target == key }?.1
            for r in mapping.dataStarts...max(mapping.dataStarts, s.maxRow) {
                let rowCells = s.cells[r] ?? [:]
                // A blank row (e.g. trailing formatted rows) is skipped.
                if rowCells.values.allSatisfy({ $0.text.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
                let texts = rowCells.sorted { $0.key < $1.key }.prefix(4).map { $0.value.text }
                let keyText = keyCol.flatMap { rowCells[$0]?.text.trimmingCharacters(in: .whitespaces) } ?? ""
                if texts.contains(where: { t in mapping.totalMarkers.contains { t.contains($0) } }) {
                    // The one control a migration has: each money column's imported rows add up to the totals row.
                    for (c, col) in resolved where c.constant == nil && valueKind(file: file, c.target) == .money {
                        guard let col, let cell = rowCells[col], case .value(let v) = convert(cell, kind: .money, column: c.target, at: ref(r, col)),
                            let total = Money.parse(v)
                        else { continue }
                        let sum = sums[c.target] ?? .zero
                        checked.append((file, c.target, ref(r, col), total, sum))
                        if sum != total {
                            let first = RawSheet.reference(mapping.dataStarts, col)
                            var en = "the totals row says \(total), but the imported rows of \(c.target) (from \(first)) add up to \(sum)"
                            let zhName = InputKind(rawValue: file)?.columns.first { $0.name == c.target }?.aliases.first ?? c.target
                            var zh = "合计行为 \(total)，但导入的\(zhName)各行（自 \(first) 起）合计为 \(sum)"
                            if let known = reported[c.target], !known.isEmpty {
                                // Excel's SUM skips a number typed as text, a total typed by hand may count it: the cells
                                // whose amounts make up the difference exactly, when some do.
                                if let part = Importer.subset(of: known, adding: total - sum) {
                                    let list = part.map(\.cell).joined(separator: ", ")
                                    en += "; the difference, \(total - sum), is the cells already reported and not imported (\(list))"
                                    zh += "；差额 \(total - sum) 正是已报告、未导入的单元格（\(list)）"
                                } else {
                                    let list = known.map(\.cell).joined(separator: ", ")
                                    en += "; the cells already reported and not imported (\(list)) do not account for the difference, \(total - sum)"
                                    zh += "；已报告、未导入的单元格（\(list)）不能解释差额 \(total - sum)"
                                }
                            } else {
                                en += ": a row is missing, extra or changed"
                                zh += "：有行缺失、多出或被改动"
                            }
                            issues.append(.imported(.importTotalsDiffer, cell: ref(r, col), column: c.target, en: en, zh: zh))
                        }
                    }
                    issues.append(
                        .imported(
                            .importTotalsRow, cell: ref(r, 1), column: "",
                            en: "row \(r) is a totals row (\(texts.first { t in mapping.totalMarkers.contains { t.contains($0) } } ?? "")); skipped",
                            zh: "第 \(r) 行是合计行（\(texts.first { t in mapping.totalMarkers.contains { t.contains($0) } } ?? "")），已跳过"))
                    continue
                }
                if keyText.isEmpty {
                    issues.append(
                        .imported(
                            .importNoKey, cell: ref(r, keyCol ?? 1), column: key,
                            en: "row \(r) has no \(key); skipped", zh: "第 \(r) 行没有 \(key)，已跳过"))
                    continue
                }
                // One row per employee in employees.csv (and per employee in a summary or a register): a pasted copy is an
                // error at its cell, naming the first; it is not written.
                if file != "adjustments" && file != "attendance" && file != "scores" {
                    if let first = firstRowOf[keyText] {
                        issues.append(
                            .imported(
                                .importDuplicateRow, cell: ref(r, keyCol ?? 1), column: key,
                                en: "\(key) \(keyText) is already on row \(first) (\(ref(first, keyCol ?? 1))); the row is not imported",
                                zh: "\(key) \(keyText) 已在第 \(first) 行（\(ref(first, keyCol ?? 1))）出现；本行未导入"))
                        for (c, col) in resolved where c.constant == nil {
                            if let col { addReported(c.target, rowCells[col], r, col) }
                        }
                        continue
                    }
                    firstRowOf[keyText] = r
                }
                var out: [String] = []
                var where_: [String: String] = ["": ref(r, keyCol ?? 1)]
                for (c, col) in resolved {
                    if let k = c.constant {
                        out.append(k)
                        continue
                    }
                    guard let col else {
                        out.append("")
                        continue
                    }
                    let cell = rowCells[col]
                    where_[c.target] = ref(r, col)
                    switch convert(cell, kind: valueKind(file: file, c.target), column: c.target, at: ref(r, col)) {
                    case .value(var v):
                        if valueKind(file: file, c.target) == .money, let m = Money.parse(v) { sums[c.target, default: .zero] += m }
                        if !c.map.isEmpty, !v.isEmpty {
                            if let m = c.map[v] {
                                v = m
                            } else {
                                issues.append(
                                    .imported(
                                        .importUnmapped, cell: ref(r, col), column: c.target,
                                        en: "\"\(v.prefix(20))\" has no entry in the mapping's map for \(c.target)",
                                        zh: "映射文件中 \(c.target) 的 map 没有“\(v.prefix(20))”这一项"))
                            }
                        }
                        out.append(v)
                    case .issue(let issue):
                        issues.append(issue)
                        // Text where a number belongs is written as the workbook has it, so that validation refuses it
                        // too (an empty optional count would read as 0); a corrupted number (an ID typed as a number) is
                        // never written.
                        if case .text(let t) = cell?.kind, [.money, .decimal].contains(valueKind(file: file, c.target)) {
                            out.append(t.trimmingCharacters(in: .whitespaces))
                        } else {
                            out.append("")
                        }
                        addReported(c.target, cell, r, col)
                    }
                }
                rows.append(out)
                rowCellsOut.append(where_)
            }
            counts[file] = rows.count - 1
            files[file] = rows
            cellsByFile[file] = rowCellsOut
            totalsByFile[file] = sums
        }
        // A row's problem found once per target (a pasted copy, a totals row) is reported once.
        var seenIssues = Set<String>()
        issues = issues.filter { seenIssues.insert("\($0.code)|\($0.cell ?? "")|\($0.messageEN)").inserted }
        var result = Result(files: files, issues: issues, imported: counts)
        result.cells = cellsByFile
        result.totals = totalsByFile
        result.totalsChecked = checked
        return result
    }

    /// The smallest set of the cells (at most 12 are tried) whose amounts add up to `target`, in their order.
    static func subset(of cells: [(cell: String, amount: Money)], adding target: Money) -> [(cell: String, amount: Money)]? {
        guard cells.count <= 12 else { return nil }
        var best: [(cell: String, amount: Money)]?
        for mask in 1..<(1 << cells.count) {
            let part = cells.indices.filter { mask & (1 << $0) != 0 }.map { cells[$0] }
            if part.reduce(Money.zero, { $0 + $1.amount }) == target, part.count < (best?.count ?? .max) { best = part }
        }
        return best
    }

    /// The amount a cell shows, read loosely (a currency sign, a unit, separators and spaces ignored), only to explain
    /// a totals row; never imported.
    static func looseMoney(_ cell: RawCell) -> Money? {
        switch cell.kind {
        case .number(let raw): return Money.parse(formatDecimal(roundDecimal(Decimal(string: raw) ?? 0, 2), 2))
        case .text(let t): return Money.parse(t.filter { !" ,¥￥$元圆RMBCNY".contains($0) })
        default: return nil
        }
    }

    /// A cell's value as CONTRACT text, or the problem that stops it.
    enum Converted {
        case value(String)
        case issue(Diagnostic)
    }

    /// Interprets one cell for a CONTRACT column; errors name the cell.
    static func convert(_ cell: RawCell?, kind: ValueKind, column: String, at ref: String) -> Converted {
        guard let cell else { return .value("") }
        func fail(_ code: Code, _ en: String, _ zh: String) -> Converted {
            .issue(.imported(code, cell: ref, column: column, en: en, zh: zh))
        }
        switch (kind, cell.kind) {
        case (_, .error(let e)): return fail(.importExcelError, "the cell holds the Excel error \(e)", "单元格是 Excel 错误值 \(e)")
        case (.digits, .number(let raw)):
            let digits = Decimal(string: raw).map { "\($0)" } ?? raw
            if column == "bank_account" {
                return fail(
                    .importDigitsAsNumber,
                    "bank_account is stored as a number: leading zeros are dropped and digits beyond the 15th are lost, so the account cannot be trusted. Format the column as text and enter the account again",
                    "bank_account 以数字存储：前导零丢失、第 15 位以后的数字丢失，账号不可信。请把该列设为文本后重新录入账号"
                )
            }
            if raw.uppercased().contains("E") || digits.count > 15 {
                return fail(
                    .importDigitsLost,
                    "\(column) is stored as a number (shown like 1.10101E+17): Excel keeps only 15 significant digits, so digits are lost. Format the column as text and enter the value again",
                    "\(column) 以数字存储（显示为 1.10101E+17 之类）：Excel 只保留 15 位有效数字，数字已丢失。请把该列设为文本后重新录入"
                )
            }
            return fail(
                .importDigitsAsNumber,
                "\(column) is stored as a number, so leading zeros are lost and the value cannot be trusted. Format the column as text and enter it again",
                "\(column) 以数字存储，前导零已丢失，值不可信。请把该列设为文本后重新录入"
            )
        case (.digits, .text(let t)):
            let v = t.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "")
            if v.uppercased().contains("E+") {
                return fail(
                    .importDigitsLost, "\(column) is text that shows a number in scientific notation (digits already lost)",
                    "\(column) 是显示为科学计数法的文本（数字已丢失）")
            }
            return .value(v)
        case (.date, .number(let raw)):
            // A date serial counts days; a time of day is the fraction, which a date column drops.
            guard let d = Decimal(string: raw), d >= 1, d < 2_958_466 else {
                return fail(.importBadDate, "expected a date; found a number that is not a date serial", "应为日期；此数字不是日期序号")
            }
            return .value(excelDate(NSDecimalNumber(decimal: roundDecimal(d - Decimal(string: "0.5")!, 0)).intValue).description)
        case (.date, .text(let t)):
            let v = t.trimmingCharacters(in: .whitespaces)
            if let d = Day.parse(v) { return .value(d.description) }
            if let d = chineseDate(v) { return .value(d.description) }
            return fail(
                .importBadDate, "expected a date (YYYY-MM-DD, YYYY/M/D, YYYY年M月D日 or an Excel date); found \"\(v.prefix(20))\"",
                "应为日期（YYYY-MM-DD、YYYY/M/D、YYYY年M月D日或 Excel 日期）；实际为“\(v.prefix(20))”")
        case (.money, .number(let raw)):
            guard let d = Decimal(string: raw) else { return fail(.importNotANumber, "not a number", "不是数字") }
            let rounded = roundDecimal(d, 2)
            // Excel keeps binary doubles: 8000.1 may be stored as 8000.1000000000004. Within 1e-7 of the
            // two-decimal value is that value; further away the cell really has more than two decimals.
            if (rounded - d).magnitude > Decimal(string: "0.0000001")! {
                return fail(
                    .importTooManyDecimals, "the cell holds an amount with more than 2 decimals (it may only look rounded)", "金额超过 2 位小数（可能只是显示为已舍入）")
            }
            return .value(formatDecimal(rounded, 2))
        case (.money, .text(let t)):
            let v = t.trimmingCharacters(in: .whitespaces)
            if v.isEmpty { return .value("") }
            guard let m = Money.parse(v) else {
                // A currency sign, a unit or a word is never stripped: the clerk fixes the cell, so that what is imported is
                // exactly what the workbook says.
                if v.contains(where: { "¥￥$元圆RMBCNY".contains($0) }) {
                    return fail(
                        .importMoneyText, "the amount is typed as text with a currency sign or unit; enter the number only (it is not stripped)",
                        "金额以带货币符号或单位的文本录入；请只录入数字（不会自动去除）")
                }
                return fail(
                    .importMoneyText, "expected an amount; found text that is not one (words are not stripped)", "应为金额；实际是无法识别为金额的文本（不会自动去除文字）")
            }
            return .value(m.description)
        case (.decimal, .number(let raw)):
            guard let d = Decimal(string: raw) else { return fail(.importNotANumber, "not a number", "不是数字") }
            return .value(Fixed.parse(formatDecimal(roundDecimal(d, 6), 6)).map(\.description) ?? "")
        case (.decimal, .text(let t)):
            let v = t.trimmingCharacters(in: .whitespaces)
            if v.hasSuffix("%"), let p = Fixed.parse(String(v.dropLast())) { return .value(p.divided(by: Fixed(100)).description) }
            return Fixed.parse(v) != nil || v.isEmpty ? .value(v) : fail(.importNotANumber, "expected a decimal number", "应为小数")
        case (.text, .number(let raw)):
            guard let d = Decimal(string: raw) else { return .value(raw) }
            return .value("\(d)")
        case (.text, .text(let t)): return .value(t.trimmingCharacters(in: .whitespaces))
        case (_, .bool(let b)): return .value(b ? "TRUE" : "FALSE")
        }
    }

    /// Excel's 1900 date system: serial 1 is 1900-01-01 and the non-existent 1900-02-29 is serial 60.
    public static func excelDate(_ serial: Int) -> Day {
        var days = serial >= 60 ? serial - 1 : serial  // skip the phantom leap day
        var y = 1900
        var m = 1
        while true {
            let len = Day.daysIn(year: y, month: m)
            if days <= len { return Day(year: y, month: m, day: max(1, days))! }
            days -= len
            m += 1
            if m > 12 {
                m = 1
                y += 1
            }
        }
    }

    static func chineseDate(_ s: String) -> Day? {
        let parts = s.replacingOccurrences(of: "年", with: "-").replacingOccurrences(of: "月", with: "-").replacingOccurrences(of: "日", with: "")
            .split(separator: "-").compactMap { Int($0) }
        return parts.count == 3 ? Day(year: parts[0], month: parts[1], day: parts[2]) : nil
    }

    static func roundDecimal(_ d: Decimal, _ places: Int) -> Decimal {
        var x = d
        var r = Decimal()
        NSDecimalRound(&r, &x, places, .plain)
        return r
    }

    static func formatDecimal(_ d: Decimal, _ places: Int) -> String {
        // Decimal's description is exact; pad to the places asked.
        var s = "\(d)"
        if !s.contains(".") { s += "." }
        let frac = s.split(separator: ".", omittingEmptySubsequences: false)[1].count
        if frac < places { s += String(repeating: "0", count: places - frac) }
        return s.hasSuffix(".") ? String(s.dropLast()) : s
    }

    /// Writes the CONTRACT files and `import_report.csv` into `folder`.
    public static func write(_ r: Result, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func write(_ rows: [[String]], _ name: String) throws {
            // The CONTRACT files are inputs for programs; the report is for people.
            let w = try CSVStreamWriter(path: (folder as NSString).appendingPathComponent(name), forPeople: name == "import_report.csv")
            for r in rows { try w.row(r) }
            try w.close()
        }
        // The map from each CSV line (the physical line a record starts on) and column to its workbook cell, which
        // `validate` reads to name the cell beside the line.
        var map: [[String]] = [["file", "line", "column", "cell"]]
        var written: [[String: Any]] = []
        for (file, rows) in r.files.sorted(by: { $0.key < $1.key }) {
            let name = file.hasSuffix(".csv") ? file : file + ".csv"
            try write(rows, name)
            var line = 1 + (rows.first.map(newlines) ?? 0) + 1
            for (k, row) in rows.dropFirst().enumerated() {
                let cells = r.cells[file]?[k] ?? [:]
                for (column, cell) in cells.sorted(by: { $0.key < $1.key }) { map.append([name, String(line), column, cell]) }
                line += 1 + newlines(row)
            }
            let path = (folder as NSString).appendingPathComponent(name)
            let hash = try FileHash.sha256(path: path)
            written.append([
                "file": name, "rows": rows.count - 1, "sha256": hash.hex, "bytes": hash.bytes,
                "control_totals": (r.totals[file] ?? [:]).mapValues(\.description),
            ])
        }
        try write(map, cellMapFile)
        try write(
            [["code", "severity", "cell", "column", "message", "message_zh"]]
                + r.issues.map { [$0.code, $0.importSeverity, $0.cell ?? "", $0.column ?? "", $0.messageEN, $0.messageZH] },
            "import_report.csv")
        var manifest: [String: Any] = [
            "format": "payroll-import-1",
            "files": written,
            "totals_rows_checked": r.totalsChecked.map {
                [
                    "file": $0.file, "column": $0.column, "cell": $0.cell, "workbook": $0.workbook.description, "imported": $0.imported.description,
                    "agrees": $0.workbook == $0.imported,
                ] as [String: Any]
            },
            "errors": r.issues.filter { $0.severity == .error }.count,
        ]
        if let s = r.source { manifest["source"] = ["name": s.name, "sha256": s.sha256] }
        var json = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        json.append(0x0A)
        try json.write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("import_manifest.json")))
    }

    /// The file beside the CONTRACT files that maps each CSV line and column to its workbook cell.
    public static let cellMapFile = ImportCells.fileName

    /// Line breaks inside a row's fields (a quoted field may hold some): the row's records span them.
    static func newlines(_ row: [String]) -> Int { row.reduce(0) { $0 + $1.reduce(0) { $0 + ($1 == "\n" || $1 == "\r\n" ? 1 : 0) } } }

    /// Proposes a mapping from the header text: CONTRACT names, their Chinese aliases and common synonyms. A
    /// register-shaped workbook (net pay, tax and the withholdings beside the names) gets a `register` target for
    /// `reconcile` and `parallel-run`; any other an `employees` target.
    public static func suggest(source: SourceTable, locale: ReportLocale = .en) -> String {
        let s = source.sheet
        let people = synonyms()
        let register = registerSynonyms()
        func known(_ text: String) -> Bool { people[norm(text)] != nil || register[norm(text)] != nil }
        // The header row is the first of the first ten rows that names at least three known columns.
        var headerRow = 1
        for r in 1...min(10, max(1, s.maxRow)) {
            let hits = (1...max(1, s.maxColumn)).filter { c in known(s.mergedValue(r, c)?.text ?? "") }.count
            if hits >= 3 {
                headerRow = r
                break
            }
        }
        // A second header row when the row below holds sub-headers under merged cells.
        let merged = s.merges.contains { $0.top == headerRow && $0.bottom == headerRow && $0.right > $0.left }
        let rows = merged ? [headerRow, headerRow + 1] : [headerRow]
        let heads = headers(s, rows: rows).sorted { $0.key < $1.key }
        func target(_ h: String, in table: [String: String]) -> String? {
            table[norm(String(h.split(separator: "/").last ?? ""))] ?? table[norm(h)]
        }
        // Register-shaped: at least two of the register's own amounts (net pay, tax, SI, HF, gross) and one of them net
        // pay or tax.
        let registerOnly = Set(heads.compactMap { target($0.value, in: register) }).subtracting(people.values)
        let isRegister = registerOnly.count >= 2 && !registerOnly.isDisjoint(with: ["net_pay", "tax"])
        let table = isRegister ? register : people
        var out = locale.pick(
            "# 由 `payroll import --suggest` 建议：使用前请逐行核对。\n", "# Suggested by `payroll import --suggest`: check every line before use.\n")
        if isRegister {
            out += locale.pick(
                "# 这是一张工资发放表：`register` 目标供 `payroll reconcile` 和 `payroll parallel-run` 使用；si 是个人社保合计。\n",
                "# A register: the `register` target is for `payroll reconcile` and `payroll parallel-run`; si is the employee's SI total.\n")
        }
        out +=
            "sheet: \(source.name)\nheader_rows: [\(rows.map(String.init).joined(separator: ", "))]\ndata_starts: \(rows.last! + 1)\ntargets:\n  \(isRegister ? "register" : "employees"):\n"
        var used = Set<String>()
        var unknown: [String] = []
        for (col, h) in heads {
            if let t = target(h, in: table), !used.contains(t) {
                used.insert(t)
                if t == "city" {
                    out += "    city: {column: \"\(h)\", map: {上海: shanghai, 北京: beijing, 深圳: shenzhen}}   # the rule pack's city codes\n"
                } else {
                    out += "    \(t): \"\(h)\"\n"
                }
            } else {
                unknown.append("\(RawSheet.columnName(col)) \(h)")
            }
        }
        if isRegister {
            if !used.contains("employee_id") { out += "    # employee_id: ?   (工号; required, no matching header found)\n" }
        } else {
            for c in InputKind.employees.columns where c.required && !used.contains(c.name) {
                out += "    # \(c.name): ?   (\(c.aliases[0]); required, no matching header found)\n"
            }
        }
        if !unknown.isEmpty { out += locale.pick("# 未映射的列：", "# Columns not mapped: ") + unknown.joined(separator: "; ") + "\n" }
        return out
    }

    /// A legacy register's headers: the register's own labels (RegisterLabels), its codes, and the words payroll
    /// workbooks use for the standard structure's lines and the withholdings.
    static func registerSynonyms() -> [String: String] {
        var m: [String: String] = [:]
        for (code, l) in RegisterLabels.fixed {
            m[norm(code)] = code
            m[norm(l.zh)] = code
            m[norm(l.en)] = code
        }
        for n in RegisterAmounts.names { m[norm(n)] = n }
        let extra: [String: String] = [
            "员工编号": "employee_id", "编号": "employee_id", "员工姓名": "name", "所属部门": "department", "基本工资": "base", "底薪": "base",
            "岗位工资": "position", "岗位津贴": "position", "津贴补贴": "allowance", "津贴": "allowance", "补贴": "allowance",
            "绩效奖金": "performance_bonus", "绩效工资": "performance_bonus", "加班工资": "overtime", "加班费": "overtime",
            "缺勤扣款": "absence_deduction", "考勤扣款": "absence_deduction", "病假扣款": "sick_deduction", "应发合计": "gross",
            "应发工资": "gross", "应发工资合计": "gross", "应发金额": "gross", "个人社保": "si", "个人社保合计": "si", "社保个人": "si", "代扣社保": "si",
            "社会保险": "si", "养老保险": "si_pension", "个人养老": "si_pension", "医疗保险": "si_medical", "个人医疗": "si_medical",
            "失业保险": "si_unemployment", "个人失业": "si_unemployment", "个人公积金": "hf", "公积金": "hf", "住房公积金": "hf",
            "代扣公积金": "hf", "个人所得税": "tax", "个税": "tax", "代扣个税": "tax", "实发工资": "net_pay", "实发合计": "net_pay",
            "实发金额": "net_pay", "年终奖": "annual_bonus", "年终奖个税": "bonus_tax",
        ]
        for (k, v) in extra { m[norm(k)] = v }
        return m
    }

    static func norm(_ s: String) -> String {
        s.lowercased().replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "*", with: "").replacingOccurrences(of: "\n", with: "")
    }

    static func synonyms() -> [String: String] {
        var m: [String: String] = [:]
        for c in InputKind.employees.columns {
            m[norm(c.name)] = c.name
            for a in c.aliases { m[norm(a)] = c.name }
        }
        let extra: [String: String] = [
            "员工编号": "employee_id", "职工编号": "employee_id", "编号": "employee_id", "员工姓名": "name",
            "身份证": "id_number", "证件号码": "id_number", "所属部门": "department", "职位": "position", "岗位名称": "position",
            "入职时间": "hire_date", "离职时间": "leave_date", "合同到期": "contract_end", "底薪": "base_salary", "基本薪资": "base_salary",
            "岗位津贴": "position_salary", "补贴": "allowance", "津贴": "allowance", "绩效基数": "bonus_base", "社保基数": "si_base",
            "公积金基数": "hf_base", "公积金比例": "hf_rate", "专项附加": "special_deduction", "银行": "bank_code", "开户银行": "bank_code",
            "卡号": "bank_account", "银行卡号": "bank_account", "工资卡号": "bank_account", "参保地": "city", "成本中心": "cost_center",
        ]
        for (k, v) in extra { m[norm(k)] = v }
        return m
    }
}
