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

/// One employee's rolled-up performance, in under 150 bytes (a million employees keep one each until the run is
/// written): every score the rollup gives is rounded to 2 places, so scores are kept as hundredths (`Hundredths`); the
/// lists of dropped rater groups and missing methods as bit masks; a calibration's texts in one box, only when there is
/// one. Setting a score that is not whole hundredths in 32 bits throws `Exact.Overflow` (the rollup stage turns it into
/// "no score" and a diagnostic), never stores a wrong value.
public struct PerformanceResult: Sendable {
    /// The pay coefficient of the grade.
    public var coefficient: Exact {
        get { coefficientStore.value }
        set { coefficientStore = CompactExact(newValue) }
    }
    private var coefficientStore = CompactExact(.zero)
    private var methods = CaseScores()  // by ScoreMethod.rawValue
    /// The balanced-scorecard score of each perspective.
    public var bscPerspectives = PerspectiveScores()
    /// 360 groups used (mean per group); groups left out for anonymity are in `droppedGroups`.
    public var groupMeans = GroupScores()
    private var selfRating = Hundredths.none
    private var finalScore = Hundredths.none
    /// The grade (after forced distribution and calibration).
    public var grade: String = ""
    /// The grade the score gave (before forced distribution or calibration).
    public var scoreGrade: String?
    private var calibration: CalibrationNote?
    private var pointsValue = Fixed.zero
    /// Special-achievement points paid into the performance bonus.
    public var pointsBonus = Money.zero
    private var ranks: (department: Int32, company: Int32) = (0, 0)
    /// The rollup of this employee's scores went beyond the exact arithmetic's range: no score, a diagnostic.
    public var arithmeticOverflow = false
    private var dropped: UInt8 = 0  // bit RaterGroup.rawValue
    private var missing: UInt8 = 0  // bit ScoreMethod.rawValue

    /// A result with nothing rolled up yet.
    public init() {}

    /// The KPI score, when the employee has KPI rows.
    public var kpi: Exact? { methods[ScoreMethod.kpi.rawValue] }
    /// The MBO score.
    public var mbo: Exact? { methods[ScoreMethod.mbo.rawValue] }
    /// The 360 score, self-ratings excluded.
    public var feedback360: Exact? { methods[ScoreMethod.feedback360.rawValue] }
    /// The balanced-scorecard score.
    public var bsc: Exact? { methods[ScoreMethod.bsc.rawValue] }
    /// The score of a method, if any.
    public func score(_ m: ScoreMethod) -> Exact? { methods[m.rawValue] }
    /// The score of a method in hundredths, if any.
    func scoreHundredths(_ m: ScoreMethod) -> Int64? { methods.hundredths(m.rawValue) }
    /// Sets (or with nil, clears) a method's score.
    /// - Throws: `Exact.Overflow` when the value is not a whole number of hundredths in 32 bits.
    public mutating func set(_ m: ScoreMethod, _ value: Exact?) throws { try methods.set(m.rawValue, value) }
    mutating func set(_ m: ScoreMethod, _ h: Hundredths) throws { try methods.set(m.rawValue, h) }

    /// The self-rating average, shown on the scorecard only.
    public var feedbackSelf: Exact? { selfRating.value }
    /// Sets the self-rating average; see `set(_:_:)`.
    public mutating func setFeedbackSelf(_ value: Exact?) throws { selfRating = try Hundredths(value) }
    mutating func setFeedbackSelf(_ h: Hundredths) { selfRating = h }

    /// The final score, when any method gives one.
    public var final: Exact? { finalScore.value }
    /// Sets (or with nil, clears) the final score; see `set(_:_:)`.
    public mutating func setFinal(_ value: Exact?) throws { finalScore = try Hundredths(value) }
    /// Sets the final score, its grade and coefficient (the grade also as the score's grade).
    mutating func setFinal(_ h: Hundredths, grade: String, coefficient: CompactExact) {
        finalScore = h
        self.grade = grade
        scoreGrade = grade
        coefficientStore = coefficient
    }
    /// The final score in hundredths (it is rounded to 2 places), when there is one.
    public var finalHundredths: Int64? { finalScore.raw }
    /// Clears the final score (no score: a diagnostic says why).
    public mutating func clearFinal() { finalScore = .none }

