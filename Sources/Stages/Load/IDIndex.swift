import CSVReader

/// Employee ID → position in the sorted employee list, looked up straight
/// from a CSV cell's bytes: no String is made and no SipHash is run on the
/// hot path (twenty million attendance rows at a million employees).
public struct IDIndex: Sendable {
    private var arena: [UInt8] = []
    private var starts: [Int] = []  // id i is arena[starts[i]..<starts[i+1]]
    private var slots: [Int32]  // open addressing: -1 empty, else id index
    private var hashes: [UInt64]
    private let mask: Int

    /// An index of employee IDs in the given order.
    public init<S: Sequence>(_ ids: S) where S.Element == String {
        let list = Array(ids)
        var cap = 16
        while cap < list.count * 2 { cap <<= 1 }
        mask = cap - 1
        slots = Array(repeating: -1, count: cap)
        hashes = Array(repeating: 0, count: cap)
        starts.reserveCapacity(list.count + 1)
        for (i, id) in list.enumerated() {
            starts.append(arena.count)
            arena.append(contentsOf: id.utf8)
            let bytes = Array(id.utf8)
            let h = IDIndex.hash(bytes)
            var p = Int(truncatingIfNeeded: h) & mask
            while slots[p] >= 0 {
                if hashes[p] == h && equal(Int(slots[p]), bytes) { break }  // duplicate: keep the first
                p = (p + 1) & mask
            }
            if slots[p] < 0 {
                slots[p] = Int32(i)
                hashes[p] = h
            }
        }
        starts.append(arena.count)
    }

    /// FNV-1a, 64-bit.
    @inline(__always)
    static func hash<C: Collection>(_ b: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in b { h = (h ^ UInt64(c)) &* 0x0000_0100_0000_01B3 }
        return h ^ (h >> 29)
    }

    @inline(__always)
    private func equal<C: Collection>(_ i: Int, _ b: C) -> Bool where C.Element == UInt8 {
        let s = starts[i]
        let e = i + 1 < starts.count ? starts[i + 1] : arena.count
        return e - s == b.count && arena[s..<e].elementsEqual(b)
    }

    /// The index of an ID given as UTF-8 bytes.
    public func lookup<C: Collection>(_ b: C) -> Int32? where C.Element == UInt8 {
        let h = IDIndex.hash(b)
        var p = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[p]
            if s < 0 { return nil }
            if hashes[p] == h && equal(Int(s), b) { return s }
            p = (p + 1) & mask
        }
    }

    /// The index of an ID.
    public func lookup(_ s: String) -> Int32? { lookup(Array(s.utf8)) }
}

/// Rows of one employee usually come together: remembers the last ID looked
/// up so that a run of rows costs one hash probe, not one per row.
struct IDLookupCache {
    private var lastBytes: [UInt8] = []
    private var lastIndex: Int32?
    private var valid = false

    @inline(__always)
    mutating func lookup(_ b: CSVField, in index: IDIndex) -> Int32? {
        if valid && b.equals(lastBytes) { return lastIndex }
        lastIndex = index.lookup(b)
        lastBytes.removeAll(keepingCapacity: true)
        lastBytes.append(contentsOf: b)
        valid = true
        return lastIndex
    }
}
