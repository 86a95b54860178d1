internal import CHarfBuzz
import Foundation
import PayrollCore

/// A drawing surface for one page: text, lines and gray boxes; units are points, origin top-left.
/// `PDFDocument` (cairo and pango) and `CompactPDF` (written directly) both draw on it.
public protocol PageCanvas: AnyObject {
    /// Draws text with its top-left (top-right for `.right` without a width) at (x, y); returns its height.
    /// `variable` marks text that changes from document to document (a name, a note): its glyphs are kept
    /// apart from the labels' so that the labels' font subset can be shared between documents.
    @discardableResult
    func draw(
        text s: String, x: Double, y: Double, size: Double, bold: Bool, align: TextAlign, width: Double?, gray: Double, variable: Bool
    ) -> Double
    /// Draws a line.
    func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, gray: Double)
    /// Fills a rectangle with a gray.
    func fill(x: Double, y: Double, width: Double, height: Double, gray: Double)
    /// Finishes and writes the file.
    func close() throws
}

extension PageCanvas {
    /// `draw(text:…)` with its usual defaults.
    @discardableResult
    public func text(
        _ s: String, x: Double, y: Double, size: Double, bold: Bool = false, align: TextAlign = .left, width: Double? = nil,
        gray: Double = 0, variable: Bool = false
    ) -> Double {
        draw(text: s, x: x, y: y, size: size, bold: bold, align: align, width: width, gray: gray, variable: variable)
    }

    /// A line, half a point wide and black unless told.
    public func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double = 0.5) {
        line(x1: x1, y1: y1, x2: x2, y2: y2, width: width, gray: 0)
    }
}

/// One TrueType font of a run, opened once: glyphs and advances for laying out text, and font subsets for
/// embedding (harfbuzz), compressed (zlib). The labels' subset is built once per run (`shareLabels`) and embedded
/// by every document; documents stay self-contained. Shared between threads.
public final class PDFFont: @unchecked Sendable {
    private let face: OpaquePointer
    private let subsetFace: OpaquePointer
    private let font: OpaquePointer
    /// Font units per em.
    let upem: Double
    /// hhea ascender, descender (negative) and line gap, in font units.
    let ascender: Double, descender: Double, lineGap: Double
    let bbox: [Int]
    let capHeight: Double
    /// The font descriptor's metrics, made once: every document embeds them.
    let descriptor: String
    /// The PostScript name, letters and digits only.
    let postScriptName: String
    /// The smallest code point of each glyph (ToUnicode of shared subsets, independent of which document came first).
    private let unicodeOf: [UInt32: UInt32]
    /// Glyphs every label subset holds, so that amounts never need a glyph of their own.
    let baseGlyphs: [UInt32]
    private let lock = NSLock()
    private var labels: EmbeddedFont?