    /// 360 rater groups left out under the anonymity rule, in `RaterGroup.allCases` order.
    public var droppedGroups: [RaterGroup] { RaterGroup.allCases.filter { dropped & (1 << UInt8($0.rawValue)) != 0 } }
    /// Records a rater group left out under the anonymity rule.
    public mutating func drop(_ g: RaterGroup) { dropped |= 1 << UInt8(g.rawValue) }
    /// Methods of the scheme without scores (the others are re-weighted), in `ScoreMethod.allCases` order.
    public var missingMethods: [ScoreMethod] { ScoreMethod.allCases.filter { missing & (1 << UInt8($0.rawValue)) != 0 } }
    /// Records a method of the scheme without scores.
    public mutating func markMissing(_ m: ScoreMethod) { missing |= 1 << UInt8(m.rawValue) }

    /// Rank within the department (1 = best).
    public var departmentRank: Int {
        get { Int(ranks.department) }
        set { ranks.department = Int32(clamping: newValue) }  // ranks count employees, whose indexes are 32-bit
    }
    /// Rank within the company (1 = best).
    public var companyRank: Int {
        get { Int(ranks.company) }
        set { ranks.company = Int32(clamping: newValue) }
    }

    /// The grade before calibration, with the reason and approver of the change.
    public var calibratedFrom: String? { calibration?.from }
    /// Why the grade was calibrated.
    public var calibrationReason: String? { calibration?.reason }
    /// Who approved the calibration.
    public var calibrationApprover: String? { calibration?.approver }
    /// Records a calibration: the grade it replaced, why, and who approved it.
    public mutating func calibrated(from: String, reason: String, approver: String) {
        calibration = CalibrationNote(from: from, reason: reason, approver: approver)
    }

    /// Special-achievement points (points.csv: at most six decimals).
    public var points: Exact { Exact(pointsValue) }
    /// Sets the special-achievement points.
    public mutating func setPoints(_ p: Fixed) { pointsValue = p }
}

/// A calibration's texts, kept only for the few employees whose grade was calibrated.
final class CalibrationNote: Sendable {
    let from: String
    let reason: String
    let approver: String
    init(from: String, reason: String, approver: String) {
        self.from = from
        self.reason = reason
        self.approver = approver
    }
}

/// A score rounded to 2 places, as hundredths in 32 bits; `Int32.min` stands for "no score". Weights are 0–1 and sum
/// to 1, ratings 0–100 and item scores at most the item cap × 100 (validation and STANDARD.md), so a score beyond
/// ±21,474,836.47 needs an item cap above 214,748: such a value is `Exact.Overflow` (no score and a diagnostic), never
/// a wrong value.
struct Hundredths: Sendable {
    private var h: Int32
    static let none = Hundredths(raw: .min)
    private init(raw: Int32) { h = raw }

    /// The value's hundredths, or nil for nil.
    /// - Throws: `Exact.Overflow` when the value is not a whole number of hundredths in 32 bits.
    init(_ value: Exact?) throws {
        guard let v = value else {
            h = .min
            return
        }
        guard let u = v.units(tenToThe: 2), let x = Int32(exactly: u), x != .min else { throw Exact.Overflow() }
        h = x
    }

    /// `hundredths` itself.
    /// - Throws: `Exact.Overflow` when it is beyond 32 bits (as the exact value would be).
    init(hundredths: Int64) throws {
        guard let x = Int32(exactly: hundredths), x != .min else { throw Exact.Overflow() }
        h = x
    }

    var value: Exact? { h == .min ? nil : Exact(Int64(h), tenToThe: 2) }
    var raw: Int64? { h == .min ? nil : Int64(h) }
}

/// Scores at indexes 0–3 (the cases of a small enumeration), held in place instead of a dictionary per employee
/// (a million employees, a million allocations fewer each), as `Hundredths`. A value that is not whole hundredths in
/// 32 bits (a configuration with an absurd item cap) is `Exact.Overflow`, which the rollup stage turns into "no
/// score" and a diagnostic, never a wrong value.
public struct CaseScores: Sendable {
    private var h0 = Hundredths.none
    private var h1 = Hundredths.none
    private var h2 = Hundredths.none
    private var h3 = Hundredths.none

