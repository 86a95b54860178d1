import PayrollCore

/// Forced distribution: within each department, grades are given by rank
/// against quotas. Quota rounding (stated): the cumulative boundary of grade
/// k is round_half_up(n × (p_1 + … + p_k)); grade k takes the ranks after the
/// previous boundary up to its own. So the quotas always add up to n, and a
/// department of 7 at 10/20/50/15/5 % gets boundaries 0.7→1, 2.1→2, 5.6→6,
/// 6.65→7, 7→7: S 1, A 1, B 4, C 1, D 0. Ties are broken like ranks: the
/// lower employee_id comes first, so two equal scores across a boundary get
/// different grades, deterministically.
public struct ForcedDistribution: Sendable {
    /// Grade and its share, from the best grade down; shares sum to 1.
    public var quotas: [(grade: String, share: Exact)]

    /// Quotas per grade, best grade first, as shares of the employees.
    public init(quotas: [(grade: String, share: Exact)]) { self.quotas = quotas }

    /// Grade counts for a department of n.
    public func counts(for n: Int) throws -> [Int] {
        var cumulative = Exact.zero
        var previous = 0
        var out: [Int] = []
        for q in quotas {
            cumulative = try cumulative + q.share
            let boundary = Int((try Exact(n) * cumulative).rounded(places: 0).num)
            out.append(max(0, boundary - previous))
            previous = max(previous, boundary)
        }
        if let last = out.indices.last { out[last] += n - previous }  // shares that fall short of 1
        return out
    }

    /// Replaces grades (and coefficients) by quota within each department.
    public func apply(_ results: inout [PerformanceResult], employees: [Employee], config: PerformanceConfig) throws {
        var byDept: [String: [Int]] = [:]
        for i in results.indices where results[i].final != nil { byDept[employees[i].department, default: []].append(i) }
        for (_, members) in byDept {
            let ordered = members.sorted { a, b in
                let fa = results[a].final ?? .zero
                let fb = results[b].final ?? .zero
                if fa != fb { return fb < fa }
                return a < b
            }
            let counts = try counts(for: ordered.count)
            var pos = 0
            for (k, q) in quotas.enumerated() {
                for _ in 0..<counts[k] where pos < ordered.count {
                    let i = ordered[pos]
                    results[i].grade = q.grade
                    results[i].coefficient = config.coefficient(for: q.grade) ?? results[i].coefficient
                    pos += 1
                }
            }
        }
    }
}

extension PerformanceConfig {
    /// The coefficient of a grade, if the grade exists.
    public func coefficient(for grade: String) -> Exact? { grades.first { $0.grade == grade }?.coefficient }

    /// Applies calibration overrides; each one is kept on the result with its reason.
    public func calibrate(_ results: inout [PerformanceResult], _ overrides: [Calibration]) {
        for o in overrides {
            let i = Int(o.employee)
            guard results.indices.contains(i), let c = coefficient(for: o.grade) else { continue }
            results[i].calibrated(from: results[i].grade, reason: o.reason, approver: o.approver)
            results[i].grade = o.grade
            results[i].coefficient = c
        }
    }
}
