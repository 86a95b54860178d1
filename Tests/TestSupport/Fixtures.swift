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

/// The repository's root folder.
public let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
/// The fixtures folder.
public let fixtures = repoRoot.appendingPathComponent("fixtures")
/// The shipped cn rule pack.
public let standardPack = try! RulePack.load(directory: repoRoot.appendingPathComponent("pipelines/rules/cn").path)

/// Loads and validates a fixture folder (or an absolute folder) on `threads` workers.
public func load(_ folder: String, period: String = "2026-01", threads: Int = 0) throws -> Batch {
    let dir = folder.hasPrefix("/") ? folder : fixtures.appendingPathComponent(folder).path
    return try Intake.load(IntakeOptions(period: Period(period)!, inputDirectory: dir, rulePack: standardPack, scheduler: Executor(threads: threads)))
}

/// A new empty temporary folder.
public func tempDir() -> String {
    let d = NSTemporaryDirectory() + "payroll-test-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

/// Copies a fixture folder so a test can damage one file of it.
public func copyOf(_ fixture: String) -> String {
    let d = tempDir() + "/in"
    try! FileManager.default.copyItem(atPath: fixtures.appendingPathComponent(fixture).path, toPath: d)
    return d
}

/// A diagnostic reduced to code, file and line, for comparing sets.
public struct Key: Hashable, CustomStringConvertible {
    public let code: String, file: String, line: Int?
    /// The key as `code file:line`.
    public var description: String { "\(code) \(file):\(line.map(String.init) ?? "-")" }
    /// Creates it.
    public init(code: String, file: String, line: Int?) {
        self.code = code
        self.file = file
        self.line = line
    }
}

/// The validated batch of a fixture folder.
public func batch(of name: String) -> Batch { try! load(name) }