    /// No scores.
    public init() {}

    /// The score at index `i`, if any.
    public subscript(i: Int) -> Exact? {
        switch i {
        case 0: return h0.value
        case 1: return h1.value
        case 2: return h2.value
        case 3: return h3.value
        default: return nil
        }
    }

    /// The score at index `i` in hundredths, if any.
    func hundredths(_ i: Int) -> Int64? {
        switch i {
        case 0: return h0.raw
        case 1: return h1.raw
        case 2: return h2.raw
        case 3: return h3.raw
        default: return nil
        }
    }

    /// Sets (or with nil, clears) the score at index `i`.
    /// - Throws: `Exact.Overflow` when `i` is not 0–3 or the value is not a whole number of hundredths in 32 bits.
    public mutating func set(_ i: Int, _ value: Exact?) throws { try set(i, Hundredths(value)) }

    /// Sets the score at index `i`.
    /// - Throws: `Exact.Overflow` when `i` is not 0–3.
    mutating func set(_ i: Int, _ h: Hundredths) throws {
        switch i {
        case 0: h0 = h
        case 1: h1 = h
        case 2: h2 = h
        case 3: h3 = h
        default: throw Exact.Overflow()
        }
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
    mutating func set(_ p: Perspective, _ h: Hundredths) throws { try scores.set(p.rawValue, h) }
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
    mutating func set(_ g: RaterGroup, _ h: Hundredths) throws { try scores.set(g.rawValue, h) }
}

/// A sum of terms that are whole 10⁻ˢᶜᵃˡᵉ units, kept as an integer, with the terms that are not kept exactly beside
/// it; `value` is the exact sum. An integer sum beyond 128 bits is `Exact.Overflow` (no score and a diagnostic).
struct ScaledSum {
    /// Weight (10⁻⁶) × item score (10⁻²).
    static let weightTimesScore: Int128 = 100_000_000
    /// Weight (10⁻⁶) × rating (10⁻⁶).
    static let weightTimesRating: Int128 = 1_000_000_000_000
    private var units: Int128 = 0
    private var extra = Exact.zero
    private var hasExtra = false

    mutating func add(units u: Int128) throws {
        let r = units.addingReportingOverflow(u)
        if r.overflow { throw Exact.Overflow() }
        units = r.partialValue
    }

    mutating func add(_ e: Exact) throws {
        extra = try extra + e
        hasExtra = true
    }

    mutating func add(_ o: ScaledSum) throws {
        try add(units: o.units)
        if o.hasExtra { try add(o.extra) }
    }

    func value(scale: Int128) throws -> Exact {
        let whole = Exact(units, scale)
        return hasExtra ? try whole + extra : whole
    }

    /// `value(scale:)` rounded to 2 places half away from zero (as `Exact.rounded(places: 2)`), in hundredths: for a
    /// sum of whole units (every usual row) their integer quotient by `scale / 100`, rounded; else the exact value's.
    /// `scale` is a multiple of 100.
    func hundredths(scale: Int128) throws -> Hundredths {
        guard !hasExtra, units != .min else { return try Hundredths(try value(scale: scale).rounded(places: 2)) }
        return try Hundredths(hundredths: try Rollup.roundedQuotient(units, scale / 100))
    }
}

/// How many distinct values were inserted, counted up to `limit` (then it stops looking): the first eight kept in
/// place, more in an array (only for a limit above eight).
struct DistinctCount {
    let limit: Int
    private var first: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var more: [Int32] = []
    /// min(distinct values inserted, limit).
    private(set) var count = 0

    init(limit: Int) { self.limit = limit }

