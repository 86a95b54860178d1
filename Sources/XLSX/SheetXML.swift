internal import CXlsxWriter
import PayrollCore

/// Worksheet rows as XML, written by this module instead of libxlsxwriter: the same bytes libxlsxwriter writes in
/// constant-memory mode (`<row r="3">`, inline strings, numbers as `%.16G` of the cell's double), without a C call
/// or a format string per cell. Used for the data rows of the large workbooks (`Workbook.close(into:streaming:)`).
public struct SheetXML: Sendable {
    /// The bytes, in memory of their own (a piece is written by one thread).
    final class Storage: @unchecked Sendable {
        var base: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = max(capacity, 256)
            base = .allocate(capacity: self.capacity)
        }

        deinit { base.deallocate() }

        /// Room for n more bytes.
        @inline(__always) func reserve(_ n: Int) {
            guard count + n > capacity else { return }
            var c = capacity * 2
            while c < count + n { c *= 2 }
            let b = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
            b.update(from: base, count: count)
            base.deallocate()
            base = b
            capacity = c
        }

        @inline(__always) func put(_ p: UnsafePointer<UInt8>, _ n: Int) {
            reserve(n)
            (base + count).update(from: p, count: n)
            count += n
        }

        @inline(__always) func put(_ s: StaticString) { put(s.utf8Start, s.utf8CodeUnitCount) }

        @inline(__always) func put(_ b: UInt8) {
            reserve(1)
            base[count] = b
            count += 1
        }

