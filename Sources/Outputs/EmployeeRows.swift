/// The employees a document lists (indexes into `Batch.employees`, in order): all of them when every one qualifies (no
/// list is kept), else their indexes in 32 bits. A million employees' indexes as `[Int]` would be 8 MB per document
/// while the large workbooks are written side by side.
struct EmployeeRows: RandomAccessCollection, Sendable {
    private let subset: [Int32]?
    private let total: Int

    /// The employees among `0..<count` for which `keep` is true.
    init(count: Int, where keep: (Int) -> Bool) {
        if (0..<count).allSatisfy(keep) {
            subset = nil
            total = count
        } else {
            // Employee indexes are 32-bit (ScoreRow.employee).
            let list = Array((0..<count).lazy.filter(keep).map { Int32(truncatingIfNeeded: $0) })
            subset = list
            total = list.count
        }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { total }
    subscript(k: Int) -> Int {
        guard let subset else {
            precondition(k >= 0 && k < total, "EmployeeRows index out of range")
            return k
        }
        return Int(subset[k])
    }
}