    mutating func insert(_ v: Int32) {
        guard count < limit else { return }
        let inPlace = Swift.min(count, 8)
        let seen = withUnsafeBytes(of: &first) { b in b.bindMemory(to: Int32.self).prefix(inPlace).contains(v) }
        if seen || more.contains(v) { return }
        if count < 8 {
            withUnsafeMutableBytes(of: &first) { b in b.storeBytes(of: v, toByteOffset: count * 4, as: Int32.self) }
        } else {
            more.append(v)
        }
        count += 1
    }
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
        _modify {  // in place: an array value is appended to without a copy
            switch i {
            case 0: yield &values.0
            case 1: yield &values.1
            case 2: yield &values.2
            default: yield &values.3
            }
        }
    }
}

/// The performance rollups: per employee, then ranks.
public enum Rollup {
    static let hundred = Exact(100)

    /// `n / d` rounded to a whole number half away from zero (`Exact(n, d).rounded(places: 0)`), for d > 0.
    /// - Throws: `Exact.Overflow` for a result beyond 64 bits.
    @inline(__always)
    static func roundedQuotient(_ n: Int128, _ d: Int128) throws -> Int64 {
        guard n != .min, let q = Int64(exactly: Exact.quotientRoundedHalfAwayFromZero(n, d)) else { throw Exact.Overflow() }
        return q
    }

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

    /// `itemScore` in hundredths, in integers, for the usual row: a ratio of two non-negative six-place decimals and a
    /// non-negative cap (STANDARD.md: min(ratio, cap) × 100, 2 places half-up). Nil for anything else (a negative
    /// value, a zero divisor, a product beyond 128 bits): such a row takes `itemScore`'s exact arithmetic.
    @inline(__always)
    static func itemHundredths(target: Fixed, actual: Fixed, direction: Direction, cap: Exact) -> Int128? {
        guard cap.num >= 0 else { return nil }
        let capHundredths = { () -> Int128? in
            let n = cap.num.multipliedReportingOverflow(by: 10_000)
            return n.overflow ? nil : Exact.quotientRoundedHalfUp(n.partialValue, cap.den)
        }
        let p: Int128
        let q: Int128
        switch direction {
        case .higher: (p, q) = (Int128(actual.units), Int128(target.units))
        case .lower:
            if actual.units == 0 { return capHundredths() }
            (p, q) = (Int128(target.units), Int128(actual.units))
        }
        guard p >= 0, q > 0 else { return nil }
        // p/q ≥ cap ⇔ p × cap.den ≥ cap.num × q (both denominators positive).
        let l = p.multipliedReportingOverflow(by: cap.den)
        let r = cap.num.multipliedReportingOverflow(by: q)
        guard !l.overflow, !r.overflow else { return nil }
        if l.partialValue >= r.partialValue { return capHundredths() }
        return Exact.quotientRoundedHalfUp(p * 10_000, q)  // p < 2⁶³: no overflow
    }

    /// Rolls up one employee's rows (all of one employee, any order).
    public static func employee(_ e: Employee, rows: ArraySlice<ScoreRow>, config: PerformanceConfig) throws -> PerformanceResult {
        try employee(e.deptType, rows: rows, config: config, weights: Weights(config))
    }

    /// The config's weights by position, for the rollup of many employees: looked up once, not in dictionaries
    /// per employee. Method weights by department type and method, rater-group weights and the anonymity rule by
    /// group.
    public struct Weights: Sendable {
        let methods: [Exact?]
        let groups: [Exact]
        let anonymous: [Bool]
        /// The method weights in millionths, when every one is a whole, non-negative number of them (STANDARD's
        /// 1, 0.4, 0.3): the final score is then computed in integers.
        let methodMillionths: [Int64?]?
        /// The rater-group weights in millionths under the same condition: the 360 score in integers.
        let groupMillionths: [Int64]?
        /// The grades from the highest: name, coefficient and the least score in hundredths that earns it (a score of
        /// h hundredths reaches a threshold t when h ≥ ⌈100 t⌉; nil for the last grade, which has none). nil when a
        /// threshold is beyond 64-bit hundredths: `PerformanceConfig.grade(for:)` then decides.
        let grades: [(name: String, coefficient: CompactExact, floor: Int64?)]?

