import CSVReader
import Crypto
import Foundation
import PayrollCore
import PayrollRules
import RunRecords
import Stages

/// A refusal of the audit commands (closed period, missing run, …).
public struct AuditError: Error, CustomStringConvertible, Sendable {
    /// Why the command refuses, in English.
    public let message: String
    /// Why the command refuses, in Chinese.
    public let messageZH: String
    /// A refusal with its message in both languages.
    public init(zh: String, en: String) {
        message = en
        messageZH = zh
    }
    /// The message in the language the command speaks.
    public var description: String { Speech.say(messageZH, message) }
}

/// Period close, reopen and verify (the archive's layout is `Archive` in RunRecords).
extension Archive {
    /// Every file under a folder (relative paths, code-point order).
    public static func files(under dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? [])
            .filter {
                var d: ObjCBool = false
                return FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent($0), isDirectory: &d) && !d.boolValue
            }
            .sorted { $0.codePointPrecedes($1) }
    }

    static func copy(_ from: String, _ to: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try fm.copyItem(atPath: from, toPath: to)
    }

    /// A JSON object read from a file.
    public static func json(_ path: String) throws -> [String: Any] {
        guard let d = FileManager.default.contents(atPath: path), let o = try JSONSerialization.jsonObject(with: d) as? [String: Any] else {
            throw AuditError(zh: "无法读取 \(path)", en: "cannot read \(path)")
        }
        return o
    }

    /// A period closed by `close`: its archive, the SHA-256 of its close.json (the chain's new head), and whether it is signed.
    public struct Closed: Sendable {
        /// The archive folder.
        public var path: String
        /// SHA-256 of the new close.json: the chain's head, for the auditor to record.
        public var closeSHA256: String
        /// True when close.sig holds an Ed25519 signature of close.json.
        public var signed: Bool
    }

    /// Where the archive keeps an input the run's manifest lists.
    /// - Parameters:
    ///   - pipelineDir: the folder of the pipeline (copied whole to `pipeline/`).
    ///   - packDir: the rule pack's folder when it lies outside `pipelineDir` (copied to `rulepack/`), else nil.
    static func archivedInput(kind: String, path: String, period: String?, pipelineDir: String, packDir: String?) -> String {
        func under(_ dir: String) -> String? {
            let d = dir.isEmpty || dir == "." ? "" : dir + "/"
            return d.isEmpty ? path : (path.hasPrefix(d) ? String(path.dropFirst(d.count)) : nil)
        }
        switch kind {
        case "pipeline": return "pipeline/" + (path as NSString).lastPathComponent
        case "rule-pack":
            if let packDir, let r = under(packDir) { return "rulepack/" + r }
            return "pipeline/" + (under(pipelineDir) ?? (path as NSString).lastPathComponent)
        case "previous-ledger": return "inputs/previous_ytd_ledger.csv"
        case "opening-balance": return "inputs/opening_balance.csv"
        case "history":
            let hp = period ?? (path as NSString).deletingLastPathComponent.split(separator: "/").last.map(String.init) ?? "unknown"
            return "inputs/history/\(hp).csv"
        default: return "inputs/" + (path as NSString).lastPathComponent
        }
    }

    /// Canonical JSON (sorted keys, no spaces) of a close record's fields.
    static func canonical(_ o: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The record hash covers every field of close.json but itself; the field hashes name what changed.
    static func seal(_ record: inout [String: Any]) throws {
        var fields: [String: String] = [:]
        for (k, v) in record { fields[k] = FileHash.sha256(try canonical([k: v])) }
        record["fields_sha256"] = fields
        record["record_sha256"] = FileHash.sha256(try canonical(record))
    }

    /// Freezes the finished run of `period` into `ROOT/closed/<period>/`.
    ///
    /// Refuses a period that is already closed, a partial run (one lacking
    /// outputs its pipeline declares), a stale run (one that read a ledger
    /// since replaced), a period whose predecessor in the same year is open,
    /// and a period with a later closed period.
    /// - Parameter signingKey: when given, `close.sig` holds an Ed25519 signature of close.json.
    /// - Throws: `AuditError` for a refusal; file-system errors otherwise.
    @discardableResult
    public static func close(
        period: Period, root: String, signingKey: Curve25519.Signing.PrivateKey? = nil, replay: any PeriodReplay
    ) throws -> Closed {
        let fm = FileManager.default
        let run = (root as NSString).appendingPathComponent(period.description)
        if isClosed(root: root, period: period) {
            throw AuditError(
                zh: "\(period) 已结账（\(archivePath(root: root, period: period))）",
                en: "\(period) is already closed (\(archivePath(root: root, period: period)))")
        }
        let statuses = RootStatus.read(root: root)
        guard let status = statuses.first(where: { $0.period == period }), let runRecord = status.record else {
            throw AuditError(
                zh: "\(run) 不是已完成的运行（没有 manifest.json）；请先运行该期间", en: "\(run) is not a finished run (no manifest.json); run the period first")
        }
        if status.state == .partial {
            let kinds = status.missingKinds.joined(separator: ", ")
            throw AuditError(
                zh: "\(period) 是不完整的运行：缺少流水线声明的 \(kinds)；结账前请完整运行 \(period)（不带 --only）",
                en:
                    "\(period) is a partial run: it lacks \(kinds), which the pipeline declares; run \(period) in full (without --only) before closing it"
            )
        }
        if status.state == .stale, let why = status.staleReason {
            throw AuditError(zh: "\(period) 已过期，不能结账：\(why)", en: "\(period) is stale and cannot be closed: \(why)")
        }
        let prev = period.previous
        if prev.year == period.year, !isClosed(root: root, period: prev),
            runRecord.previousLedger != nil || statuses.contains(where: { $0.period == prev && $0.record != nil })
        {
            throw AuditError(
                zh: "请先为 \(prev) 结账：\(prev) 尚未结账，同一年的期间须按顺序结账（\(period) 基于 \(prev) 的累计台账）",
                en: "close \(prev) first: \(prev) is open, and the periods of a year are closed in order (\(period) builds on \(prev)'s ledger)")
        }
        let closed = closedPeriods(root: root)
        if let later = closed.first(where: { $0 > period }) {
            throw AuditError(
                zh: "\(later) 已结账；期间须按顺序结账，使其哈希构成一条链",
                en: "\(later) is already closed; periods are closed in order so that their hashes form one chain")
        }
        let tmp = (closedFolder(root: root) as NSString).appendingPathComponent(".tmp-\(period)-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(atPath: tmp)
        try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        var keepTemporary = false
        defer { if !keepTemporary { try? fm.removeItem(atPath: tmp) } }
        func at(_ rel: String) -> String { (tmp as NSString).appendingPathComponent(rel) }
        // Outputs, as they are.
        for f in files(under: run) { try copy((run as NSString).appendingPathComponent(f), at("outputs/" + f)) }
        guard let pipelinePath = runRecord.inputs.first(where: { $0.kind == "pipeline" })?.path else {
            throw AuditError(zh: "manifest 中没有流水线文件", en: "the manifest names no pipeline")
        }
        // The pipeline's folder (rule pack, bank templates) keeps the relative paths the pipeline uses.
        let pipelineDir = (pipelinePath as NSString).deletingLastPathComponent
        for f in files(under: pipelineDir.isEmpty ? "." : pipelineDir) where !f.hasPrefix(".") {
            try copy((pipelineDir as NSString).appendingPathComponent(f), at("pipeline/" + f))
        }
        var rulePackOverride: String?
        let rulePackDirectory = try replay.rulePackDirectory(pipeline: pipelinePath)
        let packAbs = URL(fileURLWithPath: rulePackDirectory).standardizedFileURL.path
        let dirAbs = URL(fileURLWithPath: pipelineDir.isEmpty ? "." : pipelineDir).standardizedFileURL.path
        var packDir: String?
        if !packAbs.hasPrefix(dirAbs + "/") {
            for f in files(under: rulePackDirectory) {
                try copy((rulePackDirectory as NSString).appendingPathComponent(f), at("rulepack/" + f))
            }
            rulePackOverride = "rulepack"
            packDir = Manifest.tidy(rulePackDirectory)
        }
        // Inputs, by kind, with the map from the manifest's paths to the archive's.
        var inputMap: [[String: String]] = []
        for e in runRecord.inputs {
            let rel = archivedInput(kind: e.kind, path: e.path, period: e.period, pipelineDir: pipelineDir, packDir: packDir)
            if rel.hasPrefix("inputs/") { try copy(e.path, at(rel)) }
            inputMap.append(["kind": e.kind, "path": e.path, "archived": rel])
        }
        TestHook.step("close-copied")
        // close.json: every file's hash, the link to the previous closed period, and hashes over its own fields.
        var list: [[String: Any]] = []
        for f in files(under: tmp) {
            let h = try FileHash.sha256(path: at(f))
            list.append(["path": f, "sha256": h.hex, "bytes": h.bytes])
        }
        var record: [String: Any] = [
            "period": period.description,
            "pipeline": "pipeline/" + (pipelinePath as NSString).lastPathComponent,
            "settings": runRecord.settings,
            "files": list,
            "inputs": inputMap,
            "run_manifest_sha256": runRecord.manifestSHA256,
            "engine": ["name": "payroll", "version": Manifest.engineVersion],
            "closed_at": ISO8601DateFormatter().string(from: Date()),
        ]
        if let o = rulePackOverride { record["rule_pack"] = o }
        if let prev = closed.last {
            let prevClose = (archivePath(root: root, period: prev) as NSString).appendingPathComponent("close.json")
            record["previous"] = ["period": prev.description, "sha256": try FileHash.sha256(path: prevClose).hex]
        }
        try seal(&record)
        var data = try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: at("close.json")))
        if let signingKey {
            try CloseSignature.make(closeJSON: data, key: signingKey).write(to: URL(fileURLWithPath: at(CloseSignature.fileName)))
        }
        for f in files(under: tmp) { try? fm.setAttributes([.posixPermissions: 0o444], ofItemAtPath: at(f)) }
        TestHook.step("close-before-rename")
        let final = archivePath(root: root, period: period)
        try fm.moveItem(atPath: tmp, toPath: final)
        keepTemporary = true
        return Closed(path: final, closeSHA256: FileHash.sha256(data), signed: signingKey != nil)
    }

    /// Reopens a closed period: the archive is kept as `<period>.reopened-N`
    /// with the reason, so a new run of the period is allowed and the reopening is on record.
    /// Periods are reopened latest first, so that the hash chain of the closed periods stays whole.
    @discardableResult
    public static func reopen(period: Period, root: String, reason: String) throws -> String {
        guard isClosed(root: root, period: period) else { throw AuditError(zh: "\(period) 尚未结账", en: "\(period) is not closed") }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AuditError(zh: "重新打开须给出原因（--reason）", en: "a reopening needs a reason")
        }
        if let later = closedPeriods(root: root).last(where: { $0 > period }) {
            throw AuditError(
                zh: "\(later) 已结账且基于 \(period)；请先重新打开 \(later)（须从最近的期间开始重新打开）",
                en: "\(later) is closed and builds on \(period); reopen \(later) first (periods are reopened latest first)")
        }
        let fm = FileManager.default
        var n = 1
        var target: String
        repeat {
            target = (closedFolder(root: root) as NSString).appendingPathComponent("\(period).reopened-\(n)")
            n += 1
        } while fm.fileExists(atPath: target)
        let from = archivePath(root: root, period: period)
        // The reason goes in first and the rename is the single step that reopens, so a reopening
        // interrupted at any moment is either not done or done with its reason on record.
        let note: [String: Any] = ["period": period.description, "reason": reason, "reopened_at": ISO8601DateFormatter().string(from: Date())]
        let notePath = (from as NSString).appendingPathComponent("reopen.json")
        try JSONSerialization.data(withJSONObject: note, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: notePath))
        TestHook.step("reopen-noted")
        do { try fm.moveItem(atPath: from, toPath: target) } catch {
            try? fm.removeItem(atPath: notePath)
            throw error
        }
        return target
    }

    /// One thing `verify` found wrong with an archive.
    public struct Finding: Sendable {
        /// changed-file, missing-file, extra-file, close-record, input, signature, chain, rerun, output, employee
        public var kind: String
        /// The file concerned, relative to the archive (`2026-01/…` for an earlier period on the chain).
        public var file: String
        /// What is wrong, in words (hashes shortened to 12 digits).
        public var detail: String

        /// A finding of `kind` about `file`.
        public init(kind: String, file: String, detail: String) {
            self.kind = kind
            self.file = file
            self.detail = detail
        }
    }

    /// What `verify` found.
    public struct Verification: Sendable {
        /// Every finding, integrity first, then the re-run's.
        public var findings: [Finding]
        /// SHA-256 of the verified archive's close.json.
        public var closeSHA256: String = ""
        /// The latest closed period beside the archive and the SHA-256 of its close.json (the chain's head).
        public var head: (period: String, sha256: String)?
        /// Archives whose Ed25519 signature was checked and found valid.
        public var signaturesChecked: [String] = []
        /// Remarks that are not findings (an unsigned archive, an older close record).
        public var notes: [String] = []
        /// True when nothing was found.
        public var reproduced: Bool { findings.isEmpty }
    }

    /// Checks one archive's own integrity: close.json's record and field
    /// hashes, every listed file, files not listed, the signature. Returns the
    /// record (nil when close.json cannot be read).
    static func integrity(
        archive: String, prefix: String, key: Curve25519.Signing.PublicKey?,
        findings: inout [Finding], notes: inout [String], signed: inout [String]
    ) -> [String: Any]? {
        let fm = FileManager.default
        func at(_ rel: String) -> String { (archive as NSString).appendingPathComponent(rel) }
        func add(_ kind: String, _ file: String, _ detail: String) { findings.append(Finding(kind: kind, file: prefix + file, detail: detail)) }
        guard let data = fm.contents(atPath: at("close.json")) else {
            add("missing-file", "close.json", "the close record is missing")
            return nil
        }
        guard let record = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            add("close-record", "close.json", "close.json cannot be read as a close record (it was damaged)")
            return nil
        }
        if let stored = record["record_sha256"] as? String {
            var rest = record
            rest.removeValue(forKey: "record_sha256")
            if (try? canonical(rest)).map(FileHash.sha256) != stored {
                let fields = record["fields_sha256"] as? [String: String] ?? [:]
                var changed: [String] = []
                for (k, v) in rest where k != "fields_sha256" {
                    if fields[k] != (try? canonical([k: v])).map(FileHash.sha256) { changed.append(k) }
                }
                for k in fields.keys where rest[k] == nil { changed.append(k) }
                add(
                    "close-record", "close.json",
                    changed.isEmpty
                        ? "close.json was changed after closing: its record hash no longer matches its fields"
                        : "close.json was changed after closing: field \(changed.sorted().map { "`\($0)`" }.joined(separator: ", ")) differs from the hash recorded at closing"
                )
            }
        } else {
            notes.append("\(prefix)close.json has no record hash (closed by an older engine); its files are checked, its own fields cannot be")
        }
        // reopen.json belongs to a reopened archive (`<period>.reopened-N`) only.
        let reopened = (archive as NSString).lastPathComponent.contains(".reopened-")
        var known = Set<String>(reopened ? ["close.json", "reopen.json", CloseSignature.fileName] : ["close.json", CloseSignature.fileName])
        if let listed = record["files"] as? [[String: Any]] {
            for f in listed {
                guard let p = f["path"] as? String, let h = f["sha256"] as? String else { continue }
                known.insert(p)
                guard fm.fileExists(atPath: at(p)) else {
                    add("missing-file", p, "listed in close.json but missing")
                    continue
                }
                guard let now = try? FileHash.sha256(path: at(p)).hex else {
                    add("changed-file", p, "cannot be read")
                    continue
                }
                if now != h {
                    add("changed-file", p, "changed after closing: SHA-256 \(RootStatus.short(now)), close.json lists \(RootStatus.short(h))")
                }
            }
        } else {
            add("close-record", "close.json", "close.json lists no files")
        }
        for f in files(under: archive) where !known.contains(f) {
            add("extra-file", f, "not listed in close.json (added after closing)")
        }
        let sigPath = at(CloseSignature.fileName)
        if let key {
            if let sig = fm.contents(atPath: sigPath) {
                if let problem = CloseSignature.problem(signature: sig, closeJSON: data, key: key) {
                    add("signature", "close.json", problem)
                } else {
                    signed.append(prefix.isEmpty ? "this archive" : String(prefix.dropLast()))
                }
            } else {
                add("signature", CloseSignature.fileName, "missing: the archive is not signed (or its signature was removed)")
            }
        } else if fm.fileExists(atPath: sigPath) && prefix.isEmpty {
            notes.append("the archive is signed; give --key PUB to check its signature")
        }
        return record
    }

    /// Checks an archive: its own files and close record (and those of every
    /// earlier period on its hash chain), each input against the hash the
    /// run's manifest recorded, the signatures when a public key is given, and
    /// a re-run of the period from the archived inputs and rules compared file
    /// by file (the register per employee and pay line). A damaged archive is
    /// a finding, never an error.
    /// - Parameters:
    ///   - key: the public key every close.json on the chain must be signed with.
    ///   - rerun: false checks integrity only.
    /// - Throws: `AuditError` when `archive` is not an archive at all.
    public static func verify(
        archive: String, key: Curve25519.Signing.PublicKey? = nil, rerun: Bool = true, replay: any PeriodReplay
    ) throws -> Verification {
        let fm = FileManager.default
        let closePath = (archive as NSString).appendingPathComponent("close.json")
        guard fm.fileExists(atPath: closePath) else {
            // An archive whose close record was removed is damaged, not something else.
            if ["outputs", "inputs", "pipeline"].contains(where: { fm.fileExists(atPath: (archive as NSString).appendingPathComponent($0)) }) {
                return Verification(findings: [
                    Finding(
                        kind: "missing-file", file: "close.json",
                        detail: "the close record is missing: the archive was damaged, and its period no longer counts as closed")
                ])
            }
            throw AuditError(zh: "\(archive) 不是已结账期间的档案（没有 close.json）", en: "\(archive) is not a closed period's archive (no close.json)")
        }
        var v = Verification(findings: [])
        v.closeSHA256 = (try? FileHash.sha256(path: closePath).hex) ?? ""
        let closedDir = (archive as NSString).deletingLastPathComponent
        if let head = chainHead(inFolder: closedDir) { v.head = (head.period.description, head.sha256) }
        guard let record = integrity(archive: archive, prefix: "", key: key, findings: &v.findings, notes: &v.notes, signed: &v.signaturesChecked)
        else {
            return v
        }
        func at(_ rel: String) -> String { (archive as NSString).appendingPathComponent(rel) }
        let periodText = record["period"] as? String ?? ""
        // The hash chain, back to the first closed period.
        var link = record["previous"] as? [String: Any]
        var seen = Set<String>()
        while let l = link, let pp = l["period"] as? String, let ph = l["sha256"] as? String, !seen.contains(pp) {
            seen.insert(pp)
            let prevDir = (closedDir as NSString).appendingPathComponent(pp)
            let prevClose = (prevDir as NSString).appendingPathComponent("close.json")
            guard fm.fileExists(atPath: prevClose) else {
                v.findings.append(
                    Finding(kind: "chain", file: "\(pp)/close.json", detail: "the previous closed period \(pp) is missing: the hash chain is broken"))
                break
            }
            if (try? FileHash.sha256(path: prevClose).hex) != ph {
                v.findings.append(
                    Finding(
                        kind: "chain", file: "\(pp)/close.json",
                        detail: "the close record of \(pp) changed after \(periodText) was closed: the hash chain is broken"))
            }
            let r = integrity(archive: prevDir, prefix: "\(pp)/", key: key, findings: &v.findings, notes: &v.notes, signed: &v.signaturesChecked)
            link = r?["previous"] as? [String: Any]
        }
        // Each archived input against what the run recorded when it read it.
        if let m = (try? RunRecord.read(folder: at("outputs"))) ?? nil {
            let mapped = (record["inputs"] as? [[String: String]]) ?? []
            let pipelineDir = m.inputs.first { $0.kind == "pipeline" }.map { ($0.path as NSString).deletingLastPathComponent } ?? ""
            for e in m.inputs {
                let (kind, path, h) = (e.kind, e.path, e.sha256)
                let rel =
                    mapped.first { $0["kind"] == kind && $0["path"] == path }?["archived"]
                    ?? archivedInput(kind: kind, path: path, period: e.period, pipelineDir: pipelineDir, packDir: nil)
                guard fm.fileExists(atPath: at(rel)) else { continue }  // reported above as a missing file
                if let now = try? FileHash.sha256(path: at(rel)).hex, now != h {
                    v.findings.append(
                        Finding(
                            kind: "input", file: rel,
                            detail:
                                "is not the \(kind) file the run read: SHA-256 \(RootStatus.short(now)), the run's manifest records \(RootStatus.short(h))"
                        ))
                }
            }
            for e in m.outputs {
                let h = e.sha256
                let rel = "outputs/" + e.path
                guard fm.fileExists(atPath: at(rel)) else { continue }
                if let now = try? FileHash.sha256(path: at(rel)).hex, now != h {
                    v.findings.append(
                        Finding(
                            kind: "output", file: rel,
                            detail:
                                "is not the file the run wrote: SHA-256 \(RootStatus.short(now)), the run's manifest records \(RootStatus.short(h))"))
                }
            }
        } else if fm.fileExists(atPath: at("outputs/manifest.json")) {
            v.findings.append(Finding(kind: "changed-file", file: "outputs/manifest.json", detail: "cannot be read as a run manifest"))
        }
        guard rerun else { return v }
        do {
            try rerunArchive(archive: archive, record: record, replay: replay, findings: &v.findings)
        } catch {
            v.findings.append(Finding(kind: "rerun", file: "-", detail: "the period could not be re-run from the archive: \(error)"))
        }
        return v
    }

    /// Re-runs an archived period into a temporary folder and compares its outputs with the archived ones.
    static func rerunArchive(archive: String, record: [String: Any], replay: any PeriodReplay, findings: inout [Finding]) throws {
        let fm = FileManager.default
        func at(_ rel: String) -> String { (archive as NSString).appendingPathComponent(rel) }
        guard let periodText = record["period"] as? String, let period = Period(periodText) else {
            throw AuditError(zh: "close.json 中没有期间", en: "close.json names no period")
        }
        guard let pipelineRel = record["pipeline"] as? String else { throw AuditError(zh: "close.json 中没有流水线文件", en: "close.json names no pipeline") }
        let settings = record["settings"] as? [String: String] ?? [:]
        let tmp = NSTemporaryDirectory() + "payroll-verify-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: tmp) }
        let opening = fm.fileExists(atPath: at("inputs/opening_balance.csv")) ? at("inputs/opening_balance.csv") : nil
        let prevLedger = fm.fileExists(atPath: at("inputs/previous_ytd_ledger.csv")) ? at("inputs/previous_ytd_ledger.csv") : nil
        var s = ReplayRequest(
            pipeline: at(pipelineRel), period: period, inputDirectory: at("inputs"), outputRoot: tmp, openingBalance: opening,
            firstPeriod: settings["first_period"] == "true", previousLedger: prevLedger)
        s.rulePackOverride = (record["rule_pack"] as? String).map(at)
        s.only = settings["only"].flatMap { $0.isEmpty ? nil : $0.split(separator: ",").map(String.init) }
        let historyDir = at("inputs/history")
        s.historySources = ((try? fm.contentsOfDirectory(atPath: historyDir)) ?? []).filter { $0.hasSuffix(".csv") }.sorted()
            .map { (String($0.dropLast(4)), (historyDir as NSString).appendingPathComponent($0)) }
        let outcome = try replay.execute(s)
        guard let rerun = outcome.folder else {
            findings.append(Finding(kind: "rerun", file: "-", detail: "the re-run stopped on \(outcome.errors) data errors"))
            return
        }
        let archived = at("outputs")
        let a = Set(files(under: archived))
        let b = Set(files(under: rerun))
        for f in a.union(b).sorted(by: { $0.codePointPrecedes($1) }) {
            guard a.contains(f) else {
                findings.append(Finding(kind: "output", file: f, detail: "produced by the re-run but not in the archive"))
                continue
            }
            guard b.contains(f) else {
                findings.append(Finding(kind: "output", file: f, detail: "in the archive but not produced by the re-run"))
                continue
            }
            let x = (archived as NSString).appendingPathComponent(f)
            let y = (rerun as NSString).appendingPathComponent(f)
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
    }

    /// What a re-run must reproduce of a run folder's manifest: input hashes by kind, output hashes by path
    /// (input paths differ between an archive and the original folders).
    static func manifestDigest(_ manifestPath: String) throws -> String {
        let folder = (manifestPath as NSString).deletingLastPathComponent
        guard let m = try RunRecord.read(folder: folder) else {
            throw AuditError(zh: "\(folder) 中没有 manifest.json", en: "\(folder) holds no manifest.json")
        }
        let inputs = m.inputs.map { "\($0.kind):\($0.sha256)" }.sorted()
        let outputs = m.outputs.map { "\($0.path):\($0.sha256)" }.sorted()
        return (inputs + outputs).joined(separator: "\n")
    }
}

