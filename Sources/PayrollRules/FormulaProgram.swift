import PayrollCore

/// The salary structure's formulas compiled once into one flat list of stack-machine steps, evaluated per employee
/// without walking a tree of boxed nodes (whose reference counts every employee's evaluation updated) and without
/// allocating: the values and the stack live in memory the caller lends. Operands are evaluated left to right and
/// `and`, `or` and `if` evaluate only the side they need; a division by zero or a value beyond the exact range is an
/// `EvaluationError`. (The tests keep the tree-walking evaluator it replaced as their reference.)
public struct FormulaProgram: Sendable {
    enum Op: UInt8, Sendable {
        /// Push `constant`.
        case constant
        /// Push the value of slot `a`.
        case slot
        case negate, add, sub, mul, div, abs
        /// Round the top to `a` places with the `RoundingMode` at index `b`.
        case round
        /// Replace the top `a` values by their least / greatest.
        case minimum, maximum
        /// min(max(x, lo), hi) of the top three.
        case clamp
        /// Replace the top by table `a`'s value / tax for it.
        case lookup, tax
        /// Replace the top two by 1 or 0: the `Expr.CompareOp` at index `a`.
        case compare
        /// Replace the top by 1 when it is 0, else 0.
        case not
        /// Pop; when it was 0, continue at step `a`.
        case jumpIfZero
        /// Continue at step `a`.
        case jump
        /// When the top is 0, continue at step `a` keeping it (`and` is false); else pop it.
        case andJump
        /// When the top is not 0, continue at step `a` keeping it (`or` is true); else pop it.
        case orJump
    }

    struct Step: Sendable {
        var op: Op
        var a: Int32 = 0
        var b: Int32 = 0
        var constant = Exact.zero
    }

    static let modes = RoundingMode.allCases
    static let compares: [Expr.CompareOp] = [.lt, .le, .gt, .ge, .eq, .ne]

    private(set) var steps: [Step] = []
    /// Formula `k`'s steps are `starts[k]..<starts[k + 1]`.
    private(set) var starts: [Int] = [0]
    /// The deepest the stack gets in any formula.
    public private(set) var stackDepth = 0

    /// The formulas `exprs`, in order.
    public init(_ exprs: [Expr]) {
        for e in exprs {
            var depth = 0
            emit(e, depth: &depth)
            starts.append(steps.count)
        }
    }

    /// The number of formulas.
    public var count: Int { starts.count - 1 }

    private mutating func push(_ s: Step, _ depth: inout Int, _ change: Int) {
        steps.append(s)
        depth += change
        stackDepth = Swift.max(stackDepth, depth)
    }

    /// Appends the steps of `e`, which leave one value on the stack (`depth` is the stack's depth before them).
    private mutating func emit(_ e: Expr, depth: inout Int) {
        switch e {
        case .number(let n): push(Step(op: .constant, constant: n), &depth, 1)
        case .boolean(let b): push(Step(op: .constant, constant: b ? .one : .zero), &depth, 1)
        case .slot(let s): push(Step(op: .slot, a: Int32(s)), &depth, 1)
        case .negate(let x):
            emit(x, depth: &depth)
            push(Step(op: .negate), &depth, 0)
        case .abs(let x):
            emit(x, depth: &depth)
            push(Step(op: .abs), &depth, 0)
        case .not(let x):
            emit(x, depth: &depth)
            push(Step(op: .not), &depth, 0)
        case .round(let x, let places, let mode):
            emit(x, depth: &depth)
            push(Step(op: .round, a: Int32(places), b: Int32(FormulaProgram.modes.firstIndex(of: mode)!)), &depth, 0)
        case .lookup(let t, let x):
            emit(x, depth: &depth)
            push(Step(op: .lookup, a: Int32(t)), &depth, 0)
        case .tax(let t, let x):
            emit(x, depth: &depth)
            push(Step(op: .tax, a: Int32(t)), &depth, 0)
        case .arithmetic(let op, let l, let r):
            emit(l, depth: &depth)
            emit(r, depth: &depth)
            let code: Op
            switch op {
            case .add: code = .add
            case .sub: code = .sub
            case .mul: code = .mul
            case .div: code = .div
            }
            push(Step(op: code), &depth, -1)
        case .compare(let op, let l, let r):
            emit(l, depth: &depth)
            emit(r, depth: &depth)
            push(Step(op: .compare, a: Int32(FormulaProgram.compares.firstIndex(of: op)!)), &depth, -1)
        case .minimum(let xs), .maximum(let xs):
            for x in xs { emit(x, depth: &depth) }
            let isMin: Bool
            if case .minimum = e { isMin = true } else { isMin = false }
            push(Step(op: isMin ? .minimum : .maximum, a: Int32(xs.count)), &depth, 1 - xs.count)
        case .clamp(let x, let lo, let hi):
            emit(x, depth: &depth)
            emit(lo, depth: &depth)
            emit(hi, depth: &depth)
            push(Step(op: .clamp), &depth, -2)
        case .and(let l, let r), .or(let l, let r):
            emit(l, depth: &depth)
            let at = steps.count
            var isAnd = false
            if case .and = e { isAnd = true }
            push(Step(op: isAnd ? .andJump : .orJump), &depth, -1)  // taken, it keeps the value; else r replaces it
            emit(r, depth: &depth)
            steps[at].a = Int32(steps.count)
        case .ifElse(let c, let a, let b):
            emit(c, depth: &depth)
            let test = steps.count
            push(Step(op: .jumpIfZero), &depth, -1)
            emit(a, depth: &depth)
            let skip = steps.count
            push(Step(op: .jump), &depth, -1)  // one of the two branches' values is left
            steps[test].a = Int32(steps.count)
            emit(b, depth: &depth)
            steps[skip].a = Int32(steps.count)
        }
    }

