import CSVReader
import Foundation
import PayrollCore
import PayrollRules
import RunRecords
import Stages
import Synchronization

/// A bank file that cannot be written as asked; the message says why.
public struct BankFileError: Error, CustomStringConvertible, Sendable {
    /// Why the bank file cannot be written.
    public let message: String
    /// The employee whose line cannot be written, when it is one employee's.
    public var employee: String? = nil
    /// The message.
    public var description: String { message }
}

/// Batch-salary files, one per paying account, and their pain.001 twins.
public enum BankFiles {
    /// One employee paid by one account.
    public struct Payment: Sendable {
        /// Index into `Batch.employees`.
        public var employeeIndex: Int
        /// The net pay transferred.
        public var amount: Money
    }

    /// The files written for one paying account.
    public struct Written: Sendable {
        /// The paying account's id.
        public var account: String
        /// Paths relative to the run folder.
        public var files: [String]  // relative paths
        /// Payments in the files.
        public var count: Int
        /// Their total.
        public var total: Money
    }

    /// Splits the employees with net pay above zero between the paying accounts.
    /// Refuses when an employee is paid by no account or the files' total would
    /// differ from the register's net pay total.
    public static func assign(batch: Batch, run: PayrollRun, settings: PaymentSettings) throws -> [(PayingAccount, [Payment])] {
        // A handful of bank codes and accounts: each bank code is looked up once, then found by comparing short texts
        // (no hashing per employee); each account's list is reserved at its size, counted in a pass before (a million
        // payments appended to growing arrays would hold an old and a new copy at once as they grow).
        var slotOfAccount: [String: Int] = [:]  // account id → its list
        var known: [(bankCode: String, slot: Int?)] = []
        func slot(_ bankCode: String) -> Int? {
            for k in known where k.bankCode == bankCode { return k.slot }
            var s: Int?
            if let a = settings.account(for: bankCode) {
                s = slotOfAccount[a.id] ?? slotOfAccount.count
                slotOfAccount[a.id] = s
            }
            known.append((bankCode, s))
            return s
        }
        var counts: [Int] = []  // per slot; slots are numbered 0, 1, … as accounts are first met
        // By index, reading only the fields needed: no copy of each employee and pay result. Each employee's slot
        // (-1: not paid, -2: no account pays the bank) and net are noted in the first pass, so that the second reads
        // them (a few bytes each), not the pay results again (hundreds each).
        var slots = [Int32](repeating: -1, count: batch.employees.count)
        var nets = [Money](repeating: .zero, count: batch.employees.count)
        var registerTotal = Money.zero
        for i in batch.employees.indices {
            guard let net = run.net(i) else { continue }
            registerTotal += net
            nets[i] = net
            guard net > .zero else { continue }
            guard let s = slot(batch.employees[i].bankCode) else {
                slots[i] = -2
                continue
            }
            slots[i] = Int32(s)
            if s == counts.count { counts.append(0) }
            counts[s] += 1
        }
        var lists: [[Payment]] = counts.map { n in Array(unsafeUninitializedCapacity: n) { _, c in c = 0 } }
        for i in slots.indices where slots[i] != -1 {
            guard slots[i] >= 0 else {
                let e = batch.employees[i]
                throw BankFileError(
                    message:
                        "employee \(e.id) banks with \(e.bankCode), which no paying account in the pipeline pays; add it to an account's `pays` or add a \"*\" account",
                    employee: e.id)
            }
            lists[Int(slots[i])].append(Payment(employeeIndex: i, amount: nets[i]))
        }
        // Every slot has a payment (it was made for one); accounts in the settings' order.
        let out = settings.accounts.compactMap { a in slotOfAccount[a.id].map { (a, lists[$0]) } }
        let filesTotal = out.reduce(Money.zero) { total, account in account.1.reduce(total) { $0 + $1.amount } }  // no copy of every payment
        guard filesTotal == registerTotal else {
            throw BankFileError(
                message:
                    "the bank files would total \(filesTotal.fen) fen but the register's net pay totals \(registerTotal.fen) fen; nothing was written"
            )
        }
        return out
    }

