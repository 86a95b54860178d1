import Foundation
import PayrollCore

extension PayResult {
    /// An amount by its register name (or a structure component's code).
    public func amount(_ name: String, rules: PeriodRules) -> Money? {
        if let i = rules.componentIndex(name) { return lines[i] }
        switch name {
        case "gross": return gross
        case "si_pension": return line(.pension).employee
        case "si_medical": return line(.medical).employee
        case "si_unemployment": return line(.unemployment).employee
        case "hf": return housingFund.employee
        case "employee_si": return employeeSI
        case "ytd_income": return ytd.income
        case "ytd_basic_deduction": return basicDeduction
        case "ytd_special": return ytd.special
        case "ytd_additional": return ytd.additional
        case "ytd_taxable": return ytd.taxable
        case "ytd_tax": return ytd.tax
        case "ytd_withheld": return ytd.withheld
        case "tax": return tax
        case "annual_bonus": return annualBonus
        case "bonus_tax": return bonusTax
        case "net_pay": return net
        case "employer_si": return employerSI
        case "employer_pension": return line(.pension).employer
        case "employer_medical": return line(.medical).employer
        case "employer_unemployment": return line(.unemployment).employer
        case "employer_work_injury": return line(.workInjury).employer
        case "employer_hf": return housingFund.employer
        case "employer_cost": return employerCost
        case "si_base_pension": return line(.pension).base
        case "si_base_medical": return line(.medical).base
        case "si_base_unemployment": return line(.unemployment).base
        case "hf_base": return housingFund.base
        default: return nil
        }
    }
}

/// Test cases stored with a rule pack (`tests/*.yaml`), in the manner of
/// OpenFisca's country packages: a name, a period, inputs, expected outputs.
public enum RuleTests {
    public struct Outcome: Sendable {
        public var file: String
        public var line: Int
        public var name: String
        /// (output, expected, got) for each mismatch; empty when the case passed.
        public var failures: [(String, String, String)]
        public var passed: Bool { failures.isEmpty }
    }

    public static func run(pack: RulePack) throws -> [Outcome] {
        let dir = (pack.directory as NSString).appendingPathComponent("tests")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        var out: [Outcome] = []
        var rulesByPeriod: [Period: PeriodRules] = [:]
        for f in files {
            let root = try YNode.load(path: (dir as NSString).appendingPathComponent(f))
            for (k, v) in try root.mapping(allowed: ["cases"], required: ["cases"]) where k == "cases" {
                for c in try v.sequence() {
                    let (name, period, input, expect) = try parseCase(c)
                    if rulesByPeriod[period] == nil { rulesByPeriod[period] = try PeriodRules.resolve(pack, period: period) }
                    let rules = rulesByPeriod[period]!
                    var failures: [(String, String, String)] = []
                    do {
                        let r = try rules.compute(input)
                        for (key, node) in expect {
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

    static func parseCase(_ c: YNode) throws -> (String, Period, PayInput, [(String, YNode)]) {
        var name = "", period: Period?
        var e = Employee(id: "T1", name: "test", idNumber: "", department: "test", deptType: .backoffice, position: "test",
                         costCenter: "test", city: "shanghai", hireDate: Day(year: 2020, month: 1, day: 1)!, leaveDate: nil,
                         contractEnd: nil, baseSalary: .zero, positionSalary: .zero, allowance: nil, bonusBase: nil,
                         siBase: .zero, hfBase: nil, hfRate: .zero, specialDeduction: nil, bankCode: "", bankAccount: "",
                         line: 0, rowValid: true)
        var att = AttendanceSummary()
        var coefficient = Exact.one
        var adjustments: [Adjustment] = []
        var previous: YearToDate?
        var mode = BasicDeductionMode.employment
        var expect: [(String, YNode)] = []
        for (k, v) in try c.mapping(allowed: ["name", "source", "period", "employee", "attendance", "coefficient",
                                              "adjustments", "previous", "mode", "expect"],
                                    required: ["name", "period", "employee", "expect"]) {
            switch k {
            case "name": name = try v.string()
            case "source": _ = try v.string()
            case "period":
                guard let p = Period(try v.string()) else { throw v.error("expected YYYY-MM") }
                period = p
            case "employee":
                for (ek, ev) in try v.mapping(allowed: ["city", "base_salary", "position_salary", "allowance", "bonus_base",
                                                        "si_base", "hf_base", "hf_rate", "special_deduction", "hire_date", "leave_date"]) {
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
                    default: e.leaveDate = try ev.day()
                    }
                }
            case "attendance":
                let statuses: [String: AttendanceStatus] = ["present": .present, "absent": .absent, "personal_leave": .personalLeave,
                    "sick_leave": .sickLeave, "annual_leave": .annualLeave, "comp_leave": .compLeave, "business_trip": .businessTrip]
                for (ak, av) in try v.mapping(allowed: Set(statuses.keys).union(["overtime_workday", "overtime_restday", "overtime_holiday"])) {
                    if let s = statuses[ak] { att.days[s.rawValue] = Int32(try av.int()); att.rows += Int32(try av.int()) }
                    else if ak == "overtime_workday" { att.overtimeWorkday = try av.fixed() }
                    else if ak == "overtime_restday" { att.overtimeRestday = try av.fixed() }
                    else { att.overtimeHoliday = try av.fixed() }
                }
            case "coefficient": coefficient = Exact(try v.fixed())
            case "adjustments":
                for (code, av) in try v.entries() {
                    adjustments.append(Adjustment(employee: 0, code: code, amount: try av.money(), note: "", line: 0))
                }
            case "previous":
                var y = YearToDate(year: 0)
                for (pk, pv) in try v.mapping(allowed: ["months", "income", "special", "additional", "withheld", "annual_bonus"]) {
                    switch pk {
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
                guard let m = BasicDeductionMode(rawValue: try v.string()) else { throw v.error("expected employment or first_income") }
                mode = m
            default:
                expect = try v.entries().map { ($0.key, $0.value) }
            }
        }
        if var p = previous { p.year = period!.year; previous = p }
        return (name, period!, PayInput(employee: e, attendance: att, coefficient: coefficient, finalScore: Exact(100),
                                        adjustments: adjustments, previous: previous, mode: mode), expect)
    }
}
