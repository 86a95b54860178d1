import Foundation
import PayrollCore
import XCTest

@testable import CSVReader
@testable import Stages

/// A cell's enumeration value: the canonical spelling byte for byte, else any spelling of the table ignoring case.
/// The matcher compares short spellings as words; the answers are those of the rule itself, on spellings of 1 to 20
/// bytes (16 and 17 among them), near misses, other cases, Chinese aliases and the shipped matchers.
final class EnumMatcherTests: XCTestCase {
    /// What `match` must give: the rule written out plainly.
    func expected<E>(_ bytes: [UInt8], canonical: [String], table: [String: E]) -> E? {
        for k in canonical where Array(k.utf8) == bytes { return table[k] }
        return Dictionary(uniqueKeysWithValues: table.map { ($0.key.lowercased(), $0.value) })[String(decoding: bytes, as: UTF8.self).lowercased()]
    }

    func match<E: Sendable & Equatable>(_ m: EnumMatcher<E>, _ bytes: [UInt8]) -> E? {
        bytes.withUnsafeBufferPointer { b in m.match(CSVField(base: b.baseAddress, count: b.count)) }
    }

    func testMatchesAsTheRuleSays() {
        // Lowercase spellings of 1 to 20 letters, each different.
        var canonical: [String] = []
        for n in 1...20 {
            var bytes: [UInt8] = []
            for i in 0..<n { bytes.append(UInt8(97 + (i * 7 + n) % 26)) }
            canonical.append(String(decoding: bytes, as: UTF8.self))
        }
        var table: [String: Int] = [:]
        for (k, c) in canonical.enumerated() { table[c] = k }
        table["出勤"] = 100
        table["病假"] = 101
        table["Mixed_Case"] = 102
        let matcher = EnumMatcher(table, canonical: canonical)
        var candidates: [[UInt8]] = []
        for c in canonical + ["出勤", "病假", "Mixed_Case", "mixed_case", "MIXED_CASE", "", "x"] {
            let b = Array(c.utf8)
            candidates.append(b)
            candidates.append(Array(c.uppercased().utf8))
            candidates.append(b + [0x61])
            if !b.isEmpty {
                candidates.append(Array(b.dropLast()))
                for i in b.indices {
                    var changed = b
                    changed[i] ^= 0x01
                    candidates.append(changed)
                }
            }
        }
        var found = 0
        for c in candidates {
            let got: Int? = match(matcher, c)
            let want: Int? = expected(c, canonical: canonical, table: table)
            XCTAssertEqual(got, want, "\(String(decoding: c, as: UTF8.self))")
            if got != nil { found += 1 }
        }
        XCTAssertGreaterThan(found, 40)  // every spelling, its upper case and the aliases
        // The shipped matchers: every alias and canonical spelling, in its own and in upper case.
        let codes = AttendanceStatus.allCases.map { $0.code }
        for a in AttendanceStatus.aliases.keys {
            for spelling in [a, a.uppercased(), " \(a)"] {
                let b = Array(spelling.utf8)
                let got: AttendanceStatus? = match(Matchers.status, b)
                XCTAssertEqual(got, expected(b, canonical: codes, table: AttendanceStatus.aliases), spelling)
            }
        }
    }
}

/// A period's dates read by their last two digits are the dates `Day.parse` reads, and a cell the shortcut does not
/// take (another month, another shape, a day the month lacks) is left to `Day.parse`: every two-digit day of
/// February 2024 (leap) and 2026, January 2026, and cells of other shapes.
final class MonthDaysTests: XCTestCase {
    func day(_ m: MonthDays, _ text: String) -> Day? {
        let b = Array(text.utf8)
        return b.withUnsafeBufferPointer { m.day(CSVField(base: $0.baseAddress, count: $0.count)) }
    }

    func testDaysAreWhatParsingGives() {
        var taken = 0
        for (year, month) in [(2024, 2), (2026, 2), (2026, 1), (2026, 12)] {
            let m = MonthDays(Period(year: year, month: month)!)
            let prefix = "\(year)-\(month < 10 ? "0" : "")\(month)-"
            for dd in 0..<100 {
                let text = prefix + (dd < 10 ? "0" : "") + "\(dd)"
                let shortcut = day(m, text)
                if let shortcut {
                    XCTAssertEqual(shortcut, Day.parse(text), text)
                    taken += 1
                } else {
                    XCTAssertNil(Day(year: year, month: month, day: dd), "\(text) is a day the shortcut must know")
                }
            }
            for other in ["\(year + 1)-01-05", "\(year)/1/5", "\(year)-1-05 ", prefix + "5", prefix + "5a", prefix + "-5", "", "2026-01-0５"] {
                XCTAssertNil(day(m, other), other)
            }
        }
        XCTAssertEqual(taken, 29 + 28 + 31 + 31)
    }
}