    /// Evaluates formula `k` over `values` (every slot's value), with a stack of its own (explanations, tests).
    public func number(_ k: Int, values: inout [Exact], tables: [BracketTable]) throws -> Exact {
        try values.withUnsafeMutableBufferPointer { v in
            try withUnsafeTemporaryAllocation(of: Exact.self, capacity: Swift.max(1, stackDepth)) { stack in
                stack.initialize(repeating: .zero)
                return try number(k, values: v, stack: stack, tables: tables)
            }
        }
    }

    /// Evaluates formula `k` over `values` (every slot's value) with `stack` (at least `stackDepth` values) as
    /// scratch.
    public func number(
        _ k: Int, values: UnsafeMutableBufferPointer<Exact>, stack: UnsafeMutableBufferPointer<Exact>, tables: [BracketTable]
    ) throws -> Exact {
        do {
            return try steps.withUnsafeBufferPointer { steps in
                var sp = 0
                var pc = starts[k]
                let end = starts[k + 1]
                while pc < end {
                    let s = steps[pc]
                    pc += 1
                    switch s.op {
                    case .constant:
                        stack[sp] = s.constant
                        sp += 1
                    case .slot:
                        stack[sp] = values[Int(s.a)]
                        sp += 1
                    case .negate: stack[sp - 1] = stack[sp - 1].negated
                    case .abs: if stack[sp - 1].isNegative { stack[sp - 1] = stack[sp - 1].negated }
                    case .add:
                        sp -= 1
                        stack[sp - 1] = try stack[sp - 1].adding(stack[sp])
                    case .sub:
                        sp -= 1
                        stack[sp - 1] = try stack[sp - 1].adding(stack[sp].negated)
                    case .mul:
                        sp -= 1
                        stack[sp - 1] = try stack[sp - 1].multiplied(by: stack[sp])
                    case .div:
                        sp -= 1
                        if stack[sp].isZero { throw EvaluationError(message: "division by zero") }
                        stack[sp - 1] = try stack[sp - 1].divided(by: stack[sp])
                    case .round:
                        stack[sp - 1] = try stack[sp - 1].checkedRounded(places: Int(s.a), mode: FormulaProgram.modes[Int(s.b)])
                    case .minimum, .maximum:
                        let n = Int(s.a)
                        sp -= n
                        var m = stack[sp]
                        for i in 1..<n {  // the first of equal values, as `min()`/`max()` (equal exact values are identical)
                            let x = stack[sp + i]
                            if s.op == .minimum ? x < m : m < x { m = x }
                        }
                        stack[sp] = m
                        sp += 1
                    case .clamp:
                        sp -= 2
                        stack[sp - 1] = Swift.min(Swift.max(stack[sp - 1], stack[sp]), stack[sp + 1])
                    case .lookup: stack[sp - 1] = tables[Int(s.a)].row(for: stack[sp - 1]).value
                    case .tax: stack[sp - 1] = try tables[Int(s.a)].tax(on: stack[sp - 1])
                    case .compare:
                        sp -= 1
                        let a = stack[sp - 1]
                        let b = stack[sp]
                        let holds: Bool
                        switch FormulaProgram.compares[Int(s.a)] {
                        case .lt: holds = a < b
                        case .le: holds = !(b < a)
                        case .gt: holds = b < a
                        case .ge: holds = !(a < b)
                        case .eq: holds = a == b
                        case .ne: holds = a != b
                        }
                        stack[sp - 1] = holds ? .one : .zero
                    case .not: stack[sp - 1] = stack[sp - 1].isZero ? .one : .zero
                    case .jumpIfZero:
                        sp -= 1
                        if stack[sp].isZero { pc = Int(s.a) }
                    case .jump: pc = Int(s.a)
                    case .andJump: if stack[sp - 1].isZero { pc = Int(s.a) } else { sp -= 1 }
                    case .orJump: if !stack[sp - 1].isZero { pc = Int(s.a) } else { sp -= 1 }
                    }
                }
                return stack[0]
            }
        } catch is Exact.Overflow {
            throw EvaluationError(message: "a number grew beyond the exact range")
        }
    }
}
