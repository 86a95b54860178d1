import CSVReader
import Foundation
import PayrollCore

/// Validation stage 3, across files: every row's employee in employees.csv, and no row given twice (X codes).
extension Intake {
    static func unknownEmployee(_ t: TableScan, _ c: Col, employeesFile: String) {
        t.error(.unknownEmployee, c, en: "employee_id is not in \(employeesFile)", zh: "工号不在 \(employeesFile) 中")
    }

    /// The employee_id cell of a row: required, looked up, reported when unknown.
    /// Returns .some(nil) when the cell is empty (reported) or the employee unknown, so that the row's other cells are still checked.
    static func employeeOf(
        _ t: TableScan, _ c: Col, index: IDIndex, cache: inout IDLookupCache, checkReferences: Bool,
        employeesFile: String
    ) -> Int32?? {
        guard let idBytes = t.raw(c) else {
            t.missing(c)
            return .some(nil)
        }
        t.employeeBytes = idBytes
        let ei = cache.lookup(idBytes, in: index)
        if ei == nil && checkReferences { unknownEmployee(t, c, employeesFile: employeesFile) }
        return .some(ei)
    }

    struct AdjustmentKey: Hashable {
        var code: String
        var fen: Int64
        var note: String
    }

    struct RatingKey: Hashable {
        var method: Int
        var group: Int
        var perspective: Int
        var item: Int32
        var rater: Int32
    }

    /// The same rater rating the same item of an employee twice (a pasted 360 row, a KPI item listed twice)
    /// would count twice: an error on the second row. Rows are sorted by employee, so one employee's rows are held at a time.
    static func duplicateRatings(_ scores: [ScoreRow], employees: [Employee], file: String) -> [Diagnostic] {
        duplicateRatings(scores[...], employees: employees, file: file)
    }

    /// The same over shards of the rows, split where one employee's rows end, in parallel: the diagnostics in the
    /// order one pass gives.
    static func duplicateRatings(
        _ scores: [ScoreRow], employees: [Employee], file: String, scheduler: any WorkScheduler, rowsPerShard: Int = 65_536
    ) -> [Diagnostic] {
        let shards = max(1, min(scheduler.parallelism * 4, scores.count / rowsPerShard))
        guard shards > 1 else { return duplicateRatings(scores, employees: employees, file: file) }
        var bounds = [0]
        for k in 1..<shards {
            var b = max(bounds[bounds.count - 1], scores.count * k / shards)
            while b > 0 && b < scores.count && scores[b].employee == scores[b - 1].employee { b += 1 }
            bounds.append(b)
        }
        bounds.append(scores.count)
        let ranges = zip(bounds, bounds.dropFirst()).map { $0..<$1 }.filter { !$0.isEmpty }
        return scheduler.map(count: ranges.count, minShard: 1) { shard in
            shard.flatMap { duplicateRatings(scores[ranges[$0]], employees: employees, file: file) }
        }
    }

    /// The same over a slice of the rows (whole employees).
    static func duplicateRatings(_ scores: ArraySlice<ScoreRow>, employees: [Employee], file: String) -> [Diagnostic] {
        var sink = DiagnosticSink(file: file)
        let base = scores.startIndex  // rows by their position in the slice
        let same = { (i: Int, j: Int) in
            let (a, b) = (scores[base + i], scores[base + j])
            return a.method == b.method && a.raterGroup == b.raterGroup && a.perspective == b.perspective && a.item == b.item
                && a.raterID == b.raterID
        }
        let key = { (i: Int) in
            let r = scores[base + i]
            return RatingKey(
                method: r.method.rawValue, group: r.raterGroup?.rawValue ?? -1, perspective: r.perspective?.rawValue ?? -1, item: r.item,
                rater: r.raterID)
        }
        for (again, first) in repeats(count: scores.count, employee: { scores[base + $0].employee }, same: same, key: key) {
            let r = scores[base + again]
            let firstLine = scores[base + first].line
            let is360 = r.method == .feedback360
            sink.add(
                .duplicateRating, line: Int(r.line), column: "item", employee: employees[Int(r.employee)].id,
                en: is360
                    ? "the same rater rates the same item of this employee again (first on line \(firstLine)); each rating counts once"
                    : "this employee's \(r.method.code) item appears again (first on line \(firstLine)); each item is listed once",
                zh: is360
                    ? "同一评价人再次为该员工的同一项目评分（首次在第 \(firstLine) 行）；每个评分只计一次"
                    : "该员工的 \(r.method.code) 项目重复出现（首次在第 \(firstLine) 行）；每个项目只列一次")
        }
        return sink.finish()
    }

    /// In rows sorted by employee, each row that repeats an earlier row of the same employee (`same`, or
    /// equal `key`s in a large group), with that earlier row (indexes). Only one employee's keys are held at a
    /// time, so memory does not grow with the file.
    static func repeats<K: Hashable>(
        count: Int, employee: (Int) -> Int32, same: (Int, Int) -> Bool,
        key: (Int) -> K
    ) -> [(again: Int, first: Int)] {
        var out: [(Int, Int)] = []
        var start = 0
        while start < count {
            let who = employee(start)
            var end = start
            while end < count && employee(end) == who { end += 1 }
            if end - start <= 48 {
                // A typical employee's few dozen rows: comparing pairs in place is cheaper than hashing copies.
                for i in (start + 1)..<max(start + 1, end) {
                    for j in start..<i where same(i, j) {
                        out.append((i, j))
                        break
                    }
                }
            } else {
                var seen: [K: Int] = [:]
                for i in start..<end {
                    let k = key(i)
                    if let first = seen[k] { out.append((i, first)) } else { seen[k] = i }
                }
            }
            start = end
        }
        return out
    }
}

/// Stage 3 for a row of a file that refers to employees: the row's shape (stage 2), then its employee_id
/// looked up in employees.csv (an unknown one reported once the employees are complete).
struct RowReferences {
    /// employees.csv's IDs.
    let index: IDIndex
    /// False while employees.csv has errors of its own: an ID missing from it proves nothing then.
    let checkReferences: Bool
    /// employees.csv's name, for messages.
    let employeesFile: String
    /// The last lookups (rows of one employee come together).
    var cache = IDLookupCache()

    /// nil: the row is skipped (wrong field count); `.some(nil)`: no usable employee; `.some(i)`: employee i.
    mutating func begin(_ t: TableScan, _ rec: CSVRecord, employee c: Col) -> Int32?? {
        guard t.begin(rec) else { return nil }
        return Intake.employeeOf(t, c, index: index, cache: &cache, checkReferences: checkReferences, employeesFile: employeesFile)
    }
}
