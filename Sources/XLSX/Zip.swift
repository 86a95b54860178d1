internal import CISAL
internal import CXlsxWriter
import Foundation
import PayrollCore

/// One file of a zip archive, as its central directory describes it.
struct ZipEntry {
    var name: [UInt8]
    var madeBy: UInt16
    var flags: UInt16
    var method: UInt16
    var time: UInt16
    var date: UInt16
    var crc: UInt32
    var compressed: UInt64
    var size: UInt64
    var internalAttributes: UInt16
    var externalAttributes: UInt32
    var localOffset: UInt64
}

/// The little a workbook writer needs of zip: reading libxlsxwriter's archive back (central directory, an entry's
/// bytes) and writing a new one whose large entries are compressed in parallel pieces (APPNOTE.TXT 6.3; zip64 where
/// an entry or offset passes 4 GiB).
enum Zip {
    static func failure(_ what: String) -> XLSXError { XLSXError(code: -1, operation: "zip", detail: what) }

    private static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { UInt32(u16(b, at)) | UInt32(u16(b, at + 2)) << 16 }
    private static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { UInt64(u32(b, at)) | UInt64(u32(b, at + 4)) << 32 }

    /// The entries of an archive held in memory, in central-directory order.
    static func entries(_ b: [UInt8]) throws -> [ZipEntry] {
        guard b.count >= 22 else { throw failure("archive too short") }
        var end = -1
        var k = b.count - 22
        while k >= max(0, b.count - 22 - 65_535) {
            if u32(b, k) == 0x0605_4B50 {
                end = k
                break
            }
            k -= 1
        }
        guard end >= 0 else { throw failure("no end of central directory") }
        var count = UInt64(u16(b, end + 10))
        var offset = UInt64(u32(b, end + 16))
        if (count == 0xFFFF || offset == 0xFFFF_FFFF) && end >= 20 && u32(b, end - 20) == 0x0706_4B50 {
            let z = Int(u64(b, end - 20 + 8))
            guard z + 56 <= b.count, u32(b, z) == 0x0606_4B50 else { throw failure("bad zip64 end record") }
            count = u64(b, z + 32)
            offset = u64(b, z + 48)
        }
        var out: [ZipEntry] = []
        var p = Int(offset)
        for _ in 0..<count {
            guard p + 46 <= b.count, u32(b, p) == 0x0201_4B50 else { throw failure("bad central directory entry") }
            let nameLength = Int(u16(b, p + 28))
            let extraLength = Int(u16(b, p + 30))
            let commentLength = Int(u16(b, p + 32))
            guard p + 46 + nameLength + extraLength + commentLength <= b.count else { throw failure("central directory entry past the end") }
            var e = ZipEntry(
                name: Array(b[(p + 46)..<(p + 46 + nameLength)]), madeBy: u16(b, p + 4), flags: u16(b, p + 8), method: u16(b, p + 10),
                time: u16(b, p + 12), date: u16(b, p + 14), crc: u32(b, p + 16), compressed: UInt64(u32(b, p + 20)),
                size: UInt64(u32(b, p + 24)), internalAttributes: u16(b, p + 36), externalAttributes: u32(b, p + 38),
                localOffset: UInt64(u32(b, p + 42)))
            // Zip64 values follow in this order, each present only when its 32-bit field is all ones.
            var x = p + 46 + nameLength
            let extraEnd = x + extraLength
            while x + 4 <= extraEnd {
                let id = u16(b, x)
                let length = Int(u16(b, x + 2))
                if id == 1 {
                    var q = x + 4
                    if e.size == 0xFFFF_FFFF && q + 8 <= x + 4 + length {
                        e.size = u64(b, q)
                        q += 8
                    }
                    if e.compressed == 0xFFFF_FFFF && q + 8 <= x + 4 + length {
                        e.compressed = u64(b, q)
                        q += 8
                    }
                    if e.localOffset == 0xFFFF_FFFF && q + 8 <= x + 4 + length { e.localOffset = u64(b, q) }
                }
                x += 4 + length
            }
            out.append(e)
            p += 46 + nameLength + extraLength + commentLength
        }
        return out
    }

    /// An entry's stored (compressed) bytes.
    static func stored(_ b: [UInt8], _ e: ZipEntry) throws -> ArraySlice<UInt8> {
        let p = Int(e.localOffset)
        guard p + 30 <= b.count, u32(b, p) == 0x0403_4B50 else { throw failure("bad local header") }
        let start = p + 30 + Int(u16(b, p + 26)) + Int(u16(b, p + 28))
        guard start + Int(e.compressed) <= b.count else { throw failure("entry past the end") }
        return b[start..<(start + Int(e.compressed))]
    }

