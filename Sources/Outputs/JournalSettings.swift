import PayrollCore
import PayrollRules

/// The chart of accounts the payroll journal books to (`journal:` in the pipeline). Expense accounts follow the
/// employee's cost centre when the pipeline names it, else the department type (frontline: 销售费用, backoffice: 管理费用);
/// the liability accounts are 应付职工薪酬 (wages, employer SI, employer HF), 其他应付款 (the employee's SI and HF withheld)
/// and 应交税费 (IIT withheld). Defaults follow the Accounting Standards for Business Enterprises' account codes.
public struct JournalSettings: Sendable {
    /// An account: its code and name.
    public struct Account: Sendable, Equatable {
        /// The code, e.g. 6601.
        public var code: String
        /// The name, e.g. 销售费用.
        public var name: String
        /// An account.
        public init(_ code: String, _ name: String) {
            self.code = code
            self.name = name
        }
    }

    /// The expense account of frontline departments.
    public var frontline = Account("6601", "销售费用")
    /// The expense account of back-office departments.
    public var backoffice = Account("6602", "管理费用")
    /// Expense accounts by cost centre, overriding the department type's.
    public var costCenters: [String: Account] = [:]
    /// 应付职工薪酬 — wages and salaries.
    public var wagesPayable = Account("2211.01", "应付职工薪酬-工资")
    /// 应付职工薪酬 — social insurance (the employer's).
    public var siPayable = Account("2211.02", "应付职工薪酬-社会保险费")
    /// 应付职工薪酬 — housing fund (the employer's).
    public var hfPayable = Account("2211.03", "应付职工薪酬-住房公积金")
    /// The employee's social insurance withheld.
    public var employeeSIWithheld = Account("2241.01", "其他应付款-代扣个人社会保险费")
    /// The employee's housing fund withheld.
    public var employeeHFWithheld = Account("2241.02", "其他应付款-代扣个人住房公积金")
    /// Individual income tax withheld.
    public var iitWithheld = Account("2221.01", "应交税费-应交个人所得税")

    /// The default chart.
    public init() {}

    /// The expense account of an employee.
    public func expense(_ e: Employee) -> Account {
        costCenters[e.costCenter] ?? (e.deptType == .frontline ? frontline : backoffice)
    }

    /// Reads `journal:` from a pipeline.
    public static func parse(_ n: YNode) throws -> JournalSettings {
        var s = JournalSettings()
        func account(_ v: YNode) throws -> Account {
            var a = Account("", "")
            for (k, x) in try v.mapping(allowed: ["code", "name"], required: ["code", "name"]) {
                let t = try x.string()
                guard !t.isEmpty, t.count <= 60, !t.contains(where: { $0.isNewline || $0 == "," }) else {
                    throw x.error("an account \(k) is 1 to 60 characters without commas or line breaks")
                }
                if k == "code" { a.code = t } else { a.name = t }
            }
            return a
        }
        for (k, v) in try n.mapping(allowed: [
            "frontline", "backoffice", "cost_centers", "wages_payable", "si_payable", "hf_payable", "employee_si_withheld",
            "employee_hf_withheld", "iit_withheld",
        ]) {
            switch k {
            case "frontline": s.frontline = try account(v)
            case "backoffice": s.backoffice = try account(v)
            case "cost_centers": for (cc, a) in try v.entries() { s.costCenters[cc] = try account(a) }
            case "wages_payable": s.wagesPayable = try account(v)
            case "si_payable": s.siPayable = try account(v)
            case "hf_payable": s.hfPayable = try account(v)
            case "employee_si_withheld": s.employeeSIWithheld = try account(v)
            case "employee_hf_withheld": s.employeeHFWithheld = try account(v)
            default: s.iitWithheld = try account(v)
            }
        }
        return s
    }
}
