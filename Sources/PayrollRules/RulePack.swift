import Foundation
import PayrollCore

/// Social-insurance lines with a base band of their own (Shenzhen bands differ per line).
public enum InsuranceLine: String, CaseIterable, Sendable {
    case pension, medical, unemployment
    case workInjury = "work_injury"
}

/// Whether an insurance amount is rounded to the fen or the yuan.
public enum AmountRounding: String, Sendable {
    /// Half-up to the fen.
    case fen
    /// Half-up to the whole yuan.
    case yuan
}

/// One social-insurance line of a city: base band, rates and rounding.
public struct InsuranceLineParameters: Sendable {
    /// The lowest base.
    public var floor: Money
    /// The highest base.
    public var ceiling: Money
    /// The employee's rate.
    public var employeeRate: Fixed
    /// The employer's rate.
    public var employerRate: Fixed
    /// A fixed amount the employee pays on top (Beijing medical: 3 yuan).
    public var employeeFixed: Money
    /// How the amount is rounded.
    public var rounding: AmountRounding
}

/// A city's housing fund: base band, allowed rates, rounding.
public struct HousingFundParameters: Sendable {
    /// The lowest base.
    public var floor: Money
    /// The highest base.
    public var ceiling: Money
    /// The lowest rate an employee may have.
    public var minRate: Fixed
    /// The highest rate.
    public var maxRate: Fixed
    /// How the amount is rounded.
    public var rounding: AmountRounding
}

/// A city's parameters in force from `from` until the next entry's `from`.
public struct CityParameters: Sendable {
    /// The city's code.
    public var city: String
    /// The first day these values are in force.
    public var from: Day
    /// Where they come from.
    public var source: String
    /// Each insurance line's parameters.
    public var lines: [InsuranceLine: InsuranceLineParameters]
    /// The housing fund's parameters.
    public var housingFund: HousingFundParameters
}

/// A city's sick-pay ratio by full years of continuous service (statutory sick pay).
public struct SickServiceRatios: Sendable {
    /// Where the ratios come from.
    public var source: String
    /// Bands in order: a ratio applies below `belowYears` full years (nil: every longer service).
    public var bands: [(belowYears: Int?, ratio: Fixed)]

    /// The ratio for `years` full years of service.
    public func ratio(years: Int) -> Fixed? {
        bands.first { b in b.belowYears.map { years < $0 } ?? true }?.ratio
    }
}

/// What an adjustment code feeds.
public enum AdjustmentTarget: String, Sendable {
    /// Added to gross on the `adjustments` line.
    case gross
    /// Paid as the annual one-time bonus, taxed separately, outside gross.
    case annualBonus = "annual_bonus"
}

/// An adjustment code the structure accepts in adjustments.csv.
public struct AdjustmentCodeSpec: Sendable {
    /// The code.
    public var code: String
    /// Its Chinese label.
    public var labelZH: String
    /// Its English label.
    public var labelEN: String
    /// Whether it goes into gross pay or the annual bonus.
    public var into: AdjustmentTarget
}

/// One line of the salary structure, as written in the pack.
public struct ComponentSpec: Sendable {
    /// The line's code (a register column).
    public var code: String
    /// Its Chinese label.
    public var labelZH: String
    /// Its English label.
    public var labelEN: String
    /// Part of gross (earnings positive, deductions negative) or information only.
    public var inGross: Bool
    /// The formula, as written.
    public var formula: String
    /// Formulas that replace `formula` when the pipeline selects a variant (e.g. `sick_pay_statutory`).
    public var variants: [String: (formula: String, line: Int, column: Int)] = [:]
    /// The file it is written in.
    public var file: String
    /// Its line.
    public var line: Int
    /// Its column.
    public var column: Int
}

