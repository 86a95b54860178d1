import Foundation
import PayrollCore
import PayrollRules
import RunRecords
import Stages

/// `payroll explain`: recomputes a finished period from what its manifest
/// names and traces one employee's pay.
public enum Explain {
    /// One employee's explained pay.
    public struct Report: Sendable {
        /// The period.
        public var period: Period
        /// The employee.
        public var employee: Employee
        /// Every step of the pay calculation.
        public var trace: PayTrace
        /// The final performance score, as text.
        public var finalScore: String
        /// The grade.
        public var grade: String
        /// The pay coefficient, as text.
        public var coefficient: String
        /// The stored register row agrees with the recomputed one.
        public var matchesRegister: Bool?
        /// The employee's adjustment rows, with the file and line each comes from (adjustments.csv, retro_adjustments.csv).
        public var adjustments: [Adjustment] = []
    }

    /// A finished period recomputed in memory from what its manifest names.
    public struct Context: Sendable {
        /// The recomputed batch.
        public var batch: Batch
        /// Its performance and pay.
        public var run: PayrollRun
        /// The rule pack's values for the period.
        public var rules: PeriodRules
        /// What the run read (from its manifest).
        public var request: ReplayRequest
    }

    /// Recomputes a finished period in memory from what its manifest names.
    public static func context(period: Period, root: String, replay: any PeriodReplay) throws -> Context {
        let folder = (root as NSString).appendingPathComponent(period.description)
        guard let record = try RunRecord.read(folder: folder) else {
            throw AuditError(zh: "\(folder) 不是已完成的运行（没有 manifest.json）", en: "\(folder) is not a finished run (no manifest.json)")
        }
        // A path recorded relative to where the run was started is found from here, else from there.
        func resolved(_ path: String) -> String {
            guard !path.hasPrefix("/"), !FileManager.default.fileExists(atPath: path), let wd = record.settings["working_directory"] else {
                return path
            }
            let there = (wd as NSString).appendingPathComponent(path)
            return FileManager.default.fileExists(atPath: there) ? there : path
        }
        func input(_ kind: String) -> String? { record.inputs.first { $0.kind == kind }.map { resolved($0.path) } }
        guard let pipeline = input("pipeline"), let employees = input("employees") else {
            throw AuditError(zh: "manifest 中没有流水线文件或 employees 文件", en: "the manifest names no pipeline or employees file")
        }
        let settings = record.settings
        let s = ReplayRequest(
            pipeline: pipeline, period: period, inputDirectory: (employees as NSString).deletingLastPathComponent,
            outputRoot: root, openingBalance: input("opening-balance"), firstPeriod: settings["first_period"] == "true",
            previousLedger: input("previous-ledger"))
        let c = try replay.compute(s)
        guard let run = c.run else { throw AuditError(zh: "该期间的输入现在有错误，无法重新计算", en: "the period's inputs now have errors; it cannot be recomputed") }
        return Context(batch: c.batch, run: run, rules: c.rules, request: s)
    }

    /// Explains one employee's pay in a finished period.
    public static func run(period: Period, employeeID: String, root: String, replay: any PeriodReplay) throws -> Report {
        let ctx = try context(period: period, root: root, replay: replay)
        let folder = (root as NSString).appendingPathComponent(period.description)
        let c = (batch: ctx.batch, rules: ctx.rules)
        let run = ctx.run
        let s = ctx.request
        guard let i = c.batch.employees.firstIndex(where: { $0.id == employeeID }) else {
            throw AuditError(zh: "\(period) 中没有员工 \(employeeID)", en: "employee \(employeeID) is not in \(period)")
        }
        let e = c.batch.employees[i]
        let p = run.performance[i]
        let starts = c.batch.adjustments.filter { Int($0.employee) == i }
        let ytd = try YearToDateStore.load(
            period: period, root: root, opening: s.openingBalance, firstPeriod: s.firstPeriod,
            previousLedger: s.previousLedger)
        let inputForTrace = PayInput(
            employee: e, attendance: c.batch.attendance[i], coefficient: p.coefficient,
            finalScore: p.final ?? .zero, pointsBonus: p.pointsBonus, adjustments: starts,
            previous: ytd.entries[e.id], mode: e.basicDeductionMode,
            compTime: c.batch.compTimeTracked || (ytd.entries[e.id]?.compTime ?? .zero) != .zero)
        let trace = try c.rules.trace(inputForTrace)
        var matches: Bool?
        let registerPath = (folder as NSString).appendingPathComponent("payroll_register.csv")
        if FileManager.default.fileExists(atPath: registerPath), let row = replay.registerRow(i, batch: c.batch, run: run) {
            let stored = try RegisterDiff.read(registerPath)
            matches = stored.rows[e.id].map { Array($0.prefix(row.count)) == row }
        }
        return Report(
            period: period, employee: e, trace: trace, finalScore: p.final?.formatted(places: 2) ?? "",
            grade: p.grade, coefficient: p.coefficient.formatted(places: 2), matchesRegister: matches, adjustments: starts)
    }

    /// The names of the insurance lines for people.
    static let insuranceLabels: [String: Bilingual] = [
        "pension": Bilingual("养老保险", "pension"), "medical": Bilingual("医疗保险", "medical"),
        "unemployment": Bilingual("失业保险", "unemployment"), "work_injury": Bilingual("工伤保险", "work injury"),
        "maternity": Bilingual("生育保险", "maternity"), "housing_fund": Bilingual("住房公积金", "housing fund"),
    ]

