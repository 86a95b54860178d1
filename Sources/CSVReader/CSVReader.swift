internal import CLibCSV
import PayrollCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The text encoding a CSV file turned out to have.
public enum TextEncoding: String, Sendable {
    case utf8 = "UTF-8"
    case utf8BOM = "UTF-8 (BOM)"
    case gb18030 = "GB18030"
}

/// A problem in the file's bytes that stops reading it (after the records
/// before it were delivered).
public enum CSVFault: Equatable, Sendable {
    /// A quote opened and never closed before the end of the file.
    case unterminatedQuote(line: Int)
    /// A quote inside an unquoted field, or text right after a closing quote.
    case malformedQuote(line: Int)
    /// Bytes that are neither valid UTF-8 nor valid GB18030.
    case invalidEncoding(byteOffset: Int, line: Int)
}

/// Operational failures (the file system, the C library). Data problems are `CSVFault`s.
public enum CSVReadError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, errno: Int32)
    case readFailed(path: String, errno: Int32)
    case libcsv(code: Int32, message: String)

    /// The error in words, with the path and the system's message.
    public var description: String {
        switch self {
        case let .cannotOpen(p, e): return "cannot open \(p): \(String(cString: strerror(e)))"
        case let .readFailed(p, e): return "cannot read \(p): \(String(cString: strerror(e)))"
        case let .libcsv(c, m): return "libcsv error \(c): \(m)"
        }
    }
}

/// One field's bytes (UTF-8), valid only while the callback that received
/// its record runs. Reading it costs no reference counting.
public struct CSVField: RandomAccessCollection {
    @usableFromInline let base: UnsafePointer<UInt8>?
    /// The field's length in bytes.
    public let count: Int

    @inlinable init(base: UnsafePointer<UInt8>?, count: Int) {
        self.base = base
        self.count = count
    }

    /// The first byte's index (0).
    @inlinable public var startIndex: Int { 0 }
    /// One past the last byte's index.
    @inlinable public var endIndex: Int { count }
    /// The byte at `i`.
    @inlinable public subscript(i: Int) -> UInt8 {
        precondition(i >= 0 && i < count, "index out of range")
        return base![i]
    }

    /// The field without surrounding spaces and tabs.
    @inlinable public func trimmed() -> CSVField {
        guard let base else { return self }
        var i = 0
        var e = count
        while i < e, base[i] == 0x20 || base[i] == 0x09 { i += 1 }
        while e > i, base[e - 1] == 0x20 || base[e - 1] == 0x09 { e -= 1 }
        return CSVField(base: base + i, count: e - i)
    }

    /// Byte-for-byte equality with a string's UTF-8.
    @inlinable public func equals(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == count else { return false }
        for k in 0..<count where bytes[k] != base![k] { return false }
        return true
    }

    /// The field's bytes as one buffer, for the algorithms that can use it (without it, a generic algorithm such as
    /// `String(decoding:as:)` copied every field into an array first).
    @inlinable public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        try body(UnsafeBufferPointer(start: count == 0 ? nil : base, count: count))
    }

    /// The field as a String (a copy), decoded straight from the reader's buffer.
    public var string: String {
        guard let base, count > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }
}

/// One record, valid only while the callback that receives it runs.
/// Fields are UTF-8 whatever the file's encoding.
public struct CSVRecord {
    /// Physical line (1-based) on which the record starts.
    public let line: Int
    /// Index of this record among the file's non-blank records (0 = header).
    public let index: Int
    @usableFromInline let bytes: UnsafePointer<UInt8>
    @usableFromInline let starts: UnsafePointer<Int>
    @usableFromInline let ends: UnsafePointer<Int>
    /// The number of fields.
    public let count: Int
    /// Bit i set when field i (i < 64) was longer than the reader's limit and is delivered empty.
    public let oversizedMask: UInt64
    /// Every field is already without surrounding spaces and tabs (a line split without libcsv, whose fields are
    /// all unquoted and trimmed as libcsv trims them): `trimmed()` would give each field back unchanged.
    public let fieldsTrimmed: Bool

    /// Indexes of fields that were longer than the reader's limit (delivered empty).
    public var oversizedFields: [Int] { oversizedMask == 0 ? [] : (0..<64).filter { oversizedMask & (1 << UInt64($0)) != 0 } }

