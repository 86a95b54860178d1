import Foundation
import Outputs
import PayrollCore
import PayrollRules
import Performance
import RunRecords
import Stages
import Synchronization

/// Settings of one run or validation, after the command line and the pipeline file are merged.
public struct RunSettings: Sendable {
    /// The pipeline definition.
    public var definition: PipelineDefinition
    /// The pay period.
    public var period: Period
    /// The folder holding the period's CONTRACT files.
    public var inputDirectory: String
    /// The output root; the run's folder is `ROOT/<period>`.
    public var outputRoot: String
    /// Worker threads (0: one per core); results do not depend on it.
    public var threads: Int
    /// Year-to-date opening balances for a company starting mid-year.
    public var openingBalance: String?
    /// This employer paid nothing earlier in the year: year to date starts at zero.
    public var firstPeriod: Bool
    /// Validate only: nothing is paid, no finished run is touched.
    public var validateOnly: Bool
    /// The output kinds to write (`--only`); nil writes what the pipeline declares.
    public var only: Set<OutputKind>?
    /// The previous period's ledger, when it is not in the output root (re-running an archive).
    public var previousLedger: String?
    /// The run folder's name under the output root (default: the period).
    public var folderName: String?
    /// Earlier periods' scorecards for the score history (default: found in the output root).
    public var historySources: [(period: String, path: String)]?
    /// Diagnostics may quote cell values (`--show-values`: personal data in the report and on the terminal).
    public var showValues = false
    /// Amounts that replace employees.csv's after intake (a retroactive recomputation), by employee_id.
    public var employeeOverrides: [String: [(SalaryField, Money)]] = [:]

    /// Settings of one run.
    public init(
        definition: PipelineDefinition, period: Period, inputDirectory: String, outputRoot: String, threads: Int,
        openingBalance: String? = nil, firstPeriod: Bool = false, validateOnly: Bool = false, only: Set<OutputKind>? = nil
    ) {
        self.definition = definition
        self.period = period
        self.inputDirectory = inputDirectory
        self.outputRoot = outputRoot
        self.threads = threads
        self.openingBalance = openingBalance
        self.firstPeriod = firstPeriod
        self.validateOnly = validateOnly
        self.only = only
    }
}

/// What a run did.
public struct RunOutcome: Sendable {
    /// The validated batch.
    public var batch: Batch
    /// Performance and pay, when the batch had no errors.
    public var run: PayrollRun?
    /// The folder the run wrote (its report, or the finished run).
    public var folder: String
    /// True when the folder holds a manifest (a finished run).
    public var finished: Bool
    /// Wall time of the whole run, in seconds.
    public var seconds: Double
    /// Wall time of each stage in seconds: intake (stages 1–4 of validation), payroll (rollup + pay), write.
    public var stageSeconds: [(String, Double)]
    /// A run that stopped on errors while a finished run of the period exists: that run was left untouched
    /// (its path), and this run's report went beside it.
    public var keptFinishedRun: String?
    /// Where the finished run this run replaced is kept (relative to the root).
    public var replacedKeptAt: String?
}

/// A rule-pack problem (exit 78) as opposed to an operational one (exit 70).
public struct RulePackError: Error, CustomStringConvertible, Sendable {
    /// The rule pack's own error.
    public let underlying: String
    /// The rule pack's error message.
    public var description: String { underlying }
}

/// load → validate → rollup → payroll → write, into a run folder that
/// appears only when complete.
public enum PeriodRunner {
    /// The period computed in memory: validated batch, and the run when the batch has no errors.
    public struct Computed: Sendable {
        /// The validated batch.
        public var batch: Batch
        /// Performance and pay, when the batch had no errors.
        public var run: PayrollRun?
        /// The rule pack read.
        public var pack: RulePack
        /// The rule pack's values in force on the period's first day.
        public var rules: PeriodRules
        /// Wall time of each stage, in seconds.
        public var stageSeconds: [(String, Double)]
        /// When the run started.
        public var started: DispatchTime
    }

