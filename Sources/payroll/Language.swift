import ArgumentParser
import Foundation
import PayrollCore
import PayrollRules

extension ReportLocale: ExpressibleByArgument {}

/// `--locale`, on every command.
struct LocaleOption: ParsableArguments {
    @Option(
        help:
            "Language of messages and documents: zh, en or both. Messages default to PAYROLL_LOCALE, else the pipeline's locale, else LANG; documents to the pipeline's."
    )
    var locale: ReportLocale?

    /// Sets the language the command speaks in: the flag, else `PAYROLL_LOCALE`, else the pipeline's, else the system
    /// locale's, else Chinese.
    @discardableResult
    func apply(pipeline: ReportLocale? = nil) -> ReportLocale {
        let l = locale ?? ReportLocale.chosen() ?? pipeline ?? ReportLocale.fromEnvironment() ?? .zh
        Speech.set(l)
        return l
    }
}

/// A period argument, with what is wrong with it when it is not one.
func parsePeriod(_ s: String, flag: String = "") throws -> Period {
    if let p = Period(s) { return p }
    let name = flag.isEmpty ? Speech.say("期间", "the period") : flag
    let b = Array(s.utf8)
    let shaped =
        b.count == 7 && b[4] == UInt8(ascii: "-") && b.enumerated().allSatisfy { $0.offset == 4 || ($0.element >= 0x30 && $0.element <= 0x39) }
    if shaped, let y = Int(s.prefix(4)), let m = Int(s.suffix(2)) {
        if !(1...12).contains(m) {
            throw (Failure(.usage, zh: "\(name) \(s)：月份 \(m) 不在 01–12 之间", en: "\(name) \(s): month \(m) is not between 01 and 12"))
        }
        throw (Failure(.usage, zh: "\(name) \(s)：年份 \(y) 不在 1900–2200 之间", en: "\(name) \(s): year \(y) is not between 1900 and 2200"))
    }
    throw
        (Failure(
            .usage, zh: "\(name)「\(s)」应为 YYYY-MM 格式（年-两位月份），例如 2026-01",
            en: "\(name) \"\(s)\" must be YYYY-MM (year, dash, two-digit month), e.g. 2026-01"))
}

/// The message printed for what a command reports on standard error.
enum Say {
    static func note(_ s: String) { FileHandle.standardError.write(Data("payroll: \(Speech.say("提示", "note")): \(s)\n".utf8)) }
    static func warning(_ s: String) { FileHandle.standardError.write(Data("payroll: \(Speech.say("警告", "warning")): \(s)\n".utf8)) }
}

/// Register column labels for the terminal (`diff`), from the rule pack a run here would use.
struct Labels {
    let components: [ComponentSpec]

    /// The labels of the rule pack found from here (the fixed columns only when there is none).
    static func register() -> Labels {
        let pack = (try? Shipped.rulePack()).flatMap { try? RulePack.load(directory: $0) }
        return Labels(components: pack?.components ?? [])
    }

    /// A register column's name in the current language.
    func column(_ code: String) -> String {
        if let l = RegisterLabels.fixed[code] { return Speech.locale.text(l) }
        if let c = components.first(where: { $0.code == code }) { return Speech.locale.pick(c.labelZH, c.labelEN) }
        return code
    }
}
