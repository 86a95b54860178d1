import PayrollCore
import PayrollRules
import Performance

/// The pipeline's `performance:` section; every key is optional and the
/// defaults are STANDARD.md's.
public struct PerformanceSettings: Sendable {
    /// Weights, caps, grades and coefficients.
    public var config: PerformanceConfig = .standard
    /// Forced distribution, when the pipeline asks for it.
    public var forced: ForcedDistribution?
    /// Yuan per special-achievement point (points.csv); the bonus is rounded half-up to the fen.
    public var pointsRate: Exact = .zero
    /// The merit-increase policy, when the pipeline has one.
    public var merit: MeritPolicy?

    /// STANDARD.md's defaults.
    public init() {}

    /// Which methods each department type is appraised by.
    public var schemes: PerformanceSchemes {
        PerformanceSchemes(methods: config.methodWeights.mapValues { Set($0.keys) })
    }

    static let methodNames: [String: ScoreMethod] = ["kpi": .kpi, "mbo": .mbo, "360": .feedback360, "bsc": .bsc]
    static let groupNames: [String: RaterGroup] = ["manager": .manager, "peer": .peer, "subordinate": .subordinate, "self": .selfRating]

    /// Reads the pipeline file's `performance:` section.
    public static func parse(_ n: YNode) throws -> PerformanceSettings {
        var s = PerformanceSettings()
        for (k, v) in try n.mapping(allowed: ["methods", "item_cap", "feedback360", "grades", "forced_distribution", "points_rate", "merit"]) {
            switch k {
            case "methods":
                for (t, mv) in try v.mapping(allowed: ["frontline", "backoffice"]) {
                    var weights: [ScoreMethod: Exact] = [:]
                    var sum = Exact.zero
                    for (m, w) in try mv.mapping(allowed: Set(methodNames.keys)) {
                        guard let method = methodNames[m] else { throw w.error("unknown method \(m)") }
                        let x = Exact(try w.fixed())
                        weights[method] = x
                        sum = try sum + x
                    }
                    if sum != .one { throw mv.error("method weights must sum to 1 (they sum to \(sum))") }
                    guard let type = DeptType(rawValue: t) else { throw mv.error("unknown department type \(t)") }
                    s.config.methodWeights[type] = weights
                }
            case "item_cap": s.config.itemCap = Exact(try v.fixed())
            case "feedback360":
                for (fk, fv) in try v.mapping(allowed: ["weights", "min_raters", "anonymous_groups"]) {
                    switch fk {
                    case "weights":
                        var w: [RaterGroup: Exact] = [:]
                        for (g, gv) in try fv.mapping(allowed: Set(groupNames.keys)) {
                            guard let group = groupNames[g] else { throw gv.error("unknown rater group \(g)") }
                            w[group] = Exact(try gv.fixed())
                        }
                        s.config.groupWeights = w
                    case "min_raters": s.config.minRaters = try fv.int()
                    default:
                        s.config.anonymousGroups = Set(
                            try fv.stringList().map { g in
                                guard let r = groupNames[g] else { throw fv.error("unknown rater group \(g)") }
                                return r
                            })
                    }
                }
            case "grades":
                var grades: [(grade: String, atLeast: Exact?, coefficient: Exact)] = []
                for g in try v.sequence() {
                    var name = ""
                    var at: Exact?
                    var coef = Exact.zero
                    for (gk, gv) in try g.mapping(allowed: ["grade", "at_least", "coefficient"], required: ["grade", "coefficient"]) {
                        switch gk {
                        case "grade": name = try gv.string()
                        case "at_least": at = Exact(try gv.fixed())
                        default: coef = Exact(try gv.fixed())
                        }
                    }
                    if let prev = grades.last {
                        guard let pa = prev.atLeast, let a = at ?? Optional(.zero), a < pa else {
                            throw g.error("grades go from the highest threshold down; only the last may have no at_least")
                        }
                    }
                    grades.append((name, at, coef))
                }
                if grades.isEmpty || grades.last!.atLeast != nil {
                    throw v.error("the last grade must have no at_least (it takes every lower score)")
                }
                s.config.grades = grades
            case "forced_distribution":
                var quotas: [(grade: String, share: Exact)] = []
                var sum = Exact.zero
                for (g, q) in try v.entries() {
                    let x = Exact(try q.fixed())
                    quotas.append((g, x))
                    sum = try sum + x
                }
                if sum != .one { throw v.error("forced-distribution shares must sum to 1 (they sum to \(sum))") }
                s.forced = ForcedDistribution(quotas: quotas)
            case "points_rate": s.pointsRate = Exact(try v.fixed())
            default:
                var bands: [String: (min: Money, max: Money)] = [:]
                var matrix: [String: [Exact]] = [:]
                for (mk, mv) in try v.mapping(allowed: ["bands", "matrix"], required: ["bands", "matrix"]) {
                    if mk == "bands" {
                        for (pos, bv) in try mv.entries() {
                            var lo = Money.zero
                            var hi = Money.zero
                            for (bk, b) in try bv.mapping(allowed: ["min", "max"], required: ["min", "max"]) {
                                if bk == "min" { lo = try b.money() } else { hi = try b.money() }
                            }
                            if hi < lo { throw bv.error("max is below min") }
                            bands[pos] = (lo, hi)
                        }
                    } else {
                        for (g, row) in try mv.entries() {
                            let r = try row.sequence().map { Exact(try $0.fixed()) }
                            if r.count != 4 { throw row.error("a grade's row has 4 raises, one per band quartile") }
                            matrix[g] = r
                        }
                    }
                }
                s.merit = MeritPolicy(bands: bands, matrix: matrix)
            }
        }
        let known = Set(s.config.grades.map(\.grade))
        if let f = s.forced, let bad = f.quotas.first(where: { !known.contains($0.grade) }) {
            throw n.error("forced_distribution names grade \(bad.grade), which is not in the grade table")
        }
        return s
    }
}
