import Audit
import Foundation
import PayrollCore
import PayrollRules
import Stages
import XLSX

/// Parallel-run reconciliation: the legacy register against this engine's run
/// of the same period, per employee and line, with the likely cause of each difference.
public enum Reconcile {
    /// One line of one employee that differs.
    public struct Difference: Sendable {
        /// The employee.
        public var employee: String
        /// The register line.
        public var line: String
        /// The legacy register's amount.
        public var legacy: Money
        /// The engine's amount.
        public var engine: Money
        /// Engine minus legacy: positive when the engine pays (or withholds) more than the legacy register.
        public var difference: Money { engine - legacy }
        /// The likely cause, in words.
        public var cause: Bilingual
        /// The legacy register's cell (`工资表!H7`), when known.
        public var legacyCell: String? = nil
        /// True when a cause was recognised (not "not explained").
        public var explained = true
    }

    /// What a reconciliation found.
    public struct Result: Sendable {
        /// Employees whose every compared line agrees.
        public var matched: [String]
        /// The lines that differ.
        public var differences: [Difference]
        /// Employees only in the legacy register.
        public var onlyLegacy: [String]
        /// Employees only in the engine's run.
        public var onlyEngine: [String]
        /// The lines compared.
        public var lines: [String]
        /// Problems reading the legacy register.
        public var importIssues: [ImportIssue]
        /// What each compared line is called for people.
        public var labels: [String: Bilingual] = [:]
        /// Why the period could not be recomputed, when it could not: then the causes that need its inputs (a base
        /// clamped, tax that follows from SI, tax month by month) cannot be recognised and show as not explained.
        public var recomputeProblem: Bilingual? = nil
    }

    /// A compared line's name: a register column's, a structure line's (from the period's rules), else its code.
    static func label(_ line: String, rules: PeriodRules?) -> Bilingual {
        if line == "si" { return Bilingual("个人社保合计", "employee SI") }
        return RegisterLabels.label(line, rules: rules)
    }

    /// Register lines the legacy sheet may carry; `si` is the employee's social insurance total.
    static func engineValue(_ line: String, _ row: [String: String]) -> Money? {
        if line == "si" {
            return ["si_pension", "si_medical", "si_unemployment"].reduce(Money.zero) { $0 + (Money.parse(row[$1] ?? "") ?? .zero) }
        }
        return row[line].flatMap { Money.parse($0) }
    }

