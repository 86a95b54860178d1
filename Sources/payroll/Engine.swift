import Audit
import Foundation
import Outputs
import PayrollCore
import PayrollRules
import Pipeline
import RunRecords
import Stages

enum Mode { case run, validate }

/// The command line's driver: resolves settings, runs the stages, writes the
/// run folder, prints a summary and chooses the exit code.
enum Engine {
    /// Runs or validates a period; returns 0 or 1 (data errors); every failure is thrown for `Failures` to map.
    static func execute(options: CommonOptions, mode: Mode, only: Set<OutputKind>?) throws -> Int32 {
        let console = Console()
        // Pipeline definition: a missing or malformed file is a usage error.
        let pipeline = try options.pipeline ?? Shipped.pipeline()
        guard FileManager.default.fileExists(atPath: pipeline) else {
            throw Failure(.usage, zh: "找不到流水线文件：\(pipeline)", en: "pipeline file not found: \(pipeline)")
        }
        var def: PipelineDefinition
        do { def = try PipelineDefinition.load(path: pipeline, fallback: Shipped.fallback) } catch {
            throw Failure(.usage, zh: "流水线文件 \(error)", en: "pipeline: \(error)")
        }
        options.lang.apply(pipeline: def.locale)
        if let l = options.lang.locale { def.locale = l }
        guard let period = try options.period.map({ try parsePeriod($0, flag: "--period") }) ?? def.period else {
            throw Failure(
                .usage, zh: "没有期间：请给出 --period YYYY-MM，或在 \(pipeline) 中设置 period",
                en: "no period: give --period YYYY-MM or set `period` in \(pipeline)")
        }
        guard let input = options.input ?? def.inputDirectory else {
            throw Failure(
                .usage, zh: "没有输入文件夹：请给出 --input 文件夹，或在 \(pipeline) 中设置 input",
                en: "no input folder: give --input DIR or set `input` in \(pipeline)")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir), isDir.boolValue else {
            throw Failure(.usage, zh: "找不到输入文件夹：\(input)", en: "input folder not found: \(input)")
        }
        let root = options.out ?? def.outputRoot ?? "output"
        // One command at a time on an output root; a second one changes nothing.
        let lock = try RootLock.acquire(root: root, command: "\(mode == .run ? "run" : "validate") \(period)")
        defer { withExtendedLifetime(lock) {} }
        for line in lock.cleanDebris() { console.note(line) }
        if mode == .run && !Archive.isClosed(root: root, period: period)
            && FileManager.default.fileExists(atPath: Archive.archivePath(root: root, period: period))
        {
            let a = Archive.archivePath(root: root, period: period)
            throw Failure(
                .usage, zh: "\(a) 存在但没有 close.json：\(period) 的档案已损坏；再次运行该期间之前，请用 `payroll verify \(a)` 检查",
                en:
                    "\(a) exists but has no close.json: the archive of \(period) is damaged; check it with `payroll verify \(a)` before running the period again"
            )
        }
        if mode == .run && Archive.isClosed(root: root, period: period) {
            let a = Archive.archivePath(root: root, period: period)
            throw Failure(
                .usage, zh: "\(period) 已结账（\(a)）；更正应在以后期间的运行中进行，或用 `payroll reopen \(period) --reason …` 重新打开",
                en:
                    "\(period) is closed (\(a)); a correction is a new run of a later period, or reopen it with `payroll reopen \(period) --reason …`"
            )
        }
        let threads = options.threads ?? def.threads
        var settings = RunSettings(
            definition: def, period: period, inputDirectory: input, outputRoot: root, threads: threads,
            openingBalance: options.openingBalance, firstPeriod: options.firstPeriod,
            validateOnly: mode == .validate, only: only)
        settings.showValues = options.showValues
        do {
            let outcome = try PeriodRunner.execute(settings, progress: console.progress)
            console.endProgress()
            console.summary(
                batch: outcome.batch, locale: Speech.locale, folder: outcome.folder, seconds: outcome.seconds,
                finished: outcome.finished, mode: mode)
            let en = Speech.locale == .en
            if let kept = outcome.keptFinishedRun {
                console.note(
                    en
                        ? "the finished run in \(kept) was left untouched; this attempt's report is in \(outcome.folder)"
                        : "\(kept) 中已完成的运行结果未受影响；本次报告位于 \(outcome.folder)")
            }
            if let replaced = outcome.replacedKeptAt {
                console.note(
                    en
                        ? "the previous finished run of \(period) is kept at \((root as NSString).appendingPathComponent(replaced))"
                        : "\(period) 此前已完成的运行结果保留在 \((root as NSString).appendingPathComponent(replaced))")
            }
            if mode == .run && outcome.finished {
                // From the manifests alone: the warnings must not re-read every month's ledger at every run.
                let statuses = RootStatus.read(root: root, hashFiles: false)
                let later = statuses.filter { $0.period > period && $0.period.year == period.year && $0.state == .stale }
                if !later.isEmpty {
                    let names = later.map(\.period.description).joined(separator: ", ")
                    console.warning(
                        en
                            ? "\(names) \(later.count == 1 ? "was" : "were") computed from the \(period) run this run replaced and \(later.count == 1 ? "is" : "are") now stale; re-run \(later.count == 1 ? "it" : "them") in order (payroll status --out \(root) shows the chain)"
                            : "\(names) 是根据本次替换的 \(period) 运行结果计算的，现已过期；请按顺序重新运行（payroll status --out \(root) 可查看链条）")
                }
                if let prev = statuses.first(where: { $0.period == period.previous }), prev.state == .stale, period.month != 1 {
                    console.warning(
                        en
                            ? "this run read the ledger of \(prev.period), which is stale: \(prev.staleReason ?? "")"
                            : "本次运行读取的 \(prev.period) 累计台账已过期：\(prev.staleReason ?? "")")
                }
            }
            if options.timings {
                let text = outcome.stageSeconds.map { String(format: "%@=%.3f", $0.0, $0.1) }.joined(separator: " ")
                FileHandle.standardError.write(Data("timings: \(text)\n".utf8))
            }
            let code = outcome.batch.hasErrors ? Exit.dataErrors : 0
            // The command ends here and the process with it: the run's million-employee records are left for the
            // system to reclaim at exit rather than freed one by one (a fifth of a second at a million).
            _ = Unmanaged.passRetained(KeptUntilExit(outcome))
            return code
        } catch {
            console.endProgress()
            throw error
        }
    }
}

