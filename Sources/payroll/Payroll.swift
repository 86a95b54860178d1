import ArgumentParser
import Audit
import CSVReader
import Crypto
import ExcelImport
import Foundation
import Outputs
import PayrollCore
import PayrollRules
import Pipeline
import RunRecords
import Stages

/// Exit codes (also in `payroll --help`):
/// 0 success · 1 the data has errors · 64 usage error (bad flags, missing or
/// malformed pipeline file) · 70 operational failure (disk, C library) ·
/// 78 the rule pack is malformed or lacks a value the period needs.
enum Exit {
    static let dataErrors: Int32 = 1
    static let usage: Int32 = 64
    static let operational: Int32 = 70
    static let config: Int32 = 78
    /// Another payroll command holds the output root (EX_TEMPFAIL): nothing was changed, try again.
    static let busy: Int32 = 75
}

@main
struct Payroll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payroll",
        abstract: "Batch payroll and performance engine (Chinese payroll rules).",
        discussion: """
            Exit codes: 0 success; 1 the input data has errors (see validation.csv); \
            64 usage error (bad flags, missing or malformed pipeline file, a closed period); \
            70 operational failure (disk, file system, C library); \
            75 another payroll command is working on the same output root (nothing was changed; try again); \
            78 the rule pack is malformed or lacks a value the period needs.
            """,
        version: "payroll \(Shipped.version)",
        subcommands: [
            Run.self, Validate.self, TestRules.self, Close.self, Reopen.self, Verify.self, Status.self, Keygen.self, Explain.self, Diff.self,
            Retro.self, Import.self, Reconcile.self, Init.self, SealFiles.self, UnsealFiles.self, ParallelRunCommand.self, ParseBaseline.self,
        ])

    /// `payroll --version` names the shipped rule pack too, which takes loading it: done for that command alone (built
    /// into the configuration, it loaded the whole pack before every command, about 40 ms).
    static func main() {
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print(Shipped.versionLine())
            return
        }
        main(nil)
    }
}

struct CommonOptions: ParsableArguments {
    @Argument(help: "Pipeline definition (YAML); default pipeline.yaml here, else pipelines/monthly.yaml, else the shipped one.")
    var pipeline: String?

    @Option(help: "Folder holding the period's CONTRACT files (overrides the pipeline's `input`).")
    var input: String?

    @Option(help: "Pay period YYYY-MM (overrides the pipeline's `period`).")
    var period: String?

    @Option(help: "Output root; the run's folder is ROOT/<YYYY-MM>/ (default: the pipeline's output_root, else output/).")
    var out: String?

    @Option(help: "Worker threads (0 = one per core). Results do not depend on it.")
    var threads: Int?

    @Option(
        name: .customLong("opening-balance"), help: "Year-to-date opening balances (CSV) for a company that starts mid-year; columns in the README.")
    var openingBalance: String?

    @Flag(help: "Print the wall time of each stage to standard error.")
    var timings = false

    @Flag(name: .customLong("first-period"), help: "Declare that this employer paid nothing earlier in the year, so year-to-date starts at zero.")
    var firstPeriod = false

    @Flag(
        name: .customLong("show-values"),
        help:
            "Quote the offending cell values in diagnostics. They may be personal data (ID numbers, accounts, salaries): the report and the terminal then hold them."
    )
    var showValues = false

    @OptionGroup var lang: LocaleOption

