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

/// A CSV file written as it goes (RFC 4180 quoting, UTF-8, LF line ends).
public final class CSVStreamWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
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
        for (i, f) in fields.enumerated() {
            if i > 0 { buffer.append(0x2C) }
            if f.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                buffer.append(0x22)
                for b in f.utf8 {
                    if b == 0x22 { buffer.append(0x22) }
                    buffer.append(b)
                }
                buffer.append(0x22)
            } else {
                buffer.append(contentsOf: f.utf8)
            }
        }
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        do { try handle.write(contentsOf: buffer) } catch { throw CSVWriteError(path: path, reason: error.localizedDescription) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file.
    public func close() throws {
        try flush()
        try? handle.close()
    }
}

extension CSVWriteError: KindedError {
    /// An operational failure (exit 70).
    public var kind: FailureKind { .operational }
}
