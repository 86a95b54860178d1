import Foundation
import PayrollCore
import RunRecords
import Stages
import TestSupport
import XCTest

@testable import Outputs
@testable import Pipeline

/// A seeded mutation fuzzer over the demo month, in the test suite (the long
/// run is scripts/fuzz.py). Each case damages one file and validates: no crash,
/// no hang, every error has its file and line, and no message quotes an ID
/// number, a bank account or a salary of the inputs. Damage that must be an
/// error (an invalid byte, an unsafe employee ID, a duplicated employee) is.
final class FuzzTests: XCTestCase {
    enum Damage: CaseIterable {
        case invalidByte, flipBytes, truncate, strayQuote, crLineEnds, controlByte, hugeNumber, unsafeID, duplicateEmployee,
            swapHeader, dropHeaderCell, longField
        /// Damage that always makes the batch fail validation, at a file and a line.
        var mustFail: Bool { [.invalidByte, .unsafeID, .duplicateEmployee].contains(self) }
    }

    func testMutatedDemoFiles() throws {
        let base = try DemoMonth()
        try base.write()
        let files = ["employees.csv", "attendance.csv", "scores.csv", "adjustments.csv", "coaching.csv"]
        let originals = try Dictionary(uniqueKeysWithValues: files.map { ($0, try Data(contentsOf: URL(fileURLWithPath: base.dir + "/" + $0))) })
        let secrets = base.tables["employees.csv"]!.rows.flatMap { r -> [String] in
            let c = r.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return ["id_number", "bank_account", "base_salary", "si_base"].map { c[base.column("employees.csv", $0)] }
        }.filter { $0.count >= 7 }
        XCTAssertGreaterThan(secrets.count, 100)
        var rng = SplitMix(seed: 12)
        var failed = 0
        var cases = 0
        let fileLevel: Set<String> = ["F001", "F003", "Y001", "N005"]
        for n in 0..<300 {
            let damage = Damage.allCases[Int(rng.next() % UInt64(Damage.allCases.count))]
            let file = damage == .unsafeID || damage == .duplicateEmployee ? "employees.csv" : files[Int(rng.next() % UInt64(files.count))]
            let dir = tempDir() + "/in"
            try FileManager.default.copyItem(atPath: base.dir, toPath: dir)
            var data = [UInt8](originals[file]!)
            mutate(&data, damage, &rng)
            try Data(data).write(to: URL(fileURLWithPath: dir + "/" + file))
            var s = RunSettings(definition: definition, period: Period("2026-01")!, inputDirectory: dir, outputRoot: tempDir(), threads: 0)
            s.validateOnly = true
            let t0 = Date()
            let c = try PeriodRunner.compute(s)
            XCTAssertLessThan(Date().timeIntervalSince(t0), 20, "case \(n) \(damage) \(file): took too long")
            cases += 1
            let errors = c.batch.diagnostics.filter { $0.severity == .error }
            if !errors.isEmpty { failed += 1 }
            for d in errors where !fileLevel.contains(d.code) && !d.code.hasPrefix("F") {
                XCTAssertNotNil(d.line, "case \(n) \(damage) \(file): \(d.code) without a line")
            }
            for d in c.batch.diagnostics {
                XCTAssertFalse(d.file.isEmpty)
                for v in secrets where d.messageEN.contains(v) || d.messageZH.contains(v) || d.employeeID == v {
                    XCTFail("case \(n) \(damage) \(file): \(d.code) quotes an input value")
                }
            }
            if damage.mustFail {
                XCTAssertTrue(errors.contains { $0.file == file && $0.line != nil }, "case \(n) \(damage) \(file): no error at a line of \(file)")
            }
        }
        XCTAssertEqual(cases, 300)
        XCTAssertGreaterThan(failed, 150, "most damage is found")
    }

    func mutate(_ b: inout [UInt8], _ d: Damage, _ rng: inout SplitMix) {
        func pos() -> Int {
            // Somewhere after the header line.
            let start = (b.firstIndex(of: 0x0A) ?? 0) + 1
            return start + Int(rng.next() % UInt64(max(1, b.count - start)))
        }
        func rows() -> [[UInt8]] { b.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init) }
        switch d {
        case .invalidByte: b.insert(0xFF, at: pos())
        case .flipBytes:
            for _ in 0..<4 {
                let p = pos()
                if p < b.count { b[p] = UInt8(rng.next() & 0xFF) }
            }
        case .truncate: b = Array(b.prefix(pos()))
        case .strayQuote: b.insert(0x22, at: pos())
        case .crLineEnds: b = b.filter { $0 != 0x0D }.map { $0 == 0x0A ? 0x0D : $0 }
        case .controlByte: b.insert([0x00, 0x01, 0x07, 0x1B, 0x7F][Int(rng.next() % 5)], at: pos())
        case .hugeNumber, .unsafeID, .longField:
            var r = rows()
            let k = 1 + Int(rng.next() % UInt64(max(1, r.count - 2)))
            var cells = r[k].split(separator: 0x2C, omittingEmptySubsequences: false).map(Array.init)
            guard !cells.isEmpty else { return }
            let j = d == .unsafeID ? 0 : Int(rng.next() % UInt64(cells.count))
            let value: String
            switch d {
            case .hugeNumber: value = ["99999999999999999999", "9223372036854775807.99", "100000000.01", "-9223372036854775808"][Int(rng.next() % 4)]
            case .unsafeID:
                value = ["../../../escape", "a/b", ".hidden", "x\\y", "D0" + String(repeating: "9", count: 300), "a b"][Int(rng.next() % 6)]
            default: value = String(repeating: "x", count: 40_000)
            }
            cells[j] = Array(value.utf8)
            r[k] = Array(cells.joined(separator: [0x2C]))
            b = Array(r.joined(separator: [0x0A]))
        case .duplicateEmployee:
            var r = rows()
            let k = 1 + Int(rng.next() % UInt64(max(1, r.count - 2)))
            r.insert(r[k], at: k + 1)
            b = Array(r.joined(separator: [0x0A]))
        case .swapHeader, .dropHeaderCell:
            var r = rows()
            var cells = r[0].split(separator: 0x2C, omittingEmptySubsequences: false).map(Array.init)
            guard cells.count > 2 else { return }
            let i = Int(rng.next() % UInt64(cells.count))
            let j = (i + 1) % cells.count
            if d == .swapHeader { cells.swapAt(i, j) } else { cells.remove(at: i) }
            r[0] = Array(cells.joined(separator: [0x2C]))
            b = Array(r.joined(separator: [0x0A]))
        }
    }
}
