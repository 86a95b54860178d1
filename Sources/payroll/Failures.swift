import ArgumentParser
import Audit
import ExcelImport
import Foundation
import Outputs
import PayrollCore
import PayrollRules
import Pipeline
import RunRecords
import Stages

/// A failure a command ends with, by kind; `Failures` turns it into the message and the exit code.
struct Failure: Error, CustomStringConvertible {
    let kind: Failures.Kind
    let message: String
    init(_ kind: Failures.Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    /// A failure whose message is given in both languages; the current one is kept.
    init(_ kind: Failures.Kind, zh: String, en: String) {
        self.kind = kind
        self.message = Speech.say(zh, en)
    }
    var description: String { message }
}

/// The one place where an error becomes a message on standard error and an
/// exit code, for every subcommand (README "Exit codes").
enum Failures {
    enum Kind: CaseIterable {
        /// The input data has errors, or a comparison found differences (1).
        case data
        /// The command line is wrong: bad flags, a named file or folder that is missing or is not what
        /// it should be, a malformed pipeline or mapping, a refused close or reopen, a closed period (64).
        case usage
        /// The disk, the file system or a C library failed (70).
        case operational
        /// Another payroll command holds the output root; nothing was changed (75).
        case busy
        /// The rule pack is malformed or lacks a value the period needs (78).
        case rulePack

        /// The command line's kind of a library error's kind.
        init(_ k: FailureKind) {
            switch k {
            case .data: self = .data
            case .usage: self = .usage
            case .rulePack: self = .rulePack
            case .operational: self = .operational
            case .busy: self = .busy
            }
        }

        var code: Int32 {
            switch self {
            case .data: return Exit.dataErrors
            case .usage: return Exit.usage
            case .operational: return Exit.operational
            case .busy: return Exit.busy
            case .rulePack: return Exit.config
            }
        }
    }

    /// The kind and message of any error a command can meet: each library error says its kind (`KindedError`);
    /// what the libraries do not type (Foundation's file errors) is operational.
    static func classify(_ error: Error) -> (Kind, String) {
        switch error {
        case let e as Failure: return (e.kind, e.message)
        case let e as ValidationError: return (.usage, e.message)
        case let e as RulePackError: return (.rulePack, Speech.say("规则包：\(e)", "rule pack: \(e)"))
        case let e as AuditError: return (.usage, e.description)
        case let e as KeyError: return (.usage, e.description)
        case let e as WorkbookError: return (.usage, e.description)
        case let e as any KindedError: return (Kind(e.kind), e.description)
        default: return (.operational, "\(error)")
        }
    }

    /// Prints an error as `payroll: error: …` and gives its exit code.
    static func report(_ error: Error) -> Int32 {
        let (kind, message) = classify(error)
        FileHandle.standardError.write(Data("payroll: \(Speech.say("错误", "error")): \(message)\n".utf8))
        return kind.code
    }

    /// Runs a command's body: its own exit codes pass through, any other error leaves here.
    static func run(_ body: () throws -> Void) throws {
        do { try body() } catch let e as ExitCode { throw e } catch { throw ExitCode(report(error)) }
    }
}
