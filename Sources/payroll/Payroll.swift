import ArgumentParser
import CSVReader
import Foundation
import Outputs
import PayrollCore
import PayrollRules
import Pipeline

/// Exit codes (also in `payroll --help`):
/// 0 success · 1 the data has errors · 64 usage error (bad flags, missing or
/// malformed pipeline file) · 70 operational failure (disk, C library) ·
/// 78 the rule pack is malformed or lacks a value the period needs.
enum Exit {
    static let dataErrors: Int32 = 1
    static let usage: Int32 = 64
    static let operational: Int32 = 70
    static let config: Int32 = 78
}

@main
struct Payroll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payroll",
        abstract: "Batch payroll and performance engine (Chinese payroll rules).",
        discussion: """
        Exit codes: 0 success; 1 the input data has errors (see validation.csv); \
        64 usage error (bad flags, missing or malformed pipeline file); \
        70 operational failure (disk, file system, C library); \
        78 the rule pack is malformed or lacks a value the period needs.
        """,
        subcommands: [Run.self, Validate.self, TestRules.self, ParseBaseline.self])
}

struct CommonOptions: ParsableArguments {
    @Argument(help: "Pipeline definition (YAML).")
    var pipeline: String = "pipelines/monthly.yaml"

    @Option(help: "Folder holding the period's CONTRACT files (overrides the pipeline's `input`).")
    var input: String?

    @Option(help: "Pay period YYYY-MM (overrides the pipeline's `period`).")
    var period: String?

    @Option(help: "Output root; the run's folder is ROOT/<YYYY-MM>/ (default: the pipeline's output_root, else output/).")
    var out: String?

    @Option(help: "Worker threads (0 = one per core). Results do not depend on it.")
    var threads: Int?

    @Option(name: .customLong("opening-balance"), help: "Year-to-date opening balances (CSV) for a company that starts mid-year; columns in the README.")
    var openingBalance: String?

    @Flag(help: "Print the wall time of each stage to standard error.")
    var timings = false

    @Flag(name: .customLong("first-period"), help: "Declare that this employer paid nothing earlier in the year, so year-to-date starts at zero.")
    var firstPeriod = false

    func validatePeriod() throws {
        if let period, Period(period) == nil {
            throw ValidationError("--period must be YYYY-MM, e.g. 2026-01")
        }
        if let threads, threads < 0 { throw ValidationError("--threads must be 0 or more") }
        if openingBalance != nil && firstPeriod { throw ValidationError("--opening-balance and --first-period exclude each other") }
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
        if let only {
            for k in only.split(separator: ",") where OutputKind(rawValue: k.trimmingCharacters(in: .whitespaces)) == nil {
                throw ValidationError("--only: unknown output kind \"\(k)\"; expected \(OutputKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
    }

    func run() throws {
        let kinds = only.map { Set($0.split(separator: ",").compactMap { OutputKind(rawValue: $0.trimmingCharacters(in: .whitespaces)) }) }
        throw ExitCode(Engine.execute(options: options, mode: .run, only: kinds))
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a period's inputs in four stages and write validation.csv and validation.xlsx; nothing is paid.")

    @OptionGroup var options: CommonOptions

    func validate() throws { try options.validatePeriod() }

    func run() throws {
        throw ExitCode(Engine.execute(options: options, mode: .validate, only: nil))
    }
}

struct ParseBaseline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse-baseline",
        abstract: "Benchmark helper: parse CSV files with libcsv and empty callbacks; prints bytes and seconds.",
        shouldDisplay: false)

    @Argument var files: [String]

    func run() throws {
        let start = DispatchTime.now()
        var bytes = 0
        for f in files { bytes += try libcsvBaselineParse(path: f) }
        let ns = DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds
        print("bytes=\(bytes) nanoseconds=\(ns)")
    }
}

struct TestRules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-rules",
        abstract: "Run the YAML test cases stored with a rule pack (PACK/tests/*.yaml): name, period, inputs, expected outputs.")

    @Argument(help: "Rule pack folder.")
    var pack: String = "pipelines/rules/cn"

    func run() throws {
        let outcomes: [RuleTests.Outcome]
        do {
            outcomes = try RuleTests.run(pack: try RulePack.load(directory: pack))
        } catch {
            FileHandle.standardError.write(Data("payroll: error: rule pack: \(error)\n".utf8))
            throw ExitCode(Exit.config)
        }
        var failed = 0
        for o in outcomes {
            if o.passed {
                print("PASS \(o.file):\(o.line) \(o.name)")
            } else {
                failed += 1
                print("FAIL \(o.file):\(o.line) \(o.name)")
                for (k, want, got) in o.failures { print("     \(k): expected \(want), got \(got)") }
            }
        }
        print("\(outcomes.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(Exit.dataErrors) }
    }
}
