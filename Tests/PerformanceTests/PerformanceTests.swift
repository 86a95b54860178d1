import PayrollCore
import TestSupport
import XCTest

@testable import Performance

/// Hand-worked performance cases; the arithmetic is written next to each.
final class PerformanceTests: XCTestCase {
    func employee(_ id: String, _ type: DeptType, dept: String = "D") -> Employee {
        Employee(
            id: id, name: id, idNumber: "", department: dept, deptType: type, position: "p", costCenter: "c", city: "shanghai",
            hireDate: Day(year: 2020, month: 1, day: 1)!, leaveDate: nil, contractEnd: nil, baseSalary: Money(yuan: 10000),
            positionSalary: .zero, allowance: nil, bonusBase: nil, siBase: Money(yuan: 10000), hfBase: nil,
            hfRate: Fixed.parse("0.07")!, specialDeduction: nil, bankCode: "", bankAccount: "", line: 2, rowValid: true)
    }

    func row(
        _ m: ScoreMethod, weight: String? = nil, target: String? = nil, actual: String? = nil, lower: Bool = false,
        rating: String? = nil, group: RaterGroup? = nil, rater: Int32 = 0, perspective: Perspective? = nil
    ) -> ScoreRow {
        ScoreRow(
            employee: 0, method: m, item: 1, perspective: perspective, raterGroup: group, raterID: rater,
            weight: weight.flatMap(Fixed.parse), target: target.flatMap(Fixed.parse), actual: actual.flatMap(Fixed.parse),
            direction: lower ? .lower : .higher, rating: rating.flatMap(Fixed.parse), line: 2)
    }

    let config = PerformanceConfig.standard

    func testKPIOverTheCap() throws {
        // Item 1: 150 / 100 = 1.5 → capped at 1.2 → 120.00. Item 2: 80 / 100 → 80.00.
        // KPI = 0.6 × 120 + 0.4 × 80 = 72 + 32 = 104.00 → grade A (95 ≤ 104 < 105), coefficient 1.2.
        let r = try Rollup.employee(
            employee("E1", .frontline),
            rows: [
                row(.kpi, weight: "0.6", target: "100", actual: "150"),
                row(.kpi, weight: "0.4", target: "100", actual: "80"),
            ][...], config: config)
        XCTAssertEqual(r.kpi, Exact(104))
        XCTAssertEqual(r.final, Exact(104))
        XCTAssertEqual(r.grade, "A")
        XCTAssertEqual(r.coefficient, Exact(12, 10))
    }

    func testLowerIsBetterWithActualZero() throws {
        // Lower is better: actual 0 → the cap, 120.00; target 3, actual 4 → 3 / 4 = 0.75 → 75.00.
        XCTAssertEqual(try Rollup.itemScore(target: Exact(3), actual: .zero, direction: .lower, cap: config.itemCap), Exact(120))
        XCTAssertEqual(try Rollup.itemScore(target: Exact(3), actual: Exact(4), direction: .lower, cap: config.itemCap), Exact(75))
        // Item scores are rounded to 2 places: 2 / 3 = 0.6666… → 66.67.
        XCTAssertEqual(try Rollup.itemScore(target: Exact(3), actual: Exact(2), direction: .higher, cap: config.itemCap).description, "66.67")
    }

    let feedback: [ScoreRow] = [
        // manager: one rater, two questions 80 and 90 → mean 85.00
        ScoreRow(
            employee: 0, method: .feedback360, item: 1, perspective: nil, raterGroup: .manager, raterID: 1, weight: nil,
            target: nil, actual: nil, direction: .higher, rating: Fixed(80), line: 2),
        ScoreRow(
            employee: 0, method: .feedback360, item: 2, perspective: nil, raterGroup: .manager, raterID: 1, weight: nil,
            target: nil, actual: nil, direction: .higher, rating: Fixed(90), line: 3),
        // peers: only 2 distinct raters → the group is left out
        ScoreRow(
            employee: 0, method: .feedback360, item: 1, perspective: nil, raterGroup: .peer, raterID: 2, weight: nil,
            target: nil, actual: nil, direction: .higher, rating: Fixed(70), line: 4),
        ScoreRow(
            employee: 0, method: .feedback360, item: 1, perspective: nil, raterGroup: .peer, raterID: 3, weight: nil,
            target: nil, actual: nil, direction: .higher, rating: Fixed(90), line: 5),
        // subordinates: 3 raters 60, 70, 80 → mean 70.00
        ScoreRow(
            employee: 0, method: .feedback360, item: 1, perspective: nil, raterGroup: .subordinate, raterID: 4, weight: nil,
            target: nil, actual: nil, direction: .higher, rating: Fixed(60), line: 6),
        ScoreRow(
            employee: 0, method: .feedback360, item: 1, perspective: nil, raterGroup: .subordinate, raterID: 5, weight: nil,
            target: nil, actual: nil, direction: .higher, rating: Fixed(70), line: 7),
        ScoreRow(
            employee: 0, method: .feedback360, item: 1, perspective: nil, raterGroup: .subordinate, raterID: 6, weight: nil,
            target: nil, actual: nil, direction: .higher, rating: Fixed(80), line: 8),
        // self: 100.00 (counted, and shown separately)
        ScoreRow(
            employee: 0, method: .feedback360, item: 1, perspective: nil, raterGroup: .selfRating, raterID: 7, weight: nil,
            target: nil, actual: nil, direction: .higher, rating: Fixed(100), line: 9),
    ]

