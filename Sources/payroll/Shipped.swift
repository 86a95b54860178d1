import ArgumentParser
import Audit
import ExcelImport
import Foundation
import PayrollCore
import PayrollRules
import Pipeline
import RunRecords

/// The default pipeline, rule pack, bank templates and sample month that come with the binary. They are found, in order,
/// in `$PAYROLL_HOME`, in `share/payroll` beside the binary's folder (`scripts/install.sh` puts them there), beside the
/// binary itself, and in the source tree the binary was built from.
enum Shipped {
    /// The version of this program.
    static let version = "1.4.0"

    /// The folders tried, in order; each holds `pipelines/monthly.yaml`.
    static var candidates: [String] {
        var list: [String] = []
        if let home = ProcessInfo.processInfo.environment["PAYROLL_HOME"], !home.isEmpty { list.append(home) }
        if let exe = Bundle.main.executablePath {
            let dir = ((exe as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
            list.append(((dir as NSString).deletingLastPathComponent as NSString).appendingPathComponent("share/payroll"))
            list.append(dir)
        }
        // Sources/payroll/Shipped.swift → the checkout's root.
        let source = ((#filePath as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        list.append((source as NSString).deletingLastPathComponent)
        return list
    }

    /// `payroll --version`: the program's version and the version of the rule pack a run here would use.
    static func versionLine() -> String {
        var line = "payroll \(version)"
        if let dir = try? rulePack(), let pack = try? RulePack.load(directory: dir) {
            line += "; rule pack \(pack.name) \(pack.version.isEmpty ? "(no version)" : pack.version) (\(dir))"
        } else {
            line += "; no rule pack found"
        }
        return line
    }

    /// The first folder that holds the shipped files.
    static func home() throws -> String {
        for c in candidates where FileManager.default.fileExists(atPath: (c as NSString).appendingPathComponent("pipelines/monthly.yaml")) {
            return c
        }
        throw Failure(
            .rulePack,
            zh: "找不到随程序提供的默认流水线和规则包（已查找：\(candidates.joined(separator: "、"))）；请设置 PAYROLL_HOME 或运行 scripts/install.sh",
            en:
                "the shipped default pipeline and rule pack were not found (looked in \(candidates.joined(separator: ", "))); set PAYROLL_HOME or run scripts/install.sh"
        )
    }

    /// The shipped `pipelines` folder.
    static func pipelines() throws -> String { (try home() as NSString).appendingPathComponent("pipelines") }

    /// The shipped pipelines folder, or nil when there is none (a pipeline's own paths then have no fallback).
    static var fallback: String? { try? pipelines() }

    /// The rule pack a command uses when none is named: the company folder's `rules/cn`, else `pipelines/rules/cn` here,
    /// else the shipped one.
    static func rulePack() throws -> String {
        for local in ["rules/cn", "pipelines/rules/cn"] where FileManager.default.fileExists(atPath: local + "/pack.yaml") { return local }
        return (try pipelines() as NSString).appendingPathComponent("rules/cn")
    }

    /// The pipeline a command uses when none is named: `pipeline.yaml` here (a company folder from `payroll init`), else
    /// `pipelines/monthly.yaml` here, else the shipped one.
    static func pipeline() throws -> String {
        for local in ["pipeline.yaml", "pipelines/monthly.yaml"] where FileManager.default.fileExists(atPath: local) { return local }
        return (try pipelines() as NSString).appendingPathComponent("monthly.yaml")
    }

    /// The shipped sample month (the demo company's January).
    static func sampleMonth() throws -> String { (try home() as NSString).appendingPathComponent("fixtures/demo") }
}

/// `payroll init DIR`: a company folder that runs from there.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Set up a company folder: pipeline.yaml, a copy of the rule pack to edit, bank templates, a sample month, an empty month with headers and a README.",
        discussion: "Then `cd DIR && payroll run` runs the sample month, and `payroll test-rules` checks the copied rule pack.")
    @Argument(help: "The folder to create (it must not exist, or be empty).") var folder: String
    @OptionGroup var lang: LocaleOption

    func run() throws {
        lang.apply()
        try Failures.run(setUp)
    }

    func setUp() throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: folder, isDirectory: &isDir) {
            guard isDir.boolValue, (try fm.contentsOfDirectory(atPath: folder)).isEmpty else {
                throw Failure(
                    .usage, zh: "\(folder) 已存在且不是空文件夹；init 不会覆盖任何文件",
                    en: "\(folder) exists and is not an empty folder; init overwrites nothing")
            }
        }
        let shipped = try Shipped.pipelines()
        let sample = try Shipped.sampleMonth()
        let pipelineText = try String(contentsOfFile: (shipped as NSString).appendingPathComponent("monthly.yaml"), encoding: .utf8)
        // Built beside the target and moved in at the end: an interrupted init leaves no half company folder.
        do {
            try StagedFolder.make(folder, replacingEmpty: true) { staging in
                func at(_ p: String) -> String { (staging as NSString).appendingPathComponent(p) }
                try fm.createDirectory(atPath: at("rules"), withIntermediateDirectories: true)
                try fm.copyItem(atPath: (shipped as NSString).appendingPathComponent("rules/cn"), toPath: at("rules/cn"))
                try fm.copyItem(atPath: (shipped as NSString).appendingPathComponent("banks"), toPath: at("banks"))
                try fm.createDirectory(atPath: at("input"), withIntermediateDirectories: true)
                try fm.copyItem(atPath: sample, toPath: at("input/2026-01"))
                try fm.createDirectory(atPath: at("input/empty"), withIntermediateDirectories: true)
                for f in try fm.contentsOfDirectory(atPath: sample).sorted() where f.hasSuffix(".csv") {
                    // The header line as it is (its encoding and line ending kept), with no rows.
                    let bytes = try Data(contentsOf: URL(fileURLWithPath: (sample as NSString).appendingPathComponent(f)))
                    let end = bytes.firstIndex(of: UInt8(ascii: "\n")).map { bytes.index(after: $0) } ?? bytes.endIndex
                    try Data(bytes[bytes.startIndex..<end]).write(to: URL(fileURLWithPath: at("input/empty/\(f)")))
                }
                try fm.createDirectory(atPath: at("output"), withIntermediateDirectories: true)
                try Data(companyPipeline(pipelineText).utf8).write(to: URL(fileURLWithPath: at("pipeline.yaml")))
                try Data(Init.readme.utf8).write(to: URL(fileURLWithPath: at("README.md")))
            }
        } catch {
            throw Failure(
                .operational, zh: "无法创建 \(folder)：\(error.localizedDescription)", en: "cannot set up \(folder): \(error.localizedDescription)")
        }
        print(Speech.say("已创建公司文件夹：\(folder)", "company folder set up: \(folder)"))
        print(
            Speech.say(
                "  cd \(folder) && payroll run          运行示例月份（2026-01）", "  cd \(folder) && payroll run          runs the sample month (2026-01)"))
        print(
            Speech.say(
                "  payroll test-rules                 检查 rules/cn 规则包", "  payroll test-rules                 checks the rule pack in rules/cn"))
        print(Speech.say("  input/empty/ 是只有表头的空月份模板", "  input/empty/ is an empty month with headers only"))
    }