    /// The TrueType font fontconfig finds for `family`; nil when it finds none of that family (another family
    /// substituted, or outlines that are not TrueType): then documents are drawn by cairo and pango instead.
    public init?(family: String) {
        guard let (file, index, postScript) = Self.locate(family: family), let blob = hb_blob_create_from_file_or_fail(file) else { return nil }
        defer { hb_blob_destroy(blob) }
        guard let face = hb_face_create(blob, UInt32(index)), hb_face_get_glyph_count(face) > 1 else { return nil }
        let glyf = hb_face_reference_table(face, Self.tag("glyf"))
        defer { hb_blob_destroy(glyf) }
        guard hb_blob_get_length(glyf) > 0, let font = hb_font_create(face), let sub = hb_subset_preprocess(face) else {
            hb_face_destroy(face)
            return nil
        }
        hb_face_make_immutable(face)
        hb_font_make_immutable(font)
        self.face = face
        self.font = font
        subsetFace = sub
        upem = Double(hb_face_get_upem(face))
        var extents = hb_font_extents_t()
        _ = hb_font_get_h_extents(font, &extents)
        ascender = Double(extents.ascender)
        descender = Double(extents.descender)
        lineGap = Double(extents.line_gap)
        var cap: hb_position_t = 0
        capHeight = hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap) != 0 ? Double(cap) : Double(extents.ascender)
        bbox = Self.headBox(face) ?? [0, Int(extents.descender), Int(upem), Int(extents.ascender)]
        descriptor = Self.descriptor(upem: upem, bbox: bbox, ascender: ascender, descender: descender, capHeight: capHeight)
        let ps = postScript.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        postScriptName = ps.isEmpty ? "Font" : ps
        var inverse: [UInt32: UInt32] = [:]
        let all = hb_set_create()
        defer { hb_set_destroy(all) }
        hb_face_collect_unicodes(face, all)
        var u = hb_codepoint_t.max  // HB_SET_VALUE_INVALID: start before the first
        while hb_set_next(all, &u) != 0 {
            var g: hb_codepoint_t = 0
            if hb_font_get_nominal_glyph(font, u, &g) != 0, inverse[g] == nil { inverse[g] = u }
        }
        unicodeOf = inverse
        var base: [UInt32] = []
        for s in "0123456789.,-+=¥ ".unicodeScalars {
            var g: hb_codepoint_t = 0
            if hb_font_get_nominal_glyph(font, s.value, &g) != 0 { base.append(g) }
        }
        baseGlyphs = Array(Set(base)).sorted()
    }

    deinit {
        hb_font_destroy(font)
        hb_face_destroy(subsetFace)
        hb_face_destroy(face)
    }

    static func tag(_ s: String) -> hb_tag_t {
        s.utf8.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// fontconfig's file, face index and PostScript name for `family`, only when the match is that family.
    static func locate(family: String) -> (String, Int32, String)? {
        guard FcInit() != 0, let pattern = FcPatternCreate() else { return nil }
        defer { FcPatternDestroy(pattern) }
        _ = FcPatternAddString(pattern, "family", family)
        _ = FcConfigSubstitute(nil, pattern, FcMatchPattern)
        FcDefaultSubstitute(pattern)
        var result = FcResultMatch
        guard let match = FcFontMatch(nil, pattern, &result) else { return nil }
        defer { FcPatternDestroy(match) }
        var value: UnsafeMutablePointer<FcChar8>?
        var k: Int32 = 0
        var same = false
        while FcPatternGetString(match, "family", k, &value) == FcResultMatch, let v = value {
            if String(cString: v).lowercased() == family.lowercased() { same = true }
            k += 1
        }
        guard same, FcPatternGetString(match, "file", 0, &value) == FcResultMatch, let file = value else { return nil }
        var index: Int32 = 0
        _ = FcPatternGetInteger(match, "index", 0, &index)
        var ps: UnsafeMutablePointer<FcChar8>?
        let name = FcPatternGetString(match, "postscriptname", 0, &ps) == FcResultMatch ? ps.map { String(cString: $0) } ?? "" : ""
        return (String(cString: file), index, name)
    }

    /// xMin, yMin, xMax, yMax from the head table.
    static func headBox(_ face: OpaquePointer) -> [Int]? {
        let head = hb_face_reference_table(face, tag("head"))
        defer { hb_blob_destroy(head) }
        var n: UInt32 = 0
        guard let p = hb_blob_get_data(head, &n), n >= 54 else { return nil }
        let b = UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self)
        return (0..<4).map { i in Int(Int16(bitPattern: UInt16(b[36 + 2 * i]) << 8 | UInt16(b[37 + 2 * i]))) }
    }

    /// The glyph of a code point, or nil when the font has none.
    func glyph(_ scalar: UInt32) -> UInt32? {
        var g: hb_codepoint_t = 0
        return hb_font_get_nominal_glyph(font, scalar, &g) != 0 ? g : nil
    }

    /// A glyph's advance in font units.
    func advance(_ glyph: UInt32) -> Double { Double(hb_font_get_glyph_h_advance(font, glyph)) }

    /// The labels' subset shared by the run's documents, once `shareLabels(of:)` has made it.
    var sharedLabels: EmbeddedFont? {
        lock.lock()
        defer { lock.unlock() }
        return labels
    }

    /// Makes the subset of `doc`'s labels (everything it drew that is not variable, and the digits) the one every
    /// later document embeds as its first font: built and compressed once. Call it with the run's first document
    /// before the others are drawn, so that which subset is shared does not depend on the threads. A document
    /// draws a label glyph this subset lacks (a section the first one did not have) from its own second subset.
    public func shareLabels(of doc: CompactPDF) throws {
        let made = try subset(glyphs: doc.labelGlyphs(), unicode: [:])
        lock.lock()
        defer { lock.unlock() }
        if labels == nil { labels = made }
    }

    /// The embedded subset holding `glyphs` (sorted, distinct). `used` gives the code point a document drew a glyph
    /// for (for extraction); any other glyph gets the font's own smallest code point for it.
    func subset(glyphs: [UInt32], unicode used: [UInt32: UInt32], level: Int32 = 6) throws -> EmbeddedFont {
        guard let input = hb_subset_input_create_or_fail() else { throw PDFError(message: "harfbuzz could not start a font subset") }
        defer { hb_subset_input_destroy(input) }
        let set = hb_subset_input_glyph_set(input)
        for g in glyphs { hb_set_add(set, g) }
        hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING.rawValue)
        let drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG)
        // What a PDF reader needs of a CIDFontType2 program: glyf, loca, head, hhea, hmtx, maxp (and OS/2, cmap).
        for t in ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern", "name", "post", "vhea", "vmtx", "gasp", "DSIG", "morx", "mort"] {
            hb_set_add(drop, Self.tag(t))
        }
        guard let plan = hb_subset_plan_create_or_fail(subsetFace, input) else {
            throw PDFError(message: "harfbuzz could not plan a font subset of \(glyphs.count) glyphs")
        }
        defer { hb_subset_plan_destroy(plan) }
        guard let result = hb_subset_plan_execute_or_fail(plan) else { throw PDFError(message: "harfbuzz could not subset the font") }
        defer { hb_face_destroy(result) }
        let map = hb_subset_plan_old_to_new_glyph_mapping(plan)
        let blob = hb_face_reference_blob(result)
        defer { hb_blob_destroy(blob) }
        var length: UInt32 = 0
        guard let data = hb_blob_get_data(blob, &length), length > 0 else { throw PDFError(message: "harfbuzz wrote an empty font subset") }
        let program = [UInt8](UnsafeRawBufferPointer(start: data, count: Int(length)))
        var cid: [UInt32: UInt16] = [:]
        var widths = "["
        var unicode: [(UInt16, UInt32)] = []
        for g in glyphs {
            let n = hb_map_get(map, g)
            guard n <= 0xFFFF else { throw PDFError(message: "harfbuzz lost glyph \(g) in a subset") }
            cid[g] = UInt16(n)
            widths += " \(n) [\(PDFNumber.format(advance(g) * 1000 / upem))]"
            if let u = used[g] ?? unicodeOf[g] { unicode.append((UInt16(n), u)) }
        }
        widths += " ]"
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for g in glyphs { hash = (hash ^ UInt64(g)) &* 0x100_0000_01b3 }
        let tag = String((0..<6).map { i in Character(Unicode.Scalar(UInt8(65 + (hash >> (UInt64(i) * 5)) % 26))) })
        return EmbeddedFont(
            name: "\(tag)+\(postScriptName)", cid: cid, program: try Deflate.compress(program, level: level), programLength: program.count,
            widths: widths, toUnicode: try Deflate.compress(Array(Self.toUnicode(unicode).utf8), level: level))
    }

    /// A ToUnicode CMap for CIDs.
    static func toUnicode(_ pairs: [(UInt16, UInt32)]) -> String {
        var s = """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange

            """
        var k = 0
        while k < pairs.count {
            let chunk = pairs[k..<min(k + 100, pairs.count)]
            s += "\(chunk.count) beginbfchar\n"
            for (c, u) in chunk { s += "<\(PDFNumber.hex4(c))> <\(PDFNumber.utf16Hex(u))>\n" }
            s += "endbfchar\n"
            k += 100
        }
        s += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
        return s
    }

    /// The font descriptor's metrics, in PDF glyph space (1/1000 em).
    static func descriptor(upem: Double, bbox: [Int], ascender: Double, descender: Double, capHeight: Double) -> String {
        let k = 1000 / upem
        let box = bbox.map { PDFNumber.format(Double($0) * k) }.joined(separator: " ")
        return "/Flags 4 /FontBBox [\(box)] /ItalicAngle 0 /Ascent \(PDFNumber.format(ascender * k)) "
            + "/Descent \(PDFNumber.format(descender * k)) /CapHeight \(PDFNumber.format(capHeight * k)) /StemV 80"
    }
}

