import Foundation
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

/// Each code check says what its regular expression says, on random short texts of the characters that matter
/// (capitals, lower case, digits, 0/1/O, _ and -, a space, an accented letter); a trailing line break, which a
/// regular expression's `$` let through, is refused.
@Suite struct CodeShapeTests {
    static let checks: [(String, @Sendable (String) -> Bool)] = [
        ("^[A-Z][A-Za-z0-9]{1,11}$", CodeShape.bankCode),
        ("^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$", CodeShape.bic),
        ("^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$", CodeShape.strictBIC),
        ("^[a-z][a-z0-9_]*$", CodeShape.componentCode),
        ("^[A-Za-z0-9]{1,8}$", CodeShape.fileExtension),
        ("^[A-Za-z0-9_-]+$", CodeShape.accountID),
    ]

    @Test func agreesWithTheRegularExpressions() {
        let pieces = ["A", "B", "Z", "O", "a", "z", "0", "1", "2", "9", "_", "-", " ", "é", "ICBKCN", "ICBKCNBJ", "XXX"]
        var g = SystemRandomNumberGenerator()
        var accepted = 0
        for _ in 0..<4000 {
            let s = (0..<Int.random(in: 0...8, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
            for (pattern, check) in CodeShapeTests.checks {
                let regex = s.range(of: pattern, options: .regularExpression) != nil
                #expect(check(s) == regex, "\(pattern) on \(s)")
                if regex { accepted += 1 }
                #expect(!check(s + "\n"))
            }
        }
        #expect(accepted > 1000)
        #expect(CodeShape.strictBIC("ICBKCNBJ") && CodeShape.strictBIC("ICBKCNBJ400") && !CodeShape.strictBIC("ICBKCN1J"))
    }
}
