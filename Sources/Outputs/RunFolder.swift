import Foundation
import PayrollCore

/// An operational failure while writing a run (disk, permissions, a C library).
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A run's output folder. Everything is written into a hidden temporary
/// folder beside the final one and renamed into place only at the end, so a
/// half-written period never looks finished; only a folder holding
/// `manifest.json` is a finished run.
public final class RunFolder {
    public let root: String
    public let name: String
    public let temporaryPath: String
    public var finalPath: String { (root as NSString).appendingPathComponent(name) }
    private var done = false

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
    public func path(_ relative: String) throws -> String {
        let p = (temporaryPath as NSString).appendingPathComponent(relative)
        let dir = (p as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw OutputError("cannot create \(dir): \(error.localizedDescription)")
        }
        return p
    }

    /// True when `ROOT/name` already holds a finished run.
    public static func isFinished(root: String, name: String) -> Bool {
        FileManager.default.fileExists(atPath: ((root as NSString).appendingPathComponent(name) as NSString).appendingPathComponent("manifest.json"))
    }

    /// Moves the temporary folder into place, replacing what was there.
    public func commit() throws {
        let fm = FileManager.default
        let final = finalPath
        let old = (root as NSString).appendingPathComponent(".old-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
        if fm.fileExists(atPath: final) {
            try? fm.removeItem(atPath: old)
            do { try fm.moveItem(atPath: final, toPath: old) } catch {
                throw OutputError("cannot move the previous \(final) aside: \(error.localizedDescription)")
            }
        }
        do { try fm.moveItem(atPath: temporaryPath, toPath: final) } catch {
            if fm.fileExists(atPath: old) { try? fm.moveItem(atPath: old, toPath: final) }
            throw OutputError("cannot rename \(temporaryPath) to \(final): \(error.localizedDescription)")
        }
        done = true
        try? fm.removeItem(atPath: old)
    }
}