    /// Every problem writing the bank files would meet, found without writing them (for validation):
    /// an employee no account pays, a value wider than its field, a total that does not fit, an
    /// end-to-end ID longer than pain.001's 35 characters. Nil when the files can be written.
    /// `threads` cores look for the payments that do not fit, each over a range of them; what is found is the same
    /// and in the same order.
    public static func check(
        batch: Batch, run: PayrollRun, settings: PaymentSettings, company: String, threads: Int = 1
    ) -> [BankFileError] {
        var problems: [BankFileError] = []
        if settings.pain001 {
            // Employee IDs are ASCII (SafeIdentifier), as is the period: bytes are characters, and the ID is only
            // made when it is too long.
            let periodLength = batch.period.description.utf8.count
            for i in batch.employees.indices where periodLength + 1 + batch.employees[i].id.utf8.count > 35 {
                guard let net = run.net(i), net > .zero else { continue }
                let e = batch.employees[i]
                let id = "\(batch.period)-\(e.id)"
                if id.count > 35 {
                    problems.append(
                        BankFileError(
                            message:
                                "pain.001's end-to-end ID (period and employee_id, \(id.count) characters) holds at most 35 characters; this employee_id is too long for the bank's file (at most 27 characters)",
                            employee: e.id))
                }
            }
        }
        // What render() refuses, found without rendering: in a fixed-width layout, a number or an account wider
        // than its field (text fields are cut to fit, never refused); delimited layouts refuse nothing. The values
        // are the ones render() writes (`detailValue`, `totalValue`).
        do {
            for (account, payments) in try assign(batch: batch, run: run, settings: settings) where account.template.kind == .fixed {
                let t = account.template
                func overflow(_ fields: [(name: String, width: Int)], employee: () -> String?, value: (String) -> String?) {
                    for (v, w) in fields {
                        guard let text = value(v), text.utf8.count > w else { continue }
                        let id = employee()
                        problems.append(
                            BankFileError(
                                message:
                                    "\(id.map { "employee \($0)" } ?? "the header or trailer"): \(v) needs \(text.utf8.count) positions but the layout gives \(w)",
                                employee: id))
                    }
                }
                let columns = strictWidths(t.columns)
                // Widths first, counted without making the texts (a million payments), over ranges of the payments
                // at once; the texts and the message only for a payment that does not fit, in payment order.
                for n in misfits(payments, columns: columns, employees: batch.employees, threads: threads) {
                    let p = payments[n]
                    overflow(columns, employee: { batch.employees[p.employeeIndex].id }) {
                        detailValue($0, seq: n + 1, payment: p, employees: batch.employees)
                    }
                }
                // A file whose count or total would not fit the header or trailer is split into parts that do
                // (`parts`); only a single payment too large for them is a problem.
                let totals = strictWidths(t.header.flatMap { $0 } + t.trailer.flatMap { $0 })
                for part in try parts(payments, totalFields: totals) {
                    var total = Money.zero
                    for p in payments[part] { total = try total.adding(p.amount) }
                    overflow(totals, employee: { nil }) { totalValue($0, count: part.count, total: total) }
                }
            }
        } catch let e as BankFileError {
            problems.append(e)
        } catch {
            problems.append(BankFileError(message: "\(error)"))
        }
        return problems
    }

