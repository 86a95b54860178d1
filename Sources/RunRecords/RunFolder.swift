import Foundation
import PayrollCore

/// An operational failure while writing a run (disk, permissions, a C library).
public struct OutputError: Error, CustomStringConvertible, Sendable {
    /// What failed, with the path or operation.
    public let message: String
    /// An operational failure with its message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// A run's output folder. Everything is written into a hidden temporary
/// folder beside the final one and renamed into place only at the end, so a
/// half-written period never looks finished; only a folder holding
/// `manifest.json` is a finished run.
public final class RunFolder {
    /// The output root.
    public let root: String
    /// The folder's name under the root: the period, or `<period>.validation`.
    public let name: String
    /// The hidden folder the run writes into: `ROOT/.tmp-<name>-<pid>`.
    public let temporaryPath: String
    /// Where the folder appears when the run commits: `ROOT/<name>`.
    public var finalPath: String { (root as NSString).appendingPathComponent(name) }
    private var done = false

    /// Creates the root (if needed) and an empty temporary folder; throws `OutputError` when either cannot be made.
    public init(root: String, name: String) throws {
        self.root = root
        self.name = name
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create output root \(root): \(error.localizedDescription)")
        }
        temporaryPath = (root as NSString).appendingPathComponent(".tmp-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(atPath: temporaryPath)
        do {
            try fm.createDirectory(atPath: temporaryPath, withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create \(temporaryPath): \(error.localizedDescription)")
        }
    }

    deinit { if !done { try? FileManager.default.removeItem(atPath: temporaryPath) } }

    /// Absolute path of a file inside the (temporary) run folder; creates its parent folders.
    /// - Throws: `OutputError` for a path that would leave the run folder (`..`, an absolute path, a NUL,
    ///   an empty or hidden component): writers build paths from validated values, and this is the second fence.
    public func path(_ relative: String) throws -> String { try RunFolder.path(relative, in: temporaryPath) }

    /// The same for a folder given by its path (for writers running on other threads).
    public static func path(_ relative: String, in folder: String) throws -> String {
        try RunFolder.checkInside(relative)
        let p = (folder as NSString).appendingPathComponent(relative)
        let dir = (p as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw OutputError("cannot create \(dir): \(error.localizedDescription)")
        }
        return p
    }

    /// Refuses a relative path that could resolve outside the folder it is joined to.
    public static func checkInside(_ relative: String) throws {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !relative.isEmpty, !relative.hasPrefix("/"), !relative.contains("\0"), !relative.contains("\\"),
            parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && ($0 == ".keep" || !$0.hasPrefix(".")) })
        else {
            throw OutputError("refusing to write \(relative.debugDescription): the path would not stay inside the run folder")
        }
    }

    /// True when `ROOT/name` already holds a finished run.
    public static func isFinished(root: String, name: String) -> Bool {
        RunRecord.isFinished((root as NSString).appendingPathComponent(name))
    }

    /// Journal files `ROOT/.replacing-<name>.json` mark a replacement in progress.
    static let journalPrefix = ".replacing-"

    /// A run folder name: a period, optionally with a suffix such as `.validation`; nothing that could leave the root.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\\") && !name.contains("\0")
    }

    /// Moves the temporary folder into place. A finished run already there is
    /// kept, moved to `keepReplacedAs` (relative to the root, e.g.
    /// `.replaced/2026-02-1`); anything else there (a report of a failed run)
    /// is replaced. A journal file makes the two renames recoverable: if the
    /// process dies between them, the next command on the root moves the
    /// finished run back (`RootLock.cleanDebris`).
    /// - Throws: `OutputError` when a rename fails; the previous run is then back in place.
    public func commit(keepReplacedAs kept: String? = nil) throws {
        let fm = FileManager.default
        let final = finalPath
        let pid = ProcessInfo.processInfo.processIdentifier
        if RunRecord.isFinished(final) {
            guard let kept else { throw OutputError("refusing to replace the finished run \(final) without keeping it") }
            let keptPath = (root as NSString).appendingPathComponent(kept)
            let journal = (root as NSString).appendingPathComponent("\(RunFolder.journalPrefix)\(name).json")
            do {
                try fm.createDirectory(atPath: (keptPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let j = try JSONSerialization.data(withJSONObject: ["name": name, "kept_at": kept, "pid": "\(pid)"], options: [.sortedKeys])
                try j.write(to: URL(fileURLWithPath: journal))
            } catch { throw OutputError("cannot prepare to keep the previous run of \(name): \(error.localizedDescription)") }
            TestHook.step("before-move-aside")
            do { try fm.moveItem(atPath: final, toPath: keptPath) } catch {
                try? fm.removeItem(atPath: journal)
                throw OutputError("cannot move the previous \(final) aside: \(error.localizedDescription)")
            }
            TestHook.step("after-move-aside")
            do { try fm.moveItem(atPath: temporaryPath, toPath: final) } catch {
                try? fm.moveItem(atPath: keptPath, toPath: final)
                try? fm.removeItem(atPath: journal)
                throw OutputError("cannot rename \(temporaryPath) to \(final): \(error.localizedDescription)")
            }
            done = true
            try? fm.removeItem(atPath: journal)
            return
        }
        let old = (root as NSString).appendingPathComponent(".old-\(name)-\(pid)")
        if fm.fileExists(atPath: final) {
            try? fm.removeItem(atPath: old)
            do { try fm.moveItem(atPath: final, toPath: old) } catch {
                throw OutputError("cannot move the previous \(final) aside: \(error.localizedDescription)")
            }
        }
        TestHook.step("before-rename")
        do { try fm.moveItem(atPath: temporaryPath, toPath: final) } catch {
            if fm.fileExists(atPath: old) { try? fm.moveItem(atPath: old, toPath: final) }
            throw OutputError("cannot rename \(temporaryPath) to \(final): \(error.localizedDescription)")
        }
        done = true
        try? fm.removeItem(atPath: old)
    }
}

extension OutputError: KindedError {
    /// An operational failure (exit 70).
    public var kind: FailureKind { .operational }
}
