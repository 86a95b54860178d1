import PayrollCore

/// What each register column is called for people, in Chinese and English. Programs and the CSV keep the codes;
/// the workbook, `diff` and the terminal show these. A structure's own lines are labelled by the structure.
public enum RegisterLabels {
    /// The columns every register has, by code.
    public static let fixed: [String: Bilingual] = [
        "employee_id": Bilingual("工号", "Employee ID"), "name": Bilingual("姓名", "Name"), "department": Bilingual("部门", "Department"),
        "final_score": Bilingual("绩效得分", "Final score"), "grade": Bilingual("绩效等级", "Grade"),
        "coefficient": Bilingual("绩效系数", "Coefficient"), "gross": Bilingual("应发合计", "Gross pay"),
        "si_pension": Bilingual("个人养老保险", "Employee pension"), "si_medical": Bilingual("个人医疗保险", "Employee medical"),
        "si_unemployment": Bilingual("个人失业保险", "Employee unemployment"), "hf": Bilingual("个人住房公积金", "Employee housing fund"),
        "ytd_taxable": Bilingual("累计应纳税所得额", "YTD taxable income"), "tax": Bilingual("本月个税", "Income tax"),
        "annual_bonus": Bilingual("全年一次性奖金", "Annual bonus"), "bonus_tax": Bilingual("年终奖个税", "Bonus tax"),
        "net_pay": Bilingual("实发工资", "Net pay"), "employer_si": Bilingual("单位社保", "Employer SI"),
        "employer_hf": Bilingual("单位公积金", "Employer housing fund"), "employer_cost": Bilingual("用工成本", "Employer cost"),
        "cost_center": Bilingual("成本中心", "Cost centre"), "city": Bilingual("城市", "City"),
        "employee_si": Bilingual("个人社保合计", "Employee SI"), "ytd_income": Bilingual("累计收入", "YTD income"),
        "ytd_basic_deduction": Bilingual("累计减除费用", "YTD basic deduction"),
        "ytd_special": Bilingual("累计专项扣除", "YTD special deductions"),
        "ytd_additional": Bilingual("累计专项附加扣除", "YTD special additional deductions"),
        "ytd_tax": Bilingual("累计应纳税额", "YTD tax"), "ytd_withheld": Bilingual("累计已预扣税额", "YTD withheld"),
        "kpi_score": Bilingual("KPI 得分", "KPI score"), "mbo_score": Bilingual("MBO 得分", "MBO score"),
        "feedback360_score": Bilingual("360 评估得分", "360 feedback score"), "bsc_score": Bilingual("平衡计分卡得分", "BSC score"),
        "department_rank": Bilingual("部门排名", "Department rank"), "company_rank": Bilingual("公司排名", "Company rank"),
        "carried_recovery": Bilingual("本期追回欠款", "Recovered this period"), "carried_balance": Bilingual("待追回余额", "Still to recover"),
        "comp_time_balance": Bilingual("调休余额（小时）", "Comp-time balance (h)"),
    ]

    /// The label of a column: a fixed one, else the structure's line, else the code itself.
    public static func label(_ code: String, rules: PeriodRules? = nil) -> Bilingual {
        if let l = fixed[code] { return l }
        if let rules, let i = rules.componentIndex(code) {
            let s = rules.components[i].spec
            return Bilingual(s.labelZH, s.labelEN)
        }
        return Bilingual(same: code)
    }
}