    func validatePeriod() throws {
        lang.apply()
        try Failures.run {
            if let period { _ = try parsePeriod(period, flag: "--period") }
            if let threads, threads < 0 { throw Failure(.usage, zh: "--threads 应为 0 或更大", en: "--threads must be 0 or more") }
            if openingBalance != nil && firstPeriod {
                throw Failure(.usage, zh: "--opening-balance 与 --first-period 不能同时使用", en: "--opening-balance and --first-period exclude each other")
            }
        }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a period's inputs and, when they are clean, run the pipeline and write ROOT/<YYYY-MM>/ with manifest.json.")

    @OptionGroup var options: CommonOptions

    @Option(help: "Comma-separated output kinds to write: \(OutputKind.allCases.map(\.rawValue).joined(separator: ",")).")
    var only: String?

    func validate() throws {
        try options.validatePeriod()
        let kinds = OutputKind.allCases.map(\.rawValue).joined(separator: ", ")
        try Failures.run {
            if let only {
                if only.split(separator: ",").allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    throw Failure(.usage, zh: "--only 至少需要一种输出：\(kinds)", en: "--only needs at least one output kind: \(kinds)")
                }
                for k in only.split(separator: ",") where OutputKind(rawValue: k.trimmingCharacters(in: .whitespaces)) == nil {
                    throw Failure(.usage, zh: "--only：未知的输出「\(k)」；可选 \(kinds)", en: "--only: unknown output kind \"\(k)\"; expected \(kinds)")
                }
            }
        }
    }

    func run() throws {
        let kinds = only.map { Set($0.split(separator: ",").compactMap { OutputKind(rawValue: $0.trimmingCharacters(in: .whitespaces)) }) }
        try Failures.run { throw ExitCode(try Engine.execute(options: options, mode: .run, only: kinds)) }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a period's inputs in four stages and write validation.csv and validation.xlsx; nothing is paid.")

    @OptionGroup var options: CommonOptions

    func validate() throws { try options.validatePeriod() }

    func run() throws {
        try Failures.run { throw ExitCode(try Engine.execute(options: options, mode: .validate, only: nil)) }
    }
}

struct ParseBaseline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse-baseline",
        abstract: "Benchmark helper: parse CSV files with libcsv and empty callbacks; prints bytes and seconds.",
        shouldDisplay: false)

    @Argument var files: [String]
    @Flag(help: "Read through CSVFileReader with an empty body instead (the reader's own cost).") var reader = false

    func run() throws {
        let start = DispatchTime.now()
        var bytes = 0
        for f in files {
            if reader {
                var n = 0
                bytes += try CSVFileReader(path: f).read { r in n &+= r.count }.bytes
            } else {
                bytes += try libcsvBaselineParse(path: f)
            }
        }
        let ns = DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds
        print("bytes=\(bytes) nanoseconds=\(ns)")
    }
}

struct TestRules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-rules",
        abstract: "Run the YAML test cases stored with a rule pack (PACK/tests/*.yaml): name, period, inputs, expected outputs.")

    @Argument(help: "Rule pack folder (default: the company folder's rules/cn, else the shipped pack).")
    var pack: String?

    @OptionGroup var lang: LocaleOption

    func run() throws {
        lang.apply()
        try Failures.run { try runTests() }
    }

    func runTests() throws {
        let folder = try pack ?? Shipped.rulePack()
        let outcomes: [RuleTests.Outcome]
        do {
            outcomes = try RuleTests.run(pack: try RulePack.load(directory: folder))
        } catch {
            throw Failure(.rulePack, zh: "规则包 \(folder)：\(error)", en: "rule pack \(folder): \(error)")
        }
        var failed = 0
        for o in outcomes {
            if o.passed {
                print("\(Speech.say("通过", "PASS")) \(o.file):\(o.line) \(o.name)")
            } else {
                failed += 1
                print("\(Speech.say("失败", "FAIL")) \(o.file):\(o.line) \(o.name)")
                for (k, want, got) in o.failures { print("     \(k): \(Speech.say("应为 \(want)，实为 \(got)", "expected \(want), got \(got)"))") }
            }
        }
        print(Speech.say("\(outcomes.count - failed) 个通过，\(failed) 个失败", "\(outcomes.count - failed) passed, \(failed) failed"))
        if failed > 0 { throw ExitCode(Exit.dataErrors) }
    }
}

struct RootOption: ParsableArguments {
    @Option(help: "Output root (default output/).")
    var out: String = "output"

    @OptionGroup var lang: LocaleOption
}

