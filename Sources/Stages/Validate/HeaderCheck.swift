import CSVReader
import PayrollCore

/// Validation stage 1, files: each file's header against CONTRACT's columns (F codes).
extension TableScan {
    /// Stage 1 on the header record. A missing or duplicated column is
    /// reported here once; the rows are still read, and only the checks that
    /// need the missing column are skipped. Returns false when no column at
    /// all could be resolved.
    func resolveHeader(_ rec: CSVRecord) -> Bool {
        var lookup: [String: String] = [:]
        for c in kind.columns {
            lookup[c.name] = c.name
            for a in c.aliases { lookup[normalizeHeader(a)] = c.name }
        }
        headerCount = rec.count
        var ok = true
        for i in 0..<rec.count {
            let text = rec.string(i)
            let key = normalizeHeader(text)
            guard let canonical = lookup[key] else {
                // A header cell is shown unless it looks like data (a file without its header row).
                let looksLikeData = text.count > 24 || text.contains(where: \.isNumber) && text.filter(\.isNumber).count >= 4
                let shown = showValues || !looksLikeData ? String(text.prefix(40)) : "#\(i + 1)"
                let what =
                    shown.hasPrefix("#")
                    ? (en: "column \(shown) (\(TableScan.describe(rec[i]).en))", zh: "第 \(i + 1) 列（\(TableScan.describe(rec[i]).zh)）")
                    : (en: "column \"\(shown)\"", zh: "列“\(shown)”")
                sink.add(
                    .unknownColumn, line: rec.line, column: shown.isEmpty ? "#\(i + 1)" : shown, employee: nil,
                    en: "\(what.en) is not part of the \(kind.rawValue) contract and is ignored",
                    zh: "\(what.zh)不在 \(kind.rawValue).csv 的约定列中，已忽略")
                continue
            }
            if let first = positions[canonical] {
                sink.add(
                    .duplicateColumn, line: rec.line, column: canonical, employee: nil,
                    en: "column \(canonical) appears twice in the header (columns \(first + 1) and \(i + 1)); the first is read",
                    zh: "表头中列「\(canonical)」出现两次（第 \(first + 1) 列和第 \(i + 1) 列）；读取第一列")
                continue
            }
            positions[canonical] = i
        }
        for c in kind.columns where c.required && positions[c.name] == nil {
            sink.add(
                .missingColumn, line: rec.line, column: c.name, employee: nil,
                en: "required column \(c.name) (\(c.aliases[0])) is missing from the header",
                zh: "表头缺少必填列 \(c.name)（\(c.aliases[0])）")
        }
        if positions.isEmpty { ok = false }
        return ok
    }
}