    /// Field `i`, a view of the reader's buffer valid during the callback.
    @inlinable
    public subscript(i: Int) -> CSVField {
        precondition(i >= 0 && i < count, "field index out of range")
        let start = starts[i]
        return CSVField(base: bytes + start, count: ends[i] - start)
    }

    /// Field `i` as a String (a copy).
    public func string(_ i: Int) -> String { self[i].string }
}

/// What a finished read found.
public struct CSVReadSummary: Sendable {
    /// The encoding the file turned out to have.
    public var encoding: TextEncoding
    /// Non-blank records delivered, header included.
    public var records: Int
    /// Bytes read.
    public var bytes: Int
    /// The problem that stopped reading, if any (records before it were delivered).
    public var fault: CSVFault?
    /// True when every field so far was ASCII and the file was read as UTF-8 without a signature: bytes invalid
    /// in UTF-8 after this point would make it GB18030.
    public var mayBecomeGB18030 = false

    /// A summary of a reading.
    public init(encoding: TextEncoding, records: Int, bytes: Int, fault: CSVFault? = nil, mayBecomeGB18030: Bool = false) {
        self.encoding = encoding
        self.records = records
        self.bytes = bytes
        self.fault = fault
        self.mayBecomeGB18030 = mayBecomeGB18030
    }
}

/// Streams a CSV file through libcsv in fixed-size chunks: memory use does
/// not depend on the file's length, only on its longest record.
public final class CSVFileReader {
    /// The file.
    public let path: String
    /// A longer field is delivered empty and flagged (R016).
    public let maxFieldBytes: Int
    /// Bytes read from the file at a time.
    public let chunkSize: Int
    /// Lines that need nothing of libcsv (no quote, no lone CR, valid bytes) are split in place, without libcsv
    /// and without a copy; false gives every byte to libcsv (the same records: the tests compare the two).
    public var splitsPlainLines = true

    /// A reader of one file; nothing is read until `read` is called.
    public init(path: String, maxFieldBytes: Int = 1 << 20, chunkSize: Int = 1 << 20) {
        self.path = path
        self.maxFieldBytes = maxFieldBytes
        self.chunkSize = chunkSize
    }

    /// Calls `body` for every non-blank record, header first. Blank lines and
    /// lines whose fields are all empty (what Excel leaves below a table) are skipped.
    public func read(_ body: (CSVRecord) -> Void) throws -> CSVReadSummary {
        try read(part: nil, body)
    }

