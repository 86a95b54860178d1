/// Errors stop a period's pay; warnings do not.
public enum Severity: String, Sendable, Comparable {
    case error, warning
    /// Errors sort before warnings.
    public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
}

/// The validation stage that found a problem.
public enum ValidationStage: Int, Sendable, Comparable {
    case files = 1
    case rows = 2
    case crossFile = 3
    case business = 4
    /// Earlier stages first.
    public static func < (a: ValidationStage, b: ValidationStage) -> Bool { a.rawValue < b.rawValue }
}

/// One data problem, with where it is and what was expected. Messages never
/// carry a salary, ID number or bank account.
public struct Diagnostic: Hashable, Sendable {
    /// The stable code (F004, R003, …).
    public var code: String
    /// Error or warning.
    public var severity: Severity
    /// The validation stage.
    public var stage: ValidationStage
    /// The input file concerned.
    public var file: String
    /// Physical line (1-based, header = 1) on which the record starts; nil for a whole file.
    public var line: Int?
    /// The column concerned.
    public var column: String?
    /// The employee concerned, when plausibly an ID.
    public var employeeID: String?
    /// The message in English (describes values, never quotes them unless asked).
    public var messageEN: String
    /// The message in Chinese.
    public var messageZH: String
    /// The source workbook's cell the value came from (`工资表!C12`), when it was imported.
    public var cell: String?

    /// A diagnostic.
    public init(
        code: String, severity: Severity, stage: ValidationStage, file: String, line: Int?,
        column: String?, employeeID: String?, en: String, zh: String
    ) {
        self.code = code
        self.severity = severity
        self.stage = stage
        self.file = file
        self.line = line
        self.column = column
        self.employeeID = employeeID
        self.messageEN = en
        self.messageZH = zh
    }

    /// Report order: file, line, column, code.
    public static func reportOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        if a.file != b.file { return a.file < b.file }
        if (a.line ?? 0) != (b.line ?? 0) { return (a.line ?? 0) < (b.line ?? 0) }
        if (a.column ?? "") != (b.column ?? "") { return (a.column ?? "") < (b.column ?? "") }
        if a.code != b.code { return a.code < b.code }
        return (a.employeeID ?? "") < (b.employeeID ?? "")
    }
}

/// The kinds of failure a command can end with; data problems are never errors but `Diagnostic`s.
/// The command line turns each kind into its exit code in one place.
public enum FailureKind: Sendable, CaseIterable {
    /// What was read is damaged or does not check (a sealed file changed, or not for this key) (1).
    case data
    /// The command line or a named file is wrong: a malformed pipeline or mapping, a refused close (64).
    case usage
    /// The rule pack is malformed or lacks a value the period needs (78).
    case rulePack
    /// The disk, the file system or a C library failed (70).
    case operational
    /// Another command holds the output root; nothing was changed (75).
    case busy
}

/// An error that says which kind of failure it is.
public protocol KindedError: Error, CustomStringConvertible {
    /// Which kind of failure this is.
    var kind: FailureKind { get }
}