/// A font subset ready to embed: its program and ToUnicode CMap compressed, its widths as a PDF array.
struct EmbeddedFont: @unchecked Sendable {
    /// The subset's name, a six-letter tag and the PostScript name.
    let name: String
    /// The font's glyph → the subset's glyph (the CID; CIDToGIDMap is Identity).
    let cid: [UInt32: UInt16]
    let program: [UInt8]
    let programLength: Int
    let widths: String
    let toUnicode: [UInt8]
}

/// zlib, for PDF streams.
enum Deflate {
    /// The level for what each document compresses for itself (its content, its own small subset): on a payslip's
    /// content level 4 takes about half the time of level 6 for 6% more bytes (about 80); what the run shares is
    /// compressed once at level 6.
    static let perDocument: Int32 = 4

    /// The window is the smallest that holds the whole input (at least 512 bytes, at most zlib's 32 KiB), so
    /// that compressing a small stream does not first clear zlib's full 256 KiB of state; the output is the
    /// same as with the full window, which could find nothing farther back than the input's start anyway.
    static func compress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        var bits: Int32 = 9
        while bits < 15 && (1 << bits) < bytes.count + 262 { bits += 1 }
        var z = z_stream()
        var rc = deflateInit2_(&z, level, Z_DEFLATED, bits, min(8, bits - 6), Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw PDFError(message: "zlib could not start compressing a PDF stream (\(rc))") }
        defer { deflateEnd(&z) }
        let bound = Int(deflateBound(&z, uLong(bytes.count)))
        var out = [UInt8](repeating: 0, count: bound)
        rc = bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                z.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                z.avail_in = uInt(input.count)
                z.next_out = output.baseAddress
                z.avail_out = uInt(output.count)
                return deflate(&z, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END else { throw PDFError(message: "zlib could not compress a PDF stream (\(rc))") }
        out.removeSubrange(Int(z.total_out)...)
        return out
    }
}

