import Crypto
import Foundation
import PayrollCore
import RunRecords

#if canImport(Glibc)
    import Glibc
#endif

/// A key file that cannot be read or written.
public struct KeyError: Error, CustomStringConvertible, Sendable {
    /// What is wrong with the key file, in English.
    public let message: String
    /// The same in Chinese.
    public let messageZH: String
    /// A key error with its message in both languages.
    public init(zh: String, en: String) {
        message = en
        messageZH = zh
    }
    /// The message in the language the command speaks.
    public var description: String { Speech.say(messageZH, message) }
}

/// Key pairs for signing closed periods (Ed25519) and, in the same file, an
/// X25519 key for sealed transfers. `NAME.key` holds the private keys (mode
/// 0600), `NAME.pub` the public keys; both are small JSON documents with
/// base64 keys and the public signing key's fingerprint.
public enum Keys {
    /// The `format` of a private key file.
    public static let privateFormat = "payroll-private-key-1"
    /// The `format` of a public key file.
    public static let publicFormat = "payroll-public-key-1"

    /// The first 16 hex digits of the SHA-256 of a raw public key.
    public static func fingerprint(_ raw: Data) -> String { String(FileHash.sha256(raw).prefix(16)) }

    /// Writes `NAME.key` and `NAME.pub`; refuses to overwrite either.
    /// - Returns: the two paths and the signing key's fingerprint.
    /// - Throws: `KeyError` when a file exists or cannot be written.
    @discardableResult
    public static func generate(name: String) throws -> (privatePath: String, publicPath: String, fingerprint: String) {
        let keyPath = name + ".key"
        let pubPath = name + ".pub"
        let fm = FileManager.default
        for p in [keyPath, pubPath] where fm.fileExists(atPath: p) {
            throw KeyError(zh: "\(p) 已存在；请换一个名称（密钥从不覆盖）", en: "\(p) already exists; choose another name (keys are never overwritten)")
        }
        let signing = Curve25519.Signing.PrivateKey()
        let agreement = Curve25519.KeyAgreement.PrivateKey()
        let fp = fingerprint(signing.publicKey.rawRepresentation)
        let priv: [String: String] = [
            "format": privateFormat, "fingerprint": fp,
            "ed25519_private": signing.rawRepresentation.base64EncodedString(),
            "x25519_private": agreement.rawRepresentation.base64EncodedString(),
        ]
        let pub: [String: String] = [
            "format": publicFormat, "fingerprint": fp,
            "ed25519_public": signing.publicKey.rawRepresentation.base64EncodedString(),
            "x25519_public": agreement.publicKey.rawRepresentation.base64EncodedString(),
        ]
        try writeExclusive(json(priv), to: keyPath, mode: 0o600)
        do { try writeExclusive(json(pub), to: pubPath, mode: 0o644) } catch {
            try? fm.removeItem(atPath: keyPath)
            throw error
        }
        return (keyPath, pubPath, fp)
    }

