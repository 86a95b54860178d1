import PayrollCore
import Performance

/// Stage 3: each employee's scores rolled up into a final score, rank, grade and pay coefficient.
public enum RollupStage {
    /// The rollup runs over shards of at least this many employees.
    public static let employeesPerShard = 1024

    /// Rolls up every employee of a validated batch, in employee order; ranks, forced distribution,
    /// calibration and points follow over the whole company. An employee whose rollup goes beyond the exact
    /// arithmetic gets no score and `arithmeticOverflow` (a diagnostic at pay).
    /// - Throws: `Exact.Overflow` when the forced distribution's counts do (shares of a department's size).
    public static func run(
        batch: Batch, settings: PerformanceSettings = PerformanceSettings(), scheduler: any WorkScheduler = SerialScheduler()
    ) throws -> [PerformanceResult] {
        let config = settings.config
        let employees = batch.employees
        // Row ranges of each employee's scores (sorted by employee).
        let scoreStart = rowStarts(count: employees.count, keys: batch.scores.lazy.map(\.employee))  // no array of 6.5 M keys
        let scores = batch.scores
        var performance: [PerformanceResult] = scheduler.mapEach(count: employees.count, minShard: employeesPerShard) { range, put in
            let config = config.threadLocal()
            let weights = Rollup.Weights(config)
            scores.withUnsafeBufferPointer { all in
                for i in range {
                    do {
                        let rows = UnsafeBufferPointer(rebasing: all[scoreStart[i]..<scoreStart[i + 1]])
                        put(try Rollup.employee(employees[i].deptType, rows: rows, config: config, weights: weights))
                    } catch {
                        var r = PerformanceResult()
                        r.arithmeticOverflow = true
                        put(r)
                    }
                }
            }
        }.results
        Rollup.rank(&performance, employees: employees, scheduler: scheduler)
        try settings.forced?.apply(&performance, employees: employees, config: config)
        config.calibrate(&performance, batch.calibrations)
        if !batch.points.isEmpty {
            for i in performance.indices where batch.points[i] != .zero {
                performance[i].setPoints(batch.points[i])
                if let bonus = try? Exact(batch.points[i]) * settings.pointsRate {
                    performance[i].pointsBonus = bonus.money()
                } else {
                    performance[i].clearFinal()
                    performance[i].arithmeticOverflow = true
                }
            }
        }
        return performance
    }
}

/// starts[i]..<starts[i+1] is the range of rows whose key is i (keys sorted).
func rowStarts<Keys: Sequence>(count: Int, keys: Keys) -> [Int] where Keys.Element == Int32 {
    var s = [Int](repeating: 0, count: count + 1)
    for k in keys { s[Int(k) + 1] += 1 }
    for i in 0..<count { s[i + 1] += s[i] }
    return s
}