    /// Compares a legacy register with the engine's finished run of the period.
    public static func run(legacy: SourceTable, mapping: ImportMapping, period: Period, root: String, replay: any PeriodReplay) throws -> Result {
        let imported = Importer.run(source: legacy, mapping: mapping)
        guard let rows = imported.files["register"] ?? imported.files.values.first, let header = rows.first else {
            throw WorkbookError(zh: "映射文件没有 `register` 目标", en: "the mapping has no `register` target")
        }
        guard let idCol = header.firstIndex(of: "employee_id") else {
            throw WorkbookError(zh: "映射文件没有指定 employee_id 列", en: "the mapping names no employee_id column")
        }
        let lines = header.filter { $0 != "employee_id" && $0 != "name" && $0 != "department" }
        let folder = (root as NSString).appendingPathComponent(period.description)
        let reg = try RegisterDiff.read((folder as NSString).appendingPathComponent("payroll_register.csv"))
        func engineRow(_ id: String) -> [String: String]? {
            reg.rows[id].map { Dictionary(uniqueKeysWithValues: zip(reg.header, $0)) }
        }
        // Recompute the period (from its manifest) to know each employee's inputs and the rules in force.
        let context: Explain.Context?
        var recomputeProblem: Bilingual?
        do { context = try Explain.context(period: period, root: root, replay: replay) } catch {
            context = nil
            recomputeProblem = Bilingual(
                "无法重新计算 \(period)（\(error)）：需要该期间输入的原因（社保基数、由社保导致的个税、按月计税）无法识别，显示为无法解释",
                "\(period) could not be recomputed (\(error)): causes that need its inputs (an SI base, tax following SI, tax month by month) cannot be recognised and show as not explained"
            )
        }
        var matched: [String] = []
        var diffs: [Difference] = []
        var onlyLegacy: [String] = []
        var seen = Set<String>()
        for (rowIndex, r) in rows.dropFirst().enumerated() {
            let id = r[idCol]
            seen.insert(id)
            guard let e = engineRow(id) else {
                onlyLegacy.append(id)
                continue
            }
            var found: [Difference] = []
            let cells = (imported.cells["register"] ?? imported.cells.values.first).flatMap { rowIndex < $0.count ? $0[rowIndex] : nil }
            var legacyRow: [String: Money] = [:]
            for line in lines {
                guard let i = header.firstIndex(of: line), let legacyValue = Money.parse(r[i]) else { continue }
                legacyRow[line] = legacyValue
                guard let engine = engineValue(line, e) else { continue }
                if legacyValue != engine {
                    var d = Difference(employee: id, line: line, legacy: legacyValue, engine: engine, cause: Bilingual(same: ""))
                    d.legacyCell = cells?[line]
                    found.append(d)
                }
            }
            for k in found.indices {
                found[k].cause = cause(found[k], all: found, row: e, legacy: legacyRow, context: context)
                found[k].explained = !found[k].cause.en.hasPrefix("not explained")
            }
            if found.isEmpty { matched.append(id) } else { diffs += found }
        }
        let onlyEngine = reg.order.filter { !seen.contains($0) }
        return Result(
            matched: matched, differences: diffs, onlyLegacy: onlyLegacy, onlyEngine: onlyEngine, lines: lines,
            importIssues: imported.issues,
            labels: Dictionary(uniqueKeysWithValues: lines.map { ($0, label($0, rules: context?.rules)) }), recomputeProblem: recomputeProblem)
    }