/// The only place that prints. Progress goes to a terminal only.
final class Console: @unchecked Sendable {
    let interactive = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var shownProgress = false

    func warning(_ s: String) { Say.warning(s) }

    func note(_ s: String) { Say.note(s) }

    private var stageStart: [String: DispatchTime] = [:]
    private var lastDrawn = DispatchTime(uptimeNanoseconds: 0)

    /// Progress on a terminal only (nothing when standard error is piped or redirected): a bar per stage with the count,
    /// percentage, rate and time left when the total is known; the count and rate when it is not. At most ten redraws a
    /// second, so that drawing never slows the work.
    var progress: ProgressReport? {
        guard interactive else { return nil }
        return { [self] event in
            lock.lock()
            defer { lock.unlock() }
            let now = DispatchTime.now()
            let key = event.stage.en
            let start = stageStart[key] ?? now
            if stageStart[key] == nil { stageStart[key] = now }
            let finished = event.total.map { event.done >= $0 } ?? false
            guard finished || event.done == 0 || now.uptimeNanoseconds - lastDrawn.uptimeNanoseconds > 100_000_000 else { return }
            lastDrawn = now
            shownProgress = true
            let seconds = Double(now.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + Console.progressLine(event, seconds: seconds, locale: Speech.locale)).utf8))
        }
    }

    /// One progress line: `  写入工资条 [██████░░░░░░]  48%  2,400/5,000  610/秒  剩余 4 秒`.
    static func progressLine(_ e: ProgressEvent, seconds: Double, locale: ReportLocale) -> String {
        let zh = locale != .en
        var line = "  \(zh ? e.stage.zh : e.stage.en) "
        let rate = seconds > 0.05 ? Double(e.done) / seconds : nil
        if let total = e.total, total > 0 {
            let share = min(1, Double(e.done) / Double(total))
            let width = 24
            let filled = Int((share * Double(width)).rounded(.down))
            line += "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "]"
            line += String(format: " %3d%%  ", Int((share * 100).rounded(.down)))
            line += "\(e.done.formatted())/\(total.formatted())"
            if let rate, rate > 0 {
                line += zh ? "  \(Int(rate).formatted())/秒" : "  \(Int(rate).formatted())/s"
                let left = Int((Double(total - e.done) / rate).rounded(.up))
                if e.done < total { line += zh ? "  剩余 \(duration(left, zh: true))" : "  \(duration(left, zh: false)) left" }
            }
        } else {
            line += zh ? " \(e.done.formatted()) 行" : " \(e.done.formatted()) rows"
            if let rate, rate > 0 { line += zh ? "  \(Int(rate).formatted()) 行/秒" : "  \(Int(rate).formatted()) rows/s" }
        }
        return line
    }

    /// 75 → "1 分 15 秒" / "1 min 15 s".
    static func duration(_ s: Int, zh: Bool) -> String {
        if s < 60 { return zh ? "\(s) 秒" : "\(s) s" }
        return zh ? "\(s / 60) 分 \(s % 60) 秒" : "\(s / 60) min \(s % 60) s"
    }

    func endProgress() {
        lock.lock()
        defer { lock.unlock() }
        if shownProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    func summary(batch: Batch, locale: ReportLocale, folder: String, seconds: Double, finished: Bool, mode: Mode) {
        var out = ""
        let en = locale == .en
        out +=
            en
            ? "Period \(batch.period): \(batch.employees.count) employees"
            : "期间 \(batch.period)：\(batch.employees.count) 名员工"
        out += "\n"
        for f in batch.inputs {
            out += "  \(f.kind).csv  \(f.records) \(en ? (f.records == 1 ? "row" : "rows") : "行")  \(f.encoding ?? "")\n"
        }
        let errors = batch.errorCount
        let warnings = batch.warningCount
        out += en ? "Validation: \(errors) errors, \(warnings) warnings\n" : "校验：\(errors) 个错误，\(warnings) 个警告\n"
        // A hint that explains many of the problems below comes once, before them.
        for d in batch.diagnostics where d.code == Code.periodMismatch.rawValue {
            out += (en ? "  Hint: " : "  提示：") + locale.text(d) + "\n"
        }
        // Every kind of problem is shown: up to three of each code, errors first, in stage order; the rest are counted.
        let stageRank: [Character: Int] = ["F": 0, "R": 1, "X": 2, "B": 3, "Y": 4, "P": 5, "N": 6]
        let byCode = Dictionary(grouping: batch.diagnostics, by: \.code)
        let isError = byCode.mapValues { $0.contains { $0.severity == .error } }
        let codes = byCode.keys.sorted { a, b in
            let ea = isError[a] ?? false
            let eb = isError[b] ?? false
            if ea != eb { return ea }
            let ra = a.first.flatMap { stageRank[$0] } ?? 9
            let rb = b.first.flatMap { stageRank[$0] } ?? 9
            return ra != rb ? ra < rb : a < b
        }
        var shown: [Diagnostic] = []
        for c in codes where shown.count < 40 { shown += (byCode[c] ?? []).prefix(3) }
        for d in shown {
            var loc = d.file
            if let l = d.line { loc += ":\(l)" }
            if let c = d.column { loc += " [\(c)]" }
            if let cell = d.cell { loc += " (\(cell))" }
            out += "  \(d.severity == .error ? "E" : "W") \(d.code) \(loc)\(d.employeeID.map { " \($0)" } ?? ""): \(locale.text(d))\n"
        }
        if batch.diagnostics.count > shown.count {
            let counts = codes.map { "\($0) ×\(byCode[$0]?.count ?? 0)" }.joined(separator: ", ")
            out +=
                en
                ? "  … and \(batch.diagnostics.count - shown.count) more in validation.csv (\(counts))\n"
                : "  … 另有 \(batch.diagnostics.count - shown.count) 条，见 validation.csv（\(counts)）\n"
        }
        if batch.hasErrors {
            out +=
                en
                ? "Stopped: nothing was paid. Report: \(folder)/validation.csv\n"
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

/// What a command leaves for the system to reclaim at exit (see `Engine.execute`).
private final class KeptUntilExit {
    let outcome: RunOutcome
    init(_ outcome: RunOutcome) { self.outcome = outcome }
}
