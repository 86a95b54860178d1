import Crypto
import Foundation
import PayrollCore
import RunRecords

/// Sealed transfer of files (import inputs, payslips, bank files, a period folder) between the client, the payroll
/// office and the bank: an authenticated envelope only the recipient's X25519 key opens.
///
/// Layout of a sealed file: the line `payroll-sealed-1`, one line of JSON (the header: the recipient's fingerprint,
/// the sender's ephemeral X25519 public key, the HKDF salt, the AES-GCM nonce), then the AES-256-GCM ciphertext and tag
/// of the payload. The key is HKDF-SHA256 of the X25519 shared secret with the salt and, as info, the format name, the
/// ephemeral key and the recipient key; the header line is the additional authenticated data, so no byte of the file
/// can change without the opening failing. The payload is an 8-byte big-endian length, a manifest (JSON: every file's
/// relative path, size and SHA-256) and the files' bytes in manifest order.
public enum Seal {
    /// The first line of every sealed file.
    public static let magic = "payroll-sealed-1"

    /// A sealed file that cannot be opened, or files that cannot be sealed.
    public struct SealError: Error, CustomStringConvertible, Sendable, KindedError {
        /// English.
        public let en: String
        /// Chinese.
        public let zh: String
        /// Usage (64) or data (the envelope is damaged or not for this key).
        public let kind: FailureKind
        /// The message in the language the command speaks.
        public var description: String { Speech.say(zh, en) }
    }

    /// One file in the envelope.
    public struct Entry: Sendable, Equatable {
        /// Path relative to the output folder (forward slashes).
        public var path: String
        /// Its bytes.
        public var size: Int
        /// SHA-256, hex.
        public var sha256: String
    }

    /// The files a list of paths names: a file as its name, a folder as every regular file under it, prefixed by the
    /// folder's name. Symbolic links are refused (they could point anywhere).
    public static func collect(_ paths: [String]) throws -> [(source: String, name: String)] {
        let fm = FileManager.default
        var out: [(String, String)] = []
        var names = Set<String>()
        func add(_ source: String, _ name: String) throws {
            guard names.insert(name).inserted else {
                throw SealError(en: "two files would be sealed as \(name)", zh: "有两个文件都会以 \(name) 封装", kind: .usage)
            }
            out.append((source, name))
        }
        for p in paths {
            let attrs: [FileAttributeKey: Any]
            do { attrs = try fm.attributesOfItem(atPath: p) } catch {
                throw SealError(en: "no such file or folder: \(p)", zh: "没有这个文件或文件夹：\(p)", kind: .usage)
            }
            let base = ((p as NSString).standardizingPath as NSString).lastPathComponent
            switch attrs[.type] as? FileAttributeType {
            case .typeRegular?: try add(p, base)
            case .typeDirectory?:
                for rel in fm.enumerator(atPath: p)?.allObjects.compactMap({ $0 as? String }).sorted() ?? [] {
                    let full = (p as NSString).appendingPathComponent(rel)
                    let t = (try? fm.attributesOfItem(atPath: full))?[.type] as? FileAttributeType
                    if t == .typeSymbolicLink {
                        throw SealError(en: "\(full) is a symbolic link; links are not sealed", zh: "\(full) 是符号链接；不封装链接", kind: .usage)
                    }
                    if t == .typeRegular { try add(full, base + "/" + rel) }
                }
            default:
                throw SealError(en: "\(p) is neither a file nor a folder", zh: "\(p) 既不是文件也不是文件夹", kind: .usage)
            }
        }
        return out
    }

