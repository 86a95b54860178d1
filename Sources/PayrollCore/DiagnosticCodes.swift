/// The stable diagnostic codes. A code never changes meaning; new problems get new codes.
public enum Code: String, CaseIterable, Sendable {
    // Stage 1: files and headers
    case fileMissing = "F001"
    case encoding = "F002"
    case emptyFile = "F003"
    case missingColumn = "F004"
    case
        duplicateColumn = "F005"
    case unknownColumn = "F006"
    case malformedQuote = "F007"
    case
        unterminatedQuote = "F008"
    case noRows = "F009"
    case noRowsOptional = "F010"
    /// Both attendance.csv and attendance_summary.csv are in the period folder.
    case bothAttendanceFiles = "F011"
    // Stage 2: rows
    case fieldCount = "R001"
    case required = "R002"
    case badMoney = "R003"
    case badDate = "R004"
    case badDecimal = "R005"
    case
        badEnum = "R006"
    case outOfRange = "R007"
    case idNumber = "R008"
    case outsidePeriod = "R009"
    case
        duplicateEmployee = "R010"
    case unknownCity = "R011"
    case hfRateRange = "R012"
    case overtimeKind = "R013"
    case
        targetZero = "R014"
    case bankAccount = "R015"
    case fieldTooLong = "R016"
    case unsafeIdentifier = "R017"
    case
        amountTooLarge = "R018"
    case unknownBank = "R019"
    case tooLongForOutput = "R020"
    case compTimeKind = "R021"
    case specialDeductionSum = "R022"
    /// Most attendance dates fall in another month than the period: a hint before the R009 list.
    case periodMismatch = "R023"
    // Stage 3: across files
    case unknownEmployee = "X001"
    case duplicateDay = "X002"
    case weightSum = "X003"
    case unknownAdjustment = "X004"
    case
        noScores = "X005"
    case duplicateAdjustment = "X006"
    case duplicateRating = "X007"
    /// A second attendance_summary.csv row for the same employee.
    case duplicateSummary = "X010"
    // Stage 4: business rules
    case hiredAfterPeriod = "B001"
    case leaveBeforeHire = "B002"
    case negativeSalary = "B003"
    case
        contractEnded = "B004"
    case noAttendance = "B005"
    case leftBeforePeriod = "B006"
    case negativeBonus = "B007"
    // Performance rollup
    case missingMethod = "P001"
    case noFinalScore = "P002"
    // Pay calculation
    case negativeNet = "N001"
    case bonusTableExpired = "N002"
    case secondAnnualBonus = "N003"
    case calculation = "N004"
    case
        totalsTooLarge = "N005"
    case outputLimit = "N006"
    case compTimeNegative = "N007"
    case bonusPolicyEnded = "N008"
    /// A city's social-insurance band the period uses is older than its yearly revision.
    case staleParameter = "N009"
    // Year to date
    case missingYearToDate = "Y001"
    case badYearToDate = "Y002"
    case notInLedger = "Y003"
    case ledgerChanged = "Y004"
    // Import from a legacy workbook (`payroll import`), named by the source cell
    case importNoHeader = "I001"
    case importExcelError = "I002"
    case importDigitsLost = "I003"
    case importDigitsAsNumber = "I004"
    case importBadDate = "I005"
    case importUnmapped = "I006"
    case importNotANumber = "I007"
    case importTooManyDecimals = "I008"
    case importTotalsRow = "I010"
    case importNoKey = "I011"
    /// A currency sign, a word or other text in a money cell (never stripped).
    case importMoneyText = "I012"
    /// The same employee on two rows of the workbook.
    case importDuplicateRow = "I013"
    /// A money column's imported rows do not add up to the workbook's totals row.
    case importTotalsDiffer = "I014"

