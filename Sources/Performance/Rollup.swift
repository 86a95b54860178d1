import PayrollCore

/// How performance is rolled up; the defaults are STANDARD.md's.
public struct PerformanceConfig: Sendable {
    /// Weight of each method in the final score, by department type.
    public var methodWeights: [DeptType: [ScoreMethod: Exact]]
    /// The most an item may score, as a fraction of its target (1.2: 120 points).
    public var itemCap: Exact  // 1.2: an item scores at most 120
    /// Weight of each rater group in the 360 score.
    public var groupWeights: [RaterGroup: Exact]
    /// Peer and subordinate groups with fewer distinct raters are left out (anonymity).
    public var minRaters: Int
    /// Rater groups whose ratings count only with enough raters (the anonymity rule).
    public var anonymousGroups: Set<RaterGroup>
    /// Grades from the highest threshold down; the last has no threshold.
    public var grades: [(grade: String, atLeast: Exact?, coefficient: Exact)]

    /// STANDARD.md's defaults.
    public static let standard = PerformanceConfig(
        methodWeights: [
            .frontline: [.kpi: Exact(1)],
            .backoffice: [.mbo: Exact(4, 10), .feedback360: Exact(3, 10), .bsc: Exact(3, 10)],
        ],
        itemCap: Exact(12, 10),
        groupWeights: [.manager: Exact(4, 10), .peer: Exact(3, 10), .subordinate: Exact(2, 10), .selfRating: Exact(1, 10)],
        minRaters: 3,
        anonymousGroups: [.peer, .subordinate],
        grades: [
            ("S", Exact(105), Exact(15, 10)), ("A", Exact(95), Exact(12, 10)), ("B", Exact(80), Exact(1)),
            ("C", Exact(60), Exact(8, 10)), ("D", nil, Exact(5, 10)),
        ])

    /// A copy that shares no heap storage with `self` (one per worker thread).
    public func threadLocal() -> PerformanceConfig {
        var c = self
        c.methodWeights = Dictionary(
            uniqueKeysWithValues: methodWeights.map { ($0.key, Dictionary(uniqueKeysWithValues: $0.value.map { ($0.key, $0.value) })) })
        c.groupWeights = Dictionary(uniqueKeysWithValues: groupWeights.map { ($0.key, $0.value) })
        c.anonymousGroups = Set(anonymousGroups.map { $0 })
        c.grades = grades.map { (String(decoding: Array($0.grade.utf8), as: UTF8.self), $0.atLeast, $0.coefficient) }
        return c
    }

    /// The grade and coefficient a final score earns.
    public func grade(for score: Exact) -> (String, Exact) {
        for g in grades { if let t = g.atLeast { if !(score < t) { return (g.grade, g.coefficient) } } else { return (g.grade, g.coefficient) } }
        return (grades.last!.grade, grades.last!.coefficient)
    }
}

/// One employee's rolled-up performance.
public struct PerformanceResult: Sendable {
    /// The rollup of this employee's scores went beyond the exact arithmetic's range: no score, a diagnostic.
    public var arithmeticOverflow = false

    /// A result with nothing rolled up yet.
    public init() {}
    /// The KPI score, when the employee has KPI rows.
    public var kpi: Exact?
    /// The MBO score.
    public var mbo: Exact?
    /// The 360 score, self-ratings excluded.
    public var feedback360: Exact?
    /// The self-rating average, shown on the scorecard only.
    public var feedbackSelf: Exact?  // shown separately on the scorecard
    /// The balanced-scorecard score.
    public var bsc: Exact?
    /// The balanced-scorecard score of each perspective.
    public var bscPerspectives = PerspectiveScores()
    /// 360 groups used (mean per group) and groups left out for anonymity.
    public var groupMeans = GroupScores()
    /// 360 rater groups left out under the anonymity rule.
    public var droppedGroups: [RaterGroup] = []
    /// Methods of the scheme without scores (the others are re-weighted).
    public var missingMethods: [ScoreMethod] = []
    /// The final score, when any method gives one.
    public var final: Exact?
    /// The grade (after forced distribution and calibration).
    public var grade: String = ""
    /// The pay coefficient of the grade.
    public var coefficient: Exact = .zero
    /// Rank within the department (1 = best).
    public var departmentRank = 0
    /// Rank within the company (1 = best).
    public var companyRank = 0
    /// The grade the score gave (before forced distribution or calibration).
    public var scoreGrade: String?
    /// The grade before calibration, with the reason and approver of the change.
    public var calibratedFrom: String?
    /// Why the grade was calibrated.
    public var calibrationReason: String?
    /// Who approved the calibration.
    public var calibrationApprover: String?
    /// Special-achievement points and the bonus they earn.
    public var points = Exact.zero
    /// Special-achievement points paid into the performance bonus.
    public var pointsBonus = Money.zero
}

