/// Values that become part of a path or a file name (employee IDs become
/// `payslips/<employee_id>.pdf`) are safe identifiers: 1 to 64 characters of
/// ASCII letters, digits, `-`, `_` and `.`, starting with a letter or a digit.
/// So no `/`, `\`, NUL, control character, space or leading dot can reach a path.
public enum SafeIdentifier {
    /// The longest identifier, in bytes.
    public static let maxLength = 64

    /// Why `text` is not a safe identifier, or nil when it is; never quotes the value.
    public static func problem(_ text: String) -> (en: String, zh: String)? {
        var text = text
        return text.withUTF8(problem(bytes:))  // the bytes in one buffer (on the stack for a short text)
    }

    /// `problem` of a text's UTF-8 bytes.
    static func problem(bytes b: UnsafeBufferPointer<UInt8>) -> (en: String, zh: String)? {
        if b.isEmpty { return ("it is empty", "为空") }
        if b.count > maxLength { return ("it has \(b.count) bytes, more than \(maxLength)", "长度为 \(b.count) 字节，超过 \(maxLength)") }
        for c in b {
            switch c {
            case 0: return ("it holds a NUL byte", "含有 NUL 字节")
            case 0x2F, 0x5C: return ("it holds a path separator (/ or \\)", "含有路径分隔符（/ 或 \\）")
            case 0x01...0x1F, 0x7F: return ("it holds a control character", "含有控制字符")
            case 0x20: return ("it holds a space", "含有空格")
            case 0x80...: return ("it holds a character outside ASCII letters and digits", "含有 ASCII 字母和数字以外的字符")
            default:
                let ok = CodeShape.digit(c) || CodeShape.upper(c) || CodeShape.lower(c) || c == 0x2D || c == 0x5F || c == 0x2E
                if !ok { return ("it holds the punctuation character \(Character(Unicode.Scalar(c)))", "含有标点字符 \(Character(Unicode.Scalar(c)))") }
            }
        }
        guard let first = b.first else { return ("it is empty", "为空") }
        if !(CodeShape.digit(first) || CodeShape.upper(first) || CodeShape.lower(first)) {
            return ("it does not start with a letter or a digit", "不是以字母或数字开头")
        }
        return nil
    }

    /// An employee_id cell as a diagnostic's employee, unless it may be something else that ended up in the
    /// column (an ID number, an account, an amount or a date when columns are swapped): then nil, and the line says where.
    public static func plausibleEmployeeID(_ s: String) -> String? {
        guard SafeIdentifier.isSafe(s) else { return nil }
        var digits = 0
        var dot = false
        var dash = false
        for c in s.utf8 {
            if c >= 0x30 && c <= 0x39 { digits += 1 } else if c == 0x2E { dot = true } else if c == 0x2D { dash = true }
        }
        if digits == s.utf8.count && digits >= 15 { return nil }  // ID numbers, bank accounts
        if dot, Money.parse(s) != nil { return nil }  // amounts
        if dash, Day.parse(Array(s.utf8)) != nil { return nil }  // dates
        return s
    }

    /// True when `text` may be used as one component of a path.
    public static func isSafe(_ text: String) -> Bool { problem(text) == nil }
}

/// Bounds on money that validation enforces, so that no sum the engine or a
/// writer forms can overflow 64-bit fen.
public enum MoneyBounds {
    /// The largest amount one input cell may hold: 100,000,000.00 yuan.
    public static let cellFen: Int64 = 10_000_000_000
    /// The largest total of all amounts of a period (about 4.6 × 10^16 yuan): a quarter of Int64's range in fen.
    public static let totalFen: Int64 = Int64.max / 4
}

/// An amount that does not fit the 64-bit fen arithmetic.
public struct MoneyOverflow: Error, Sendable, CustomStringConvertible {
    /// The overflow error.
    public init() {}
    /// Says what overflowed, without the amount.
    public var description: String { "an amount beyond the range of the arithmetic (64-bit fen)" }
}

extension Money {
    /// `self + o`, or `MoneyOverflow` instead of a trap.
    public func adding(_ o: Money) throws -> Money {
        let r = fen.addingReportingOverflow(o.fen)
        if r.overflow { throw MoneyOverflow() }
        return Money(fen: r.partialValue)
    }

    /// `self - o`, or `MoneyOverflow` instead of a trap.
    public func subtracting(_ o: Money) throws -> Money {
        let r = fen.subtractingReportingOverflow(o.fen)
        if r.overflow { throw MoneyOverflow() }
        return Money(fen: r.partialValue)
    }

    /// The sum of amounts, or `MoneyOverflow`.
    public static func sum<S: Sequence>(_ xs: S) throws -> Money where S.Element == Money {
        var t = Money.zero
        for x in xs { t = try t.adding(x) }
        return t
    }
}

/// Short codes of the configuration (bank codes, BICs, component codes, file extensions, account IDs) checked
/// character by character: each check is the regular expression written in its comment, without compiling one at
/// every start (loading a rule pack compiled about fifty, 45 ms before any file was read). A line break is never
/// accepted (a regular expression's `$` also matched before a final one).
public enum CodeShape {
    /// A–Z.
    @inline(__always) public static func upper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
    /// a–z.
    @inline(__always) public static func lower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
    /// 0–9.
    @inline(__always) public static func digit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// True when `text` has `lengths` bytes, each passing `test(position, byte)`.
    public static func matches(_ text: String, lengths: ClosedRange<Int>, _ test: (Int, UInt8) -> Bool) -> Bool {
        let b = Array(text.utf8)
        return lengths.contains(b.count) && b.indices.allSatisfy { test($0, b[$0]) }
    }

    /// `^[A-Z][A-Za-z0-9]{1,11}$`: a rule pack's bank code.
    public static func bankCode(_ s: String) -> Bool {
        matches(s, lengths: 2...12) { i, c in i == 0 ? upper(c) : upper(c) || lower(c) || digit(c) }
    }

    /// `^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$`: a BIC as the rule pack gives it (ISO 9362's shape).
    public static func bic(_ s: String) -> Bool { bic(s, strict: false) }

    /// `^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$`: a BIC as pain.001's schema accepts it (the location code's
    /// first character is not 0 or 1, its second not O).
    public static func strictBIC(_ s: String) -> Bool { bic(s, strict: true) }

    private static func bic(_ s: String, strict: Bool) -> Bool {
        s.utf8.count != 9 && s.utf8.count != 10
            && matches(s, lengths: 8...11) { i, c in
                switch i {
                case ..<6: return upper(c)
                case 6 where strict: return upper(c) || (c >= 0x32 && c <= 0x39)
                case 7 where strict: return (upper(c) && c != 0x4F) || digit(c)
                default: return upper(c) || digit(c)
                }
            }
    }

    /// `^[a-z][a-z0-9_]*$`: a salary component's code.
    public static func componentCode(_ s: String) -> Bool {
        matches(s, lengths: 1...Int.max) { i, c in i == 0 ? lower(c) : lower(c) || digit(c) || c == 0x5F }
    }

    /// `^[A-Za-z0-9]{1,8}$`: a bank file's extension.
    public static func fileExtension(_ s: String) -> Bool { matches(s, lengths: 1...8) { _, c in upper(c) || lower(c) || digit(c) } }

    /// `^[A-Za-z0-9_-]+$`: a paying account's ID.
    public static func accountID(_ s: String) -> Bool {
        matches(s, lengths: 1...Int.max) { _, c in upper(c) || lower(c) || digit(c) || c == 0x5F || c == 0x2D }
    }
}