    /// Warnings never stop a run; every other code is an error.
    public var severity: Severity {
        switch self {
        case .unknownColumn, .noRowsOptional, .contractEnded, .noAttendance, .leftBeforePeriod, .missingMethod,
            .secondAnnualBonus, .notInLedger, .duplicateAdjustment, .importTotalsRow, .importNoKey, .compTimeNegative, .bonusPolicyEnded,
            .periodMismatch, .staleParameter:
            return .warning
        default: return .error
        }
    }

    /// The validation stage a code belongs to, from its letter.
    public var stage: ValidationStage {
        switch rawValue.first ?? "B" {
        case "F": return .files
        case "R": return .rows
        case "X", "Y": return .crossFile
        case "I": return self == .importNoHeader ? .files : .rows
        default: return .business
        }
    }
}

/// Collects diagnostics for one file or stage. At most `capPerCode` of one
/// code are kept per file; the rest are counted and summarised in one line,
/// so a file of twenty million bad rows cannot flood the report.
public struct DiagnosticSink: Sendable {
    /// The input file the diagnostics are about.
    public let file: String
    /// How many diagnostics of one code are kept (the rest are counted).
    public var capPerCode: Int
    /// The diagnostics kept so far.
    public private(set) var items: [Diagnostic] = []
    private var counts: [Code: Int] = [:]
    private var firstLineOverCap: [Code: Int] = [:]

    /// A sink for one file's diagnostics.
    public init(file: String, capPerCode: Int = 1000) {
        self.file = file
        self.capPerCode = capPerCode
    }

    /// With `--show-values` the employee cell is kept as it is; otherwise only when it is plausibly an employee ID.
    public var showValues = false

    /// Adds a diagnostic in both languages; past the cap it is only counted.
    public mutating func add(_ code: Code, line: Int?, column: String?, employee: String?, en: String, zh: String) {
        let employee = showValues ? employee : employee.flatMap(SafeIdentifier.plausibleEmployeeID)
        let n = (counts[code] ?? 0) + 1
        counts[code] = n
        if n > capPerCode {
            if firstLineOverCap[code] == nil { firstLineOverCap[code] = line ?? 0 }
            return
        }
        items.append(
            Diagnostic(
                code: code.rawValue, severity: code.severity, stage: code.stage, file: file,
                line: line, column: column, employeeID: employee, en: en, zh: zh))
    }

    /// Adds what `later` collected (about the rows after this sink's, as when a file is read in parts): the
    /// same diagnostics are kept and counted as if one sink had seen all the rows in order.
    public mutating func merge(_ later: DiagnosticSink) {
        var keptLater: [Code: Int] = [:]
        for d in later.items {
            guard let code = Code(rawValue: d.code) else {
                items.append(d)  // not one of ours: kept, never dropped (no cap applies to it)
                continue
            }
            keptLater[code, default: 0] += 1
            let n = (counts[code] ?? 0) + 1
            counts[code] = n
            if n > capPerCode {
                if firstLineOverCap[code] == nil { firstLineOverCap[code] = d.line ?? 0 }
                continue
            }
            items.append(d)
        }
        for (code, n) in later.counts where n > (keptLater[code] ?? 0) {
            counts[code, default: 0] += n - (keptLater[code] ?? 0)
            if firstLineOverCap[code] == nil { firstLineOverCap[code] = later.firstLineOverCap[code] }
        }
    }

    /// True when an error (not only warnings) was added.
    public var hasErrors: Bool { items.contains { $0.severity == .error } }

    /// The kept diagnostics plus one summary line per code that overflowed.
    public func finish() -> [Diagnostic] {
        var out = items
        for (code, n) in counts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where n > capPerCode {
            let more = n - capPerCode
            out.append(
                Diagnostic(
                    code: code.rawValue, severity: code.severity, stage: code.stage, file: file,
                    line: firstLineOverCap[code], column: nil, employeeID: nil,
                    en: "\(more) more problems of this kind from this line on (only the first \(capPerCode) are listed)",
                    zh: "自此行起还有 \(more) 个同类问题（仅列出前 \(capPerCode) 个）"))
        }
        return out
    }
}
