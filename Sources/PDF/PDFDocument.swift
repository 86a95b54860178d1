internal import CPangoCairo
internal import CQPDF
import PayrollCore

/// A PDF failure from cairo, pango or qpdf, translated in one place.
public struct PDFError: Error, CustomStringConvertible, Sendable {
    /// What failed.
    public let message: String
    /// The message.
    public var description: String { message }
}

/// Text alignment inside a box.
public enum TextAlign: Sendable { case left, right, center }

/// A PDF being drawn with cairo; text is laid out by pango, so Chinese is
/// shaped with a system CJK font that cairo embeds as a subset. Units are
/// points, origin top-left. One document per thread.
public final class PDFDocument: PageCanvas {
    private var surface: OpaquePointer?
    private var cr: OpaquePointer?
    /// The PDF file.
    public let path: String
    /// The font family text is set in.
    public let fontFamily: String

    /// - created: fixes the document's creation date (reproducible files).
    public init(
        path: String, width: Double = 595.28, height: Double = 841.89, title: String, author: String,
        created: Day, fontFamily: String = "WenQuanYi Micro Hei"
    ) throws {
        self.path = path
        self.fontFamily = fontFamily
        guard let s = cairo_pdf_surface_create(path, width, height), cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else {
            throw PDFError(message: "cannot create \(path)")
        }
        surface = s
        let date = String(format: "%04d-%02d-%02dT00:00:00Z", created.year, created.month, created.day)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, author)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "payroll")
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date)
        cr = cairo_create(s)
    }

    deinit {
        if let cr { cairo_destroy(cr) }
        if let surface { cairo_surface_destroy(surface) }
    }

    /// Draws text with its top-left (or top-right for `.right`) at (x, y); returns its height. pango lays it out
    /// (falling back to another font for a character this one lacks); `variable` makes no difference here.
    @discardableResult
    public func draw(
        text s: String, x: Double, y: Double, size: Double, bold: Bool, align: TextAlign, width: Double?, gray: Double, variable: Bool
    ) -> Double {
        guard let cr else { return 0 }
        let layout = pango_cairo_create_layout(cr)!
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let desc = pango_font_description_new()!
        defer { pango_font_description_free(desc) }
        pango_font_description_set_family(desc, fontFamily)
        pango_font_description_set_absolute_size(desc, size * Double(PANGO_SCALE))
        pango_font_description_set_weight(desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_layout_set_font_description(layout, desc)
        pango_layout_set_text(layout, s, -1)
        if let width {
            pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
            pango_layout_set_alignment(layout, align == .right ? PANGO_ALIGN_RIGHT : align == .center ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT)
        }
        var w: Int32 = 0
        var h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        var left = x
        if width == nil && align == .right { left = x - Double(w) / Double(PANGO_SCALE) }
        cairo_set_source_rgb(cr, gray, gray, gray)
        cairo_move_to(cr, left, y)
        pango_cairo_show_layout(cr, layout)
        return Double(h) / Double(PANGO_SCALE)
    }

    /// Draws a line.
    public func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, gray: Double) {
        guard let cr else { return }
        cairo_set_source_rgb(cr, gray, gray, gray)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x1, y1)
        cairo_line_to(cr, x2, y2)
        cairo_stroke(cr)
    }

    /// Fills a rectangle with a gray.
    public func fill(x: Double, y: Double, width: Double, height: Double, gray: Double) {
        guard let cr else { return }
        cairo_set_source_rgb(cr, gray, gray, gray)
        cairo_rectangle(cr, x, y, width, height)
        cairo_fill(cr)
    }

    /// Starts a new page.
    public func newPage() { if let cr { cairo_show_page(cr) } }

    /// Finishes and writes the file.
    public func close() throws {
        guard let cr, let surface else { return }
        cairo_destroy(cr)
        self.cr = nil
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        self.surface = nil
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PDFError(message: "cairo could not write \(path): \(String(cString: cairo_status_to_string(status)))")
        }
    }
}

/// AES-256 encryption (PDF 2.0 / R6) through qpdf.
public enum PDFEncryption {
    /// Rewrites `input` into `output` so that opening it needs `userPassword`;
    /// printing stays allowed, editing needs `ownerPassword`. AES-256 (R6)
    /// requires random salts and IVs, so an encrypted file differs from run to
    /// run although its decrypted content does not.
    public static func encryptAES256(input: String, output: String, userPassword: String, ownerPassword: String) throws {
        let q = qpdf_init()!
        var handle: qpdf_data? = q
        defer { qpdf_cleanup(&handle) }
        func check(_ code: QPDF_ERROR_CODE, _ what: String) throws {
            if code & QPDF_ERRORS != 0 {
                var msg = "qpdf \(what) failed"
                if let e = qpdf_get_error(q), let text = qpdf_get_error_full_text(q, e) { msg += ": " + String(cString: text) }
                throw PDFError(message: msg)
            }
        }
        try check(qpdf_read(q, input, nil), "read")
        try check(qpdf_init_write(q, output), "init write")
        qpdf_set_r6_encryption_parameters2(
            q, userPassword, ownerPassword,
            QPDF_TRUE, QPDF_TRUE, QPDF_TRUE, QPDF_TRUE, QPDF_TRUE, QPDF_FALSE,
            qpdf_r3p_full, QPDF_TRUE)
        try check(qpdf_write(q), "write")
    }
}

/// qpdf's structural check of a PDF: the xref table, every object and stream, the page tree.
public enum PDFCheck {
    /// qpdf's errors and warnings for the file at `path` (empty when it is sound).
    public static func problems(path: String) -> [String] {
        let q = qpdf_init()!
        var handle: qpdf_data? = q
        defer { qpdf_cleanup(&handle) }
        qpdf_silence_errors(q)
        qpdf_set_suppress_warnings(q, QPDF_TRUE)
        var found: [String] = []
        func collect(_ code: QPDF_ERROR_CODE) {
            while qpdf_more_warnings(q) != QPDF_FALSE {
                if let w = qpdf_next_warning(q), let t = qpdf_get_error_full_text(q, w) { found.append(String(cString: t)) }
            }
            if code & QPDF_ERRORS != 0 {
                found.append(qpdf_get_error(q).flatMap { qpdf_get_error_full_text(q, $0) }.map { String(cString: $0) } ?? "qpdf: an error")
            }
        }
        let read = qpdf_read(q, path, nil)
        collect(read)
        if read & QPDF_ERRORS == 0 { collect(qpdf_check_pdf(q)) }
        return found
    }
}

extension PDFError: KindedError {
    /// An operational failure (exit 70).
    public var kind: FailureKind { .operational }
}
