import Foundation
import PayrollCore

/// One finished run as its `manifest.json` records it. This is the one place
/// that answers "is this folder a finished run, and what did it read and write?".
public struct RunRecord: Sendable {
    /// One input or output the manifest lists.
    public struct Entry: Sendable {
        /// What the file is: employees, pipeline, rule-pack, previous-ledger, register, payslip, …
        public var kind: String
        /// The path as the manifest records it (inputs as given, outputs relative to the run folder).
        public var path: String
        /// SHA-256 of the file when the run read or wrote it.
        public var sha256: String
        /// The period of a `history` input.
        public var period: String?
    }

    /// The run folder.
    public var folder: String
    /// SHA-256 of `manifest.json` itself: the run's identity.
    public var manifestSHA256: String
    /// The pay period of the run.
    public var period: Period?
    /// Every file the run read.
    public var inputs: [Entry]
    /// Every file the run wrote (the manifest itself aside).
    public var outputs: [Entry]
    /// How the run was asked for: input folder, first_period, only.
    public var settings: [String: String]
    /// Output kinds the pipeline declares, and those the run wrote (absent in manifests of older engines).
    public var declaredKinds: [String]?
    /// Output kinds the run wrote.
    public var writtenKinds: [String]?
    /// The finished run this one replaced: its manifest's SHA-256 and where it is kept.
    public var replaces: (manifestSHA256: String, keptAt: String)?

    /// The year-to-date ledger a run writes (the file `YearToDateStore` reads).
    public static let ledgerFile = "ytd_ledger.csv"
    /// The scorecards a later run reads for the score history.
    public static let scorecardFile = "performance.csv"
    /// The file whose presence makes a folder a finished run.
    public static let manifestFile = "manifest.json"

    /// True when `folder` holds a finished run (its manifest is present).
    public static func isFinished(_ folder: String) -> Bool {
        FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(manifestFile))
    }

    /// Reads the run record of `folder`; nil when the folder holds no finished run.
    /// - Throws: `OutputError` when the manifest is present but cannot be read.
    public static func read(folder: String) throws -> RunRecord? {
        let path = (folder as NSString).appendingPathComponent(manifestFile)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path),
            let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw OutputError("\(path) cannot be read as a run manifest")
        }
        func entries(_ key: String) -> [Entry] {
            ((o[key] as? [[String: Any]]) ?? []).compactMap { e in
                guard let k = e["kind"] as? String, let p = e["path"] as? String, let h = e["sha256"] as? String else { return nil }
                return Entry(kind: k, path: p, sha256: h, period: e["period"] as? String)
            }
        }
        let kinds = o["kinds"] as? [String: Any]
        var replaces: (String, String)?
        if let r = o["replaces"] as? [String: Any], let h = r["manifest_sha256"] as? String, let k = r["kept_at"] as? String {
            replaces = (h, k)
        }
        return RunRecord(
            folder: folder, manifestSHA256: FileHash.sha256(data), period: (o["period"] as? String).flatMap(Period.init),
            inputs: entries("inputs"), outputs: entries("outputs"),
            settings: (o["settings"] as? [String: String]) ?? [:],
            declaredKinds: kinds?["declared"] as? [String], writtenKinds: kinds?["written"] as? [String],
            replaces: replaces)
    }

    /// Output kinds the pipeline declares that this run did not write (empty for a full run).
    public var missingKinds: [String] {
        if let declaredKinds, let writtenKinds { return declaredKinds.filter { !writtenKinds.contains($0) } }
        // An older manifest: a run limited by --only is partial.
        if let only = settings["only"], !only.isEmpty { return ["(all but \(only))"] }
        return []
    }

    /// The previous period's ledger this run read, if it read one from the output root.
    public var previousLedger: Entry? { inputs.first { $0.kind == "previous-ledger" } }
}

/// Where in an output root things live, and what a command finds there.
public enum OutputRoot {
    /// Finished runs replaced by a later run of the same period: `.replaced/<period>-<n>/`.
    public static let replacedFolder = ".replaced"

    /// The folder of a period's run: `ROOT/<YYYY-MM>`.
    public static func runFolder(_ root: String, _ period: Period) -> String {
        (root as NSString).appendingPathComponent(period.description)
    }