    /// An entry's content.
    static func content(_ b: [UInt8], _ e: ZipEntry) throws -> [UInt8] {
        let data = try stored(b, e)
        if e.method == 0 { return Array(data) }
        guard e.method == 8 else { throw failure("compression method \(e.method)") }
        var out = [UInt8](repeating: 0, count: Int(e.size))
        var z = z_stream()
        guard inflateInit2_(&z, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw failure("inflate") }
        defer { inflateEnd(&z) }
        let rc = data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                z.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                z.avail_in = uInt(input.count)
                z.next_out = output.baseAddress
                z.avail_out = uInt(output.count)
                return inflate(&z, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END, z.total_out == e.size else { throw failure("entry does not inflate to its size") }
        return out
    }

    /// A piece of a raw deflate stream, compressed by ISA-L at `level` (0…3): `final` ends the stream; otherwise
    /// the piece ends on a byte boundary (a sync flush) so that the next piece, compressed on its own, can follow it
    /// (as pigz does).
    static func deflatePiece(_ raw: [UInt8], level: Int32, final: Bool) throws -> [UInt8] {
        try raw.withUnsafeBufferPointer { try deflatePiece($0, level: level, final: final) }
    }

    /// The same from memory.
    static func deflatePiece(_ raw: UnsafeBufferPointer<UInt8>, level: Int32, final: Bool) throws -> [UInt8] {
        guard level >= 0 && level <= 3, raw.count < Int(UInt32.max) else { throw failure("deflate level \(level)") }
        var z = isal_zstream()
        isal_deflate_init(&z)
        let levelBuffer = withUnsafeBytes(of: payroll_isal_level_buffer) { $0.load(fromByteOffset: 4 * Int(level), as: UInt32.self) }
        let work = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, Int(levelBuffer)))
        defer { work.deallocate() }
        z.level = UInt32(level)
        z.level_buf = work
        z.level_buf_size = levelBuffer
        z.flush = UInt16(SYNC_FLUSH)
        z.end_of_stream = final ? 1 : 0
        z.gzip_flag = UInt16(IGZIP_DEFLATE)
        // Room for the worst case, uninitialized: only the pages deflate writes are touched.
        var out = [UInt8](unsafeUninitializedCapacity: raw.count + raw.count / 8 + 4_096) { _, n in n = raw.count + raw.count / 8 + 4_096 }
        z.next_in = UnsafeMutablePointer(mutating: raw.baseAddress)
        z.avail_in = UInt32(raw.count)
        while true {
            let done = Int(z.total_out)
            let rc = out.withUnsafeMutableBufferPointer { output -> Int32 in
                z.next_out = output.baseAddress! + done
                z.avail_out = UInt32(output.count - done)
                return isal_deflate(&z)
            }
            guard rc == COMP_OK else { throw failure("deflate failed (\(rc))") }
            let finished = final ? z.internal_state.state == ZSTATE_END : z.avail_in == 0 && z.internal_state.state == ZSTATE_NEW_HDR
            if finished || (z.avail_in == 0 && z.avail_out > 0 && !final) { break }
            if z.avail_out == 0 { out.append(contentsOf: [UInt8](repeating: 0, count: out.count / 2 + 4_096)) }
        }
        // An exact-size copy: a piece waits for the others of its window, and the room above would be kept with it.
        return Array(out[..<Int(z.total_out)])
    }

    /// CRC-32 of bytes.
    static func crc(_ raw: [UInt8]) -> UInt32 {
        raw.withUnsafeBufferPointer { crc($0) }
    }

    /// CRC-32 of bytes in memory.
    static func crc(_ raw: UnsafeBufferPointer<UInt8>) -> UInt32 { UInt32(crc32(0, raw.baseAddress, uInt(raw.count))) }

    /// The CRC-32 of a ‖ b from theirs.
    static func crcCombine(_ a: UInt32, _ b: UInt32, length: Int) -> UInt32 {
        UInt32(crc32_combine(uLong(a), uLong(b), off_t(length)))
    }
}

/// A zip archive written front to back with POSIX calls; a streamed entry's local header is filled in when the
/// entry ends.
final class ZipWriter {
    private let fd: Int32
    private let path: String
    private var offset: UInt64 = 0
    private var central: [ZipEntry] = []
    private var buffer: [UInt8] = []
    private var streamed: (entry: ZipEntry, header: UInt64)?
    /// Sizes and offsets from this on are written as zip64 (4 GiB; lower only to test the zip64 records).
    let limit: UInt64