/// Which parameters and tables the withholding uses, and its rounding.
public struct TaxSettings: Sendable {
    /// The parameter of the monthly basic deduction.
    public var basicDeduction: String = "basic_deduction_monthly"
    /// The cumulative withholding table.
    public var withholdingTable: String = "iit_withholding"
    /// The annual-bonus table.
    public var annualBonusTable: String = "iit_annual_bonus"
    /// How each cumulative tax figure is rounded.
    public var rounding: RoundingMode = .halfUp
}

/// A bank that employees may be paid at: its short code, the 3-digit CNAPS
/// bank category code (行别代码), Chinese name and head-office BIC.
public struct BankInfo: Sendable, Equatable {
    /// The short code (ICBC, CCB, …).
    public var code: String
    /// The 3-digit CNAPS bank category code.
    public var cnaps: String
    /// The Chinese name.
    public var name: String
    /// The head office's BIC.
    public var bic: String
    /// Where the entry comes from.
    public var source: String
}

/// A rule pack: dated parameters read from a folder of YAML files.
public struct RulePack: Sendable {
    /// The pack's folder.
    public var directory: String
    /// The pack's name.
    public var name: String
    /// Every file of the pack, relative to its folder, sorted (for the manifest).
    public var files: [String]
    /// Each city's dated parameters, oldest first.
    public var cities: [String: [CityParameters]]
    /// Dated parameters by name.
    public var parameters: [String: DatedSeries<Exact>]
    /// Dated tables by name.
    public var tables: [String: DatedSeries<BracketTable>]
    /// The salary structure's lines, in order.
    public var components: [ComponentSpec]
    /// The adjustment codes.
    public var adjustments: [AdjustmentCodeSpec]
    /// The withholding settings.
    public var tax: TaxSettings
    /// Known banks (`banks:` in the pack); empty when the pack has none, and then any bank code is accepted.
    public var banks: [BankInfo] = []
    /// Each city's monthly minimum wage, dated (the floor of statutory sick pay).
    public var minimumWages: [String: DatedSeries<Exact>] = [:]
    /// Each city's sick-pay ratios by full years of continuous service, where the city sets them.
    public var sickServiceRatios: [String: SickServiceRatios] = [:]
    /// The pack's version (`pack.yaml` `version`), empty when it gives none.
    public var version: String = ""
    /// Each city's name for people (`cities.yaml` `name`), by code.
    public var cityNames: [String: Bilingual] = [:]

    /// A city's name in a language; the code when the pack gives none.
    public func cityName(_ code: String, _ locale: ReportLocale) -> String { cityNames[code].map { locale.text($0) } ?? code }

    /// The known bank a `bank_code` cell names, by short code (any case), CNAPS code or Chinese name.
    public func bank(named text: String) -> BankInfo? {
        if let exact = banks.first(where: { $0.code == text }) { return exact }  // the common case, no string work
        let t = text.trimmingCharacters(in: .whitespaces)
        let upper = t.uppercased()
        return banks.first { $0.code.uppercased() == upper || $0.cnaps == t || $0.name == t }
    }

    /// The adjustment codes' names.
    public var adjustmentCodes: [String] { adjustments.map(\.code) }

    /// The parameters in force on `day`, or nil when the city is unknown or has none yet.
    public func city(_ code: String, on day: Day) -> CityParameters? {
        guard let list = cities[code] else { return nil }
        return list.last(where: { $0.from <= day })
    }

