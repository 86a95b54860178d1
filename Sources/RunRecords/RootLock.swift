import Foundation
import PayrollCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Another payroll command holds the output root (exit 75, try again later).
public struct RootBusy: Error, CustomStringConvertible, Sendable {
    /// The output root that is busy.
    public let root: String
    /// What the lock file says about the holder (pid, command, start time), when readable.
    public let holder: String
    /// The message a second command shows.
    public var description: String {
        Speech.say(
            "另一个 payroll 命令正在处理 \(root)（\(holder.isEmpty ? "持有者未知" : holder)）；未做任何更改——请待其完成后重试",
            "another payroll command is working on \(root) (\(holder.isEmpty ? "holder unknown" : holder)); nothing was changed — try again when it has finished"
        )
    }
}

/// One exclusive lock per output root, held by `run`, `validate`, `close` and
/// `reopen` for their whole duration. It is an advisory `flock(2)` on
/// `ROOT/.payroll.lock`, so the kernel releases it when the process ends,
/// however it ends: a killed run never leaves a stale lock.
public final class RootLock: @unchecked Sendable {
    /// The lock file inside the output root.
    public static let fileName = ".payroll.lock"
    private let fd: Int32
    /// The output root this lock holds.
    public let root: String

    private init(fd: Int32, root: String) {
        self.fd = fd
        self.root = root
    }

    deinit {
        _ = flock(fd, LOCK_UN)
        _ = close(fd)
    }

