import Crypto
import Foundation
import PayrollCore

/// The file system refused a CSV file being written (an operational failure).
public struct CSVWriteError: Error, Sendable, CustomStringConvertible {
    /// The file being written.
    public let path: String
    /// What went wrong.
    public let reason: String
    /// The error in words.
    public var description: String { "cannot write \(path): \(reason)" }
}

/// A CSV file written as it goes (RFC 4180 quoting, UTF-8, LF line ends), hashed (SHA-256) as it is written.
public final class CSVStreamWriter {
    private let handle: FileHandle
    private var count = 0
    /// Written out when it holds this much; it has room for `flushAt` plus one field of any length (it grows
    /// for a longer field).
    private static let flushAt = 1 << 20
    private var capacity = CSVStreamWriter.flushAt + 4096
    /// Bytes not yet written (`count` of them): a buffer of its own, written to in place (an array would check its
    /// uniqueness and capacity on every append: millions of cells).
    private var storage: UnsafeMutablePointer<UInt8>
    private var hasher = SHA256()
    private var written = 0
    private var scratch: [UInt8] = []
    /// The file written.
    public let path: String

    /// Creates (or truncates) the file. `forPeople` starts it with a UTF-8 byte order mark, which Excel on a Chinese
    /// Windows needs to read UTF-8 (without it, it guesses GB18030 and shows mojibake); files that programs read (the
    /// ledger, CONTRACT inputs) go without.
    public init(path: String, forPeople: Bool = false) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw CSVWriteError(path: path, reason: "cannot create the file")
        }
        handle = h
        storage = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        if forPeople { append([0xEF, 0xBB, 0xBF]) }
    }

    deinit { storage.deallocate() }

    /// Room for `n` more bytes.
    @inline(__always)
    private func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private func grow(_ needed: Int) {
        var c = capacity
        while c < needed { c *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        bigger.update(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity = c
    }

    @inline(__always)
    private func append(_ b: UInt8) {
        reserve(1)
        storage[count] = b
        count += 1
    }

    private func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        if let base = bytes.baseAddress { (storage + count).update(from: base, count: bytes.count) }
        count += bytes.count
    }

    private func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }

    /// Writes one row, quoting fields as RFC 4180 asks.
    public func row(_ fields: [String]) throws {
        for f in fields { field(f) }
        try endRow()
    }

    private var fieldsInRow = 0

    /// Appends a text field to the row being written, quoted as RFC 4180 asks.
    public func field(_ f: String) {
        separate()
        var f = f
        f.withUTF8 { u in
            if u.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                reserve(2 * u.count + 2)
                append(0x22)
                for b in u {
                    if b == 0x22 { append(0x22) }
                    append(b)
                }
                append(0x22)
            } else {
                append(u)
            }
        }
    }

    /// Appends an amount as `Money.description` writes it ("-1234.56").
    public func field(_ m: Money) {
        separate()
        // Sign, 19 digits at most, the point: written in place.
        reserve(24)
        count += m.writeText(to: storage + count)
    }

    /// Appends a score as `Exact.formatted(places:)` writes it, or an empty field for none.
    public func field(_ x: Exact?, places: Int) {
        separate()
        guard let x else { return }
        scratch.removeAll(keepingCapacity: true)
        x.appendFormatted(places: places, to: &scratch)
        append(scratch)
    }

    /// Appends an integer field.
    public func field(integer: Int) {
        separate()
        reserve(21)
        if integer < 0 {
            storage[count] = UInt8(ascii: "-")
            count += 1
        }
        count += DecimalText.write(UInt64(integer.magnitude), to: storage + count)
    }

    /// Ends the row being written.
    public func endRow() throws {
        append(0x0A)
        fieldsInRow = 0
        if count >= CSVStreamWriter.flushAt { try flush() }
    }

    @inline(__always)
    private func separate() {
        if fieldsInRow > 0 { append(0x2C) }
        fieldsInRow += 1
    }

    private func flush() throws {
        let pending = UnsafeRawBufferPointer(start: storage, count: count)
        do { try handle.write(contentsOf: pending) } catch { throw CSVWriteError(path: path, reason: error.localizedDescription) }
        hasher.update(bufferPointer: pending)
        written += count
        count = 0
    }

    /// Flushes and closes the file; returns the SHA-256 (lower-case hex) and size of the bytes written, so that a
    /// manifest need not read the file again.
    @discardableResult
    public func close() throws -> FileDigest {
        try flush()
        do { try handle.close() } catch { throw CSVWriteError(path: path, reason: error.localizedDescription) }
        return (Hex.lower(hasher.finalize()), written)
    }
}

extension CSVWriteError: KindedError {
    /// An operational failure (exit 70).
    public var kind: FailureKind { .operational }
}
