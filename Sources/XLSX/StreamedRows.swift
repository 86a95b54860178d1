internal import CXlsxWriter
import Dispatch
import Foundation
import PayrollCore
import Synchronization

/// Data rows of one sheet that this module writes as XML (`SheetXML`) instead of handing them to libxlsxwriter
/// cell by cell. libxlsxwriter writes everything else of the workbook (its headers, totals, styles, panes and
/// filters); `Workbook.close(into:streaming:threads:)` puts the rows in after row `afterRow` of its sheet.
public struct StreamedRows: Sendable {
    /// The sheet, 0-based in the order the sheets were added.
    public let sheet: Int
    /// The rows go after this row (0-based) of what libxlsxwriter wrote for the sheet.
    public let afterRow: Int
    /// The sheet's last row (0-based) with them, for the sheet's dimension.
    public let lastRow: Int
    /// How many pieces `write` is asked for, in order; each is compressed on its own, in parallel.
    public let pieces: Int
    /// Writes piece k's rows (in row order; the pieces together in row order too).
    public let write: @Sendable (Int, inout SheetXML) -> Void

    /// Describes a sheet's streamed rows.
    public init(sheet: Int, afterRow: Int, lastRow: Int, pieces: Int, write: @escaping @Sendable (Int, inout SheetXML) -> Void) {
        self.sheet = sheet
        self.afterRow = afterRow
        self.lastRow = lastRow
        self.pieces = pieces
        self.write = write
    }
}

extension Workbook {
    /// ISA-L's level for the streamed sheets. On the register's XML, level 1 compresses at about 480 MB/s to 16% of
    /// its size (zlib: level 1 about 95 MB/s to 19%; libxlsxwriter's level 6 about 30 MB/s to 14%).
    public static let streamedLevel: Int32 = 1

    /// The number libxlsxwriter gives a cell style in this workbook (0 for none), numbering it now if it has none
    /// yet: libxlsxwriter numbers styles in the order they are first used and lists them so in the styles part.
    public func styleIndex(_ style: CellStyle?) -> Int32 {
        guard let f = format(style) else { return 0 }
        return Int32(lxw_format_get_xf_index(f))
    }

    /// Writes the workbook: libxlsxwriter writes its part to this workbook's path (a working file, removed after),
    /// then `into` is written with every part of it, each sheet of `streaming` with its rows put in. Their pieces are
    /// made and compressed on up to `threads` threads (0: one per processor); the bytes do not depend on the threads.
    /// Sizes and offsets from `zip64From` on are written as zip64 (4 GiB; the tests lower it).
    public func close(
        into final: String, streaming: [StreamedRows], threads: Int = 0, level: Int32 = streamedLevel, zip64From: UInt64 = 0xFFFF_FFFF
    ) throws {
        try close()
        let frame = path
        defer { unlink(frame) }
        do {
            let skeleton = try FileBytes.read(frame)
            let writer = try ZipWriter(path: final, zip64From: zip64From)
            for e in try Zip.entries(skeleton) {
                guard let rows = streaming.first(where: { Array("xl/worksheets/sheet\($0.sheet + 1).xml".utf8) == e.name }) else {
                    try writer.add(e, stored: try Zip.stored(skeleton, e))
                    continue
                }
                let (head, tail) = try Workbook.splice(try Zip.content(skeleton, e), rows: rows)
                try writer.begin(e)
                var crc = Zip.crc(head)
                var size = UInt64(head.count)
                try writer.append(try Zip.deflatePiece(head, level: level, final: false))
                let workers = threads > 0 ? threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
                // Each worker writes its pieces into one buffer of its own, reused (a register piece is about 7 MB of XML).
                let buffers = (0..<workers).map { _ in SheetXML.Storage(capacity: 1 << 22) }
                var next = 0
                while next < rows.pieces {
                    // One piece per worker at a time: each holds its XML (a few MiB) until the window is written, and
                    // two large workbooks are written at once at a million employees.
                    let window = min(rows.pieces - next, workers)
                    let first = next
                    let done = Mutex<[Result<(bytes: [UInt8], crc: UInt32, size: Int), any Error>?]>(Array(repeating: nil, count: window))
                    DispatchQueue.concurrentPerform(iterations: min(workers, window)) { w in
                        var j = w
                        while j < window {
                            let r = Result { () throws -> (bytes: [UInt8], crc: UInt32, size: Int) in
                                var xml = SheetXML(reusing: buffers[w])
                                rows.write(first + j, &xml)
                                xml.endRow()
                                if let f = xml.failure { throw f }
                                return try xml.withBytes { raw in
                                    (try Zip.deflatePiece(raw, level: level, final: false), Zip.crc(raw), raw.count)
                                }
                            }
                            done.withLock { $0[j] = r }
                            j += min(workers, window)
                        }
                    }
                    for r in done.withLock({ $0 }) {
                        let piece = try r!.get()
                        crc = Zip.crcCombine(crc, piece.crc, length: piece.size)
                        size += UInt64(piece.size)
                        try writer.append(piece.bytes)
                    }
                    next += window
                }
                crc = Zip.crcCombine(crc, Zip.crc(tail), length: tail.count)
                size += UInt64(tail.count)
                try writer.append(try Zip.deflatePiece(tail, level: level, final: true))
                try writer.end(crc: crc, size: size)
            }
            try writer.finish()
        } catch {
            unlink(final)
            throw error
        }
    }

    /// libxlsxwriter's sheet split where the rows go (after row `afterRow`'s `</row>`), its dimension extended to
    /// `lastRow`.
    static func splice(_ xml: [UInt8], rows: StreamedRows) throws -> (head: [UInt8], tail: [UInt8]) {
        func find(_ needle: [UInt8], from: Int) -> Int? {
            guard needle.count <= xml.count - from else { return nil }
            var k = from
            while k + needle.count <= xml.count {
                if xml[k] == needle[0] && xml[k..<(k + needle.count)].elementsEqual(needle) { return k }
                k += 1
            }
            return nil
        }
        guard let row = find(Array("<row r=\"\(rows.afterRow + 1)\"".utf8), from: 0),
            let close = find(Array("</row>".utf8), from: row)
        else { throw Zip.failure("sheet \(rows.sheet + 1) has no row \(rows.afterRow + 1) to follow") }
        var head = Array(xml[..<(close + 6)])
        let tail = Array(xml[(close + 6)...])
        let open = Array("<dimension ref=\"".utf8)
        guard let d = find(open, from: 0), d < row, let q = head[(d + open.count)...].firstIndex(of: UInt8(ascii: "\"")) else {
            throw Zip.failure("sheet \(rows.sheet + 1) has no dimension")
        }
        let ref = String(decoding: head[(d + open.count)..<q], as: UTF8.self)
        let parts = ref.split(separator: ":").map(String.init)
        let corner = parts.last ?? "A1"
        let letters = corner.prefix { $0.isLetter }
        let lastRow = max(Int(corner.dropFirst(letters.count)) ?? 1, rows.lastRow + 1)
        let extended = (parts.first ?? "A1") + ":" + letters + String(lastRow)
        head.replaceSubrange((d + open.count)..<q, with: Array((extended == corner + ":" + corner ? corner : extended).utf8))
        return (head, tail)
    }
}

/// A whole (small) file's bytes.
enum FileBytes {
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw Zip.failure("cannot read \(path)") }
        return [UInt8](data)
    }
}
