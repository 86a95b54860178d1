import CSVReader
import Foundation
import PayrollCore

/// `import_cells.csv`, written by `payroll import` beside the CONTRACT files: the workbook cell (`工资表!C12`) of each
/// CSV line and column. Validation names the cell beside the line when the file is there.
public enum ImportCells {
    /// The file's name.
    public static let fileName = "import_cells.csv"

    /// (file, line, column) → cell; column "" is the row's key cell.
    public static func read(folder: String) -> [String: String] {
        let path = (folder as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        var map: [String: String] = [:]
        _ = try? CSVFileReader(path: path).read { rec in
            guard rec.index > 0, rec.count == 4 else { return }
            map["\(rec.string(0))|\(rec.string(1))|\(rec.string(2))"] = rec.string(3)
        }
        return map
    }

    /// Names each diagnostic's workbook cell, when the input was imported.
    public static func annotate(_ diagnostics: inout [Diagnostic], folder: String) {
        let map = read(folder: folder)
        guard !map.isEmpty else { return }
        for k in diagnostics.indices {
            let d = diagnostics[k]
            guard let line = d.line else { continue }
            diagnostics[k].cell = map["\(d.file)|\(line)|\(d.column ?? "")"] ?? map["\(d.file)|\(line)|"]
        }
    }
}