    /// The next free `.replaced/<name>-<n>` (relative to the root).
    public static func nextReplacedSlot(root: String, name: String) -> String {
        let dir = (root as NSString).appendingPathComponent(replacedFolder)
        var n = 1
        while FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("\(name)-\(n)")) { n += 1 }
        return "\(replacedFolder)/\(name)-\(n)"
    }

    /// Kept replaced runs of one period, oldest first (relative paths).
    public static func replacedRuns(root: String, name: String) -> [String] {
        let dir = (root as NSString).appendingPathComponent(replacedFolder)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { f in
            guard f.hasPrefix(name + "-"), let n = Int(f.dropFirst(name.count + 1)) else { return false }
            return n > 0
        }
        return names.sorted { Int($0.dropFirst(name.count + 1))! < Int($1.dropFirst(name.count + 1))! }.map { "\(replacedFolder)/\($0)" }
    }

    /// Periods that have a run folder (finished or not) in the root.
    static func runPeriods(root: String) -> [Period] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Period.init).sorted()
    }
}

/// The state of one period in an output root, as `payroll status` shows it.
public struct PeriodStatus: Sendable {
    /// What a period's run folder holds.
    public enum State: String, Sendable {
        /// A finished run, complete and consistent with the ledger it read.
        case finished
        /// A finished run that read a previous ledger that has since been replaced.
        case stale
        /// A finished run lacking outputs the pipeline declares (run with --only).
        case partial
        /// A folder without a manifest: the run stopped on data errors (the validation report only).
        case failed
        /// No run folder (only archives).
        case none
    }

    /// The period.
    public var period: Period
    /// The run's state (closing and reopening are shown beside it).
    public var state: State
    /// Why the run is stale, in words.
    public var staleReason: String?
    /// Output kinds a partial run lacks.
    public var missingKinds: [String]
    /// The finished run, when there is one.
    public var record: RunRecord?
    /// SHA-256 of the run's ytd_ledger.csv.
    public var ledgerSHA256: String?
    /// Closed: the SHA-256 of its close.json.
    public var closeSHA256: String?
    /// Reopenings kept as `closed/<period>.reopened-N`, with their reasons.
    public var reopenings: [(archive: String, reason: String)]
    /// Finished runs of this period kept under `.replaced/`.
    public var replaced: [String]

    /// True when the period has a closed archive.
    public var isClosed: Bool { closeSHA256 != nil }
}

