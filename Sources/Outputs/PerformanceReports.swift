import CSVReader
import Foundation
import PayrollCore
import PayrollRules
import Performance
import RunRecords
import Stages

/// Performance outputs: the scorecard of every employee, department
/// summaries with coaching coverage, the merit-increase proposal, and score
/// history across the periods found in the output root. Rater identities are
/// never written anywhere.
public enum PerformanceReports {
    /// performance.csv's columns (rater identities are never written).
    public static let scorecardColumns = [
        "employee_id", "name", "department", "dept_type", "kpi_score", "mbo_score", "feedback360_score",
        "feedback360_manager", "feedback360_peer", "feedback360_subordinate", "feedback360_self", "feedback360_groups_dropped",
        "bsc_score", "bsc_financial", "bsc_customer", "bsc_process", "bsc_learning", "missing_methods", "final_score",
        "score_grade", "grade", "coefficient", "calibrated_from", "calibration_reason", "calibration_approver",
        "department_rank", "company_rank", "points", "points_bonus", "coaching_checkins_quarter",
    ]

    static func f2(_ x: Exact?) -> String { x.map { $0.formatted(places: 2) } ?? "" }

    /// Writes each employee's scorecard.
    public static func writeScorecards(batch: Batch, run: PayrollRun, to path: String) throws {
        let w = try CSVStreamWriter(path: path, forPeople: true)
        try w.row(scorecardColumns)
        for (i, e) in batch.employees.enumerated() {
            let p = run.performance[i]
            let groupNames = p.droppedGroups.map(\.code).joined(separator: ";")
            try w.row([
                e.id, e.name, e.department, e.deptType.rawValue, f2(p.kpi), f2(p.mbo), f2(p.feedback360),
                f2(p.groupMeans[.manager]), f2(p.groupMeans[.peer]), f2(p.groupMeans[.subordinate]), f2(p.feedbackSelf), groupNames,
                f2(p.bsc), f2(p.bscPerspectives[.financial]), f2(p.bscPerspectives[.customer]), f2(p.bscPerspectives[.process]),
                f2(p.bscPerspectives[.learning]), p.missingMethods.map(\.code).joined(separator: ";"), f2(p.final),
                p.scoreGrade ?? "", p.grade, f2(p.coefficient),
                p.calibratedFrom ?? "", p.calibrationReason ?? "", p.calibrationApprover ?? "",
                String(p.departmentRank), String(p.companyRank), p.points.isZero ? "" : p.points.text(), p.pointsBonus.description,
                batch.checkIns.isEmpty ? "0" : String(batch.checkIns[i].inLastQuarter),
            ])
        }
        try w.close()
    }

    /// One department's performance summary.
    public struct DepartmentSummary: Sendable {
        /// The department.
        public var department: String
        /// Its type.
        public var deptType: String
        /// Employees in it.
        public var employees: Int
        /// Employees with a final score.
        public var scored: Int
        /// The average final score.
        public var average: Exact?
        /// The lowest final score.
        public var minimum: Exact?
        /// The highest final score.
        public var maximum: Exact?
        /// Employees per grade.
        public var gradeCounts: [String: Int]
        /// Employees with a coaching check-in in the quarter.
        public var coached: Int
        /// The coached share of the employees.
        public var coverage: Exact
    }

    /// Per department: headcount, score statistics, grade distribution and the
    /// share of employees with a coaching check-in in the quarter ending with the period.
    /// - Throws: `Exact.Overflow` when a sum goes beyond the exact arithmetic.
    public static func departments(batch: Batch, run: PayrollRun) throws -> [DepartmentSummary] {
        var order: [String] = []
        var members: [String: [Int]] = [:]
        for (i, e) in batch.employees.enumerated() {
            if members[e.department] == nil { order.append(e.department) }
            members[e.department, default: []].append(i)
        }
        order.sort { $0.codePointPrecedes($1) }
        return try order.map { d in
            let idx = members[d] ?? []
            let scores = idx.compactMap { run.performance[$0].final }
            var grades: [String: Int] = [:]
            for i in idx where run.performance[i].final != nil { grades[run.performance[i].grade, default: 0] += 1 }
            let coached = batch.checkIns.isEmpty ? 0 : idx.filter { batch.checkIns[$0].inLastQuarter > 0 }.count
            let sum = try scores.reduce(Exact.zero) { try $0 + $1 }
            return DepartmentSummary(
                department: d, deptType: batch.employees[idx[0]].deptType.rawValue, employees: idx.count,
                scored: scores.count,
                average: scores.isEmpty ? nil : (try sum / Exact(scores.count)).rounded(places: 2),
                minimum: scores.min(), maximum: scores.max(), gradeCounts: grades, coached: coached,
                coverage: (try Exact(coached) / Exact(idx.count)).rounded(places: 4))
        }
    }