    /// Reads and checks a pack; a problem is a `ConfigError` naming the file and key.
    public static func load(directory: String) throws -> RulePack {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw ConfigError(file: directory, line: nil, column: nil, key: nil, message: "rule pack folder not found")
        }
        let files = (fm.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted { $0.codePointPrecedes($1) }
        var pack = RulePack(
            directory: directory, name: "", files: files, cities: [:], parameters: [:], tables: [:],
            components: [], adjustments: [], tax: TaxSettings())
        guard files.contains("pack.yaml") else {
            throw ConfigError(
                file: (directory as NSString).appendingPathComponent("pack.yaml"), line: nil, column: nil, key: nil,
                message: "missing: every rule pack has a pack.yaml")
        }
        let sections: Set<String> = [
            "name", "version", "description", "tax", "cities", "parameters", "tables", "components", "adjustments", "banks",
        ]
        for f in files where !f.hasPrefix("tests/") {
            let shown = (directory as NSString).appendingPathComponent(f)
            let root = try YNode.load(path: shown)
            for (k, v) in try root.mapping(allowed: sections) {
                switch k {
                case "name": pack.name = try v.string()
                case "version": pack.version = try v.string()
                case "description": _ = try v.string()
                case "tax": pack.tax = try parseTax(v)
                case "cities": try parseCities(v, into: &pack)
                case "parameters":
                    for (name, pn) in try v.entries() {
                        if pack.parameters[name] != nil { throw pn.error("parameter \(name) is defined twice") }
                        pack.parameters[name] = try parseSeries(name, pn, file: shown, value: { Exact(try $0.fixed()) }, valueKey: "value")
                    }
                case "tables":
                    for (name, tn) in try v.entries() {
                        if pack.tables[name] != nil { throw tn.error("table \(name) is defined twice") }
                        pack.tables[name] = try parseSeries(name, tn, file: shown, value: parseBrackets, valueKey: "brackets")
                    }
                case "components":
                    for c in try v.sequence() { pack.components.append(try parseComponent(c)) }
                case "adjustments":
                    for (code, an) in try v.entries() { pack.adjustments.append(try parseAdjustment(code, an)) }
                case "banks":
                    for b in try v.sequence() {
                        var info = BankInfo(code: "", cnaps: "", name: "", bic: "", source: "")
                        for (bk, bv) in try b.mapping(
                            allowed: ["code", "cnaps", "name", "bic", "source"], required: ["code", "cnaps", "name", "bic", "source"])
                        {
                            let text = try bv.string()
                            switch bk {
                            case "code":
                                guard CodeShape.bankCode(text) else {
                                    throw bv.error("a bank code is 2 to 12 letters and digits, starting with a capital letter")
                                }
                                info.code = text
                            case "cnaps":
                                guard text.count == 3, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else {
                                    throw bv.error("a CNAPS bank category code is 3 digits")
                                }
                                info.cnaps = text
                            case "name": info.name = text
                            case "bic":
                                guard CodeShape.bic(text) else {
                                    throw bv.error("a BIC is 8 or 11 letters and digits")
                                }
                                info.bic = text
                            default: info.source = text
                            }
                        }
                        if pack.banks.contains(where: { $0.code == info.code || $0.cnaps == info.cnaps }) {
                            throw b.error("bank \(info.code) (\(info.cnaps)) is listed twice")
                        }
                        pack.banks.append(info)
                    }
                default: break
                }
            }
        }
        if pack.name.isEmpty {
            throw ConfigError(
                file: (directory as NSString).appendingPathComponent("pack.yaml"), line: nil, column: nil, key: "name",
                message: "required key is missing")
        }
        var seen = Set<String>()
        for c in pack.components where !seen.insert(c.code).inserted {
            throw ConfigError(file: c.file, line: c.line, column: nil, key: "components", message: "component \(c.code) is defined twice")
        }
        return pack
    }

    static func label(_ n: YNode) throws -> (String, String) {
        var zh = ""
        var en = ""
        for (k, v) in try n.mapping(allowed: ["zh", "en"], required: ["zh", "en"]) {
            if k == "zh" { zh = try v.string() } else { en = try v.string() }
        }
        return (zh, en)
    }

