import PayrollCore
import PayrollRules
import Stages

/// A period to recompute or re-run, as its run's records name it.
public struct ReplayRequest: Sendable {
    /// The pipeline file the run used.
    public var pipeline: String
    /// A rule pack folder that replaces the one the pipeline names (an archive's copy).
    public var rulePackOverride: String?
    /// The pay period.
    public var period: Period
    /// The folder holding the period's CONTRACT files.
    public var inputDirectory: String
    /// The output root the run reads the previous ledger from, or writes the re-run into.
    public var outputRoot: String
    /// Year-to-date opening balances, when the run had them.
    public var openingBalance: String?
    /// The run started the year at zero.
    public var firstPeriod: Bool
    /// The previous period's ledger, when it is not in the output root.
    public var previousLedger: String?
    /// The output kinds the run wrote (`--only`); nil: what the pipeline declares.
    public var only: [String]?
    /// Earlier periods' scorecards for the score history.
    public var historySources: [(period: String, path: String)]?

    /// A request to recompute `period` from `inputDirectory` with `pipeline`.
    public init(
        pipeline: String, period: Period, inputDirectory: String, outputRoot: String, openingBalance: String? = nil,
        firstPeriod: Bool = false, previousLedger: String? = nil
    ) {
        self.pipeline = pipeline
        self.period = period
        self.inputDirectory = inputDirectory
        self.outputRoot = outputRoot
        self.openingBalance = openingBalance
        self.firstPeriod = firstPeriod
        self.previousLedger = previousLedger
    }
}

/// A period recomputed in memory.
public struct Replayed: Sendable {
    /// The validated batch.
    public var batch: Batch
    /// Performance and pay, when the batch had no errors.
    public var run: PayrollRun?
    /// The rule pack's values for the period.
    public var rules: PeriodRules

    /// A recomputed period.
    public init(batch: Batch, run: PayrollRun?, rules: PeriodRules) {
        self.batch = batch
        self.run = run
        self.rules = rules
    }
}

/// What the audit commands need from the period run, which sits above them
/// in the module graph: the command line hands in the pipeline's.
public protocol PeriodReplay: Sendable {
    /// The rule pack folder a pipeline file names.
    /// - Throws: when the pipeline file cannot be read.
    func rulePackDirectory(pipeline: String) throws -> String
    /// Recomputes a period in memory (load, validate, rollup, pay).
    /// - Throws: a rule-pack or operational error; data errors are diagnostics of the batch.
    func compute(_ request: ReplayRequest) throws -> Replayed
    /// Re-runs a period into `request.outputRoot`.
    /// - Returns: the finished run's folder, or nil and the number of data errors when it stopped on them.
    /// - Throws: a rule-pack or operational error.
    func execute(_ request: ReplayRequest) throws -> (folder: String?, errors: Int)
    /// The register row the write stage writes for employee `index`, or nil when the employee is not paid.
    func registerRow(_ index: Int, batch: Batch, run: PayrollRun) -> [String]?
}
