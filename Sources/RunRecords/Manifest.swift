import Crypto
import Foundation
import PayrollCore

/// One file the manifest lists.
public struct ManifestEntry: Sendable {
    /// input, pipeline, rule-pack, previous-ledger, register, report, payslip, bank-file, …
    public var kind: String
    /// The path: as given for inputs, relative to the run folder for outputs.
    public var path: String
    /// SHA-256 of the file's bytes.
    public var sha256: String
    /// The file's size in bytes.
    public var bytes: Int
    /// More string fields (an input's encoding, a history file's period).
    public var extra: [String: String]
    /// More counted fields (an input's records).
    public var counts: [String: Int]

    /// An entry of the manifest.
    public init(kind: String, path: String, sha256: String, bytes: Int, extra: [String: String] = [:], counts: [String: Int] = [:]) {
        self.kind = kind
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
        self.extra = extra
        self.counts = counts
    }

    var json: [String: Any] {
        var d: [String: Any] = ["kind": kind, "path": path, "sha256": sha256, "bytes": bytes]
        for (k, v) in extra { d[k] = v }
        for (k, v) in counts { d[k] = v }
        return d
    }
}

/// SHA-256 of files and bytes, for manifests, close records and signatures.
public enum FileHash {
    /// SHA-256 of a file, read in 1 MiB chunks; also its size.
    public static func sha256(path: String) throws -> FileDigest {
        guard let h = FileHandle(forReadingAtPath: path) else { throw OutputError("cannot open \(path) to hash it") }
        defer { try? h.close() }
        var hasher = SHA256()
        var total = 0
        while true {
            let chunk: Data
            do { chunk = try h.read(upToCount: 1 << 20) ?? Data() } catch {
                throw OutputError("cannot read \(path): \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            total += chunk.count
            hasher.update(data: chunk)
        }
        return (hex(hasher.finalize()), total)
    }

    /// Lower-case hex of the SHA-256 of bytes in memory.
    public static func sha256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// Lower-case hex of a digest.
    public static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        Hex.lower(digest)
    }
}

/// `manifest.json`: what went in and what came out, with SHA-256 for each,
/// so that anyone can re-run the period and verify it. Deterministic: no
/// clock time, keys sorted.
public struct Manifest {
    /// The pipeline's name.
    public var pipeline: String
    /// The pay period.
    public var period: Period
    /// Every file the run read.
    public var inputs: [ManifestEntry] = []
    /// Every file the run wrote.
    public var outputs: [ManifestEntry] = []
    /// Totals in fen and counts: employees, errors, warnings, gross, net pay, tax, employer cost.
    public var summary: [String: Int] = [:]
    /// How the run was asked for (so that it can be re-run): input folder, first_period, only.
    public var settings: [String: String] = [:]
    /// Output kinds the pipeline declares and those this run wrote; a run missing a declared kind is partial.
    public var declaredKinds: [String] = []
    /// Output kinds this run wrote.
    public var writtenKinds: [String] = []
    /// The finished run of the same period this run replaced: its manifest's SHA-256 and where it is kept.
    public var replaces: (manifestSHA256: String, keptAt: String)?

    /// An empty manifest for a pipeline and period.
    public init(pipeline: String, period: Period) {
        self.pipeline = pipeline
        self.period = period
    }

    /// The engine version recorded in manifests and close records.
    public static let engineVersion = "0.1.0"

    /// The manifest as pretty-printed JSON with sorted keys and a final newline.
    public func data() throws -> Data {
        var obj: [String: Any] = [
            "engine": ["name": "payroll", "version": Manifest.engineVersion],
            "pipeline": pipeline,
            "period": period.description,
            "inputs": inputs.map(\.json),
            "outputs": outputs.map(\.json),
            "summary": summary,
            "settings": settings,
            "kinds": ["declared": declaredKinds, "written": writtenKinds],
        ]
        if let replaces { obj["replaces"] = ["manifest_sha256": replaces.manifestSHA256, "kept_at": replaces.keptAt] }
        var d = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        d.append(0x0A)
        return d
    }
}

extension Manifest {
    /// "pipelines/../fixtures/demo/x.csv" → "fixtures/demo/x.csv".
    public static func tidy(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(c)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}
