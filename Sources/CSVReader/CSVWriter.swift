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

    /// Creates (or truncates) the file.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw CSVWriteError(path: path, reason: "cannot create the file")
        }
        handle = h
        buffer.reserveCapacity(1 << 20)
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
