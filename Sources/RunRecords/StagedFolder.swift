import Foundation

/// A new folder built beside its final place and moved into it at the end, so that an interrupted or failed build
/// leaves nothing half made (`payroll init`, `payroll unseal`).
public enum StagedFolder {
    /// Builds `folder` with `build` (given the staging path); `folder` must not exist, or be an empty folder when
    /// `replacingEmpty`. On any error the staging folder is removed and the error passes through.
    public static func make(_ folder: String, replacingEmpty: Bool = false, _ build: (String) throws -> Void) throws {
        let fm = FileManager.default
        let parent = (folder as NSString).deletingLastPathComponent
        let staging = ((parent.isEmpty ? "." : parent) as NSString).appendingPathComponent(".staging-\(UUID().uuidString)")
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
            try build(staging)
            if replacingEmpty, (try? fm.contentsOfDirectory(atPath: folder))?.isEmpty == true { try fm.removeItem(atPath: folder) }
            try fm.moveItem(atPath: staging, toPath: folder)
        } catch {
            try? fm.removeItem(atPath: staging)
            throw error
        }
    }
}