    static func parseComponent(_ n: YNode) throws -> ComponentSpec {
        var c = ComponentSpec(code: "", labelZH: "", labelEN: "", inGross: true, formula: "", file: n.file, line: n.line ?? 0, column: 0)
        for (k, v) in try n.mapping(
            allowed: ["code", "label", "kind", "formula", "variants", "note"], required: ["code", "label", "kind", "formula"])
        {
            switch k {
            case "code":
                c.code = try v.string()
                guard CodeShape.componentCode(c.code) else {
                    throw v.error("a component code is lower_snake_case")
                }
            case "label": (c.labelZH, c.labelEN) = try label(v)
            case "kind":
                switch try v.string() {
                case "earning", "deduction": c.inGross = true
                case "info": c.inGross = false
                default: throw v.error("expected earning, deduction or info")
                }
            case "formula":
                c.formula = try v.string()
                c.line = v.line ?? c.line
                c.column = v.column ?? 0
            case "variants":
                for (name, f) in try v.entries() {
                    guard PayPolicy.variantNames.contains(name) else {
                        throw f.error("unknown variant \(name); expected one of \(PayPolicy.variantNames.sorted().joined(separator: ", "))")
                    }
                    c.variants[name] = (try f.string(), f.line ?? c.line, f.column ?? 0)
                }
            default: _ = try v.string()
            }
        }
        return c
    }

    static func parseAdjustment(_ code: String, _ n: YNode) throws -> AdjustmentCodeSpec {
        var a = AdjustmentCodeSpec(code: code, labelZH: "", labelEN: "", into: .gross)
        for (k, v) in try n.mapping(allowed: ["label", "into"], required: ["label", "into"]) {
            if k == "label" {
                (a.labelZH, a.labelEN) = try label(v)
            } else {
                guard let t = AdjustmentTarget(rawValue: try v.string()) else { throw v.error("expected gross or annual_bonus") }
                a.into = t
            }
        }
        return a
    }

    static func parseTax(_ n: YNode) throws -> TaxSettings {
        var t = TaxSettings()
        for (k, v) in try n.mapping(
            allowed: ["basic_deduction", "withholding_table", "annual_bonus_table", "rounding"],
            required: ["basic_deduction", "withholding_table", "annual_bonus_table", "rounding"])
        {
            switch k {
            case "basic_deduction": t.basicDeduction = try v.string()
            case "withholding_table": t.withholdingTable = try v.string()
            case "annual_bonus_table": t.annualBonusTable = try v.string()
            default:
                guard let m = RoundingMode(rawValue: try v.string()) else { throw v.error("expected half_up, half_even, up or down") }
                t.rounding = m
            }
        }
        return t
    }

    static func parseCities(_ v: YNode, into pack: inout RulePack) throws {
        for (code, cityNode) in try v.entries() {
            var list: [CityParameters] = []
            for (ck, cv) in try cityNode.mapping(allowed: ["name", "periods", "minimum_wage", "sick_pay_service_ratios"], required: ["periods"]) {
                switch ck {
                case "name":
                    let (zh, en) = try label(cv)
                    pack.cityNames[code] = Bilingual(zh, en)
                case "minimum_wage":
                    pack.minimumWages[code] = try parseSeries(
                        "cities.\(code).minimum_wage", cv, file: v.file, value: { Exact(try $0.money()) }, valueKey: "value")
                case "sick_pay_service_ratios": pack.sickServiceRatios[code] = try parseSickRatios(cv)
                default:
                    for p in try cv.sequence() { list.append(try parseCityPeriod(p, city: code)) }
                }
            }
            list.sort { $0.from < $1.from }
            for (a, b) in zip(list, list.dropFirst()) where a.from == b.from {
                throw ConfigError(file: v.file, line: nil, column: nil, key: "cities.\(code)", message: "two entries start on \(a.from)")
            }
            pack.cities[code] = list
        }
    }

