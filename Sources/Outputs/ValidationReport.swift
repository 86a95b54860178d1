import CSVReader
import Foundation
import PayrollCore
import RunRecords
import Stages
import XLSX

/// The validation report, as `validation.csv` and `validation.xlsx`.
public enum ValidationReport {
    /// validation.csv's columns.
    public static let columns = ["code", "severity", "file", "line", "column", "employee_id", "message"]

    /// Writes validation.csv in the locale.
    public static func writeCSV(_ diags: [Diagnostic], locale: ReportLocale, to path: String) throws {
        let csv = try CSVStreamWriter(path: path, forPeople: true)
        // An imported month adds the workbook cell each problem came from (import_cells.csv).
        let cells = diags.contains { $0.cell != nil }
        try csv.row(columns + (cells ? ["source_cell"] : []))
        for d in diags {
            try csv.row(
                [
                    d.code, d.severity.rawValue, d.file, d.line.map(String.init) ?? "", d.column ?? "",
                    d.employeeID ?? "", locale.text(d),
                ] + (cells ? [d.cell ?? ""] : []))
        }
        try csv.close()
    }

    /// Writes validation.xlsx in the locale, with a filter and a frozen header.
    public static func writeXLSX(_ diags: [Diagnostic], locale: ReportLocale, period: Period, to path: String) throws {
        let wb = try Workbook(path: path, created: period.firstDay)
        let sheet = try wb.addSheet(locale == .en ? "Validation" : "校验结果")
        let headers = locale == .en ? columns : ["代码", "级别", "文件", "行", "列", "工号", "说明"]
        for (i, h) in headers.enumerated() { try sheet.write(0, i, text: h, style: .header) }
        for (r, d) in diags.enumerated() {
            let row = r + 1
            try sheet.write(row, 0, text: d.code)
            try sheet.write(row, 1, text: locale == .en ? d.severity.rawValue : (d.severity == .error ? "错误" : "警告"))
            try sheet.write(row, 2, text: d.file)
            if let l = d.line { try sheet.write(row, 3, integer: l) }
            if let c = d.column { try sheet.write(row, 4, text: c) }
            if let e = d.employeeID { try sheet.write(row, 5, text: e) }
            try sheet.write(row, 6, text: locale.text(d))
        }
        for (c, w) in [8, 8, 16, 7, 18, 12, 90].enumerated() { sheet.columnWidth(c, w) }
        sheet.freezeHeader()
        try sheet.autofilter(lastRow: max(diags.count, 1), lastCol: columns.count - 1)
        try wb.close()
    }
}