    /// The shipped pipeline with its paths pointed at the company folder.
    func companyPipeline(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("input:") {
                lines.append("input: input/2026-01            # the period's CONTRACT files; copy input/empty to start a month")
                lines.append("output_root: output")
            } else if line.hasPrefix("output_root:") {
                continue
            } else if line.hasPrefix("rule_pack:") {
                lines.append("rule_pack: rules/cn             # your copy of the rule pack: edit it, then run `payroll test-rules`")
            } else if line.hasPrefix("#") && lines.allSatisfy({ $0.hasPrefix("#") }) {
                continue
            } else {
                lines.append(String(line))
            }
        }
        return "# 本公司的月度工资流水线（由 payroll init 生成）。文件中的路径相对于本文件所在的文件夹。\n"
            + "# The company's monthly pipeline (made by payroll init). Paths are relative to this file's folder.\n"
            + lines.joined(separator: "\n")
    }

    static let readme = """
        # 工资核算文件夹

        本文件夹由 `payroll init` 生成，可在此直接运行：

        - `payroll run`：按 `pipeline.yaml` 运行示例月份（`input/2026-01`），结果写入 `output/2026-01/`。
        - `payroll run --input input/2026-02 --period 2026-02`：运行其他月份。
        - `payroll validate --input 文件夹 --period YYYY-MM`：只校验输入，不发放工资。
        - `payroll test-rules`：检查 `rules/cn` 中的规则包（修改社保基数、税率等之后请运行）。
        - `payroll --version`：程序和规则包的版本。

        文件夹内容：

        - `pipeline.yaml`：流水线设置（公司名称、输出、付款账户、语言 `locale: zh|en|both`）。
        - `rules/cn/`：规则包副本（城市社保公积金、个税表、工资结构），每个数值都注明生效日期和来源。
        - `banks/`：银行代发文件模板。
        - `input/2026-01/`：示例月份的输入文件；`input/empty/`：只有表头的空模板，复制后填写即可开始新月份。
        - `output/`：每个期间一个文件夹，含工资表、工资条、银行文件、报表和 manifest.json。

        输入文件的列见随程序提供的 CONTRACT 说明；所有提示均可用 `--locale zh|en|both` 切换语言。

        """
}

