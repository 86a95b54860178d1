import Foundation
import CSVReader
import PayrollCore
import PayrollRules
import Pipeline

/// A refusal of the audit commands (closed period, missing run, …).
public struct AuditError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ m: String) { message = m }
    public var description: String { message }
}

/// Period close, reopen and verify. A closed period lives in
/// `ROOT/closed/<YYYY-MM>/`: its inputs, pipeline, rule pack and outputs, and
/// `close.json` listing every file's SHA-256 and the SHA-256 of the previous
/// closed period's `close.json` (a hash chain).
public enum Archive {
    public static func closedFolder(root: String) -> String { (root as NSString).appendingPathComponent("closed") }
    public static func archivePath(root: String, period: Period) -> String {
        (closedFolder(root: root) as NSString).appendingPathComponent(period.description)
    }
    public static func isClosed(root: String, period: Period) -> Bool {
        FileManager.default.fileExists(atPath: (archivePath(root: root, period: period) as NSString).appendingPathComponent("close.json"))
    }

    static func closedPeriods(root: String) -> [Period] {
        ((try? FileManager.default.contentsOfDirectory(atPath: closedFolder(root: root))) ?? [])
            .compactMap(Period.init).filter { isClosed(root: root, period: $0) }.sorted()
    }

    static func files(under dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? [])
            .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent($0), isDirectory: &d) && !d.boolValue }
            .sorted { $0.codePointPrecedes($1) }
    }

    static func copy(_ from: String, _ to: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try fm.copyItem(atPath: from, toPath: to)
    }

    static func json(_ path: String) throws -> [String: Any] {
        guard let d = FileManager.default.contents(atPath: path), let o = try JSONSerialization.jsonObject(with: d) as? [String: Any] else {
            throw AuditError("cannot read \(path)")
        }
        return o
    }

    /// Freezes the finished run of `period` into `ROOT/closed/<period>/`.
    @discardableResult
    public static func close(period: Period, root: String) throws -> String {
        let fm = FileManager.default
        let run = (root as NSString).appendingPathComponent(period.description)
        let manifestPath = (run as NSString).appendingPathComponent("manifest.json")
        guard fm.fileExists(atPath: manifestPath) else { throw AuditError("\(run) is not a finished run (no manifest.json); run the period first") }
        if isClosed(root: root, period: period) { throw AuditError("\(period) is already closed (\(archivePath(root: root, period: period)))") }
        let closed = closedPeriods(root: root)
        if let later = closed.first(where: { $0 > period }) {
            throw AuditError("\(later) is already closed; periods are closed in order so that their hashes form one chain")
        }
        let manifest = try json(manifestPath)
        let tmp = (closedFolder(root: root) as NSString).appendingPathComponent(".tmp-\(period)-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(atPath: tmp)
        try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        func at(_ rel: String) -> String { (tmp as NSString).appendingPathComponent(rel) }
        // Outputs, as they are.
        for f in files(under: run) { try copy((run as NSString).appendingPathComponent(f), at("outputs/" + f)) }
        // Inputs, by kind.
        var pipelinePath: String?
        var rulePackFiles: [String] = []
        for entry in (manifest["inputs"] as? [[String: Any]]) ?? [] {
            guard let kind = entry["kind"] as? String, let path = entry["path"] as? String else { continue }
            switch kind {
            case "pipeline": pipelinePath = path
            case "rule-pack": rulePackFiles.append(path)
            case "previous-ledger": try copy(path, at("inputs/previous_ytd_ledger.csv"))
            case "opening-balance": try copy(path, at("inputs/opening_balance.csv"))
            case "history":
                let hp = (entry["period"] as? String) ?? (path as NSString).deletingLastPathComponent.split(separator: "/").last.map(String.init) ?? "unknown"
                try copy(path, at("inputs/history/\(hp).csv"))
            default: try copy(path, at("inputs/" + (path as NSString).lastPathComponent))
            }
        }
        guard let pipelinePath else { throw AuditError("the manifest names no pipeline") }
        // The pipeline's folder (rule pack, bank templates) keeps the relative paths the pipeline uses.
        let pipelineDir = (pipelinePath as NSString).deletingLastPathComponent
        for f in files(under: pipelineDir.isEmpty ? "." : pipelineDir) where !f.hasPrefix(".") {
            try copy((pipelineDir as NSString).appendingPathComponent(f), at("pipeline/" + f))
        }
        var rulePackOverride: String?
        let def = try PipelineDefinition.load(path: pipelinePath)
        let packAbs = URL(fileURLWithPath: def.rulePackDirectory).standardizedFileURL.path
        let dirAbs = URL(fileURLWithPath: pipelineDir.isEmpty ? "." : pipelineDir).standardizedFileURL.path
        if !packAbs.hasPrefix(dirAbs + "/") {
            for f in files(under: def.rulePackDirectory) { try copy((def.rulePackDirectory as NSString).appendingPathComponent(f), at("rulepack/" + f)) }
            rulePackOverride = "rulepack"
        }
        // close.json: every file's hash and the link to the previous closed period.
        var list: [[String: Any]] = []
        for f in files(under: tmp) {
            let h = try FileHash.sha256(path: at(f))
            list.append(["path": f, "sha256": h.hex, "bytes": h.bytes])
        }
        var record: [String: Any] = [
            "period": period.description,
            "pipeline": "pipeline/" + (pipelinePath as NSString).lastPathComponent,
            "settings": manifest["settings"] ?? [:],
            "files": list,
            "engine": ["name": "payroll", "version": Manifest.engineVersion],
            "closed_at": ISO8601DateFormatter().string(from: Date()),
        ]
        if let o = rulePackOverride { record["rule_pack"] = o }
        if let prev = closed.last {
            let prevClose = (archivePath(root: root, period: prev) as NSString).appendingPathComponent("close.json")
            record["previous"] = ["period": prev.description, "sha256": try FileHash.sha256(path: prevClose).hex]
        }
        var data = try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: at("close.json")))
        for f in files(under: tmp) { try? fm.setAttributes([.posixPermissions: 0o444], ofItemAtPath: at(f)) }
        let final = archivePath(root: root, period: period)
        try fm.moveItem(atPath: tmp, toPath: final)
        return final
    }

    /// Reopens a closed period: the archive is kept as `<period>.reopened-N`
    /// with the reason, so a new run of the period is allowed and the reopening is on record.
    @discardableResult
    public static func reopen(period: Period, root: String, reason: String) throws -> String {
        guard isClosed(root: root, period: period) else { throw AuditError("\(period) is not closed") }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw AuditError("a reopening needs a reason") }
        let fm = FileManager.default
        var n = 1
        var target: String
        repeat {
            target = (closedFolder(root: root) as NSString).appendingPathComponent("\(period).reopened-\(n)")
            n += 1
        } while fm.fileExists(atPath: target)
        let from = archivePath(root: root, period: period)
        try fm.moveItem(atPath: from, toPath: target)
        let note: [String: Any] = ["period": period.description, "reason": reason, "reopened_at": ISO8601DateFormatter().string(from: Date())]
        try JSONSerialization.data(withJSONObject: note, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: (target as NSString).appendingPathComponent("reopen.json")))
        return target
    }

    public struct Finding: Sendable {
        public var kind: String          // changed-file, missing-file, extra-file, chain, output, employee
        public var file: String
        public var detail: String
    }

    public struct Verification: Sendable {
        public var findings: [Finding]
        public var reproduced: Bool { findings.isEmpty }
    }

    /// Checks an archive: every file against close.json, the hash chain, and a
    /// re-run of the period from the archived inputs and rules compared file by
    /// file (the register per employee and pay line).
    public static func verify(archive: String) throws -> Verification {
        let fm = FileManager.default
        let closePath = (archive as NSString).appendingPathComponent("close.json")
        let record = try json(closePath)
        var findings: [Finding] = []
        guard let periodText = record["period"] as? String, let period = Period(periodText),
              let listed = record["files"] as? [[String: Any]] else { throw AuditError("\(closePath) is not a close record") }
        func at(_ rel: String) -> String { (archive as NSString).appendingPathComponent(rel) }
        var known = Set<String>(["close.json", "reopen.json"])
        for f in listed {
            guard let p = f["path"] as? String, let h = f["sha256"] as? String else { continue }
            known.insert(p)
            guard fm.fileExists(atPath: at(p)) else {
                findings.append(Finding(kind: "missing-file", file: p, detail: "listed in close.json but missing"))
                continue
            }
            if try FileHash.sha256(path: at(p)).hex != h {
                findings.append(Finding(kind: "changed-file", file: p, detail: "changed after closing (SHA-256 differs from close.json)"))
            }
        }
        for f in files(under: archive) where !known.contains(f) {
            findings.append(Finding(kind: "extra-file", file: f, detail: "not listed in close.json"))
        }
        if let prev = record["previous"] as? [String: Any], let pp = prev["period"] as? String, let ph = prev["sha256"] as? String {
            let prevClose = ((archive as NSString).deletingLastPathComponent as NSString).appendingPathComponent("\(pp)/close.json")
            if !fm.fileExists(atPath: prevClose) {
                findings.append(Finding(kind: "chain", file: "close.json", detail: "the previous closed period \(pp) is missing: the hash chain is broken"))
            } else if try FileHash.sha256(path: prevClose).hex != ph {
                findings.append(Finding(kind: "chain", file: "close.json", detail: "the close record of \(pp) changed after \(period) was closed: the hash chain is broken"))
            }
        }

        // Re-run from the archive.
        guard let pipelineRel = record["pipeline"] as? String else { throw AuditError("close.json names no pipeline") }
        var def = try PipelineDefinition.load(path: at(pipelineRel))
        if let rp = record["rule_pack"] as? String { def.rulePackDirectory = at(rp) }
        let settings = record["settings"] as? [String: String] ?? [:]
        let tmp = NSTemporaryDirectory() + "payroll-verify-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: tmp) }
        let only = settings["only"].flatMap { $0.isEmpty ? nil : Set($0.split(separator: ",").compactMap { OutputKind(rawValue: String($0)) }) }
        let opening = fm.fileExists(atPath: at("inputs/opening_balance.csv")) ? at("inputs/opening_balance.csv") : nil
        let prevLedger = fm.fileExists(atPath: at("inputs/previous_ytd_ledger.csv")) ? at("inputs/previous_ytd_ledger.csv") : nil
        var s = RunSettings(definition: def, period: period, inputDirectory: at("inputs"), outputRoot: tmp, threads: 0,
                            openingBalance: opening, firstPeriod: settings["first_period"] == "true", only: only)
        s.previousLedger = prevLedger
        let historyDir = at("inputs/history")
        s.historySources = ((try? fm.contentsOfDirectory(atPath: historyDir)) ?? []).filter { $0.hasSuffix(".csv") }.sorted()
            .map { (String($0.dropLast(4)), (historyDir as NSString).appendingPathComponent($0)) }
        let outcome = try PeriodRunner.execute(s)
        guard outcome.finished else {
            findings.append(Finding(kind: "output", file: "-", detail: "the re-run stopped on \(outcome.batch.errorCount) data errors"))
            return Verification(findings: findings)
        }
        let archived = at("outputs"), rerun = outcome.folder
        let a = Set(files(under: archived)), b = Set(files(under: rerun))
        for f in a.union(b).sorted(by: { $0.codePointPrecedes($1) }) {
            guard a.contains(f) else { findings.append(Finding(kind: "output", file: f, detail: "produced by the re-run but not in the archive")); continue }
            guard b.contains(f) else { findings.append(Finding(kind: "output", file: f, detail: "in the archive but not produced by the re-run")); continue }
            let x = (archived as NSString).appendingPathComponent(f), y = (rerun as NSString).appendingPathComponent(f)
            if f == "manifest.json" {
                // Input paths differ (archive vs original folders); compare what matters: hashes by kind.
                if try manifestDigest(x) != manifestDigest(y) {
                    findings.append(Finding(kind: "output", file: f, detail: "input or output hashes differ"))
                }
                continue
            }
            guard try FileHash.sha256(path: x).hex != FileHash.sha256(path: y).hex else { continue }
            if f == "payroll_register.csv" {
                let d = try RegisterDiff.compare(x, y)
                for c in d.changes {
                    findings.append(Finding(kind: "employee", file: f, detail: "\(c.employee) \(c.column): archived \(c.a), re-run \(c.b)"))
                }
                for id in d.onlyA { findings.append(Finding(kind: "employee", file: f, detail: "\(id) only in the archive")) }
                for id in d.onlyB { findings.append(Finding(kind: "employee", file: f, detail: "\(id) only in the re-run")) }
            } else {
                findings.append(Finding(kind: "output", file: f, detail: "differs from the re-run"))
            }
        }
        return Verification(findings: findings)
    }

    static func manifestDigest(_ path: String) throws -> String {
        let m = try json(path)
        let inputs = ((m["inputs"] as? [[String: Any]]) ?? []).compactMap { e -> String? in
            guard let k = e["kind"] as? String, let h = e["sha256"] as? String else { return nil }
            return "\(k):\(h)"
        }.sorted()
        let outputs = ((m["outputs"] as? [[String: Any]]) ?? []).compactMap { e -> String? in
            guard let p = e["path"] as? String, let h = e["sha256"] as? String else { return nil }
            return "\(p):\(h)"
        }.sorted()
        return (inputs + outputs).joined(separator: "\n")
    }
}

