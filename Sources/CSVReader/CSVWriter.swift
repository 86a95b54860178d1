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
    private var buffer: [UInt8] = []
    private var hasher = SHA256()
    private var written = 0
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
        buffer.reserveCapacity(1 << 20)
        if forPeople { buffer += [0xEF, 0xBB, 0xBF] }
    }

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
                buffer.append(0x22)
                for b in u {
                    if b == 0x22 { buffer.append(0x22) }
                    buffer.append(b)
                }
                buffer.append(0x22)
            } else {
                buffer.append(contentsOf: u)
            }
        }
    }

    /// Appends an amount as `Money.description` writes it ("-1234.56").
    public func field(_ m: Money) {
        separate()
        m.appendText(to: &buffer)
    }

    /// Appends a score as `Exact.formatted(places:)` writes it, or an empty field for none.
    public func field(_ x: Exact?, places: Int) {
        separate()
        x?.appendFormatted(places: places, to: &buffer)
    }

    /// Appends an integer field.
    public func field(integer: Int) {
        separate()
        if integer < 0 { buffer.append(UInt8(ascii: "-")) }
        DecimalText.append(UInt64(integer.magnitude), to: &buffer)
    }

    /// Ends the row being written.
    public func endRow() throws {
        buffer.append(0x0A)
        fieldsInRow = 0
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func separate() {
        if fieldsInRow > 0 { buffer.append(0x2C) }
        fieldsInRow += 1
    }

    private func flush() throws {
        do { try handle.write(contentsOf: buffer) } catch { throw CSVWriteError(path: path, reason: error.localizedDescription) }
        buffer.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
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
