import Foundation
import PayrollCore

/// The register's amounts, declared once: the register (its columns and cells), the rule
/// tests (`PayResult.amount`) and the importer (which columns hold money) read them from here.
public enum RegisterAmounts {
    /// A named amount and how a pay result gives it.
    public typealias Amount = (name: String, value: @Sendable (PayResult) -> Money)

    /// After the salary lines, in the register's order (STANDARD.md's columns).
    public static let pay: [Amount] = [
        ("gross", { $0.gross }), ("si_pension", { $0.line(.pension).employee }), ("si_medical", { $0.line(.medical).employee }),
        ("si_unemployment", { $0.line(.unemployment).employee }), ("hf", { $0.housingFund.employee }), ("ytd_taxable", { $0.ytd.taxable }),
        ("tax", { $0.tax }), ("annual_bonus", { $0.annualBonus }), ("bonus_tax", { $0.bonusTax }), ("net_pay", { $0.net }),
        ("employer_si", { $0.employerSI }), ("employer_hf", { $0.housingFund.employer }), ("employer_cost", { $0.employerCost }),
    ]

    /// The year-to-date figures the register adds after name, cost centre and city.
    public static let yearToDate: [Amount] = [
        ("employee_si", { $0.employeeSI }), ("ytd_income", { $0.ytd.income }), ("ytd_basic_deduction", { $0.basicDeduction }),
        ("ytd_special", { $0.ytd.special }), ("ytd_additional", { $0.ytd.additional }), ("ytd_tax", { $0.ytd.tax }),
        ("ytd_withheld", { $0.ytd.withheld }),
    ]

    /// Carried negative net pay (`negative_net: carry_forward`): the register shows them when the policy is on.
    public static let carried: [Amount] = [
        ("carried_recovery", { $0.carriedRecovery }), ("carried_balance", { $0.carriedBalance }),
    ]

    /// Amounts the rule tests may check that the register does not show.
    public static let more: [Amount] = [
        ("employer_pension", { $0.line(.pension).employer }), ("employer_medical", { $0.line(.medical).employer }),
        ("employer_unemployment", { $0.line(.unemployment).employer }), ("employer_work_injury", { $0.line(.workInjury).employer }),
        ("si_base_pension", { $0.line(.pension).base }), ("si_base_medical", { $0.line(.medical).base }),
        ("si_base_unemployment", { $0.line(.unemployment).base }), ("hf_base", { $0.housingFund.base }),
    ]

    static let byName: [String: @Sendable (PayResult) -> Money] = Dictionary(
        uniqueKeysWithValues: (pay + yearToDate + carried + more).map { ($0.name, $0.value) })

    /// Every amount name besides the salary lines.
    public static var names: [String] { (pay + yearToDate + carried + more).map(\.name) }
}

extension PayResult {
    /// An amount by its register name (or a structure component's code).
    public func amount(_ name: String, rules: PeriodRules) -> Money? {
        if let i = rules.componentIndex(name) { return lines[i] }
        return RegisterAmounts.byName[name].map { $0(self) }
    }
}

/// Test cases stored with a rule pack (`tests/*.yaml`), in the manner of
/// OpenFisca's country packages: a name, a period, inputs, expected outputs.
public enum RuleTests {
    /// One rule test case's result.
    public struct Outcome: Sendable {
        /// The test file.
        public var file: String
        /// The case's line in it.
        public var line: Int
        /// The case's name.
        public var name: String
        /// (output, expected, got) for each mismatch; empty when the case passed.
        public var failures: [(String, String, String)]
        /// True when every expectation held.
        public var passed: Bool { failures.isEmpty }
    }

    /// Runs every case in `PACK/tests/*.yaml`.
    public static func run(pack: RulePack) throws -> [Outcome] {
        let dir = (pack.directory as NSString).appendingPathComponent("tests")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        var out: [Outcome] = []
        var rulesByPeriod: [String: PeriodRules] = [:]
        for f in files {
            let root = try YNode.load(path: (dir as NSString).appendingPathComponent(f))
            for (k, v) in try root.mapping(allowed: ["cases"], required: ["cases"]) where k == "cases" {
                for c in try v.sequence() {
                    let (name, period, input, expect, policy) = try parseCase(c)
                    let cacheKey = "\(period) \(policy.negativeNet.rawValue) \(policy.sickPay.rawValue)"
                    let rules = try rulesByPeriod[cacheKey] ?? PeriodRules.resolve(pack, period: period, policy: policy)
                    rulesByPeriod[cacheKey] = rules
                    var failures: [(String, String, String)] = []
                    do {
                        let r = try rules.compute(input)
                        for (key, node) in expect {
                            if key == "comp_time_balance" {  // hours, not money
                                let want = try node.fixed()
                                if r.ytd.compTime != want { failures.append((key, want.description, r.ytd.compTime.description)) }
                                continue
                            }
                            if key == "problems" {
                                let want = try node.stringList().sorted()
                                if r.problems.sorted() != want {
                                    failures.append((key, want.joined(separator: ","), r.problems.sorted().joined(separator: ",")))
                                }
                                continue
                            }
                            let want = try node.money()
                            guard let got = r.amount(key, rules: rules) else {
                                throw node.error("unknown output \(key)")
                            }
                            if got != want { failures.append((key, want.description, got.description)) }
                        }
                    } catch let e as ConfigError {
                        throw e
                    } catch {
                        failures.append(("error", "a result", "\(error)"))
                    }
                    out.append(Outcome(file: "tests/\(f)", line: c.line ?? 0, name: name, failures: failures))
                }
            }
        }
        return out
    }