    /// The rollup keeps per-perspective and per-group sums in four slots: a fifth case needs more.
    func testPerspectivesAndRaterGroupsHaveFourCases() {
        XCTAssertEqual(Perspective.allCases.map(\.rawValue), [0, 1, 2, 3])
        XCTAssertEqual(RaterGroup.allCases.map(\.rawValue), [0, 1, 2, 3])
    }

    /// Per-perspective and per-group scores give back the Exact they were given (hundredths, kept in place);
    /// anything else is an overflow, never a wrong value.
    func testCaseScoresKeepTheirValues() throws {
        var s = GroupScores()
        XCTAssertNil(s[.peer])
        try s.set(.peer, Exact(8286, 100))  // 82.86
        try s.set(.manager, Exact(85))
        try s.set(.subordinate, Exact(-5, 2))
        XCTAssertEqual(s[.peer], Exact(8286, 100))
        XCTAssertEqual(s[.peer]?.description, "82.86")
        XCTAssertEqual(s[.manager], Exact(85))
        XCTAssertEqual(s[.subordinate], Exact(-5, 2))
        XCTAssertNil(s[.selfRating])
        XCTAssertThrowsError(try s.set(.selfRating, Exact(1, 3)))  // not whole hundredths
        XCTAssertThrowsError(try s.set(.selfRating, Exact(Int128(Int64.max) * 1000, 100)))  // beyond 64 bits
        // Kept in 32 bits: ±21,474,836.47 is the widest score (weights 0–1, ratings 0–100, an item cap of 214,748).
        try s.set(.selfRating, Exact(Int128(Int32.max), 100))
        XCTAssertEqual(s[.selfRating]?.description, "21474836.47")
        XCTAssertThrowsError(try s.set(.selfRating, Exact(Int128(Int32.max) + 1, 100)))
        XCTAssertThrowsError(try s.set(.selfRating, Exact(Int128(Int32.min), 100)))  // the "no score" mark is not a score
        XCTAssertThrowsError(try s.set(.selfRating, Exact(Int128.max, 1)))  // reports, never traps
        XCTAssertEqual(s[.selfRating]?.description, "21474836.47")  // a refused value leaves the old one
        try s.set(.selfRating, nil)
        XCTAssertNil(s[.selfRating])
        try s.set(.peer, nil)
        XCTAssertNil(s[.peer])
        XCTAssertEqual(s[.manager], Exact(85))
        var p = PerspectiveScores()
        try p.set(.learning, Exact(24))
        XCTAssertEqual(p[.learning], Exact(24))
        XCTAssertNil(p[.financial])
    }

    func test360WithTwoPeersDropsTheGroupAndRescales() throws {
        // Groups kept: manager 0.4, subordinate 0.2, self 0.1 (sum 0.7).
        // 360 = (0.4 × 85 + 0.2 × 70 + 0.1 × 100) / 0.7 = (34 + 14 + 10) / 0.7 = 82.857142… → 82.86.
        var rows = feedback
        rows += [row(.mbo, weight: "0.5", rating: "80"), row(.mbo, weight: "0.5", rating: "90")]
        let r = try Rollup.employee(employee("E1", .backoffice), rows: rows[...], config: config)
        XCTAssertEqual(r.feedback360?.description, "82.86")
        XCTAssertEqual(r.droppedGroups, [.peer])
        XCTAssertEqual(r.groupMeans[.manager], Exact(85))
        XCTAssertNil(r.groupMeans[.peer])
        XCTAssertEqual(r.feedbackSelf, Exact(100))
    }