    /// The Ed25519 signing key of a `.key` file.
    public static func signingKey(path: String) throws -> Curve25519.Signing.PrivateKey {
        let o = try read(path)
        guard o["format"] == privateFormat, let b = o["ed25519_private"], let raw = Data(base64Encoded: b),
            let k = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw KeyError(
                zh: "\(path) 不是 payroll 私钥文件（由 `payroll keygen` 生成）", en: "\(path) is not a payroll private key file (made by `payroll keygen`)")
        }
        return k
    }

    /// The Ed25519 public key of a `.pub` file (or of a `.key` file).
    public static func verifyingKey(path: String) throws -> Curve25519.Signing.PublicKey {
        let o = try read(path)
        if o["format"] == privateFormat { return try signingKey(path: path).publicKey }
        guard o["format"] == publicFormat, let b = o["ed25519_public"], let raw = Data(base64Encoded: b),
            let k = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else {
            throw KeyError(
                zh: "\(path) 不是 payroll 公钥文件（由 `payroll keygen` 生成）", en: "\(path) is not a payroll public key file (made by `payroll keygen`)")
        }
        return k
    }

    /// The X25519 public key of a `.pub` file (or of a `.key` file): the recipient of a sealed transfer.
    public static func agreementPublicKey(path: String) throws -> Curve25519.KeyAgreement.PublicKey {
        let o = try read(path)
        if o["format"] == privateFormat { return try agreementPrivateKey(path: path).publicKey }
        guard o["format"] == publicFormat, let b = o["x25519_public"], let raw = Data(base64Encoded: b),
            let k = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw)
        else {
            throw KeyError(
                zh: "\(path) 不是含 X25519 公钥的 payroll 公钥文件（由 `payroll keygen` 生成）",
                en: "\(path) is not a payroll public key file with an X25519 key (made by `payroll keygen`)")
        }
        return k
    }

    /// The X25519 private key of a `.key` file: opens what was sealed to its public key.
    public static func agreementPrivateKey(path: String) throws -> Curve25519.KeyAgreement.PrivateKey {
        let o = try read(path)
        guard o["format"] == privateFormat, let b = o["x25519_private"], let raw = Data(base64Encoded: b),
            let k = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)
        else {
            throw KeyError(
                zh: "\(path) 不是含 X25519 私钥的 payroll 私钥文件（由 `payroll keygen` 生成）",
                en: "\(path) is not a payroll private key file with an X25519 key (made by `payroll keygen`)")
        }
        return k
    }

    static func read(_ path: String) throws -> [String: String] {
        guard let d = FileManager.default.contents(atPath: path) else { throw KeyError(zh: "找不到密钥文件：\(path)", en: "key file not found: \(path)") }
        guard let o = try? JSONSerialization.jsonObject(with: d) as? [String: String] else {
            throw KeyError(zh: "\(path) 不是 payroll 密钥文件（由 `payroll keygen` 生成）", en: "\(path) is not a payroll key file (made by `payroll keygen`)")
        }
        return o
    }

    static func json(_ o: [String: String]) throws -> Data {
        var d = try JSONSerialization.data(withJSONObject: o, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        d.append(0x0A)
        return d
    }

    /// Creates `path` with `mode` (never following or replacing an existing file) and writes `data`.
    static func writeExclusive(_ data: Data, to path: String, mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw KeyError(zh: "无法创建 \(path)：\(String(cString: strerror(errno)))", en: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { _ = close(fd) }
        _ = fchmod(fd, mode)
        let ok = data.withUnsafeBytes { b -> Bool in
            var off = 0
            while off < b.count {
                let n = write(fd, b.baseAddress! + off, b.count - off)
                if n <= 0 { return false }
                off += n
            }
            return true
        }
        if !ok {
            throw KeyError(zh: "无法写入 \(path)：\(String(cString: strerror(errno)))", en: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// The Ed25519 signature of a closed period's `close.json`, kept beside it as `close.sig`.
public enum CloseSignature {
    /// The signature file beside close.json.
    public static let fileName = "close.sig"

    /// The signature document for the bytes of a close.json.
    public static func make(closeJSON: Data, key: Curve25519.Signing.PrivateKey) throws -> Data {
        let sig = try key.signature(for: closeJSON)
        let o: [String: String] = [
            "algorithm": "Ed25519", "signed_file": "close.json", "close_sha256": FileHash.sha256(closeJSON),
            "key_fingerprint": Keys.fingerprint(key.publicKey.rawRepresentation),
            "signature": sig.base64EncodedString(),
        ]
        return try Keys.json(o)
    }

    /// Nil when the signature document holds a valid signature of `closeJSON` by `key`; otherwise what is wrong.
    public static func problem(signature: Data, closeJSON: Data, key: Curve25519.Signing.PublicKey) -> String? {
        guard let o = try? JSONSerialization.jsonObject(with: signature) as? [String: String], let b = o["signature"],
            let sig = Data(base64Encoded: b)
        else { return "close.sig cannot be read" }
        let fp = Keys.fingerprint(key.rawRepresentation)
        if let f = o["key_fingerprint"], f != fp {
            return "close.sig was made with key \(f), not with the given public key \(fp)"
        }
        guard key.isValidSignature(sig, for: closeJSON) else {
            return "the signature does not match close.json: close.json or close.sig was changed after signing"
        }
        return nil
    }
}

extension KeyError: KindedError {
    /// A usage error (exit 64).
    public var kind: FailureKind { .usage }
}