    /// Writes each paying account's bank file (and pain.001 twin); `folder` turns a relative path into one inside the run folder.
    public static func write(
        batch: Batch, run: PayrollRun, settings: PaymentSettings, company: String,
        folder: (String) throws -> String
    ) throws -> [Written] {
        var written: [Written] = []
        for (account, payments) in try assign(batch: batch, run: run, settings: settings) {
            let t = account.template
            let split = try parts(
                payments, totalFields: t.kind == .fixed ? strictWidths(t.header.flatMap { $0 } + t.trailer.flatMap { $0 }) : [])
            var files: [String] = []
            for (k, part) in split.enumerated() {
                // One file per account, or, when its totals would not fit the layout, parts ACCOUNT-1, ACCOUNT-2, …
                let rel = split.count == 1 ? "bank/\(account.id).\(t.extension_)" : "bank/\(account.id)-\(k + 1).\(t.extension_)"
                let bytes = try render(
                    template: t, account: account, payments: Array(payments[part]), batch: batch, run: run, settings: settings,
                    company: company)
                try write(bytes, to: try folder(rel))
                files.append(rel)
            }
            if settings.pain001 {
                let xrel = "bank/\(account.id).pain001.xml"
                try write(
                    Array(pain001(account: account, payments: payments, batch: batch, settings: settings, company: company).utf8),
                    to: try folder(xrel))
                files.append(xrel)
            }
            written.append(
                Written(
                    account: account.id, files: files, count: payments.count,
                    total: payments.reduce(Money.zero) { $0 + $1.amount }))
        }
        return written
    }

    /// A strict detail field, its name looked at once rather than per payment.
    enum StrictDetail: Sendable {
        case seq, amount, amountCents, account
        case other(String)

        init(_ name: String) {
            switch name {
            case "seq": self = .seq
            case "amount": self = .amount
            case "amount_cents": self = .amountCents
            case "account": self = .account
            default: self = .other(name)
            }
        }
    }

    /// `detailWidth` of a field whose name was looked at once.
    @inline(__always)
    static func detailWidth(_ k: StrictDetail, seq: Int, payment p: Payment, employees: [Employee]) -> Int? {
        switch k {
        case .seq: return (seq < 0 ? 1 : 0) + DecimalText.count(UInt64(seq.magnitude))
        case .amount: return p.amount.textCount
        case .amountCents: return (p.amount.fen < 0 ? 1 : 0) + DecimalText.count(p.amount.fen.magnitude)
        case .account: return employees[p.employeeIndex].bankAccountUTF8Count
        case .other(let v): return detailValue(v, seq: seq, payment: p, employees: employees)?.utf8.count
        }
    }