    func testBackOfficeWithoutBSCIsRescaled() throws {
        // MBO = 0.5 × 80 + 0.5 × 90 = 85.00; 360 = 82.86 (above); no BSC rows.
        // Final = (0.4 × 85 + 0.3 × 82.86) / 0.7 = (34 + 24.858) / 0.7 = 84.082857… → 84.08 → grade B.
        var rows = feedback
        rows += [row(.mbo, weight: "0.5", rating: "80"), row(.mbo, weight: "0.5", rating: "90")]
        let r = try Rollup.employee(employee("E1", .backoffice), rows: rows[...], config: config)
        XCTAssertEqual(r.mbo, Exact(85))
        XCTAssertNil(r.bsc)
        XCTAssertEqual(r.missingMethods, [.bsc])
        XCTAssertEqual(r.final?.description, "84.08")
        XCTAssertEqual(r.grade, "B")
    }

    func testBSCPerspectiveSubtotals() throws {
        // financial 0.3 × (110/100 → 110) = 33; customer 0.3 × (90/100 → 90) = 27;
        // process 0.2 × (lower, 5/4 = 1.25 → cap 120) = 24; learning 0.2 × (8/16 → 50) = 10. BSC = 94.00.
        let r = try Rollup.employee(
            employee("E1", .backoffice),
            rows: [
                row(.bsc, weight: "0.3", target: "100", actual: "110", perspective: .financial),
                row(.bsc, weight: "0.3", target: "100", actual: "90", perspective: .customer),
                row(.bsc, weight: "0.2", target: "5", actual: "4", lower: true, perspective: .process),
                row(.bsc, weight: "0.2", target: "16", actual: "8", perspective: .learning),
            ][...], config: config)
        XCTAssertEqual(r.bsc, Exact(94))
        XCTAssertEqual(r.bscPerspectives[.financial], Exact(33))
        XCTAssertEqual(r.bscPerspectives[.process], Exact(24))
        XCTAssertEqual(r.missingMethods, [.mbo, .feedback360])
        XCTAssertEqual(r.final, Exact(94))  // only BSC: its weight is scaled to 1
    }

    func testForcedDistributionOnSevenWithATieAtABoundary() throws {
        // 10/20/50/15/5 % of 7: cumulative boundaries round(0.7)=1, round(2.1)=2, round(5.6)=6, round(6.65)=7, 7
        // → S 1, A 1, B 4, C 1, D 0. E2 and E3 tie at 95 on the A/B boundary: E2 (lower id) takes A.
        let f = ForcedDistribution(quotas: [
            ("S", Exact(1, 10)), ("A", Exact(2, 10)), ("B", Exact(5, 10)),
            ("C", Exact(15, 100)), ("D", Exact(5, 100)),
        ])
        XCTAssertEqual(try f.counts(for: 7), [1, 1, 4, 1, 0])
        XCTAssertEqual(try f.counts(for: 10), [1, 2, 5, 2, 0])  // 9.5 rounds half-up to 10
        XCTAssertEqual(try f.counts(for: 20), [2, 4, 10, 3, 1])
        let scores = [100, 95, 95, 90, 85, 80, 70]
        let emps = (1...7).map { employee("E\($0)", .frontline) }
        var results = try scores.map { s -> PerformanceResult in
            var r = PerformanceResult()
            try r.setFinal(Exact(s))
            (r.grade, r.coefficient) = config.grade(for: Exact(s))
            r.scoreGrade = r.grade
            return r
        }
        try f.apply(&results, employees: emps, config: config)
        XCTAssertEqual(results.map(\.grade), ["S", "A", "B", "B", "B", "B", "C"])
        XCTAssertEqual(results[2].scoreGrade, "A")  // by score E3 would have had A
        XCTAssertEqual(results[6].coefficient, Exact(8, 10))
    }

