import Foundation
import PayrollCore
import PayrollRules

@testable import Pipeline

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let fixtures = repoRoot.appendingPathComponent("fixtures")
let standardPack = try! RulePack.load(directory: repoRoot.appendingPathComponent("pipelines/rules/cn").path)

func load(_ folder: String, period: String = "2026-01", threads: Int = 0) throws -> Batch {
    let dir = folder.hasPrefix("/") ? folder : fixtures.appendingPathComponent(folder).path
    return try Intake.load(IntakeOptions(period: Period(period)!, inputDirectory: dir, rulePack: standardPack, threads: threads))
}

func tempDir() -> String {
    let d = NSTemporaryDirectory() + "payroll-test-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

/// Copies a fixture folder so a test can damage one file of it.
func copyOf(_ fixture: String) -> String {
    let d = tempDir() + "/in"
    try! FileManager.default.copyItem(atPath: fixtures.appendingPathComponent(fixture).path, toPath: d)
    return d
}

struct Key: Hashable, CustomStringConvertible {
    let code: String, file: String, line: Int?
    var description: String { "\(code) \(file):\(line.map(String.init) ?? "-")" }
}