        /// `config`'s weights; `integerFinal` false keeps the final score in exact rationals (the tests compare).
        public init(_ config: PerformanceConfig, integerFinal: Bool = true) {
            methods = DeptType.allCases.flatMap { d in ScoreMethod.allCases.map { config.methodWeights[d]?[$0] } }
            groups = RaterGroup.allCases.map { config.groupWeights[$0] ?? .zero }
            anonymous = RaterGroup.allCases.map { config.anonymousGroups.contains($0) }
            let millionths = methods.map { w in w.map { $0.units(tenToThe: 6).flatMap { Int64(exactly: $0) } } }
            let whole = millionths.allSatisfy { m in m.map { $0.map { $0 >= 0 && $0 <= 1_000_000_000 } ?? false } ?? true }
            methodMillionths = whole && integerFinal ? millionths.map { $0 ?? nil } : nil
            let groupUnits = groups.map { $0.units(tenToThe: 6).flatMap { Int64(exactly: $0) } }
            let groupsWhole = groupUnits.allSatisfy { $0.map { $0 >= 0 && $0 <= 1_000_000_000 } ?? false }
            groupMillionths = groupsWhole && integerFinal ? groupUnits.map { $0 ?? 0 } : nil
            var grades: [(name: String, coefficient: CompactExact, floor: Int64?)]? = []
            for g in config.grades {
                var floor: Int64?
                if let t = g.atLeast {
                    let scaled = t.num.multipliedReportingOverflow(by: 100)
                    if scaled.overflow { grades = nil }
                    // ⌈n / d⌉ for d > 0: the truncated quotient, plus one when a positive value has a remainder.
                    let (q, r) = scaled.partialValue.quotientAndRemainder(dividingBy: t.den)
                    floor = Int64(exactly: r > 0 ? q + 1 : q)
                    if floor == nil { grades = nil }
                }
                grades?.append((g.grade, CompactExact(g.coefficient), floor))
            }
            self.grades = integerFinal ? grades : nil
        }

        @inline(__always)
        func millionths(_ d: DeptType, _ m: ScoreMethod) -> Int64? {
            methodMillionths?[(d == .frontline ? 0 : 1) * ScoreMethod.allCases.count + m.rawValue]
        }

        @inline(__always)
        func method(_ d: DeptType, _ m: ScoreMethod) -> Exact? {
            methods[(d == .frontline ? 0 : 1) * ScoreMethod.allCases.count + m.rawValue]
        }
    }

    /// Rolls up the rows of one employee of department type `deptType` (all of them, any order), with `config`'s
    /// `weights`.
    public static func employee(
        _ deptType: DeptType, rows: ArraySlice<ScoreRow>, config: PerformanceConfig, weights methodWeights: Weights
    ) throws -> PerformanceResult {
        try rows.withUnsafeBufferPointer { try employee(deptType, rows: $0, config: config, weights: methodWeights) }
    }

