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

/// CSV rows being formatted (RFC 4180 quoting, UTF-8, LF line ends) into a buffer of their own, written to in
/// place: an array would check its uniqueness and capacity on every append (millions of cells). A file writer keeps
/// one; rows formatted on another thread go into one each (`CSVStreamWriter.rows`).
public final class CSVRowBuffer: @unchecked Sendable {  // handed from one thread to another under a lock, never shared
    /// The bytes formatted (`count` of them).
    private(set) var storage: UnsafeMutablePointer<UInt8>
    /// How many bytes are formatted.
    private(set) var count = 0
    private var capacity: Int
    private var scratch: [UInt8] = []
    private var fieldsInRow = 0

    /// An empty buffer with room for `capacity` bytes (it grows for more).
    public init(capacity: Int) {
        self.capacity = capacity
        storage = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Forgets the bytes formatted (the room stays).
    func clear() {
        count = 0
        fieldsInRow = 0
    }

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

    func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }

    /// Appends a text field to the row being formatted, quoted as RFC 4180 asks.
    public func field(_ f: String) {
        separate()
        var f = f
        f.withUTF8 { u in
            if u.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
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

    /// Ends the row being formatted.
    public func endRow() {
        append(0x0A)
        fieldsInRow = 0
    }

    @inline(__always)
    private func separate() {
        if fieldsInRow > 0 { append(0x2C) }
        fieldsInRow += 1
    }
}

/// A CSV file written as it goes (RFC 4180 quoting, UTF-8, LF line ends), hashed (SHA-256) as it is written.
public final class CSVStreamWriter {
    private let handle: FileHandle
    /// Written out when it holds this much.
    private static let flushAt = 1 << 20
    /// The rows not yet written.
    private let pending = CSVRowBuffer(capacity: CSVStreamWriter.flushAt + 4096)
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
        if forPeople { pending.append([0xEF, 0xBB, 0xBF]) }
    }

    /// Writes one row, quoting fields as RFC 4180 asks.
    public func row(_ fields: [String]) throws {
        for f in fields { field(f) }
        try endRow()
    }

    /// Appends a text field to the row being written, quoted as RFC 4180 asks.
    public func field(_ f: String) { pending.field(f) }

    /// Appends an amount as `Money.description` writes it ("-1234.56").
    public func field(_ m: Money) { pending.field(m) }

    /// Appends a score as `Exact.formatted(places:)` writes it, or an empty field for none.
    public func field(_ x: Exact?, places: Int) { pending.field(x, places: places) }

    /// Appends an integer field.
    public func field(integer: Int) { pending.field(integer: integer) }

    /// Ends the row being written.
    public func endRow() throws {
        pending.endRow()
        if pending.count >= CSVStreamWriter.flushAt { try flush() }
    }

    /// Writes out and hashes `buffer`'s bytes after those before.
    private func write(_ buffer: CSVRowBuffer) throws {
        let bytes = UnsafeRawBufferPointer(start: buffer.storage, count: buffer.count)
        do { try handle.write(contentsOf: bytes) } catch { throw CSVWriteError(path: path, reason: error.localizedDescription) }
        hasher.update(bufferPointer: bytes)
        written += buffer.count
        buffer.clear()
    }

    private func flush() throws { try write(pending) }

    /// Writes a row for each index of `0..<count` that `row` formats into the buffer it is given (false: no row for
    /// that index). The rows are formatted in blocks on a thread of their own while this one writes and hashes the
    /// blocks before them, in order: the bytes are those of writing the rows one by one.
    public func rows(count: Int, blockSize: Int = 4096, row: @escaping @Sendable (Int, CSVRowBuffer) -> Bool) throws {
        try flush()
        let blocks = (count + blockSize - 1) / blockSize
        guard blocks > 1 else {
            for i in 0..<count where row(i, pending) {
                pending.endRow()
                if pending.count >= CSVStreamWriter.flushAt { try flush() }
            }
            return
        }
        // Three buffers: one being formatted, one being written, one ready between them.
        let lane = FormattedBlocks(buffers: 3, capacity: blockSize * 512)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { finished.signal() }
            for b in 0..<blocks {
                guard let buffer = lane.free() else { return }  // the writer stopped
                for i in (b * blockSize)..<min(count, (b + 1) * blockSize) where row(i, buffer) { buffer.endRow() }
                lane.ready(buffer)
            }
        }
        thread.stackSize = 1 << 22
        thread.start()
        do {
            for _ in 0..<blocks {
                let buffer = lane.next()
                try write(buffer)
                lane.release(buffer)
            }
        } catch {
            lane.stop()
            finished.wait()
            throw error
        }
        finished.wait()
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

/// The blocks of rows between the thread that formats them and the one that writes them, in order: free buffers
/// one way, formatted ones the other.
private final class FormattedBlocks: @unchecked Sendable {  // every field under `condition`
    private let condition = NSCondition()
    private var freeBuffers: [CSVRowBuffer]
    private var readyBuffers: [CSVRowBuffer] = []
    private var stopped = false

    init(buffers: Int, capacity: Int) {
        freeBuffers = (0..<buffers).map { _ in CSVRowBuffer(capacity: capacity) }
    }

    /// A buffer to format into, when one is free; nil once the writer has stopped.
    func free() -> CSVRowBuffer? {
        condition.lock()
        defer { condition.unlock() }
        while freeBuffers.isEmpty && !stopped { condition.wait() }
        return stopped ? nil : freeBuffers.removeFirst()
    }

    /// A formatted block, for the writer.
    func ready(_ b: CSVRowBuffer) {
        condition.lock()
        readyBuffers.append(b)
        condition.broadcast()
        condition.unlock()
    }

    /// The next formatted block, in order.
    func next() -> CSVRowBuffer {
        condition.lock()
        defer { condition.unlock() }
        while readyBuffers.isEmpty { condition.wait() }
        return readyBuffers.removeFirst()
    }

    /// A written block's buffer, free again.
    func release(_ b: CSVRowBuffer) {
        condition.lock()
        freeBuffers.append(b)
        condition.broadcast()
        condition.unlock()
    }

    /// The writer stopped (an error): the formatting thread ends.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}

extension CSVWriteError: KindedError {
    /// An operational failure (exit 70).
    public var kind: FailureKind { .operational }
}