/// Bytes of a PDF being written: ASCII text, numbers and hex glyph codes appended without intermediate strings.
struct PDFBytes {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func put(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func put(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// A number with at most three decimals, no exponent, no trailing zeros (`PDFNumber.format`).
    mutating func number(_ v: Double) {
        let m = PDFNumber.thousandths(v)
        if m < 0 { bytes.append(UInt8(ascii: "-")) }
        let a = m.magnitude
        DecimalText.append(a / 1000, to: &bytes)
        var f = a % 1000
        if f != 0 {
            bytes.append(UInt8(ascii: "."))
            var div: UInt64 = 100
            while f != 0 {
                bytes.append(UInt8(48 + f / div))
                f %= div
                div /= 10
            }
        }
        bytes.append(UInt8(ascii: " "))
    }

    /// Four hex digits.
    mutating func hex4(_ v: UInt16) {
        let digits: StaticString = "0123456789ABCDEF"
        digits.withUTF8Buffer { d in
            for shift in [12, 8, 4, 0] { bytes.append(d[Int(v >> UInt16(shift)) & 15]) }
        }
    }
}

/// Numbers and strings as PDF writes them.
enum PDFNumber {
    /// `v` in thousandths, rounded half away from zero; 0 for what is no page coordinate (not finite, or beyond
    /// ±10^12), so that formatting never traps.
    static func thousandths(_ v: Double) -> Int64 {
        guard v.isFinite, v.magnitude < 1e12 else { return 0 }
        return Int64((v * 1000).rounded())
    }

    /// At most three decimals, no exponent, no trailing zeros (`PDFBytes.number` without its space).
    static func format(_ v: Double) -> String {
        var b = PDFBytes()
        b.number(v)
        return String(decoding: b.bytes.dropLast(), as: UTF8.self)
    }

    /// Four upper-case hex digits of a 16-bit code (`PDFBytes.hex4`).
    static func hex4(_ v: UInt16) -> String {
        var b = PDFBytes()
        b.hex4(v)
        return String(decoding: b.bytes, as: UTF8.self)
    }

    /// A code point as UTF-16BE hex (a surrogate pair above the BMP).
    static func utf16Hex(_ u: UInt32) -> String {
        guard let s = Unicode.Scalar(u) else { return "FFFD" }
        return String(s).utf16.map { hex4($0) }.joined()
    }

    /// A text string for the document information: UTF-16BE with its byte-order mark.
    static func textString(_ s: String) -> String {
        "<FEFF" + s.utf16.map { hex4($0) }.joined() + ">"
    }
}

/// A one-page PDF written directly: text is set glyph by glyph from the run's `PDFFont` (no shaping, which
/// the Chinese and Latin text of payslips does not need), lines and gray boxes as path operators. The labels'
/// glyphs go into a subset shared by the run (built and compressed once, see `PDFFont.shareLabels`), the other glyphs
/// into a small subset of this document's own; both are embedded, so the file stands alone. When a character
/// has no glyph in the font, `isComplete` is false and nothing should be written: draw it with `PDFDocument`,
/// whose pango falls back to another font.
public final class CompactPDF: PageCanvas {
    private struct Run {
        var x: Double
        var baseline: Double
        var size: Double
        var bold: Bool
        var gray: Double
        var glyphs: [UInt32]
        var advances: [Double]
        var variable: Bool
    }
    private enum Op {
        case line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, gray: Double)
        case fill(x: Double, y: Double, width: Double, height: Double, gray: Double)
        case text(Run)
    }

    /// Characters a line does not start with.
    private static let closing = Set("，。、：；！？）》」』".unicodeScalars.map(\.value))

    /// The PDF file.
    public let path: String
    private let font: PDFFont
    private let width: Double, height: Double
    private let title: String, author: String, created: Day
    private var ops: [Op] = []
    /// The code point each glyph of the variable text was drawn for (its subset's ToUnicode).
    private var used: [UInt32: UInt32] = [:]
    /// False once a character without a glyph in the font was drawn.
    public private(set) var isComplete = true

    /// A page of `width` × `height` points.
    public init(path: String, width: Double = 595.28, height: Double = 841.89, title: String, author: String, created: Day, font: PDFFont) {
        self.path = path
        self.font = font
        self.width = width
        self.height = height
        self.title = title
        self.author = author
        self.created = created
        ops.reserveCapacity(128)
    }

    /// Sets `s` from the run's font (wrapped to `width` when given); returns the height it took. A character
    /// without a glyph makes the document incomplete.
    @discardableResult
    public func draw(
        text s: String, x: Double, y: Double, size: Double, bold: Bool, align: TextAlign, width box: Double?, gray: Double, variable: Bool
    ) -> Double {
        var glyphs: [UInt32] = []
        var advances: [Double] = []
        var breakable: [Bool] = []  // a line may start at this glyph (only with a box)
        var spaces: [Bool] = []
        var previousWide = false
        let scale = size / font.upem
        for u in s.unicodeScalars {
            // A control character (a tab or line break in a note) is laid out by pango, as before: cairo draws it.
            guard u.value >= 0x20, let g = font.glyph(u.value) else {
                isComplete = false
                continue
            }
            if variable && used[g] == nil { used[g] = u.value }
            if box != nil {
                let wide = u.value >= 0x2E80
                breakable.append((spaces.last ?? false) || ((wide || previousWide) && !Self.closing.contains(u.value)))
                spaces.append(u == " ")
                previousWide = wide
            }
            glyphs.append(g)
            advances.append(font.advance(g) * scale)
        }
        let lineHeight = (font.ascender - font.descender + font.lineGap) * scale
        guard !glyphs.isEmpty else { return lineHeight }
        // Greedy lines within the box: break before a CJK character or after a space.
        var lines: [Range<Int>] = []
        if let box {
            var start = 0
            var lineWidth = 0.0
            var i = 0
            while i < glyphs.count {
                if lineWidth + advances[i] > box, i > start {
                    var cut = i
                    if let b = (start + 1...i).last(where: { breakable[$0] }) { cut = b }
                    var end = cut
                    while end > start && spaces[end - 1] { end -= 1 }
                    lines.append(start..<end)
                    start = cut
                    while start < glyphs.count && spaces[start] { start += 1 }
                    i = start
                    lineWidth = 0
                    continue
                }
                lineWidth += advances[i]
                i += 1
            }
            if start < glyphs.count { lines.append(start..<glyphs.count) }
        } else {
            lines = [0..<glyphs.count]
        }
        for (n, r) in lines.enumerated() {
            let w = advances[r].reduce(0, +)
            var left = x
            switch (align, box) {
            case (.right, nil): left = x - w
            case (.right, let b?): left = x + b - w
            case (.center, let b?): left = x + (b - w) / 2
            case (.center, nil): left = x - w / 2
            default: break
            }
            let top = y + Double(n) * lineHeight
            let one = lines.count == 1
            ops.append(
                .text(
                    Run(
                        x: left, baseline: height - (top + font.ascender * scale), size: size, bold: bold, gray: gray,
                        glyphs: one ? glyphs : Array(glyphs[r]), advances: one ? advances : Array(advances[r]), variable: variable)))
        }
        return Double(lines.count) * lineHeight
    }

    /// A stroked line, in points from the top left.
    public func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, gray: Double) {
        ops.append(.line(x1: x1, y1: y1, x2: x2, y2: y2, width: width, gray: gray))
    }

