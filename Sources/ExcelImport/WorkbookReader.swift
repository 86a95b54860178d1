import Foundation
import PayrollCore
import XLSX
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A cell as stored in the file: what Excel kept, before any interpretation.
public struct RawCell: Sendable, Equatable {
    /// What a cell holds.
    public enum Kind: Sendable, Equatable {
        /// A number (Excel stores dates, and long digit strings typed without a leading ', as numbers).
        case number(String)
        case text(String)
        case bool(Bool)
        case error(String)
    }
    /// The cell's value.
    public var kind: Kind
    /// The number format is a date/time format (so a number is a date serial).
    public var isDateFormatted: Bool

    /// The value as text.
    public var text: String {
        switch kind {
        case .number(let s), .text(let s), .error(let s): return s
        case .bool(let b): return b ? "TRUE" : "FALSE"
        }
    }
}

/// One worksheet: cells by (row, column), 1-based, and merged ranges.
public struct RawSheet: Sendable {
    /// The sheet's name.
    public var name: String
    /// Cells by row and column (0-based).
    public var cells: [Int: [Int: RawCell]]
    /// Merged ranges.
    public var merges: [(top: Int, left: Int, bottom: Int, right: Int)]
    /// The last row with a cell.
    public var maxRow: Int
    /// The last column with a cell.
    public var maxColumn: Int

    /// The cell at a row and column.
    public func cell(_ row: Int, _ col: Int) -> RawCell? { cells[row]?[col] }

    /// The value shown in a merged area is stored in its top-left cell.
    public func mergedValue(_ row: Int, _ col: Int) -> RawCell? {
        if let c = cell(row, col) { return c }
        for m in merges where (m.top...m.bottom).contains(row) && (m.left...m.right).contains(col) {
            return cell(m.top, m.left)
        }
        return nil
    }

    /// "C12" for row 12, column 3.
    public static func reference(_ row: Int, _ col: Int) -> String { columnName(col) + String(row) }

    /// A column's letters from its 1-based number (1 → A, 27 → AA).
    public static func columnName(_ col: Int) -> String { col > 0 ? CellReference.column(col - 1) : "" }
}

/// A workbook that cannot be read.
public struct WorkbookError: Error, CustomStringConvertible, Sendable {
    /// Why, naming the part (English).
    public let message: String
    /// The same in Chinese, when given.
    public var messageZH: String?
    /// A workbook error in English only (a parser's detail).
    public init(message: String) { self.message = message }
    /// A workbook error in both languages.
    public init(zh: String, en: String) {
        message = en
        messageZH = zh
    }
    /// The message in the language the command speaks; a detail in English only gets a Chinese lead.
    public var description: String { Speech.say(messageZH ?? "工作簿无法读取：\(message)", message) }
}

/// Reads an .xlsx (a zip of XML parts) with ZIPFoundation and Foundation's
/// XML parser: sheet names, shared strings, cell types, date formats, merges.
public enum WorkbookReader {
    /// The workbook's sheet names.
    public static func sheetNames(path: String) throws -> [String] {
        let archive = try open(path)
        return try workbookSheets(archive).map(\.name)
    }

    /// Reads one sheet (the first when none is named).
    public static func read(path: String, sheet: String?) throws -> RawSheet {
        let archive = try open(path)
        let sheets = try workbookSheets(archive)
        guard let target = sheet.map({ s in sheets.first { $0.name == s } }) ?? sheets.first else {
            throw WorkbookError(
                zh: "\(path) 中没有名为「\(sheet ?? "?")」的工作表；现有：\(sheets.map(\.name).joined(separator: "、"))",
                en: "\(path) has no sheet named \(sheet ?? "?"); it has \(sheets.map(\.name).joined(separator: ", "))")
        }
        let shared = try part(archive, "xl/sharedStrings.xml").map(SharedStringsParser.parse) ?? []
        let dateStyles = try part(archive, "xl/styles.xml").map(StylesParser.dateStyles) ?? []
        guard let xml = try part(archive, target.path) else { throw WorkbookError(message: "\(path): sheet part \(target.path) is missing") }
        return try SheetParser.parse(xml, name: target.name, shared: shared, dateStyles: dateStyles)
    }

    static func open(_ path: String) throws -> Archive {
        do { return try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw WorkbookError(zh: "\(path) 不是可读取的 .xlsx（zip）文件", en: "\(path) is not a readable .xlsx (zip) file: \(error)")
        }
    }