    /// `employee` of rows read in place (the rollup of many employees: a slice of the batch's score rows for each
    /// employee would take and drop a reference to the one array they all share, from both cores at once).
    public static func employee(
        _ deptType: DeptType, rows: UnsafeBufferPointer<ScoreRow>, config: PerformanceConfig, weights methodWeights: Weights
    ) throws -> PerformanceResult {
        var r = PerformanceResult()
        // Sums of whole units, as integers: an item score is whole hundredths and a weight whole millionths, so
        // weight × score is whole 10⁻⁸ (KPI, BSC), weight × rating 10⁻¹² (MBO), a rating 10⁻⁶ (360). A row whose item
        // score takes the exact arithmetic (`itemScore`) adds an exact term instead; either way the sum is the exact
        // value the rows add up to, rounded only where STANDARD.md says.
        var kpiSum = ScaledSum()
        var bscSum = ScaledSum()
        var mboSum = ScaledSum()
        var hasKPI = false
        var hasBSC = false
        var hasMBO = false
        // Perspectives and rater groups have four cases each (checked by a test): their sums are kept in place.
        var perspective = Four(ScaledSum())
        var hasPerspective = Four(false)
        var groupSum = Four(Int128(0))
        var groupCount = Four(0)
        // Distinct raters per group, counted up to the anonymity rule's minimum (all the rule asks is whether there
        // are that many): no array per employee and group.
        var raters = Four(DistinctCount(limit: config.minRaters))
        var weighted: UInt8 = 0  // the methods the scheme weighs, by raw value: no dictionary lookup per row
        for m in ScoreMethod.allCases where methodWeights.method(deptType, m) != nil { weighted |= 1 << UInt8(m.rawValue) }
        let cap = config.itemCap
        for row in rows where weighted & (1 << UInt8(row.method.rawValue)) != 0 {
            switch row.method {
            case .kpi, .bsc:
                guard let t = row.target, let a = row.actual, let w = row.weight else { continue }
                var term = ScaledSum()
                if let h = itemHundredths(target: t, actual: a, direction: row.direction, cap: cap),
                    case let m = Int128(w.units).multipliedReportingOverflow(by: h), !m.overflow
                {
                    try term.add(units: m.partialValue)
                } else {
                    try term.add(try Exact(w) * itemScore(target: Exact(t), actual: Exact(a), direction: row.direction, cap: cap))
                }
                if row.method == .kpi {
                    try kpiSum.add(term)
                    hasKPI = true
                } else {
                    try bscSum.add(term)
                    hasBSC = true
                    if let p = row.perspective {
                        try perspective[p.rawValue].add(term)
                        hasPerspective[p.rawValue] = true
                    }
                }
            case .mbo:
                guard let w = row.weight, let rating = row.rating else { continue }
                try mboSum.add(units: Int128(w.units) * Int128(rating.units))  // two 64-bit factors: no overflow in 128
                hasMBO = true
            case .feedback360:
                guard let g = row.raterGroup, let rating = row.rating else { continue }
                let sum = groupSum[g.rawValue].addingReportingOverflow(Int128(rating.units))
                if sum.overflow { throw Exact.Overflow() }
                groupSum[g.rawValue] = sum.partialValue
                groupCount[g.rawValue] += 1
                raters[g.rawValue].insert(row.raterID)
            }
        }
        // Each score rounded to 2 places half away from zero, in hundredths (`ScaledSum.hundredths`).
        if hasKPI { try r.set(.kpi, try kpiSum.hundredths(scale: ScaledSum.weightTimesScore)) }
        if hasBSC {
            try r.set(.bsc, try bscSum.hundredths(scale: ScaledSum.weightTimesScore))
            for p in Perspective.allCases where hasPerspective[p.rawValue] {
                try r.bscPerspectives.set(p, try perspective[p.rawValue].hundredths(scale: ScaledSum.weightTimesScore))
            }
        }
        if hasMBO { try r.set(.mbo, try mboSum.hundredths(scale: ScaledSum.weightTimesRating)) }
        if RaterGroup.allCases.contains(where: { groupCount[$0.rawValue] > 0 }) {
            // A group's mean: Σ ratings (10⁻⁶) over their count, rounded to hundredths. The 360 score: Σ weight × mean
            // over Σ weight, rounded to hundredths — in integers when the group weights are whole millionths
            // (STANDARD's are; the quotient of the whole 10⁻⁸ and 10⁻⁶ sums is the score in hundredths), else exactly.
            var weighted = Exact.zero
            var total = Exact.zero
            var weightedUnits: Int128 = 0
            var totalMillionths: Int128 = 0
            for g in RaterGroup.allCases {
                let n = groupCount[g.rawValue]
                guard n > 0 else { continue }
                let mean = try roundedQuotient(groupSum[g.rawValue], Int128(Fixed.scale / 100) * Int128(n))
                if g == .selfRating { r.setFeedbackSelf(try Hundredths(hundredths: mean)) }
                if methodWeights.anonymous[g.rawValue] && raters[g.rawValue].count < config.minRaters {
                    r.drop(g)
                    continue
                }
                try r.groupMeans.set(g, try Hundredths(hundredths: mean))
                if let w = methodWeights.groupMillionths?[g.rawValue] {
                    weightedUnits += Int128(w) * Int128(mean)  // ≤ 10⁹ × 2⁶³ each, four terms: within 128 bits
                    totalMillionths += Int128(w)
                } else {
                    let w = methodWeights.groups[g.rawValue]
                    weighted = try weighted + w * Exact(mean, tenToThe: 2)
                    total = try total + w
                }
            }
            if methodWeights.groupMillionths != nil {
                if totalMillionths != 0 {
                    try r.set(.feedback360, try Hundredths(hundredths: try roundedQuotient(weightedUnits, totalMillionths)))
                }
            } else if !total.isZero {
                try r.set(.feedback360, (try weighted / total).rounded(places: 2))
            }
        }
        // The final score: Σ weight × score over Σ weight, 2 places half-up. Weights whole millionths and scores whole
        // hundredths (STANDARD's): Σ weight × score is whole 10⁻⁸ and Σ weight whole 10⁻⁶, so the score in hundredths is
        // their integer quotient rounded half away from zero (weights at most 1,000 and scores in 32 bits: no
        // overflow); other weights take the exact division.
        var final: Hundredths?
        if methodWeights.methodMillionths != nil {
            var sum: Int64 = 0
            var weight: Int64 = 0
            for m in ScoreMethod.allCases {
                guard let w = methodWeights.millionths(deptType, m) else { continue }
                if let h = r.scoreHundredths(m) {
                    sum += w * h
                    weight += w
                } else {
                    r.markMissing(m)
                }
            }
            if weight != 0 { final = try Hundredths(hundredths: try roundedQuotient(Int128(sum), Int128(weight))) }
        } else {
            var fSum = Exact.zero
            var fWeight = Exact.zero
            for m in ScoreMethod.allCases {
                guard let w = methodWeights.method(deptType, m) else { continue }
                if let s = r.score(m) {
                    fSum = try fSum + w * s
                    fWeight = try fWeight + w
                } else {
                    r.markMissing(m)
                }
            }
            if !fWeight.isZero { final = try Hundredths((try fSum / fWeight).rounded(places: 2)) }
        }
        if let f = final, let h = f.raw {
            if let grades = methodWeights.grades {
                // The first grade whose threshold the score reaches, as `PerformanceConfig.grade(for:)`.
                var k = grades.count - 1
                for i in grades.indices where grades[i].floor.map({ h >= $0 }) ?? true {
                    k = i
                    break
                }
                r.setFinal(f, grade: grades[k].name, coefficient: grades[k].coefficient)
            } else {
                let (grade, coefficient) = config.grade(for: Exact(h, tenToThe: 2))
                r.setFinal(f, grade: grade, coefficient: CompactExact(coefficient))
            }
        }
        return r
    }

