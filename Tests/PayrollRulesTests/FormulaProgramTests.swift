import PayrollCore
import TestSupport
import XCTest

@testable import PayrollRules

/// The flat program (`FormulaProgram`) against the tree-walking `Evaluator` it replaces on the pay path: random typed
/// formulas over random values give the same exact value, or the same error (division by zero, a value beyond the
/// exact range); the shipped structure's formulas give the same lines for the demo's employees.
final class FormulaProgramTests: XCTestCase {
    struct Generator {
        var g: SplitMix
        let slots: Int
        let tables: Int

        mutating func pick(_ n: Int) -> Int { Int(g.next() % UInt64(n)) }

        mutating func number(_ depth: Int) -> Expr {
            if depth == 0 || pick(4) == 0 {
                switch pick(3) {
                case 0: return .slot(pick(slots))
                case 1: return .number(Exact(Int128(pick(2001)) - 1000, Int128([1, 2, 3, 7, 100, 2175][pick(6)])))
                default: return .number(Exact(pick(5)))
                }
            }
            let d = depth - 1
            switch pick(12) {
            case 0: return .negate(number(d))
            case 1, 2, 3: return .arithmetic([.add, .sub, .mul, .div][pick(4)], number(d), number(d))
            case 4: return .ifElse(boolean(d), number(d), number(d))
            case 5: return .minimum((0..<(1 + pick(3))).map { _ in number(d) })
            case 6: return .maximum((0..<(1 + pick(3))).map { _ in number(d) })
            case 7: return .clamp(number(d), number(d), number(d))
            case 8: return .abs(number(d))
            case 9: return .round(number(d), pick(7), RoundingMode.allCases[pick(4)])
            case 10: return .lookup(pick(tables), number(d))
            default: return .tax(pick(tables), number(d))
            }
        }

        mutating func boolean(_ depth: Int) -> Expr {
            if depth == 0 || pick(4) == 0 { return pick(2) == 0 ? .boolean(pick(2) == 0) : .slot(pick(slots)) }
            let d = depth - 1
            switch pick(5) {
            case 0: return .not(boolean(d))
            case 1: return .and(boolean(d), boolean(d))
            case 2: return .or(boolean(d), boolean(d))
            case 3: return .ifElse(boolean(d), boolean(d), boolean(d))
            default: return .compare([.lt, .le, .gt, .ge, .eq, .ne][pick(6)], number(d), number(d))
            }
        }
    }

    enum Outcome: Equatable {
        case value(Exact)
        case error(String)
    }

    func testProgramEvaluatesAsTheTree() throws {
        let tables = [
            BracketTable(rows: [
                Bracket(upto: Exact(10), rate: Exact(3, 100), quickDeduction: .zero, value: Exact(1)),
                Bracket(upto: Exact(100), rate: Exact(1, 10), quickDeduction: Exact(7, 10), value: Exact(2)),
                Bracket(upto: nil, rate: Exact(2, 10), quickDeduction: Exact(107, 10), value: Exact(3)),
            ]),
            BracketTable(rows: [Bracket(upto: nil, rate: Exact(45, 100), quickDeduction: Exact(181_920), value: Exact(9))]),
        ]
        var gen = Generator(g: SplitMix(seed: 0xF0_12A), slots: 6, tables: tables.count)
        var values: [Int: Int] = [:]
        var errors = 0
        for trial in 0..<20_000 {
            let exprs = (0..<(1 + gen.pick(3))).map { _ in gen.number(1 + gen.pick(5)) }
            var slots = (0..<6).map { _ in Exact(Int128(gen.pick(61)) - 30, Int128([1, 3, 10, 100][gen.pick(4)])) }
            if trial % 7 == 0 { slots[gen.pick(6)] = Exact(Int128(1) << 120) }  // on the way to an overflow
            let program = FormulaProgram(exprs)
            XCTAssertEqual(program.count, exprs.count)
            for (k, e) in exprs.enumerated() {
                let tree: Outcome
                do { tree = .value(try Evaluator(values: slots, tables: tables).number(e)) } catch let x as EvaluationError {
                    tree = .error(x.message)
                }
                var flat = Outcome.error("none")
                var memory = slots + Array(repeating: Exact.zero, count: program.stackDepth)
                memory.withUnsafeMutableBufferPointer { m in
                    let v = UnsafeMutableBufferPointer(rebasing: m[0..<slots.count])
                    let stack = UnsafeMutableBufferPointer(rebasing: m[slots.count...])
                    do { flat = .value(try program.number(k, values: v, stack: stack, tables: tables)) } catch {
                        flat = .error((error as? EvaluationError)?.message ?? "\(error)")
                    }
                }
                XCTAssertEqual(flat, tree, "trial \(trial), formula \(k)")
                if case .error = tree { errors += 1 } else { values[k, default: 0] += 1 }
            }
        }
        // Both outcomes were exercised: values and errors (division by zero, overflow).
        XCTAssertGreaterThan(values.values.reduce(0, +), 15_000)
        XCTAssertGreaterThan(errors, 500)
    }