    /// The largest XML part read (a worksheet of a million rows is far smaller): a zip bomb stops here.
    static let maxPartBytes = 512 << 20

    /// One part of the workbook, checked: at most `maxPartBytes`, and valid UTF-8 (what Excel writes). A damaged
    /// part is an error naming it; it never reaches the XML parser, which cannot be trusted with invalid bytes.
    static func part(_ a: Archive, _ path: String) throws -> Data? {
        guard let e = a[path] else { return nil }
        var d = Data()
        do {
            _ = try a.extract(e, skipCRC32: false) { chunk in
                if d.count + chunk.count > maxPartBytes {
                    throw WorkbookError(
                        message: "\(path) is larger than \(maxPartBytes >> 20) MiB unpacked; the workbook is damaged or not a payroll workbook")
                }
                d.append(chunk)
            }
        } catch let e as WorkbookError { throw e } catch {
            throw WorkbookError(zh: "\(path) 无法解压；工作簿已损坏", en: "\(path) cannot be unpacked (\(error)); the workbook is damaged")
        }
        if String(data: d, encoding: .utf8) == nil {
            throw WorkbookError(zh: "\(path) 不是有效的 UTF-8；工作簿已损坏", en: "\(path) is not valid UTF-8; the workbook is damaged")
        }
        return d
    }

    static func workbookSheets(_ a: Archive) throws -> [(name: String, path: String)] {
        guard let wb = try part(a, "xl/workbook.xml"), let rels = try part(a, "xl/_rels/workbook.xml.rels") else {
            throw WorkbookError(zh: "不是 Excel 工作簿：缺少 xl/workbook.xml", en: "not an Excel workbook: xl/workbook.xml is missing")
        }
        let targets = RelsParser.parse(rels)
        return WorkbookParser.parse(wb).compactMap { s in
            guard var t = targets[s.rid] else { return nil }
            if t.hasPrefix("/") { t.removeFirst() } else { t = "xl/" + t }
            return (s.name, t)
        }
    }
}

// MARK: - XML parts

private final class RelsParser: NSObject, XMLParserDelegate {
    var map: [String: String] = [:]
    static func parse(_ d: Data) -> [String: String] {
        let p = RelsParser()
        let x = XMLParser(data: d)
        x.delegate = p
        _ = x.parse()
        return p.map
    }
    func parser(_ parser: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        if e == "Relationship", let id = a["Id"], let t = a["Target"] { map[id] = t }
    }
}

private final class WorkbookParser: NSObject, XMLParserDelegate {
    var sheets: [(name: String, rid: String)] = []
    static func parse(_ d: Data) -> [(name: String, rid: String)] {
        let p = WorkbookParser()
        let x = XMLParser(data: d)
        x.delegate = p
        _ = x.parse()
        return p.sheets
    }
    func parser(_ parser: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        if e == "sheet", let n = a["name"], let r = a["r:id"] ?? a.first(where: { $0.key.hasSuffix(":id") })?.value { sheets.append((n, r)) }
    }
}

private final class SharedStringsParser: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current = ""
    var inT = false
    var inRPh = false
    static func parse(_ d: Data) throws -> [String] {
        let p = SharedStringsParser()
        let x = XMLParser(data: d)
        x.delegate = p
        guard x.parse() else { throw WorkbookError(message: "sharedStrings.xml is not valid XML") }
        return p.strings
    }
    func parser(_ parser: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch e {
        case "si": current = ""
        case "t": inT = true
        case "rPh": inRPh = true  // phonetic runs are not part of the text
        default: break
        }
    }
    func parser(_ parser: XMLParser, didEndElement e: String, namespaceURI: String?, qualifiedName: String?) {
        switch e {
        case "si": strings.append(current)
        case "t": inT = false
        case "rPh": inRPh = false
        default: break
        }
    }
    func parser(_ parser: XMLParser, foundCharacters s: String) { if inT && !inRPh { current += s } }
}

/// Which cell styles (indexes into cellXfs) use a date or time number format.
private final class StylesParser: NSObject, XMLParserDelegate {
    var customDate = Set<Int>()
    var xfFormats: [Int] = []
    var inCellXfs = false
    static let builtInDates: Set<Int> = [14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47, 27, 30, 36, 50, 57]