    /// The positions (ascending) of the payments with a strict field wider than its column; `threads` look at ranges
    /// of them at once.
    static func misfits(_ payments: [Payment], columns: [(name: String, width: Int)], employees: [Employee], threads: Int) -> [Int] {
        guard !columns.isEmpty, !payments.isEmpty else { return [] }
        let fields = columns.map { (kind: StrictDetail($0.name), width: $0.width) }
        let chunks = max(1, min(threads * 4, payments.count / 65_536))
        let found = Mutex([[Int]](repeating: [], count: chunks))
        @Sendable func look(_ c: Int) {
            var mine: [Int] = []
            for n in (payments.count * c / chunks)..<(payments.count * (c + 1) / chunks) {
                let p = payments[n]
                if fields.contains(where: { (detailWidth($0.kind, seq: n + 1, payment: p, employees: employees) ?? 0) > $0.width }) {
                    mine.append(n)
                }
            }
            found.withLock { $0[c] = mine }
        }
        if chunks == 1 || threads <= 1 {
            for c in 0..<chunks { look(c) }
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks) { look($0) }
        }
        return found.withLock { Array($0.joined()) }
    }

    /// The fields of a fixed-width layout whose values are never cut (numbers, accounts), with their widths.
    static func strictWidths(_ fields: [BankField]) -> [(name: String, width: Int)] {
        fields.compactMap { f in
            guard case .value(let v) = f.source, strictFields.contains(v), let w = f.width else { return nil }
            return (v, w)
        }
    }

    /// Consecutive parts of an account's payments whose count and total fit the header and trailer fields (name and
    /// width); one part when they all fit, or when the layout has no such field.
    static func parts(_ payments: [Payment], totalFields: [(name: String, width: Int)]) throws -> [Range<Int>] {
        guard !totalFields.isEmpty, !payments.isEmpty else { return [0..<payments.count] }
        func fits(_ count: Int, _ total: Money) -> Bool {
            totalFields.allSatisfy { f in (totalWidth(f.name, count: count, total: total) ?? 0) <= f.width }
        }
        // Amounts all above zero: the count and the total only grow along the payments, and so do their texts'
        // widths; when the whole fits, every part of it does — one part, without a check per payment.
        var whole = Money.zero
        var positive = true
        for p in payments {
            positive = positive && p.amount > .zero
            whole = try whole.adding(p.amount)
        }
        if positive && fits(payments.count, whole) { return [0..<payments.count] }
        var out: [Range<Int>] = []
        var start = 0
        var total = Money.zero
        for i in payments.indices {
            let p = payments[i]
            let next = try total.adding(p.amount)
            if i > start && !fits(i - start + 1, next) {
                out.append(start..<i)
                start = i
                total = p.amount
            } else {
                total = next
            }
        }
        out.append(start..<payments.count)
        return out
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        do { try Data(bytes).write(to: URL(fileURLWithPath: path)) } catch {
            throw OutputError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    // MARK: templates

    /// Renders a template. Count and totals come from the detail lines as written.
    public static func render(
        template t: BankTemplate, account: PayingAccount, payments: [Payment], batch: Batch, run: PayrollRun,
        settings: PaymentSettings, company: String
    ) throws -> [UInt8] {
        let total = payments.reduce(Money.zero) { $0 + $1.amount }
        let date = settings.executionDate(for: batch.period)
        func common(_ name: String) -> String? {
            if let v = totalValue(name, count: payments.count, total: total) { return v }
            switch name {
            case "company": return company
            case "debtor_account": return account.account
            case "period": return batch.period.description
            case "date": return date.description
            case "date_compact": return date.description.replacingOccurrences(of: "-", with: "")
            case "purpose": return settings.purpose
            default: return nil
            }
        }
        var out: [UInt8] = []
        let encoder = GB18030Encoder()
        func encode(_ s: String, _ encoding: String, who: String) throws -> [UInt8] {
            if encoding == "utf-8" { return Array(s.utf8) }
            guard let b = encoder.encode(s) else { throw BankFileError(message: "\(who): a character cannot be written in GB18030") }
            return b
        }
        func fixedField(_ text: String, field f: BankField, encoding: String, who: String) throws -> [UInt8] {
            try BankFiles.fixedField(text, field: f, encoding: encoding, who: who, encode: encode)
        }
        func emit(_ fields: [BankField], value: (String) -> String?, who: String) throws {
            var line: [UInt8] = []
            for (k, f) in fields.enumerated() {
                var text: String
                switch f.source {
                case .text(let s): text = s
                case .value(let v): text = value(v) ?? common(v) ?? ""
                }
                if t.kind == .fixed {
                    line += try fixedField(text, field: f, encoding: t.encoding, who: who)
                } else {
                    if k > 0 { line += try encode(t.separator, t.encoding, who: who) }
                    line += try encode(delimited(text, separator: t.separator, quoting: t.quoting), t.encoding, who: who)
                }
            }
            out += line
            out += Array(t.lineEnding.utf8)
        }
        for h in t.header { try emit(h, value: { _ in nil }, who: "the header") }
        for (n, p) in payments.enumerated() {
            let e = batch.employees[p.employeeIndex]
            do {
                try emit(
                    t.columns,
                    value: { detailValue($0, seq: n + 1, payment: p, employees: batch.employees) }, who: "employee \(e.id)")
            } catch let error as BankFileError {
                throw BankFileError(message: error.message, employee: e.id)
            }
        }
        for tr in t.trailer { try emit(tr, value: { _ in nil }, who: "the trailer") }
        return out
    }

    /// A delimited value that cannot break its record: quoted (RFC 4180), or,
    /// where the bank's format has no quoting, with separators, quotes and
    /// line breaks replaced by their full-width forms.
    static func delimited(_ s: String, separator: String, quoting: BankTemplate.Quoting) -> String {
        switch quoting {
        case .rfc4180:
            if s.contains(separator) || s.contains("\"") || s.contains("\n") || s.contains("\r") {
                return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return s
        case .none:
            var r = s.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
            let fullWidth: [String: String] = [",": "，", "|": "｜", "\t": " ", ";": "；", "\"": "＂"]
            for (a, b) in fullWidth where separator.contains(a) || a == "\"" || a == "\t" { r = r.replacingOccurrences(of: a, with: b) }
            return r
        }
    }

    /// A payment line's value by its template name, as the bank file writes it; nil for a name it does not give.
    static func detailValue(_ v: String, seq: Int, payment p: Payment, employees: [Employee]) -> String? {
        switch v {
        case "seq": return String(seq)
        case "account": return employees[p.employeeIndex].bankAccount
        case "name": return employees[p.employeeIndex].name
        case "amount": return p.amount.description
        case "amount_cents": return String(p.amount.fen)
        case "employee_id": return employees[p.employeeIndex].id
        case "bank_code": return employees[p.employeeIndex].bankCode
        case "id_number": return employees[p.employeeIndex].idNumber
        default: return nil
        }
    }

    /// The UTF-8 length of `detailValue`'s text, counted without making it for the fields a fixed-width layout never
    /// cuts (`strictFields`).
    static func detailWidth(_ v: String, seq: Int, payment p: Payment, employees: [Employee]) -> Int? {
        detailWidth(StrictDetail(v), seq: seq, payment: p, employees: employees)
    }

    /// The length in bytes of `totalValue`'s text, without making it (once per payment when a file is split).
    static func totalWidth(_ v: String, count: Int, total: Money) -> Int? {
        switch v {
        case "count": return (count < 0 ? 1 : 0) + DecimalText.count(UInt64(count.magnitude))
        case "total": return total.textCount
        case "total_cents": return (total.fen < 0 ? 1 : 0) + DecimalText.count(total.fen.magnitude)
        default: return nil
        }
    }

    /// A header or trailer value that counts or sums the payments; nil for other names.

    static func totalValue(_ v: String, count: Int, total: Money) -> String? {
        switch v {
        case "count": return String(count)
        case "total": return total.description
        case "total_cents": return String(total.fen)
        default: return nil
        }
    }

    /// Values a fixed-width field never cuts: a number or an account that does not fit is an error.
    static let strictFields: Set<String> = ["amount", "amount_cents", "total", "total_cents", "count", "seq", "account"]

    /// A fixed-width field: padded or cut to `width` bytes of the encoding,
    /// never in the middle of a character; a number that does not fit is an error.
    static func fixedField(
        _ text: String, field f: BankField, encoding: String, who: String,
        encode: (String, String, String) throws -> [UInt8]
    ) throws -> [UInt8] {
        let width = f.width!
        var clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        var bytes = try encode(clean, encoding, who)
        if bytes.count > width {
            if case .value(let v) = f.source, strictFields.contains(v) {
                throw BankFileError(message: "\(who): \(v) needs \(bytes.count) positions but the layout gives \(width)")
            }
            while bytes.count > width, !clean.isEmpty {
                clean.removeLast()
                bytes = try encode(clean, encoding, who)
            }
        }
        let pad = try encode(String(f.pad), encoding, who)
        let fill = [UInt8](repeating: pad.first ?? 0x20, count: width - bytes.count)
        return f.align == .right ? fill + bytes : bytes + fill
    }

    // MARK: ISO 20022

    static func xml(_ s: String) -> String {
        var r = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": r += "&amp;"
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "\"": r += "&quot;"
            case "'": r += "&apos;"
            case "\n", "\r", "\t": r += " "
            default:
                if ch.value < 0x20 { continue }
                r.unicodeScalars.append(ch)
            }
        }
        return r
    }

    static func limit(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n)) }

    /// pain.001.001.09 for one paying account: one payment information block
    /// with category purpose SALA, batch booking, and one transaction per
    /// employee whose end-to-end ID is the period and employee ID.
    public static func pain001(
        account: PayingAccount, payments: [Payment], batch: Batch, settings: PaymentSettings,
        company: String
    ) -> String {
        let total = payments.reduce(Money.zero) { $0 + $1.amount }
        let date = settings.executionDate(for: batch.period)
        let msgID = limit("PAYROLL-\(batch.period)-\(account.id)", 35)
        var x = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <CstmrCdtTrfInitn>
                <GrpHdr>
                  <MsgId>\(xml(msgID))</MsgId>
                  <CreDtTm>\(batch.period.lastDay)T18:00:00</CreDtTm>
                  <NbOfTxs>\(payments.count)</NbOfTxs>
                  <CtrlSum>\(total.description)</CtrlSum>
                  <InitgPty><Nm>\(xml(limit(company, 140)))</Nm></InitgPty>
                </GrpHdr>
                <PmtInf>
                  <PmtInfId>\(xml(limit("\(msgID)-1", 35)))</PmtInfId>
                  <PmtMtd>TRF</PmtMtd>
                  <BtchBookg>true</BtchBookg>
                  <NbOfTxs>\(payments.count)</NbOfTxs>
                  <CtrlSum>\(total.description)</CtrlSum>
                  <PmtTpInf><CtgyPurp><Cd>SALA</Cd></CtgyPurp></PmtTpInf>
                  <ReqdExctnDt><Dt>\(date)</Dt></ReqdExctnDt>
                  <Dbtr><Nm>\(xml(limit(account.name, 140)))</Nm></Dbtr>
                  <DbtrAcct><Id><Othr><Id>\(xml(account.account))</Id></Othr></Id><Ccy>CNY</Ccy></DbtrAcct>

            """
        if let bic = account.bic {
            x += "      <DbtrAgt><FinInstnId><BICFI>\(xml(bic))</BICFI></FinInstnId></DbtrAgt>\n"
        } else {
            x += "      <DbtrAgt><FinInstnId><Othr><Id>\(xml(account.bankCode))</Id></Othr></FinInstnId></DbtrAgt>\n"
        }
        for p in payments {
            let e = batch.employees[p.employeeIndex]
            let agent = settings.bankBICs[e.bankCode].map { "<BICFI>\(xml($0))</BICFI>" } ?? "<Othr><Id>\(xml(limit(e.bankCode, 35)))</Id></Othr>"
            x += """
                      <CdtTrfTxInf>
                        <PmtId><EndToEndId>\(xml(limit("\(batch.period)-\(e.id)", 35)))</EndToEndId></PmtId>
                        <Amt><InstdAmt Ccy="CNY">\(p.amount.description)</InstdAmt></Amt>
                        <CdtrAgt><FinInstnId>\(agent)</FinInstnId></CdtrAgt>
                        <Cdtr><Nm>\(xml(limit(e.name, 140)))</Nm></Cdtr>
                        <CdtrAcct><Id><Othr><Id>\(xml(e.bankAccount))</Id></Othr></Id></CdtrAcct>
                        <Purp><Cd>SALA</Cd></Purp>
                        <RmtInf><Ustrd>\(xml(limit("\(settings.purpose) \(batch.period) Salary", 140)))</Ustrd></RmtInf>
                      </CdtTrfTxInf>

                """
        }
        x += """
                </PmtInf>
              </CstmrCdtTrfInitn>
            </Document>

            """
        return x
    }
}

extension BankFileError: KindedError {
    /// An operational failure (exit 70).
    public var kind: FailureKind { .operational }
}
