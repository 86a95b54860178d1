import Foundation
import PayrollCore
import RunRecords
import TestSupport
import Testing

/// The run folder: appears only when committed, and never lets a path out.
@Suite struct RunFolderTests {
    @Test func appearsOnlyWhenCommitted() throws {
        let root = tempDir()
        do {
            let f = try RunFolder(root: root, name: "2026-01")
            _ = FileManager.default.createFile(atPath: try f.path("a.txt"), contents: Data("1".utf8))
            #expect(!FileManager.default.fileExists(atPath: root + "/2026-01"))
            try f.commit()
        }
        #expect(FileManager.default.fileExists(atPath: root + "/2026-01/a.txt"))
        do {
            // An abandoned run leaves nothing behind and the earlier folder intact.
            let g = try RunFolder(root: root, name: "2026-01")
            _ = FileManager.default.createFile(atPath: try g.path("b.txt"), contents: Data("2".utf8))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["2026-01"])
        #expect(!FileManager.default.fileExists(atPath: root + "/2026-01/b.txt"))
    }

    /// Relative paths that would leave the run folder, or are not plain names.
    @Test(arguments: ["../x.pdf", "payslips/../../x.pdf", "/etc/passwd", "payslips/x\u{0}.pdf", "", "a//b", "./x", "payslips/.x", "a\\b"])
    func refusesPathsOutsideIt(_ bad: String) {
        #expect(throws: (any Error).self) { try RunFolder.checkInside(bad) }
    }

    /// Paths a run writes.
    @Test(arguments: ["payroll_register.csv", "payslips/D001.pdf", "bank/icbc-main.pain001.xml", "payslips/.keep"])
    func acceptsThePathsARunWrites(_ good: String) throws {
        try RunFolder.checkInside(good)
    }

    @Test func aFolderRefusesAnEscapingPath() throws {
        let f = try RunFolder(root: tempDir(), name: "2026-01")
        #expect(throws: (any Error).self) { try f.path("payslips/../../../escape.pdf") }
    }
}

/// The manifest: deterministic bytes, sorted keys, SHA-256 of files.
@Suite struct ManifestTests {
    @Test func isDeterministicWithSortedKeys() throws {
        var m = Manifest(pipeline: "monthly", period: Period("2026-01")!)
        m.outputs = [ManifestEntry(kind: "validation-report", path: "validation.csv", sha256: "ab", bytes: 2)]
        let a = try m.data()
        let b = try m.data()
        #expect(a == b)
        let obj = try #require(try JSONSerialization.jsonObject(with: a) as? [String: Any])
        #expect(obj["period"] as? String == "2026-01")
        #expect(obj["inputs"] as? [Any] != nil)
        let h = try FileHash.sha256(path: fixtures.appendingPathComponent("demo/employees.csv").path)
        #expect(h.hex.count == 64)
    }

    /// FIPS 180-2's examples: SHA-256 of "abc" and of the empty message.
    @Test(arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ])
    func hashesAFile(_ content: String, _ sha256: String) throws {
        let p = tempDir() + "/f"
        _ = FileManager.default.createFile(atPath: p, contents: Data(content.utf8))
        #expect(try FileHash.sha256(path: p).hex == sha256)
    }

    @Test func tidiesManifestPaths() {
        #expect(Manifest.tidy("pipelines/../fixtures/demo/x.csv") == "fixtures/demo/x.csv")
        #expect(Manifest.tidy("/a/./b/../c") == "/a/c")
    }
}