    /// A filled gray box, in points from the top left.
    public func fill(x: Double, y: Double, width w: Double, height h: Double, gray: Double) {
        ops.append(.fill(x: x, y: y, width: w, height: h, gray: gray))
    }

    /// The glyphs of everything drawn that is not variable, and the digits.
    func labelGlyphs() -> [UInt32] {
        var labels = Set(font.baseGlyphs)
        for case .text(let r) in ops where !r.variable { labels.formUnion(r.glyphs) }
        return labels.sorted()
    }

    /// Subsets the fonts, compresses the streams and writes the file.
    public func close() throws { _ = try closeReturningBytes() }

    /// `close()`, returning the bytes written (for a digest computed without reading the file again).
    public func closeReturningBytes() throws -> [UInt8] {
        guard isComplete else { throw PDFError(message: "a character has no glyph in the font; draw \(path) with cairo") }
        // The run's shared labels subset (or this document's labels), and a subset of its own for everything else.
        let shared = try font.sharedLabels ?? font.subset(glyphs: labelGlyphs(), unicode: [:], level: Deflate.perDocument)
        var own = Set<UInt32>()
        for case .text(let r) in ops { own.formUnion(r.glyphs.filter { shared.cid[$0] == nil }) }
        let extra = own.isEmpty ? nil : try font.subset(glyphs: own.sorted(), unicode: used, level: Deflate.perDocument)
        // Text state is only set when it changes; consecutive text shares one BT … ET.
        var c = PDFBytes(capacity: 8192)
        var inText = false
        var fontSize: (Bool, Double)?
        var mode: Int?
        var fillGray: Double?
        var strokeGray: Double?
        var lineWidth: Double?
        func endText() {
            if inText { c.put("ET\n") }
            inText = false
        }
        func stroke(_ gray: Double, _ width: Double) {
            if strokeGray != gray {
                c.number(gray)
                c.put("G ")
                strokeGray = gray
            }
            if lineWidth != width {
                c.number(width)
                c.put("w ")
                lineWidth = width
            }
        }
        func fill(_ gray: Double) {
            if fillGray != gray {
                c.number(gray)
                c.put("g ")
                fillGray = gray
            }
        }
        for op in ops {
            switch op {
            case .line(let x1, let y1, let x2, let y2, let w, let gray):
                endText()
                stroke(gray, w)
                c.number(x1)
                c.number(height - y1)
                c.put("m ")
                c.number(x2)
                c.number(height - y2)
                c.put("l S\n")
            case .fill(let x, let y, let w, let h, let gray):
                endText()
                fill(gray)
                c.number(x)
                c.number(height - y - h)
                c.number(w)
                c.number(h)
                c.put("re f\n")
            case .text(let r):
                if !inText { c.put("BT\n") }
                inText = true
                if r.bold { stroke(r.gray, r.size * 0.035) }
                if mode != (r.bold ? 2 : 0) {
                    c.put(r.bold ? "2 Tr " : "0 Tr ")
                    mode = r.bold ? 2 : 0
                }
                fill(r.gray)
                // Split the run where its glyphs change subset.
                var k = 0
                var x = r.x
                while k < r.glyphs.count {
                    let inShared = shared.cid[r.glyphs[k]] != nil
                    if fontSize?.0 != inShared || fontSize?.1 != r.size {
                        c.put(inShared ? "/F1 " : "/F2 ")
                        c.number(r.size)
                        c.put("Tf ")
                        fontSize = (inShared, r.size)
                    }
                    c.put("1 0 0 1 ")
                    c.number(x)
                    c.number(r.baseline)
                    c.put("Tm <")
                    while k < r.glyphs.count, let code = inShared ? shared.cid[r.glyphs[k]] : extra?.cid[r.glyphs[k]],
                        (shared.cid[r.glyphs[k]] != nil) == inShared
                    {
                        c.hex4(code)
                        x += r.advances[k]
                        k += 1
                    }
                    c.put("> Tj\n")
                }
            }
        }
        endText()
        let f = PDFNumber.format
        var out = PDFWriter()
        out.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        out.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        let fonts = extra == nil ? "/F1 6 0 R" : "/F1 6 0 R /F2 11 0 R"
        out.object(
            3,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(f(width)) \(f(height))] /Resources << /Font << \(fonts) >> >> /Contents 4 0 R >>"
        )
        out.stream(4, "", try Deflate.compress(c.bytes, level: Deflate.perDocument))
        let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
        let date = "(D:\(created.year)\(two(created.month))\(two(created.day))000000Z)"
        out.object(
            5,
            "<< /Title \(PDFNumber.textString(title)) /Author \(PDFNumber.textString(author)) /Creator (payroll) /Producer (payroll) "
                + "/CreationDate \(date) /ModDate \(date) >>")
        out.font(first: 6, shared, metrics: font.descriptor)
        if let extra { out.font(first: 11, extra, metrics: font.descriptor) }
        let file = out.finish()
        try file.write(to: path)
        return file.bytes
    }
}

