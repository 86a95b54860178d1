import Foundation
import PayrollCore
import PayrollRules
import RunRecords
import Stages
import TestSupport
import XCTest

@testable import Pipeline

final class PipelineDefinitionTests: XCTestCase {
    func write(_ text: String) -> String {
        let p = tempDir() + "/p.yaml"
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    func testShippedPipelineLoads() throws {
        let d = try PipelineDefinition.load(path: repoRoot.appendingPathComponent("pipelines/monthly.yaml").path)
        XCTAssertEqual(d.name, "monthly")
        XCTAssertEqual(d.period, Period("2026-01"))
        XCTAssertTrue(d.inputDirectory!.hasSuffix("fixtures/demo"))
    }

    /// pain.001's schema takes BICs of 8 or 11 characters and accounts of at most 34: a pipeline that would
    /// make an invalid file is refused when it is read, naming the key.
    func testPaymentAccountsAndBICsMustFitPain001() throws {
        let shipped = try String(contentsOfFile: repoRoot.appendingPathComponent("pipelines/monthly.yaml").path, encoding: .utf8)
        let dir = tempDir()
        try FileManager.default.copyItem(atPath: repoRoot.appendingPathComponent("pipelines/banks").path, toPath: dir + "/banks")
        try FileManager.default.copyItem(atPath: repoRoot.appendingPathComponent("pipelines/rules").path, toPath: dir + "/rules")
        for (from, to, key) in [
            ("bic: ICBKCNBJSHI", "bic: ICBK-CNBJ", "bic"), ("CCB: PCBCCNBJ", "CCB: pcbccnbj", "CCB"),
            ("account: \"1001244319000012345\"", "account: \"\(String(repeating: "1", count: 35))\"", "account"),
        ] {
            XCTAssertTrue(shipped.contains(from), from)
            let p = dir + "/p.yaml"
            try shipped.replacingOccurrences(of: from, with: to).write(toFile: p, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try PipelineDefinition.load(path: p), key) { e in
                XCTAssertEqual((e as? ConfigError)?.key?.hasSuffix(key), true, "\(e)")
            }
        }
    }

    func testUnknownKeyNamesKeyAndLine() throws {
        let p = write("name: x\nrule_pack: rules/cn\nperiod: 2026-01\nouputs: [register]\n")
        XCTAssertThrowsError(try PipelineDefinition.load(path: p)) { e in
            let c = e as! ConfigError
            XCTAssertEqual(c.key, "ouputs")
            XCTAssertEqual(c.line, 4)
        }
    }

    func testWrongTypeNamesKeyAndLine() throws {
        let p = write("name: x\nrule_pack: rules/cn\nthreads: many\n")
        XCTAssertThrowsError(try PipelineDefinition.load(path: p)) { e in
            let c = e as! ConfigError
            XCTAssertEqual(c.key, "threads")
            XCTAssertEqual(c.line, 3)
        }
        let q = write("name: x\nrule_pack: rules/cn\noutputs: [register, fax]\n")
        XCTAssertThrowsError(try PipelineDefinition.load(path: q)) { e in
            XCTAssertEqual((e as! ConfigError).key, "outputs[1]")
        }
    }
}

final class RulePackTests: XCTestCase {
    func testPeriodUsesValuesInForceOnItsFirstDay() throws {
        // STANDARD.md city table: Shanghai 7,384–36,921 from 2024-07-01; 7,460–37,302 from 2025-07-01.
        let june = standardPack.city("shanghai", on: Day(year: 2025, month: 6, day: 1)!)!
        let july = standardPack.city("shanghai", on: Day(year: 2025, month: 7, day: 1)!)!
        XCTAssertEqual(june.lines[.pension]!.ceiling, Money(yuan: 36921))
        XCTAssertEqual(july.lines[.pension]!.ceiling, Money(yuan: 37302))
        XCTAssertEqual(july.housingFund.maxRate, Fixed.parse("0.07"))
        XCTAssertNil(standardPack.city("shanghai", on: Day(year: 2024, month: 6, day: 1)!))
        // Shenzhen has a band per insurance line.
        let sz = standardPack.city("shenzhen", on: Day(year: 2026, month: 1, day: 1)!)!
        XCTAssertEqual(sz.lines[.medical]!.floor, Money(yuan: 6475))
        XCTAssertEqual(sz.lines[.unemployment]!.ceiling, Money(yuan: 43659))
        XCTAssertEqual(standardPack.city("beijing", on: Day(year: 2026, month: 1, day: 1)!)!.lines[.medical]!.employeeFixed, Money(yuan: 3))
    }
}

final class ExecutorTests: XCTestCase {
    func testMergeOrderIsIndependentOfThreads() throws {
        let expected = (0..<100_000).map { $0 * 3 }
        for t in [1, 2, 3, 8] {
            let got: [Int] = Executor(threads: t).map(count: 100_000, minShard: 100) { r in r.map { $0 * 3 } }
            XCTAssertEqual(got, expected, "threads \(t)")
        }
    }
}
