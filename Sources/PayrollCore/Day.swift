/// A calendar date (proleptic Gregorian) with no time zone: what a payroll date is.
/// Kept in 4 bytes (a million employees carry four dates each): the year 1900–2200 in 16 bits, month and day in 8.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    private let y: Int16
    private let m: UInt8
    private let d: UInt8
    /// The year.
    public var year: Int { Int(y) }
    /// The month, 1–12.
    public var month: Int { Int(m) }
    /// The day of the month.
    public var day: Int { Int(d) }

    /// A date; nil when it does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard year >= 1900, year <= 2200, month >= 1, month <= 12,
            day >= 1, day <= Day.daysIn(year: year, month: month)
        else { return nil }
        self.y = Int16(year)
        self.m = UInt8(month)
        self.d = UInt8(day)
    }

    /// True for a Gregorian leap year.
    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    /// The days of a month.
    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Earlier dates first.
    public static func < (a: Day, b: Day) -> Bool {
        (a.y, a.m, a.d) < (b.y, b.m, b.d)
    }

    /// Monday = 1 … Sunday = 7 (ISO 8601).
    public var isoWeekday: Int {
        // Zeller-style computation on the proleptic Gregorian calendar.
        var y = year
        var m = month
        if m < 3 {
            m += 12
            y -= 1
        }
        let k = y % 100
        let j = y / 100
        let h = (day + (13 * (m + 1)) / 5 + k + k / 4 + j / 4 + 5 * j) % 7  // 0 = Saturday
        return ((h + 5) % 7) + 1
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        let d = day < 10 ? "0\(day)" : "\(day)"
        return "\(year)-\(m)-\(d)"
    }

    /// Parses `YYYY-MM-DD` and Excel's Chinese default `YYYY/M/D`.
    @inlinable
    public static func parse<C: RandomAccessCollection>(_ bytes: C) -> Day? where C.Element == UInt8, C.Index == Int {
        // The usual cell, exactly `YYYY-MM-DD`: read in place (what the general reading below gives for it).
        if bytes.count == 10, let iso = bytes.withContiguousStorageIfAvailable({ parseISO($0) }), let shaped = iso { return shaped.day }
        var p0 = 0
        var p1 = 0
        var p2 = 0
        var l0 = 0
        var l1 = 0
        var l2 = 0
        var idx = 0
        var sep: UInt8 = 0
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end, bytes[i] == 0x20 { i += 1 }
        var e = end
        while e > i, bytes[e - 1] == 0x20 { e -= 1 }
        while i < e {
            let c = bytes[i]
            if c >= 0x30 && c <= 0x39 {
                let d = Int(c - 0x30)
                switch idx {
                case 0:
                    p0 = p0 * 10 + d
                    l0 += 1
                    if l0 > 4 { return nil }
                case 1:
                    p1 = p1 * 10 + d
                    l1 += 1
                    if l1 > 2 { return nil }
                default:
                    p2 = p2 * 10 + d
                    l2 += 1
                    if l2 > 2 { return nil }
                }
            } else if (c == UInt8(ascii: "-") || c == UInt8(ascii: "/")) && idx < 2 {
                if sep == 0 { sep = c } else if sep != c { return nil }
                idx += 1
            } else {
                return nil
            }
            i += 1
        }
        guard idx == 2, l0 == 4 else { return nil }
        if sep == UInt8(ascii: "-") {
            guard l1 == 2, l2 == 2 else { return nil }
        } else {
            guard (1...2).contains(l1), (1...2).contains(l2) else { return nil }
        }
        return Day(year: p0, month: p1, day: p2)
    }

    /// Parses `YYYY-MM-DD` or `YYYY/M/D` text.
    public static func parse(_ text: String) -> Day? { parse(Array(text.utf8)) }

    /// For ten bytes of the shape `DDDD-DD-DD` (digits and two hyphens): the day they name, or nil inside when it does not
    /// exist; nil when the bytes have another shape.
    @inlinable
    static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> (day: Day?, Void)? {
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        var digits = 0  // how many of the eight are digits
        func number(_ from: Int, _ to: Int) -> Int {
            var n = 0
            for i in from..<to {
                let d = b[i] &- 0x30
                if d <= 9 { digits += 1 }
                n = n * 10 + Int(d)
            }
            return n
        }
        let (year, month, day) = (number(0, 4), number(5, 7), number(8, 10))
        guard digits == 8 else { return nil }
        return (Day(year: year, month: month, day: day), ())
    }
}

/// A pay period: one calendar month.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year.
    public let year: Int
    /// The month, 1–12.
    public let month: Int

    /// A pay period; nil outside 1900–2200 or months 1–12.
    public init?(year: Int, month: Int) {
        guard year >= 1900, year <= 2200, (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// `YYYY-MM`.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 7, b[4] == UInt8(ascii: "-"),
            let y = Int(String(decoding: b[0..<4], as: UTF8.self)),
            let m = Int(String(decoding: b[5..<7], as: UTF8.self)),
            b[0..<4].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            b[5..<7].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return nil }
        self.init(year: y, month: m)
    }

    /// The period's first day.
    public var firstDay: Day { Day(year: year, month: month, day: 1)! }
    /// The period's last day.
    public var lastDay: Day { Day(year: year, month: month, day: Day.daysIn(year: year, month: month))! }
    /// Calendar days in the period.
    public var dayCount: Int { Day.daysIn(year: year, month: month) }
    /// True when `d` falls in the period.
    public func contains(_ d: Day) -> Bool { d.year == year && d.month == month }

    /// The month before.
    public var previous: Period { month == 1 ? Period(year: year - 1, month: 12)! : Period(year: year, month: month - 1)! }
    /// The month after.
    public var next: Period { month == 12 ? Period(year: year + 1, month: 1)! : Period(year: year, month: month + 1)! }

    /// Earlier periods first.
    public static func < (a: Period, b: Period) -> Bool { (a.year, a.month) < (b.year, b.month) }

    /// `YYYY-MM`.
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }
}