    static func dateStyles(_ d: Data) throws -> Set<Int> {
        let p = StylesParser()
        let x = XMLParser(data: d)
        x.delegate = p
        guard x.parse() else { throw WorkbookError(message: "styles.xml is not valid XML") }
        var out = Set<Int>()
        for (i, f) in p.xfFormats.enumerated() where builtInDates.contains(f) || p.customDate.contains(f) { out.insert(i) }
        return out
    }
    func parser(_ parser: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch e {
        case "numFmt":
            if let id = a["numFmtId"].flatMap(Int.init), let code = a["formatCode"] {
                // A date format has y, m, d or h outside quoted text and brackets, and is not a plain number format.
                var stripped = code.replacingOccurrences(of: #""[^"]*""#, with: "", options: .regularExpression)
                stripped = stripped.replacingOccurrences(of: #"\[[^\]]*\]"#, with: "", options: .regularExpression).lowercased()
                if stripped.contains(where: { "ymdh".contains($0) }) { customDate.insert(id) }
            }
        case "cellXfs": inCellXfs = true
        case "xf": if inCellXfs { xfFormats.append(a["numFmtId"].flatMap(Int.init) ?? 0) }
        default: break
        }
    }
    func parser(_ parser: XMLParser, didEndElement e: String, namespaceURI: String?, qualifiedName: String?) {
        if e == "cellXfs" { inCellXfs = false }
    }
}

private final class SheetParser: NSObject, XMLParserDelegate {
    let shared: [String]
    let dateStyles: Set<Int>
    var sheet: RawSheet
    var ref = "", type = "", style = 0
    var value = "", inValue = false, inInline = false, hasValue = false
    var failure: String?

    init(name: String, shared: [String], dateStyles: Set<Int>) {
        self.shared = shared
        self.dateStyles = dateStyles
        self.sheet = RawSheet(name: name, cells: [:], merges: [], maxRow: 0, maxColumn: 0)
    }

    static func parse(_ d: Data, name: String, shared: [String], dateStyles: Set<Int>) throws -> RawSheet {
        let p = SheetParser(name: name, shared: shared, dateStyles: dateStyles)
        let x = XMLParser(data: d)
        x.delegate = p
        guard x.parse() else { throw WorkbookError(message: "sheet \(name) is not valid XML: \(x.parserError.map { "\($0)" } ?? "")") }
        if let f = p.failure { throw WorkbookError(message: f) }
        return p.sheet
    }

    static func split(_ ref: String) -> (row: Int, col: Int)? {
        var col = 0
        var row = 0
        for ch in ref.unicodeScalars {
            if ch.value >= 65 && ch.value <= 90 {
                col = col * 26 + Int(ch.value - 64)
            } else if ch.value >= 48 && ch.value <= 57 {
                row = row * 10 + Int(ch.value - 48)
            } else {
                return nil
            }
        }
        return row > 0 && col > 0 ? (row, col) : nil
    }

    func parser(_ parser: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch e {
        case "c":
            ref = a["r"] ?? ""
            type = a["t"] ?? "n"
            style = a["s"].flatMap(Int.init) ?? 0
            value = ""
            hasValue = false
        case "v":
            inValue = true
            hasValue = true
        case "is":
            inInline = true
            hasValue = true
        case "t": if inInline { inValue = true }
        case "mergeCell":
            if let r = a["ref"] {
                let parts = r.split(separator: ":").map(String.init)
                if parts.count == 2, let tl = SheetParser.split(parts[0]), let br = SheetParser.split(parts[1]) {
                    sheet.merges.append((tl.row, tl.col, br.row, br.col))
                }
            }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters s: String) { if inValue { value += s } }

    func parser(_ parser: XMLParser, didEndElement e: String, namespaceURI: String?, qualifiedName: String?) {
        switch e {
        case "v", "t": inValue = false
        case "is": inInline = false
        case "c":
            guard hasValue, let (row, col) = SheetParser.split(ref) else { return }
            let kind: RawCell.Kind
            switch type {
            case "s":
                guard let i = Int(value), i < shared.count else {
                    failure = "cell \(ref): shared string \(value) does not exist"
                    return
                }
                kind = .text(shared[i])
            case "inlineStr", "str": kind = .text(value)
            case "b": kind = .bool(value == "1")
            case "e": kind = .error(value)
            default: kind = .number(value)
            }
            sheet.cells[row, default: [:]][col] = RawCell(kind: kind, isDateFormatted: dateStyles.contains(style))
            sheet.maxRow = max(sheet.maxRow, row)
            sheet.maxColumn = max(sheet.maxColumn, col)
        default: break
        }
    }
}

extension WorkbookError: KindedError {
    /// A usage error (exit 64).
    public var kind: FailureKind { .usage }
}