/// Per employee and pay line, what changed between two registers.
public enum RegisterDiff {
    public struct Change: Sendable {
        public var employee: String
        public var column: String
        public var a: String
        public var b: String
        /// b − a for amounts.
        public var delta: Money?
    }

    public struct Result: Sendable {
        public var changes: [Change]
        public var onlyA: [String]
        public var onlyB: [String]
        /// Σ (b − a) per amount column that changed.
        public var totals: [(String, Money)]
        public var isEmpty: Bool { changes.isEmpty && onlyA.isEmpty && onlyB.isEmpty }
    }

    public static func read(_ path: String) throws -> (header: [String], rows: [String: [String]], order: [String]) {
        var header: [String] = []
        var rows: [String: [String]] = [:]
        var order: [String] = []
        let s = try CSVFileReader(path: path).read { r in
            let cells = (0..<r.count).map { r.string($0) }
            if r.index == 0 { header = cells; return }
            rows[cells[0]] = cells
            order.append(cells[0])
        }
        if let f = s.fault { throw AuditError("\(path) cannot be read: \(f)") }
        return (header, rows, order)
    }

    /// Compares two registers (a run folder's payroll_register.csv, or the folders themselves).
    public static func compare(_ a: String, _ b: String) throws -> Result {
        func file(_ p: String) -> String {
            var d: ObjCBool = false
            if FileManager.default.fileExists(atPath: p, isDirectory: &d), d.boolValue { return (p as NSString).appendingPathComponent("payroll_register.csv") }
            return p
        }
        let x = try read(file(a)), y = try read(file(b))
        let columns = x.header.filter { y.header.contains($0) && $0 != "employee_id" }
        var changes: [Change] = []
        var totals: [String: Money] = [:]
        for id in x.order {
            guard let ra = x.rows[id], let rb = y.rows[id] else { continue }
            for c in columns {
                let va = ra[x.header.firstIndex(of: c)!], vb = rb[y.header.firstIndex(of: c)!]
                guard va != vb else { continue }
                var delta: Money?
                if let ma = Money.parse(va), let mb = Money.parse(vb), !["final_score", "coefficient", "department_rank", "company_rank"].contains(c),
                   !c.hasSuffix("_score") {
                    delta = mb - ma
                    totals[c, default: .zero] += mb - ma
                }
                changes.append(Change(employee: id, column: c, a: va, b: vb, delta: delta))
            }
        }
        let onlyA = x.order.filter { y.rows[$0] == nil }, onlyB = y.order.filter { x.rows[$0] == nil }
        return Result(changes: changes, onlyA: onlyA, onlyB: onlyB,
                      totals: columns.compactMap { c in totals[c].map { (c, $0) } })
    }
}