/// PDF objects in order, with the cross-reference table at the end.
struct PDFWriter {
    private(set) var bytes: [UInt8] = Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
    private var offsets: [Int: Int] = [:]

    mutating func object(_ n: Int, _ body: String) {
        offsets[n] = bytes.count
        bytes += Array("\(n) 0 obj\n\(body)\nendobj\n".utf8)
    }

    /// A compressed stream; `dictionary` holds entries besides /Length and /Filter.
    mutating func stream(_ n: Int, _ dictionary: String, _ data: [UInt8]) {
        offsets[n] = bytes.count
        bytes += Array("\(n) 0 obj\n<< /Length \(data.count) /Filter /FlateDecode\(dictionary) >>\nstream\n".utf8)
        bytes += data
        bytes += Array("\nendstream\nendobj\n".utf8)
    }

    /// A Type0 font over a CIDFontType2 subset: objects first … first + 4.
    mutating func font(first n: Int, _ e: EmbeddedFont, metrics: String) {
        object(
            n, "<< /Type /Font /Subtype /Type0 /BaseFont /\(e.name) /Encoding /Identity-H /DescendantFonts [\(n + 1) 0 R] /ToUnicode \(n + 4) 0 R >>")
        object(
            n + 1,
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /\(e.name) /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                + "/FontDescriptor \(n + 2) 0 R /W \(e.widths) /CIDToGIDMap /Identity >>")
        object(n + 2, "<< /Type /FontDescriptor /FontName /\(e.name) \(metrics) /FontFile2 \(n + 3) 0 R >>")
        stream(n + 3, " /Length1 \(e.programLength)", e.program)
        stream(n + 4, "", e.toUnicode)
    }

    func finish() -> PDFFile { PDFFile(bytes: table()) }

    private func table() -> [UInt8] {
        var out = bytes
        let count = (offsets.keys.max() ?? 0) + 1
        let xref = out.count
        var table = "xref\n0 \(count)\n0000000000 65535 f \n"
        for k in 1..<count {
            let o = String(offsets[k] ?? 0)
            table += String(repeating: "0", count: 10 - o.count) + o + (offsets[k] == nil ? " 00000 f \n" : " 00000 n \n")
        }
        table += "trailer\n<< /Size \(count) /Root 1 0 R /Info 5 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        out += Array(table.utf8)
        return out
    }
}

/// A finished PDF's bytes.
struct PDFFile {
    let bytes: [UInt8]

    /// Writes the file with plain POSIX calls: the run folder is renamed into place when the run ends, so no
    /// file needs its own fsync (Foundation's `createFile` syncs each one, which dominated writing payslips).
    func write(to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PDFError(message: "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { _ = Glibc.close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw PDFError(message: "cannot write \(path): \(String(cString: strerror(errno)))") }
            done += n
        }
    }
}
