import PayrollCore
import Testing

/// Employee IDs become file names (payslips): only plain names pass.
@Suite struct SafeIdentifierTests {
    @Test(arguments: ["D001", "00123", "emp_7.b-2", String(repeating: "x", count: 64)])
    func accepts(_ id: String) {
        #expect(SafeIdentifier.problem(id) == nil)
    }

    /// Empty, leading dot or dash, spaces, separators, NUL and control characters, non-ASCII, over 64 characters, colons.
    @Test(arguments: ["", ".x", "-x", "a b", "a/b", "a\\b", "a\u{0}", "a\u{7}", "张三", String(repeating: "x", count: 65), "a:b"])
    func refuses(_ id: String) {
        #expect(SafeIdentifier.problem(id) != nil)
    }
}