    /// The likely cause of a difference, where the engine can tell, in either direction: either side's figure rounded to
    /// the yuan, either side's base clamped to the city's band, a tax that follows from a social-insurance or housing-fund
    /// difference (the engine's tax recomputed with the legacy SI and HF), a tax computed month by month.
    static func cause(
        _ d: Difference, all: [Difference], row: [String: String], legacy: [String: Money], context: Explain.Context?
    ) -> Bilingual {
        let gap = d.difference.fen.magnitude
        if let ctx = context, let i = ctx.batch.employees.firstIndex(where: { $0.id == d.employee }) {
            let emp = ctx.batch.employees[i]
            let zh = ctx.rules.pack.cityName(emp.city, .zh)
            let en = ctx.rules.pack.cityName(emp.city, .en)
            if d.line == "si" || d.line.hasPrefix("si_"), let city = ctx.rules.cities[emp.city], let p = city.lines[.pension] {
                if emp.siBase > p.ceiling {
                    return Bilingual(
                        "本系统按\(zh)社保基数上限 \(p.ceiling) 封顶（申报 \(emp.siBase)）",
                        "social insurance base clamped to \(en)'s ceiling \(p.ceiling) in the engine (declared \(emp.siBase))")
                }
                if emp.siBase < p.floor {
                    return Bilingual(
                        "本系统按\(zh)社保基数下限 \(p.floor) 托底（申报 \(emp.siBase)）",
                        "social insurance base raised to \(en)'s floor \(p.floor) in the engine (declared \(emp.siBase))")
                }
                // The other direction: the declared base is inside the band, but the legacy register used a band edge.
                let rate = city.lines.filter { [.pension, .medical, .unemployment].contains($0.key) }.reduce(Fixed.zero) {
                    $0 + $1.value.employeeRate
                }
                for (edge, zhName, enName) in [(p.ceiling, "上限", "ceiling"), (p.floor, "下限", "floor")] where rate != .zero {
                    if let atEdge = try? Exact(edge).multiplied(by: Exact(rate)).checkedMoney(), (atEdge - d.legacy).fen.magnitude <= 3 {
                        return Bilingual(
                            "旧表按社保基数\(zhName) \(edge) 计算，而申报基数 \(emp.siBase) 在\(zh)的范围内（本系统按申报基数）",
                            "the legacy register used the base \(enName) \(edge), but the declared base \(emp.siBase) is inside \(en)'s band (the engine uses it)"
                        )
                    }
                }
            }
            if d.line == "tax" {
                // Tax that follows from SI/HF: with the legacy's SI and HF, would the engine's tax be the legacy's?
                let siDelta = (legacy["si"].map { $0 - (engineValue("si", row) ?? .zero) } ?? .zero)
                let hfDelta = (legacy["hf"].map { $0 - (Money.parse(row["hf"] ?? "") ?? .zero) } ?? .zero)
                if siDelta != .zero || hfDelta != .zero, let taxable = Money.parse(row["ytd_taxable"] ?? ""),
                    let withheld = Money.parse(row["ytd_withheld"] ?? ""), let tax = Money.parse(row["tax"] ?? "")
                {
                    var t = taxable - siDelta - hfDelta
                    if t.isNegative { t = .zero }
                    if let ytdTax = try? ctx.rules.withholding.value.tax(on: Exact(t)).checkedMoney(ctx.rules.pack.tax.rounding) {
                        var month = ytdTax - (withheld - tax)
                        if month.isNegative { month = .zero }
                        if month == d.legacy {
                            let what = [siDelta != .zero ? ("社保", "social insurance") : nil, hfDelta != .zero ? ("公积金", "housing fund") : nil]
                                .compactMap { $0 }
                            return Bilingual(
                                "由\(what.map(\.0).joined(separator: "和"))的差异导致：按旧表的社保和公积金，本系统的个税也是 \(month)",
                                "follows from the \(what.map(\.1).joined(separator: " and ")) difference: with the legacy SI and HF the engine's tax is \(month) too"
                            )
                        }
                    }
                }
                if let table = ctx.rules.annualBonus?.value, let gross = Money.parse(row["gross"] ?? ""), let hf = Money.parse(row["hf"] ?? "") {
                    let si = engineValue("si", row) ?? .zero
                    let taxable = gross - ctx.rules.basicDeduction.value.money() - si - hf - (emp.specialDeduction ?? .zero)
                    let monthly = taxable.isNegative ? Money.zero : ((try? table.tax(on: Exact(taxable)))?.money() ?? .zero)
                    if monthly == d.legacy {
                        return Bilingual(
                            "旧表按月度税率表逐月计税（\(monthly)），而非累计预扣法",
                            "tax computed month by month with the monthly table (\(monthly)), not by cumulative withholding")
                    }
                }
            }
        }
        if d.line == "net_pay" {
            let others = all.filter { $0.line != "net_pay" }.map(\.line)
            if !others.isEmpty {
                let zh = others.map { label($0, rules: context?.rules).zh }
                return Bilingual("由\(zh.joined(separator: "、"))的差异导致", "follows from the difference in \(others.joined(separator: ", "))")
            }
        }
        // Rounding to the yuan, on either side.
        if d.legacy.fen % 100 == 0 && d.engine.fen % 100 != 0 && gap < 100 { return Bilingual("旧表金额取整到元", "legacy value rounded to the yuan") }
        if d.engine.fen % 100 == 0 && d.legacy.fen % 100 != 0 && gap < 100 {
            return Bilingual(
                "本系统的金额取整到元（规则包对该项按元舍入，如该城市的公积金），旧表未取整",
                "the engine's value is whole yuan (the rule pack rounds this line to the yuan, e.g. the city's housing fund); the legacy's is not")
        }
        if gap <= 1 { return Bilingual("一分钱的舍入差异", "one-fen rounding difference") }
        return Bilingual("无法解释：请核对双方的输入", "not explained: check the inputs of both sides")
    }

