import Audit
import Outputs
import PayrollCore
import Stages

/// The period run as the audit commands replay it (close, verify, explain, reconcile).
public struct PipelineReplay: PeriodReplay {
    /// Worker threads of a re-run (0: one per core); results do not depend on it.
    public var threads: Int

    /// A replay on `threads` workers.
    public init(threads: Int = 0) { self.threads = threads }

    /// The rule pack folder the pipeline file names.
    public func rulePackDirectory(pipeline: String) throws -> String {
        try PipelineDefinition.load(path: pipeline).rulePackDirectory
    }

    /// The run settings a request stands for.
    func settings(_ r: ReplayRequest) throws -> RunSettings {
        var def = try PipelineDefinition.load(path: r.pipeline)
        if let pack = r.rulePackOverride { def.rulePackDirectory = pack }
        var s = RunSettings(
            definition: def, period: r.period, inputDirectory: r.inputDirectory, outputRoot: r.outputRoot, threads: threads,
            openingBalance: r.openingBalance, firstPeriod: r.firstPeriod,
            only: r.only.map { Set($0.compactMap(OutputKind.init(rawValue:))) })
        s.previousLedger = r.previousLedger
        s.historySources = r.historySources
        return s
    }

    /// Load, validate, rollup and pay, in memory.
    public func compute(_ r: ReplayRequest) throws -> Replayed {
        let c = try PeriodRunner.compute(try settings(r))
        return Replayed(batch: c.batch, run: c.run, rules: c.rules)
    }

    /// The whole run, into `r.outputRoot`.
    public func execute(_ r: ReplayRequest) throws -> (folder: String?, errors: Int) {
        let outcome = try PeriodRunner.execute(try settings(r))
        return (outcome.finished ? outcome.folder : nil, outcome.batch.errorCount)
    }

    /// The register row the write stage writes.
    public func registerRow(_ index: Int, batch: Batch, run: PayrollRun) -> [String]? {
        Register.row(index, batch: batch, run: run)
    }
}