    static func parseCase(_ c: YNode) throws -> (String, Period, PayInput, [(String, YNode)], PayPolicy) {
        var name = ""
        var period: Period?
        var e = Employee(
            id: "T1", name: "test", idNumber: "", department: "test", deptType: .backoffice, position: "test",
            costCenter: "test", city: "shanghai", hireDate: Day(year: 2020, month: 1, day: 1)!, leaveDate: nil,
            contractEnd: nil, baseSalary: .zero, positionSalary: .zero, allowance: nil, bonusBase: nil,
            siBase: .zero, hfBase: nil, hfRate: .zero, specialDeduction: nil, bankCode: "", bankAccount: "",
            line: 0, rowValid: true)
        var att = AttendanceSummary()
        var coefficient = Exact.one
        var adjustments: [Adjustment] = []
        var previous: YearToDate?
        var mode = BasicDeductionMode.employment
        var policy = PayPolicy()
        var expect: [(String, YNode)] = []
        for (k, v) in try c.mapping(
            allowed: [
                "name", "source", "period", "employee", "attendance", "coefficient",
                "adjustments", "previous", "mode", "policy", "expect",
            ],
            required: ["name", "period", "employee", "expect"])
        {
            switch k {
            case "name": name = try v.string()
            case "source": _ = try v.string()
            case "period":
                guard let p = Period(try v.string()) else { throw v.error("expected YYYY-MM") }
                period = p
            case "employee":
                for (ek, ev) in try v.mapping(allowed: [
                    "city", "base_salary", "position_salary", "allowance", "bonus_base",
                    "si_base", "hf_base", "hf_rate", "special_deduction", "hire_date", "leave_date", "service_start",
                ]) {
                    switch ek {
                    case "city": e.city = try ev.string()
                    case "base_salary": e.baseSalary = try ev.money()
                    case "position_salary": e.positionSalary = try ev.money()
                    case "allowance": e.allowance = try ev.money()
                    case "bonus_base": e.bonusBase = try ev.money()
                    case "si_base": e.siBase = try ev.money()
                    case "hf_base": e.hfBase = try ev.money()
                    case "hf_rate": e.hfRate = try ev.fixed()
                    case "special_deduction": e.specialDeduction = try ev.money()
                    case "hire_date": e.hireDate = try ev.day()
                    case "service_start": e.serviceStart = try ev.day()
                    default: e.leaveDate = try ev.day()
                    }
                }
            case "attendance":
                let statuses: [String: AttendanceStatus] = [
                    "present": .present, "absent": .absent, "personal_leave": .personalLeave,
                    "sick_leave": .sickLeave, "annual_leave": .annualLeave, "comp_leave": .compLeave, "business_trip": .businessTrip,
                ]
                let hours: Set<String> = ["overtime_workday", "overtime_restday", "overtime_restday_comp", "overtime_holiday"]
                for (ak, av) in try v.mapping(allowed: Set(statuses.keys).union(hours)) {
                    if let s = statuses[ak] {
                        att.halfDays[s.rawValue] = Int32(try av.int()) * 2
                        att.rows += Int32(try av.int())
                    } else if ak == "overtime_workday" {
                        att.overtimeWorkday = try av.fixed()
                    } else if ak == "overtime_restday" {
                        att.overtimeRestday = try av.fixed()
                    } else if ak == "overtime_restday_comp" {
                        att.overtimeRestdayComp = try av.fixed()
                    } else {
                        att.overtimeHoliday = try av.fixed()
                    }
                }
            case "coefficient": coefficient = Exact(try v.fixed())
            case "adjustments":
                for (code, av) in try v.entries() {
                    adjustments.append(Adjustment(employee: 0, code: code, amount: try av.money(), note: "", line: 0))
                }
            case "previous":
                var y = YearToDate(year: 0)
                for (pk, pv) in try v.mapping(allowed: [
                    "months", "income", "special", "additional", "withheld", "annual_bonus", "carried", "comp_time",
                ]) {
                    switch pk {
                    case "carried": y.carried = try pv.money()
                    case "comp_time": y.compTime = try pv.fixed()
                    case "months": y.months = try pv.int()
                    case "income": y.income = try pv.money()
                    case "special": y.special = try pv.money()
                    case "additional": y.additional = try pv.money()
                    case "withheld": y.withheld = try pv.money()
                    default: y.annualBonus = try pv.money()
                    }
                }
                previous = y
            case "mode":
                guard let m = BasicDeductionMode(rawValue: try v.string()) else {
                    throw v.error("expected employment, first_income or annual_60000")
                }
                mode = m
            case "policy":
                for (pk, pv) in try v.mapping(allowed: ["negative_net", "sick_pay"]) {
                    if pk == "negative_net" {
                        guard let n = PayPolicy.NegativeNet(rawValue: try pv.string()) else { throw pv.error("expected stop or carry_forward") }
                        policy.negativeNet = n
                    } else {
                        guard let sp = PayPolicy.SickPay(rawValue: try pv.string()) else { throw pv.error("expected flat or statutory") }
                        policy.sickPay = sp
                    }
                }
            default:
                expect = try v.entries().map { ($0.key, $0.value) }
            }
        }
        if var p = previous {
            p.year = period!.year
            previous = p
        }
        return (
            name, period!,
            PayInput(
                employee: e, attendance: att, coefficient: coefficient, finalScore: Exact(100),
                adjustments: adjustments, previous: previous, mode: mode), expect, policy
        )
    }
}
