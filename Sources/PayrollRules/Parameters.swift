import Foundation
import PayrollCore

/// A value in force from `from` (inclusive) until `until` (inclusive) or the next entry's `from`.
public struct Dated<T: Sendable>: Sendable {
    /// The first day the value is in force.
    public var from: Day
    /// The last day, when it ends.
    public var until: Day?
    /// Where the value comes from.
    public var source: String
    /// The value.
    public var value: T
    /// Where it was read (file:line), for explanations and errors.
    public var location: String
}

/// An effective-dated series of one parameter or table.
public struct DatedSeries<T: Sendable>: Sendable {
    /// The parameter's name.
    public var name: String
    /// Its unit.
    public var unit: String
    /// What it is.
    public var description: String
    /// Its values by date, oldest first.
    public var entries: [Dated<T>]

    /// The value in force on `day`.
    public func at(_ day: Day) -> Dated<T>? {
        guard let e = entries.last(where: { $0.from <= day }) else { return nil }
        if let u = e.until, u < day { return nil }
        return e
    }
}

/// One row of a bracket table: applies up to and including `upto` (nil = no limit).
public struct Bracket: Sendable {
    /// The bracket's upper bound (nil: no bound).
    public var upto: Exact?
    /// The rate.
    public var rate: Exact
    /// The quick deduction.
    public var quickDeduction: Exact
    /// For step tables read with lookup(): the value of this row.
    public var value: Exact
}

/// A progressive table of brackets.
public struct BracketTable: Sendable {
    /// The brackets, lowest first.
    public var rows: [Bracket]

    /// The row whose band holds `x` (bands are inclusive at their top).
    public func row(for x: Exact) -> Bracket {
        for r in rows { if let u = r.upto { if !(u < x) { return r } } else { return r } }
        return rows[rows.count - 1]
    }

    /// x × rate − quick deduction for x's band (unrounded).
    public func tax(on x: Exact) throws -> Exact {
        let r = row(for: x)
        return try x * r.rate - r.quickDeduction
    }
}

extension RulePack {
    static func parseSeries<T>(
        _ name: String, _ node: YNode, file: String,
        value: (YNode) throws -> T, valueKey: String
    ) throws -> DatedSeries<T> {
        var unit = ""
        var desc = ""
        var entries: [Dated<T>] = []
        for (k, v) in try node.mapping(allowed: ["unit", "description", "values"], required: ["values"]) {
            switch k {
            case "unit": unit = try v.string()
            case "description": desc = try v.string()
            default:
                for e in try v.sequence() {
                    var from: Day?
                    var until: Day?
                    var source = ""
                    var val: T?
                    for (ek, ev) in try e.mapping(
                        allowed: ["from", "until", "source", "note", "unconfirmed", valueKey],
                        required: ["from", "source", valueKey])
                    {
                        switch ek {
                        case "from": from = try ev.day()
                        case "until": until = try ev.day()
                        case "source": source = try ev.string()
                        case "note", "unconfirmed": _ = ev
                        default: val = try value(ev)
                        }
                    }
                    if let u = until, u < from! { throw e.error("until is before from") }
                    entries.append(
                        Dated(
                            from: from!, until: until, source: source, value: val!,
                            location: "\(file):\(e.line ?? 0)"))
                }
            }
        }
        entries.sort { $0.from < $1.from }
        for (a, b) in zip(entries, entries.dropFirst()) {
            if a.from == b.from {
                throw ConfigError(file: file, line: nil, column: nil, key: name, message: "two values start on \(a.from)")
            }
            if let u = a.until, u < b.from, Day.dayAfter(u) != b.from {
                throw ConfigError(
                    file: file, line: nil, column: nil, key: name,
                    message: "gap in dates: nothing is in force between \(u) and \(b.from)")
            }
        }
        return DatedSeries(name: name, unit: unit, description: desc, entries: entries)
    }

    static func parseBrackets(_ node: YNode) throws -> BracketTable {
        var rows: [Bracket] = []
        for r in try node.sequence() {
            var b = Bracket(upto: nil, rate: .zero, quickDeduction: .zero, value: .zero)
            for (k, v) in try r.mapping(allowed: ["upto", "rate", "quick_deduction", "value"]) {
                switch k {
                case "upto": b.upto = Exact(try v.fixed())
                case "rate": b.rate = Exact(try v.fixed())
                case "quick_deduction": b.quickDeduction = Exact(try v.fixed())
                default: b.value = Exact(try v.fixed())
                }
            }
            if let last = rows.last {
                guard let lu = last.upto else { throw r.error("a row after the open-ended row can never apply") }
                if let u = b.upto, !(lu < u) { throw r.error("upto must increase from row to row") }
            }
            rows.append(b)
        }
        if rows.isEmpty { throw node.error("a table needs at least one row") }
        if rows.last!.upto != nil { throw node.error("the last row must be open-ended (no upto)") }
        return BracketTable(rows: rows)
    }
}

extension Day {
    /// The next calendar day.
    public static func dayAfter(_ d: Day) -> Day {
        if d.day < Day.daysIn(year: d.year, month: d.month) { return Day(year: d.year, month: d.month, day: d.day + 1)! }
        if d.month < 12 { return Day(year: d.year, month: d.month + 1, day: 1)! }
        return Day(year: d.year + 1, month: 1, day: 1)!
    }
}