    /// The result in words for the terminal.
    public static func summary(_ r: Result, locale: ReportLocale = .en) -> String {
        func t(_ zh: String, _ en: String) -> String { locale.pick(zh, en) }
        func line(_ code: String) -> String { locale == .en ? code : (r.labels[code].map { locale.text($0) } ?? code) }
        let lines = r.lines.map(line)
        var o =
            t(
                "对账：\(r.matched.count) 名员工的 \(lines.joined(separator: "、")) 一致",
                "Reconciliation: \(r.matched.count) employees match on \(lines.joined(separator: ", "))")
            + "\n"
        let n = Set(r.differences.map(\.employee)).count
        o +=
            "  "
            + t(
                "\(n) 名员工有差异（\(r.differences.count) 行；差额 = 本系统 − 旧表）",
                "\(n) employees differ (\(r.differences.count) lines; difference = engine − legacy)") + "\n"
        for d in r.differences {
            o +=
                "    \(d.employee) \(line(d.line))\(d.legacyCell.map { " (\($0))" } ?? ""): "
                + t(
                    "旧表 \(d.legacy)，本系统 \(d.engine)，差额 \(d.difference) — \(locale.text(d.cause))",
                    "legacy \(d.legacy), engine \(d.engine), difference \(d.difference) — \(locale.text(d.cause))") + "\n"
        }
        if !r.onlyLegacy.isEmpty { o += "  " + t("仅在旧工资表中：", "only in the legacy register: ") + r.onlyLegacy.joined(separator: ", ") + "\n" }
        if !r.onlyEngine.isEmpty { o += "  " + t("仅在本系统的运行中：", "only in the engine's run: ") + r.onlyEngine.joined(separator: ", ") + "\n" }
        for i in r.importIssues where i.severity == .warning { o += "  \(t("提示", "note")): \(i.cell ?? "") \(locale.text(i))\n" }
        if let p = r.recomputeProblem { o += "  \(t("警告", "warning")): \(locale.text(p))\n" }
        return o
    }

    /// Writes the reconciliation workbook.
    public static func writeXLSX(_ r: Result, period: Period, to path: String) throws {
        let wb = try Workbook(path: path, created: period.firstDay)
        let s = try wb.addSheet("汇总 Summary")
        let rows: [(String, Int)] = [
            ("一致 Matched", r.matched.count), ("有差异的员工 Employees differing", Set(r.differences.map(\.employee)).count),
            ("差异行 Lines differing", r.differences.count), ("仅旧表 Only in legacy", r.onlyLegacy.count),
            ("仅本系统 Only in engine", r.onlyEngine.count),
        ]
        try s.write(0, 0, text: "项目 Item", style: .header)
        try s.write(0, 1, text: "数量 Count", style: .header)
        for (k, (a, b)) in rows.enumerated() {
            try s.write(k + 1, 0, text: a)
            try s.write(k + 1, 1, integer: b)
        }
        if let p = r.recomputeProblem { try s.write(rows.count + 2, 0, text: ReportLocale.both.text(p), style: .totalLabel) }
        s.columnWidth(0, 34)
        let d = try wb.addSheet("差异 Differences")
        let h = [
            "employee_id", "line", "legacy", "engine", "difference (engine − legacy) 差额（本系统 − 旧表）", "likely cause", "legacy cell 旧表单元格",
        ]
        for (c, t) in h.enumerated() { try d.write(0, c, text: t, style: .header) }
        for (k, x) in r.differences.enumerated() {
            try d.write(k + 1, 0, text: x.employee)
            try d.write(k + 1, 1, text: x.line)
            try d.write(k + 1, 2, money: x.legacy)
            try d.write(k + 1, 3, money: x.engine)
            try d.write(k + 1, 4, money: x.difference)
            try d.write(k + 1, 5, text: ReportLocale.both.text(x.cause))
            if let c = x.legacyCell { try d.write(k + 1, 6, text: c) }
        }
        d.columnWidth(4, 18)
        d.columnWidth(5, 80)
        d.columnWidth(6, 16)
        d.freezeHeader()
        let o = try wb.addSheet("仅一方 One side only")
        try o.write(0, 0, text: "employee_id", style: .header)
        try o.write(0, 1, text: "side", style: .header)
        var k = 1
        for id in r.onlyLegacy {
            try o.write(k, 0, text: id)
            try o.write(k, 1, text: "legacy only")
            k += 1
        }
        for id in r.onlyEngine {
            try o.write(k, 0, text: id)
            try o.write(k, 1, text: "engine only")
            k += 1
        }
        try wb.close()
    }
}
