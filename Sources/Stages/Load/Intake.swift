import CSVReader
import Foundation
import PayrollCore
import PayrollRules
import Synchronization

/// Which methods each department type is appraised by.
public struct PerformanceSchemes: Sendable {
    /// Methods by department type.
    public var methods: [DeptType: Set<ScoreMethod>]
    /// STANDARD.md's schemes: KPI for front-line departments; MBO, 360 and BSC for back office.
    public static let standard = PerformanceSchemes(methods: [.frontline: [.kpi], .backoffice: [.mbo, .feedback360, .bsc]])
    /// True when department type `t` is appraised by method `m`.
    public func uses(_ t: DeptType, _ m: ScoreMethod) -> Bool { methods[t]?.contains(m) ?? false }
}

/// Everything intake needs to know besides the files.
public struct IntakeOptions: Sendable {
    /// The pay period.
    public var period: Period
    /// The folder holding the period's CONTRACT files.
    public var inputDirectory: String
    /// File names that differ from CONTRACT's.
    public var fileNames: [InputKind: String]
    /// The rule pack (cities, adjustment codes, banks).
    public var rulePack: RulePack
    /// Which methods each department type is appraised by.
    public var schemes: PerformanceSchemes
    /// Runs the per-file and per-employee work (the period run's executor; serial by default).
    public var scheduler: any WorkScheduler
    /// Grades a calibration may set.
    public var grades: [String]
    /// Messages may quote cell values (`--show-values`: personal data in the report).
    public var showValues = false
    /// A file at least this large is parsed in two parts at once (split at a record boundary); the results and
    /// diagnostics are those of one reading in order.
    public var splitBytes = 8 << 20
    /// Options of one intake.
    public init(
        period: Period, inputDirectory: String, fileNames: [InputKind: String] = [:], rulePack: RulePack,
        schemes: PerformanceSchemes = .standard, scheduler: any WorkScheduler = SerialScheduler(), grades: [String] = ["S", "A", "B", "C", "D"],
        showValues: Bool = false
    ) {
        self.period = period
        self.inputDirectory = inputDirectory
        self.fileNames = fileNames
        self.rulePack = rulePack
        self.schemes = schemes
        self.scheduler = scheduler
        self.grades = grades
        self.showValues = showValues
    }
    /// The file name of an input kind.
    public func fileName(_ k: InputKind) -> String { fileNames[k] ?? k.defaultFileName }
    /// The path of an input kind's file.
    public func path(_ k: InputKind) -> String { (inputDirectory as NSString).appendingPathComponent(fileName(k)) }
}

/// Where a long stage is: what it is doing (in both languages), how far, and out of how many when that is known.
public struct ProgressEvent: Sendable {
    /// The stage, e.g. 读取 attendance.csv / reading attendance.csv.
    public var stage: Bilingual
    /// Items done so far (rows, employees, payslips).
    public var done: Int
    /// Items in all, when known: the bar, the percentage and the ETA need it.
    public var total: Int?
    /// An event.
    public init(_ stage: Bilingual, done: Int, total: Int? = nil) {
        self.stage = stage
        self.done = done
        self.total = total
    }
}

/// Receives progress events of long stages (the command line draws them on a terminal).
public typealias ProgressReport = @Sendable (ProgressEvent) -> Void

/// Loads and validates a period's CONTRACT files in four stages, collecting
/// every problem of the batch before it stops.
public enum Intake {
    /// Per-employee checks run over shards of at least this many employees.
    public static let employeesPerShard = 1024
    /// Reads every file of the period and runs the four validation stages; every problem is a diagnostic of the batch.
    public static func load(_ o: IntakeOptions, progress: ProgressReport? = nil) throws -> Batch {
        let executor = o.scheduler
        var inputs: [InputFile] = []
        var diags: [Diagnostic] = []

        // Stage 1 + 2 for employees: every other file refers to it.
        let started = DispatchTime.now()
        @Sendable func since(_ t: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t.uptimeNanoseconds) / 1e9 }
        let emp = try readEmployees(o, progress: progress)
        var timings = [(o.fileName(.employees), since(started))]
        diags += emp.diagnostics
        if let f = emp.file { inputs.append(f) }
        let employees = emp.employees
        let lookup = emp.index
        // When employees.csv could not be read to its end, "unknown employee"
        // elsewhere would only be noise: those checks wait for a readable file.
        // A header problem in another column does not matter here: the IDs are known as long as employee_id is there.
        let stopping: Set<String> = Set([Code.encoding, .malformedQuote, .unterminatedQuote, .emptyFile].map(\.rawValue))
        let employeesComplete =
            emp.file != nil
            && !emp.diagnostics.contains {
                stopping.contains($0.code) || ($0.code == Code.missingColumn.rawValue && $0.column == "employee_id")
            }

        // The other files are independent of each other: read them in parallel.
        let tasks: [@Sendable () throws -> FileResult] = [
            { try readAttendance(o, employees: employees, index: lookup, checkReferences: employeesComplete, progress: progress) },
            { try readScores(o, employees: employees, index: lookup, checkReferences: employeesComplete, progress: progress) },
            { try readAdjustments(o, employees: employees, index: lookup, checkReferences: employeesComplete, progress: progress) },
            {
                try readAdjustments(
                    o, .retroAdjustments, employees: employees, index: lookup, checkReferences: employeesComplete, progress: progress)
            },
            { try readCalibration(o, index: lookup, checkReferences: employeesComplete) },
            { try readPoints(o, count: employees.count, index: lookup, checkReferences: employeesComplete) },
            { try readCoaching(o, count: employees.count, index: lookup, checkReferences: employeesComplete) },
        ]
        let filesStarted = DispatchTime.now()
        let timed = executor.runAll(
            tasks.map { t in
                {
                    let t0 = DispatchTime.now()
                    let r = Result { try t() }
                    return (r, since(t0))
                }
            })
        let results = try timed.map { try $0.0.get() }
        for (r, seconds) in zip(results, timed.map(\.1)) where seconds >= 0.001 {
            if let f = r.file { timings.append((f.path.split(separator: "/").last.map(String.init) ?? f.kind, seconds)) }
        }
        let checksStarted = DispatchTime.now()
        // Made (all zero) only when no attendance was read: a million zeros written and then replaced were 80 MB and
        // a pass of their own.
        var attendance: [AttendanceSummary] = []
        var attendanceRead = false
        var scores: [ScoreRow] = []
        var adjustments: [Adjustment] = []
        var scoreMethods: [UInt8] = Array(repeating: 0, count: employees.count)
        var scoresRead = false
        var calibrations: [Calibration] = []
        // Empty unless the optional file gives some (readers treat empty as all zero): a million employees' zeros
        // would otherwise be kept through the run.
        var points: [Fixed] = []
        var checkIns: [CheckIns] = []
        var compTimeColumn = false
        for r in results {
            compTimeColumn = compTimeColumn || r.compTimeColumn
            if let c = r.calibrations { calibrations = c }
            if let p = r.points { points = p }
            if let c = r.checkIns { checkIns = c }
            diags += r.diagnostics
            if let f = r.file { inputs.append(f) }
            if let a = r.attendance {
                attendance = a
                attendanceRead = true
            }
            if let s = r.scores {
                scores = s
                scoresRead = true
            }
            if let m = r.scoreMethods { scoreMethods = m }
            if let a = r.adjustments { adjustments += a }
        }

