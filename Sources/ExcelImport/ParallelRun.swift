import Audit
import Foundation
import PayrollCore
import RunRecords
import XLSX

/// `payroll parallel-run FIRST..LAST`: the engine run beside the legacy spreadsheet for several months, reconciled
/// month by month, with a verdict on whether the engine can be trusted yet.
public enum ParallelRun {
    /// One month's reconciliation.
    public struct Month: Sendable {
        /// The period.
        public var period: Period
        /// The legacy register it was compared with.
        public var legacyFile: String
        /// What the reconciliation found.
        public var result: Reconcile.Result
        /// Differences whose cause was not recognised.
        public var unexplained: Int { result.differences.filter { !$0.explained }.count }
        /// Employees on one side only.
        public var oneSided: Int { result.onlyLegacy.count + result.onlyEngine.count }
        /// True when nothing is unexplained and both sides have the same employees.
        public var clean: Bool { unexplained == 0 && oneSided == 0 }
        /// Differences by cause (English text of the cause, with its Chinese).
        public var byCause: [(Bilingual, Int)] {
            var counts: [String: (Bilingual, Int)] = [:]
            for d in result.differences {
                let key = causeKind(d.cause)
                counts[key.en, default: (key, 0)].1 += 1
            }
            return counts.values.sorted { $0.0.en < $1.0.en }
        }
    }

    /// Consecutive clean months, ending with the last one, after which the engine may replace the spreadsheet.
    public static let monthsToSwitch = 3

    /// A cause without its figures or details, for counting ("legacy value rounded to the yuan", "social insurance base
    /// clamped to Shanghai's ceiling", "follows from the social insurance difference").
    static func causeKind(_ c: Bilingual) -> Bilingual {
        func head(_ s: String) -> String {
            let cut = s.firstIndex { "(（:：".contains($0) || $0.isNumber } ?? s.endIndex
            return String(s[..<cut]).trimmingCharacters(in: .whitespaces)
        }
        return Bilingual(head(c.zh), head(c.en))
    }

    /// The periods FIRST..LAST, in order (at most 24).
    public static func periods(_ text: String) -> [Period]? {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, var p = Period(parts[0]), let last = Period(parts[1]), p <= last else { return nil }
        var out: [Period] = []
        while p <= last && out.count < 24 {
            out.append(p)
            guard let n = Period(year: p.month == 12 ? p.year + 1 : p.year, month: p.month % 12 + 1) else { break }
            p = n
        }
        return out.last == last ? out : nil
    }