    /// Puts `order` (indexes ascending) in rank order: hundredths descending, ties by index ascending (employees
    /// are in employee_id order). Scores span a few thousand hundredths: counted into their places in two passes
    /// (stable, so ties keep index order); a span wider than `countingSpan` is sorted by comparison. The result is
    /// the same either way, as no two entries are equal.
    static func sortByScore(_ order: inout [(hundredths: Int64, index: Int)], countingSpan: Int64 = 1 << 20) {
        guard let lo = order.lazy.map(\.hundredths).min(), let hi = order.lazy.map(\.hundredths).max() else { return }
        let ascending = order.indices.dropFirst().allSatisfy { order[$0 - 1].index < order[$0].index }
        let width = hi.subtractingReportingOverflow(lo)
        guard ascending, !width.overflow, width.partialValue < countingSpan else {
            order.sort { a, b in
                if a.hundredths != b.hundredths { return a.hundredths > b.hundredths }
                return a.index < b.index
            }
            return
        }
        let span = Int(hi - lo) + 1
        var next = [Int](repeating: 0, count: span + 1)  // by bucket from the highest score: where its first entry goes
        for e in order { next[Int(hi - e.hundredths) + 1] += 1 }
        for k in 1...span { next[k] += next[k - 1] }
        var sorted = order
        for e in order {
            let b = Int(hi - e.hundredths)
            sorted[next[b]] = e
            next[b] += 1
        }
        order = sorted
    }

