import Foundation
import Outputs
import PayrollCore
import PayrollRules
import Stages

/// `pipelines/<name>.yaml`, read strictly. Relative paths in the file are
/// relative to the file's own folder.
public struct PipelineDefinition: Sendable {
    /// The pipeline file.
    public var path: String
    /// The pipeline's name.
    public var name: String
    /// The period, unless the command line gives one.
    public var period: Period?
    /// The report language.
    public var locale: ReportLocale
    /// The input folder, unless the command line gives one.
    public var inputDirectory: String?
    /// File names that differ from CONTRACT's.
    public var fileNames: [InputKind: String]
    /// The rule pack folder.
    public var rulePackDirectory: String
    /// The output root, unless the command line gives one.
    public var outputRoot: String?
    /// The outputs a run writes.
    public var outputs: [OutputKind]
    /// Worker threads (0: one per core).
    public var threads: Int
    /// Performance schemes and policies.
    public var performance = PerformanceSettings()
    /// The employer's name on payslips, bank files and reports.
    public var company = "示例科技有限公司"
    /// Which password opens a payslip.
    public var payslipPassword = PayslipPassword.none
    /// Secret from which each payslip's owner password is derived (environment PAYROLL_PDF_OWNER_SECRET overrides).
    public var payslipOwnerSecret = "change-me"
    /// A fontconfig family with CJK glyphs and TrueType outlines (Debian fonts-wqy-microhei).
    public var payslipFont = "WenQuanYi Micro Hei"
    /// The chart of accounts of the payroll journal (`journal:`).
    public var journal = JournalSettings()
    /// Print pay lines that are zero on payslips (`payslips.show_zero_lines`); hidden by default.
    public var payslipZeroLines = false
    /// Salary payment: paying accounts and bank layouts.
    public var payments: PaymentSettings?
    /// Negative net pay and sick pay, where the pipeline goes beyond the default (`negative_net`, `sick_pay`).
    public var policy = PayPolicy()

    /// The keys a pipeline file may have.
    public static let keys: Set<String> = [
        "name", "description", "period", "locale", "input", "files", "rule_pack",
        "output_root", "outputs", "threads", "performance", "company", "payslips", "payments", "journal", "negative_net", "sick_pay",
    ]

    /// Reads and checks a pipeline file; paths inside it resolve against its folder, and, when nothing is there and
    /// `fallback` is given (the shipped pipelines folder), against that folder.
    public static func load(path: String, fallback: String? = nil) throws -> PipelineDefinition {
        let root = try YNode.load(path: path)
        let base = (path as NSString).deletingLastPathComponent
        func resolve(_ p: String) -> String {
            if p.hasPrefix("/") { return p }
            let here = ((base.isEmpty ? "." : base) as NSString).appendingPathComponent(p)
            if let fallback, !FileManager.default.fileExists(atPath: here) {
                let shipped = (fallback as NSString).appendingPathComponent(p)
                if FileManager.default.fileExists(atPath: shipped) { return shipped }
            }
            return here
        }
        var def = PipelineDefinition(
            path: path, name: "", period: nil, locale: .zh, inputDirectory: nil, fileNames: [:],
            rulePackDirectory: "", outputRoot: nil, outputs: OutputKind.allCases, threads: 0)
        for (k, v) in try root.mapping(allowed: keys, required: ["name", "rule_pack"]) {
            switch k {
            case "name": def.name = try v.string()
            case "description": _ = try v.string()
            case "period":
                guard let p = Period(try v.string()) else { throw v.error("expected a period YYYY-MM") }
                def.period = p
            case "locale":
                guard let l = ReportLocale(rawValue: try v.string()) else { throw v.error("expected zh, en or both") }
                def.locale = l
            case "input": def.inputDirectory = resolve(try v.string())
            case "files":
                for (fk, fv) in try v.mapping(allowed: Set(InputKind.allCases.map(\.rawValue))) {
                    def.fileNames[InputKind(rawValue: fk)!] = try fv.string()
                }
            case "rule_pack": def.rulePackDirectory = resolve(try v.string())
            case "output_root": def.outputRoot = resolve(try v.string())
            case "outputs":
                def.outputs = try v.sequence().map { n in
                    guard let o = OutputKind(rawValue: try n.string()) else {
                        throw n.error("unknown output kind; expected one of \(OutputKind.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return o
                }
            case "threads":
                let t = try v.int()
                if t < 0 { throw v.error("threads must be 0 (one per core) or more") }
                def.threads = t
            case "performance": def.performance = try PerformanceSettings.parse(v)
            case "company": def.company = try v.string()
            case "payslips":
                for (pk, pv) in try v.mapping(allowed: ["password", "owner_secret", "font", "show_zero_lines"]) {
                    switch pk {
                    case "password":
                        guard let r = PayslipPassword(rawValue: try pv.string()) else { throw pv.error("expected none, id_last6 or employee_id") }
                        def.payslipPassword = r
                    case "font": def.payslipFont = try pv.string()
                    case "show_zero_lines": def.payslipZeroLines = try pv.bool()
                    default: def.payslipOwnerSecret = try pv.string()
                    }
                }
            case "payments": def.payments = try PaymentSettings.parse(v, resolve: resolve)
            case "journal": def.journal = try JournalSettings.parse(v)
            case "negative_net":
                guard let n = PayPolicy.NegativeNet(rawValue: try v.string()) else { throw v.error("expected stop or carry_forward") }
                def.policy.negativeNet = n
            case "sick_pay":
                guard let p = PayPolicy.SickPay(rawValue: try v.string()) else { throw v.error("expected flat or statutory") }
                def.policy.sickPay = p
            default: break
            }
        }
        return def
    }
}
