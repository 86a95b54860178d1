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

/// The demo's attendance rows summed per employee, as a clerk's monthly sheet would have them.
public func attendanceSummary(of fixture: String) throws -> String {
    let text = try String(contentsOfFile: fixtures.path + "/\(fixture)/attendance.csv", encoding: .utf8)
    var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
    if lines[0].hasPrefix("\u{FEFF}") { lines[0].removeFirst() }
    let head = lines[0].split(separator: ",").map(String.init)
    func col(_ names: [String]) -> Int { head.firstIndex { names.contains($0) }! }
    let (ie, ist, ih, ik) = (
        col(["employee_id", "工号"]), col(["status", "出勤状态"]), col(["overtime_hours", "加班小时"]), col(["overtime_kind", "加班类型"])
    )
    struct Sum {
        var paid = 0, absent = 0, personal = 0, sick = 0, comp = 0
        var ot = [String: Decimal]()
    }
    var sums: [String: Sum] = [:]
    var order: [String] = []
    let paid: Set<String> = ["present", "出勤", "annual_leave", "年假", "comp_leave", "调休", "business_trip", "出差"]
    for l in lines.dropFirst() {
        let c = l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let id = c[ie]
        if sums[id] == nil { order.append(id) }
        var s = sums[id] ?? Sum()
        let st = c[ist]
        if paid.contains(st) { s.paid += 1 }
        if st == "comp_leave" || st == "调休" { s.comp += 1 }
        if st == "absent" || st == "旷工" { s.absent += 1 }
        if st == "personal_leave" || st == "事假" { s.personal += 1 }
        if st == "sick_leave" || st == "病假" { s.sick += 1 }
        if let h = Decimal(string: c[ih]), !c[ik].isEmpty { s.ot[c[ik], default: 0] += h }
        sums[id] = s
    }
    var out =
        "employee_id,paid_days,absent_days,personal_leave_days,sick_leave_days,comp_leave_days,overtime_workday_hours,overtime_restday_hours,overtime_holiday_hours\n"
    for id in order {
        let s = sums[id]!
        func h(_ k: [String]) -> String { k.compactMap { s.ot[$0] }.reduce(Decimal(0), +).description }
        out +=
            "\(id),\(s.paid),\(s.absent),\(s.personal),\(s.sick),\(s.comp),\(h(["workday", "工作日"])),\(h(["restday", "休息日"])),\(h(["holiday", "法定节假日"]))\n"
    }
    return out
}
