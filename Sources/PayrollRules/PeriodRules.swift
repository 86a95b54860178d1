import PayrollCore

/// The inputs a formula can name besides parameters, adjustments and earlier components.
public enum InputSlot: Int, CaseIterable, Sendable {
    case baseSalary, positionSalary, allowance, bonusBase, siBase, hfBase, hfRate, specialDeduction
    case present, absent, personalLeave, sickLeave, annualLeave, compLeave, businessTrip, paidDays, attendanceRows
    case overtimeWorkday, overtimeRestday, overtimeHoliday
    case coefficient, finalScore, pointsBonus, prorated, adjustmentsGross, periodDays
    case sickServiceRatio, minimumWage

    /// The name a formula uses for the input.
    public var name: String {
        switch self {
        case .baseSalary: return "employee.base_salary"
        case .positionSalary: return "employee.position_salary"
        case .allowance: return "employee.allowance"
        case .bonusBase: return "employee.bonus_base"
        case .siBase: return "employee.si_base"
        case .hfBase: return "employee.hf_base"
        case .hfRate: return "employee.hf_rate"
        case .specialDeduction: return "employee.special_deduction"
        case .present: return "attendance.present"
        case .absent: return "attendance.absent"
        case .personalLeave: return "attendance.personal_leave"
        case .sickLeave: return "attendance.sick_leave"
        case .annualLeave: return "attendance.annual_leave"
        case .compLeave: return "attendance.comp_leave"
        case .businessTrip: return "attendance.business_trip"
        case .paidDays: return "attendance.paid_days"
        case .attendanceRows: return "attendance.days"
        case .overtimeWorkday: return "overtime.workday"
        case .overtimeRestday: return "overtime.restday"
        case .overtimeHoliday: return "overtime.holiday"
        case .coefficient: return "performance.coefficient"
        case .finalScore: return "performance.final_score"
        case .pointsBonus: return "performance.points_bonus"
        case .prorated: return "prorated"
        case .adjustmentsGross: return "adjustments.gross"
        case .periodDays: return "period.days"
        case .sickServiceRatio: return "sick.service_ratio"
        case .minimumWage: return "city.minimum_wage"
        }
    }
    /// Number, or true/false for `prorated`.
    public var type: ValueType { self == .prorated ? .boolean : .number }
}

/// How the pipeline pays what the default does not decide (STANDARD.md "Beyond the default").
public struct PayPolicy: Sendable, Equatable {
    /// What happens to an employee whose net pay would be negative.
    public enum NegativeNet: String, Sendable {
        /// An error: nobody is paid until it is resolved (the default).
        case stop
        /// Net 0, the shortfall carried and recovered first from later net pay.
        case carryForward = "carry_forward"
    }
    /// How sick days are paid.
    public enum SickPay: String, Sendable {
        /// The structure's flat ratio (`sick_pay_ratio`; the default).
        case flat
        /// By the city's service ratios, floored at a share of its minimum wage (the `sick_pay_statutory` variant).
        case statutory
    }
    /// Negative net pay: stop (default) or carry forward.
    public var negativeNet = NegativeNet.stop
    /// Sick pay: flat (default) or statutory.
    public var sickPay = SickPay.flat

    /// The default policy.
    public init(negativeNet: NegativeNet = .stop, sickPay: SickPay = .flat) {
        self.negativeNet = negativeNet
        self.sickPay = sickPay
    }

    /// Structure variants a component may declare.
    public static let variantNames: Set<String> = ["sick_pay_statutory"]
    /// The variants this policy selects.
    public var variants: Set<String> { sickPay == .statutory ? ["sick_pay_statutory"] : [] }
}

/// A salary line with its formula compiled.
public struct CompiledComponent: Sendable {
    /// The line as the pack declares it.
    public var spec: ComponentSpec
    /// The compiled formula.
    public var expr: Expr
    /// The slot its value takes for later formulas.
    public var slot: Int
    /// Parameters the formula reads, with the value in force (for explanations).
    public var parameters: [String]
}

