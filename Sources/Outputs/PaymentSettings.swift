import Foundation
import PayrollCore
import PayrollRules

/// One field of a bank file line: a value of the record or fixed text, and,
/// in fixed-width layouts, its width in bytes of the file's encoding.
public struct BankField: Sendable {
    /// Where a field's text comes from.
    public enum Source: Sendable, Equatable {
        case text(String)
        /// seq, account, name, amount, amount_cents, employee_id, bank_code, id_number, purpose,
        /// period, count, total, total_cents, company, debtor_account, date, date_compact
        case value(String)
    }
    /// The field's value or fixed text.
    public var source: Source
    /// Width in bytes of the file's encoding (fixed-width layouts).
    public var width: Int?
    /// Alignment within a fixed width.
    public var align: TextAlign
    /// Padding character for fixed widths (space by default; "0" for zero-filled numbers).
    public var pad: Character
    /// Left or right alignment.
    public enum TextAlign: String, Sendable { case left, right }
}

/// A bank's batch-salary (代发工资) file layout, read from `pipelines/banks/*.yaml`.
public struct BankTemplate: Sendable {
    /// Delimited fields or fixed widths.
    public enum Kind: String, Sendable { case delimited, fixed }
    /// How a delimited field is quoted.
    public enum Quoting: String, Sendable { case none, rfc4180 }
    /// The layout's name.
    public var name: String
    /// Where the layout comes from (bank-formats.md).
    public var source: String
    /// The template file.
    public var path: String
    /// The file's encoding.
    public var encoding: String  // "gb18030" or "utf-8"
    /// The file's line ending.
    public var lineEnding: String  // "\r\n" or "\n"
    /// Delimited or fixed width.
    public var kind: Kind
    /// The separator of a delimited layout.
    public var separator: String
    /// The quoting of a delimited layout.
    public var quoting: Quoting
    /// The file's extension (letters and digits only).
    public var extension_: String
    /// Header lines.
    public var header: [[BankField]]
    /// The fields of one payment's line.
    public var columns: [BankField]
    /// Trailer lines.
    public var trailer: [[BankField]]

    static let values: Set<String> = [
        "seq", "account", "name", "amount", "amount_cents", "employee_id", "bank_code", "id_number",
        "purpose", "period", "count", "total", "total_cents", "company", "debtor_account", "date",
        "date_compact",
    ]

    /// Reads and checks a template; a problem is a `ConfigError` naming the key.
    public static func load(path: String) throws -> BankTemplate {
        let root = try YNode.load(path: path)
        var t = BankTemplate(
            name: "", source: "", path: path, encoding: "gb18030", lineEnding: "\r\n", kind: .delimited,
            separator: ",", quoting: .none, extension_: "txt", header: [], columns: [], trailer: [])
        func fields(_ n: YNode) throws -> [BankField] {
            try n.sequence().map { f in
                var field = BankField(source: .text(""), width: nil, align: .left, pad: " ")
                for (k, v) in try f.mapping(allowed: ["value", "text", "width", "align", "pad"]) {
                    switch k {
                    case "value":
                        let name = try v.string()
                        guard values.contains(name) else {
                            throw v.error("unknown value; expected one of \(values.sorted().joined(separator: ", "))")
                        }
                        field.source = .value(name)
                    case "text": field.source = .text(try v.string())
                    case "width": field.width = try v.int()
                    case "align":
                        guard let a = BankField.TextAlign(rawValue: try v.string()) else { throw v.error("expected left or right") }
                        field.align = a
                    default:
                        let p = try v.string()
                        guard p.count == 1, let c = p.first else { throw v.error("pad is one character") }
                        field.pad = c
                    }
                }
                return field
            }
        }
        for (k, v) in try root.mapping(
            allowed: [
                "name", "source", "encoding", "line_ending", "kind", "separator", "quoting",
                "extension", "header", "columns", "trailer",
            ],
            required: ["name", "source", "encoding", "kind", "columns"])
        {
            switch k {
            case "name": t.name = try v.string()
            case "source": t.source = try v.string()
            case "encoding":
                let e = try v.string().lowercased()
                guard ["gb18030", "utf-8"].contains(e) else { throw v.error("expected gb18030 or utf-8") }
                t.encoding = e
            case "line_ending":
                switch try v.string() {
                case "crlf": t.lineEnding = "\r\n"
                case "lf": t.lineEnding = "\n"
                default: throw v.error("expected crlf or lf")
                }
            case "kind":
                guard let kind = Kind(rawValue: try v.string()) else { throw v.error("expected delimited or fixed") }
                t.kind = kind
            case "separator": t.separator = try v.string()
            case "quoting":
                guard let q = Quoting(rawValue: try v.string()) else { throw v.error("expected none or rfc4180") }
                t.quoting = q
            case "extension":
                t.extension_ = try v.string()
                guard CodeShape.fileExtension(t.extension_) else {
                    throw v.error("an extension is 1 to 8 letters or digits")
                }
            case "header": t.header = try v.sequence().map(fields)
            case "columns": t.columns = try fields(v)
            default: t.trailer = try v.sequence().map(fields)
            }
        }
        if t.kind == .fixed {
            for f in t.columns + t.header.flatMap({ $0 }) + t.trailer.flatMap({ $0 }) where f.width == nil {
                throw root.error("every field of a fixed-width layout needs a width (in bytes)")
            }
        }
        return t
    }
}

