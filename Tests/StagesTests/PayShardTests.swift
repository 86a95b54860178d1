import Foundation
import PayrollCore
import PayrollRules
import Performance
import TestSupport
import XCTest

@testable import Pipeline
@testable import Stages

/// The checks after pay read what each shard of the pay stage gathered (N005's magnitudes, the cities, the ID order,
/// comp time): the same answers as passes over all the results, whatever the shards.
final class PayShardTests: XCTestCase {
    /// The shard where the running magnitude passes the bound, against adding the magnitudes one by one (by hand:
    /// [3, 4, 5] with bound 6 is passed in shard 1, with 3 before it).
    func testShardPassingBoundIsTheRunningSum() {
        XCTAssertEqual(PayChecks.shardPassingBound([3, 4, 5], bound: 6)?.shard, 1)
        XCTAssertEqual(PayChecks.shardPassingBound([3, 4, 5], bound: 6)?.before, 3)
        XCTAssertNil(PayChecks.shardPassingBound([3, 3], bound: 6))
        XCTAssertEqual(PayChecks.shardPassingBound([1, .max, 1], bound: .max - 1)?.shard, 1)  // beyond (saturated)
        var g = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let list = (0..<Int.random(in: 0...20, using: &g)).map { _ in UInt64.random(in: 0...1000, using: &g) }
            let bound = UInt64.random(in: 0...8000, using: &g)
            var running: UInt64 = 0
            var expected: (Int, UInt64)?
            for (k, m) in list.enumerated() where expected == nil {
                if running + m > bound { expected = (k, running) } else { running += m }
            }
            let got = PayChecks.shardPassingBound(list, bound: bound)
            XCTAssertEqual(got?.shard, expected?.0)
            XCTAssertEqual(got?.before, expected?.1)
        }
    }

    /// The demo month paid on one thread (one shard) and on four (many shards): the same diagnostics, ledger order
    /// and comp-time flag, and the cities' warnings are those of a pass over every employee.
    func testShardsGiveWhatOnePassGives() throws {
        let batch = try load(fixtures.appendingPathComponent("demo").path)
        let rules = try PeriodRules.resolve(standardPack, period: Period("2026-01")!)
        let performance = try RollupStage.run(batch: batch)
        let ytd = YearToDateStore.Loaded(source: nil, entries: [:], diagnostics: [])
        let one = PayrollStage.run(
            batch: batch, performance: performance, rules: rules, ytd: ytd, scheduler: Executor(threads: 1), minShard: batch.employees.count)
        var saw = false
        for threads in [2, 4] {
            // Shards of 3 employees: the demo's 44 in up to 16 shards.
            let many = PayrollStage.run(
                batch: batch, performance: performance, rules: rules, ytd: ytd, scheduler: Executor(threads: threads), minShard: 3)
            XCTAssertEqual(many.diagnostics.map { String(describing: $0) }, one.diagnostics.map { String(describing: $0) })
            XCTAssertEqual(many.idsInOrder, one.idsInOrder)
            XCTAssertEqual(many.compTimeUsed, one.compTimeUsed)
            XCTAssertEqual(many.ledger.map(\.id), one.ledger.map(\.id))
            saw = true
        }
        XCTAssertTrue(saw)
        XCTAssertTrue(one.idsInOrder)  // intake sorts the employees
        let stale = PayChecks.staleBands(rules: rules, employees: batch.employees, employeesFile: "employees.csv")
        XCTAssertEqual(
            one.diagnostics.filter { $0.code == Code.staleParameter.rawValue }.map { String(describing: $0) },
            stale.map { String(describing: $0) })
    }

    /// Pay computed for validation keeps only each net pay: the same diagnostics and nets as the results kept whole,
    /// on the demo month and on 60 copies of its employees paid near the per-employee bound, whose totals pass N005's
    /// bound inside a shard (found there by computing that shard's pay again).
    func testValidationKeepsTheNetsAndFindsTheSameProblems() throws {
        let batch = try load(fixtures.appendingPathComponent("demo").path)
        let rules = try PeriodRules.resolve(standardPack, period: Period("2026-01")!)
        let performance = try RollupStage.run(batch: batch)
        let ytd = YearToDateStore.Loaded(source: nil, entries: [:], diagnostics: [])
        var big = batch
        big.employees = []
        big.attendance = []
        big.adjustments = []
        var bigPerformance: [PerformanceResult] = []
        for copy in 0..<60 {
            for i in batch.employees.indices {
                var e = batch.employees[i]
                e.id += "-\(copy)"
                e.baseSalary = Money(fen: 900_000_000_000_000)  // 9 × 10^12 yuan: below the 10^13 bound of one line
                big.employees.append(e)
                big.attendance.append(batch.attendance[i])
                bigPerformance.append(performance[i])
            }
        }
        var passed = false
        for (b, p) in [(batch, performance), (big, bigPerformance)] {
            let kept = PayrollStage.run(batch: b, performance: p, rules: rules, ytd: ytd, scheduler: Executor(threads: 2), minShard: 16)
            let nets = PayrollStage.run(
                batch: b, performance: p, rules: rules, ytd: ytd, scheduler: Executor(threads: 2), minShard: 16, keepResults: false)
            XCTAssertEqual(kept.pay.count, b.employees.count)
            XCTAssertTrue(nets.pay.isEmpty)
            XCTAssertEqual(nets.diagnostics.map { String(describing: $0) }, kept.diagnostics.map { String(describing: $0) })
            XCTAssertEqual(b.employees.indices.map { nets.net($0) }, kept.pay.map { $0?.net })
            XCTAssertEqual(b.employees.indices.map { kept.net($0) }, kept.pay.map { $0?.net })
            XCTAssertTrue(kept.pay.contains { $0 != nil })
            passed = passed || kept.diagnostics.contains { $0.code == Code.totalsTooLarge.rawValue }
        }
        XCTAssertTrue(passed, "N005 is reported for the copies")
    }
}

