internal import CXlsxWriter
import PayrollCore

/// A libxlsxwriter failure, translated from its C error code in one place.
public struct XLSXError: Error, CustomStringConvertible, Sendable {
    /// libxlsxwriter's error code.
    public let code: Int32
    /// What was being done.
    public let operation: String
    /// libxlsxwriter's message.
    public let detail: String
    /// The failure in words.
    public var description: String { "xlsx \(operation) failed: \(detail) (lxw_error \(code))" }

    /// libxlsxwriter's code for a text longer than a cell holds (32,767 characters).
    public static let textTooLongCode = Int32(LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED.rawValue)

    static func check(_ err: lxw_error, _ operation: String) throws {
        guard err != LXW_NO_ERROR else { return }
        throw XLSXError(code: Int32(err.rawValue), operation: operation, detail: String(cString: lxw_strerror(err)))
    }
}

/// Cell formats a workbook can use; each is created once per workbook.
public enum CellStyle: Hashable, Sendable {
    case header, text, money, decimal2, integer, totalLabel, totalMoney, date
    /// A row of field codes under a header of labels: small grey text.
    case code
}

/// One .xlsx file being written. Owns the C handle and frees it on close or deinit.
public final class Workbook {
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [CellStyle: UnsafeMutablePointer<lxw_format>] = [:]
    /// The file being written.
    public let path: String

    /// - constantMemory: rows are flushed as they are written (rows must then go in order).
    /// - created: the document's creation time (for reproducible files), as y/m/d.
    public init(path: String, constantMemory: Bool = false, created: Day? = nil) throws {
        self.path = path
        var opts = lxw_workbook_options()
        opts.constant_memory = constantMemory ? 1 : 0
        opts.use_zip64 = 1
        guard let h = workbook_new_opt(path, &opts) else {
            throw XLSXError(code: -1, operation: "create \(path)", detail: "workbook_new_opt returned NULL")
        }
        handle = h
        var props = lxw_doc_properties()
        if let created {
            var t = tm()
            t.tm_year = Int32(created.year - 1900)
            t.tm_mon = Int32(created.month - 1)
            t.tm_mday = Int32(created.day)
            props.created = timegm(&t)
        } else {
            props.created = 0
        }
        try XLSXError.check(workbook_set_properties(h, &props), "set properties")
        for style in [CellStyle.header, .text, .money, .decimal2, .integer, .totalLabel, .totalMoney, .date] {
            let f = workbook_add_format(h)!
            switch style {
            case .header:
                format_set_bold(f)
                format_set_bg_color(f, 0xDDEBF7)
                format_set_border(f, UInt8(LXW_BORDER_THIN.rawValue))
                format_set_text_wrap(f)
            case .text: format_set_num_format(f, "@")
            case .money: format_set_num_format(f, "#,##0.00")
            case .decimal2: format_set_num_format(f, "0.00")
            case .integer: format_set_num_format(f, "0")
            case .code:
                format_set_font_size(f, 8)
                format_set_font_color(f, 0x808080)
                format_set_bg_color(f, 0xF2F2F2)
                format_set_num_format(f, "@")
            case .totalLabel:
                format_set_bold(f)
                format_set_top(f, UInt8(LXW_BORDER_DOUBLE.rawValue))
            case .totalMoney:
                format_set_bold(f)
                format_set_num_format(f, "#,##0.00")
                format_set_top(f, UInt8(LXW_BORDER_DOUBLE.rawValue))
            case .date: format_set_num_format(f, "yyyy-mm-dd")
            }
            formats[style] = f
        }
    }

    deinit {
        if let h = handle { workbook_close(h) }
    }

    /// Adds a worksheet.
    public func addSheet(_ name: String) throws -> Sheet {
        guard let h = handle else { throw XLSXError(code: -1, operation: "add sheet", detail: "workbook already closed") }
        var err = lxw_error(rawValue: 0)
        err = workbook_validate_sheet_name(h, name)
        try XLSXError.check(err, "add sheet \(name)")
        guard let s = workbook_add_worksheet(h, name) else {
            throw XLSXError(code: -1, operation: "add sheet \(name)", detail: "workbook_add_worksheet returned NULL")
        }
        return Sheet(handle: s, workbook: self)
    }

    func format(_ s: CellStyle?) -> UnsafeMutablePointer<lxw_format>? { s.flatMap { formats[$0] } }

    /// A chart to be placed on a sheet with `Sheet.insert(chart:row:col:)`.
    public func addChart(_ kind: ChartKind, title: String) throws -> Chart {
        guard let h = handle, let c = workbook_add_chart(h, kind.lxw) else {
            throw XLSXError(code: -1, operation: "add chart", detail: "workbook_add_chart returned NULL")
        }
        chart_title_set_name(c, title)
        return Chart(handle: c)
    }

    /// Writes the file. After this the workbook cannot be used.
    public func close() throws {
        guard let h = handle else { return }
        handle = nil
        try XLSXError.check(workbook_close(h), "write \(path)")
    }
}

/// A worksheet; valid while its workbook is open.
public final class Sheet {
    private let handle: UnsafeMutablePointer<lxw_worksheet>
    private let workbook: Workbook

