import PayrollCore

/// Merit-increase proposal (调薪建议): a raise percentage read from a matrix
/// of grade × position in the salary band. It is a proposal for approval and
/// never changes a salary by itself.
public struct MeritPolicy: Sendable {
    /// Monthly salary band (base + position) by position name; "default" for the rest.
    public var bands: [String: (min: Money, max: Money)]
    /// Raise as a fraction by grade, for band quartiles 1 (lowest) to 4 (highest).
    public var matrix: [String: [Exact]]

    /// A merit policy: salary bands by position and raises by grade and band quartile.
    public init(bands: [String: (min: Money, max: Money)], matrix: [String: [Exact]]) {
        self.bands = bands
        self.matrix = matrix
    }

    /// One employee's proposed merit increase.
    public struct Proposal: Sendable {
        /// Monthly base plus position salary.
        public var salary: Money
        /// The band's minimum.
        public var bandMin: Money
        /// The band's maximum.
        public var bandMax: Money
        /// (salary − min) / (max − min), clamped to 0…1, 4 places.
        public var bandPosition: Exact
        /// 1…4
        public var quartile: Int
        /// The proposed raise as a fraction.
        public var raise: Exact
        /// The proposed raise in yuan a month.
        public var amount: Money
    }

    /// Quartile boundaries are at 25 %, 50 % and 75 % of the band; a salary
    /// below the band counts as quartile 1, above it as quartile 4. The amount
    /// is rounded half-up to the yuan.
    public func propose(for e: Employee, grade: String) throws -> Proposal? {
        guard let band = bands[e.position] ?? bands["default"], let row = matrix[grade], row.count == 4 else { return nil }
        let salary = e.baseSalary + e.positionSalary
        let width = try Exact(band.max) - Exact(band.min)
        var position = width.isZero ? Exact.one : try (Exact(salary) - Exact(band.min)) / width
        position = min(max(position, .zero), .one)
        let quartile: Int
        if position < Exact(1, 4) {
            quartile = 1
        } else if position < Exact(1, 2) {
            quartile = 2
        } else if position < Exact(3, 4) {
            quartile = 3
        } else {
            quartile = 4
        }
        let raise = row[quartile - 1]
        let amount = (try Exact(salary) * raise).rounded(places: 0).money()
        return Proposal(
            salary: salary, bandMin: band.min, bandMax: band.max, bandPosition: position.rounded(places: 4),
            quartile: quartile, raise: raise, amount: amount)
    }
}
