internal import CXlsxWriter
import PayrollCore

/// Worksheet rows as XML, written by this module instead of libxlsxwriter: the same bytes libxlsxwriter writes in
/// constant-memory mode (`<row r="3">`, inline strings, numbers as `%.16G` of the cell's double), without a C call
/// or a format string per cell. Used for the data rows of the large workbooks (`Workbook.close(into:streaming:)`).
public struct SheetXML: Sendable {
    /// The XML written so far.
    public internal(set) var bytes: [UInt8] = []
    /// The first failure (a text longer than a cell holds), as libxlsxwriter would have reported it.
    public private(set) var failure: XLSXError?
    private var rowText: [UInt8] = []
    private var open = false
    private var pendingRow = false

    /// An empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Starts row `row` (0-based). The row is written only if a cell is.
    public mutating func startRow(_ row: Int) {
        endRow()
        rowText.removeAll(keepingCapacity: true)
        SheetXML.appendDecimal(UInt64(row + 1), to: &rowText)
        pendingRow = true
    }

    /// Ends the current row.
    public mutating func endRow() {
        if open { append("</row>") }
        open = false
        pendingRow = false
    }

    private mutating func openRow() {
        guard pendingRow else { return }
        append("<row r=\"")
        bytes.append(contentsOf: rowText)
        append("\">")
        pendingRow = false
        open = true
    }

    /// Where the next cell starts, the row opened if it was not yet: for a row that has cells, a cell written later
    /// can be moved here (`moveTail`).
    public mutating func mark() -> Int {
        openRow()
        return bytes.count
    }

    /// Moves what was written since `start` back to `mark` (before what was written in between).
    public mutating func moveTail(from start: Int, to mark: Int) {
        guard start > mark, start < bytes.count else { return }
        let tail = Array(bytes[start...])
        bytes.removeSubrange(start...)
        bytes.insert(contentsOf: tail, at: mark)
    }