    /// Writes performance_departments.csv.
    public static func writeDepartments(batch: Batch, run: PayrollRun, grades: [String], to path: String) throws {
        let w = try CSVStreamWriter(path: path, forPeople: true)
        try w.row(
            ["department", "dept_type", "employees", "scored", "average_score", "min_score", "max_score"]
                + grades.map { "grade_\($0)" } + ["coached_last_quarter", "coaching_coverage"])
        for d in try departments(batch: batch, run: run) {
            try w.row(
                [d.department, d.deptType, String(d.employees), String(d.scored), f2(d.average), f2(d.minimum), f2(d.maximum)]
                    + grades.map { String(d.gradeCounts[$0] ?? 0) } + [String(d.coached), d.coverage.formatted(places: 4)])
        }
        try w.close()
    }

    /// Writes merit_proposal.csv (a proposal for approval only).
    public static func writeMerit(batch: Batch, run: PayrollRun, policy: MeritPolicy, to path: String) throws {
        let w = try CSVStreamWriter(path: path, forPeople: true)
        try w.row([
            "employee_id", "name", "department", "position", "grade", "monthly_salary", "band_min", "band_max",
            "band_position", "band_quartile", "proposed_raise_pct", "proposed_raise", "proposed_salary", "status",
        ])
        for (i, e) in batch.employees.enumerated() {
            let p = run.performance[i]
            guard p.final != nil, let m = try policy.propose(for: e, grade: p.grade) else { continue }
            try w.row([
                e.id, e.name, e.department, e.position, p.grade, m.salary.description, m.bandMin.description,
                m.bandMax.description, m.bandPosition.formatted(places: 4), String(m.quartile),
                (m.raise * Exact(100)).formatted(places: 2), m.amount.description, (m.salary + m.amount).description,
                "proposed: needs approval",
            ])
        }
        try w.close()
    }

    /// Earlier finished periods in `root` that have a scorecard, oldest first: the history sources of a run.
    public static func historySources(root: String, before period: Period) -> [(period: String, path: String)] {
        let fm = FileManager.default
        let folders = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).filter { Period($0).map { $0 < period } ?? false }.sorted()
        return folders.compactMap { f in
            let dir = (root as NSString).appendingPathComponent(f)
            let card = (dir as NSString).appendingPathComponent("performance.csv")
            guard fm.fileExists(atPath: (dir as NSString).appendingPathComponent("manifest.json")), fm.fileExists(atPath: card) else { return nil }
            return (f, card)
        }
    }

    /// The history sources plus this period: each employee's score series and
    /// each department's average by period.
    @discardableResult
    public static func writeHistory(
        batch: Batch, run: PayrollRun, sources: [(period: String, path: String)], employeesTo: String,
        departmentsTo: String
    ) throws -> [(department: String, period: String, average: Fixed)] {
        var averages: [(department: String, period: String, average: Fixed)] = []
        var series: [(period: String, id: String, dept: String, score: String, grade: String)] = []
        for (f, card) in sources {
            var pos: [String: Int] = [:]
            _ = try CSVFileReader(path: card).read { rec in
                if rec.index == 0 {
                    for i in 0..<rec.count { pos[rec.string(i)] = i }
                    return
                }
                guard let a = pos["employee_id"], let d = pos["department"], let s = pos["final_score"], let g = pos["grade"],
                    rec.count > max(a, d, s, g)
                else { return }
                series.append((f, rec.string(a), rec.string(d), rec.string(s), rec.string(g)))
            }
        }
        for (i, e) in batch.employees.enumerated() {
            series.append((batch.period.description, e.id, e.department, f2(run.performance[i].final), run.performance[i].grade))
        }
        series.sort { ($0.id, $0.period) < ($1.id, $1.period) }
        let w = try CSVStreamWriter(path: employeesTo, forPeople: true)
        try w.row(["employee_id", "period", "department", "final_score", "grade"])
        for r in series { try w.row([r.id, r.period, r.dept, r.score, r.grade]) }
        try w.close()

        var sums: [String: (sum: Exact, n: Int)] = [:]
        for r in series {
            guard let s = Fixed.parse(r.score) else { continue }
            let key = r.dept + "\u{1F}" + r.period
            let cur = sums[key] ?? (.zero, 0)
            sums[key] = (try cur.sum + Exact(s), cur.n + 1)
        }
        let d = try CSVStreamWriter(path: departmentsTo, forPeople: true)
        try d.row(["department", "period", "employees", "average_score"])
        for (key, v) in sums.sorted(by: { $0.key.codePointPrecedes($1.key) }) {
            let parts = key.split(separator: "\u{1F}").map(String.init)
            let avg = (try v.sum / Exact(v.n)).rounded(places: 2)
            try d.row([parts[0], parts[1], String(v.n), avg.formatted(places: 2)])
            averages.append((parts[0], parts[1], avg.fixed))
        }
        try d.close()
        return averages
    }
}