/// Runs `body` holding the output root's lock; a busy root exits 75 at once, changing nothing.
func withRootLock<T>(_ root: String, _ command: String, _ body: () throws -> T) throws -> T {
    var d: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root, isDirectory: &d), d.boolValue else {
        throw Failure(.usage, zh: "找不到输出根目录：\(root)", en: "output root not found: \(root)")
    }
    let lock = try RootLock.acquire(root: root, command: command, create: false)
    for line in lock.cleanDebris() { Say.note(line) }
    return try withExtendedLifetime(lock) { try body() }
}

struct Close: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Freeze a finished run into ROOT/closed/<YYYY-MM>/ (inputs, pipeline, rule pack, outputs), hash-chained to the previous closed period.",
        discussion:
            "Refuses a partial run (--only), a stale run (its previous period was re-run since), and a period whose predecessor in the same year is open. Prints the chain's new head hash: record it, and give it to `verify --head` later."
    )
    @Argument(help: "Period YYYY-MM.") var period: String
    @OptionGroup var root: RootOption
    @Option(help: "Sign close.json with this Ed25519 private key (NAME.key from `payroll keygen`).") var sign: String?

    func run() throws {
        root.lang.apply()
        try Failures.run {
            let p = try parsePeriod(period)
            let key = try sign.map { try Keys.signingKey(path: $0) }
            try withRootLock(root.out, "close \(p)") {
                let c = try Archive.close(period: p, root: root.out, signingKey: key, replay: PipelineReplay())
                print(Speech.say("已结账 \(p)：\(c.path)", "closed \(p): \(c.path)"))
                print(Speech.say("链头：\(p) close.json SHA-256 \(c.closeSHA256)", "chain head: \(p) close.json SHA-256 \(c.closeSHA256)"))
                if let key {
                    let fp = Keys.fingerprint(key.publicKey.rawRepresentation)
                    print(Speech.say("已用 Ed25519 密钥 \(fp) 签名（close.sig）", "signed with Ed25519 key \(fp) (close.sig)"))
                }
            }
        }
    }
}

struct Retro: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Back pay for a change approved late: recompute the finished earlier periods of the year with the new values and write the differences as back_pay rows for PERIOD.",
        discussion:
            "The changes file has employee_id, field (base_salary, position_salary, allowance, bonus_base), value and effective_from (the first day of a month). The rows go to INPUT/retro_adjustments.csv, which `run` reads beside adjustments.csv; past periods are not changed."
    )
    @Argument(help: "The period that pays the back pay, YYYY-MM.") var period: String
    @Option(help: "The changes file (CSV).") var changes: String
    @Option(help: "The period's input folder, where retro_adjustments.csv is written.") var input: String
    @OptionGroup var root: RootOption

    func run() throws {
        let locale = root.lang.apply()
        try Failures.run {
            let p = try parsePeriod(period)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir), isDir.boolValue else {
                throw Failure(.usage, zh: "找不到输入文件夹：\(input)", en: "input folder not found: \(input)")
            }
            if Archive.isClosed(root: root.out, period: p) {
                throw Failure(.usage, zh: "\(p) 已结账；补发工资应计入未结账的期间", en: "\(p) is closed; back pay goes to an open period")
            }
            let (list, problems) = try Pipeline.Retro.readChanges(path: changes)
            if !problems.isEmpty {
                for d in problems {
                    FileHandle.standardError.write(
                        Data("payroll: \(d.file):\(d.line.map(String.init) ?? "-"): \(d.column ?? ""): \(locale.text(d))\n".utf8))
                }
                if problems.contains(where: { $0.severity == .error }) { throw ExitCode(Exit.dataErrors) }
            }
            try withRootLock(root.out, "retro \(p)") {
                let rows = try Pipeline.Retro.compute(period: p, root: root.out, changes: list)
                let path = (input as NSString).appendingPathComponent(Pipeline.Retro.fileName)
                try Pipeline.Retro.write(rows, to: path)
                let total = rows.reduce(Money.zero) { $0 + $1.delta }
                let people = Set(rows.map(\.employeeID)).count
                print(
                    Speech.say(
                        "已为 \(people) 名员工写入 \(rows.count) 行补发（合计 \(total)）：\(path)",
                        "\(rows.count) back-pay rows for \(people) employee\(people == 1 ? "" : "s") (total \(total)) written to \(path)"))
                print(Speech.say("运行 \(p) 即可发放（按累计预扣法在该期计税）", "run \(p) to pay them (they are taxed there under cumulative withholding)"))
            }
        }
    }
}

