import Foundation
import Outputs
import PayrollCore
import PayrollRules
import Pipeline

enum Mode { case run, validate }

/// "pipelines/../fixtures/demo/x.csv" → "fixtures/demo/x.csv".
func tidy(_ path: String) -> String {
    var parts: [Substring] = []
    for c in path.split(separator: "/", omittingEmptySubsequences: true) {
        if c == "." { continue }
        if c == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
        parts.append(c)
    }
    return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
}

/// The command line's driver: resolves settings, runs the stages, writes the
/// run folder, prints a summary and chooses the exit code.
enum Engine {
    static func execute(options: CommonOptions, mode: Mode, only: Set<OutputKind>?) -> Int32 {
        let console = Console()
        // Pipeline definition: a missing or malformed file is a usage error.
        guard FileManager.default.fileExists(atPath: options.pipeline) else {
            console.error("pipeline file not found: \(options.pipeline)")
            return Exit.usage
        }
        let def: PipelineDefinition
        do { def = try PipelineDefinition.load(path: options.pipeline) } catch {
            console.error("pipeline: \(error)")
            return Exit.usage
        }
        guard let period = options.period.flatMap(Period.init) ?? def.period else {
            console.error("no period: give --period YYYY-MM or set `period` in \(options.pipeline)")
            return Exit.usage
        }
        guard let input = options.input ?? def.inputDirectory else {
            console.error("no input folder: give --input DIR or set `input` in \(options.pipeline)")
            return Exit.usage
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir), isDir.boolValue else {
            console.error("input folder not found: \(input)")
            return Exit.usage
        }
        let root = options.out ?? def.outputRoot ?? "output"
        let threads = options.threads ?? def.threads
        let pack: RulePack
        do { pack = try RulePack.load(directory: def.rulePackDirectory) } catch {
            console.error("rule pack: \(error)")
            return Exit.config
        }
        let rules: PeriodRules
        do { rules = try PeriodRules.resolve(pack, period: period) } catch {
            console.error("rule pack: \(error)")
            return Exit.config
        }
        let intakeOptions = IntakeOptions(period: period, inputDirectory: input, fileNames: def.fileNames,
                                          rulePack: pack, threads: threads)
        let started = Date()
        var batch: Batch
        var run: PayrollRun?
        do {
            batch = try Intake.load(intakeOptions, progress: console.progress)
            console.endProgress()
            if !batch.hasErrors {
                let ytd = try YearToDateStore.load(period: period, root: root, opening: options.openingBalance,
                                                   firstPeriod: options.firstPeriod)
                batch.diagnostics += ytd.diagnostics
                if !batch.hasErrors {
                    let r = PayrollStage.run(batch: batch, rules: rules, ytd: ytd, threads: threads,
                                             employeesFile: def.fileNames[.employees] ?? "employees.csv")
                    batch.diagnostics += r.diagnostics
                    run = r
                }
                batch.diagnostics.sort(by: Diagnostic.reportOrder)
            }
        } catch {
            console.endProgress()
            console.error("cannot read the input: \(error)")
            return Exit.operational
        }

        let wanted = only ?? Set(def.outputs)
        do {
            var folderName = period.description
            if mode == .validate && RunFolder.isFinished(root: root, name: folderName) {
                // Never touch a finished run from `validate`.
                folderName += ".validation"
            }
            let folder = try RunFolder(root: root, name: folderName)
            var manifest = Manifest(pipeline: def.name, period: period)
            var outputs: [ManifestEntry] = []
            let writeReport = batch.hasErrors || mode == .validate || wanted.contains(.validation)
            if writeReport {
                let csvPath = try folder.path("validation.csv")
                try ValidationReport.writeCSV(batch.diagnostics, locale: def.locale, to: csvPath)
                let xlsxPath = try folder.path("validation.xlsx")
                try ValidationReport.writeXLSX(batch.diagnostics, locale: def.locale, period: period, to: xlsxPath)
                for (rel, p) in [("validation.csv", csvPath), ("validation.xlsx", xlsxPath)] {
                    let h = try FileHash.sha256(path: p)
                    outputs.append(ManifestEntry(kind: "validation-report", path: rel, sha256: h.hex, bytes: h.bytes))
                }
            }
            let finished = mode == .run && !batch.hasErrors
            if finished, let run {
                if wanted.contains(.register) {
                    let p = try folder.path("payroll_register.csv")
                    try Register.writeCSV(batch: batch, run: run, to: p)
                    let h = try FileHash.sha256(path: p)
                    outputs.append(ManifestEntry(kind: "register", path: "payroll_register.csv", sha256: h.hex, bytes: h.bytes))
                }
                let lp = try folder.path(YearToDateStore.ledgerFile)
                try Register.writeLedger(run: run, to: lp)
                let lh = try FileHash.sha256(path: lp)
                outputs.append(ManifestEntry(kind: "ytd-ledger", path: YearToDateStore.ledgerFile, sha256: lh.hex, bytes: lh.bytes))
                if let ob = options.openingBalance {
                    let h = try FileHash.sha256(path: ob)
                    manifest.inputs.append(ManifestEntry(kind: "opening-balance", path: tidy(ob), sha256: h.hex, bytes: h.bytes))
                } else if period.month != 1, !options.firstPeriod {
                    let prev = ((root as NSString).appendingPathComponent(period.previous.description) as NSString)
                        .appendingPathComponent(YearToDateStore.ledgerFile)
                    let h = try FileHash.sha256(path: prev)
                    manifest.inputs.append(ManifestEntry(kind: "previous-ledger", path: tidy(prev), sha256: h.hex, bytes: h.bytes))
                }
                for f in batch.inputs {
                    let h = try FileHash.sha256(path: f.path)
                    manifest.inputs.append(ManifestEntry(kind: f.kind, path: tidy(f.path), sha256: h.hex, bytes: h.bytes,
                                                         extra: ["encoding": f.encoding ?? ""], counts: ["records": f.records]))
                }
                let ph = try FileHash.sha256(path: def.path)
                manifest.inputs.append(ManifestEntry(kind: "pipeline", path: tidy(def.path), sha256: ph.hex, bytes: ph.bytes))
                for f in pack.files {
                    let p = (pack.directory as NSString).appendingPathComponent(f)
                    let h = try FileHash.sha256(path: p)
                    manifest.inputs.append(ManifestEntry(kind: "rule-pack", path: tidy(p), sha256: h.hex, bytes: h.bytes))
                }
                manifest.outputs = outputs
                var totals: [String: Int] = ["employees": batch.employees.count, "errors": batch.errorCount, "warnings": batch.warningCount]
                let paid = run.pay.compactMap { $0 }
                totals["gross_fen"] = Int(paid.reduce(Money.zero) { $0 + $1.gross }.fen)
                totals["net_pay_fen"] = Int(paid.reduce(Money.zero) { $0 + $1.net }.fen)
                totals["tax_fen"] = Int(paid.reduce(Money.zero) { $0 + $1.tax + $1.bonusTax }.fen)
                totals["employer_cost_fen"] = Int(paid.reduce(Money.zero) { $0 + $1.employerCost }.fen)
                manifest.summary = totals
                try manifest.data().write(to: URL(fileURLWithPath: try folder.path("manifest.json")))
            }
            try folder.commit()
            console.summary(batch: batch, locale: def.locale, folder: folder.finalPath, seconds: Date().timeIntervalSince(started),
                            finished: finished, mode: mode)
        } catch {
            console.error("cannot write the output: \(error)")
            return Exit.operational
        }
        return batch.hasErrors ? Exit.dataErrors : 0
    }
}