/// A rule pack resolved for one period: the values in force on its first
/// day and the salary structure compiled against them.
public struct PeriodRules: Sendable {
    /// The period.
    public let period: Period
    /// The pack the values come from.
    public let pack: RulePack
    /// The salary lines, in order.
    public private(set) var components: [CompiledComponent]
    /// Parameters in force on the period's first day.
    public let parameterValues: [String: Dated<Exact>]
    /// Tables in force, by slot.
    public private(set) var tables: [BracketTable]
    /// Their names.
    public let tableNames: [String]
    /// Slots of an evaluation context.
    public let slotCount: Int
    /// The parameters' slots and values.
    public private(set) var parameterSlots: [(slot: Int, value: Exact)]
    /// Each adjustment code's slot.
    public private(set) var adjustmentSlots: [String: Int]
    /// The monthly basic deduction in force.
    public let basicDeduction: Dated<Exact>
    /// The withholding table in force.
    public private(set) var withholding: Dated<BracketTable>
    /// nil when separate taxation of the annual bonus is not in force on the period's first day.
    public private(set) var annualBonus: Dated<BracketTable>?
    /// Every dated annual-bonus table (to say when the policy ends).
    public let annualBonusSeries: DatedSeries<BracketTable>?
    /// City parameters in force on the period's first day, by city code.
    public private(set) var cities: [String: CityParameters]
    /// Where each adjustment code goes.
    public private(set) var adjustmentTargets: [String: AdjustmentTarget]
    /// The pipeline's pay policy.
    public private(set) var policy = PayPolicy()
    /// Each city's minimum wage in force on the period's first day.
    public private(set) var minimumWages: [String: Dated<Exact>] = [:]
    /// The structure's flat sick-pay ratio (the parameter `sick_pay_ratio` in force, 0 without one): looked up
    /// once, not per employee.
    public var flatSickPayRatio: Exact { flatSickPayRatioValue }
    private var flatSickPayRatioValue = Exact.zero
    /// The components' formulas as one flat program (`FormulaProgram`), with each one's slot and whether it is in
    /// gross by position; the inputs any formula reads, as bits of `InputSlot.rawValue` (the others are not computed).
    private(set) var program = FormulaProgram([])
    private(set) var componentSlots: [Int] = []
    private(set) var componentInGross: [Bool] = []
    private(set) var usedInputs: UInt64 = 0

    /// Builds `program` and what goes with it from `components`.
    mutating func compileProgram() {
        precondition(InputSlot.allCases.count <= 64, "the inputs are bits of a UInt64")
        program = FormulaProgram(components.map(\.expr))
        componentSlots = components.map(\.slot)
        componentInGross = components.map(\.spec.inGross)
        var slots = Set<Int>()
        var tables = Set<Int>()
        for c in components { PeriodRules.collect(c.expr, &slots, &tables) }
        usedInputs = slots.filter { $0 < InputSlot.allCases.count }.reduce(0) { $0 | 1 << UInt64($1) }
    }