/// `payroll seal PATH... --to RECIPIENT.pub --out FILE`.
struct SealFiles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Seal files or folders for one recipient (X25519 + HKDF-SHA256 + AES-256-GCM, a manifest of SHA-256s inside).",
        discussion: "Only the holder of the matching NAME.key (from `payroll keygen`) can open it with `payroll unseal`.")
    @Argument(help: "Files or folders to seal.") var paths: [String]
    @Option(help: "The recipient's public key (NAME.pub).") var to: String
    @Option(help: "The sealed file to write (it must not exist).") var out: String
    @OptionGroup var lang: LocaleOption

    func run() throws {
        lang.apply()
        try Failures.run {
            guard !paths.isEmpty else { throw Failure(.usage, zh: "请给出要封装的文件或文件夹", en: "give the files or folders to seal") }
            guard !FileManager.default.fileExists(atPath: out) else {
                throw Failure(.usage, zh: "\(out) 已存在；seal 不覆盖文件", en: "\(out) already exists; seal overwrites nothing")
            }
            let recipient = try Keys.agreementPublicKey(path: to)
            let (data, entries) = try Seal.seal(try Seal.collect(paths), to: recipient)
            let tmp = out + ".tmp-\(UUID().uuidString)"
            do {
                try data.write(to: URL(fileURLWithPath: tmp))
                try FileManager.default.moveItem(atPath: tmp, toPath: out)
            } catch {
                try? FileManager.default.removeItem(atPath: tmp)
                throw Failure(.operational, zh: "无法写入 \(out)：\(error.localizedDescription)", en: "cannot write \(out): \(error.localizedDescription)")
            }
            let bytes = entries.reduce(0) { $0 + $1.size }
            print(
                Speech.say(
                    "已封装 \(entries.count) 个文件（\(bytes.formatted()) 字节），接收方公钥指纹 \(Keys.fingerprint(recipient.rawRepresentation))：\(out)",
                    "sealed \(entries.count) files (\(bytes.formatted()) bytes) for key \(Keys.fingerprint(recipient.rawRepresentation)): \(out)"))
        }
    }
}

/// `payroll unseal FILE --key KEY --out DIR`.
struct UnsealFiles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unseal",
        abstract: "Open a sealed file with your private key into a new folder; a changed byte or a wrong key writes nothing (exit 1).")
    @Argument(help: "The sealed file.") var file: String
    @Option(help: "Your private key (NAME.key).") var key: String
    @Option(help: "The folder to create (it must not exist).") var out: String
    @OptionGroup var lang: LocaleOption

    func run() throws {
        lang.apply()
        try Failures.run {
            let k = try Keys.agreementPrivateKey(path: key)
            guard let data = FileManager.default.contents(atPath: file) else {
                throw Failure(.usage, zh: "无法读取 \(file)", en: "cannot read \(file)")
            }
            let files = try Seal.open(data, key: k)
            try Seal.write(files, to: out)
            for (e, _) in files { print("\(e.path)  \(e.size)  sha256 \(e.sha256)") }
            print(
                Speech.say(
                    "已解封 \(files.count) 个文件到 \(out)，每个文件的 SHA-256 均已核对", "unsealed \(files.count) files into \(out), each checked against its SHA-256"
                ))
        }
    }
}

/// `payroll parallel-run FIRST..LAST --legacy DIR --map M`.
struct ParallelRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parallel-run",
        abstract:
            "Reconcile several months of the engine's runs with the legacy registers beside them; one workbook with a sheet per month, a summary and a verdict.",
        discussion:
            "DIR holds one legacy register per month (.xlsx or .csv, its name containing YYYY-MM). Ready to switch after 3 consecutive months, ending with the last, with no unexplained difference and the same employees on both sides. Exit 0 when ready, 1 when not yet."
    )
    @Argument(help: "The months, FIRST..LAST (e.g. 2026-01..2026-03).") var months: String
    @Option(help: "Folder of the legacy registers, one per month.") var legacy: String
    @Option(help: "Mapping of the legacy registers (a `register` target).") var map: String
    @OptionGroup var root: RootOption
    @Option(help: "Where to write the workbook (default ROOT/parallel-run-FIRST..LAST.xlsx).") var report: String?

    func run() throws {
        let locale = root.lang.apply()
        try Failures.run {
            guard let periods = ExcelImport.ParallelRun.periods(months) else {
                throw Failure(
                    .usage, zh: "月份范围「\(months)」应为 YYYY-MM..YYYY-MM（从早到晚，最多 24 个月）",
                    en: "the months \"\(months)\" must be YYYY-MM..YYYY-MM (earliest first, at most 24)")
            }
            do {
                let m = try ImportMapping.load(path: map)
                let result = try ExcelImport.ParallelRun.run(periods: periods, legacy: legacy, mapping: m, root: root.out, replay: PipelineReplay())
                let path = report ?? (root.out as NSString).appendingPathComponent("parallel-run-\(months).xlsx")
                try ExcelImport.ParallelRun.writeXLSX(result, locale: locale == .both ? .zh : locale, to: path)
                print(ExcelImport.ParallelRun.summary(result, locale: locale), terminator: "")
                print(Speech.say("报告：", "report: ") + path)
                if !ExcelImport.ParallelRun.verdict(result).ready { throw ExitCode(Exit.dataErrors) }
            } catch let e as ConfigError { throw Failure(.usage, zh: "映射文件：\(e)", en: "mapping: \(e)") }
        }
    }
}