/// A paying account of the employer and the employees it pays.
public struct PayingAccount: Sendable {
    /// The account's id (names its bank files).
    public var id: String
    /// The account holder's name.
    public var name: String
    /// The account number (digits).
    public var account: String
    /// The account's bank.
    public var bankCode: String
    /// The account's BIC, for pain.001.
    public var bic: String?
    /// Employee bank codes this account pays; "*" pays everyone no other account pays.
    public var pays: [String]
    /// The bank's file layout.
    public var template: BankTemplate
}

/// The pipeline's `payments:` section.
public struct PaymentSettings: Sendable {
    /// The day of the month after the period on which salaries are paid.
    public var payDay: Int
    /// The paying accounts, in the order they are matched.
    public var accounts: [PayingAccount]
    /// Also write each file's ISO 20022 pain.001 twin.
    public var pain001: Bool
    /// BIC per employee bank code, for pain.001's creditor agent.
    public var bankBICs: [String: String]
    /// The purpose text of the transfers.
    public var purpose: String

    /// The requested execution date: `pay_day` of the month after the period (clamped to its length).
    public func executionDate(for period: Period) -> Day {
        let n = period.next
        return Day(year: n.year, month: n.month, day: min(payDay, Day.daysIn(year: n.year, month: n.month)))!
    }

    /// The account that pays an employee with `bankCode`.
    public func account(for bankCode: String) -> PayingAccount? {
        accounts.first { $0.pays.contains(bankCode) } ?? accounts.first { $0.pays.contains("*") }
    }

    /// A BIC as pain.001's schema accepts it (ISO 9362: 8 or 11 characters).
    static func bic(_ n: YNode) throws -> String {
        let b = try n.string()
        guard CodeShape.strictBIC(b) else {
            throw n.error("a BIC is 8 or 11 capital letters and digits (ISO 9362), e.g. ICBKCNBJ")
        }
        return b
    }

    /// Reads the pipeline file's `payments:` section; `resolve` turns its relative paths into paths.
    public static func parse(_ n: YNode, resolve: (String) -> String) throws -> PaymentSettings {
        var s = PaymentSettings(payDay: 10, accounts: [], pain001: true, bankBICs: [:], purpose: "工资")
        for (k, v) in try n.mapping(allowed: ["pay_day", "accounts", "pain001", "bank_bics", "purpose"], required: ["accounts"]) {
            switch k {
            case "pay_day":
                let d = try v.int()
                guard (1...31).contains(d) else { throw v.error("pay_day is a day of the month, 1 to 31") }
                s.payDay = d
            case "pain001": s.pain001 = try v.bool()
            case "purpose": s.purpose = try v.string()
            case "bank_bics":
                for (b, bv) in try v.entries() { s.bankBICs[b] = try PaymentSettings.bic(bv) }
            default:
                for a in try v.sequence() {
                    var id = ""
                    var name = ""
                    var account = ""
                    var bank = ""
                    var bic: String?
                    var pays: [String] = []
                    var template: BankTemplate?
                    for (ak, av) in try a.mapping(
                        allowed: ["id", "name", "account", "bank", "bic", "pays", "template"],
                        required: ["id", "name", "account", "bank", "pays", "template"])
                    {
                        switch ak {
                        case "id": id = try av.string()
                        case "name": name = try av.string()
                        case "account":
                            account = try av.string()
                            guard account.allSatisfy({ $0.isASCII && $0.isNumber }), (6...34).contains(account.count) else {
                                throw av.error("an account number is 6 to 34 digits (pain.001 holds 34; quote it in YAML)")
                            }
                        case "bank": bank = try av.string()
                        case "bic": bic = try PaymentSettings.bic(av)
                        case "pays": pays = try av.stringList()
                        default: template = try BankTemplate.load(path: resolve(try av.string()))
                        }
                    }
                    guard CodeShape.accountID(id) else { throw a.error("id is letters, digits, - or _") }
                    s.accounts.append(PayingAccount(id: id, name: name, account: account, bankCode: bank, bic: bic, pays: pays, template: template!))
                }
            }
        }
        if s.accounts.isEmpty { throw n.error("at least one paying account is needed") }
        return s
    }
}
