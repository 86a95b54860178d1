import Audit
import CSVReader
import Foundation
import Outputs
import PayrollCore
import PayrollRules
import Pipeline
import RunRecords
import XCTest

@testable import Stages

/// A copy of the demo month (employees.csv rewritten as UTF-8) whose cells a
/// test edits by employee and column. Line numbers are physical lines (header = 1).
public final class DemoMonth {
    /// The folder holding the month's files.
    public let dir: String
    /// Each file's header and rows, as the test edits them.
    public var tables: [String: (header: [String], rows: [String])] = [:]

    /// A copy of a fixture month (the January demo by default).
    public init(_ fixture: String = "demo") throws {
        dir = copyOf(fixture)
        for f in ["employees.csv", "attendance.csv", "scores.csv", "adjustments.csv", "coaching.csv"]
        where FileManager.default.fileExists(atPath: dir + "/" + f) {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + f))
            var text =
                f == "employees.csv"
                ? String(decoding: try CSVDecode.utf8(gb18030: data), as: UTF8.self)
                : String(decoding: data, as: UTF8.self)
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
            tables[f] = (lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init), Array(lines.dropFirst()))
        }
    }

    /// The position of a CONTRACT column, whichever of its names (English or Chinese alias) the header uses.
    public func column(_ file: String, _ name: String) -> Int {
        let kind = InputKind.allCases.first { $0.defaultFileName == file }!
        let spec = kind.columns.first { $0.name == name }!
        let names = Set([spec.name] + spec.aliases).map(normalizeHeader)
        return tables[file]!.header.firstIndex { names.contains(normalizeHeader($0)) }!
    }

    /// The line of the first row of `file` whose first cell is `id` (and that satisfies `where`).
    public func line(_ file: String, _ id: String, where match: (([String]) -> Bool)? = nil) -> Int {
        let rows = tables[file]!.rows
        let i = rows.firstIndex { r in
            let cells = r.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return cells[0] == id && (match?(cells) ?? true)
        }!
        return i + 2
    }

    /// Sets one cell (rows without quoted commas only); returns its line.
    @discardableResult
    public func set(_ file: String, line: Int, _ column: String, _ value: String) -> Int {
        var cells = tables[file]!.rows[line - 2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[self.column(file, column)] = value
        tables[file]!.rows[line - 2] = cells.joined(separator: ",")
        return line
    }

    /// Sets the cell of an employee's row in a column; returns the row's physical line.
    @discardableResult
    public func set(_ file: String, _ id: String, _ column: String, _ value: String) -> Int {
        set(file, line: line(file, id), column, value)
    }

    /// Appends a row (given by column name; others empty); returns its line.
    @discardableResult
    public func append(_ file: String, _ values: [String: String]) -> Int {
        let h = tables[file]!.header
        tables[file]!.rows.append(h.map { values[$0] ?? "" }.joined(separator: ","))
        return tables[file]!.rows.count + 1
    }

    /// Adds an empty column at the end of a file.
    public func addColumn(_ file: String, _ name: String) {
        tables[file]!.header.append(name)
        tables[file]!.rows = tables[file]!.rows.map { $0 + "," }
    }

    /// Appends a row of raw CSV text to a file.
    public func appendRaw(_ row: String, _ file: String) { tables[file]!.rows.append(row) }

    /// The cell of an employee's row in a column.
    public func cell(_ file: String, _ id: String, _ column: String) -> String {
        tables[file]!.rows[line(file, id) - 2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)[self.column(file, column)]
    }

    /// Removes a column from a file.
    public func dropColumn(_ file: String, _ name: String) {
        let k = column(file, name)
        var t = tables[file]!
        t.header.remove(at: k)
        t.rows = t.rows.map { r in
            var c = r.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            c.remove(at: k)
            return c.joined(separator: ",")
        }
        tables[file] = t
    }

    /// Swaps two header names of a file.
    public func renameColumns(_ file: String, _ a: String, _ b: String) {
        let i = column(file, a)
        let j = column(file, b)
        tables[file]!.header.swapAt(i, j)
    }

    /// Writes every file back, with the given line ends.
    public func write(lineEnd: String = "\n") throws {
        for (f, t) in tables {
            try ([t.header.joined(separator: ",")] + t.rows).joined(separator: lineEnd).appending(lineEnd)
                .write(toFile: dir + "/" + f, atomically: true, encoding: .utf8)
        }
    }

    /// Writes the files and validates the month (load to pay, nothing written). As `payroll validate`, the run keeps
    /// each net pay only; `keepPay` keeps the pay results too (as a run that writes does).
    public func validate(period: String = "2026-01", showValues: Bool = false, keepPay: Bool = false) throws -> PeriodRunner.Computed {
        try write()
        var s = RunSettings(
            definition: definition, period: Period(period)!, inputDirectory: dir, outputRoot: tempDir(), threads: 0,
            validateOnly: !keepPay)
        s.showValues = showValues
        return try PeriodRunner.compute(s)
    }
}

/// The diagnostics of a batch as (code, file, line) keys.
public func keys(_ b: Batch) -> Set<Key> { Set(b.diagnostics.map { Key(code: $0.code, file: $0.file, line: $0.line) }) }
