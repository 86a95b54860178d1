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

/// The shipped pipelines/monthly.yaml.
public let definition = try! PipelineDefinition.load(path: repoRoot.appendingPathComponent("pipelines/monthly.yaml").path)

/// Runs a period of a fixture folder into `root`.
public func runPeriod(
    _ period: String, input: String, root: String, threads: Int = 0, firstPeriod: Bool = false,
    opening: String? = nil
) throws -> RunOutcome {
    try PeriodRunner.execute(
        RunSettings(
            definition: definition, period: Period(period)!,
            inputDirectory: input.hasPrefix("/") ? input : fixtures.appendingPathComponent(input).path, outputRoot: root,
            threads: threads, openingBalance: opening, firstPeriod: firstPeriod))
}

/// Reads a register into rows keyed by column name.
public func register(_ path: String) throws -> [[String: String]] { csvRows(try String(contentsOfFile: path, encoding: .utf8)) }

/// A CSV text's rows keyed by column name.
public func csvRows(_ source: String) -> [[String: String]] {
    // Files for people start with a UTF-8 byte order mark; the columns begin after it.
    var text = source
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    let lines = text.split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    return lines.dropFirst().map { l in
        // Register cells never hold commas except names, which are quoted; split carefully.
        var cells: [String] = []
        var cur = ""
        var quoted = false
        var it = Array(l)
        var i = 0
        while i < it.count {
            let c = it[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < it.count && it[i + 1] == "\"" {
                        cur.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    cur.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                cells.append(cur)
                cur = ""
            } else {
                cur.append(c)
            }
            i += 1
        }
        cells.append(cur)
        it = []
        return Dictionary(uniqueKeysWithValues: zip(header, cells))
    }
}

/// GB18030 → UTF-8 for a test fixture, through iconv(1).
public enum CSVDecode {
    /// Converts GB18030 bytes to UTF-8 with iconv(1).
    public static func utf8(gb18030 data: Data) throws -> Data {
        let src = tempDir() + "/in.csv"
        try data.write(to: URL(fileURLWithPath: src))
        let (out, status) = try shell(["iconv", "-f", "GB18030", "-t", "UTF-8", src])
        XCTAssertEqual(status, 0)
        return Data(out.utf8)
    }
}
