import Foundation
import PayrollCore
import RunRecords

/// Validation across periods: the year to date carried in is what the previous run wrote (Y codes).
public enum LedgerCheck {
    /// The previous period's ledger must be the file its run wrote: its SHA-256 is in that run's manifest.
    /// A ledger edited by hand after the run would carry changed figures silently into this period (Y004).
    public static func integrity(path: String, period: Period) -> [Diagnostic] {
        let folder = (path as NSString).deletingLastPathComponent
        guard let record = try? RunRecord.read(folder: folder),
            let listed = record.outputs.first(where: { $0.path == YearToDateStore.ledgerFile })?.sha256
        else { return [] }
        let now = (try? FileHash.sha256(path: path).hex) ?? ""
        guard now != listed else { return [] }
        return [
            Diagnostic(
                code: Code.ledgerChanged.rawValue, severity: .error, stage: .crossFile, file: YearToDateStore.ledgerFile,
                line: nil, column: nil, employeeID: nil,
                en:
                    "\(period)'s ytd_ledger.csv is not the file its run wrote (SHA-256 \(RootStatus.short(now)), its manifest records \(RootStatus.short(listed))): it was changed after the run; re-run \(period) instead of editing its ledger",
                zh:
                    "\(period) 的 ytd_ledger.csv 与其运行时写出的文件不一致（SHA-256 \(RootStatus.short(now))，清单记录为 \(RootStatus.short(listed))）：运行后被改动过；请重新运行 \(period)，不要手工修改台账"
            )
        ]
    }
}
