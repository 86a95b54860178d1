/// The stable diagnostic codes. A code never changes meaning; new problems get new codes.
public enum Code: String, CaseIterable, Sendable {
    // Stage 1: files and headers
    case fileMissing = "F001", encoding = "F002", emptyFile = "F003", missingColumn = "F004",
         duplicateColumn = "F005", unknownColumn = "F006", malformedQuote = "F007",
         unterminatedQuote = "F008", noRows = "F009", noRowsOptional = "F010"
    // Stage 2: rows
    case fieldCount = "R001", required = "R002", badMoney = "R003", badDate = "R004", badDecimal = "R005",
         badEnum = "R006", outOfRange = "R007", idNumber = "R008", outsidePeriod = "R009",
         duplicateEmployee = "R010", unknownCity = "R011", hfRateRange = "R012", overtimeKind = "R013",
         targetZero = "R014", bankAccount = "R015", fieldTooLong = "R016", unsafeIdentifier = "R017",
         amountTooLarge = "R018", unknownBank = "R019", tooLongForOutput = "R020"
    // Stage 3: across files
    case unknownEmployee = "X001", duplicateDay = "X002", weightSum = "X003", unknownAdjustment = "X004",
         noScores = "X005", duplicateAdjustment = "X006", duplicateRating = "X007"
    // Stage 4: business rules
    case hiredAfterPeriod = "B001", leaveBeforeHire = "B002", negativeSalary = "B003",
         contractEnded = "B004", noAttendance = "B005", leftBeforePeriod = "B006", negativeBonus = "B007"
    // Performance rollup
    case missingMethod = "P001", noFinalScore = "P002"
    // Pay calculation
    case negativeNet = "N001", bonusTableExpired = "N002", secondAnnualBonus = "N003", calculation = "N004",
         totalsTooLarge = "N005", outputLimit = "N006"
    // Year to date
    case missingYearToDate = "Y001", badYearToDate = "Y002", notInLedger = "Y003", ledgerChanged = "Y004"

    public var severity: Severity {
        switch self {
        case .unknownColumn, .noRowsOptional, .contractEnded, .noAttendance, .leftBeforePeriod, .missingMethod,
             .secondAnnualBonus, .notInLedger, .duplicateAdjustment: return .warning
        default: return .error
        }
    }

    public var stage: ValidationStage {
        switch rawValue.first! {
        case "F": return .files
        case "R": return .rows
        case "X", "Y": return .crossFile
        default: return .business
        }
    }
}

/// Collects diagnostics for one file or stage. At most `capPerCode` of one
/// code are kept per file; the rest are counted and summarised in one line,
/// so a file of twenty million bad rows cannot flood the report.
public struct DiagnosticSink: Sendable {
    public let file: String
    public var capPerCode: Int
    public private(set) var items: [Diagnostic] = []
    private var counts: [Code: Int] = [:]
    private var firstLineOverCap: [Code: Int] = [:]

    public init(file: String, capPerCode: Int = 1000) {
        self.file = file
        self.capPerCode = capPerCode
    }

    /// With `--show-values` the employee cell is kept as it is; otherwise only when it is plausibly an employee ID.
    public var showValues = false

    public mutating func add(_ code: Code, line: Int?, column: String?, employee: String?, en: String, zh: String) {
        let employee = showValues ? employee : employee.flatMap(SafeIdentifier.plausibleEmployeeID)
        let n = (counts[code] ?? 0) + 1
        counts[code] = n
        if n > capPerCode {
            if firstLineOverCap[code] == nil { firstLineOverCap[code] = line ?? 0 }
            return
        }
        items.append(Diagnostic(code: code.rawValue, severity: code.severity, stage: code.stage, file: file,
                                line: line, column: column, employeeID: employee, en: en, zh: zh))
    }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }

    /// The kept diagnostics plus one summary line per code that overflowed.
    public func finish() -> [Diagnostic] {
        var out = items
        for (code, n) in counts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where n > capPerCode {
            let more = n - capPerCode
            out.append(Diagnostic(code: code.rawValue, severity: code.severity, stage: code.stage, file: file,
                                  line: firstLineOverCap[code], column: nil, employeeID: nil,
                                  en: "\(more) more problems of this kind from this line on (only the first \(capPerCode) are listed)",
                                  zh: "自此行起还有 \(more) 个同类问题（仅列出前 \(capPerCode) 个）"))
        }
        return out
    }
}
