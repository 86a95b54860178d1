import Audit
import CSVReader
import Foundation
import Outputs
import PayrollCore
import PayrollRules
import Pipeline
import RunRecords
import Stages
import XCTest

/// The `payroll` binary built beside this test bundle.
public let payrollBinary: String = {
    // Linux: the test runner is an executable in the build folder; macOS: a bundle in it.
    let bundle = Bundle.main.bundleURL
    let candidates = [bundle.appendingPathComponent("payroll"), bundle.deletingLastPathComponent().appendingPathComponent("payroll")]
    return (candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]).path
}()

/// A finished `payroll` process: exit status (or the signal that stopped it) and its output.
public struct Finished {
    /// The exit status, or the signal number when signalled.
    public var status: Int32
    /// True when a signal stopped the process.
    public var signalled: Bool
    /// Standard output, captured.
    public var out: String
    /// Standard error, captured.
    public var err: String
}

/// Runs the binary from the repository with extra environment variables; waits for it.
@discardableResult
public func payroll(_ args: [String], env: [String: String] = [:], in folder: String? = nil) throws -> Finished {
    let p = try start(args, env: env, in: folder)
    return p.wait()
}

/// A `payroll` process started by a test, with its output captured.
public final class RunningPayroll {
    /// The process.
    public let process: Process
    public let out = Pipe(), err = Pipe()
    /// Creates it.
    public init(_ p: Process) { process = p }
    /// Waits for the process and collects its output.
    public func wait() -> Finished {
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Finished(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }
}

/// Starts the binary from the repository with extra environment variables; does not wait.
public func start(_ args: [String], env: [String: String] = [:], in folder: String? = nil) throws -> RunningPayroll {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: payrollBinary)
    p.arguments = args
    p.currentDirectoryURL = folder.map { URL(fileURLWithPath: $0) } ?? repoRoot
    var e = ProcessInfo.processInfo.environment
    // Tests read the English messages unless they ask for a language (`PAYROLL_LOCALE`, or `--locale`).
    e["PAYROLL_LOCALE"] = "en"
    for (k, v) in env { e[k] = v }
    p.environment = e
    let r = RunningPayroll(p)
    p.standardOutput = r.out
    p.standardError = r.err
    try p.run()
    return r
}

/// A small seeded generator (SplitMix64) so that random tests repeat.
public struct SplitMix {
    /// The generator's state.
    public var state: UInt64
    /// Creates it.
    public init(seed: UInt64) { state = seed }
    /// The next pseudo-random number.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