    /// Ranks by final score descending, ties by employee_id ascending (code-point order),
    /// within the company and within each department. `employees` are sorted by id. The departments are numbered
    /// over shards of the employees on `scheduler`'s workers.
    public static func rank(
        _ results: inout [PerformanceResult], employees: [Employee], scheduler: any WorkScheduler = SerialScheduler()
    ) {
        // Final scores are whole hundredths, so their order is that of the 64-bit hundredths: 16-byte keys sorted
        // (not 48-byte exact values and a second sorted copy: a million employees).
        var order: [(hundredths: Int64, index: Int)] = []
        order.reserveCapacity(results.count)
        for i in results.indices { if let h = results[i].finalHundredths { order.append((h, i)) } }
        Rollup.sortByScore(&order)
        // Departments numbered in employee order (one lookup each, reading the employees in order), then the ranks
        // counted in rank order in small arrays and written back in employee order: walking a million employees
        // and results in rank order, i.e. at random places, waited on memory more than it computed.
        // Each shard numbers the departments it meets (`DepartmentNumbers`); the shards' spellings are then numbered
        // once more, in shard order, in one String table, which unifies canonically equivalent spellings across them.
        var scored = [Bool](repeating: false, count: results.count)
        for e in order { scored[e.index] = true }
        let flags = scored
        var (department, shards) = scheduler.mapEach(count: results.count, minShard: 1 << 14) {
            (range, put: (Int32) -> Void) -> (range: Range<Int>, spellings: [String]) in
            var numbers = DepartmentNumbers()
            for i in range { put(flags[i] ? numbers.number(employees[i].department) : -1) }
            return (range, numbers.spellings)
        }
        var number: [String: Int32] = [:]
        for k in shards.indices {
            let global = shards[k].spellings.map { spelling in
                if let n = number[spelling] { return n }
                let n = Int32(number.count)
                number[spelling] = n
                return n
            }
            shards[k].spellings = []
            for i in shards[k].range where department[i] >= 0 { department[i] = global[Int(department[i])] }
        }
        var counters = [Int](repeating: 0, count: number.count)
        var companyRank = [Int](repeating: 0, count: results.count)
        var departmentRank = [Int](repeating: 0, count: results.count)
        for (k, e) in order.enumerated() {
            companyRank[e.index] = k + 1
            let d = Int(department[e.index])
            counters[d] += 1
            departmentRank[e.index] = counters[d]
        }
        for i in results.indices where companyRank[i] != 0 {
            results[i].companyRank = companyRank[i]
            results[i].departmentRank = departmentRank[i]
        }
    }
}

/// Departments numbered 0, 1, … in the order they are met, canonically equivalent spellings together: a department of
/// at most 16 UTF-8 bytes is found by its bytes first (hashing a String normalizes it, slowly for Chinese text),
/// among the first 64 compared in a row, then hashed as bytes; the String table decides each new spelling.
struct DepartmentNumbers {
    private var number: [String: Int32] = [:]
    private var byBytes: [ShortText: Int32] = [:]
    private var few: [(key: ShortText, number: Int32)] = []  // while there are few departments: compared in a row, no hashing
    /// Each number's first spelling, by number.
    private(set) var spellings: [String] = []

    /// The department's number.
    mutating func number(_ department: String) -> Int32 {
        let short = ShortText(department)
        if let short {
            if let k = few.firstIndex(where: { $0.key == short }) { return few[k].number }
            if few.count >= 64, let n = byBytes[short] { return n }
        }
        let n: Int32
        if let known = number[department] {
            n = known
        } else {
            n = Int32(number.count)
            number[department] = n
            spellings.append(department)
        }
        if let short {
            byBytes[short] = n
            if few.count < 64 { few.append((short, n)) }
        }
        return n
    }
}

/// A text of at most 16 UTF-8 bytes as two words and a length: equal exactly when the bytes are.
struct ShortText: Hashable {
    private let low: UInt64
    private let high: UInt64
    private let count: Int

    /// nil for a text longer than 16 bytes.
    init?(_ s: String) {
        var s = s
        let n = s.utf8.count
        guard n <= 16 else { return nil }
        (low, high) = s.withUTF8(shortWords)
        count = n
    }
}