    init(path: String, zip64From limit: UInt64 = 0xFFFF_FFFF) throws {
        self.path = path
        self.limit = limit
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Zip.failure("cannot create \(path): \(String(cString: strerror(errno)))") }
        buffer.reserveCapacity(1 << 20)
    }

    deinit { _ = Glibc.close(fd) }

    private func put16(_ v: UInt16) {
        buffer.append(UInt8(v & 0xFF))
        buffer.append(UInt8(v >> 8))
    }
    private func put32(_ v: UInt32) {
        put16(UInt16(v & 0xFFFF))
        put16(UInt16(v >> 16))
    }
    private func put64(_ v: UInt64) {
        put32(UInt32(v & 0xFFFF_FFFF))
        put32(UInt32(v >> 32))
    }

    private func flush() throws {
        var done = 0
        while done < buffer.count {
            let n = buffer[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Zip.failure("cannot write \(path): \(String(cString: strerror(errno)))") }
            done += n
        }
        offset += UInt64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    private func localHeader(_ e: ZipEntry, zip64: Bool) {
        put32(0x0403_4B50)
        put16(zip64 ? 45 : 20)
        put16(e.flags)
        put16(e.method)
        put16(e.time)
        put16(e.date)
        put32(e.crc)
        put32(zip64 ? 0xFFFF_FFFF : UInt32(e.compressed))
        put32(zip64 ? 0xFFFF_FFFF : UInt32(e.size))
        put16(UInt16(e.name.count))
        put16(zip64 ? 20 : 0)
        buffer.append(contentsOf: e.name)
        if zip64 {
            put16(1)
            put16(16)
            put64(e.size)
            put64(e.compressed)
        }
    }

    /// Adds an entry whose stored bytes are already known (copied from another archive).
    func add(_ template: ZipEntry, stored: ArraySlice<UInt8>) throws {
        var e = template
        e.flags &= ~0x0008  // the sizes are in the header: no data descriptor follows
        e.localOffset = offset + UInt64(buffer.count)
        e.compressed = UInt64(stored.count)
        let large = e.size >= limit || e.compressed >= limit
        localHeader(e, zip64: large)
        buffer.append(contentsOf: stored)
        central.append(e)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Starts an entry whose deflated pieces follow (`append`); `end` fills in its sizes and CRC.
    func begin(_ template: ZipEntry) throws {
        var e = template
        e.flags &= ~0x0008
        e.method = 8
        e.crc = 0
        e.size = 0
        e.compressed = 0
        try flush()
        e.localOffset = offset
        localHeader(e, zip64: true)
        streamed = (e, offset)
        try flush()
    }

    /// Appends deflated bytes to the started entry.
    func append(_ piece: [UInt8]) throws {
        buffer.append(contentsOf: piece)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Ends the started entry.
    func end(crc: UInt32, size: UInt64) throws {
        guard let started = streamed else { throw Zip.failure("no entry started") }
        defer { streamed = nil }
        var e = started.entry
        let at = started.header
        try flush()
        e.crc = crc
        e.size = size
        e.compressed = offset - at - 30 - UInt64(e.name.count) - 20
        let saved = buffer
        buffer = []
        localHeader(e, zip64: true)
        let header = buffer
        buffer = saved
        let n = header.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(at)) }
        guard n == header.count else { throw Zip.failure("cannot write \(path): \(String(cString: strerror(errno)))") }
        central.append(e)
    }

    /// Writes the central directory and closes the archive.
    func finish() throws {
        try flush()
        let start = offset
        for e in central {
            let big = e.size >= limit || e.compressed >= limit || e.localOffset >= limit
            var extra: [UInt64] = []
            if e.size >= limit { extra.append(e.size) }
            if e.compressed >= limit { extra.append(e.compressed) }
            if e.localOffset >= limit { extra.append(e.localOffset) }
            put32(0x0201_4B50)
            put16(e.madeBy)
            put16(big ? 45 : 20)
            put16(e.flags)
            put16(e.method)
            put16(e.time)
            put16(e.date)
            put32(e.crc)
            put32(e.compressed >= limit ? 0xFFFF_FFFF : UInt32(e.compressed))
            put32(e.size >= limit ? 0xFFFF_FFFF : UInt32(e.size))
            put16(UInt16(e.name.count))
            put16(extra.isEmpty ? 0 : UInt16(4 + 8 * extra.count))
            put16(0)
            put16(0)
            put16(e.internalAttributes)
            put32(e.externalAttributes)
            put32(e.localOffset >= limit ? 0xFFFF_FFFF : UInt32(e.localOffset))
            buffer.append(contentsOf: e.name)
            if !extra.isEmpty {
                put16(1)
                put16(UInt16(8 * extra.count))
                for v in extra { put64(v) }
            }
            if buffer.count >= 1 << 20 { try flush() }
        }
        try flush()
        let size = offset - start
        let count = UInt64(central.count)
        let zip64 = start >= limit || size >= limit || count >= 0xFFFF
        if zip64 {
            let record = offset
            put32(0x0606_4B50)
            put64(44)
            put16(45)
            put16(45)
            put32(0)
            put32(0)
            put64(count)
            put64(count)
            put64(size)
            put64(start)
            put32(0x0706_4B50)
            put32(0)
            put64(record)
            put32(1)
        }
        put32(0x0605_4B50)
        put16(0)
        put16(0)
        put16(zip64 ? 0xFFFF : UInt16(count))
        put16(zip64 ? 0xFFFF : UInt16(count))
        put32(zip64 ? 0xFFFF_FFFF : UInt32(size))
        put32(zip64 ? 0xFFFF_FFFF : UInt32(start))
        put16(0)
        try flush()
    }
}