/// Per employee and pay line, what changed between two registers.
public enum RegisterDiff {
    /// One cell that differs between the two registers.
    public struct Change: Sendable {
        /// The employee whose row differs.
        public var employee: String
        /// The register column.
        public var column: String
        /// The first register's cell.
        public var a: String
        /// The second register's cell.
        public var b: String
        /// b − a for amounts.
        public var delta: Money?
    }

    /// What differs between two registers.
    public struct Result: Sendable {
        /// Cells that differ, in the first register's row order.
        public var changes: [Change]
        /// Employees only in the first register.
        public var onlyA: [String]
        /// Employees only in the second register.
        public var onlyB: [String]
        /// Σ (b − a) per amount column that changed.
        public var totals: [(String, Money)]
        /// True when the registers agree.
        public var isEmpty: Bool { changes.isEmpty && onlyA.isEmpty && onlyB.isEmpty }
    }

    /// A register CSV: its header, rows by employee_id, and the employees in file order.
    public static func read(_ path: String) throws -> (header: [String], rows: [String: [String]], order: [String]) {
        var header: [String] = []
        var rows: [String: [String]] = [:]
        var order: [String] = []
        let s = try CSVFileReader(path: path).read { r in
            let cells = (0..<r.count).map { r.string($0) }
            if r.index == 0 {
                header = cells
                return
            }
            rows[cells[0]] = cells
            order.append(cells[0])
        }
        if let f = s.fault { throw AuditError(zh: "无法读取 \(path)：\(f)", en: "\(path) cannot be read: \(f)") }
        return (header, rows, order)
    }