struct Reopen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reopen a closed period; the archive is kept as <YYYY-MM>.reopened-N with the reason, and the period may be run again.")
    @Argument(help: "Period YYYY-MM.") var period: String
    @Option(help: "Why the period is reopened (recorded).") var reason: String
    @OptionGroup var root: RootOption

    func run() throws {
        root.lang.apply()
        try Failures.run {
            let p = try parsePeriod(period)
            try withRootLock(root.out, "reopen \(p)") {
                let path = try Archive.reopen(period: p, root: root.out, reason: reason)
                print(Speech.say("已重新打开 \(p)；原结账档案保留在 \(path)", "reopened \(p); the closed archive is kept at \(path)"))
            }
        }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check an archived period (files, close record, hash chain, signatures) and re-run it from its archived inputs and rules; \"reproduced\" or the findings (exit 0 / 1)."
    )
    @Argument(help: "Archive folder, e.g. output/closed/2026-01.") var archive: String
    @Option(help: "Ed25519 public key (NAME.pub): every close.json on the chain must carry a valid signature by it.") var key: String?
    @Option(help: "The chain head hash recorded at closing; a different head is a finding.") var head: String?
    @Flag(name: .customLong("no-rerun"), help: "Check integrity only; do not re-run the period.") var noRerun = false
    @OptionGroup var lang: LocaleOption

    func run() throws {
        lang.apply()
        try Failures.run(verify)
    }

    func verify() throws {
        let pub = try key.map { try Keys.verifyingKey(path: $0) }
        var v = try Archive.verify(archive: archive, key: pub, rerun: !noRerun, replay: PipelineReplay())
        if let head {
            let found = v.head?.sha256 ?? ""
            if found.lowercased() != head.lowercased() {
                v.findings.insert(
                    Archive.Finding(
                        kind: "chain", file: "close.json",
                        detail: "the chain head is \(found.isEmpty ? "missing" : found) (\(v.head?.period ?? "-")), not the recorded \(head)"), at: 0)
            }
        }
        print("close.json SHA-256: \(v.closeSHA256)")
        if let h = v.head { print(Speech.say("链头：", "chain head: ") + "\(h.period) close.json SHA-256 \(h.sha256)") }
        if !v.signaturesChecked.isEmpty { print(Speech.say("签名有效：", "signatures valid: ") + v.signaturesChecked.joined(separator: ", ")) }
        for n in v.notes { print(Speech.say("提示：", "note: ") + n) }
        if v.reproduced {
            print(
                noRerun
                    ? Speech.say("完好：每个归档文件和结账记录均一致（未重新运行）", "intact: every archived file and close record matches (not re-run)")
                    : Speech.say(
                        "已复现：每个归档文件完好，重新运行得到相同的输出", "reproduced: every archived file is intact and the re-run gives the same outputs"))
            return
        }
        print(Speech.say("未能复现：\(v.findings.count) 项发现", "NOT reproduced: \(v.findings.count) finding(s)"))
        for f in v.findings { print("  [\(f.kind)] \(f.file): \(f.detail)") }
        throw ExitCode(Exit.dataErrors)
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the periods of an output root: finished, stale, partial, failed, closed, reopened, with the ledger and close chain.")
    @OptionGroup var root: RootOption
    @Option(help: "Only this year (YYYY).") var year: Int?

    func run() throws {
        root.lang.apply()
        try Failures.run(status)
    }

    func status() throws {
        var d: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.out, isDirectory: &d), d.boolValue else {
            throw Failure(.usage, zh: "找不到输出根目录：\(root.out)", en: "output root not found: \(root.out)")
        }
        // When no other command is working on the root, tidy what interrupted ones left (and say so) before reading it.
        var lock: RootLock?
        do { lock = try RootLock.acquire(root: root.out, command: "status", create: false) } catch let e as RootBusy {
            let who = e.holder.isEmpty ? Speech.say("另一个 payroll 命令", "another payroll command") : e.holder
            print(Speech.say("忙：\(who) 正在处理该根目录；以下状态可能变化", "busy: \(who) is working on this root; the state below may change"))
        } catch {}
        for line in lock?.cleanDebris() ?? [] { print(Speech.say("提示：", "note: ") + line) }
        defer { withExtendedLifetime(lock) {} }
        let all = RootStatus.read(root: root.out).filter { year == nil || $0.period.year == year }
        print(Speech.say("输出根目录：", "output root: ") + root.out)
        if all.isEmpty { print(Speech.say("没有期间", "no periods")) }
        let states = [
            "finished": "已完成", "stale": "已过期", "partial": "不完整", "failed": "失败", "closed": "已结账", "reopened": "已重开",
        ]
        for s in all {
            let state = Speech.locale == .en ? s.state.rawValue : Speech.locale.pick(states[s.state.rawValue] ?? s.state.rawValue, s.state.rawValue)
            var line = "\(s.period)  \(state.padding(toLength: 8, withPad: " ", startingAt: 0))"
            if let r = s.record { line += Speech.say("  运行 ", "  run ") + RootStatus.short(r.manifestSHA256) }
            if let l = s.ledgerSHA256 { line += Speech.say("  台账 ", "  ledger ") + RootStatus.short(l) }
            if let c = s.closeSHA256 {
                line += Speech.say("  已结账（close.json \(RootStatus.short(c))）", "  closed (close.json \(RootStatus.short(c)))")
            } else if !s.reopenings.isEmpty {
                line += Speech.say("  已重开", "  reopened")
            }
            print(line)
            if let why = s.staleReason { print(Speech.say("         已过期：", "         stale: ") + why) }
            if s.state == .partial {
                let kinds = s.missingKinds.joined(separator: ", ")
                print(Speech.say("         不完整：缺少 \(kinds)；不能结账", "         partial: lacks \(kinds); it cannot be closed"))
            }
            if s.state == .failed {
                print(
                    Speech.say(
                        "         失败：没有 manifest（上次运行因错误停止；见 \(s.period)/validation.csv）",
                        "         failed: no manifest (the last run stopped on errors; see \(s.period)/validation.csv)"))
            }
            if let ledger = s.record?.previousLedger {
                let h = RootStatus.short(ledger.sha256)
                print(Speech.say("         读取 \(s.period.previous) 台账 \(h)", "         reads \(s.period.previous) ledger \(h)"))
            }
            if let r = s.record?.replaces {
                let h = RootStatus.short(r.manifestSHA256)
                print(Speech.say("         替换了运行 \(h)，保留在 \(r.keptAt)", "         replaced run \(h), kept at \(r.keptAt)"))
            }
            for (a, reason) in s.reopenings { print(Speech.say("         已重开：", "         reopened: ") + "\(a) — \(reason)") }
            let stopped = (root.out as NSString).appendingPathComponent("\(s.period).validation")
            if FileManager.default.fileExists(atPath: stopped) {
                print(
                    Speech.say(
                        "         校验或中止运行的报告：\(s.period).validation/validation.csv",
                        "         report of a validation or a stopped attempt: \(s.period).validation/validation.csv"))
            }
        }
        if let head = RootStatus.chainHead(root: root.out) {
            print(Speech.say("链头：", "chain head: ") + "\(head.period) close.json SHA-256 \(head.sha256)")
        }
        let debris = ((try? FileManager.default.contentsOfDirectory(atPath: root.out)) ?? [])
            .filter { $0.hasPrefix(".tmp-") || $0.hasPrefix(".old-") || $0.hasPrefix(".replacing-") }
        if !debris.isEmpty {
            let list = debris.sorted().joined(separator: ", ")
            print(
                Speech.say(
                    "中断的运行留下的文件（下次运行、结账或重开时删除）：\(list)", "left by interrupted runs (removed by the next run, close or reopen): \(list)"))
        }
    }
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a key pair: NAME.key (private, mode 0600) and NAME.pub, for `close --sign` and `verify --key`.")
    @Option(help: "Path and name of the key files, without extension.") var out: String
    @OptionGroup var lang: LocaleOption

    func run() throws {
        lang.apply()
        try Failures.run {
            let k = try Keys.generate(name: out)
            print(Speech.say("私钥：\(k.privatePath)（请妥善保管；权限 0600）", "private key: \(k.privatePath) (keep it secret; mode 0600)"))
            print(Speech.say("公钥：\(k.publicPath)（交给审计人员）", "public key:  \(k.publicPath) (give it to the auditor)"))
            print(Speech.say("指纹：", "fingerprint: ") + k.fingerprint)
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "The calculation trace of one employee in a finished period: formulas, inputs, parameters with dates and sources, rounding, tax steps.")
    @Argument(help: "Period YYYY-MM.") var period: String
    @Argument(help: "Employee ID.") var employee: String
    @OptionGroup var root: RootOption
    @Flag(help: "Print JSON for tools.") var json = false

    func run() throws {
        let locale = root.lang.apply()
        try Failures.run {
            let p = try parsePeriod(period)
            let r = try Audit.Explain.run(period: p, employeeID: employee, root: root.out, replay: PipelineReplay())
            if json {
                FileHandle.standardOutput.write(try Audit.Explain.json(r) + Data("\n".utf8))
            } else {
                print(Audit.Explain.text(r, locale: locale), terminator: "")
            }
        }
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per employee and pay line, what changed between two runs (folders or registers), with totals; exit 1 when they differ.")
    @Argument(help: "First run folder (or register CSV).") var a: String
    @Argument(help: "Second run folder (or register CSV).") var b: String
    @OptionGroup var lang: LocaleOption

    func run() throws {
        lang.apply()
        try Failures.run(diff)
    }

    func diff() throws {
        for p in [a, b] {
            var d: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &d) else {
                throw Failure(.usage, zh: "没有这个运行文件夹或工资表：\(p)", en: "no such run folder or register: \(p)")
            }
            if d.boolValue && !FileManager.default.fileExists(atPath: (p as NSString).appendingPathComponent("payroll_register.csv")) {
                throw Failure(
                    .usage, zh: "\(p) 不是运行文件夹：其中没有 payroll_register.csv", en: "\(p) is not a run folder: it holds no payroll_register.csv")
            }
        }
        let d = try RegisterDiff.compare(a, b)
        if d.isEmpty {
            print(Speech.say("没有差异", "no differences"))
            return
        }
        let labels = Labels.register()
        for c in d.changes {
            print(
                "\(c.employee)\t\(labels.column(c.column))\t\(c.a) → \(c.b)" + (c.delta.map { "\t(\($0.isNegative ? "" : "+")\($0))" } ?? ""))
        }
        for id in d.onlyA { print("\(id)\t" + Speech.say("仅在 \(a) 中", "only in \(a)")) }
        for id in d.onlyB { print("\(id)\t" + Speech.say("仅在 \(b) 中", "only in \(b)")) }
        if !d.totals.isEmpty {
            print(Speech.say("变动合计：", "totals of the change:"))
            for (c, m) in d.totals { print("  \(labels.column(c))\t\(m.isNegative ? "" : "+")\(m)") }
        }
        throw ExitCode(Exit.dataErrors)
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a legacy workbook (.xlsx) or CSV through a mapping and write CONTRACT CSV files; --suggest proposes a mapping.",
        discussion:
            "Problems name their cell (Sheet!C12) and go to import_report.csv; a value that Excel has damaged (a long number, a lost leading zero) is never written. Exit 1 when there are errors."
    )
    @Argument(help: "Workbook (.xlsx) or CSV file.") var source: String
    @Option(help: "Mapping file (YAML); see pipelines/import/legacy-payroll.yaml.") var map: String?
    @Option(help: "Folder for the CONTRACT files and import_report.csv.") var out: String?
    @Option(help: "Sheet to read (default: the mapping's, else the first).") var sheet: String?
    @Flag(help: "Print a mapping proposed from the header text instead of importing.") var suggest = false
    @OptionGroup var lang: LocaleOption

    func run() throws {
        lang.apply()
        try Failures.run(importWorkbook)
    }

    func importWorkbook() throws {
        do {
            if suggest {
                print(Importer.suggest(source: try SourceTable.load(path: source, sheet: sheet), locale: Speech.locale), terminator: "")
                return
            }
            guard let map, let out else {
                throw Failure(.usage, zh: "请给出 --map 和 --out（或 --suggest）", en: "give --map and --out (or --suggest)")
            }
            let m = try ImportMapping.load(path: map)
            let table = try SourceTable.load(path: source, sheet: sheet ?? m.sheet)
            var r = Importer.run(source: table, mapping: m)
            if let h = try? FileHash.sha256(path: source) { r.source = ((source as NSString).lastPathComponent, h.hex) }
            try Importer.write(r, to: out)
            for (f, n) in r.imported.sorted(by: { $0.key < $1.key }) { print("\(f).csv: \(n) \(Speech.say("行", "rows"))") }
            let locale = Speech.locale
            for i in r.issues {
                let tag = i.severity == .error ? "E" : Speech.say("提示", "note")
                print("  \(tag) \(i.code) \(i.cell ?? "")\((i.column ?? "").isEmpty ? "" : " [\(i.column ?? "")]"): \(locale.text(i))")
            }
            let errors = r.issues.filter { $0.severity == .error }.count
            print(Speech.say("\(errors) 个错误；报告：\(out)/import_report.csv", "\(errors) errors; report: \(out)/import_report.csv"))
            if errors > 0 { throw ExitCode(Exit.dataErrors) }
        } catch let e as ConfigError { throw Failure(.usage, zh: "映射文件：\(e)", en: "mapping: \(e)") }
    }
}