    /// load → validate → rollup → payroll, nothing written.
    public static func compute(_ s: RunSettings, progress: ProgressReport? = nil) throws -> Computed {
        let def = s.definition
        let period = s.period
        let root = s.outputRoot
        let pack: RulePack
        let rules: PeriodRules
        do {
            pack = try RulePack.load(directory: def.rulePackDirectory)
            rules = try PeriodRules.resolve(pack, period: period, policy: def.policy)
        } catch {
            throw RulePackError(underlying: "\(error)")
        }
        let started = DispatchTime.now()
        var stageSeconds: [(String, Double)] = []
        var mark = started
        func lap(_ name: String) {
            let now = DispatchTime.now()
            stageSeconds.append((name, Double(now.uptimeNanoseconds - mark.uptimeNanoseconds) / 1e9))
            mark = now
        }
        var batch = try Intake.load(
            IntakeOptions(
                period: period, inputDirectory: s.inputDirectory, fileNames: def.fileNames,
                rulePack: pack, schemes: def.performance.schemes, scheduler: Executor(threads: s.threads),
                grades: def.performance.config.grades.map(\.grade), showValues: s.showValues), progress: progress)
        if !s.employeeOverrides.isEmpty {
            for i in batch.employees.indices {
                for (field, value) in s.employeeOverrides[batch.employees[i].id] ?? [] { field.set(value, on: &batch.employees[i]) }
            }
        }
        lap("intake")
        Memory.releaseFreed()
        stageSeconds += batch.timings.map { ("  \($0.0)", $0.1) }
        if !batch.hasErrors {
            progress?(ProgressEvent(Bilingual("计算绩效和工资", "performance and pay"), done: 0, total: batch.employees.count))
        }
        var run: PayrollRun?
        if !batch.hasErrors {
            let ytd = try YearToDateStore.load(
                period: period, root: root, opening: s.openingBalance, firstPeriod: s.firstPeriod,
                previousLedger: s.previousLedger)
            batch.diagnostics += ytd.diagnostics
            if case .ledger(let path)? = ytd.source, s.previousLedger == nil {
                batch.diagnostics += LedgerCheck.integrity(path: path, period: period.previous)
            }
            if !batch.hasErrors {
                let scheduler = Executor(threads: s.threads)
                let rollupStarted = DispatchTime.now()
                let performance = try RollupStage.run(batch: batch, settings: def.performance, scheduler: scheduler)
                // Nothing after the rollup reads the score rows (the results hold what follows from them): at a million
                // employees that is 6.5 million rows let go before pay and the writers.
                batch.scores = []
                Memory.releaseFreed()
                let rollupSeconds = Double(DispatchTime.now().uptimeNanoseconds - rollupStarted.uptimeNanoseconds) / 1e9
                var r = PayrollStage.run(
                    batch: batch, performance: performance, rules: rules, ytd: ytd, scheduler: scheduler,
                    employeesFile: def.fileNames[.employees] ?? "employees.csv", keepResults: !s.validateOnly)
                r.timings.insert(("rollup", rollupSeconds), at: 0)
                batch.diagnostics += r.diagnostics
                run = r
            }
            // What the writers would refuse is found now, so that a clean validation means a run that writes.
            if let run, !batch.hasErrors, let payments = def.payments, def.outputs.contains(.bank) {
                let file = def.fileNames[.employees] ?? "employees.csv"
                let problems = BankFiles.check(
                    batch: batch, run: run, settings: payments, company: def.company, threads: Executor(threads: s.threads).threads)
                let lines = problems.isEmpty ? [:] : Dictionary(batch.employees.map { ($0.id, $0.line) }, uniquingKeysWith: { a, _ in a })
                for p in problems {
                    batch.diagnostics.append(
                        Diagnostic(
                            code: Code.outputLimit.rawValue, severity: .error, stage: .business, file: file,
                            line: p.employee.flatMap { lines[$0] }, column: p.employee == nil ? nil : "bank_account",
                            employeeID: p.employee,
                            en: "the bank file cannot be written: \(p.message)", zh: "无法生成银行文件：\(p.message)"))
                }
            }
            batch.diagnostics.sort(by: Diagnostic.reportOrder)
            lap("rollup+payroll")
            if let run { stageSeconds += run.timings.map { ("  \($0.0)", $0.1) } }
        }
        // An imported month names the workbook cell of each problem (import_cells.csv beside the files).
        ImportCells.annotate(&batch.diagnostics, folder: s.inputDirectory)
        return Computed(batch: batch, run: run, pack: pack, rules: rules, stageSeconds: stageSeconds, started: started)
    }