/// The only place that prints. Progress goes to a terminal only.
final class Console: @unchecked Sendable {
    let interactive = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var shownProgress = false

    func error(_ s: String) {
        FileHandle.standardError.write(Data("payroll: error: \(s)\n".utf8))
    }

    var progress: ProgressReport? {
        guard interactive else { return nil }
        return { [self] file, rows in
            lock.lock(); defer { lock.unlock() }
            shownProgress = true
            FileHandle.standardError.write(Data("\r\u{1B}[K  reading \(file): \(rows.formatted()) rows".utf8))
        }
    }

    func endProgress() {
        lock.lock(); defer { lock.unlock() }
        if shownProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    func summary(batch: Batch, locale: ReportLocale, folder: String, seconds: Double, finished: Bool, mode: Mode) {
        var out = ""
        let en = locale == .en
        out += en ? "Period \(batch.period): \(batch.employees.count) employees"
                  : "期间 \(batch.period)：\(batch.employees.count) 名员工"
        out += "\n"
        for f in batch.inputs {
            out += "  \(f.kind).csv  \(f.records) \(en ? "rows" : "行")  \(f.encoding ?? "")\n"
        }
        let errors = batch.errorCount, warnings = batch.warningCount
        out += en ? "Validation: \(errors) errors, \(warnings) warnings\n" : "校验：\(errors) 个错误，\(warnings) 个警告\n"
        let shown = batch.diagnostics.prefix(20)
        for d in shown {
            var loc = d.file
            if let l = d.line { loc += ":\(l)" }
            if let c = d.column { loc += " [\(c)]" }
            out += "  \(d.severity == .error ? "E" : "W") \(d.code) \(loc)\(d.employeeID.map { " \($0)" } ?? ""): \(locale.text(d))\n"
        }
        if batch.diagnostics.count > shown.count {
            out += en ? "  … and \(batch.diagnostics.count - shown.count) more in validation.csv\n"
                      : "  … 另有 \(batch.diagnostics.count - shown.count) 条，见 validation.csv\n"
        }
        if batch.hasErrors {
            out += en ? "Stopped: nothing was paid. Report: \(folder)/validation.csv\n"
                      : "已停止：未发放任何工资。报告：\(folder)/validation.csv\n"
        } else if finished {
            out += en ? "Finished: \(folder)/manifest.json\n" : "完成：\(folder)/manifest.json\n"
        } else {
            out += en ? "Report: \(folder)/validation.csv\n" : "报告：\(folder)/validation.csv\n"
        }
        out += String(format: en ? "Time: %.2f s\n" : "用时：%.2f 秒\n", seconds)
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
