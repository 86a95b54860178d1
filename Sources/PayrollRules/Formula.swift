import PayrollCore

/// The salary structure's small expression language.
///
///     round(monthly / pay_days_per_month * attendance.sick_leave * (1 - sick_pay_ratio), 2)
///     if(prorated, 0, -round(monthly / pay_days_per_month * attendance.absent, 2))
///
/// Numbers are exact rationals (no binary floating point); every rounding is
/// an explicit `round(x, places, mode)` with mode half_up (default),
/// half_even, up or down. Operators: + - * / < <= > >= == != and or not.
/// Functions: min, max, clamp(x, lo, hi), abs, round, if(cond, a, b),
/// lookup(table, key) (a step table's value), tax(table, amount)
/// (amount × rate − quick deduction of amount's band). Names are resolved and
/// types checked once, when the structure is loaded.
public indirect enum Expr: Sendable {
    case number(Exact)
    case boolean(Bool)
    case slot(Int)
    case negate(Expr)
    case arithmetic(ArithOp, Expr, Expr)
    case compare(CompareOp, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case not(Expr)
    case ifElse(Expr, Expr, Expr)
    case minimum([Expr])
    case maximum([Expr])
    case clamp(Expr, Expr, Expr)
    case abs(Expr)
    case round(Expr, Int, RoundingMode)
    case lookup(Int, Expr)
    case tax(Int, Expr)

    /// An arithmetic operator.
    public enum ArithOp: Sendable { case add, sub, mul, div }
    /// A comparison operator.
    public enum CompareOp: Sendable { case lt, le, gt, ge, eq, ne }
}

/// The type of a formula's value.
public enum ValueType: Sendable, Equatable { case number, boolean }

/// A name a formula may use: its slot in the evaluation context and type.
public struct Symbol: Sendable {
    /// The slot the name reads.
    public var slot: Int
    /// The value's type.
    public var type: ValueType
    /// A name bound to a slot.
    public init(slot: Int, type: ValueType) {
        self.slot = slot
        self.type = type
    }
}

/// A formula that cannot be compiled, at a character offset.
public struct FormulaError: Error, Sendable {
    /// The offset in the formula's text.
    public var offset: Int
    /// What is wrong.
    public var message: String
}

/// Why an evaluation failed for one employee (division by zero, overflow).
public struct EvaluationError: Error, Sendable {
    /// What went wrong.
    public var message: String
}

/// Compiles formula text against the names and tables in scope.
public struct FormulaCompiler {
    /// Names in scope.
    public var symbols: [String: Symbol]
    /// Tables by name.
    public var tables: [String: Int]

    /// A compiler for a set of names and tables.
    public init(symbols: [String: Symbol], tables: [String: Int]) {
        self.symbols = symbols
        self.tables = tables
    }

    /// Compiles a formula; an unknown name or a type error is a `FormulaError`.
    public func compile(_ text: String, expect: ValueType = .number) throws -> Expr {
        var p = Parser(tokens: try tokenize(text), compiler: self, length: text.utf8.count)
        let (e, t) = try p.expression()
        if let extra = p.peek { throw FormulaError(offset: extra.offset, message: "unexpected \(extra.kind.shown) after the end of the formula") }
        if t != expect {
            throw FormulaError(
                offset: 0,
                message:
                    "the formula gives a \(t == .number ? "number" : "true/false value"); expected a \(expect == .number ? "number" : "true/false value")"
            )
        }
        return e
    }

    // MARK: tokens

    struct Token {
        enum Kind: Equatable {
            case number(String)
            case name(String)
            case op(String)
            case lparen, rparen, comma
            var shown: String {
                switch self {
                case .number(let s), .name(let s), .op(let s): return "'\(s)'"
                case .lparen: return "'('"
                case .rparen: return "')'"
                case .comma: return "','"
                }
            }
        }
        var kind: Kind
        var offset: Int
    }

    func tokenize(_ text: String) throws -> [Token] {
        let b = Array(text.utf8)
        var i = 0
        var out: [Token] = []
        func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                i += 1
                continue
            }
            let start = i
            if isDigit(c) || (c == 0x2E && i + 1 < b.count && isDigit(b[i + 1])) {
                while i < b.count && (isDigit(b[i]) || b[i] == 0x2E) { i += 1 }
                out.append(Token(kind: .number(String(decoding: b[start..<i], as: UTF8.self)), offset: start))
            } else if isAlpha(c) {
                while i < b.count && (isAlpha(b[i]) || isDigit(b[i]) || b[i] == 0x2E) { i += 1 }
                out.append(Token(kind: .name(String(decoding: b[start..<i], as: UTF8.self)), offset: start))
            } else if c == 0x28 {
                out.append(Token(kind: .lparen, offset: i))
                i += 1
            } else if c == 0x29 {
                out.append(Token(kind: .rparen, offset: i))
                i += 1
            } else if c == 0x2C {
                out.append(Token(kind: .comma, offset: i))
                i += 1
            } else {
                let two = i + 1 < b.count ? String(decoding: b[i...i + 1], as: UTF8.self) : ""
                if ["<=", ">=", "==", "!="].contains(two) {
                    out.append(Token(kind: .op(two), offset: i))
                    i += 2
                } else if "+-*/<>".utf8.contains(c) {
                    out.append(Token(kind: .op(String(UnicodeScalar(c))), offset: i))
                    i += 1
                } else {
                    throw FormulaError(offset: i, message: "unexpected character '\(String(UnicodeScalar(c)))'")
                }
            }
        }
        return out
    }

    struct Parser {
        var tokens: [Token]
        let compiler: FormulaCompiler
        let length: Int
        var pos = 0

        init(tokens: [Token], compiler: FormulaCompiler, length: Int) {
            self.tokens = tokens
            self.compiler = compiler
            self.length = length
        }

        var peek: Token? { pos < tokens.count ? tokens[pos] : nil }
        var here: Int { peek?.offset ?? length }
        mutating func take() -> Token? {
            defer { pos += 1 }
            return peek
        }

        func want(_ t: ValueType, _ got: ValueType, at offset: Int, _ what: String) throws {
            if t != got {
                throw FormulaError(
                    offset: offset,
                    message:
                        "\(what) needs a \(t == .number ? "number" : "true/false value"), not a \(got == .number ? "number" : "true/false value")")
            }
        }

        mutating func expression() throws -> (Expr, ValueType) { try orExpr() }

        mutating func orExpr() throws -> (Expr, ValueType) {
            var (l, lt) = try andExpr()
            while case .name("or")? = peek?.kind {
                let at = here
                pos += 1
                let (r, rt) = try andExpr()
                try want(.boolean, lt, at: at, "'or'")
                try want(.boolean, rt, at: at, "'or'")
                l = .or(l, r)
                lt = .boolean
            }
            return (l, lt)
        }

        mutating func andExpr() throws -> (Expr, ValueType) {
            var (l, lt) = try notExpr()
            while case .name("and")? = peek?.kind {
                let at = here
                pos += 1
                let (r, rt) = try notExpr()
                try want(.boolean, lt, at: at, "'and'")
                try want(.boolean, rt, at: at, "'and'")
                l = .and(l, r)
                lt = .boolean
            }
            return (l, lt)
        }

        mutating func notExpr() throws -> (Expr, ValueType) {
            if case .name("not")? = peek?.kind {
                let at = here
                pos += 1
                let (e, t) = try notExpr()
                try want(.boolean, t, at: at, "'not'")
                return (.not(e), .boolean)
            }
            return try comparison()
        }

        mutating func comparison() throws -> (Expr, ValueType) {
            let (l, lt) = try additive()
            if case .op(let o)? = peek?.kind, ["<", "<=", ">", ">=", "==", "!="].contains(o) {
                let at = here
                pos += 1
                let (r, rt) = try additive()
                try want(.number, lt, at: at, "'\(o)'")
                try want(.number, rt, at: at, "'\(o)'")
                let ops: [String: Expr.CompareOp] = ["<": .lt, "<=": .le, ">": .gt, ">=": .ge, "==": .eq, "!=": .ne]
                guard let op = ops[o] else { throw FormulaError(offset: at, message: "unknown comparison '\(o)'") }
                return (.compare(op, l, r), .boolean)
            }
            return (l, lt)
        }

        mutating func additive() throws -> (Expr, ValueType) {
            var (l, lt) = try multiplicative()
            while case .op(let o)? = peek?.kind, o == "+" || o == "-" {
                let at = here
                pos += 1
                let (r, rt) = try multiplicative()
                try want(.number, lt, at: at, "'\(o)'")
                try want(.number, rt, at: at, "'\(o)'")
                l = .arithmetic(o == "+" ? .add : .sub, l, r)
                lt = .number
            }
            return (l, lt)
        }

        mutating func multiplicative() throws -> (Expr, ValueType) {
            var (l, lt) = try unary()
            while case .op(let o)? = peek?.kind, o == "*" || o == "/" {
                let at = here
                pos += 1
                let (r, rt) = try unary()
                try want(.number, lt, at: at, "'\(o)'")
                try want(.number, rt, at: at, "'\(o)'")
                if o == "/", case .number(let n) = r, n.isZero { throw FormulaError(offset: at, message: "division by zero") }
                l = .arithmetic(o == "*" ? .mul : .div, l, r)
                lt = .number
            }
            return (l, lt)
        }

        mutating func unary() throws -> (Expr, ValueType) {
            if case .op("-")? = peek?.kind {
                let at = here
                pos += 1
                let (e, t) = try unary()
                try want(.number, t, at: at, "'-'")
                return (.negate(e), .number)
            }
            return try primary()
        }

        mutating func arguments() throws -> [(Expr, ValueType, Int)] {
            guard case .lparen? = peek?.kind else { throw FormulaError(offset: here, message: "expected '('") }
            pos += 1
            var args: [(Expr, ValueType, Int)] = []
            if case .rparen? = peek?.kind {
                pos += 1
                return args
            }
            while true {
                let at = here
                let (e, t) = try expression()
                args.append((e, t, at))
                guard let t = take() else { throw FormulaError(offset: length, message: "missing ')'") }
                if t.kind == .rparen { return args }
                if t.kind != .comma { throw FormulaError(offset: t.offset, message: "expected ',' or ')', found \(t.kind.shown)") }
            }
        }

        mutating func primary() throws -> (Expr, ValueType) {
            guard let t = take() else { throw FormulaError(offset: length, message: "the formula ends too early") }
            switch t.kind {
            case .number(let s):
                guard let f = Fixed.parse(s) else { throw FormulaError(offset: t.offset, message: "'\(s)' is not a number") }
                return (.number(Exact(f)), .number)
            case .lparen:
                let r = try expression()
                guard case .rparen? = take()?.kind else { throw FormulaError(offset: here, message: "missing ')'") }
                return r
            case .name(let n):
                if case .lparen? = peek?.kind { return try call(n, at: t.offset) }
                if n == "true" { return (.boolean(true), .boolean) }
                if n == "false" { return (.boolean(false), .boolean) }
                guard let s = compiler.symbols[n] else {
                    let near = compiler.symbols.keys.filter { $0.hasPrefix(String(n.prefix(3))) }.sorted().prefix(4)
                    throw FormulaError(
                        offset: t.offset, message: "unknown name '\(n)'" + (near.isEmpty ? "" : "; did you mean \(near.joined(separator: ", "))?"))
                }
                return (.slot(s.slot), s.type)
            default:
                throw FormulaError(offset: t.offset, message: "unexpected \(t.kind.shown)")
            }
        }

        mutating func call(_ name: String, at: Int) throws -> (Expr, ValueType) {
            func numbers(_ a: [(Expr, ValueType, Int)], _ count: ClosedRange<Int>) throws -> [Expr] {
                guard count.contains(a.count) else {
                    throw FormulaError(
                        offset: at,
                        message:
                            "\(name)() takes \(count.lowerBound == count.upperBound ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)") arguments, got \(a.count)"
                    )
                }
                for x in a { try want(.number, x.1, at: x.2, "\(name)()") }
                return a.map(\.0)
            }
            switch name {
            case "min", "max":
                let a = try numbers(try arguments(), 1...64)
                return (name == "min" ? .minimum(a) : .maximum(a), .number)
            case "clamp":
                let a = try numbers(try arguments(), 3...3)
                return (.clamp(a[0], a[1], a[2]), .number)
            case "abs":
                return (.abs(try numbers(try arguments(), 1...1)[0]), .number)
            case "if":
                let a = try arguments()
                guard a.count == 3 else { throw FormulaError(offset: at, message: "if() takes 3 arguments: condition, then, else") }
                try want(.boolean, a[0].1, at: a[0].2, "if()'s condition")
                guard a[1].1 == a[2].1 else { throw FormulaError(offset: a[2].2, message: "if()'s two branches must have the same type") }
                return (.ifElse(a[0].0, a[1].0, a[2].0), a[1].1)
            case "round":
                // round(x), round(x, places), round(x, places, mode)
                guard case .lparen? = peek?.kind else { throw FormulaError(offset: here, message: "expected '('") }
                pos += 1
                let xAt = here
                let (x, xt) = try expression()
                try want(.number, xt, at: xAt, "round()")
                var places = 2
                var mode = RoundingMode.halfUp
                if case .comma? = peek?.kind {
                    pos += 1
                    guard let pt = take(), case .number(let ps) = pt.kind, let p = Int(ps), (0...6).contains(p) else {
                        throw FormulaError(offset: here, message: "round()'s places must be a whole number from 0 to 6")
                    }
                    places = p
                    if case .comma? = peek?.kind {
                        pos += 1
                        guard let mt = take(), case .name(let ms) = mt.kind, let m = RoundingMode(rawValue: ms) else {
                            throw FormulaError(offset: here, message: "round()'s mode must be half_up, half_even, up or down")
                        }
                        mode = m
                    }
                }
                guard case .rparen? = take()?.kind else { throw FormulaError(offset: here, message: "missing ')' after round()") }
                return (.round(x, places, mode), .number)
            case "lookup", "tax":
                guard case .lparen? = peek?.kind else { throw FormulaError(offset: here, message: "expected '('") }
                pos += 1
                guard let tt = take(), case .name(let tn) = tt.kind else {
                    throw FormulaError(offset: here, message: "\(name)() needs a table name first")
                }
                guard let ti = compiler.tables[tn] else {
                    throw FormulaError(
                        offset: tt.offset,
                        message: "unknown table '\(tn)'; the rule pack has \(compiler.tables.keys.sorted().joined(separator: ", "))")
                }
                guard case .comma? = take()?.kind else { throw FormulaError(offset: here, message: "expected ',' after the table name") }
                let xAt = here
                let (x, xt) = try expression()
                try want(.number, xt, at: xAt, "\(name)()")
                guard case .rparen? = take()?.kind else { throw FormulaError(offset: here, message: "missing ')'") }
                return (name == "lookup" ? .lookup(ti, x) : .tax(ti, x), .number)
            default:
                throw FormulaError(offset: at, message: "unknown function '\(name)'; functions: min, max, clamp, abs, round, if, lookup, tax")
            }
        }
    }
}