    /// Computes the period and writes its folder: the finished run (kept on replacement) or, after errors, the report beside a finished run.
    public static func execute(_ s: RunSettings, progress: ProgressReport? = nil) throws -> RunOutcome {
        let def = s.definition
        let period = s.period
        let root = s.outputRoot
        let c = try compute(s, progress: progress)
        let batch = c.batch
        let run = c.run
        let pack = c.pack
        let started = c.started
        var stageSeconds = c.stageSeconds
        var mark = DispatchTime.now()
        func lap(_ name: String) {
            let now = DispatchTime.now()
            stageSeconds.append((name, Double(now.uptimeNanoseconds - mark.uptimeNanoseconds) / 1e9))
            mark = now
        }
        let wanted = s.only ?? Set(def.outputs)
        var writerSeconds: [(String, Double)] = []
        var written: Set<OutputKind> = []
        if run != nil { progress?(ProgressEvent(Bilingual("写入输出文件", "writing outputs"), done: 0)) }
        var folderName = s.folderName ?? period.description
        var keptFinishedRun: String?
        let finished = !s.validateOnly && !batch.hasErrors && run != nil
        if !finished && RunFolder.isFinished(root: root, name: folderName) {
            // Neither `validate` nor a run that stopped touches a finished run: the report goes beside it.
            keptFinishedRun = (root as NSString).appendingPathComponent(folderName)
            folderName += ".validation"
        }
        let folder = try RunFolder(root: root, name: folderName)
        TestHook.step("folder-created")
        var manifest = Manifest(pipeline: def.name, period: period)
        var replacedKeptAt: String?
        if finished, let previous = try RunRecord.read(folder: folder.finalPath) {
            let slot = OutputRoot.nextReplacedSlot(root: root, name: folderName)
            manifest.replaces = (previous.manifestSHA256, slot)
            replacedKeptAt = slot
        }
        // `digest`: the SHA-256 and size of the bytes as the writer wrote them; used when the file on disk still has that
        // size (anything else is hashed from the disk).
        func record(_ kind: String, _ rel: String, digest: FileDigest? = nil) throws {
            let path = try folder.path(rel)
            var st = stat()
            let h =
                if let digest, stat(path, &st) == 0, Int(st.st_size) == digest.bytes { digest } else { try FileHash.sha256(path: path) }
            manifest.outputs.append(ManifestEntry(kind: kind, path: rel, sha256: h.hex, bytes: h.bytes))
        }
        if batch.hasErrors || s.validateOnly || wanted.contains(.validation) {
            try ValidationReport.writeCSV(batch.diagnostics, locale: def.locale, to: try folder.path("validation.csv"))
            try ValidationReport.writeXLSX(batch.diagnostics, locale: def.locale, period: period, to: try folder.path("validation.xlsx"))
            try record("validation-report", "validation.csv")
            try record("validation-report", "validation.xlsx")
            if wanted.contains(.validation) { written.insert(.validation) }
            TestHook.step("validation-written")
        }
        if finished, let run {
            // The performance reports first: the summary workbook needs their history.
            var history: [(department: String, period: String, average: Fixed)] = []
            var performanceFiles: [(String, String)] = []
            let sources = s.historySources ?? PerformanceReports.historySources(root: root, before: period)
            if wanted.contains(.performance) {
                for (p, path) in sources {
                    let h = try FileHash.sha256(path: path)
                    manifest.inputs.append(ManifestEntry(kind: "history", path: tidy(path), sha256: h.hex, bytes: h.bytes, extra: ["period": p]))
                }
                try PerformanceReports.writeScorecards(batch: batch, run: run, to: try folder.path("performance.csv"))
                try PerformanceReports.writeDepartments(
                    batch: batch, run: run, grades: def.performance.config.grades.map(\.grade),
                    to: try folder.path("performance_departments.csv"))
                history = try PerformanceReports.writeHistory(
                    batch: batch, run: run, sources: sources,
                    employeesTo: try folder.path("performance_history.csv"),
                    departmentsTo: try folder.path("department_history.csv"))
                performanceFiles = [
                    ("report", "performance.csv"), ("report", "performance_departments.csv"), ("report", "performance_history.csv"),
                    ("report", "department_history.csv"),
                ]
                if let merit = def.performance.merit {
                    try PerformanceReports.writeMerit(batch: batch, run: run, policy: merit, to: try folder.path("merit_proposal.csv"))
                    performanceFiles.append(("report", "merit_proposal.csv"))
                }
            }
            // The independent writers run at the same time, the workbooks with the most rows first; the manifest lists
            // their files in a fixed order whatever finished first, so it does not depend on the threads.
            let tmp = folder.temporaryPath
            let locale = def.locale
            let journal = def.journal
            let company = def.company
            let historyRows = history
            let carry = run.rules.policy.negativeNet == .carryForward
            let threads = s.threads
            typealias Files = [(String, String)]
            let digests = DigestBook()
            var jobs: [(slot: Int, job: @Sendable () throws -> Files)] = []
            if wanted.contains(.reports) {
                jobs.append(
                    (
                        2,
                        {
                            try ExcelReports.writeRegister(
                                batch: batch, run: run, locale: locale, to: try RunFolder.path("payroll_register.xlsx", in: tmp), threads: threads)
                            return [("report", "payroll_register.xlsx")]
                        }
                    ))
                jobs.append(
                    (
                        4,
                        {
                            try ExcelReports.writeTax(
                                batch: batch, run: run, to: try RunFolder.path("tax_withholding.xlsx", in: tmp), threads: threads)
                            return [("report", "tax_withholding.xlsx")]
                        }
                    ))
            }
            if wanted.contains(.register) {
                jobs.append(
                    (
                        0,
                        {
                            digests.note(
                                "payroll_register.csv",
                                try Register.writeCSV(batch: batch, run: run, to: try RunFolder.path("payroll_register.csv", in: tmp)))
                            guard carry else { return [("register", "payroll_register.csv")] }
                            try Receivables.write(batch: batch, run: run, to: try RunFolder.path("receivables.csv", in: tmp))
                            return [("register", "payroll_register.csv"), ("report", "receivables.csv")]
                        }
                    ))
            }
            jobs.append(
                (
                    8,
                    {
                        digests.note(
                            YearToDateStore.ledgerFile,
                            try Register.writeLedger(run: run, to: try RunFolder.path(YearToDateStore.ledgerFile, in: tmp)))
                        return [("ytd-ledger", YearToDateStore.ledgerFile)]
                    }
                ))
            if wanted.contains(.reports) {
                jobs.append(
                    (
                        3,
                        {
                            try ExcelReports.writeSummary(
                                batch: batch, run: run, locale: locale, history: historyRows, to: try RunFolder.path("summary.xlsx", in: tmp))
                            return [("report", "summary.xlsx")]
                        }
                    ))
                jobs.append(
                    (
                        5,
                        {
                            try ExcelReports.writeJournal(
                                batch: batch, run: run, settings: journal, locale: locale, to: try RunFolder.path("payroll_journal.csv", in: tmp))
                            return [("report", "payroll_journal.csv")]
                        }
                    ))
            }
            if wanted.contains(.bank), let payments = def.payments {
                jobs.append(
                    (
                        6,
                        {
                            let files = try BankFiles.write(batch: batch, run: run, settings: payments, company: company) {
                                try RunFolder.path($0, in: tmp)
                            }
                            return files.flatMap { w in w.files.map { ("bank-file", $0) } }
                        }
                    ))
            }
            // The inputs' digests for the manifest, on a worker the writers leave free (the last job: the writers
            // with the most rows start first), not after them.
            let inputPaths = batch.inputs.map(\.path)
            let inputDigests = Mutex<[String: FileDigest]>([:])
            jobs.append(
                (
                    9,
                    {
                        for p in inputPaths {
                            let h = try FileHash.sha256(path: p)
                            inputDigests.withLock { $0[p] = h }
                        }
                        return []
                    }
                ))
            // Each writer's own time, for --timings (they overlap: this is not a split of the write stage).
            let jobSeconds = Mutex<[(Int, Double)]>([])
            let results = Executor(threads: s.threads).runAll(
                jobs.map { j in
                    { @Sendable () -> Result<Files, any Error> in
                        let start = DispatchTime.now()
                        defer {
                            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                            jobSeconds.withLock { $0.append((j.slot, seconds)) }
                        }
                        return Result { try j.job() }
                    }
                })
            writerSeconds = zip(jobs, results).compactMap { j, r in
                guard let first = try? r.get().first?.1 else { return nil }
                return jobSeconds.withLock { all in all.first { $0.0 == j.slot }.map { ("  \(first)", $0.1) } }
            }
            var bySlot: [Int: Files] = [1: performanceFiles]
            for (j, r) in zip(jobs, results) { bySlot[j.slot] = try r.get() }
            for slot in 0...6 {
                for (kind, rel) in bySlot[slot] ?? [] { try record(kind, rel, digest: digests.take(rel)) }
                switch slot {
                case 0 where wanted.contains(.register):
                    written.insert(.register)
                    TestHook.step("register-written")
                case 1 where wanted.contains(.performance): written.insert(.performance)
                case 5 where wanted.contains(.reports):
                    written.insert(.reports)
                    TestHook.step("reports-written")
                case 6 where wanted.contains(.bank) && def.payments != nil:
                    written.insert(.bank)
                    TestHook.step("bank-written")
                default: break
                }
            }
            if wanted.contains(.payslips) {
                let dir = try folder.path("payslips/.keep")
                let payslipDir = (dir as NSString).deletingLastPathComponent
                try? FileManager.default.removeItem(atPath: dir)
                let secret = ProcessInfo.processInfo.environment["PAYROLL_PDF_OWNER_SECRET"] ?? def.payslipOwnerSecret
                let names = try Payslips.writeAll(
                    batch: batch, run: run, company: def.company, locale: def.locale,
                    password: def.payslipPassword, ownerSecret: secret, font: def.payslipFont, showZeroLines: def.payslipZeroLines,
                    folder: payslipDir, scheduler: Executor(threads: s.threads),
                    progress: progress.map { report in
                        { @Sendable done, total in report(ProgressEvent(Bilingual("写入工资条", "writing payslips"), done: done, total: total)) }
                    })
                for n in names { try record("payslip", "payslips/\(n.name)", digest: n.digest) }
                written.insert(.payslips)
                TestHook.step("payslips-written")
            }
            for (kind, rel) in bySlot[8] ?? [] { try record(kind, rel, digest: digests.take(rel)) }
            for f in batch.inputs {
                let h = try inputDigests.withLock { $0[f.path] } ?? FileHash.sha256(path: f.path)
                manifest.inputs.append(
                    ManifestEntry(
                        kind: f.kind, path: tidy(f.path), sha256: h.hex, bytes: h.bytes,
                        extra: ["encoding": f.encoding ?? ""], counts: ["records": f.records]))
            }
            if let ob = s.openingBalance {
                let h = try FileHash.sha256(path: ob)
                manifest.inputs.append(ManifestEntry(kind: "opening-balance", path: tidy(ob), sha256: h.hex, bytes: h.bytes))
            } else if period.month != 1, !s.firstPeriod {
                let prev =
                    s.previousLedger
                    ?? ((root as NSString).appendingPathComponent(period.previous.description) as NSString)
                    .appendingPathComponent(YearToDateStore.ledgerFile)
                let h = try FileHash.sha256(path: prev)
                manifest.inputs.append(ManifestEntry(kind: "previous-ledger", path: tidy(prev), sha256: h.hex, bytes: h.bytes))
            }
            let ph = try FileHash.sha256(path: def.path)
            manifest.inputs.append(ManifestEntry(kind: "pipeline", path: tidy(def.path), sha256: ph.hex, bytes: ph.bytes))
            for f in pack.files {
                let p = (pack.directory as NSString).appendingPathComponent(f)
                let h = try FileHash.sha256(path: p)
                manifest.inputs.append(ManifestEntry(kind: "rule-pack", path: tidy(p), sha256: h.hex, bytes: h.bytes))
            }
            manifest.settings = [
                "input": tidy(s.inputDirectory), "first_period": s.firstPeriod ? "true" : "false",
                "only": s.only.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "",
            ]
            // Paths given relative to where the run was started: the folder they are relative to, so that explain and
            // reconcile can recompute the period from anywhere.
            if manifest.inputs.contains(where: { !$0.path.hasPrefix("/") }) {
                manifest.settings["working_directory"] = FileManager.default.currentDirectoryPath
            }
            // One pass over the results, without copying them (a copy of every result was 600 MB at a million).
            var gross = Money.zero
            var net = Money.zero
            var tax = Money.zero
            var cost = Money.zero
            for case let p? in run.pay {
                gross += p.gross
                net += p.net
                tax += p.tax + p.bonusTax
                cost += p.employerCost
            }
            manifest.summary = [
                "employees": batch.employees.count, "errors": batch.errorCount, "warnings": batch.warningCount,
                "gross_fen": Int(gross.fen), "net_pay_fen": Int(net.fen), "tax_fen": Int(tax.fen), "employer_cost_fen": Int(cost.fen),
            ]
            manifest.declaredKinds = def.outputs.filter { $0 != .bank || def.payments != nil }.map(\.rawValue).sorted()
            manifest.writtenKinds = written.map(\.rawValue).sorted()
            try manifest.data().write(to: URL(fileURLWithPath: try folder.path("manifest.json")))
            TestHook.step("manifest-written")
        }
        try folder.commit(keepReplacedAs: replacedKeptAt)
        TestHook.step("committed")
        lap("write")
        stageSeconds += writerSeconds
        let ns = DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds
        return RunOutcome(
            batch: batch, run: run, folder: folder.finalPath, finished: finished, seconds: Double(ns) / 1e9, stageSeconds: stageSeconds,
            keptFinishedRun: keptFinishedRun, replacedKeptAt: replacedKeptAt)
    }
}

func tidy(_ p: String) -> String { Manifest.tidy(p) }

extension RulePackError: KindedError {
    /// A rule-pack error (exit 78).
    public var kind: FailureKind { .rulePack }
}

/// The SHA-256 and size of files as their writers wrote them, by path in the run folder: what the manifest takes
/// instead of reading a file again (the writers run on several threads).
final class DigestBook: Sendable {
    private let book = Mutex<[String: FileDigest]>([:])

    /// Notes the digest of the file at `path`.
    func note(_ path: String, _ digest: FileDigest) { book.withLock { $0[path] = digest } }

    /// The digest noted for `path`, if any, taken out of the book.
    func take(_ path: String) -> FileDigest? { book.withLock { $0.removeValue(forKey: path) } }
}