    /// Seals files for a recipient; returns the sealed bytes and the manifest.
    public static func seal(_ files: [(source: String, name: String)], to recipient: Curve25519.KeyAgreement.PublicKey) throws -> (
        Data, [Entry]
    ) {
        var entries: [Entry] = []
        var body = Data()
        for f in files {
            guard let d = FileManager.default.contents(atPath: f.source) else {
                throw SealError(en: "cannot read \(f.source)", zh: "无法读取 \(f.source)", kind: .operational)
            }
            entries.append(Entry(path: f.name, size: d.count, sha256: FileHash.sha256(d)))
            body.append(d)
        }
        let manifest = try JSONSerialization.data(
            withJSONObject: ["format": magic, "files": entries.map { ["path": $0.path, "size": $0.size, "sha256": $0.sha256] as [String: Any] }],
            options: [.sortedKeys, .withoutEscapingSlashes])
        var payload = Data()
        var n = UInt64(manifest.count).bigEndian
        withUnsafeBytes(of: &n) { payload.append(contentsOf: $0) }
        payload.append(manifest)
        payload.append(body)

        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        var salt = Data(count: 32)
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255) }
        let nonce = AES.GCM.Nonce()
        let header: [String: String] = [
            "recipient": Keys.fingerprint(recipient.rawRepresentation),
            "ephemeral": ephemeral.publicKey.rawRepresentation.base64EncodedString(),
            "salt": salt.base64EncodedString(),
            "nonce": Data(nonce).base64EncodedString(),
            "cipher": "X25519-HKDF-SHA256-AES-256-GCM",
        ]
        let headerLine = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        let key = try derive(
            ephemeral.sharedSecretFromKeyAgreement(with: recipient), salt: salt, ephemeral: ephemeral.publicKey, recipient: recipient)
        let aad = Data((magic + "\n").utf8) + headerLine
        let box = try AES.GCM.seal(payload, using: key, nonce: nonce, authenticating: aad)
        var out = aad
        out.append(0x0A)
        out.append(box.ciphertext)
        out.append(box.tag)
        return (out, entries)
    }

    static func derive(
        _ secret: SharedSecret, salt: Data, ephemeral: Curve25519.KeyAgreement.PublicKey, recipient: Curve25519.KeyAgreement.PublicKey
    ) -> SymmetricKey {
        secret.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: salt, sharedInfo: Data(magic.utf8) + ephemeral.rawRepresentation + recipient.rawRepresentation,
            outputByteCount: 32)
    }

    /// Opens sealed bytes with the recipient's key: the manifest and each file's bytes, every one checked against its
    /// SHA-256 and its path checked to stay inside the output folder. Throws on any tampering or the wrong key.
    public static func open(_ sealed: Data, key: Curve25519.KeyAgreement.PrivateKey) throws -> [(Entry, Data)] {
        let bad = SealError(
            en: "the sealed file is damaged or was changed, or it was not sealed for this key; nothing was written",
            zh: "封装文件已损坏或被改动，或并非为此密钥封装；未写入任何文件", kind: .data)
        let bytes = [UInt8](sealed)
        let magicLine = Array((magic + "\n").utf8)
        guard bytes.count > magicLine.count, Array(bytes[0..<magicLine.count]) == magicLine else {
            throw SealError(en: "not a sealed payroll file", zh: "不是 payroll 封装文件", kind: .usage)
        }
        guard let end = bytes[magicLine.count...].firstIndex(of: 0x0A) else { throw bad }
        let headerLine = Data(bytes[magicLine.count..<end])
        guard let h = (try? JSONSerialization.jsonObject(with: headerLine)) as? [String: String],
            let e = h["ephemeral"].flatMap({ Data(base64Encoded: $0) }), let ephemeral = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: e),
            let salt = h["salt"].flatMap({ Data(base64Encoded: $0) }), let n = h["nonce"].flatMap({ Data(base64Encoded: $0) }),
            let nonce = try? AES.GCM.Nonce(data: n), bytes.count >= end + 1 + 16
        else { throw bad }
        if let r = h["recipient"], r != Keys.fingerprint(key.publicKey.rawRepresentation) {
            throw SealError(
                en: "this file was sealed for another key (fingerprint \(r)); nothing was written",
                zh: "此文件是为另一把密钥封装的（指纹 \(r)）；未写入任何文件", kind: .data)
        }
        let body = Data(bytes[(end + 1)...])
        let symmetric = derive(try key.sharedSecretFromKeyAgreement(with: ephemeral), salt: salt, ephemeral: ephemeral, recipient: key.publicKey)
        let payload: Data
        do {
            let box = try AES.GCM.SealedBox(nonce: nonce, ciphertext: body.prefix(body.count - 16), tag: body.suffix(16))
            payload = try AES.GCM.open(box, using: symmetric, authenticating: Data(bytes[0..<end]))
        } catch { throw bad }
        let p = [UInt8](payload)
        guard p.count >= 8 else { throw bad }
        let len = p[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard len <= UInt64(p.count - 8),
            let m = (try? JSONSerialization.jsonObject(with: Data(p[8..<(8 + Int(len))]))) as? [String: Any],
            let list = m["files"] as? [[String: Any]]
        else { throw bad }
        var offset = 8 + Int(len)
        var out: [(Entry, Data)] = []
        for f in list {
            guard let path = f["path"] as? String, let size = f["size"] as? Int, let sha = f["sha256"] as? String, size >= 0,
                offset + size <= p.count
            else { throw bad }
            guard safe(path) else {
                throw SealError(
                    en: "the sealed file names an unsafe path (\(path)); nothing was written", zh: "封装文件中含不安全的路径（\(path)）；未写入任何文件", kind: .data)
            }
            let d = Data(p[offset..<(offset + size)])
            guard FileHash.sha256(d) == sha else { throw bad }
            out.append((Entry(path: path, size: size, sha256: sha), d))
            offset += size
        }
        guard offset == p.count else { throw bad }
        return out
    }

    /// A relative path of plain components: no `..`, no `.`, no empty part, no leading slash, no control characters.
    static func safe(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return !path.isEmpty && !path.hasPrefix("/") && path.count <= 1024
            && parts.allSatisfy { $0 != ".." && $0 != "." && !$0.isEmpty && !$0.unicodeScalars.contains { $0.value < 0x20 || $0 == "\\" } }
    }

    /// Writes opened files into `folder`, which must not exist: built beside it, then moved into place, so that a
    /// failure leaves nothing.
    public static func write(_ files: [(Entry, Data)], to folder: String) throws {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: folder) else {
            throw SealError(en: "\(folder) already exists; unseal writes a new folder", zh: "\(folder) 已存在；unseal 只写入新文件夹", kind: .usage)
        }
        do {
            try StagedFolder.make(folder) { staging in
                for (e, d) in files {
                    let target = (staging as NSString).appendingPathComponent(e.path)
                    try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    guard fm.createFile(atPath: target, contents: d, attributes: [.posixPermissions: 0o600]) else {
                        throw SealError(en: "cannot write \(e.path)", zh: "无法写入 \(e.path)", kind: .operational)
                    }
                }
            }
        } catch let e as SealError {
            throw e
        } catch {
            throw SealError(
                en: "cannot write \(folder): \(error.localizedDescription)", zh: "无法写入 \(folder)：\(error.localizedDescription)", kind: .operational)
        }
    }
}