    func testCalibrationOverrideKeepsItsReason() throws {
        var results = [PerformanceResult()]
        try results[0].setFinal(Exact(85))
        (results[0].grade, results[0].coefficient) = config.grade(for: Exact(85))
        config.calibrate(&results, [Calibration(employee: 0, grade: "A", reason: "cross-team project", approver: "CFO", line: 2)])
        XCTAssertEqual(results[0].grade, "A")
        XCTAssertEqual(results[0].coefficient, Exact(12, 10))
        XCTAssertEqual(results[0].calibratedFrom, "B")
        XCTAssertEqual(results[0].calibrationReason, "cross-team project")
        XCTAssertEqual(results[0].calibrationApprover, "CFO")
    }

    /// The compact result gives back what it was given: scores, the lists kept as bit masks (in `allCases` order),
    /// a calibration's texts, a coefficient with more than six decimals (kept on the heap), points.
    func testPerformanceResultKeepsWhatItIsGiven() throws {
        var r = PerformanceResult()
        XCTAssertNil(r.kpi)
        XCTAssertNil(r.final)
        XCTAssertNil(r.finalHundredths)
        try r.set(.mbo, Exact(8286, 100))
        try r.set(.bsc, Exact(-1, 4))
        try r.setFinal(Exact(9105, 100))
        try r.setFeedbackSelf(Exact(100))
        XCTAssertEqual(r.mbo, Exact(8286, 100))
        XCTAssertEqual(r.bsc, Exact(-1, 4))
        XCTAssertEqual(r.score(.mbo), r.mbo)
        XCTAssertNil(r.kpi)
        XCTAssertNil(r.feedback360)
        XCTAssertEqual(r.final, Exact(9105, 100))
        XCTAssertEqual(r.finalHundredths, 9105)
        XCTAssertEqual(r.feedbackSelf, Exact(100))
        XCTAssertThrowsError(try r.setFinal(Exact(1, 3)))
        XCTAssertEqual(r.final, Exact(9105, 100))
        r.clearFinal()
        XCTAssertNil(r.final)
        r.drop(.subordinate)
        r.drop(.peer)
        r.markMissing(.bsc)
        r.markMissing(.kpi)
        XCTAssertEqual(r.droppedGroups, [.peer, .subordinate])
        XCTAssertEqual(r.missingMethods, [.kpi, .bsc])
        XCTAssertNil(r.calibratedFrom)
        r.calibrated(from: "B", reason: "跨部门项目", approver: "CFO")
        XCTAssertEqual(r.calibratedFrom, "B")
        XCTAssertEqual(r.calibrationReason, "跨部门项目")
        XCTAssertEqual(r.calibrationApprover, "CFO")
        r.coefficient = Exact(12, 10)
        XCTAssertEqual(r.coefficient, Exact(12, 10))
        r.coefficient = Exact(1, 3)  // not six decimals: kept whole
        XCTAssertEqual(r.coefficient, Exact(1, 3))
        r.setPoints(Fixed(units: 12_500_000))
        XCTAssertEqual(r.points, Exact(25, 2))
        r.companyRank = 1_000_000
        r.departmentRank = 7
        XCTAssertEqual(r.companyRank, 1_000_000)
        XCTAssertEqual(r.departmentRank, 7)
    }