        if !attendanceRead { attendance = Array(repeating: AttendanceSummary(), count: employees.count) }
        // Stages 3 and 4 per employee, sharded.
        let att = attendance
        let methods = scoreMethods
        let haveAttendance = attendanceRead
        let haveScores = scoresRead
        let period = o.period
        let schemes = o.schemes
        let employeesFile = o.fileName(.employees)
        let usedMethods = DeptType.allCases.map { t in
            ScoreMethod.allCases.reduce(UInt8(0)) { mask, m in schemes.uses(t, m) ? mask | 1 << UInt8(m.rawValue) : mask }
        }
        let perEmployee: [Diagnostic] = executor.map(count: employees.count, minShard: Intake.employeesPerShard) { range in
            var sink = DiagnosticSink(file: employeesFile)
            for i in range {
                checkEmployee(
                    employees[i], attendance: haveAttendance ? att[i] : nil,
                    methods: haveScores ? methods[i] : nil, period: period, schemes: schemes,
                    usedMethods: usedMethods[employees[i].deptType == .frontline ? 0 : 1], sink: &sink)
            }
            return sink.finish()
        }
        diags += perEmployee
        diags.sort(by: Diagnostic.reportOrder)
        if !inEmployeeOrder(scores) { scores.sort { $0.employee < $1.employee || ($0.employee == $1.employee && $0.line < $1.line) } }
        // adjustments.csv's rows, then retro_adjustments.csv's, per employee (the pay stage reads ranges).
        adjustments.sort {
            $0.employee != $1.employee ? $0.employee < $1.employee : ($0.file != $1.file ? $0.file == o.fileName(.adjustments) : $0.line < $1.line)
        }
        diags += duplicateRatings(scores, employees: employees, file: o.fileName(.scores), scheduler: executor)
        diags.sort(by: Diagnostic.reportOrder)
        var batch = Batch(
            period: o.period, employees: employees, attendance: attendance, scores: scores,
            adjustments: adjustments, inputs: inputs, diagnostics: diags)
        batch.calibrations = calibrations
        batch.points = points
        batch.checkIns = checkIns
        batch.compTimeTracked = compTimeColumn
        timings.append(("other files", since(filesStarted) - since(checksStarted)))
        timings.append(("checks", since(checksStarted)))
        batch.timings = timings
        return batch
    }

    /// True when the score rows are already in the order the sort after reading gives (employee, then line): a file
    /// grouped by employee is, and a pass of integer comparisons is all it then takes (the sort's own pass compared
    /// 6.5 million rows through its closure).
    static func inEmployeeOrder(_ rows: [ScoreRow]) -> Bool {
        rows.withUnsafeBufferPointer { b in
            for k in b.indices.dropFirst()
            where b[k].employee < b[k - 1].employee || (b[k].employee == b[k - 1].employee && b[k].line < b[k - 1].line) {
                return false
            }
            return true
        }
    }

    struct FileResult: Sendable {
        var diagnostics: [Diagnostic] = []
        var file: InputFile?
        var attendance: [AttendanceSummary]?
        var scores: [ScoreRow]?
        var scoreMethods: [UInt8]?
        var adjustments: [Adjustment]?
        var calibrations: [Calibration]?
        var points: [Fixed]?
        var checkIns: [CheckIns]?
        var compTimeColumn = false
    }

    /// Lowers the calling thread's scheduling priority a little (nice +5: its share of a core against a thread at
    /// the default is about a third); for a thread of its own that ends with its work.
    static func lowerPriority() {
        #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 5)  // on Linux, 0 is the calling thread
        #endif
    }

    /// Opens a file and runs stage 1; calls `row` for each data record whose
    /// header resolved. Returns nil for `file` when the file is absent.
    static func scan(
        _ o: IntakeOptions, _ kind: InputKind, progress: ProgressReport?,
        row: (TableScan, CSVRecord) -> Void
    ) throws -> (TableScan, InputFile?) {
        let name = o.fileName(kind)
        let scan = TableScan(kind: kind, fileName: name, showValues: o.showValues)
        let path = o.path(kind)
        guard FileManager.default.fileExists(atPath: path) else {
            if !kind.isOptional {
                scan.sink.add(
                    .fileMissing, line: nil, column: nil, employee: nil,
                    en: "required file \(name) is not in the input folder", zh: "输入目录中缺少必需文件 \(name)")
            }
            return (scan, nil)
        }
        var headerOK = false
        let reader = CSVFileReader(path: path)
        let summary = try reader.read { rec in
            if rec.index == 0 {
                headerOK = scan.resolveHeader(rec)
                return
            }
            if rec.index & 0xFFFF == 0, let progress { progress(ProgressEvent(Bilingual("读取 \(name)", "reading \(name)"), done: rec.index)) }
            if headerOK {
                row(scan, rec)
                scan.end()
            }
        }
        reportEnd(scan, kind, summary, headerOK: headerOK)
        let file = InputFile(
            kind: kind.rawValue, path: path, encoding: summary.encoding.rawValue,
            records: max(0, summary.records - 1), bytes: summary.bytes)
        return (scan, file)
    }

    /// Stage 1's findings at the end of a file: the fault that stopped reading, an empty file, a header without rows.
    static func reportEnd(_ scan: TableScan, _ kind: InputKind, _ summary: CSVReadSummary, headerOK: Bool) {
        switch summary.fault {
        case .none: break
        case let .unterminatedQuote(line):
            scan.sink.add(
                .unterminatedQuote, line: line, column: nil, employee: nil,
                en: "a quoted field opened on this line is never closed; the file ends inside it",
                zh: "此行开始的引号字段未闭合，文件在引号内结束")
        case let .malformedQuote(line):
            scan.sink.add(
                .malformedQuote, line: line, column: nil, employee: nil,
                en: "malformed quoting: a quote inside an unquoted field or text after a closing quote; reading of this file stopped here",
                zh: "引号格式错误：未加引号的字段中含引号，或闭合引号后还有文本；此文件在此停止读取")
        case let .invalidEncoding(offset, line):
            scan.sink.add(
                .encoding, line: line, column: nil, employee: nil,
                en:
                    "the file is neither valid UTF-8 nor valid GB18030: invalid byte sequence at byte offset \(offset); reading of this file stopped here",
                zh: "文件既不是有效的 UTF-8 也不是有效的 GB18030：字节偏移 \(offset) 处有无效字节序列；此文件在此停止读取")
        }
        if summary.records == 0 && summary.fault == nil {
            scan.sink.add(
                .emptyFile, line: nil, column: nil, employee: nil,
                en: "the file is empty: expected a header row and data rows", zh: "文件为空：应有表头行和数据行")
        } else if summary.records == 1 && summary.fault == nil && headerOK {
            if kind == .employees || kind == .attendance {
                scan.sink.add(
                    .noRows, line: 1, column: nil, employee: nil,
                    en: "the file has a header but no data rows", zh: "文件只有表头，没有数据行")
            } else {
                scan.sink.add(
                    .noRowsOptional, line: 1, column: nil, employee: nil,
                    en: "the file has a header but no data rows", zh: "文件只有表头，没有数据行")
            }
        }
    }

    /// What the closures of a reading in parts share; each part touches only its own state.
    struct Unchecked<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    /// A part of a file being read at the same time as the others: its own view of the header's columns, its own
    /// diagnostics and the reader's state for its rows.
    final class ScanPart<State>: @unchecked Sendable {
        let scan: TableScan
        let state: State
        var summary = CSVReadSummary(encoding: .utf8, records: 0, bytes: 0)
        init(_ scan: TableScan, _ state: State) {
            self.scan = scan
            self.state = state
        }
    }

    /// Like `scan`, for a large file: after its header, its records are read in two parts at once (split at a
    /// record boundary), each with its own state from `makeState` (given the part's number), whose rows `row` reads. Returns the parts'
    /// states in file order and a scan whose diagnostics are those one reading in order would give: the parts'
    /// merged, with the end-of-file findings. A file that is small, or whose first line is not a header
    /// alone, or that has a fault (bad quoting or bytes), is read in order in one part; when the first part
    /// finds the file is GB18030 the second is read again in it.
    static func scanInParts<State: AnyObject>(
        _ o: IntakeOptions, _ kind: InputKind, progress: ProgressReport?, yielding: Bool = false,
        makeState: @escaping (_ part: Int) -> State, row: @escaping (State, TableScan, CSVRecord) -> Void
    ) throws -> (scan: TableScan, states: [State], file: InputFile?) {
        let path = o.path(kind)
        let name = o.fileName(kind)
        let reader = CSVFileReader(path: path)
        let parts = FileManager.default.fileExists(atPath: path) ? try reader.parts(2, minimumBytes: o.splitBytes) : []
        func inOrder() throws -> (scan: TableScan, states: [State], file: InputFile?) {
            let state = makeState(0)
            let (scan, file) = try scan(o, kind, progress: progress) { t, rec in row(state, t, rec) }
            return (scan, [state], file)
        }
        guard parts.count == 3 else { return try inOrder() }
        let header = TableScan(kind: kind, fileName: name, showValues: o.showValues)
        var headerOK = false
        let headerSummary = try reader.read(part: parts[0]) { rec in headerOK = header.resolveHeader(rec) }
        guard headerSummary.records == 1, headerSummary.fault == nil, headerOK else { return try inOrder() }
        let recordsRead = Mutex(0)
        func readPart(_ part: CSVPart, _ k: Int) throws -> ScanPart<State> {
            let p = ScanPart(header.forPart(), makeState(k))
            p.summary = try reader.read(part: part) { rec in
                if rec.index & 0xFFFF == 0xFFFF, let progress {
                    let done = recordsRead.withLock {
                        $0 += 0x10000
                        return $0
                    }
                    progress(ProgressEvent(Bilingual("读取 \(name)", "reading \(name)"), done: done))
                }
                row(p.state, p.scan, rec)
                p.scan.end()
            }
            return p
        }
        var first = parts[1]
        first.encoding = headerSummary.encoding
        first.mayBecomeGB18030 = headerSummary.mayBecomeGB18030
        let guessed = parts[2]
        // The second part on a thread of its own, the first on this one: a file read while another is (attendance
        // beside scores) then takes a third thread instead of waiting for one of the workers.
        let read = Unchecked(readPart)
        let second = Mutex<Result<ScanPart<State>, any Error>?>(nil)
        let readSecond: @Sendable () -> Void = {
            let r = Result { try read.value(guessed, 1) }
            second.withLock { $0 = r }
        }
        let finished = DispatchSemaphore(value: 0)
        let parallel = o.scheduler.parallelism > 1
        func start(_ body: @escaping @Sendable () -> Void) {
            let thread = Thread {
                if yielding { Intake.lowerPriority() }
                body()
                finished.signal()
            }
            thread.stackSize = 1 << 22
            thread.start()
        }
        if parallel { start(readSecond) }
        let firstResult: Result<ScanPart<State>, any Error>
        if parallel && yielding {
            // Both parts on threads of their own, at a lower priority than the file read beside them.
            let result = Mutex<Result<ScanPart<State>, any Error>?>(nil)
            let firstPart = first
            start {
                let r = Result { try read.value(firstPart, 0) }
                result.withLock { $0 = r }
            }
            finished.wait()
            finished.wait()
            firstResult = result.withLock { $0 }!
        } else {
            firstResult = Result { try read.value(first, 0) }
            if parallel { finished.wait() } else { readSecond() }
        }
        let a = try firstResult.get()
        var b = try second.withLock { $0 }!.get()
        // The second part was read in the encoding the file starts with; the first part may have found another.
        var expected = parts[2]
        expected.encoding = a.summary.encoding
        expected.mayBecomeGB18030 = a.summary.mayBecomeGB18030
        var encodingFault = false
        if case .invalidEncoding = b.summary.fault { encodingFault = true }
        if a.summary.fault == nil && (expected.encoding != guessed.encoding || (encodingFault && expected.mayBecomeGB18030)) {
            b = try readPart(expected, 1)
        }
        // A fault stops a reading in order where it is, with its own counts: such a file is read again that way.
        if a.summary.fault != nil || b.summary.fault != nil { return try inOrder() }
        let used = [a, b]
        var summary = headerSummary
        for p in used {
            header.sink.merge(p.scan.sink)
            summary.records += p.summary.records
            summary.bytes += p.summary.bytes
            summary.encoding = p.summary.encoding
            summary.fault = p.summary.fault
        }
        reportEnd(header, kind, summary, headerOK: true)
        let file = InputFile(
            kind: kind.rawValue, path: path, encoding: summary.encoding.rawValue, records: max(0, summary.records - 1), bytes: summary.bytes)
        return (header, used.map { $0.state }, file)
    }

    // MARK: employees.csv

    struct EmployeesResult {
        var employees: [Employee]
        /// The employees' IDs → their positions in `employees`.
        var index: IDIndex
        var diagnostics: [Diagnostic]
        var file: InputFile?
    }

    /// Puts `list` in the order given (new position k takes old position `order[k]`) in place, by cycles:
    /// no second copy of a million employees.
    static func permute<T>(_ list: inout [T], _ order: [Int32]) {
        var placed = [Bool](repeating: false, count: list.count)
        for start in list.indices where !placed[start] {
            var k = start
            let first = list[start]
            while true {
                placed[k] = true
                let from = Int(order[k])
                if from == start {
                    list[k] = first
                    break
                }
                list[k] = list[from]
                k = from
            }
        }
    }

    /// The reading of employees.csv, or of one part of it.
    final class EmployeeRows {
        let o: IntakeOptions
        let firstDay: Day
        var list: [Employee] = []
        /// The IDs of `list`, in its order.
        var index: IDIndex
        var cityCache = FewTexts<CityParameters?>()
        /// Each bank_code text seen and the bank it names (rows repeat a few codes).
        var bankCache = FewTexts<BankInfo?>()
        var cols: EmployeeCols?
        /// A row whose ID an earlier row of this part has (at position `first` of `list`); it makes no employee.
        struct Repeat {
            let line: Int
            let first: Int32
            let id: String
        }
        var repeats: [Repeat] = []

        init(_ o: IntakeOptions, expected: Int) {
            self.o = o
            firstDay = o.period.firstDay
            list.reserveCapacity(expected)
            index = IDIndex(capacity: expected)
        }

        func row(_ t: TableScan, _ rec: CSVRecord) {
            if cols == nil { cols = EmployeeCols(t) }
            let c = cols!
            guard t.begin(rec) else { return }
            // Every cell of the row is checked even when its ID cannot be used; only a usable ID makes an employee.
            var keep = true
            let id = t.text(c.employeeID, required: true)
            if let id {
                if let why = SafeIdentifier.problem(id) {
                    t.error(
                        .unsafeIdentifier, c.employeeID,
                        en:
                            "employee_id must be 1 to \(SafeIdentifier.maxLength) ASCII letters, digits, '-', '_' or '.', starting with a letter or digit (it names the payslip file); \(why.en)",
                        zh: "工号须为 1 至 \(SafeIdentifier.maxLength) 个 ASCII 字母、数字或 '-'、'_'、'.'，以字母或数字开头（用作工资单文件名）；此值\(why.zh)")
                    keep = false
                } else {
                    t.employee = id
                    // Every ID inserted here becomes the employee at the same position of `list` (keep stays true).
                    // A repeat is reported when the parts are merged, with the line where the ID is first used in the file.
                    if let first = index.insert(t.raw(c.employeeID)!) {
                        t.rowErrors += 1
                        repeats.append(Repeat(line: t.line, first: first, id: id))
                        keep = false
                    }
                }
            } else {
                keep = false
            }
            let name = t.text(c.name, required: true)
            // ID numbers and accounts are kept packed from the cell's bytes: no String of 18–19 bytes (kept on the
            // heap) made for each of a million rows, unless the text is not digits.
            let idNumber = t.textBytes(c.idNumber, required: true)
            if idNumber != nil, let raw = t.raw(c.idNumber), let p = ResidentID.validate(raw) {
                let why: (String, String)
                switch p {
                case .wrongLength(let n): why = ("it has \(n) characters, expected 18", "长度为 \(n) 位，应为 18 位")
                case .badCharacter: why = ("it must be 17 digits and a digit or X", "应为 17 位数字加 1 位数字或 X")
                case .badBirthDate: why = ("its birth date part is not a real date", "其中的出生日期不是有效日期")
                case .checkDigitMismatch: why = ("its check character does not match (ISO 7064 MOD 11-2)", "校验码不符（ISO 7064 MOD 11-2）")
                }
                t.error(.idNumber, c.idNumber, en: "invalid resident ID number: \(why.0)", zh: "身份证号无效：\(why.1)")
            }
            let department = t.text(c.department, required: true)
            let deptType = t.enumeration(c.deptType, Matchers.deptType, required: true)
            let position = t.text(c.position, required: true)
            let costCenter = t.text(c.costCenter, required: true)
            let city = t.textBytes(c.city, required: true).map { raw in
                // Already lower case (ASCII without capitals, the usual spelling): no lowercased copy.
                raw.allSatisfy { $0 < 0x80 && !($0 >= 0x41 && $0 <= 0x5A) } ? raw.string : raw.string.lowercased()
            }
            var cityParams: CityParameters?
            if let city {
                if let cached = cityCache.value(city) {
                    cityParams = cached
                } else {
                    cityParams = o.rulePack.city(city, on: firstDay)
                    cityCache.add(city, cityParams)
                }
                if cityParams == nil {
                    let known = o.rulePack.cities[city] != nil
                    let shown = t.shown(t.raw(c.city)!)
                    t.error(
                        .unknownCity, c.city,
                        en: known
                            ? "the rule pack has no parameters for city \(city) on \(firstDay)"
                            : "unknown city (\(shown.en)); the rule pack knows \(o.rulePack.cities.keys.sorted().joined(separator: ", "))",
                        zh: known
                            ? "规则包中没有城市 \(city) 在 \(firstDay) 适用的参数"
                            : "未知城市（\(shown.zh)）；规则包支持：\(o.rulePack.cities.keys.sorted().map { "「\($0)」\(o.rulePack.cityName($0, .zh))" }.joined(separator: "、"))"
                    )
                }
            }
            let hire = t.date(c.hireDate, required: true)
            let leave = t.date(c.leaveDate, required: false)
            let contractEnd = t.date(c.contractEnd, required: false)
            let base = t.money(c.baseSalary, required: true, allowNegative: true)
            let positionSalary = t.money(c.positionSalary, required: true, allowNegative: true)
            let allowance = t.money(c.allowance, required: false, allowNegative: false)
            let bonusBase = t.money(c.bonusBase, required: false, allowNegative: false)
            let siBase = t.money(c.siBase, required: true, allowNegative: false)
            let hfBase = t.money(c.hfBase, required: false, allowNegative: false)
            let hfRate = t.decimal(c.hfRate, required: true, what: "a housing-fund rate as a fraction (e.g. 0.07)")
            if let hfRate, let cp = cityParams {
                let hf = cp.housingFund
                if hfRate < hf.minRate || hfRate > hf.maxRate {
                    t.error(
                        .hfRateRange, c.hfRate,
                        en: "housing-fund rate \(hfRate) is outside \(o.rulePack.cityName(cp.city, .en))'s range \(hf.minRate)–\(hf.maxRate)",
                        zh: "公积金比例 \(hfRate) 超出\(o.rulePack.cityName(cp.city, .zh))允许的范围 \(hf.minRate)–\(hf.maxRate)")
                }
            }
            var special = t.money(c.specialDeduction, required: false, allowNegative: false)
            // By category (CONTRACT: sd_*): special_deduction may then be empty (it is their sum) or must equal it.
            let items = c.specialItems.map { t.money($0, required: false, allowNegative: false) }
            var specialItems: [Money]?
            if items.contains(where: { $0 != nil }) {
                let list = items.map { $0 ?? .zero }
                let sum = list.reduce(Money.zero, +)
                if let given = special, given != sum {  // amounts stay out of the message: they say much about a family
                    t.error(
                        .specialDeductionSum, c.specialDeduction,
                        en: "special_deduction is not the sum of the sd_* columns of this row",
                        zh: "专项附加扣除不等于本行各分项（sd_* 列）之和")
                }
                special = special ?? sum
                specialItems = list
            }
            var bankCode = t.text(c.bankCode, required: true)
            if let code = bankCode, !o.rulePack.banks.isEmpty {
                let bank: BankInfo?
                if let cached = bankCache.value(code) {
                    bank = cached
                } else {
                    bank = o.rulePack.bank(named: code)
                    bankCache.add(code, bank)
                }
                if let known = bank {
                    bankCode = known.code  // the short code, whichever spelling the file used
                } else {
                    let shown = t.shown(t.raw(c.bankCode)!)
                    t.error(
                        .unknownBank, c.bankCode,
                        en:
                            "unknown bank (\(shown.en)); give a short code or the 3-digit CNAPS code of a bank the rule pack lists: \(o.rulePack.banks.map(\.code).joined(separator: ", "))",
                        zh: "未知银行（\(shown.zh)）；请填写规则包所列银行的简称或 3 位行别代码：\(o.rulePack.banks.map(\.code).joined(separator: ", "))")
                    bankCode = nil
                }
            }
            let deductionMode = t.enumeration(c.basicDeductionMode, Matchers.deductionMode, required: false) ?? .employment
            let serviceStart = t.date(c.serviceStart, required: false)
            let account = t.textBytes(c.bankAccount, required: true)
            if let account {
                let digits = account.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
                if !digits || account.count < 6 || account.count > 34 {
                    let text = account.string
                    let looksNumeric = text.contains("E+") || text.contains("e+") || text.contains(".")
                    t.error(
                        .bankAccount, c.bankAccount,
                        en: "a bank account must be 6 to 34 digits kept as text"
                            + (looksNumeric ? "; this one looks like a number Excel reformatted (e.g. 6.22E+18)" : ""),
                        zh: "银行账号应为 6 至 34 位数字（以文本保存）" + (looksNumeric ? "；该值像是被 Excel 转成了数字（如 6.22E+18）" : ""))
                }
            }
            guard keep, let id else { return }
            let idPacked = idNumber.flatMap { PackedText(packing: $0) }
            let accountPacked = account.flatMap { PackedText(packing: $0) }
            list.append(
                Employee(
                    id: id, name: name ?? "", idNumber: idPacked == nil ? idNumber?.string ?? "" : "", department: department ?? "",
                    deptType: deptType ?? .frontline, position: position ?? "", costCenter: costCenter ?? "",
                    city: city ?? "", hireDate: hire ?? firstDay, leaveDate: leave, contractEnd: contractEnd,
                    baseSalary: base ?? .zero, positionSalary: positionSalary ?? .zero, allowance: allowance,
                    bonusBase: bonusBase, siBase: siBase ?? .zero, hfBase: hfBase, hfRate: hfRate ?? .zero,
                    specialDeduction: special, bankCode: bankCode ?? "", bankAccount: accountPacked == nil ? account?.string ?? "" : "",
                    line: t.line, rowValid: t.rowErrors == 0 && hire != nil && deptType != nil))
            if let idPacked { list[list.count - 1].idNumberPacked = idPacked }
            if let accountPacked { list[list.count - 1].bankAccountPacked = accountPacked }
            list[list.count - 1].basicDeductionMode = deductionMode
            list[list.count - 1].serviceStart = serviceStart
            list[list.count - 1].specialDeductionItems = specialItems
        }
    }

    static func readEmployees(_ o: IntakeOptions, progress: ProgressReport?) throws -> EmployeesResult {
        // About 150 bytes a row: reserve once instead of rehashing a growing table.
        var expected = 1024
        if let size = (try? FileManager.default.attributesOfItem(atPath: o.path(.employees)))?[.size] as? Int {
            expected = min(size / 150, 20_000_000)
        }
        let (scan, parts, file) = try scanInParts(
            o, .employees, progress: progress, makeState: { part in EmployeeRows(o, expected: part == 0 ? expected : expected / 2 + 1024) },
            row: { rows, t, rec in rows.row(t, rec) })
        let column = EmployeeCols(scan).employeeID.name
        func reportRepeat(line: Int, first: Int, id: String) {
            scan.sink.add(
                .duplicateEmployee, line: line, column: column, employee: id,
                en: "employee_id is already used on line \(first); employee IDs must be unique", zh: "工号已在第 \(first) 行使用；工号必须唯一")
        }
        let whole = parts[0]
        for r in whole.repeats { reportRepeat(line: r.line, first: whole.list[Int(r.first)].line, id: r.id) }
        // The later parts' employees are copied after the first part's, into memory not touched yet: its pages are
        // made present on the other core (idle while this one merges) as the copy goes, not faulted in one by one here.
        let joining = parts.dropFirst().reduce(0) { $0 + $1.list.count }
        whole.list.reserveCapacity(whole.list.count + joining)
        let populating = DispatchGroup()
        if joining > 0 && o.scheduler.parallelism > 1,
            let tail = whole.list.withUnsafeMutableBufferPointer({ b in b.baseAddress.map { Unchecked($0 + b.count) } })
        {
            DispatchQueue.global().async(group: populating) { Prefault.populate(tail.value, count: joining) }
        }
        defer { populating.wait() }  // the tail is the list's own memory: no call on it outlives the list
        for part in parts.dropFirst() {
            // Its employees join the first part's; an ID the parts before it have is a repeat too.
            var position = [Int32](repeating: 0, count: part.list.count)
            var found: [(line: Int, first: Int, id: String)] = []
            // By index, the ID's bytes read in place: no copy of each employee, no array of each ID's bytes.
            for i in part.list.indices {
                if let first = whole.index.insert(part.list[i].id.utf8) {
                    position[i] = first
                    found.append((part.list[i].line, whole.list[Int(first)].line, part.list[i].id))
                } else {
                    position[i] = Int32(whole.list.count)
                    whole.list.append(part.list[i])
                }
            }
            for r in part.repeats { found.append((r.line, whole.list[Int(position[Int(r.first)])].line, r.id)) }
            found.sort { $0.line < $1.line }
            for r in found { reportRepeat(line: r.line, first: r.first, id: r.id) }
            // The part's own copy (half a million employees) is let go on a worker, which frees it while this core
            // goes on: freeing it here took about 50 ms with the other core idle.
            let copied = part.list
            part.list = []
            if o.scheduler.parallelism > 1 { DispatchQueue.global().async { withExtendedLifetime(copied) {} } }
        }
        var list = whole.list
        whole.list = []
        var index = whole.index
        whole.index = IDIndex()  // the only reference left: sorting it copies nothing
        if let order = index.sortByID() { permute(&list, order) }
        return EmployeesResult(employees: list, index: index, diagnostics: scan.sink.finish(), file: file)
    }

    // MARK: attendance_summary.csv

    /// A period gives either daily rows (attendance.csv) or a monthly summary per employee (attendance_summary.csv).
    static func readAttendance(
        _ o: IntakeOptions, employees: [Employee], index: IDIndex,
        checkReferences: Bool, progress: ProgressReport?
    ) throws -> FileResult {
        let summaryThere = FileManager.default.fileExists(atPath: o.path(.attendanceSummary))
        guard summaryThere else {
            return try readAttendanceRows(o, employees: employees, index: index, checkReferences: checkReferences, progress: progress)
        }
        if FileManager.default.fileExists(atPath: o.path(.attendance)) {
            var sink = DiagnosticSink(file: o.fileName(.attendanceSummary))
            sink.add(
                .bothAttendanceFiles, line: nil, column: nil, employee: nil,
                en: "the period folder holds both \(o.fileName(.attendance)) and \(o.fileName(.attendanceSummary)); give one of them",
                zh: "期间文件夹中同时有 \(o.fileName(.attendance)) 和 \(o.fileName(.attendanceSummary))；只能提供其中之一")
            return FileResult(diagnostics: sink.finish())
        }
        return try readAttendanceSummary(o, employees: employees, index: index, checkReferences: checkReferences, progress: progress)
    }

    /// attendance_summary.csv: one row per employee; counts in days (whole or half, between 0 and the period's calendar
    /// days), overtime in hours. STANDARD "Beyond the default": the counts replace those taken from attendance rows.
    static func readAttendanceSummary(
        _ o: IntakeOptions, employees: [Employee], index: IDIndex,
        checkReferences: Bool, progress: ProgressReport?
    ) throws -> FileResult {
        var summaries = Array(repeating: AttendanceSummary(), count: employees.count)
        var refs = RowReferences(index: index, checkReferences: checkReferences, employeesFile: o.fileName(.employees))
        var firstLine: [Int32: Int] = [:]
        var cols: [Col] = []
        var resolved = false
        var compColumn = false
        let maxDays = Fixed(o.period.dayCount)
        let maxHours = Fixed(24 * o.period.dayCount)
        let (scan, file) = try scan(o, .attendanceSummary, progress: progress) { t, rec in
            if !resolved {
                resolved = true
                cols = AttendanceSummaryColumn.allCases.map { t.col($0.rawValue) }
                compColumn = cols[AttendanceSummaryColumn.overtimeRestdayCompHours.index].pos >= 0
            }
            guard let ei = refs.begin(t, rec, employee: cols[0]) else { return }
            func days(_ c: AttendanceSummaryColumn) -> Int32? {
                let col = cols[c.index]
                guard
                    let v = t.decimal(
                        col, required: c.required, min: .zero, max: maxDays, what: "a number of days between 0 and \(o.period.dayCount), in halves")
                else { return nil }
                let halves = v.units * 2
                guard halves % Fixed.scale == 0 else {
                    t.error(.outOfRange, col, en: "days are whole or half days (e.g. 2.5)", zh: "天数应为整天或半天（如 2.5）")
                    return nil
                }
                return Int32(halves / Fixed.scale)
            }
            func hours(_ c: AttendanceSummaryColumn) -> Fixed {
                t.decimal(cols[c.index], required: false, min: .zero, max: maxHours, what: "overtime hours, 0 or more") ?? .zero
            }
            let paid = days(.paidDays)
            let absent = days(.absentDays) ?? 0
            let personal = days(.personalLeaveDays) ?? 0
            let sick = days(.sickLeaveDays) ?? 0
            let comp = days(.compLeaveDays) ?? 0
            var a = AttendanceSummary()
            a.overtimeWorkday = hours(.overtimeWorkdayHours)
            a.overtimeRestday = hours(.overtimeRestdayHours)
            a.overtimeRestdayComp = hours(.overtimeRestdayCompHours)
            a.overtimeHoliday = hours(.overtimeHolidayHours)
            if let paid, comp > paid {
                t.error(
                    .outOfRange, cols[AttendanceSummaryColumn.compLeaveDays.index],
                    en: "comp_leave_days are part of paid_days and cannot exceed them", zh: "调休天数包含在计薪出勤天数内，不能超过它")
            }
            if let paid, paid + absent + personal + sick > Int32(o.period.dayCount) * 2 {
                t.error(
                    .outOfRange, cols[AttendanceSummaryColumn.paidDays.index],
                    en: "paid, absent, personal-leave and sick-leave days add up to more than the period's \(o.period.dayCount) days",
                    zh: "计薪出勤、旷工、事假和病假天数之和超过本期的 \(o.period.dayCount) 天")
            }
            guard let ei else { return }  // an unknown employee: reported by the reference check
            if let first = firstLine[ei] {
                t.error(
                    .duplicateSummary, cols[0], en: "a second summary row for this employee (the first is on line \(first))",
                    zh: "该员工的第二行汇总（第一行在第 \(first) 行）")
                return
            }
            firstLine[ei] = rec.line
            guard let paid, t.rowErrors == 0 else { return }
            // Days present are the paid days less comp leave; paid_days = present + comp leave (annual leave and business
            // trips, which the summary does not tell apart, count as present: they are paid alike).
            a.halfDays[AttendanceStatus.present.rawValue] = paid - comp
            a.halfDays[AttendanceStatus.compLeave.rawValue] = comp
            a.halfDays[AttendanceStatus.absent.rawValue] = absent
            a.halfDays[AttendanceStatus.personalLeave.rawValue] = personal
            a.halfDays[AttendanceStatus.sickLeave.rawValue] = sick
            a.rows = 1
            summaries[Int(ei)] = a
        }
        let usable = file != nil && !scan.sink.items.contains { $0.stage == .files && $0.severity == .error }
        var result = FileResult(diagnostics: scan.sink.finish(), file: file, attendance: usable ? summaries : nil)
        result.compTimeColumn = compColumn
        return result
    }

    // MARK: attendance.csv

    /// The reading of attendance.csv, or of one part of it.
    final class AttendanceRows {
        var summaries: [AttendanceSummary]
        var refs: RowReferences
        var cEmp = Col(pos: -1, name: "")
        var cDate = Col(pos: -1, name: "")
        var cStatus = Col(pos: -1, name: "")
        var cHours = Col(pos: -1, name: "")
        var cKind = Col(pos: -1, name: "")
        var cComp = Col(pos: -1, name: "")
        var resolved = false
        let period: Period
        /// The period's days by their cells: rows in the period, nearly all of them, take the short way.
        let month: MonthDays
        let maxHours = Fixed(24)
        // Months the dates outside the period fall in: when most rows point to one month, the data is probably that month's.
        var outside: [Int: Int] = [:]
        var dated = 0

        init(_ o: IntakeOptions, employees: Int, index: IDIndex, checkReferences: Bool) {
            summaries = Array(repeating: AttendanceSummary(), count: employees)
            refs = RowReferences(index: index, checkReferences: checkReferences, employeesFile: o.fileName(.employees))
            period = o.period
            month = MonthDays(o.period)
        }

        func row(_ t: TableScan, _ rec: CSVRecord) {
            if !resolved {
                resolved = true
                cEmp = t.col("employee_id")
                cDate = t.col("date")
                cStatus = t.col("status")
                cHours = t.col("overtime_hours")
                cKind = t.col("overtime_kind")
                cComp = t.col("overtime_compensation")
            }
            guard let ei = refs.begin(t, rec, employee: cEmp) else { return }
            let date = t.date(cDate, required: true, month: month)
            if let date {
                dated += 1
                if !period.contains(date) {
                    outside[date.year * 12 + date.month - 1, default: 0] += 1
                    t.error(.outsidePeriod, cDate, en: "date \(date) is outside the period \(period)", zh: "日期 \(date) 不在期间 \(period) 内")
                }
            }
            let status = t.enumeration(cStatus, Matchers.status, required: true)
            let hours = t.decimal(cHours, required: false, min: .zero, max: maxHours, what: "overtime hours between 0 and 24")
            var kind: OvertimeKind?
            if let hours, hours > .zero {
                kind = t.enumeration(cKind, Matchers.overtime, required: false)
                if kind == nil && t.raw(cKind) == nil {
                    t.error(
                        .overtimeKind, cKind, en: "overtime hours are given, so overtime_kind (workday, restday or holiday) is required",
                        zh: "填写了加班小时，必须填写加班类型（工作日、休息日或法定节假日）")
                }
            } else if t.raw(cKind) != nil {
                _ = t.enumeration(cKind, Matchers.overtime, required: false)
            }
            // Rest-day hours may be compensated with time off (Labour Law art. 44(2)); workday and holiday hours must be paid.
            let compTime = t.enumeration(cComp, Matchers.compensation, required: false) ?? false
            if compTime, let hours, hours > .zero, let k = kind, k != .restday {
                t.error(
                    .compTimeKind, cComp,
                    en: "only rest-day overtime may be compensated with time off (comp_time); \(k.code) overtime must be paid",
                    zh: "只有休息日加班可以安排调休；\(k == .workday ? "工作日" : "法定节假日")加班必须支付加班工资")
            }
            guard let ei, let date, period.contains(date), let status else { return }
            let bit = UInt32(1) << UInt32(date.day - 1)
            if summaries[Int(ei)].dayMask & bit != 0 {
                t.error(
                    .duplicateDay, cDate, en: "a second row for this employee on \(date); one row per employee and date",
                    zh: "该员工在 \(date) 有重复记录；每位员工每天只能有一行")
                return
            }
            AttendanceRows.count(&summaries[Int(ei)], day: bit, status: status, hours: hours, kind: kind, compTime: compTime)
        }

        /// Adds a day row to its employee's summary, in one access to it.
        @inline(__always)
        static func count(
            _ a: inout AttendanceSummary, day bit: UInt32, status: AttendanceStatus, hours: Fixed?, kind: OvertimeKind?, compTime: Bool
        ) {
            a.dayMask |= bit
            a.addDay(status)
            a.rows += 1
            if let hours, let kind {
                switch kind {
                case .workday: a.overtimeWorkday += hours
                case .restday:
                    if compTime {
                        a.overtimeRestdayComp += hours
                    } else {
                        a.overtimeRestday += hours
                    }
                case .holiday: a.overtimeHoliday += hours
                }
            }
        }

        /// Adds a later part's rows; false (nothing changed) when an employee has a day in both, whose second row
        /// only a reading in order reports.
        func absorb(_ later: AttendanceRows) -> Bool {
            for i in summaries.indices where summaries[i].dayMask & later.summaries[i].dayMask != 0 { return false }
            for i in summaries.indices where later.summaries[i].rows != 0 {
                let b = later.summaries[i]
                summaries[i].dayMask |= b.dayMask
                summaries[i].halfDays &+= b.halfDays
                summaries[i].rows += b.rows
                summaries[i].overtimeWorkday += b.overtimeWorkday
                summaries[i].overtimeRestday += b.overtimeRestday
                summaries[i].overtimeRestdayComp += b.overtimeRestdayComp
                summaries[i].overtimeHoliday += b.overtimeHoliday
            }
            outside.merge(later.outside, uniquingKeysWith: +)
            dated += later.dated
            return true
        }
    }

    static func readAttendanceRows(
        _ o: IntakeOptions, employees: [Employee], index: IDIndex,
        checkReferences: Bool, progress: ProgressReport?
    ) throws -> FileResult {
        func read(splitBytes: Int) throws -> (scan: TableScan, states: [AttendanceRows], file: InputFile?) {
            var options = o
            options.splitBytes = splitBytes
            // attendance.csv is read beside scores.csv, which is one thread: its two parts yield to it, so that the
            // three threads finish together on two cores rather than scores.csv last, alone.
            return try scanInParts(
                options, .attendance, progress: progress, yielding: true,
                makeState: { _ in AttendanceRows(o, employees: employees.count, index: index, checkReferences: checkReferences) },
                row: { rows, t, rec in rows.row(t, rec) })
        }
        var (scan, parts, file) = try read(splitBytes: o.splitBytes)
        if parts.count > 1 && !parts[0].absorb(parts[1]) { (scan, parts, file) = try read(splitBytes: .max) }
        let rows = parts[0]
        let summaries = rows.summaries
        let period = o.period
        let cComp = rows.cComp
        let outside = rows.outside
        let dated = rows.dated
        let usable = file != nil && !scan.sink.items.contains { $0.stage == .files && $0.severity == .error }
        var result = FileResult(diagnostics: scan.sink.finish(), file: file, attendance: usable ? summaries : nil)
        result.compTimeColumn = cComp.pos >= 0
        if let top = outside.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }), top.value * 2 > dated,
            let month = Period(year: top.key / 12, month: top.key % 12 + 1)
        {
            result.diagnostics.insert(
                Diagnostic(
                    code: Code.periodMismatch.rawValue, severity: Code.periodMismatch.severity, stage: Code.periodMismatch.stage,
                    file: o.fileName(.attendance), line: nil, column: "date", employeeID: nil,
                    en: "\(top.value) of \(dated) attendance dates are in \(month), not \(period): is this \(month)'s data? (--period \(month))",
                    zh: "\(dated) 条考勤日期中有 \(top.value) 条在 \(month)，而不在 \(period)：这是否是 \(month) 的数据？（--period \(month)）"),
                at: 0)
        }
        return result
    }

    // MARK: scores.csv

    static func readScores(
        _ o: IntakeOptions, employees: [Employee], index: IDIndex,
        checkReferences: Bool, progress: ProgressReport?
    ) throws -> FileResult {
        var rows: [ScoreRow] = []
        var keys = ByteKeys()
        var refs = RowReferences(index: index, checkReferences: checkReferences, employeesFile: o.fileName(.employees))
        // 36 to 40 bytes a row in practice: reserving for 34 once avoids copying a large array as it grows (a row
        // takes 56 bytes).
        if let size = (try? FileManager.default.attributesOfItem(atPath: o.path(.scores)))?[.size] as? Int {
            rows.reserveCapacity(min(size / 34, 50_000_000))
        }
        let m = ScoreMethod.allCases.count
        var weightSum = Array(repeating: Fixed.zero, count: employees.count * m)
        var firstLine = Array(repeating: Int32(0), count: employees.count * m)
        var methods = Array(repeating: UInt8(0), count: employees.count)
        var colsOpt: ScoreCols?
        let hundred = Fixed(100)
        let uses: [[Bool]] = [DeptType.frontline, .backoffice].map { t in ScoreMethod.allCases.map { o.schemes.uses(t, $0) } }
        let (scan, file) = try scan(o, .scores, progress: progress) { t, rec in
            if colsOpt == nil { colsOpt = .init(t) }
            let cols = colsOpt!
            guard let ei = refs.begin(t, rec, employee: cols.employeeID) else { return }
            guard let method = t.enumeration(cols.method, Matchers.method, required: true) else { return }
            let item = t.textBytes(cols.item, required: true)
            var perspective: Perspective?
            var group: RaterGroup?
            var rater: CSVField?
            var weight: Fixed?
            var target: Fixed?
            var actual: Fixed?
            var rating: Fixed?
            let direction = t.enumeration(cols.direction, Matchers.direction, required: false) ?? .higher
            switch method {
            case .kpi, .bsc:
                if method == .bsc { perspective = t.enumeration(cols.perspective, Matchers.perspective, required: true) }
                weight = t.decimal(cols.weight, required: true, min: .zero, max: .one, what: "a weight between 0 and 1")
                target = t.decimal(cols.target, required: true, what: "a target value")
                actual = t.decimal(cols.actual, required: true, what: "an actual value")
                if target == .zero {
                    t.error(
                        .targetZero, cols.target, en: "target is 0, so the item score cannot be computed; give a non-zero target",
                        zh: "目标值为 0，无法计算得分；请填写非零目标值")
                }
            case .mbo:
                weight = t.decimal(cols.weight, required: true, min: .zero, max: .one, what: "a weight between 0 and 1")
                rating = t.decimal(cols.rating, required: true, min: .zero, max: hundred, what: "a rating between 0 and 100")
            case .feedback360:
                group = t.enumeration(cols.raterGroup, Matchers.raterGroup, required: true)
                rater = t.textBytes(cols.raterID, required: true)
                rating = t.decimal(cols.rating, required: true, min: .zero, max: hundred, what: "a rating between 0 and 100")
            }
            guard let ei else { return }
            // Rows of a method the employee's scheme does not use are ignored.
            guard uses[employees[Int(ei)].deptType == .frontline ? 0 : 1][method.rawValue] else { return }
            methods[Int(ei)] |= 1 << UInt8(method.rawValue)
            let slot = Int(ei) * m + method.rawValue
            if firstLine[slot] == 0 { firstLine[slot] = Int32(t.line) }
            if let weight { weightSum[slot] += weight }
            guard t.complete, let item else { return }
            rows.append(
                ScoreRow(
                    employee: ei, method: method, item: keys.key(item), perspective: perspective, raterGroup: group,
                    raterID: keys.key(rater, own: t.employeeBytes, ownKey: -1 - ei), weight: weight, target: target, actual: actual,
                    direction: direction, rating: rating, line: Int32(t.line)))
        }
        // Stage 3: weights of one employee and method sum to exactly 1.
        for ei in 0..<employees.count {
            for method in [ScoreMethod.kpi, .mbo, .bsc] {
                let slot = ei * m + method.rawValue
                guard firstLine[slot] != 0, weightSum[slot] != .one else { continue }
                scan.sink.add(
                    .weightSum, line: Int(firstLine[slot]), column: "weight", employee: employees[ei].id,
                    en: "the \(method.code) weights of this employee sum to \(weightSum[slot]), not 1",
                    zh: "该员工\(method.labelZH)权重合计为 \(weightSum[slot])，应为 1")
            }
        }
        let usable = file != nil && !scan.sink.items.contains { $0.stage == .files && $0.severity == .error }
        return FileResult(diagnostics: scan.sink.finish(), file: file, scores: usable ? rows : nil, scoreMethods: usable ? methods : nil)
    }

    // MARK: adjustments.csv

    static func readAdjustments(
        _ o: IntakeOptions, _ kind: InputKind = .adjustments, employees: [Employee], index: IDIndex, checkReferences: Bool,
        progress: ProgressReport?
    ) throws -> FileResult {
        var list: [Adjustment] = []
        var refs = RowReferences(index: index, checkReferences: checkReferences, employeesFile: o.fileName(.employees))
        var colsOpt: AdjustmentCols?
        let codes = Set(o.rulePack.adjustmentCodes)
        let fileName = o.fileName(kind)
        let (scan, file) = try scan(o, kind, progress: progress) { t, rec in
            if colsOpt == nil { colsOpt = .init(t) }
            let cols = colsOpt!
            guard let ei = refs.begin(t, rec, employee: cols.employeeID) else { return }
            let code = t.text(cols.code, required: true)?.lowercased()
            if let code, !codes.contains(code) {
                let shown = t.shown(t.raw(cols.code)!)
                t.error(
                    .unknownAdjustment, cols.code,
                    en: "unknown adjustment code (\(shown.en)); the salary structure has \(o.rulePack.adjustmentCodes.joined(separator: ", "))",
                    zh: "未知调整项目（\(shown.zh)）；工资结构中的项目为 \(o.rulePack.adjustmentCodes.joined(separator: ", "))")
            }
            let amount = t.money(cols.amount, required: true, allowNegative: true)
            if code == "annual_bonus", let amount, amount.isNegative {
                t.error(.negativeBonus, cols.amount, en: "an annual bonus must not be negative", zh: "全年一次性奖金不能为负数")
            }
            let note = t.text(cols.note, required: false) ?? ""
            guard let ei, let code, let amount, t.complete else { return }
            var a = Adjustment(employee: ei, code: code, amount: amount, note: note, line: t.line)
            a.file = fileName
            list.append(a)
        }
        list.sort { $0.employee < $1.employee || ($0.employee == $1.employee && $0.line < $1.line) }
        // An exact copy of an earlier row (a pasted duplicate) would pay twice: say so, naming both lines.
        let same = { (i: Int, j: Int) in list[i].amount == list[j].amount && list[i].code == list[j].code && list[i].note == list[j].note }
        for (again, first) in repeats(
            count: list.count, employee: { list[$0].employee }, same: same,
            key: { AdjustmentKey(code: list[$0].code, fen: list[$0].amount.fen, note: list[$0].note) })
        {
            let a = list[again]
            scan.sink.add(
                .duplicateAdjustment, line: a.line, column: "employee_id", employee: employees[Int(a.employee)].id,
                en:
                    "this row repeats line \(list[first].line) exactly (same employee, code, amount and note); both are paid — delete one if it was pasted twice",
                zh: "此行与第 \(list[first].line) 行完全相同（员工、项目、金额、备注均相同）；两行都会发放——如为重复粘贴请删除一行")
        }
        return FileResult(diagnostics: scan.sink.finish(), file: file, adjustments: list)
    }

    // MARK: optional performance inputs

    static func readCalibration(_ o: IntakeOptions, index: IDIndex, checkReferences: Bool) throws -> FileResult {
        var list: [Calibration] = []
        var seen: [Int32: Int] = [:]
        var colsOpt: CalibrationCols?
        let grades = Set(o.grades)
        var refs = RowReferences(index: index, checkReferences: checkReferences, employeesFile: o.fileName(.employees))
        let (scan, file) = try scan(o, .calibration, progress: nil) { t, rec in
            if colsOpt == nil { colsOpt = .init(t) }
            let c = colsOpt!
            guard let ei = refs.begin(t, rec, employee: c.employeeID) else { return }
            let grade = t.text(c.grade, required: true)?.uppercased()
            if let grade, !grades.contains(grade) {
                let shown = t.shown(t.raw(c.grade)!)
                t.error(
                    .badEnum, c.grade, en: "expected one of the grades \(o.grades.joined(separator: ", ")); found \(shown.en)",
                    zh: "应为以下等级之一：\(o.grades.joined(separator: ", "))；实际为\(shown.zh)")
            }
            let reason = t.text(c.reason, required: true)
            let approver = t.text(c.approver, required: true)
            if let ei, let first = seen[ei] {
                t.error(
                    .duplicateEmployee, c.employeeID, en: "a second calibration for this employee (the first is on line \(first))",
                    zh: "该员工有第二条校准记录（第一条在第 \(first) 行）")
                return
            }
            guard let ei, let grade, let reason, let approver, t.complete else { return }
            seen[ei] = t.line
            list.append(Calibration(employee: ei, grade: grade, reason: reason, approver: approver, line: t.line))
        }
        list.sort { $0.employee < $1.employee }
        return FileResult(diagnostics: scan.sink.finish(), file: file, calibrations: list)
    }

    static func readPoints(_ o: IntakeOptions, count: Int, index: IDIndex, checkReferences: Bool) throws -> FileResult {
        var points: [Fixed] = []  // made at the first row: no file, no array (empty reads as all zero)
        var colsOpt: PointsCols?
        var refs = RowReferences(index: index, checkReferences: checkReferences, employeesFile: o.fileName(.employees))
        let (scan, file) = try scan(o, .points, progress: nil) { t, rec in
            if colsOpt == nil { colsOpt = .init(t) }
            let c = colsOpt!
            guard let ei = refs.begin(t, rec, employee: c.employeeID) else { return }
            let p = t.decimal(c.points, required: true, min: .zero, max: Fixed(100_000), what: "points between 0 and 100000")
            if let ei, let p, t.complete {
                if points.isEmpty { points = [Fixed](repeating: .zero, count: count) }
                points[Int(ei)] += p
            }
        }
        return FileResult(diagnostics: scan.sink.finish(), file: file, points: points)
    }

    static func readCoaching(_ o: IntakeOptions, count: Int, index: IDIndex, checkReferences: Bool) throws -> FileResult {
        var checkIns: [CheckIns] = []  // made at the first row, as points are
        var colsOpt: CoachingCols?
        // The quarter that ends with the period: its first day is two months before the period's.
        let quarterStart = o.period.previous.previous.firstDay
        var refs = RowReferences(index: index, checkReferences: checkReferences, employeesFile: o.fileName(.employees))
        let (scan, file) = try scan(o, .coaching, progress: nil) { t, rec in
            if colsOpt == nil { colsOpt = .init(t) }
            let c = colsOpt!
            guard let ei = refs.begin(t, rec, employee: c.employeeID) else { return }
            let d = t.date(c.date, required: true)
            if let d, d > o.period.lastDay {
                t.error(
                    .outsidePeriod, c.date, en: "check-in dated \(d), after the period \(o.period) ends",
                    zh: "辅导日期 \(d) 晚于期间 \(o.period) 结束")
            }
            guard let ei, let d, t.complete else { return }
            if checkIns.isEmpty { checkIns = [CheckIns](repeating: CheckIns(), count: count) }
            if d >= quarterStart { checkIns[Int(ei)].inLastQuarter += 1 }
            if checkIns[Int(ei)].latest.map({ $0 < d }) ?? true { checkIns[Int(ei)].latest = d }
        }
        return FileResult(diagnostics: scan.sink.finish(), file: file, checkIns: checkIns)
    }

}