    /// The pack's values for a period; a missing value is a `ConfigError` naming it.
    public static func resolve(_ pack: RulePack, period: Period, policy: PayPolicy = PayPolicy()) throws -> PeriodRules {
        let day = period.firstDay
        let packFile = pack.directory + "/pack.yaml"
        func need<T>(_ series: DatedSeries<T>?, _ name: String, what: String) throws -> Dated<T> {
            guard let s = series else {
                throw ConfigError(file: packFile, line: nil, column: nil, key: name, message: "the pack has no \(what) named \(name)")
            }
            guard let v = s.at(day) else {
                throw ConfigError(
                    file: s.entries.first?.location ?? packFile, line: nil, column: nil, key: name,
                    message: "no value in force on \(day) (the period \(period) needs one)")
            }
            return v
        }
        var symbols: [String: Symbol] = [:]
        for s in InputSlot.allCases { symbols[s.name] = Symbol(slot: s.rawValue, type: s.type) }
        var next = InputSlot.allCases.count
        var paramSlots: [String: Int] = [:]
        for name in pack.parameters.keys.sorted() {
            paramSlots[name] = next
            symbols[name] = Symbol(slot: next, type: .number)
            next += 1
        }
        var adjustmentSlots: [String: Int] = [:]
        for a in pack.adjustments {
            adjustmentSlots[a.code] = next
            symbols["adjustment.\(a.code)"] = Symbol(slot: next, type: .number)
            next += 1
        }
        let tableNames = pack.tables.keys.sorted()
        let tableIndex = Dictionary(uniqueKeysWithValues: tableNames.enumerated().map { ($1, $0) })
        var compiled: [CompiledComponent] = []
        var usedParams = Set<String>()
        var usedTables = Set<Int>()
        for var c in pack.components {
            // A variant the policy selects replaces the formula (its text is what explanations show).
            var key = "components.\(c.code).formula"
            if let name = policy.variants.sorted().first(where: { c.variants[$0] != nil }), let v = c.variants[name] {
                (c.formula, c.line, c.column) = v
                key = "components.\(c.code).variants.\(name)"
            }
            let compiler = FormulaCompiler(symbols: symbols, tables: tableIndex)
            let expr: Expr
            do { expr = try compiler.compile(c.formula) } catch let e as FormulaError {
                // Block scalars start on the next line; plain ones at the key's value.
                throw ConfigError(file: c.file, line: c.line, column: c.column + e.offset, key: key, message: e.message)
            }
            var slots = Set<Int>()
            var tbls = Set<Int>()
            collect(expr, &slots, &tbls)
            let params = paramSlots.filter { slots.contains($0.value) }.map(\.key).sorted()
            usedParams.formUnion(params)
            usedTables.formUnion(tbls)
            compiled.append(CompiledComponent(spec: c, expr: expr, slot: next, parameters: params))
            symbols[c.code] = Symbol(slot: next, type: .number)
            next += 1
        }
        var values: [String: Dated<Exact>] = [:]
        var paramValues: [(Int, Exact)] = []
        for (name, series) in pack.parameters.sorted(by: { $0.key < $1.key }) {
            if let v = series.at(day), let slot = paramSlots[name] {
                values[name] = v
                paramValues.append((slot, v.value))
            } else if usedParams.contains(name) {
                _ = try need(pack.parameters[name], name, what: "parameter")
            }
        }
        var tables: [BracketTable] = []
        for (i, name) in tableNames.enumerated() {
            if let t = pack.tables[name]?.at(day) {
                tables.append(t.value)
            } else {
                if usedTables.contains(i) { _ = try need(pack.tables[name], name, what: "table") }
                tables.append(BracketTable(rows: [Bracket(upto: nil, rate: .zero, quickDeduction: .zero, value: .zero)]))
            }
        }
        let basic = try need(pack.parameters[pack.tax.basicDeduction], pack.tax.basicDeduction, what: "parameter")
        let withholding = try need(pack.tables[pack.tax.withholdingTable], pack.tax.withholdingTable, what: "table")
        guard let bonusSeries = pack.tables[pack.tax.annualBonusTable] else {
            throw ConfigError(
                file: packFile, line: nil, column: nil, key: pack.tax.annualBonusTable,
                message: "the pack has no table named \(pack.tax.annualBonusTable)")
        }
        // Statutory sick pay needs each city's minimum wage on the period's first day.
        var wages: [String: Dated<Exact>] = [:]
        for (city, series) in pack.minimumWages { if let w = series.at(day) { wages[city] = w } }
        if policy.sickPay == .statutory {
            for city in pack.cities.keys.sorted() where pack.city(city, on: day) != nil && wages[city] == nil {
                throw ConfigError(
                    file: packFile, line: nil, column: nil, key: "cities.\(city).minimum_wage",
                    message: "statutory sick pay needs \(city)'s minimum wage in force on \(day)")
            }
        }
        var rules = PeriodRules(
            period: period, pack: pack, components: compiled, parameterValues: values, tables: tables,
            tableNames: tableNames, slotCount: next, parameterSlots: paramValues,
            adjustmentSlots: adjustmentSlots, basicDeduction: basic, withholding: withholding,
            annualBonus: bonusSeries.at(day), annualBonusSeries: bonusSeries,
            cities: pack.cities.keys.reduce(into: [:]) { m, c in m[c] = pack.city(c, on: day) },
            adjustmentTargets: Dictionary(uniqueKeysWithValues: pack.adjustments.map { ($0.code, $0.into) }))
        rules.policy = policy
        rules.minimumWages = wages
        rules.flatSickPayRatioValue = values["sick_pay_ratio"]?.value ?? .zero
        rules.compileProgram()
        return rules
    }