/// The year's periods of an output root: finished, stale, partial, closed, reopened.
public enum RootStatus {
    /// Every period found in `root` (run folders and archives), oldest first.
    /// - Parameter hashFiles: hash the ledgers and scorecards as they are now (for `status` and `close`, which must
    ///   see files edited by hand); false takes the hashes the runs' manifests recorded, which is enough to see
    ///   which runs a re-run left stale and reads no file but the manifests (for the warnings of `run`).
    public static func read(root: String, hashFiles: Bool = true) -> [PeriodStatus] {
        let fm = FileManager.default
        let closedDir = Archive.closedFolder(root: root)
        let closedEntries = (try? fm.contentsOfDirectory(atPath: closedDir)) ?? []
        var periods = Set(OutputRoot.runPeriods(root: root))
        for e in closedEntries {
            if let p = Period(String(e.prefix(7))), e.count == 7 || e.dropFirst(7).hasPrefix(".reopened-") { periods.insert(p) }
        }
        var byPeriod: [Period: PeriodStatus] = [:]
        for p in periods.sorted() {
            let folder = OutputRoot.runFolder(root, p)
            let record = try? RunRecord.read(folder: folder)
            var state: PeriodStatus.State = .none
            if let record { state = record.missingKinds.isEmpty ? .finished : .partial } else if fm.fileExists(atPath: folder) { state = .failed }
            let ledger = (folder as NSString).appendingPathComponent(RunRecord.ledgerFile)
            let ledgerHash: String?
            if hashFiles {
                ledgerHash = record != nil && fm.fileExists(atPath: ledger) ? try? FileHash.sha256(path: ledger).hex : nil
            } else {
                ledgerHash = record?.outputs.first { $0.path == RunRecord.ledgerFile }?.sha256
            }
            var closeHash: String?
            if Archive.isClosed(root: root, period: p) {
                closeHash = try? FileHash.sha256(path: (Archive.archivePath(root: root, period: p) as NSString).appendingPathComponent("close.json"))
                    .hex
            }
            let reopenings = closedEntries.filter { $0.hasPrefix("\(p).reopened-") }
                .sorted { (Int($0.split(separator: "-").last ?? "") ?? 0) < (Int($1.split(separator: "-").last ?? "") ?? 0) }
                .map { name -> (String, String) in
                    let note = (closedDir as NSString).appendingPathComponent("\(name)/reopen.json")
                    let reason =
                        (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: note))) as? [String: Any])?["reason"]
                        as? String
                    return ("closed/\(name)", reason ?? "")
                }
            byPeriod[p] = PeriodStatus(
                period: p, state: state, staleReason: nil, missingKinds: record?.missingKinds ?? [], record: record,
                ledgerSHA256: ledgerHash, closeSHA256: closeHash, reopenings: reopenings,
                replaced: OutputRoot.replacedRuns(root: root, name: p.description))
        }
        // Staleness runs down the chain of ledgers, oldest first.
        for p in byPeriod.keys.sorted() {
            guard var s = byPeriod[p], let record = s.record,
                let reason = staleness(of: record, period: p, root: root, statuses: byPeriod, hashFiles: hashFiles)
            else {
                continue
            }
            s.state = .stale
            s.staleReason = reason
            byPeriod[p] = s
        }
        return byPeriod.sorted { $0.key < $1.key }.map(\.value)
    }

    /// Why a finished run no longer matches what it read, or nil when it still does.
    static func staleness(of record: RunRecord, period: Period, root: String, statuses: [Period: PeriodStatus], hashFiles: Bool)
        -> String?
    {
        let prev = period.previous
        if let used = record.previousLedger {
            guard let before = statuses[prev], before.record != nil, let now = before.ledgerSHA256 else {
                return "it read the \(prev) ledger \(short(used.sha256)), but \(prev) has no finished run any more"
            }
            if let written = before.record?.outputs.first(where: { $0.path == RunRecord.ledgerFile })?.sha256, written != now {
                return
                    "it read the \(prev) ledger \(short(used.sha256)), and that ledger has since been edited by hand (now \(short(now)), its run wrote \(short(written))); re-run \(prev), then \(period)"
            }
            if now != used.sha256 {
                var why = "it read the \(prev) ledger \(short(used.sha256)), but \(prev) was re-run since and its ledger is now \(short(now))"
                if let kept = keptRun(root: root, name: prev.description, ledgerSHA256: used.sha256) {
                    why += " (the run it read is kept at \(kept))"
                }
                return why + "; re-run \(period)"
            }
            if before.state == .stale { return "it read the ledger of \(prev), which is stale itself; re-run \(prev), then \(period)" }
        }
        for h in record.inputs where h.kind == "history" {
            guard let hp = h.period.flatMap(Period.init) else { continue }
            let card = (OutputRoot.runFolder(root, hp) as NSString).appendingPathComponent(RunRecord.scorecardFile)
            let now =
                hashFiles
                ? (FileManager.default.fileExists(atPath: card) ? try? FileHash.sha256(path: card).hex : nil)
                : statuses[hp]?.record?.outputs.first { $0.path == RunRecord.scorecardFile }?.sha256
            if now != h.sha256 {
                return "it read the \(hp) scorecards \(short(h.sha256)) for the score history, but \(hp) was re-run since; re-run \(period)"
            }
        }
        return nil
    }

    /// The kept replaced run of `name` whose ledger has the given hash.
    static func keptRun(root: String, name: String, ledgerSHA256: String) -> String? {
        for rel in OutputRoot.replacedRuns(root: root, name: name).reversed() {
            let ledger = ((root as NSString).appendingPathComponent(rel) as NSString).appendingPathComponent(RunRecord.ledgerFile)
            if (try? FileHash.sha256(path: ledger).hex) == ledgerSHA256 { return rel }
        }
        return nil
    }

    /// Later finished periods of the same year that are stale (after a re-run of `period`).
    public static func staleAfter(root: String, period: Period) -> [PeriodStatus] {
        read(root: root, hashFiles: false).filter { $0.period > period && $0.period.year == period.year && $0.state == .stale }
    }

    /// The first 12 hex digits of a hash, for messages.
    public static func short(_ h: String) -> String { String(h.prefix(12)) }

    /// The closed periods' chain head: the latest closed period and the SHA-256 of its close.json.
    public static func chainHead(root: String) -> (period: Period, sha256: String)? {
        Archive.chainHead(inFolder: Archive.closedFolder(root: root))
    }
}