    /// Compares two registers (a run folder's payroll_register.csv, or the folders themselves).
    public static func compare(_ a: String, _ b: String) throws -> Result {
        func file(_ p: String) -> String {
            var d: ObjCBool = false
            if FileManager.default.fileExists(atPath: p, isDirectory: &d), d.boolValue {
                return (p as NSString).appendingPathComponent("payroll_register.csv")
            }
            return p
        }
        let x = try read(file(a))
        let y = try read(file(b))
        let columns = x.header.filter { y.header.contains($0) && $0 != "employee_id" }
        var changes: [Change] = []
        var totals: [String: Money] = [:]
        for id in x.order {
            guard let ra = x.rows[id], let rb = y.rows[id] else { continue }
            for c in columns {
                let va = ra[x.header.firstIndex(of: c)!]
                let vb = rb[y.header.firstIndex(of: c)!]
                guard va != vb else { continue }
                var delta: Money?
                if let ma = Money.parse(va), let mb = Money.parse(vb),
                    !["final_score", "coefficient", "department_rank", "company_rank"].contains(c),
                    !c.hasSuffix("_score")
                {
                    delta = mb - ma
                    totals[c, default: .zero] += mb - ma
                }
                changes.append(Change(employee: id, column: c, a: va, b: vb, delta: delta))
            }
        }
        let onlyA = x.order.filter { y.rows[$0] == nil }
        let onlyB = y.order.filter { x.rows[$0] == nil }
        return Result(
            changes: changes, onlyA: onlyA, onlyB: onlyB,
            totals: columns.compactMap { c in totals[c].map { (c, $0) } })
    }
}

extension AuditError: KindedError {
    /// A usage error (exit 64).
    public var kind: FailureKind { .usage }
}
