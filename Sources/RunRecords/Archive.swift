import Foundation
import PayrollCore

/// Period close, reopen and verify. A closed period lives in
/// `ROOT/closed/<YYYY-MM>/`: its inputs, pipeline, rule pack and outputs, and
/// `close.json` listing every file's SHA-256 and the SHA-256 of the previous
/// closed period's `close.json` (a hash chain).
public enum Archive {
    /// Where closed periods live: `ROOT/closed`.
    public static func closedFolder(root: String) -> String { (root as NSString).appendingPathComponent("closed") }
    /// The archive of a closed period: `ROOT/closed/<YYYY-MM>`.
    public static func archivePath(root: String, period: Period) -> String {
        (closedFolder(root: root) as NSString).appendingPathComponent(period.description)
    }
    /// True when the period has an archive with its close.json.
    public static func isClosed(root: String, period: Period) -> Bool {
        FileManager.default.fileExists(atPath: (archivePath(root: root, period: period) as NSString).appendingPathComponent("close.json"))
    }

    /// The closed periods of a root, oldest first.
    public static func closedPeriods(root: String) -> [Period] { closedPeriods(inFolder: closedFolder(root: root)) }

    /// The periods closed in a folder of archives (those with a close.json), oldest first.
    public static func closedPeriods(inFolder dir: String) -> [Period] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).compactMap(Period.init).filter {
            FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("\($0)/close.json"))
        }.sorted()
    }

    /// The chain's head in a folder of archives: the latest closed period and the SHA-256 of its close.json.
    public static func chainHead(inFolder dir: String) -> (period: Period, sha256: String)? {
        guard let last = closedPeriods(inFolder: dir).last,
            let h = try? FileHash.sha256(path: (dir as NSString).appendingPathComponent("\(last)/close.json")).hex
        else { return nil }
        return (last, h)
    }
}
