import Foundation
import TestSupport
import XCTest

@testable import Audit

/// `payroll seal` / `unseal`: what comes out is byte for byte what went in; a flipped byte or the wrong key is a
/// clear error and writes nothing.
final class SealTests: XCTestCase {
    func testSealThenUnsealReturnsIdenticalFilesAndRefusesTamperingAndTheWrongKey() throws {
        let dir = tempDir()
        XCTAssertEqual(try payroll(["keygen", "--out", dir + "/office"]).status, 0)
        XCTAssertEqual(try payroll(["keygen", "--out", dir + "/other"]).status, 0)
        let root = dir + "/out"
        XCTAssertEqual(try payroll(["run", "--out", root]).status, 0)
        let period = root + "/2026-01"
        let employees = fixtures.path + "/demo/employees.csv"
        let sealed = dir + "/transfer.sealed"
        let s = try payroll(["seal", period, employees, "--to", dir + "/office.pub", "--out", sealed])
        XCTAssertEqual(s.status, 0, s.err)
        // Nothing of the contents is readable in the envelope (the employees file holds names in GB18030 and ID numbers).
        let raw = try Data(contentsOf: URL(fileURLWithPath: sealed))
        XCTAssertNil(raw.range(of: Data("D001".utf8)))
        XCTAssertNil(raw.range(of: try Data(contentsOf: URL(fileURLWithPath: employees)).prefix(64)))

        let opened = dir + "/opened"
        let u = try payroll(["unseal", sealed, "--key", dir + "/office.key", "--out", opened])
        XCTAssertEqual(u.status, 0, u.err)
        let (diff, code) = try shell(["diff", "-r", period, opened + "/2026-01"])
        XCTAssertEqual(code, 0, diff)
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: employees)), try Data(contentsOf: URL(fileURLWithPath: opened + "/employees.csv")))

        // A flipped byte anywhere (header, ciphertext, tag) fails and writes nothing.
        for at in [20, raw.count / 2, raw.count - 1] {
            var bad = raw
            bad[at] ^= 0x01
            let path = dir + "/bad-\(at).sealed"
            try bad.write(to: URL(fileURLWithPath: path))
            let r = try payroll(["unseal", path, "--key", dir + "/office.key", "--out", dir + "/bad-\(at)"])
            XCTAssertEqual(r.status, 1, "byte \(at): \(r.err)")
            XCTAssertTrue(r.err.contains("nothing was written"), r.err)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/bad-\(at)"))
        }
        // The wrong key.
        let w = try payroll(["unseal", sealed, "--key", dir + "/other.key", "--out", dir + "/wrong"])
        XCTAssertEqual(w.status, 1, w.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/wrong"))
        // Nothing is left beside the target either.
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.hasPrefix(".staging-") })
        // Neither command overwrites.
        XCTAssertEqual(try payroll(["seal", employees, "--to", dir + "/office.pub", "--out", sealed]).status, 64)
        XCTAssertEqual(try payroll(["unseal", sealed, "--key", dir + "/office.key", "--out", opened]).status, 64)
    }

    /// Anyone with the public key can seal; a hostile sender's `../` path is refused at opening, and nothing is written.
    func testAHostileEnvelopeCannotWriteOutsideItsFolder() throws {
        let dir = tempDir()
        let k = try Keys.generate(name: dir + "/office")
        let src = dir + "/x.txt"
        try Data("x".utf8).write(to: URL(fileURLWithPath: src))
        let (sealed, _) = try Seal.seal([(source: src, name: "../escaped.txt")], to: try Keys.agreementPublicKey(path: k.publicPath))
        XCTAssertThrowsError(try Seal.open(sealed, key: try Keys.agreementPrivateKey(path: k.privatePath)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/escaped.txt"))
    }

    func testUnsafePathsInAnEnvelopeAreRefused() {
        for p in ["../x", "/etc/passwd", "a/../../b", "a//b", "./a", "", "a\u{1}b", "a\\b"] { XCTAssertFalse(Seal.safe(p), p) }
        for p in ["employees.csv", "2026-01/payslips/D001.pdf"] { XCTAssertTrue(Seal.safe(p), p) }
    }
}