struct Reconcile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare a legacy register (.xlsx or CSV) with this engine's run of the same period, per employee and line, with likely causes.",
        discussion: "Writes reconciliation.xlsx (default ROOT/reconciliation-<YYYY-MM>.xlsx). Exit 1 when anything differs.")
    @Argument(help: "Period YYYY-MM of the engine's run to compare with.") var period: String
    @Option(help: "The legacy register (.xlsx or CSV).") var legacy: String
    @Option(help: "Mapping of the legacy register (a `register` target with employee_id and the lines to compare).") var map: String
    @OptionGroup var root: RootOption
    @Option(help: "Where to write the workbook.") var report: String?

    func run() throws {
        root.lang.apply()
        try Failures.run(reconcile)
    }

    func reconcile() throws {
        let p = try parsePeriod(period)
        guard RunRecord.isFinished((root.out as NSString).appendingPathComponent(p.description)) else {
            throw Failure(
                .usage, zh: "\(root.out) 中没有 \(p) 已完成的运行；请先运行该期间", en: "no finished run of \(p) in \(root.out); run the period first")
        }
        do {
            let m = try ImportMapping.load(path: map)
            let table = try SourceTable.load(path: legacy, sheet: m.sheet)
            let r = try ExcelImport.Reconcile.run(legacy: table, mapping: m, period: p, root: root.out, replay: PipelineReplay())
            let path = report ?? (root.out as NSString).appendingPathComponent("reconciliation-\(p).xlsx")
            try ExcelImport.Reconcile.writeXLSX(r, period: p, to: path)
            print(ExcelImport.Reconcile.summary(r, locale: Speech.locale), terminator: "")
            print(Speech.say("报告：", "report: ") + path)
            if !r.differences.isEmpty || !r.onlyLegacy.isEmpty || !r.onlyEngine.isEmpty { throw ExitCode(Exit.dataErrors) }
        } catch let e as ConfigError { throw Failure(.usage, zh: "映射文件：\(e)", en: "mapping: \(e)") }
    }
}