    /// Reads one part of the file (from `parts`), or the whole file when `part` is nil. A part after the first
    /// is read in its `encoding`, switching from UTF-8 to GB18030 only when `mayBecomeGB18030` (what the parts
    /// before it decide: `CSVReadSummary.mayBecomeGB18030`). Records are indexed from 0 within the part; lines are
    /// the file's.
    public func read(part: CSVPart?, _ body: (CSVRecord) -> Void) throws -> CSVReadSummary {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CSVReadError.cannotOpen(path: path, errno: errno) }
        defer { close(fd) }
        return try withoutActuallyEscaping(body) { escapable in
            let state = ParseState(maxFieldBytes: maxFieldBytes, deliver: escapable)
            state.splitsPlainLines = splitsPlainLines
            if let part, part.start > 0 {
                guard lseek(fd, off_t(part.start), SEEK_SET) == off_t(part.start) else {
                    throw CSVReadError.readFailed(path: path, errno: errno)
                }
                state.line = part.line
                state.encoding = part.encoding
                state.sawNonASCII = !part.mayBecomeGB18030
            }
            return try state.run(fd: fd, path: path, chunkSize: chunkSize, limit: part.map { $0.end - $0.start }, detect: (part?.start ?? 0) == 0)
        }
    }

    /// Splits the file into its first line (the header, when the file does not start with a blank line) and
    /// `count` parts of about equal size, each starting at a record boundary (a line feed outside quotes, found
    /// by a quote-aware scan from the start), so that they can be parsed at the same time. A file smaller than
    /// `minimumBytes`, or one with too few line feeds, is one part.
    /// The scan is only right for a file whose quoting is well formed up to the last boundary; a reader of the
    /// first part stops at any earlier quoting fault, and then the later parts' records are not used.
    public func parts(_ count: Int, minimumBytes: Int = 8 << 20) throws -> [CSVPart] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CSVReadError.cannotOpen(path: path, errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CSVReadError.readFailed(path: path, errno: errno) }
        let size = Int(st.st_size)
        let buf = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buf.deallocate() }
        // The encoding the file starts with: its signature, else UTF-8.
        var head = [UInt8](repeating: 0, count: 4)
        let headCount = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4, 0) }
        var encoding = TextEncoding.utf8
        if headCount >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF {
            encoding = .utf8BOM
        } else if headCount == 4 && head == [0x84, 0x31, 0x95, 0x33] {
            encoding = .gb18030
        }
        guard count > 1, size >= minimumBytes else { return [CSVPart(start: 0, end: size, line: 1, encoding: encoding)] }
        var bounds: [(offset: Int, line: Int)] = [(0, 1)]
        var target = 0  // the first boundary ends the first line
        var offset = 0
        var line = 1
        var quoted = false
        var lastCR = false  // the byte before was a CR (a CR followed by LF is one line end)
        scanning: while bounds.count < count + 1 {
            let n = Glibc.read(fd, buf, chunkSize)
            if n < 0 { throw CSVReadError.readFailed(path: path, errno: errno) }
            if n == 0 { break }
            let b = buf.assumingMemoryBound(to: UInt8.self)
            var i = 0
            while i < n {
                // Thirty-two, then eight bytes at a time while they hold no quote and no CR and cannot hold a
                // boundary: only their line feeds count.
                if !lastCR && offset + i + 32 < target && i + 32 <= n, let lineFeeds = plainLineFeeds32(buf + i) {
                    line += lineFeeds
                    i += 32
                    continue
                }
                if !lastCR && offset + i + 8 < target && i + 8 <= n {
                    let w = buf.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if zeroBytes(w ^ 0x2222_2222_2222_2222) | zeroBytes(w ^ 0x0D0D_0D0D_0D0D_0D0D) == 0 {
                        line += zeroBytes(w ^ 0x0A0A_0A0A_0A0A_0A0A).nonzeroBitCount
                        i += 8
                        continue
                    }
                }
                let c = b[i]
                if lastCR && c != 0x0A { line += 1 }  // a lone CR ends a line too
                lastCR = false
                if c == 0x22 {
                    quoted.toggle()
                } else if c == 0x0A {
                    line += 1
                    if !quoted && offset + i + 1 >= target && offset + i + 1 < size {
                        bounds.append((offset + i + 1, line))
                        if bounds.count == count + 1 { break scanning }
                        let first = bounds[1].offset
                        target = first + (size - first) / count * (bounds.count - 1)
                    }
                } else if c == 0x0D {
                    lastCR = true
                }
                i += 1
            }
            offset += n
        }
        guard bounds.count == count + 1 else { return [CSVPart(start: 0, end: size, line: 1, encoding: encoding)] }
        var out: [CSVPart] = []
        for (k, b) in bounds.enumerated() {
            let end = k + 1 < bounds.count ? bounds[k + 1].offset : size
            out.append(CSVPart(start: b.offset, end: end, line: b.line, encoding: encoding))
        }
        return out
    }
}