        func put(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { if let p = $0.baseAddress { put(p, $0.count) } } }
    }

    let out: Storage
    /// The first failure (a text longer than a cell holds), as libxlsxwriter would have reported it.
    public private(set) var failure: XLSXError?
    private var rowText: [UInt8] = []
    private var open = false
    private var pendingRow = false

    /// An empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 0) { out = Storage(capacity: capacity) }

    /// An empty buffer in `storage`'s memory (a worker's, reused piece after piece: no large block allocated per
    /// piece). Nothing else may use `storage` while this buffer is written.
    init(reusing storage: Storage) {
        storage.count = 0
        out = storage
    }

    /// How many bytes have been written.
    public var count: Int { out.count }

    /// The XML written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: out.base, count: out.count)) }

    /// Calls `body` with the XML written so far.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: out.base, count: out.count))
    }

    /// Starts row `row` (0-based). The row is written only if a cell is.
    public mutating func startRow(_ row: Int) {
        endRow()
        rowText.removeAll(keepingCapacity: true)
        SheetXML.appendDecimal(UInt64(row + 1), to: &rowText)
        pendingRow = true
    }

    /// Ends the current row.
    public mutating func endRow() {
        if open { out.put("</row>") }
        open = false
        pendingRow = false
    }

    private mutating func openRow() {
        guard pendingRow else { return }
        out.put("<row r=\"")
        out.put(rowText)
        out.put("\">")
        pendingRow = false
        open = true
    }

    /// Where the next cell starts, the row opened if it was not yet: for a row that has cells, a cell written later
    /// can be moved here (`moveTail`).
    public mutating func mark() -> Int {
        openRow()
        return out.count
    }

    /// Moves what was written since `start` back to `mark` (before what was written in between).
    public mutating func moveTail(from start: Int, to mark: Int) {
        guard start > mark, start < out.count else { return }
        let tail = Array(UnsafeBufferPointer(start: out.base + start, count: out.count - start))
        (out.base + mark + tail.count).update(from: out.base + mark, count: start - mark)
        tail.withUnsafeBufferPointer { (out.base + mark).update(from: $0.baseAddress!, count: tail.count) }
    }

    private mutating func cellStart(_ col: Int, _ style: Int32) {
        openRow()
        out.put("<c r=\"")
        ColumnNames.shared.append(col, to: out)
        out.put(rowText)
        if style != 0 {
            out.put("\" s=\"")
            SheetXML.appendDecimal(UInt64(style), to: out)
        }
        out.put(UInt8(ascii: "\""))
    }

    /// A text cell. As libxlsxwriter: an empty text is no cell (a blank one with a style); the text ends at a NUL;
    /// control characters other than tab and line feed become `_xHHHH_`; `&`, `<` and `>` are escaped; a text that
    /// starts or ends with a space, tab or line feed keeps it (`xml:space="preserve"`).
    public mutating func text(_ col: Int, _ s: String, style: Int32 = 0) {
        var s = s
        s.withUTF8 { u in
            let end = u.firstIndex(of: 0) ?? u.count
            if end == 0 {
                if style != 0 {
                    cellStart(col, style)
                    out.put("/>")
                }
                return
            }
            var chars = 0
            if end > 32_767 { for k in 0..<end where u[k] & 0xC0 != 0x80 { chars += 1 } }
            if chars > 32_767 {
                if failure == nil {
                    failure = XLSXError(
                        code: XLSXError.textTooLongCode, operation: "write cell",
                        detail: String(cString: lxw_strerror(LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)))
                }
                return
            }
            cellStart(col, style)
            out.put(" t=\"inlineStr\"><is>")
            let first = u[0]
            let last = u[end - 1]
            if SheetXML.isEdgeSpace(first) || SheetXML.isEdgeSpace(last) { out.put("<t xml:space=\"preserve\">") } else { out.put("<t>") }
            var plain = true
            for k in 0..<end {
                let b = u[k]
                if b < 0x20 || b == UInt8(ascii: "&") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") {
                    plain = false
                    break
                }
            }
            if plain {
                out.put(u.baseAddress!, end)
                out.put("</t></is></c>")
                return
            }
            for k in 0..<end {
                let b = u[k]
                switch b {
                case UInt8(ascii: "&"): out.put("&amp;")
                case UInt8(ascii: "<"): out.put("&lt;")
                case UInt8(ascii: ">"): out.put("&gt;")
                case 0x09, 0x0A: out.put(b)
                case 0x01...0x1F:
                    out.put("_x00")
                    out.put(SheetXML.hexDigit(b >> 4))
                    out.put(SheetXML.hexDigit(b & 15))
                    out.put(UInt8(ascii: "_"))
                default: out.put(b)
                }
            }
            out.put("</t></is></c>")
        }
    }

    /// An amount in fen, shown as yuan: the cell holds the double nearest fen / 100, as `Sheet.write(money:)` does.
    public mutating func money(_ col: Int, fen: Int64, style: Int32) { number(col, fen, scale: 2, style: style) }

    /// A six-place decimal (`Fixed.units`), as `Sheet.write(decimal:)` does.
    public mutating func decimal(_ col: Int, units: Int64, style: Int32) { number(col, units, scale: 6, style: style) }

    /// A whole number, as `Sheet.write(integer:)` does.
    public mutating func integer(_ col: Int, _ n: Int, style: Int32) { number(col, Int64(n), scale: 0, style: style) }

    private mutating func number(_ col: Int, _ n: Int64, scale: Int, style: Int32) {
        cellStart(col, style)
        out.put("><v>")
        out.reserve(32)
        out.count += SheetXML.g16(n, scale: scale, into: out.base + out.count)
        out.put("</v></c>")
    }

    /// C's `isspace` in the C locale, for the bytes that can remain at a text's ends after escaping.
    static func isEdgeSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A }

    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 55 + v }

    static func appendDecimal(_ v: UInt64, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            let n = decimal(v, into: buf.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress!, count: n))
        }
    }

    static func appendDecimal(_ v: UInt64, to out: Storage) {
        out.reserve(20)
        out.count += decimal(v, into: out.base + out.count)
    }

    /// Writes v's digits at p (at most 20); returns how many.
    @inline(__always) static func decimal(_ v: UInt64, into p: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 1
        var x = v
        while x >= 10 {
            x /= 10
            n += 1
        }
        x = v
        for k in stride(from: n - 1, through: 0, by: -1) {
            p[k] = 48 + UInt8(x % 10)
            x /= 10
        }
        return n
    }

    private static let powersOfTen: [Int64] = (0...18).map { k in (0..<k).reduce(Int64(1)) { a, _ in a * 10 } }

    /// Appends what C's `printf("%.16G", x)` prints for x = the double nearest n / 10^scale (scale 0…6): sixteen
    /// significant digits of that double's exact value, trailing zeros dropped.
    public static func appendG16(_ n: Int64, scale: Int, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buf in
            let k = g16(n, scale: scale, into: buf.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress!, count: k))
        }
    }

    /// `appendG16`'s text written at p (at most 32 bytes); returns its length. Computed from n and the division's
    /// exact rounding error; when the sixteenth digit is within a millionth of a tie, or the value needs an exponent,
    /// printf itself is asked.
    static func g16(_ n: Int64, scale: Int, into p: UnsafeMutablePointer<UInt8>) -> Int {
        if n == 0 {
            p[0] = UInt8(ascii: "0")
            return 1
        }
        let a = n.magnitude
        guard a < 1_000_000_000_000_000, scale >= 0, scale <= 6 else { return printf(n, scale: scale, into: p) }
        var w = 0
        if n < 0 {
            p[0] = UInt8(ascii: "-")
            w = 1
        }
        if scale == 0 { return w + decimal(a, into: p + w) }
        var digits = 1
        while digits < 18 && UInt64(powersOfTen[digits]) <= a { digits += 1 }
        let exponent = digits - 1 - scale  // of the leading digit of n / 10^scale
        guard exponent >= -4 else { return printf(n, scale: scale, into: p) }
        let ps = Double(powersOfTen[scale])
        let da = Double(a) / ps
        // da · 10^scale − a: da split into halves of 26 bits (Veltkamp), each product with 10^scale (20 bits at
        // most) is exact, hi · 10^scale − a is exact (Sterbenz: the two are within a factor of two), and the one
        // rounding left is far below the millionth of a digit that decides. (No fma: it is a libm call here.)
        let c = 134_217_729.0 * da
        let hi = c - (c - da)
        let lo = da - hi
        let err = (hi * ps - Double(a)) + lo * ps
        let t = 16 - digits
        // The error in units of the sixteenth digit: |frac| < 1.2 (a double's relative error is below 2^-52), so
        // the digit moves by at most one; comparisons instead of libm's rounding calls.
        let frac = err * Double(powersOfTen[t])
        let m = abs(frac)
        guard m < 1.4, abs(m - 0.5) > 1e-6, abs(m - 1.5) > 1e-6 else { return printf(n, scale: scale, into: p) }
        let k: Int64 = m < 0.5 ? 0 : (frac > 0 ? 1 : -1)
        let v = Int64(a) * powersOfTen[t] + k
        guard v >= powersOfTen[15], v < powersOfTen[16] else { return printf(n, scale: scale, into: p) }
        // v's sixteen digits, the decimal point after exponent + 1 of them, trailing zeros dropped.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buf in
            let text = buf.baseAddress!
            _ = decimal(UInt64(v), into: text)
            var last = 15
            while last > 0 && text[last] == 48 { last -= 1 }
            if exponent >= 0 {
                (p + w).update(from: text, count: exponent + 1)
                w += exponent + 1
                if last > exponent {
                    p[w] = UInt8(ascii: ".")
                    (p + w + 1).update(from: text + exponent + 1, count: last - exponent)
                    w += 1 + last - exponent
                }
            } else {
                p[w] = UInt8(ascii: "0")
                p[w + 1] = UInt8(ascii: ".")
                w += 2
                for _ in 0..<(-exponent - 1) {
                    p[w] = 48
                    w += 1
                }
                (p + w).update(from: text, count: last + 1)
                w += last + 1
            }
            return w
        }
    }

    /// printf's own `%.16G` of n / 10^scale.
    static func appendPrintf(_ n: Int64, scale: Int, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buf in
            let k = printf(n, scale: scale, into: buf.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress!, count: k))
        }
    }

    static func printf(_ n: Int64, scale: Int, into p: UnsafeMutablePointer<UInt8>) -> Int {
        let x = Double(n) / Double(powersOfTen[max(0, min(scale, 18))])
        return p.withMemoryRebound(to: CChar.self, capacity: 32) { c in
            let count = withVaList([x]) { vsnprintf(c, 32, "%.16G", $0) }
            return Int(max(0, min(count, 31)))
        }
    }
}

/// Excel's column letters (A … XFD) as bytes, made once.
final class ColumnNames: Sendable {
    static let shared = ColumnNames()
    private let names: [[UInt8]]

    private init() {
        names = (0..<16_384).map { Array(CellReference.column($0).utf8) }
    }

    func append(_ col: Int, to out: SheetXML.Storage) {
        if col >= 0 && col < names.count { out.put(names[col]) } else { out.put(Array(CellReference.column(col).utf8)) }
    }
}