    /// Takes the lock of `root` at once or fails; never waits.
    /// - Parameters:
    ///   - root: the output root; created when `create` is true and it is missing.
    ///   - command: what the holder is doing, written into the lock file for the message a second command shows.
    /// - Throws: `RootBusy` when another process holds it; `OutputError` when the lock file cannot be opened.
    public static func acquire(root: String, command: String, create: Bool = true) throws -> RootLock {
        let fm = FileManager.default
        if create {
            do { try fm.createDirectory(atPath: root, withIntermediateDirectories: true) } catch {
                throw OutputError("cannot create output root \(root): \(error.localizedDescription)")
            }
        } else {
            var d: ObjCBool = false
            guard fm.fileExists(atPath: root, isDirectory: &d), d.boolValue else { throw OutputError("output root not found: \(root)") }
        }
        let path = (root as NSString).appendingPathComponent(fileName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError("cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            var text = ""
            if e == EWOULDBLOCK, let d = fm.contents(atPath: path) {
                text = String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            _ = close(fd)
            if e == EWOULDBLOCK { throw RootBusy(root: root, holder: text) }
            throw OutputError("cannot lock \(path): \(String(cString: strerror(e)))")
        }
        let info = "pid \(getpid()), payroll \(command), since \(ISO8601DateFormatter().string(from: Date()))\n"
        _ = ftruncate(fd, 0)
        _ = info.withCString { pwrite(fd, $0, strlen($0), 0) }
        return RootLock(fd: fd, root: root)
    }

    /// Removes what interrupted commands left in the root, and restores a
    /// finished run that an interrupted replacement had moved aside. Call it
    /// holding the lock. Returns one line per thing done, for the terminal.
    public func cleanDebris() -> [String] {
        let fm = FileManager.default
        var said: [String] = []
        let me = getpid()
        // 1. A replacement interrupted between moving the finished run aside and moving the new one in.
        for j in ((try? fm.contentsOfDirectory(atPath: root)) ?? []).filter({ $0.hasPrefix(RunFolder.journalPrefix) && $0.hasSuffix(".json") })
            .sorted()
        {
            let jp = (root as NSString).appendingPathComponent(j)
            defer { try? fm.removeItem(atPath: jp) }
            guard let d = fm.contents(atPath: jp), let o = try? JSONSerialization.jsonObject(with: d) as? [String: String],
                let name = o["name"], let kept = o["kept_at"], RunFolder.isSafeName(name)
            else { continue }
            let final = (root as NSString).appendingPathComponent(name)
            let keptPath = (root as NSString).appendingPathComponent(kept)
            if !fm.fileExists(atPath: final), RunRecord.isFinished(keptPath) {
                if (try? fm.moveItem(atPath: keptPath, toPath: final)) != nil {
                    said.append("restored the finished run \(name) that an interrupted run had moved to \(kept)")
                }
            }
        }
        // 2. A reopening interrupted after noting its reason and before moving the archive: the period stays closed.
        for p in Archive.closedPeriods(root: root) {
            let note = (Archive.archivePath(root: root, period: p) as NSString).appendingPathComponent("reopen.json")
            if fm.fileExists(atPath: note), (try? fm.removeItem(atPath: note)) != nil {
                said.append("removed closed/\(p)/reopen.json, left by a reopening of \(p) that did not finish; \(p) is still closed")
            }
        }
        // 3. Temporary and set-aside folders of runs (and closes) whose process is gone.
        let places = [root, Archive.closedFolder(root: root)]
        for dir in places {
            for f in ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted() where f.hasPrefix(".tmp-") || f.hasPrefix(".old-") {
                guard let pid = Int32(f.split(separator: "-").last ?? ""), pid != me, !RootLock.isPayrollProcess(pid) else { continue }
                let p = (dir as NSString).appendingPathComponent(f)
                let rel = dir == root ? f : "closed/\(f)"
                // An `.old-` folder of an older engine may hold the only copy of a finished run.
                if f.hasPrefix(".old-") {
                    let name = String(f.dropFirst(5).dropLast(String(pid).count + 1))
                    let final = (root as NSString).appendingPathComponent(name)
                    if RunFolder.isSafeName(name), !fm.fileExists(atPath: final), RunRecord.isFinished(p),
                        (try? fm.moveItem(atPath: p, toPath: final)) != nil
                    {
                        said.append("restored the finished run \(name) from \(rel), left by an interrupted run (pid \(pid))")
                        continue
                    }
                }
                let size = RootLock.bytes(under: p)
                if (try? fm.removeItem(atPath: p)) != nil {
                    said.append("removed \(rel) (\(RootLock.megabytes(size))), left by a run that did not finish (pid \(pid))")
                }
            }
        }
        return said
    }

    /// True when `pid` is a live process whose command line names payroll.
    static func isPayrollProcess(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let d = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return true }
        return String(decoding: d, as: UTF8.self).contains("payroll")
    }

    static func bytes(under path: String) -> Int {
        var total = 0
        for f in FileManager.default.enumerator(atPath: path)?.compactMap({ $0 as? String }) ?? [] {
            let a = try? FileManager.default.attributesOfItem(atPath: (path as NSString).appendingPathComponent(f))
            total += (a?[.size] as? Int) ?? 0
        }
        return total
    }

    static func megabytes(_ n: Int) -> String { String(format: "%.1f MB", Double(n) / 1_000_000) }
}

/// Test-only hooks: `PAYROLL_TEST_STOP_AT=<step>` kills the process with
/// SIGKILL at that step; `PAYROLL_TEST_PAUSE_AT=<step>:<seconds>` sleeps there.
/// Used by the kill and concurrency tests; inert when the variables are unset.
public enum TestHook {
    /// Marks a step of writing a run or an archive.
    public static func step(_ name: String) {
        let env = ProcessInfo.processInfo.environment
        if let stop = env["PAYROLL_TEST_STOP_AT"], stop == name { kill(getpid(), SIGKILL) }
        if let pause = env["PAYROLL_TEST_PAUSE_AT"] {
            let parts = pause.split(separator: ":")
            if parts.count == 2, parts[0] == name, let s = Double(parts[1]) { Thread.sleep(forTimeInterval: s) }
        }
    }
}

extension RootBusy: KindedError {
    /// The root is busy (exit 75).
    public var kind: FailureKind { .busy }
}