/// The high bit of each byte of `w` that is zero, and no other bit (exact: no borrow between bytes).
@inline(__always)
func zeroBytes(_ w: UInt64) -> UInt64 {
    ~(((w & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | w) & 0x8080_8080_8080_8080
}

/// The number of line feeds in the 32 bytes at `p`, or nil when they hold a quote or a CR (the bytes need looking
/// at one by one). Four words at a time, their tests combined before any branch.
@inline(__always)
func plainLineFeeds32(_ p: UnsafeRawPointer) -> Int? {
    let w0 = p.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
    let w1 = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
    let w2 = p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
    let w3 = p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
    @inline(__always) func special(_ w: UInt64) -> UInt64 {
        zeroBytes(w ^ 0x2222_2222_2222_2222) | zeroBytes(w ^ 0x0D0D_0D0D_0D0D_0D0D)
    }
    guard special(w0) | special(w1) | special(w2) | special(w3) == 0 else { return nil }
    // Each word's marks are its bytes' top bits: shifted apart, the four words' marks never share a bit.
    let lf: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    let marks = zeroBytes(w0 ^ lf) >> 7 | zeroBytes(w1 ^ lf) >> 6 | zeroBytes(w2 ^ lf) >> 5 | zeroBytes(w3 ^ lf) >> 4
    return marks.nonzeroBitCount
}

/// A byte range of a CSV file that starts at a record boundary, and the physical line it starts on.
public struct CSVPart: Sendable, Equatable {
    /// The first byte.
    public let start: Int
    /// One past the last byte.
    public let end: Int
    /// The physical line (1-based) of its first byte.
    public let line: Int
    /// The encoding to read it in: the file's signature, else UTF-8, until the parts before it say otherwise.
    public var encoding: TextEncoding
    /// Whether bytes invalid in UTF-8 make the file GB18030 (only while nothing before was non-ASCII UTF-8).
    public var mayBecomeGB18030 = false
}

/// Parses a file with libcsv and callbacks that do nothing: the floor that
/// any reader built on libcsv is measured against. Returns bytes parsed.
public func libcsvBaselineParse(path: String, chunkSize: Int = 1 << 20) throws -> Int {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw CSVReadError.cannotOpen(path: path, errno: errno) }
    defer { close(fd) }
    return try withParser(chunkSize: chunkSize) { parser, buf in
        var total = 0
        while true {
            let n = Glibc.read(fd, buf, chunkSize)
            if n < 0 { throw CSVReadError.readFailed(path: path, errno: errno) }
            if n == 0 { break }
            total += n
            if csv_parse(&parser, buf, n, nil, nil, nil) != n { break }
        }
        csv_fini(&parser, nil, nil, nil)
        return total
    }
}

/// A strict libcsv parser (every newline kind ends a record) and a read buffer of `chunkSize` bytes, for `body`.
private func withParser<T>(chunkSize: Int, _ body: (inout csv_parser, UnsafeMutableRawPointer) throws -> T) throws -> T {
    var parser = csv_parser()
    guard csv_init(&parser, UInt8(CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI)) == 0 else {
        throw CSVReadError.libcsv(code: -1, message: "csv_init failed")
    }
    defer { csv_free(&parser) }
    let buf = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buf.deallocate() }
    return try body(&parser, buf)
}

// MARK: - The parse state behind the C callbacks

private final class ParseState {
    let maxFieldBytes: Int
    let deliver: (CSVRecord) -> Void