/// Scores at indexes 0–3 (the cases of a small enumeration), held in place instead of a dictionary per employee
/// (a million employees, a million allocations fewer each). The rollup rounds these scores to 2 places, so they
/// are kept as hundredths in 64 bits; a value that is not (a configuration with an absurd item cap) is
/// `Exact.Overflow`, which the rollup stage turns into "no score" and a diagnostic, never a wrong value.
public struct CaseScores: Sendable {
    private var h0: Int64 = 0
    private var h1: Int64 = 0
    private var h2: Int64 = 0
    private var h3: Int64 = 0
    private var present: UInt8 = 0

    /// No scores.
    public init() {}

    /// The score at index `i`, if any.
    public subscript(i: Int) -> Exact? {
        guard i >= 0 && i < 4, present & (1 << UInt8(i)) != 0 else { return nil }
        let h: Int64
        switch i {
        case 0: h = h0
        case 1: h = h1
        case 2: h = h2
        default: h = h3
        }
        return Exact(Int128(h), 100)
    }

    /// Sets (or with nil, clears) the score at index `i`.
    /// - Throws: `Exact.Overflow` when `i` is not 0–3 or the value is not a whole number of hundredths in 64 bits.
    public mutating func set(_ i: Int, _ value: Exact?) throws {
        guard i >= 0 && i < 4 else { throw Exact.Overflow() }
        guard let v = value else {
            present &= ~(1 << UInt8(i))
            return
        }
        // A whole number of hundredths: the denominator (lowest terms) divides 100.
        guard 100 % v.den == 0, let h = Int64(exactly: v.num * (100 / v.den)) else { throw Exact.Overflow() }
        switch i {
        case 0: h0 = h
        case 1: h1 = h
        case 2: h2 = h
        default: h3 = h
        }
        present |= 1 << UInt8(i)
    }
}

/// The balanced-scorecard score of each perspective (`CaseScores`).
public struct PerspectiveScores: Sendable {
    private var scores = CaseScores()
    /// None.
    public init() {}
    /// The score of a perspective, if any.
    public subscript(p: Perspective) -> Exact? { scores[p.rawValue] }
    /// Sets a perspective's score; see `CaseScores.set`.
    public mutating func set(_ p: Perspective, _ value: Exact?) throws { try scores.set(p.rawValue, value) }
}

/// The 360 mean of each rater group (`CaseScores`).
public struct GroupScores: Sendable {
    private var scores = CaseScores()
    /// None.
    public init() {}
    /// The mean of a group, if any.
    public subscript(g: RaterGroup) -> Exact? { scores[g.rawValue] }
    /// Sets a group's mean; see `CaseScores.set`.
    public mutating func set(_ g: RaterGroup, _ value: Exact?) throws { try scores.set(g.rawValue, value) }
}

/// Four values indexed 0–3 in place (a rollup's per-perspective and per-group sums), not an array per employee.
struct Four<V> {
    var values: (V, V, V, V)
    init(_ v: V) { values = (v, v, v, v) }
    subscript(i: Int) -> V {
        get {
            switch i {
            case 0: return values.0
            case 1: return values.1
            case 2: return values.2
            default: return values.3
            }
        }
        set {
            switch i {
            case 0: values.0 = newValue
            case 1: values.1 = newValue
            case 2: values.2 = newValue
            default: values.3 = newValue
            }
        }
    }
}

/// The performance rollups: per employee, then ranks.
public enum Rollup {
    static let hundred = Exact(100)

    /// Item score of a KPI or BSC row: min(actual/target, cap) × 100, or
    /// min(target/actual, cap) × 100 when lower is better (actual 0 → cap × 100); 2 places half-up.
    public static func itemScore(target: Exact, actual: Exact, direction: Direction, cap: Exact) throws -> Exact {
        let ratio: Exact
        switch direction {
        case .higher: ratio = try actual / target
        case .lower: ratio = actual.isZero ? cap : try target / actual
        }
        return (try min(ratio, cap) * hundred).rounded(places: 2)
    }

