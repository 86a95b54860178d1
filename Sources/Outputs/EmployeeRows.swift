/// The employees a document lists (indexes into `Batch.employees`, in order): all of them when every one qualifies (no
/// list is kept), else their indexes in 32 bits. A million employees' indexes as `[Int]` would be 8 MB per document
/// while the large workbooks are written side by side.
struct EmployeeRows: RandomAccessCollection, Sendable {
    private let subset: [Int32]?
    private let total: Int

    /// The employees among `0..<count` for which `keep` is true.
    init(count: Int, where keep: (Int) -> Bool) {
        var list: [Int32]? = nil
        for i in 0..<count where !keep(i) {
            // The first one left out: the ones before it are all kept.
            var l = [Int32]()
            l.reserveCapacity(count - 1)
            for j in 0..<i { l.append(Int32(truncatingIfNeeded: j)) }  // employee indexes are 32-bit (ScoreRow.employee)
            for j in (i + 1)..<count where keep(j) { l.append(Int32(truncatingIfNeeded: j)) }
            list = l
            break
        }
        subset = list
        total = list?.count ?? count
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