    /// The legacy register of a period in a folder: the one .xlsx or .csv file whose name holds the period.
    public static func legacyFile(in folder: String, period: Period) throws -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            ($0.hasSuffix(".xlsx") || $0.hasSuffix(".csv")) && !$0.hasPrefix(".") && !$0.hasPrefix("~$")
                && ($0.contains(period.description) || $0.contains(period.description.replacingOccurrences(of: "-", with: "")))
        }.sorted()
        guard names.count == 1 else {
            throw WorkbookError(
                zh: names.isEmpty
                    ? "\(folder) 中没有 \(period) 的旧工资表（文件名应含 \(period)）" : "\(folder) 中有多个 \(period) 的旧工资表：\(names.joined(separator: "、"))",
                en: names.isEmpty
                    ? "\(folder) has no legacy register for \(period) (its name should contain \(period))"
                    : "\(folder) has more than one legacy register for \(period): \(names.joined(separator: ", "))")
        }
        return (folder as NSString).appendingPathComponent(names[0])
    }

    /// Reconciles each period with its legacy register.
    public static func run(periods: [Period], legacy folder: String, mapping: ImportMapping, root: String, replay: any PeriodReplay) throws
        -> [Month]
    {
        try periods.map { p in
            guard RunRecord.isFinished((root as NSString).appendingPathComponent(p.description)) else {
                throw AuditError(zh: "\(root) 中没有 \(p) 已完成的运行；请先运行该期间", en: "no finished run of \(p) in \(root); run the period first")
            }
            let file = try legacyFile(in: folder, period: p)
            let table = try SourceTable.load(path: file, sheet: mapping.sheet)
            return Month(
                period: p, legacyFile: (file as NSString).lastPathComponent,
                result: try Reconcile.run(legacy: table, mapping: mapping, period: p, root: root, replay: replay))
        }
    }

    /// The verdict: ready after `monthsToSwitch` consecutive clean months ending with the last.
    public static func verdict(_ months: [Month]) -> (ready: Bool, text: Bilingual) {
        let streak = months.reversed().prefix { $0.clean }.count
        if streak >= monthsToSwitch {
            return (
                true,
                Bilingual(
                    "可以切换：最近连续 \(streak) 个月没有无法解释的差异，双方员工一致",
                    "ready to switch: the last \(streak) consecutive months have no unexplained difference and the same employees")
            )
        }
        let last = months.last
        let why =
            last.map { m in
                m.clean
                    ? Bilingual("最近连续 \(streak) 个月无误，需要 \(monthsToSwitch) 个月", "\(streak) clean month(s) in a row; \(monthsToSwitch) are needed")
                    : Bilingual(
                        "\(m.period) 有 \(m.unexplained) 处无法解释的差异、\(m.oneSided) 名员工只在一方",
                        "\(m.period) has \(m.unexplained) unexplained difference(s) and \(m.oneSided) employee(s) on one side only")
            } ?? Bilingual("没有月份", "no months")
        return (false, Bilingual("暂不切换：\(why.zh)", "not yet: \(why.en)"))
    }

    /// The terminal summary.
    public static func summary(_ months: [Month], locale: ReportLocale) -> String {
        var o = ""
        for m in months {
            o +=
                locale.pick(
                    "\(m.period)（\(m.legacyFile)）：\(m.result.matched.count) 名一致，\(m.result.differences.count) 处差异，其中 \(m.unexplained) 处无法解释，\(m.oneSided) 名只在一方",
                    "\(m.period) (\(m.legacyFile)): \(m.result.matched.count) matched, \(m.result.differences.count) differences, \(m.unexplained) unexplained, \(m.oneSided) on one side only"
                )
                + "\n"
            for (c, n) in m.byCause { o += "    \(n) × \(locale.text(c))\n" }
            if let p = m.result.recomputeProblem { o += "    " + locale.pick("警告：", "warning: ") + locale.text(p) + "\n" }
        }
        o += locale.text(verdict(months).text) + "\n"
        return o
    }

    /// One workbook: a summary sheet (matched, differences by cause, unexplained with a chart of their trend, the
    /// verdict) and a sheet per month with its differences and legacy cells.
    public static func writeXLSX(_ months: [Month], locale: ReportLocale, to path: String) throws {
        let wb = try Workbook(path: path, created: months.first?.period.firstDay ?? Day(year: 2026, month: 1, day: 1)!)
        let summaryName = locale.pick("汇总", "Summary")
        let s = try wb.addSheet(summaryName)
        let heads = [
            locale.pick("期间", "Period"), locale.pick("一致的员工", "Matched employees"), locale.pick("有差异的员工", "Employees differing"),
            locale.pick("差异", "Differences"), locale.pick("已解释", "Explained"), locale.pick("无法解释", "Unexplained"),
            locale.pick("只在一方", "One side only"), locale.pick("旧工资表", "Legacy register"),
        ]
        for (c, h) in heads.enumerated() {
            try s.write(0, c, text: h, style: .header)
            s.columnWidth(c, c == 7 ? 30 : 14)
        }
        for (k, m) in months.enumerated() {
            let r = k + 1
            try s.write(r, 0, text: m.period.description)
            try s.write(r, 1, integer: m.result.matched.count)
            try s.write(r, 2, integer: Set(m.result.differences.map(\.employee)).count)
            try s.write(r, 3, integer: m.result.differences.count)
            try s.write(r, 4, integer: m.result.differences.count - m.unexplained)
            try s.write(r, 5, integer: m.unexplained)
            try s.write(r, 6, integer: m.oneSided)
            try s.write(r, 7, text: m.legacyFile)
        }
        var r = months.count + 2
        try s.write(r, 0, text: locale.text(verdict(months).text), style: .totalLabel)
        r += 2
        // Differences by cause and month.
        let causes = Array(Set(months.flatMap { $0.byCause.map { $0.0 } })).sorted { $0.en < $1.en }
        try s.write(r, 0, text: locale.pick("差异原因", "Cause"), style: .header)
        for (k, m) in months.enumerated() { try s.write(r, k + 1, text: m.period.description, style: .header) }
        for (i, c) in causes.enumerated() {
            try s.write(r + 1 + i, 0, text: locale.text(c))
            for (k, m) in months.enumerated() { try s.write(r + 1 + i, k + 1, integer: m.byCause.first { $0.0 == c }?.1 ?? 0) }
        }
        s.columnWidth(0, 40)
        s.landscapeFitWidth()
        let chart = try wb.addChart(.line, title: locale.pick("无法解释的差异（按月）", "Unexplained differences by month"))
        chart.addSeries(
            name: locale.pick("无法解释", "Unexplained"), sheet: summaryName, categoriesCol: 0, valuesCol: 5, firstRow: 1, lastRow: max(1, months.count))
        chart.axisTitles(x: locale.pick("期间", "Period"), y: locale.pick("处", "Count"))
        try s.insert(chart: chart, row: r + causes.count + 2, col: 0)
        s.freezeHeader()
        for m in months {
            let d = try wb.addSheet(m.period.description)
            let h = [
                locale.pick("工号", "Employee ID"), locale.pick("项目", "Line"), locale.pick("旧表", "Legacy"), locale.pick("本系统", "Engine"),
                locale.pick("差额（本系统 − 旧表）", "Difference (engine − legacy)"), locale.pick("可能原因", "Likely cause"),
                locale.pick("已解释", "Explained"), locale.pick("旧表单元格", "Legacy cell"),
            ]
            for (c, t) in h.enumerated() { try d.write(0, c, text: t, style: .header) }
            for (k, x) in m.result.differences.enumerated() {
                try d.write(k + 1, 0, text: x.employee)
                try d.write(k + 1, 1, text: locale == .en ? x.line : locale.text(m.result.labels[x.line] ?? Bilingual(same: x.line)))
                try d.write(k + 1, 2, money: x.legacy)
                try d.write(k + 1, 3, money: x.engine)
                try d.write(k + 1, 4, money: x.difference)
                try d.write(k + 1, 5, text: locale.text(x.cause))
                try d.write(k + 1, 6, text: x.explained ? locale.pick("是", "yes") : locale.pick("否", "no"))
                if let c = x.legacyCell { try d.write(k + 1, 7, text: c) }
            }
            var row = m.result.differences.count + 2
            for id in m.result.onlyLegacy {
                try d.write(row, 0, text: id)
                try d.write(row, 1, text: locale.pick("只在旧工资表中", "only in the legacy register"))
                row += 1
            }
            for id in m.result.onlyEngine {
                try d.write(row, 0, text: id)
                try d.write(row, 1, text: locale.pick("只在本系统中", "only in the engine's run"))
                row += 1
            }
            if let p = m.result.recomputeProblem { try d.write(row + 1, 0, text: locale.text(p), style: .totalLabel) }
            for (c, w) in [12, 16, 12, 12, 16, 70, 8, 16].enumerated() { d.columnWidth(c, w) }
            d.freezeHeader()
            d.landscapeFitWidth()
        }
        try wb.close()
    }
}