    static func collect(_ e: Expr, _ slots: inout Set<Int>, _ tables: inout Set<Int>) {
        switch e {
        case .number, .boolean: break
        case .slot(let s): slots.insert(s)
        case .negate(let x), .not(let x), .abs(let x), .round(let x, _, _): collect(x, &slots, &tables)
        case .arithmetic(_, let a, let b), .compare(_, let a, let b), .and(let a, let b), .or(let a, let b):
            collect(a, &slots, &tables)
            collect(b, &slots, &tables)
        case .ifElse(let a, let b, let c), .clamp(let a, let b, let c):
            collect(a, &slots, &tables)
            collect(b, &slots, &tables)
            collect(c, &slots, &tables)
        case .minimum(let xs), .maximum(let xs): for x in xs { collect(x, &slots, &tables) }
        case .lookup(let t, let x), .tax(let t, let x):
            tables.insert(t)
            collect(x, &slots, &tables)
        }
    }
}

extension PeriodRules {
    /// A copy that shares no heap object with `self`, for one worker thread:
    /// reference counts of shared objects (formula trees, tables, city maps)
    /// would otherwise be updated by both cores at once and stop them scaling.
    public func threadLocal() -> PeriodRules {
        var r = self
        r.components = components.map { c in
            CompiledComponent(spec: c.spec.copied(), expr: c.expr.deepCopy(), slot: c.slot, parameters: c.parameters.map(freshString))
        }
        r.tables = tables.map { BracketTable(rows: $0.rows.map { $0 }) }
        r.parameterSlots = parameterSlots.map { $0 }
        r.adjustmentSlots = Dictionary(uniqueKeysWithValues: adjustmentSlots.map { (freshString($0.key), $0.value) })
        r.withholding.value = BracketTable(rows: withholding.value.rows.map { $0 })
        r.withholding.source = freshString(withholding.source)
        if var b = annualBonus {
            b.value = BracketTable(rows: b.value.rows.map { $0 })
            b.source = freshString(b.source)
            r.annualBonus = b
        }
        r.cities = Dictionary(uniqueKeysWithValues: cities.map { (freshString($0.key), $0.value.copied()) })
        r.adjustmentTargets = Dictionary(uniqueKeysWithValues: adjustmentTargets.map { (freshString($0.key), $0.value) })
        r.compileProgram()
        return r
    }
}

/// A String with storage of its own (small strings are inline anyway).
func freshString(_ s: String) -> String { String(decoding: Array(s.utf8), as: UTF8.self) }

extension ComponentSpec {
    func copied() -> ComponentSpec {
        ComponentSpec(
            code: freshString(code), labelZH: freshString(labelZH), labelEN: freshString(labelEN), inGross: inGross,
            formula: freshString(formula), variants: variants, file: freshString(file), line: line, column: column)
    }
}

extension CityParameters {
    func copied() -> CityParameters {
        CityParameters(
            city: freshString(city), from: from, source: freshString(source),
            lines: Dictionary(uniqueKeysWithValues: lines.map { ($0.key, $0.value) }), housingFund: housingFund)
    }
}

extension Expr {
    /// The same formula in new nodes.
    public func deepCopy() -> Expr {
        switch self {
        case .number(let n): return .number(n)
        case .boolean(let b): return .boolean(b)
        case .slot(let s): return .slot(s)
        case .negate(let x): return .negate(x.deepCopy())
        case .arithmetic(let op, let a, let b): return .arithmetic(op, a.deepCopy(), b.deepCopy())
        case .compare(let op, let a, let b): return .compare(op, a.deepCopy(), b.deepCopy())
        case .and(let a, let b): return .and(a.deepCopy(), b.deepCopy())
        case .or(let a, let b): return .or(a.deepCopy(), b.deepCopy())
        case .not(let x): return .not(x.deepCopy())
        case .ifElse(let c, let a, let b): return .ifElse(c.deepCopy(), a.deepCopy(), b.deepCopy())
        case .minimum(let xs): return .minimum(xs.map { $0.deepCopy() })
        case .maximum(let xs): return .maximum(xs.map { $0.deepCopy() })
        case .clamp(let x, let lo, let hi): return .clamp(x.deepCopy(), lo.deepCopy(), hi.deepCopy())
        case .abs(let x): return .abs(x.deepCopy())
        case .round(let x, let p, let m): return .round(x.deepCopy(), p, m)
        case .lookup(let t, let x): return .lookup(t, x.deepCopy())
        case .tax(let t, let x): return .tax(t, x.deepCopy())
        }
    }
}