/// Repeated ratings found in shards of the score rows (split where an employee's rows end) are those one pass finds,
/// in the same order.
final class DuplicateRatingShardTests: XCTestCase {
    func testShardsFindWhatOnePassFinds() {
        var g = SystemRandomNumberGenerator()
        let employees = (0..<300).map { k in
            Employee(
                id: "E\(k)", name: "n", idNumber: "", department: "d", deptType: .backoffice, position: "p", costCenter: "c", city: "beijing",
                hireDate: Day(year: 2020, month: 1, day: 1)!, leaveDate: nil, contractEnd: nil, baseSalary: .zero, positionSalary: .zero,
                allowance: nil, bonusBase: nil, siBase: .zero, hfBase: nil, hfRate: .zero, specialDeduction: nil, bankCode: "BOC",
                bankAccount: "", line: k + 2, rowValid: true)
        }
        var rows: [ScoreRow] = []
        var line: Int32 = 2
        for e in 0..<300 {
            // A few employees with many rows (the hashed path), most with a handful; items and raters from small sets so
            // that some repeat.
            for _ in 0..<(e % 37 == 0 ? 80 : Int.random(in: 1...8, using: &g)) {
                rows.append(
                    ScoreRow(
                        employee: Int32(e), method: .feedback360, item: Int32.random(in: 1...4, using: &g), perspective: nil,
                        raterGroup: .peer, raterID: Int32.random(in: 1...5, using: &g), weight: nil, target: nil, actual: nil,
                        direction: .higher, rating: Fixed(80), line: line))
                line += 1
            }
        }
        let whole = Intake.duplicateRatings(rows, employees: employees, file: "scores.csv")
        XCTAssertFalse(whole.isEmpty)
        for threads in [1, 2, 4] {
            let sharded = Intake.duplicateRatings(
                rows, employees: employees, file: "scores.csv", scheduler: Executor(threads: threads), rowsPerShard: 7)
            XCTAssertEqual(sharded.map { String(describing: $0) }, whole.map { String(describing: $0) }, "\(threads) threads")
        }
    }
}

/// Score rows already in (employee, line) order are left as they are; any other order is sorted: the rows after
/// intake are those of always sorting (a stable sort), on rows in order, with one pair swapped, and shuffled.
final class ScoreOrderTests: XCTestCase {
    func testRowsInOrderAreLeftAsSortingLeavesThem() {
        var g = SystemRandomNumberGenerator()
        func row(_ e: Int32, _ line: Int32) -> ScoreRow {
            ScoreRow(
                employee: e, method: .kpi, item: 1, perspective: nil, raterGroup: nil, raterID: 0, weight: Fixed(1), target: nil,
                actual: nil, direction: .higher, rating: nil, line: line)
        }
        var saw = (inOrder: 0, outOfOrder: 0)
        for _ in 0..<500 {
            var rows: [ScoreRow] = []
            var line: Int32 = 2
            for e in 0..<Int32.random(in: 0...30, using: &g) {
                for _ in 0..<Int.random(in: 0...4, using: &g) {
                    rows.append(row(e, line))
                    line += 1
                }
            }
            switch Int.random(in: 0...2, using: &g) {
            case 0 where rows.count > 1: rows.swapAt(Int.random(in: 0..<rows.count - 1, using: &g), rows.count - 1)
            case 1: rows.shuffle(using: &g)
            default: break
            }
            let key = { (r: ScoreRow) in [Int(r.employee), Int(r.line)] }
            let sorted = rows.sorted { $0.employee < $1.employee || ($0.employee == $1.employee && $0.line < $1.line) }
            let inOrder = Intake.inEmployeeOrder(rows)
            XCTAssertEqual(inOrder, rows.map(key) == sorted.map(key))
            if inOrder { saw.inOrder += 1 } else { saw.outOfOrder += 1 }
        }
        XCTAssertGreaterThan(saw.inOrder, 50)
        XCTAssertGreaterThan(saw.outOfOrder, 50)
    }
}