    /// `{source, unconfirmed?, ratios: [{below_years, ratio}, …, {ratio}]}`: bands in increasing order, the last open.
    static func parseSickRatios(_ n: YNode) throws -> SickServiceRatios {
        var r = SickServiceRatios(source: "", bands: [])
        for (k, v) in try n.mapping(allowed: ["source", "unconfirmed", "note", "ratios"], required: ["source", "ratios"]) {
            switch k {
            case "source": r.source = try v.string()
            case "unconfirmed", "note": _ = v
            default:
                for b in try v.sequence() {
                    var below: Int?
                    var ratio: Fixed?
                    for (bk, bv) in try b.mapping(allowed: ["below_years", "ratio"], required: ["ratio"]) {
                        if bk == "below_years" { below = try bv.int() } else { ratio = try bv.fixed() }
                    }
                    if let last = r.bands.last, last.belowYears == nil || (below.map { $0 <= last.belowYears! } ?? false) {
                        throw b.error("bands must rise in below_years, and only the last may omit it")
                    }
                    r.bands.append((below, ratio!))
                }
            }
        }
        if r.bands.last?.belowYears != nil { throw n.error("the last band has no below_years (it covers every longer service)") }
        return r
    }

    static func parseCityPeriod(_ n: YNode, city: String) throws -> CityParameters {
        var from: Day?
        var source = ""
        var lines: [InsuranceLine: InsuranceLineParameters] = [:]
        var hf: HousingFundParameters?
        let allowed: Set<String> = ["from", "source", "note", "unconfirmed", "pension", "medical", "unemployment", "work_injury", "housing_fund"]
        for (k, v) in try n.mapping(
            allowed: allowed, required: ["from", "source", "pension", "medical", "unemployment", "work_injury", "housing_fund"])
        {
            switch k {
            case "from": from = try v.day()
            case "source": source = try v.string()
            case "note": _ = try v.string()
            case "unconfirmed": _ = try v.stringList()
            case "housing_fund":
                var floor = Money.zero
                var ceiling = Money.zero
                var minR = Fixed.zero
                var maxR = Fixed.zero
                var rounding = AmountRounding.yuan
                for (hk, hv) in try v.mapping(
                    allowed: ["floor", "ceiling", "min_rate", "max_rate", "rounding"],
                    required: ["floor", "ceiling", "min_rate", "max_rate", "rounding"])
                {
                    switch hk {
                    case "floor": floor = try hv.money()
                    case "ceiling": ceiling = try hv.money()
                    case "min_rate": minR = try hv.fixed()
                    case "max_rate": maxR = try hv.fixed()
                    default: rounding = try parseRounding(hv)
                    }
                }
                if floor > ceiling { throw v.error("floor is above ceiling") }
                hf = HousingFundParameters(floor: floor, ceiling: ceiling, minRate: minR, maxRate: maxR, rounding: rounding)
            default:
                let line = InsuranceLine(rawValue: k)!
                var p = InsuranceLineParameters(
                    floor: .zero, ceiling: .zero, employeeRate: .zero, employerRate: .zero,
                    employeeFixed: .zero, rounding: .fen)
                for (lk, lv) in try v.mapping(
                    allowed: ["floor", "ceiling", "employee", "employer", "employee_fixed", "rounding"],
                    required: ["floor", "ceiling", "employer"])
                {
                    switch lk {
                    case "floor": p.floor = try lv.money()
                    case "ceiling": p.ceiling = try lv.money()
                    case "employee": p.employeeRate = try lv.fixed()
                    case "employer": p.employerRate = try lv.fixed()
                    case "employee_fixed": p.employeeFixed = try lv.money()
                    default: p.rounding = try parseRounding(lv)
                    }
                }
                if p.floor > p.ceiling { throw v.error("floor is above ceiling") }
                lines[line] = p
            }
        }
        return CityParameters(city: city, from: from!, source: source, lines: lines, housingFund: hf!)
    }

    static func parseRounding(_ n: YNode) throws -> AmountRounding {
        guard let r = AmountRounding(rawValue: try n.string()) else { throw n.error("expected fen or yuan") }
        return r
    }
}
