import Foundation
import PayrollCore
import Stages
import TestSupport
import XCTest

/// Under `--locale zh` no English word reaches the terminal; under `en` no Chinese but the data's (names,
/// departments, notes, the legacy workbook's text, the rule pack's citations).
///
/// What is not an English word here: file names and paths; identifiers that programs read (`[base_salary]`,
/// `employee.base_salary`, snake_case keys); values quoted as the user must type them (「present」); diagnostic codes and
/// employee IDs (R009, D001); hashes; formulas and sources (after 公式/来源), which are rule-pack data; the program's name; and
/// the acronyms and standard names a Chinese payroll clerk reads as they are (KPI, MBO, BSC, UTF-8, GB18030, Excel, ISO 7064).
final class LocaleTests: XCTestCase {
    static let allowed: Set<String> = [
        "payroll", "UTF", "BOM", "GB18030", "SHA", "KPI", "MBO", "BSC", "PDF", "CSV", "ISO", "MOD", "Excel", "clamp", "max", "round",
        "YYYY", "MM", "DD",
    ]

    /// The English words of a Chinese text, line by line, with the line they are on.
    static func englishWords(_ text: String) -> [(String, String)] {
        var found: [(String, String)] = []
        let strip = [
            #"(来源|公式)[:：].*"#, #"\S*[/\\]\S*"#, #"\[[A-Za-z0-9_.]+\]"#, #"「[^」]*」|“[^”]*”"#,
            #"\S+\.(csv|xlsx|json|pdf|yaml|txt|md|sig|key|pub)\b"#, #"\b[A-Za-z0-9]+([._][A-Za-z0-9]+)+\b"#, #"\b[A-Z]+\d+\b"#,
            #"--[a-z-]+"#, "`[^`]*`", #"\b[0-9a-f]{8,}\b"#,
        ]
        for line in text.split(separator: "\n") {
            var t = String(line)
            for p in strip { t = t.replacingOccurrences(of: p, with: " ", options: .regularExpression) }
            var word = ""
            for ch in t + " " {
                if ch.isASCII && ch.isLetter {
                    word.append(ch)
                } else {
                    if word.count >= 2 && !allowed.contains(word) { found.append((word, String(line))) }
                    word = ""
                }
            }
        }
        return found
    }

    /// The Chinese characters of an English text that are not in the data.
    static func chinese(_ text: String, data: [String]) -> [String] {
        var t = text
        for d in data.sorted(by: { $0.count > $1.count }) where !d.isEmpty { t = t.replacingOccurrences(of: d, with: " ") }
        return t.split(separator: "\n").filter { $0.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }.map(String.init)
    }

    func commands(_ locale: String) throws -> [(String, String)] {
        let root = tempDir()
        var outputs: [(String, String)] = []
        func run(_ args: [String], _ codes: Set<Int32> = [0]) throws {
            let r = try payroll(args + ["--locale", locale], env: ["PAYROLL_LOCALE": ""])
            XCTAssertTrue(codes.contains(r.status), "\(args): \(r.status)\n\(r.err)")
            outputs.append((args.joined(separator: " "), r.out + r.err))
        }
        try run(["run", "--out", root])
        try run(["run", "--input", fixtures.appendingPathComponent("demo-2026-02").path, "--period", "2026-02", "--out", root])
        for bad in try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter({ $0.hasPrefix("invalid-") }).sorted() {
            try run(["validate", "--input", fixtures.appendingPathComponent(bad).path, "--out", tempDir()], [1])
        }
        try run(["validate", "--out", tempDir(), "--period", "2026-02", "--first-period"], [1])
        for id in ["D001", "D002", "D003", "D041"] { try run(["explain", "2026-01", id, "--out", root]) }
        try run(["diff", root + "/2026-01", root + "/2026-02"], [1])
        let legacy = fixtures.appendingPathComponent("legacy")
        try run(
            [
                "import", legacy.appendingPathComponent("payroll_2026-01.xlsx").path, "--map",
                repoRoot.appendingPathComponent("pipelines/import/legacy-payroll.yaml").path, "--out", tempDir(),
            ], [1])
        try run(
            [
                "reconcile", "2026-01", "--legacy", legacy.appendingPathComponent("legacy_register_2026-01.xlsx").path, "--map",
                repoRoot.appendingPathComponent("pipelines/import/legacy-register.yaml").path, "--out", root,
            ], [1])
        try run(["run", "--out", root, "--period", "2026-13"], [64])
        try run(["status", "--out", root])
        return outputs
    }

    func testNoEnglishUnderZH() throws {
        for (cmd, text) in try commands("zh") {
            XCTAssertFalse(text.isEmpty, cmd)
            let words = Self.englishWords(text)
            XCTAssertTrue(
                words.isEmpty, "payroll \(cmd) --locale zh prints English:\n" + words.prefix(10).map { "\($0.0): \($0.1)" }.joined(separator: "\n"))
        }
    }

    func testNoChineseUnderEN() throws {
        // The data: the demo's people and texts, the legacy workbook's cells, the rule pack's citations and city names.
        var data: [String] = []
        for f in ["demo", "demo-2026-02"] {
            let b = try load(fixtures.appendingPathComponent(f).path, period: f == "demo" ? "2026-01" : "2026-02")
            for e in b.employees { data += [e.name, e.department, e.position, e.costCenter] }
            data += b.adjustments.map(\.note)
        }
        for book in ["payroll_2026-01.xlsx", "legacy_register_2026-01.xlsx"] {
            let x = try XLSXContent.read(fixtures.appendingPathComponent("legacy/\(book)").path)
            data += x.sheets.flatMap { [$0.name] + $0.rows.flatMap { $0.map(\.value) } }
        }
        for (cmd, text) in try commands("en") {
            // Citations of the rule pack are data: what follows "from DATE;" or "source:" on a line.
            let shown = text.replacingOccurrences(of: #"(\(from [0-9-]+;|source:).*|\[[^\]]*\]"#, with: "", options: .regularExpression)
            let lines = Self.chinese(shown, data: data)
            XCTAssertTrue(lines.isEmpty, "payroll \(cmd) --locale en prints Chinese:\n" + lines.prefix(10).joined(separator: "\n"))
        }
    }

    func testScannerFindsEnglish() {
        // The check can fail: an English message is found, a Chinese one with codes and paths is not.
        XCTAssertEqual(Self.englishWords("payroll: 错误: input folder not found").map(\.0), ["input", "folder", "not", "found"])
        XCTAssertTrue(Self.englishWords("  E R009 attendance.csv:7 [date] D002: 日期不在期间 2026-01 内").isEmpty)
        XCTAssertEqual(Self.chinese("Stopped: 未发放", data: []).count, 1)
        XCTAssertTrue(Self.chinese("Employee D001 张伟", data: ["张伟"]).isEmpty)
    }
}
