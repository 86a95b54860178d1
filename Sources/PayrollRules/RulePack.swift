import Foundation
import PayrollCore

/// Social-insurance lines with a base band of their own (Shenzhen bands differ per line).
public enum InsuranceLine: String, CaseIterable, Sendable {
    case pension, medical, unemployment, workInjury = "work_injury"
}

public enum AmountRounding: String, Sendable {
    /// Half-up to the fen.
    case fen
    /// Half-up to the whole yuan.
    case yuan
}

public struct InsuranceLineParameters: Sendable {
    public var floor: Money
    public var ceiling: Money
    public var employeeRate: Fixed
    public var employerRate: Fixed
    /// A fixed amount the employee pays on top (Beijing medical: 3 yuan).
    public var employeeFixed: Money
    public var rounding: AmountRounding
}

public struct HousingFundParameters: Sendable {
    public var floor: Money
    public var ceiling: Money
    public var minRate: Fixed
    public var maxRate: Fixed
    public var rounding: AmountRounding
}

/// A city's parameters in force from `from` until the next entry's `from`.
public struct CityParameters: Sendable {
    public var city: String
    public var from: Day
    public var source: String
    public var lines: [InsuranceLine: InsuranceLineParameters]
    public var housingFund: HousingFundParameters
}

/// A rule pack: dated parameters read from a folder of YAML files.
public struct RulePack: Sendable {
    public var directory: String
    public var name: String
    /// Every file of the pack, relative to its folder, sorted (for the manifest).
    public var files: [String]
    public var cities: [String: [CityParameters]]
    public var adjustmentCodes: [String]

    /// The parameters in force on `day`, or nil when the city is unknown or has none yet.
    public func city(_ code: String, on day: Day) -> CityParameters? {
        guard let list = cities[code] else { return nil }
        return list.last(where: { $0.from <= day })
    }

    public static func load(directory: String) throws -> RulePack {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw ConfigError(file: directory, line: nil, column: nil, key: nil, message: "rule pack folder not found")
        }
        let files = (fm.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        func path(_ f: String) -> String { (directory as NSString).appendingPathComponent(f) }
        func show(_ f: String) -> String { (directory as NSString).appendingPathComponent(f) }

        let packNode = try YNode.load(path: path("pack.yaml"), displayName: show("pack.yaml"))
        var name = ""
        var adjustmentCodes: [String] = []
        for (k, v) in try packNode.mapping(allowed: ["name", "description", "adjustment_codes"], required: ["name"]) {
            switch k {
            case "name": name = try v.string()
            case "adjustment_codes": adjustmentCodes = try v.stringList()
            default: _ = try v.string()
            }
        }

        let citiesNode = try YNode.load(path: path("cities.yaml"), displayName: show("cities.yaml"))
        var cities: [String: [CityParameters]] = [:]
        for (k, v) in try citiesNode.mapping(allowed: ["cities"], required: ["cities"]) where k == "cities" {
            for (code, cityNode) in try v.entries() {
                var list: [CityParameters] = []
                for (ck, cv) in try cityNode.mapping(allowed: ["name", "periods"], required: ["periods"]) {
                    if ck == "name" { _ = try cv.entries(); continue }
                    for p in try cv.sequence() {
                        list.append(try parseCityPeriod(p, city: code))
                    }
                }
                list.sort { $0.from < $1.from }
                for (a, b) in zip(list, list.dropFirst()) where a.from == b.from {
                    throw ConfigError(file: citiesNode.file, line: nil, column: nil, key: "cities.\(code)",
                                      message: "two entries start on \(a.from)")
                }
                cities[code] = list
            }
        }
        return RulePack(directory: directory, name: name, files: files, cities: cities, adjustmentCodes: adjustmentCodes)
    }

    static func parseCityPeriod(_ n: YNode, city: String) throws -> CityParameters {
        var from: Day?
        var source = ""
        var lines: [InsuranceLine: InsuranceLineParameters] = [:]
        var hf: HousingFundParameters?
        let allowed: Set<String> = ["from", "source", "note", "unconfirmed", "pension", "medical", "unemployment", "work_injury", "housing_fund"]
        for (k, v) in try n.mapping(allowed: allowed, required: ["from", "source", "pension", "medical", "unemployment", "work_injury", "housing_fund"]) {
            switch k {
            case "from": from = try v.day()
            case "source": source = try v.string()
            case "note": _ = try v.string()
            case "unconfirmed": _ = try v.stringList()
            case "housing_fund":
                var floor = Money.zero, ceiling = Money.zero, minR = Fixed.zero, maxR = Fixed.zero
                var rounding = AmountRounding.yuan
                for (hk, hv) in try v.mapping(allowed: ["floor", "ceiling", "min_rate", "max_rate", "rounding"],
                                              required: ["floor", "ceiling", "min_rate", "max_rate", "rounding"]) {
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
                var p = InsuranceLineParameters(floor: .zero, ceiling: .zero, employeeRate: .zero, employerRate: .zero,
                                                employeeFixed: .zero, rounding: .fen)
                for (lk, lv) in try v.mapping(allowed: ["floor", "ceiling", "employee", "employer", "employee_fixed", "rounding"],
                                              required: ["floor", "ceiling", "employer"]) {
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
