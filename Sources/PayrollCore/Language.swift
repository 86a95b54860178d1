import Foundation

/// The language of reports and messages: Chinese, English, or both (Chinese first).
public enum ReportLocale: String, Sendable, CaseIterable {
    case zh, en, both

    /// A diagnostic's message in this locale.
    public func text(_ d: Diagnostic) -> String { pick(d.messageZH, d.messageEN) }

    /// The text for this locale of a message given in both languages; `both` joins them, Chinese first.
    public func pick(_ zh: String, _ en: String) -> String {
        switch self {
        case .zh: return zh
        case .en: return en
        case .both: return zh == en ? zh : "\(zh) / \(en)"
        }
    }

    /// The text of a message given in both languages.
    public func text(_ t: Bilingual) -> String { pick(t.zh, t.en) }

    /// `PAYROLL_LOCALE` when it names a locale: the user's explicit choice for the terminal.
    public static func chosen(_ env: [String: String] = ProcessInfo.processInfo.environment) -> ReportLocale? {
        env["PAYROLL_LOCALE"].flatMap(ReportLocale.init(rawValue:))
    }

    /// The language the system's locale asks for: `LC_ALL`, `LC_MESSAGES` or `LANG` starting with `zh` is Chinese,
    /// any other one set is English; nil when none is set.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> ReportLocale? {
        for k in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let v = env[k], !v.isEmpty else { continue }
            return v.lowercased().hasPrefix("zh") ? .zh : .en
        }
        return nil
    }
}

/// A text in Chinese and English.
public struct Bilingual: Sendable, Hashable, CustomStringConvertible {
    /// The Chinese text.
    public var zh: String
    /// The English text.
    public var en: String

    /// A text in both languages.
    public init(_ zh: String, _ en: String) {
        self.zh = zh
        self.en = en
    }

    /// A text that reads the same in both languages (a number, a code, a path).
    public init(same: String) {
        self.zh = same
        self.en = same
    }

    /// The English text (for logs and tools).
    public var description: String { en }
}

/// The language the command line speaks in, set once at start from `--locale`, the pipeline or the environment.
public enum Speech {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var current: ReportLocale = .en

    /// The current language.
    public static var locale: ReportLocale {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Sets the language for everything printed from now on.
    public static func set(_ l: ReportLocale) {
        lock.lock()
        defer { lock.unlock() }
        current = l
    }

    /// A message in the current language.
    public static func say(_ zh: String, _ en: String) -> String { locale.pick(zh, en) }
}