    /// The explanation as text for the terminal, in a language (`both`: Chinese, then English, on each line).
    public static func text(_ r: Report, locale: ReportLocale = .en) -> String {
        func t(_ zh: String, _ en: String) -> String { locale.pick(zh, en) }
        let e = r.employee
        var o = t("员工 \(e.id) \(e.name)，\(e.department)，期间 \(r.period)", "Employee \(e.id) \(e.name), \(e.department), period \(r.period)") + "\n"
        o +=
            t(
                "绩效：最终得分 \(r.finalScore)，等级 \(r.grade)，系数 \(r.coefficient)",
                "Performance: final score \(r.finalScore), grade \(r.grade), coefficient \(r.coefficient)") + "\n\n"
        o += t("工资项目（每项四舍五入到分）", "Pay lines (each rounded half-up to the fen)") + "\n"
        for l in r.trace.lines {
            o += locale == .en ? "  \(l.code)  \(l.label.en)" : "  \(locale.text(l.label)) [\(l.code)]"
            o += (l.inGross ? "" : t("  [仅供参考，不计入应发]", "  [information, not in gross]")) + "\n"
            o += "    \(t("公式", "formula")): \(l.formula)\n"
            for (n, v) in l.inputs {
                let shown = locale == .en ? v : (v == "true" ? "是" : v == "false" ? "否" : v)
                o += locale == .en ? "    \(n) = \(v)\n" : "    [\(n)] = \(shown)\n"
            }
            for p in l.parameters {
                let note = p.note.map { "; \(locale.text($0))" } ?? ""
                o +=
                    "    \(locale == .en ? p.name : "[\(p.name)]") = \(p.value)  (\(t("自 \(p.from) 起；来源：\(p.source)\(note)", "from \(p.from); \(p.source)\(note)")))\n"
            }
            o += "    = \(l.exact) → \(l.amount)\n"
        }
        if !r.adjustments.isEmpty {
            o += "  \(t("调整项，逐行：", "adjustments, row by row:"))\n"
            for a in r.adjustments { o += "    \(a.file):\(a.line)  \(a.code)  \(a.amount)  \(a.note)\n" }
        }
        o += "  \(t("应发合计", "gross")) = \(r.trace.gross)\n\n\(t("社会保险和住房公积金", "Social insurance and housing fund"))\n"
        for s in r.trace.insurance {
            let name = insuranceLabels[s.line].map { locale.text($0) } ?? s.line
            o +=
                "  \(name): \(t("基数", "base")) clamp(\(s.declaredBase), \(s.floor), \(s.ceiling)) = \(s.base); \(t("个人", "employee")) \(s.employeeRate)"
            o += s.employeeFixed == .zero ? "" : " + \(s.employeeFixed)"
            o +=
                " → \(s.employee); \(t("单位", "employer")) \(s.employerRate) → \(s.employer); \(t("舍入", "rounding")) \(locale == .en ? s.rounding : (["fen": "到分", "yuan": "到元"][s.rounding] ?? s.rounding))\n"
        }
        if let src = r.trace.insurance.first?.source { o += "  \(t("来源", "source")): \(locale.text(src))\n" }
        o += "\n\(t("个人所得税（累计预扣法）", "Income tax, cumulative withholding"))\n"
        for (k, v) in r.trace.tax { o += "  \(locale.text(k)): \(locale.text(v))\n" }
        if !r.trace.bonus.isEmpty {
            o += "\n\(t("全年一次性奖金（单独计税）", "Annual one-time bonus, taxed separately"))\n"
            for (k, v) in r.trace.bonus { o += "  \(locale.text(k)): \(locale.text(v))\n" }
        }
        o += "\n"
        for (k, v) in r.trace.net { o += "\(locale.text(k)): \(locale.text(v))\n" }
        if let m = r.matchesRegister {
            o +=
                "\n"
                + (m
                    ? t("工资表中该员工的行与本次重算一致。", "The register's row for this employee matches.")
                    : t("警告：已保存的工资表行与本次重算不一致。", "WARNING: the stored register row differs from this recomputation.")) + "\n"
        }
        return o
    }

    /// The explanation as JSON for tools.
    public static func json(_ r: Report) throws -> Data {
        let t = r.trace
        let obj: [String: Any] = [
            "period": r.period.description, "employee_id": r.employee.id, "department": r.employee.department,
            "performance": ["final_score": r.finalScore, "grade": r.grade, "coefficient": r.coefficient],
            "lines": t.lines.map { l in
                [
                    "code": l.code, "label": "\(l.label.zh) \(l.label.en)", "in_gross": l.inGross, "formula": l.formula,
                    "inputs": Dictionary(uniqueKeysWithValues: l.inputs.map { ($0.0, $0.1) }),
                    "parameters": l.parameters.map {
                        ["name": $0.name, "value": $0.value, "from": $0.from, "source": $0.source + ($0.note.map { "; \($0.en)" } ?? "")]
                    },
                    "exact": l.exact, "rounding": l.rounding.en, "amount": l.amount.description,
                ] as [String: Any]
            },
            "gross": t.gross.description,
            "insurance": t.insurance.map { s in
                [
                    "line": s.line, "declared_base": s.declaredBase.description, "floor": s.floor.description, "ceiling": s.ceiling.description,
                    "base": s.base.description, "employee_rate": s.employeeRate, "employee_fixed": s.employeeFixed.description,
                    "employer_rate": s.employerRate, "rounding": s.rounding, "employee": s.employee.description,
                    "employer": s.employer.description, "source": s.source.en,
                ]
            },
            "tax": t.tax.map { ["step": $0.0.en, "value": $0.1.en] },
            "annual_bonus": t.bonus.map { ["step": $0.0.en, "value": $0.1.en] },
            "net_pay": t.result.net.description,
            "matches_register": r.matchesRegister as Any,
            "adjustments": r.adjustments.map {
                ["file": $0.file, "line": $0.line, "code": $0.code, "amount": $0.amount.description, "note": $0.note] as [String: Any]
            },
        ]
        return try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }
}