    /// The integer item score is the exact one wherever it is given (nil hands the row to the exact arithmetic):
    /// seeded random targets, actuals and caps, with zeros, negatives, ties with the cap and values near 64 bits.
    func testIntegerItemScoreIsTheExactOne() throws {
        var g = SplitMix(seed: 0x5EED)
        let caps = [Exact(12, 10), Exact(1), Exact(0), Exact(-1, 2), Exact(15, 10), Exact(1_000_000), Exact(Int128(Int64.max), 1), Exact(1, 3)]
        func value() -> Fixed {
            switch g.next() % 6 {
            case 0: return .zero
            case 1: return Fixed(units: Int64(g.next() % 2_000_000_000_000) - 1_000_000_000_000)  // ±1,000,000, six places
            case 2: return Fixed(units: Int64(g.next() % 200) * 1_000_000)  // whole numbers up to 199
            case 3: return Fixed(units: Int64.max - Int64(g.next() % 1000))
            case 4: return Fixed(units: Int64(g.next() % 1_000_000))  // below 1
            default: return Fixed(units: Int64(g.next() % 120_000_000))  // up to 120
            }
        }
        var checked = 0
        for _ in 0..<20_000 {
            let t = value()
            let a = value()
            let cap = caps[Int(g.next() % UInt64(caps.count))]
            let d: Direction = g.next() % 2 == 0 ? .higher : .lower
            guard let h = Rollup.itemHundredths(target: t, actual: a, direction: d, cap: cap) else { continue }
            XCTAssertEqual(Exact(h, 100), try Rollup.itemScore(target: Exact(t), actual: Exact(a), direction: d, cap: cap), "\(t) \(a) \(d) \(cap)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 5_000)  // the integer path is taken for most rows
        // A ratio exactly at the cap, and a lower-is-better row with actual 0: the cap's score. 30/25 = 1.2 → 120.00.
        XCTAssertEqual(Rollup.itemHundredths(target: Fixed(25), actual: Fixed(30), direction: .higher, cap: Exact(12, 10)), 12_000)
        XCTAssertEqual(Rollup.itemHundredths(target: Fixed(25), actual: .zero, direction: .lower, cap: Exact(12, 10)), 12_000)
        // 89,227 / 100,000 = 0.89227 → 89.227 → 89.23 (half-up); 2/3 → 66.666… → 66.67.
        XCTAssertEqual(Rollup.itemHundredths(target: Fixed(100_000), actual: Fixed(89_227), direction: .higher, cap: Exact(12, 10)), 8923)
        XCTAssertEqual(Rollup.itemHundredths(target: Fixed(3), actual: Fixed(2), direction: .higher, cap: Exact(12, 10)), 6667)
        // 0.125 / 1 → 12.5 → 12.50; 1/8000 → 0.0125 → 0.01 (0.0125 rounds to 0.01 at two places).
        XCTAssertEqual(Rollup.itemHundredths(target: Fixed(8000), actual: Fixed(1), direction: .higher, cap: Exact(12, 10)), 1)
        XCTAssertNil(Rollup.itemHundredths(target: .zero, actual: Fixed(1), direction: .higher, cap: Exact(12, 10)))
        XCTAssertNil(Rollup.itemHundredths(target: Fixed(-5), actual: Fixed(1), direction: .higher, cap: Exact(12, 10)))
    }

    func testRanksBreakTiesByEmployeeID() throws {
        let emps = [employee("A1", .frontline, dept: "X"), employee("A2", .frontline, dept: "Y"), employee("A3", .frontline, dept: "X")]
        var results = try [90, 95, 90].map { s -> PerformanceResult in
            var r = PerformanceResult()
            try r.setFinal(Exact(s))
            return r
        }
        Rollup.rank(&results, employees: emps)
        XCTAssertEqual(results.map(\.companyRank), [2, 1, 3])
        XCTAssertEqual(results.map(\.departmentRank), [1, 1, 2])
    }

    /// Departments are the same when their texts are (canonically equivalent spellings too), whatever their length:
    /// "Café" precomposed and decomposed is one department; the 30-byte name goes by its text alone.
    func testDepartmentsAreTheirTexts() throws {
        let long = "一个非常长的部门名称"  // 30 UTF-8 bytes
        let depts = ["研发部", "Cafe\u{301}", "Caf\u{E9}", "研发部", long, long, "研发部x"]
        let emps = depts.enumerated().map { employee("E\($0.offset)", .frontline, dept: $0.element) }
        var results = try [90, 80, 70, 60, 50, 40, 30].map { s -> PerformanceResult in
            var r = PerformanceResult()
            try r.setFinal(Exact(s))
            return r
        }
        let unranked = results
        Rollup.rank(&results, employees: emps)
        XCTAssertEqual(results.map(\.companyRank), [1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(results.map(\.departmentRank), [1, 1, 2, 2, 1, 2, 1])
        // Numbered in shards of one and two employees: "Café"'s two spellings, and 研发部, meet in different shards.
        for size in [1, 2] {
            var sharded = unranked
            Rollup.rank(&sharded, employees: emps, scheduler: ShardingScheduler(size: size))
            XCTAssertEqual(sharded.map(\.companyRank), results.map(\.companyRank))
            XCTAssertEqual(sharded.map(\.departmentRank), results.map(\.departmentRank), "shards of \(size)")
        }
        // Equal bytes, equal keys; a byte more or different, another key.
        XCTAssertEqual(ShortText("研发部"), ShortText("研发部"))
        XCTAssertNotEqual(ShortText("研发部"), ShortText("研发部x"))
        XCTAssertNotEqual(ShortText("a"), ShortText("a\u{0}"))
        XCTAssertNil(ShortText(long))
    }

    /// Many departments (beyond the few compared in a row): each employee's department rank is its place among its
    /// department's scores, as counted by hand from a dictionary of department texts.
    func testDepartmentRanksWithManyDepartments() throws {
        var g = SplitMix(seed: 0xDE97)
        let names = (0..<150).map { k in k % 3 == 0 ? "部门\(k)" : k % 3 == 1 ? "Dept \(k)" : "一个很长的部门名称第\(k)号" }
        let emps = (0..<3_000).map { i in employee(String(format: "E%05d", i), .frontline, dept: names[Int(g.next() % 150)]) }
        let scores = emps.indices.map { _ in Int64(g.next() % 2_000) }
        var results = try scores.map { h -> PerformanceResult in
            var r = PerformanceResult()
            try r.setFinal(Exact(Int128(h), 100))
            return r
        }
        var sharded = results
        Rollup.rank(&results, employees: emps)
        Rollup.rank(&sharded, employees: emps, scheduler: ShardingScheduler(size: 97))
        XCTAssertEqual(sharded.map(\.departmentRank), results.map(\.departmentRank))
        XCTAssertEqual(sharded.map(\.companyRank), results.map(\.companyRank))
        var byDepartment: [String: [Int]] = [:]
        for i in emps.indices { byDepartment[emps[i].department, default: []].append(i) }
        for (_, members) in byDepartment {
            // Score descending, ties by employee_id ascending (the employees are in ID order).
            let order = members.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
            for (k, i) in order.enumerated() { XCTAssertEqual(results[i].departmentRank, k + 1) }
        }
    }

    func testMeritProposal() throws {
        // Salary 10,000 in band 7,000–16,000: (10,000 − 7,000) / 9,000 = 0.3333 → quartile 2; B → 4 % → 400.
        let policy = MeritPolicy(
            bands: ["default": (Money(yuan: 7000), Money(yuan: 16000))],
            matrix: ["B": [Exact(5, 100), Exact(4, 100), Exact(3, 100), Exact(2, 100)]])
        let m = try policy.propose(for: employee("E1", .frontline), grade: "B")!
        XCTAssertEqual(m.quartile, 2)
        XCTAssertEqual(m.bandPosition.description, "0.3333")
        XCTAssertEqual(m.amount, Money(yuan: 400))
    }

    /// A score row keeps "not given" apart from 0 for each figure, and its texts as numbers: equal texts, equal numbers.
    func testScoreRowsAreCompactAndKeepWhatWasGiven() {
        XCTAssertLessThanOrEqual(MemoryLayout<ScoreRow>.stride, 56)
        let r = ScoreRow(
            employee: 3, method: .kpi, item: 1, perspective: nil, raterGroup: nil, raterID: 0, weight: .zero, target: Fixed.parse("-2.5"),
            actual: nil, direction: .lower, rating: Fixed(100), line: 9)
        XCTAssertEqual(r.weight, .zero)
        XCTAssertEqual(r.target, Fixed.parse("-2.5"))
        XCTAssertNil(r.actual)
        XCTAssertEqual(r.rating, Fixed(100))
        XCTAssertEqual(r.direction, .lower)
        XCTAssertEqual(r.line, 9)
        var keys = TextKeys()
        XCTAssertEqual(keys.key(""), 0)
        let a = keys.key("销售额达成率（季度）")
        let b = keys.key("E0000001")
        XCTAssertNotEqual(a, b)
        XCTAssertNotEqual(a, 0)
        XCTAssertEqual(keys.key("销售额达成率（季度）"), a)
        XCTAssertEqual(keys.key("E0000001"), b)
    }
}

/// Rank order by counting equals the comparison sort STANDARD.md describes (final score descending, ties by
/// employee_id, i.e. by index): random scores in narrow and wide spans, ties, negative and huge values.
final class RankOrderTests: XCTestCase {
    func testCountingGivesTheComparisonOrder() {
        var g = SystemRandomNumberGenerator()
        for trial in 0..<400 {
            let n = Int.random(in: 0...3000, using: &g)
            let span: Int64 = [1, 3, 500, 15_000, 1 << 21, Int64.max / 4][trial % 6]
            var order: [(hundredths: Int64, index: Int)] = []
            var index = 0
            for _ in 0..<n {
                index += Int.random(in: 1...3, using: &g)  // indexes ascending, with gaps (unscored employees)
                order.append((Int64.random(in: -span...span, using: &g), index))
            }
            if trial % 7 == 0 {
                order.append((Int64.max, index + 1))
                order.append((Int64.min, index + 2))
            }
            var expected = order
            expected.sort { a, b in a.hundredths != b.hundredths ? a.hundredths > b.hundredths : a.index < b.index }
            var got = order
            Rollup.sortByScore(&got)
            XCTAssertEqual(got.map(\.index), expected.map(\.index), "trial \(trial)")
            var narrow = order
            Rollup.sortByScore(&narrow, countingSpan: 4)  // the comparison path
            XCTAssertEqual(narrow.map(\.index), expected.map(\.index), "trial \(trial)")
        }
        // By hand: 90.00 (index 1), 95.50 (2), 90.00 (3) → 2, 1, 3.
        var small: [(hundredths: Int64, index: Int)] = [(9000, 1), (9550, 2), (9000, 3)]
        Rollup.sortByScore(&small)
        XCTAssertEqual(small.map(\.index), [2, 1, 3])
    }
}

/// The final score in integers (weights whole millionths, scores whole hundredths) is the exact rational division rounded
/// to 2 places: random employees of both department types, with methods missing, negative item scores and odd weights.
final class IntegerFinalScoreTests: XCTestCase {
    func testIntegerFinalIsTheExactOne() throws {
        var g = SplitMix(seed: 0xF17A1)
        var configs = [PerformanceConfig.standard]
        var odd = PerformanceConfig.standard
        odd.methodWeights[.backoffice] = [.mbo: Exact(333_333, 1_000_000), .feedback360: Exact(1, 1_000_000), .bsc: Exact(7, 10), .kpi: Exact(0)]
        odd.groupWeights[.peer] = Exact(1, 3)  // not whole millionths: the 360 score takes the exact path
        // Thresholds between hundredths and below zero: 94.995 is reached from 95.00, 80.001 from 80.01, −0.005 from 0.00.
        odd.grades = [
            ("S", Exact(105), Exact(15, 10)), ("A", Exact(94_995, 1000), Exact(12, 10)), ("B", Exact(80_001, 1000), Exact(1)),
            ("C", Exact(-1, 200), Exact(8, 10)), ("D", nil, Exact(5, 10)),
        ]
        configs.append(odd)
        // ⌈100 t⌉ of each threshold, by hand: 10,500; 9,499.5 → 9,500; 8,000.1 → 8,001; −0.5 → 0; none.
        XCTAssertEqual(Rollup.Weights(odd).grades?.map { $0.floor }, [10_500, 9_500, 8_001, 0, nil])
        var checked = 0
        var checked360 = 0
        for config in configs {
            let integer = Rollup.Weights(config)
            let exact = Rollup.Weights(config, integerFinal: false)
            XCTAssertNotNil(integer.methodMillionths)
            XCTAssertNil(exact.methodMillionths)
            for _ in 0..<3000 {
                var rows: [ScoreRow] = []
                let dept: DeptType = g.next() % 2 == 0 ? .frontline : .backoffice
                for _ in 0..<(g.next() % 9) {
                    let method = ScoreMethod.allCases[Int(g.next() % 4)]
                    let weight = Fixed(units: Int64(g.next() % 1_000_001))
                    let target = Fixed(units: Int64(g.next() % 200_000_000) + 1)
                    let actual = Fixed(units: Int64(g.next() % 300_000_000) - (g.next() % 5 == 0 ? 150_000_000 : 0))
                    let rating = Fixed(units: Int64(g.next() % 100_000_001))
                    rows.append(
                        ScoreRow(
                            employee: 0, method: method, item: Int32(g.next() % 50),
                            perspective: Perspective.allCases[Int(g.next() % 4)], raterGroup: RaterGroup.allCases[Int(g.next() % 4)],
                            raterID: Int32(g.next() % 9), weight: weight, target: target, actual: actual,
                            direction: g.next() % 3 == 0 ? .lower : .higher, rating: rating, line: 2))
                }
                let a = try Rollup.employee(dept, rows: rows[...], config: config, weights: integer)
                let b = try Rollup.employee(dept, rows: rows[...], config: config, weights: exact)
                XCTAssertEqual(a.final, b.final)
                XCTAssertEqual(a.grade, b.grade)
                XCTAssertEqual(a.coefficient, b.coefficient)
                XCTAssertEqual(a.missingMethods, b.missingMethods)
                for m in ScoreMethod.allCases { XCTAssertEqual(a.score(m), b.score(m)) }
                for gr in RaterGroup.allCases { XCTAssertEqual(a.groupMeans[gr], b.groupMeans[gr]) }
                XCTAssertEqual(a.feedbackSelf, b.feedbackSelf)
                XCTAssertEqual(a.droppedGroups, b.droppedGroups)
                if a.final != nil { checked += 1 }
                if a.feedback360 != nil { checked360 += 1 }
            }
        }
        XCTAssertGreaterThan(checked, 2000)
        XCTAssertGreaterThan(checked360, 500)
    }

    /// A sum's score in hundredths (`ScaledSum.hundredths`, `Rollup.roundedQuotient`) is the exact value rounded to 2
    /// places half away from zero: random sums of both scales, either sign, and the halves by hand.
    func testScoresRoundedInIntegersAreTheExactOnes() throws {
        var g = SplitMix(seed: 0x5C0_2E)
        var inRange = 0
        for trial in 0..<20_000 {
            let scale = trial % 2 == 0 ? ScaledSum.weightTimesScore : ScaledSum.weightTimesRating
            var sum = ScaledSum()
            var units: Int128 = 0
            for _ in 0..<(g.next() % 5) {
                let u = Int128(Int64(bitPattern: g.next()) >> Int64(g.next() % 40))
                try sum.add(units: u)
                units += u
            }
            // Either both the same hundredths, or both beyond 32 bits (nil).
            let expected = try? Hundredths(Exact(units, scale).rounded(places: 2)).raw
            XCTAssertEqual(try? sum.hundredths(scale: scale).raw, expected, "\(units) / \(scale)")
            if expected != nil { inRange += 1 }
            let n = Int128(Int64(bitPattern: g.next()) >> 8)
            let d = Int128(g.next() % 1_000_000 + 1)
            XCTAssertEqual(Exact(Int(try Rollup.roundedQuotient(n, d))), Exact(n, d).rounded(places: 0))
        }
        XCTAssertGreaterThan(inRange, 5_000)
        // By hand: 0.125 → 0.13, −0.125 → −0.13, 0.124999 → 0.12 (weight × score units of 10⁻⁸).
        for (units, hundredths) in [(12_500_000, 13), (-12_500_000, -13), (12_499_999, 12), (-12_499_999, -12)] as [(Int128, Int64)] {
            var sum = ScaledSum()
            try sum.add(units: units)
            XCTAssertEqual(try sum.hundredths(scale: ScaledSum.weightTimesScore).raw, hundredths)
        }
        // A term kept exactly (not whole units) takes the exact value's rounding: 1/3 + 0.5 = 0.8333… → 0.83.
        var mixed = ScaledSum()
        try mixed.add(units: 50_000_000)
        try mixed.add(Exact(1, 3))
        XCTAssertEqual(try mixed.hundredths(scale: ScaledSum.weightTimesScore).raw, 83)
        // Beyond 32-bit hundredths: an overflow, as storing the exact value is.
        var big = ScaledSum()
        try big.add(units: Int128(1) << 100)
        XCTAssertThrowsError(try big.hundredths(scale: ScaledSum.weightTimesScore))
    }
}

/// The 360 anonymity rule counts a group's distinct raters only up to its minimum: the count is min(distinct, limit)
/// against a set, for limits below, at and above the eight kept in place, with repeats.
final class DistinctCountTests: XCTestCase {
    func testCountsDistinctValuesUpToTheLimit() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let limit = Int.random(in: 0...12, using: &g)
            var c = DistinctCount(limit: limit)
            var seen = Set<Int32>()
            for _ in 0..<Int.random(in: 0...30, using: &g) {
                let v = Int32.random(in: -3...15, using: &g)
                c.insert(v)
                seen.insert(v)
                XCTAssertEqual(c.count, min(seen.count, limit))
            }
        }
    }
}

/// A scheduler that runs shards of `size` items one after another, in order (whatever `minShard` asks): what many
/// workers would be given, on one thread.
struct ShardingScheduler: WorkScheduler {
    let size: Int
    func map<T: Sendable>(count: Int, minShard: Int, _ body: @escaping @Sendable (Range<Int>) -> [T]) -> [T] {
        stride(from: 0, to: count, by: size).flatMap { body($0..<min(count, $0 + size)) }
    }
    func runAll<T: Sendable>(_ tasks: [@Sendable () -> T]) -> [T] { tasks.map { $0() } }
    var parallelism: Int { 2 }
}