    /// Rolls up one employee's rows (all of one employee, any order).
    public static func employee(_ e: Employee, rows: ArraySlice<ScoreRow>, config: PerformanceConfig) throws -> PerformanceResult {
        var r = PerformanceResult()
        let weights = config.methodWeights[e.deptType] ?? [:]
        var kpiSum = Exact.zero
        var bscSum = Exact.zero
        var mboSum = Exact.zero
        var hasKPI = false
        var hasBSC = false
        var hasMBO = false
        // Perspectives and rater groups have four cases each (checked by a test): their sums are kept in place.
        var perspective = Four(Exact.zero)
        var hasPerspective = Four(false)
        var groupSum = Four(Exact.zero)
        var groupCount = Four(0)
        var raters = [[Int32]](repeating: [], count: RaterGroup.allCases.count)
        var weighted: UInt8 = 0  // the methods the scheme weighs, by raw value: no dictionary lookup per row
        for m in ScoreMethod.allCases where weights[m] != nil { weighted |= 1 << UInt8(m.rawValue) }
        for row in rows where weighted & (1 << UInt8(row.method.rawValue)) != 0 {
            switch row.method {
            case .kpi, .bsc:
                guard let t = row.target, let a = row.actual, let w = row.weight else { continue }
                let s = try itemScore(target: Exact(t), actual: Exact(a), direction: row.direction, cap: config.itemCap)
                let ws = try Exact(w) * s
                if row.method == .kpi {
                    kpiSum = try kpiSum + ws
                    hasKPI = true
                } else {
                    bscSum = try bscSum + ws
                    hasBSC = true
                    if let p = row.perspective {
                        perspective[p.rawValue] = try perspective[p.rawValue] + ws
                        hasPerspective[p.rawValue] = true
                    }
                }
            case .mbo:
                guard let w = row.weight, let rating = row.rating else { continue }
                mboSum = try mboSum + Exact(w) * Exact(rating)
                hasMBO = true
            case .feedback360:
                guard let g = row.raterGroup, let rating = row.rating else { continue }
                groupSum[g.rawValue] = try groupSum[g.rawValue] + Exact(rating)
                groupCount[g.rawValue] += 1
                if !raters[g.rawValue].contains(row.raterID) { raters[g.rawValue].append(row.raterID) }
            }
        }
        if hasKPI { r.kpi = kpiSum.rounded(places: 2) }
        if hasBSC {
            r.bsc = bscSum.rounded(places: 2)
            for p in Perspective.allCases where hasPerspective[p.rawValue] {
                try r.bscPerspectives.set(p, perspective[p.rawValue].rounded(places: 2))
            }
        }
        if hasMBO { r.mbo = mboSum.rounded(places: 2) }
        if RaterGroup.allCases.contains(where: { groupCount[$0.rawValue] > 0 }) {
            var weighted = Exact.zero
            var total = Exact.zero
            for g in RaterGroup.allCases {
                let n = groupCount[g.rawValue]
                guard n > 0 else { continue }
                let mean = (try groupSum[g.rawValue] / Exact(n)).rounded(places: 2)
                if g == .selfRating { r.feedbackSelf = mean }
                if config.anonymousGroups.contains(g) && raters[g.rawValue].count < config.minRaters {
                    r.droppedGroups.append(g)
                    continue
                }
                try r.groupMeans.set(g, mean)
                let w = config.groupWeights[g] ?? .zero
                weighted = try weighted + w * mean
                total = try total + w
            }
            if !total.isZero { r.feedback360 = (try weighted / total).rounded(places: 2) }
        }
        var fSum = Exact.zero
        var fWeight = Exact.zero
        for m in ScoreMethod.allCases {
            guard let w = weights[m] else { continue }
            let s: Exact?
            switch m {
            case .kpi: s = r.kpi
            case .mbo: s = r.mbo
            case .feedback360: s = r.feedback360
            case .bsc: s = r.bsc
            }
            if let s {
                fSum = try fSum + w * s
                fWeight = try fWeight + w
            } else {
                r.missingMethods.append(m)
            }
        }
        if !fWeight.isZero {
            let f = (try fSum / fWeight).rounded(places: 2)
            r.final = f
            (r.grade, r.coefficient) = config.grade(for: f)
            r.scoreGrade = r.grade
        }
        return r
    }

    /// Ranks by final score descending, ties by employee_id ascending (code-point order),
    /// within the company and within each department. `employees` are sorted by id.
    public static func rank(_ results: inout [PerformanceResult], employees: [Employee]) {
        let keys: [(score: Exact, index: Int)] = results.indices.compactMap { i in results[i].final.map { ($0, i) } }
        let order = keys.sorted { a, b in
            if a.score != b.score { return b.score < a.score }
            return a.index < b.index  // employees are in employee_id order
        }.map(\.index)
        var deptCounter: [String: Int] = [:]
        for (i, idx) in order.enumerated() {
            results[idx].companyRank = i + 1
            let d = employees[idx].department
            let rank = deptCounter[d, default: 0] + 1
            deptCounter[d] = rank
            results[idx].departmentRank = rank
        }
    }
}