    // The current record: bytes and field ends in buffers this reader owns.
    var bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)
    var byteCapacity = 4096
    var byteCount = 0
    var starts = UnsafeMutablePointer<Int>.allocate(capacity: 64)
    var ends = UnsafeMutablePointer<Int>.allocate(capacity: 64)
    var endCapacity = 64
    var fieldCount = 0
    /// Where the field being delivered by libcsv starts in `bytes`.
    var fieldStart = 0
    var oversized: UInt64 = 0
    var recordLine = 1
    var line = 1  // physical line the parser is on
    var lastWasCR = false  // the previous callback was a record ending in CR with nothing after it (so an LF now is CRLF)
    var recordIndex = 0
    var encoding: TextEncoding = .utf8
    var sawNonASCII = false  // a valid non-ASCII UTF-8 field was delivered
    var encodingFailed = false
    let transcoder = GB18030Transcoder()
    var scratch: [UInt8] = []
    var splitsPlainLines = true

    init(maxFieldBytes: Int, deliver: @escaping (CSVRecord) -> Void) {
        self.maxFieldBytes = maxFieldBytes
        self.deliver = deliver
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
        ends.deallocate()
    }

    @inline(__always)
    func appendBytes(_ src: UnsafeRawPointer, _ n: Int) {
        if byteCount + n > byteCapacity {
            var cap = byteCapacity * 2
            while cap < byteCount + n { cap *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
            grown.update(from: bytes, count: byteCount)
            bytes.deallocate()
            bytes = grown
            byteCapacity = cap
        }
        (bytes + byteCount).update(from: src.assumingMemoryBound(to: UInt8.self), count: n)
        byteCount += n
    }

    @inline(__always)
    func endField() { pushField(fieldStart, byteCount) }

    /// Adds a field spanning `start..<end` of the record's bytes.
    @inline(__always)
    func pushField(_ start: Int, _ end: Int) {
        if fieldCount == endCapacity {
            let grownStarts = UnsafeMutablePointer<Int>.allocate(capacity: endCapacity * 2)
            grownStarts.update(from: starts, count: fieldCount)
            starts.deallocate()
            starts = grownStarts
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: endCapacity * 2)
            grown.update(from: ends, count: fieldCount)
            ends.deallocate()
            ends = grown
            endCapacity *= 2
        }
        starts[fieldCount] = start
        ends[fieldCount] = end
        fieldCount += 1
    }

    /// Parses from the descriptor's position: `limit` bytes or to the end; `detect` looks for a signature first.
    func run(fd: Int32, path: String, chunkSize: Int, limit: Int?, detect: Bool) throws -> CSVReadSummary {
        try withParser(chunkSize: chunkSize) { parser, buf in
            try run(fd: fd, path: path, chunkSize: chunkSize, limit: limit, detect: detect, parser: &parser, buf: buf)
        }
    }

    private func run(
        fd: Int32, path: String, chunkSize: Int, limit: Int?, detect: Bool, parser: inout csv_parser, buf: UnsafeMutableRawPointer
    ) throws -> CSVReadSummary {
        let me = Unmanaged.passUnretained(self).toOpaque()
        var total = 0
        var first = detect
        var fault: CSVFault?
        var left = limit ?? Int.max
        while left > 0 {
            let n = Glibc.read(fd, buf, min(chunkSize, left))
            if n < 0 { throw CSVReadError.readFailed(path: path, errno: errno) }
            if n == 0 { break }
            left -= n
            var start = buf
            var len = n
            if first {
                first = false
                let p = buf.assumingMemoryBound(to: UInt8.self)
                if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF {
                    encoding = .utf8BOM
                    start += 3
                    len -= 3
                } else if n >= 4, p[0] == 0x84, p[1] == 0x31, p[2] == 0x95, p[3] == 0x33 {
                    encoding = .gb18030
                    start += 4
                    len -= 4
                }
            }
            total += n
            // Line by line: a line that starts a record and needs nothing of libcsv (no quote, no lone CR, bytes
            // valid as they are) is split here in place; any other line, and a record libcsv has begun, is
            // libcsv's, which then ends where that line ends.
            let p = UnsafePointer(start.assumingMemoryBound(to: UInt8.self))
            var pos = 0
            while pos < len {
                let rest = len - pos
                let lf = memchr(p + pos, 0x0A, rest).map { UnsafeRawPointer($0) - UnsafeRawPointer(p) }
                if splitsPlainLines, let lf, parser.pstate == 0, !encodingFailed, splitLine(p, from: pos, to: lf) {
                    pos = lf + 1
                    continue
                }
                let end = lf.map { $0 + 1 } ?? len
                let used = csv_parse(&parser, p + pos, end - pos, fieldCallback, recordCallback, me)
                if encodingFailed { break }
                if used != end - pos {
                    let code = csv_error(&parser)
                    if code == CSV_EPARSE {
                        fault = .malformedQuote(line: line)
                        break
                    }
                    throw CSVReadError.libcsv(code: Int32(code), message: String(cString: csv_strerror(code)))
                }
                pos = end
            }
            if encodingFailed || fault != nil { break }
        }
        if !encodingFailed && fault == nil {
            if csv_fini(&parser, fieldCallback, recordCallback, me) != 0 {
                fault = .unterminatedQuote(line: recordLine)
            }
        }
        // The last field, delivered only by csv_fini, may itself be invalid (a file cut inside a character):
        // that is a fault too, never a silently dropped row.
        if encodingFailed {
            let offset = firstInvalidOffset(fd: fd, encoding: encoding, chunkSize: chunkSize)
            fault = .invalidEncoding(byteOffset: offset, line: recordLine)
        }
        return CSVReadSummary(
            encoding: encoding, records: recordIndex, bytes: total, fault: fault, mayBecomeGB18030: encoding == .utf8 && !sawNonASCII)
    }

    /// Delivers the line `from..<lf` (`lf` its line feed) as libcsv would, when that needs nothing of libcsv:
    /// no quote, no CR but one right before the line feed, no field over the limit, and bytes that are ASCII or
    /// valid UTF-8 in a UTF-8 file. Fields are trimmed of spaces and tabs (libcsv's unquoted fields) and handed
    /// over in place, without a copy. False, with nothing changed, for any other line.
    @inline(__always)
    func splitLine(_ p: UnsafePointer<UInt8>, from: Int, to lf: Int) -> Bool {
        var e = lf
        let crlf = e > from && p[e - 1] == 0x0D
        if crlf { e -= 1 }
        var high = false
        var comma = false
        var anyBytes = false
        var s = from
        var i = from
        // The field list in locals while the line is split (stored back once, before the record is delivered): kept in
        // the reader object, each field's start and end were stored and its counters reloaded around every field.
        var fields = fieldCount
        var starts = self.starts
        var ends = self.ends
        var capacity = endCapacity
        let limit = maxFieldBytes
        /// Ends the field `s..<end` (trimmed as libcsv trims an unquoted field); false when it is over the limit.
        @inline(__always)
        func endField(_ end: Int) -> Bool {
            var a = s
            var b = end
            while a < b && (p[a] == 0x20 || p[a] == 0x09) { a += 1 }
            while b > a && (p[b - 1] == 0x20 || p[b - 1] == 0x09) { b -= 1 }
            if b - a > limit { return false }
            anyBytes = anyBytes || b > a
            if fields < capacity {
                starts[fields] = a
                ends[fields] = b
                fields += 1
            } else {
                fieldCount = fields
                pushField(a, b)  // grows the list
                (fields, starts, ends, capacity) = (fieldCount, self.starts, self.ends, endCapacity)
            }
            return true
        }
        // Eight bytes at a time: a quote or a CR anywhere sends the line to libcsv; commas end fields.
        let raw = UnsafeRawPointer(p)
        while i + 8 <= e {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            if zeroBytes(w ^ 0x2222_2222_2222_2222) | zeroBytes(w ^ 0x0D0D_0D0D_0D0D_0D0D) != 0 {
                fieldCount = 0
                return false
            }
            if w & 0x8080_8080_8080_8080 != 0 { high = true }
            var commas = zeroBytes(w ^ 0x2C2C_2C2C_2C2C_2C2C)
            while commas != 0 {
                let at = i + commas.trailingZeroBitCount / 8  // the lowest byte is the first
                guard endField(at) else {
                    fieldCount = 0
                    return false
                }
                comma = true
                s = at + 1
                commas &= commas - 1
            }
            i += 8
        }
        while true {
            let c: UInt8 = i < e ? p[i] : 0x2C
            if c == 0x2C {
                guard endField(i) else {
                    fieldCount = 0
                    return false
                }
                if i >= e { break }
                comma = true
                s = i + 1
            } else if c == 0x22 || c == 0x0D {
                fieldCount = 0
                return false
            } else if c >= 0x80 {
                high = true
            }
            i += 1
        }
        if high {
            guard encoding != .gb18030, isValidUTF8(UnsafeRawBufferPointer(start: p + from, count: e - from)) else {
                fieldCount = 0
                return false
            }
            sawNonASCII = true
        }
        if !comma && !anyBytes {
            // Nothing but spaces: libcsv begins no field and reports the line end(s) alone.
            fieldCount = 0
            if crlf { endRecord(0x0D) }
            endRecord(0x0A)
            return true
        }
        recordLine = line
        lastWasCR = false
        fieldCount = fields
        deliverRecord(base: p, empty: !anyBytes, trimmed: true)
        // libcsv ends the record at the CR, then reports the LF after it as a blank line.
        if crlf {
            line += 1
            lastWasCR = true
            endRecord(0x0A)
        } else {
            line += 1
        }
        return true
    }

    @inline(__always)
    func field(_ data: UnsafeMutableRawPointer?, _ len: Int) {
        if fieldCount == 0 { recordLine = line }
        fieldStart = byteCount
        lastWasCR = false
        guard len > 0, let data else {
            endField()
            return
        }
        let raw = UnsafeRawBufferPointer(start: data, count: len)
        // Any byte above 0x7F, any line break (a byte below 0x0E)? Eight bytes at a time, one pass:
        // most fields have neither, and then nothing else looks at their bytes.
        var high = false
        var breaks = false
        var i = 0
        while i + 8 <= len {
            let w = data.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if w & 0x8080_8080_8080_8080 != 0 { high = true }
            if (w &- 0x0E0E_0E0E_0E0E_0E0E) & ~w & 0x8080_8080_8080_8080 != 0 { breaks = true }
            if high && breaks { break }
            i += 8
        }
        if !(high && breaks) {
            while i < len {
                let c = raw[i]
                if c >= 0x80 { high = true } else if c < 0x0E { breaks = true }
                i += 1
            }
        }
        if breaks {
            // Line breaks inside a (quoted) field count toward the physical line: LF, CRLF and a lone CR.
            let b = data.assumingMemoryBound(to: UInt8.self)
            for k in 0..<len {
                if b[k] == 0x0A { line += 1 } else if b[k] == 0x0D && (k + 1 == len || b[k + 1] != 0x0A) { line += 1 }
            }
        }
        if len > maxFieldBytes {
            if fieldCount < 64 { oversized |= 1 << UInt64(fieldCount) }
            endField()
            return
        }
        if high && !encodingFailed {
            switch encoding {
            case .utf8, .utf8BOM:
                if isValidUTF8(raw) {
                    sawNonASCII = true
                    appendBytes(data, len)
                } else if encoding == .utf8 && !sawNonASCII, transcoder.convert(raw, into: &scratch) {
                    // Every earlier field was ASCII, which reads the same in both encodings.
                    encoding = .gb18030
                    scratch.withUnsafeBytes { appendBytes($0.baseAddress!, $0.count) }
                } else {
                    encodingFailed = true
                }
            case .gb18030:
                if transcoder.convert(raw, into: &scratch) {
                    scratch.withUnsafeBytes { if $0.count > 0 { appendBytes($0.baseAddress!, $0.count) } }
                } else {
                    encodingFailed = true
                }
            }
        } else {
            appendBytes(data, len)
        }
        endField()
    }

    @inline(__always)
    func endRecord(_ terminator: Int32) {
        // With CSV_REPALL_NL every CR and LF ends a (possibly blank) record: CRLF is one line end, a lone CR or LF one each.
        if terminator == 0x0D {
            line += 1
            lastWasCR = true
        } else if terminator == 0x0A {
            if !lastWasCR || fieldCount != 0 { line += 1 }
            lastWasCR = false
        }
        if encodingFailed { return }
        if fieldCount == 0 { return }  // a blank line
        deliverRecord(base: UnsafePointer(bytes), empty: byteCount == 0, trimmed: false)
    }

    /// Hands the record over (unless every field is empty: what Excel leaves below a table) and starts the next.
    @inline(__always)
    func deliverRecord(base: UnsafePointer<UInt8>, empty: Bool, trimmed: Bool) {
        if !empty || oversized != 0 {
            let rec = CSVRecord(
                line: recordLine, index: recordIndex, bytes: base, starts: UnsafePointer(starts), ends: UnsafePointer(ends),
                count: fieldCount, oversizedMask: oversized, fieldsTrimmed: trimmed)
            recordIndex += 1
            deliver(rec)
        }
        byteCount = 0
        fieldCount = 0
        oversized = 0
    }

    /// The exact byte offset of the first byte that makes the file invalid in
    /// the encoding it was read as (only computed on the error path).
    func firstInvalidOffset(fd: Int32, encoding: TextEncoding, chunkSize: Int) -> Int {
        guard lseek(fd, 0, SEEK_SET) == 0 else { return -1 }
        var all: [UInt8] = []
        let buf = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buf.deallocate() }
        // Scan in windows; a sequence never spans more than 4 bytes, so carry the tail.
        var base = 0
        while true {
            let n = Glibc.read(fd, buf, chunkSize)
            if n <= 0 { break }
            all.append(contentsOf: UnsafeRawBufferPointer(start: buf, count: n))
            let safeEnd = all.count - 4
            if safeEnd > 0 {
                let (bad, consumed) =
                    encoding == .gb18030
                    ? firstInvalidGB18030(all, limit: safeEnd) : firstInvalidUTF8(all, limit: safeEnd)
                if let bad { return base + bad }
                all.removeFirst(consumed)
                base += consumed
            }
        }
        let (bad, _) = encoding == .gb18030 ? firstInvalidGB18030(all, limit: all.count) : firstInvalidUTF8(all, limit: all.count)
        return bad.map { base + $0 } ?? base + all.count
    }
}

private let fieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { data, len, ctx in
    Unmanaged<ParseState>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { $0.field(data, len) }
}

private let recordCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { c, ctx in
    Unmanaged<ParseState>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { $0.endRecord(c) }
}

extension CSVReadError: KindedError {
    /// An operational failure (exit 70).
    public var kind: FailureKind { .operational }
}