    init(handle: UnsafeMutablePointer<lxw_worksheet>, workbook: Workbook) {
        self.handle = handle
        self.workbook = workbook
    }

    /// Text is always written as a string, never as a formula, whatever it starts with.
    public func write(_ row: Int, _ col: Int, text: String, style: CellStyle? = nil) throws {
        try XLSXError.check(worksheet_write_string(handle, lxw_row_t(row), lxw_col_t(col), text, workbook.format(style)), "write cell")
    }

    /// Money is written as a number in yuan (the cell shows two decimals).
    public func write(_ row: Int, _ col: Int, money: Money, style: CellStyle = .money) throws {
        try XLSXError.check(
            worksheet_write_number(handle, lxw_row_t(row), lxw_col_t(col), xlsxNumber(fen: money.fen), workbook.format(style)), "write cell")
    }

    /// Writes a six-place decimal.
    public func write(_ row: Int, _ col: Int, decimal: Fixed, style: CellStyle = .decimal2) throws {
        try XLSXError.check(
            worksheet_write_number(handle, lxw_row_t(row), lxw_col_t(col), xlsxNumber(units: decimal.units), workbook.format(style)), "write cell")
    }

    /// Writes an integer.
    public func write(_ row: Int, _ col: Int, integer: Int, style: CellStyle = .integer) throws {
        try XLSXError.check(
            worksheet_write_number(handle, lxw_row_t(row), lxw_col_t(col), xlsxNumber(integer: integer), workbook.format(style)), "write cell")
    }

    /// Keeps the first rows in view when scrolling.
    public func freezeHeader(rows: Int = 1) { worksheet_freeze_panes(handle, lxw_row_t(rows), 0) }

    /// Keeps the first rows and columns in view when scrolling.
    public func freezePanes(rows: Int, columns: Int) { worksheet_freeze_panes(handle, lxw_row_t(rows), lxw_col_t(columns)) }

    /// Prints on landscape pages, all columns on one page width.
    public func landscapeFitWidth() {
        worksheet_set_landscape(handle)
        worksheet_fit_to_pages(handle, 1, 0)
    }

    /// Places a chart with its top-left corner at a cell.
    public func insert(chart: Chart, row: Int, col: Int) throws {
        try XLSXError.check(worksheet_insert_chart(handle, lxw_row_t(row), lxw_col_t(col), chart.handle), "insert chart")
    }

    /// Adds a filter on row firstRow (the header) over rows firstRow…lastRow, columns 0…lastCol.
    public func autofilter(firstRow: Int = 0, lastRow: Int, lastCol: Int) throws {
        try XLSXError.check(worksheet_autofilter(handle, lxw_row_t(firstRow), 0, lxw_row_t(lastRow), lxw_col_t(lastCol)), "autofilter")
    }

    /// Sets a column's width in characters.
    public func columnWidth(_ col: Int, _ width: Int) {
        worksheet_set_column(handle, lxw_col_t(col), lxw_col_t(col), Double(width), nil)
    }
}

// The .xlsx format stores every number as an IEEE double; this is the one
// place where an exact amount becomes one, for display in a spreadsheet only.
private func xlsxNumber(fen: Int64) -> Double { Double(fen) / 100 }
private func xlsxNumber(units: Int64) -> Double { Double(units) / 1_000_000 }
private func xlsxNumber(integer: Int) -> Double { Double(integer) }

/// The kinds of chart the reports draw.
public enum ChartKind: Sendable {
    case column, bar, pie, line
    var lxw: UInt8 {
        switch self {
        case .column: return UInt8(LXW_CHART_COLUMN.rawValue)
        case .bar: return UInt8(LXW_CHART_BAR.rawValue)
        case .pie: return UInt8(LXW_CHART_PIE.rawValue)
        case .line: return UInt8(LXW_CHART_LINE.rawValue)
        }
    }
}

/// A chart whose series read cell ranges of a sheet.
public final class Chart {
    let handle: UnsafeMutablePointer<lxw_chart>

    init(handle: UnsafeMutablePointer<lxw_chart>) { self.handle = handle }

    /// Adds a series: categories and values are column ranges (0-based rows and columns) of `sheet`.
    public func addSeries(name: String, sheet: String, categoriesCol: Int, valuesCol: Int, firstRow: Int, lastRow: Int) {
        func range(_ col: Int) -> String {
            "='\(sheet.replacingOccurrences(of: "'", with: "''"))'!$\(CellReference.column(col))$\(firstRow + 1):$\(CellReference.column(col))$\(lastRow + 1)"
        }
        let series = chart_add_series(handle, range(categoriesCol), range(valuesCol))
        chart_series_set_name(series, name)
    }

    /// Titles the axes.
    public func axisTitles(x: String?, y: String?) {
        if let x, let a = handle.pointee.x_axis { chart_axis_set_name(a, x) }
        if let y, let a = handle.pointee.y_axis { chart_axis_set_name(a, y) }
    }
}

/// How Excel names cells.
public enum CellReference {
    /// A column's letters from its 0-based index (0 → A, 26 → AA), as Excel names it.
    public static func column(_ c: Int) -> String {
        var n = c + 1
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }
}

extension XLSXError: KindedError {
    /// An operational failure (exit 70).
    public var kind: FailureKind { .operational }
}