    /// By hand, with the shipped sick-pay formula's shape: −round(10,000.00 / 21.75 × 2 × (1 − 0.6), 2)
    /// = −round(367.8160…, 2) = −367.82; prorated (slot 1 true) → 0.
    func testShippedFormulaShapeByHand() throws {
        let sick = Expr.ifElse(
            .slot(1), .number(.zero),
            .negate(
                .round(
                    .arithmetic(
                        .mul,
                        .arithmetic(.mul, .arithmetic(.div, .slot(0), .number(Exact(2175, 100))), .number(Exact(2))),
                        .arithmetic(.sub, .number(.one), .number(Exact(6, 10)))), 2, .halfUp)))
        let program = FormulaProgram([sick])
        for (prorated, expected) in [(Exact.zero, Exact(-36782, 100)), (Exact.one, Exact.zero)] {
            var memory = [Exact(1_000_000, 100), prorated] + Array(repeating: Exact.zero, count: program.stackDepth)
            let got = try memory.withUnsafeMutableBufferPointer { m in
                try program.number(
                    0, values: UnsafeMutableBufferPointer(rebasing: m[0..<2]), stack: UnsafeMutableBufferPointer(rebasing: m[2...]),
                    tables: [])
            }
            XCTAssertEqual(got, expected)
        }
    }
}

/// The tree-walking evaluator the pay stage used before `FormulaProgram`, kept here as the reference the program is
/// compared with: it evaluates compiled formulas against one employee's values.
struct Evaluator {
    /// The evaluation context: every slot's value.
    var values: [Exact]
    /// The tables.
    let tables: [BracketTable]

    /// An evaluator over a context.
    init(values: [Exact], tables: [BracketTable]) {
        self.values = values
        self.tables = tables
    }

    /// Evaluates a number exactly; throws on overflow or division by zero.
    func number(_ e: Expr) throws -> Exact {
        do {
            switch e {
            case .number(let n): return n
            case .slot(let s): return values[s]
            case .negate(let x): return try number(x).negated
            case .arithmetic(let op, let l, let r):
                let a = try number(l)
                let b = try number(r)
                switch op {
                case .add: return try a.adding(b)
                case .sub: return try a.adding(b.negated)
                case .mul: return try a.multiplied(by: b)
                case .div:
                    if b.isZero { throw EvaluationError(message: "division by zero") }
                    return try a.divided(by: b)
                }
            case .ifElse(let c, let a, let b): return try boolean(c) ? number(a) : number(b)
            case .minimum(let xs): return try xs.map(number).min()!
            case .maximum(let xs): return try xs.map(number).max()!
            case .clamp(let x, let lo, let hi): return try Swift.min(Swift.max(number(x), number(lo)), number(hi))
            case .abs(let x):
                let v = try number(x)
                return v.isNegative ? v.negated : v
            case .round(let x, let places, let mode): return try number(x).checkedRounded(places: places, mode: mode)
            case .lookup(let t, let x): return tables[t].row(for: try number(x)).value
            case .tax(let t, let x): return try tables[t].tax(on: try number(x))
            case .boolean, .compare, .and, .or, .not:
                throw EvaluationError(message: "internal: a true/false value where a number was expected")
            }
        } catch is Exact.Overflow {
            throw EvaluationError(message: "a number grew beyond the exact range")
        }
    }

    /// Evaluates a condition.
    func boolean(_ e: Expr) throws -> Bool {
        switch e {
        case .boolean(let b): return b
        case .slot(let s): return !values[s].isZero
        case .not(let x): return try !boolean(x)
        case .and(let l, let r): return try boolean(l) && boolean(r)
        case .or(let l, let r): return try boolean(l) || boolean(r)
        case .ifElse(let c, let a, let b): return try boolean(c) ? boolean(a) : boolean(b)
        case .compare(let op, let l, let r):
            let a = try number(l)
            let b = try number(r)
            switch op {
            case .lt: return a < b
            case .le: return !(b < a)
            case .gt: return b < a
            case .ge: return !(a < b)
            case .eq: return a == b
            case .ne: return a != b
            }
        default: throw EvaluationError(message: "internal: a number where a true/false value was expected")
        }
    }
}