    private mutating func cellStart(_ col: Int, _ style: Int32) {
        openRow()
        append("<c r=\"")
        ColumnNames.shared.append(col, to: &bytes)
        bytes.append(contentsOf: rowText)
        if style != 0 {
            append("\" s=\"")
            SheetXML.appendDecimal(UInt64(style), to: &bytes)
        }
        bytes.append(UInt8(ascii: "\""))
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
                    append("/>")
                }
                return
            }
            var chars = 0
            for k in 0..<end where u[k] & 0xC0 != 0x80 { chars += 1 }
            if chars > 32_767 {
                if failure == nil {
                    failure = XLSXError(
                        code: XLSXError.textTooLongCode, operation: "write cell",
                        detail: String(cString: lxw_strerror(LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)))
                }
                return
            }
            cellStart(col, style)
            append(" t=\"inlineStr\"><is>")
            let first = u[0]
            let last = u[end - 1]
            append(SheetXML.isEdgeSpace(first) || SheetXML.isEdgeSpace(last) ? "<t xml:space=\"preserve\">" : "<t>")
            for k in 0..<end {
                let b = u[k]
                switch b {
                case UInt8(ascii: "&"): append("&amp;")
                case UInt8(ascii: "<"): append("&lt;")
                case UInt8(ascii: ">"): append("&gt;")
                case 0x09, 0x0A: bytes.append(b)
                case 0x01...0x1F:
                    append("_x00")
                    bytes.append(SheetXML.hexDigit(b >> 4))
                    bytes.append(SheetXML.hexDigit(b & 15))
                    bytes.append(UInt8(ascii: "_"))
                default: bytes.append(b)
                }
            }
            append("</t></is></c>")
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
        append("><v>")
        SheetXML.appendG16(n, scale: scale, to: &bytes)
        append("</v></c>")
    }

    private mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// C's `isspace` in the C locale, for the bytes that can remain at a text's ends after escaping.
    static func isEdgeSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A }

    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 55 + v }

    static func appendDecimal(_ v: UInt64, to out: inout [UInt8]) {
        if v < 10 {
            out.append(48 + UInt8(v))
            return
        }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &digits) { buf in
            while x > 0 {
                buf[n] = 48 + UInt8(x % 10)
                x /= 10
                n += 1
            }
            for k in stride(from: n - 1, through: 0, by: -1) { out.append(buf[k]) }
        }
    }

    private static let powersOfTen: [Int64] = (0...18).map { k in (0..<k).reduce(Int64(1)) { a, _ in a * 10 } }

    /// Appends what C's `printf("%.16G", x)` prints for x = the double nearest n / 10^scale (scale 0…6): sixteen
    /// significant digits of that double's exact value, trailing zeros dropped. Computed from n and the division's
    /// exact rounding error; when the sixteenth digit is within a millionth of a tie, or the value needs an exponent,
    /// printf itself is asked.
    public static func appendG16(_ n: Int64, scale: Int, to out: inout [UInt8]) {
        if n == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        let a = n.magnitude
        guard a < UInt64(powersOfTen[15]), scale >= 0, scale <= 6 else { return appendPrintf(n, scale: scale, to: &out) }
        if scale == 0 {
            if n < 0 { out.append(UInt8(ascii: "-")) }
            appendDecimal(a, to: &out)
            return
        }
        var digits = 1
        while digits < 18 && UInt64(powersOfTen[digits]) <= a { digits += 1 }
        let exponent = digits - 1 - scale  // of the leading digit of n / 10^scale
        guard exponent >= -4 else { return appendPrintf(n, scale: scale, to: &out) }
        let p = Double(powersOfTen[scale])
        let da = Double(a) / p
        let err = fmaError(da, p, a)
        let t = 16 - digits
        let frac = err * Double(powersOfTen[t])
        let distance = abs(abs(frac) - (abs(frac).rounded(.down) + 0.5))
        guard distance > 1e-6 else { return appendPrintf(n, scale: scale, to: &out) }
        let k = Int64(frac.rounded(.toNearestOrEven))
        let v = Int64(a) * powersOfTen[t] + k
        guard v >= powersOfTen[15], v < powersOfTen[16] else { return appendPrintf(n, scale: scale, to: &out) }
        // v's sixteen digits, the decimal point after exponent + 1 of them.
        var text = [UInt8](repeating: 48, count: 16)
        var x = v
        for k in stride(from: 15, through: 0, by: -1) {
            text[k] = 48 + UInt8(x % 10)
            x /= 10
        }
        var last = 15
        while last > 0 && text[last] == 48 { last -= 1 }
        if n < 0 { out.append(UInt8(ascii: "-")) }
        if exponent >= 0 {
            out.append(contentsOf: text[0...min(exponent, 15)])
            if last > exponent {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: text[(exponent + 1)...last])
            }
        } else {
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "."))
            for _ in 0..<(-exponent - 1) { out.append(48) }
            out.append(contentsOf: text[0...last])
        }
    }

    /// da · p − a, exactly: the product's error is a small multiple of a power of two, so fma's one rounding is exact.
    private static func fmaError(_ da: Double, _ p: Double, _ a: UInt64) -> Double {
        (-Double(a)).addingProduct(da, p)
    }

    /// printf's own `%.16G` of n / 10^scale.
    static func appendPrintf(_ n: Int64, scale: Int, to out: inout [UInt8]) {
        let x = Double(n) / Double(powersOfTen[max(0, min(scale, 18))])
        var buf = [CChar](repeating: 0, count: 48)
        let count = withVaList([x]) { vsnprintf(&buf, 48, "%.16G", $0) }
        for k in 0..<Int(max(0, min(count, 47))) { out.append(UInt8(bitPattern: buf[k])) }
    }
}

/// Excel's column letters (A … XFD) as bytes, made once.
final class ColumnNames: Sendable {
    static let shared = ColumnNames()
    private let names: [[UInt8]]

    private init() {
        names = (0..<16_384).map { Array(CellReference.column($0).utf8) }
    }

    func append(_ col: Int, to out: inout [UInt8]) {
        if col >= 0 && col < names.count { out.append(contentsOf: names[col]) } else { out.append(contentsOf: Array(CellReference.column(col).utf8)) }
    }
}
