import Foundation
import PayrollCore
import Yams

/// A configuration file problem: which file, where, which key, what was expected.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    /// The file.
    public var file: String
    /// The line, when known.
    public var line: Int?
    /// The column, when known.
    public var column: Int?
    /// The key path, when known.
    public var key: String?
    /// What is wrong.
    public var message: String
    /// The same in Chinese, when given.
    public var messageZH: String?

    /// A configuration error at a place in a file.
    public init(file: String, line: Int?, column: Int?, key: String?, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    /// `file:line:column: key: message`.
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        s += ": "
        if let key { s += "\(key): " }
        return s + (messageZH.map { Speech.say($0, message) } ?? message)
    }
}

/// A YAML node read strictly: unknown keys and wrong types are errors that
/// name the key, file and line.
public struct YNode {
    /// The YAML node.
    public let node: Node
    /// The file it comes from.
    public let file: String
    /// The key path of the node (for messages).
    public let keyPath: String

    /// Reads a YAML file; a syntax error is a `ConfigError` with its line.
    public static func load(path: String, displayName: String? = nil) throws -> YNode {
        let name = displayName ?? path
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(file: name, line: nil, column: nil, key: nil, message: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(text: text, file: name)
    }

    /// Parses YAML text.
    public static func parse(text: String, file: String) throws -> YNode {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigError(file: file, line: 1, column: 1, key: nil, message: "the file is empty")
            }
            return YNode(node: node, file: file, keyPath: "")
        } catch let e as ConfigError {
            throw e
        } catch let e as YamlError {
            var line: Int?
            var col: Int?
            var msg = "\(e)"
            switch e {
            case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
                line = mark.line
                col = mark.column
                msg = "not valid YAML: \(problem)" + (context.map { " (\($0.text))" } ?? "")
            case let .composer(context, problem, mark, _):
                line = mark.line
                col = mark.column
                msg = "not valid YAML: \(problem)" + (context.map { " (\($0.text))" } ?? "")
            default: break
            }
            throw ConfigError(file: file, line: line, column: col, key: nil, message: msg)
        }
    }

    /// The node's line.
    public var line: Int? { node.mark?.line }
    /// The node's column.
    public var column: Int? { node.mark?.column }

    /// An error at this node.
    public func error(_ message: String, zh: String? = nil) -> ConfigError {
        var e = ConfigError(file: file, line: line, column: column, key: keyPath.isEmpty ? nil : keyPath, message: message)
        e.messageZH = zh
        return e
    }

    func child(_ n: Node, key: String) -> YNode {
        YNode(node: n, file: file, keyPath: keyPath.isEmpty ? key : "\(keyPath).\(key)")
    }

    /// The mapping's entries in file order; a key outside `allowed` or a
    /// missing `required` key is an error.
    public func mapping(allowed: Set<String>, required: Set<String> = []) throws -> [(key: String, value: YNode)] {
        guard case let .mapping(m) = node else { throw error("expected a mapping (key: value lines)", zh: "应为映射（“键: 值”的行）") }
        var out: [(String, YNode)] = []
        var seen = Set<String>()
        for (k, v) in m {
            guard let ks = k.string else { throw error("a key must be text", zh: "键必须是文本") }
            let c = child(v, key: ks)
            if !allowed.isEmpty && !allowed.contains(ks) {
                var e = ConfigError(
                    file: file, line: k.mark?.line, column: k.mark?.column, key: c.keyPath,
                    message: "unknown key; expected one of: \(allowed.sorted().joined(separator: ", "))")
                e.messageZH = "未知的键；可用的键：\(allowed.sorted().joined(separator: "、"))"
                throw e
            }
            if !seen.insert(ks).inserted {
                var e = ConfigError(file: file, line: k.mark?.line, column: k.mark?.column, key: c.keyPath, message: "duplicate key")
                e.messageZH = "键重复"
                throw e
            }
            out.append((ks, c))
        }
        for r in required.sorted() where !seen.contains(r) {
            var e = ConfigError(
                file: file, line: line, column: column, key: keyPath.isEmpty ? r : "\(keyPath).\(r)", message: "required key is missing")
            e.messageZH = "缺少必需的键"
            throw e
        }
        return out
    }

    /// Mapping with free-form keys (names chosen by the user).
    public func entries() throws -> [(key: String, value: YNode)] { try mapping(allowed: []) }

    /// The node as a sequence, or an error.
    public func sequence() throws -> [YNode] {
        guard case let .sequence(s) = node else { throw error("expected a list", zh: "应为列表") }
        return s.enumerated().map { i, n in YNode(node: n, file: file, keyPath: "\(keyPath)[\(i)]") }
    }

    /// The node as text, or an error.
    public func string() throws -> String {
        guard case let .scalar(s) = node else { throw error("expected text", zh: "应为文本") }
        return s.string
    }

    /// The node as a six-place decimal, or an error.
    public func fixed() throws -> Fixed {
        guard case let .scalar(s) = node, let v = Fixed.parse(s.string) else {
            throw error("expected a decimal number (at most 6 places, no exponent)", zh: "应为小数（最多 6 位小数，不用科学计数法）")
        }
        return v
    }

    /// The node as an amount in yuan, or an error.
    public func money() throws -> Money {
        guard case let .scalar(s) = node, let v = Money.parse(s.string) else {
            throw error("expected an amount in yuan with at most 2 decimals", zh: "应为以元为单位、最多 2 位小数的金额")
        }
        return v
    }

    /// The node as a date, or an error.
    public func day() throws -> Day {
        guard case let .scalar(s) = node, let v = Day.parse(s.string) else { throw error("expected a date YYYY-MM-DD", zh: "应为日期 YYYY-MM-DD") }
        return v
    }

    /// The node as an integer, or an error.
    public func int() throws -> Int {
        guard case let .scalar(s) = node, let v = Int(s.string) else { throw error("expected a whole number", zh: "应为整数") }
        return v
    }

    /// The node as true or false, or an error.
    public func bool() throws -> Bool {
        guard case let .scalar(s) = node else { throw error("expected true or false", zh: "应为 true 或 false") }
        switch s.string.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default: throw error("expected true or false", zh: "应为 true 或 false")
        }
    }

    /// The node as a list of texts (a single text counts as one), or an error.
    public func stringList() throws -> [String] {
        if case .scalar = node { return [try string()] }
        return try sequence().map { try $0.string() }
    }
}

extension ConfigError: KindedError {
    /// A usage error (exit 64).
    public var kind: FailureKind { .usage }
}
