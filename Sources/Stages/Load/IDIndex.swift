import CSVReader
import Foundation
import PayrollCore
import Synchronization

/// Employee ID → position in the employee list, looked up straight from a
/// CSV cell's bytes: no String is made and no SipHash is run on the hot path
/// (twenty million attendance rows at a million employees). employees.csv is
/// read into it as it streams (`insert` finds a duplicate ID), then put in
/// ID order once (`sortByID`).
///
/// IDs inserted in strictly increasing code-point order (employees.csv sorted by employee_id, as exports are) cannot
/// repeat, so they are only appended: the hash table (a million random writes, each a cache miss) is built the first
/// time an ID comes out of order or a lookup needs it (`OrderedTable`, once, shared by the copies that read it).
/// Files in ID order are then read without it (`IDLookupCache` tries the next position first).
public struct IDIndex: Sendable {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]  // id i is arena[starts[i]..<starts[i+1]]
    private var slots: [Int32]  // open addressing: -1 empty, else id index
    private var hashes: [UInt64]
    private var mask: Int
    /// Some position holds a repeated ID (`init(_:)` keeps them, outside the table): a position's bytes then do not
    /// prove it is the one `lookup` gives.
    private var repeatedPositions = false
    /// Every ID so far came after the one before in code-point order, and `slots` is empty: lookups use `ordered`.
    private var inOrder = true
    private var ordered = OrderedTable()
    /// The capacity asked for at `init`.
    private var reserved = 0

    /// The number of IDs.
    public var count: Int { starts.count - 1 }

    /// An empty index with room for about `capacity` IDs before its table grows.
    public init(capacity: Int = 0) {
        // The table is made when the IDs first come out of order (`buildTable`), for at least this many.
        reserved = capacity
        slots = []
        hashes = []
        mask = -1
        starts.reserveCapacity(capacity + 1)
        arena.reserveCapacity(capacity * 8)
    }

    /// An index of employee IDs in the given order; a repeated ID keeps its first position.
    public init<S: Sequence>(_ ids: S) where S.Element == String {
        let list = Array(ids)
        self.init(capacity: list.count)
        for id in list {
            let bytes = Array(id.utf8)
            if insert(bytes) != nil {
                append(bytes)  // positions stay those of the list
                repeatedPositions = true
            }
        }
    }

    /// A 64-bit hash of the bytes, eight at a time: each word (the last one zero-padded) mixed in with a multiply
    /// and a shift, the length first, a final avalanche. Only the table's layout depends on it, never a result.
    @inline(__always)
    static func hash<C: Collection>(_ b: C) -> UInt64 where C.Element == UInt8 {
        if let h = b.withContiguousStorageIfAvailable(hash(bytes:)) { return h }
        return Array(b).withUnsafeBufferPointer(hash(bytes:))
    }

    @inline(__always)
    static func hash(bytes b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = b.count
        var h = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        @inline(__always) func mix(_ w: UInt64) {
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        guard let p = b.baseAddress else { return mix64(h) }
        var i = 0
        while i + 8 <= n {
            mix(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            i += 8
        }
        if i < n { mix(shortWords(UnsafeRawPointer(p + i), n - i).0) }
        return mix64(h)
    }

    @inline(__always)
    static func mix64(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    private func equal<C: Collection>(_ i: Int, _ b: C) -> Bool where C.Element == UInt8 {
        let s = starts[i]
        let e = starts[i + 1]
        guard e - s == b.count else { return false }
        let same = b.withContiguousStorageIfAvailable { other in
            arena.withUnsafeBufferPointer { a in
                e == s || memcmp(a.baseAddress! + s, other.baseAddress!, e - s) == 0
            }
        }
        return same ?? arena[s..<e].elementsEqual(b)
    }

    /// Linear probing from the home slot of `h` (the hash of `b`) in a table of `mask + 1` slots: the ID whose bytes
    /// are `b`, or nil and the first empty slot on the way (where `b` would go).
    @inline(__always)
    private func probe<C: Collection>(
        _ b: C, _ h: UInt64, slots: UnsafePointer<Int32>, hashes: UnsafePointer<UInt64>, mask: Int
    ) -> (found: Int32?, empty: Int) where C.Element == UInt8 {
        var p = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[p]
            if s < 0 { return (nil, p) }
            if hashes[p] == h && equal(Int(s), b) { return (s, p) }
            p = (p + 1) & mask
        }
    }

    /// Puts position `i`, whose ID hashes to `h` and is not in the table yet, in the first empty slot from its home.
    @inline(__always)
    static func place(_ i: Int32, _ h: UInt64, slots: UnsafeMutablePointer<Int32>, hashes: UnsafeMutablePointer<UInt64>, mask: Int) {
        var p = Int(truncatingIfNeeded: h) & mask
        while slots[p] >= 0 { p = (p + 1) & mask }
        slots[p] = i
        hashes[p] = h
    }

    /// The index of an ID given as UTF-8 bytes.
    public func lookup<C: Collection>(_ b: C) -> Int32? where C.Element == UInt8 {
        let h = IDIndex.hash(b)
        if inOrder {
            let t = ordered
            t.prepare(self)
            guard let tSlots = t.slots, let tHashes = t.hashes else { return nil }
            return probe(b, h, slots: tSlots, hashes: tHashes, mask: t.mask).found
        }
        return slots.withUnsafeBufferPointer { s in
            hashes.withUnsafeBufferPointer { probe(b, h, slots: s.baseAddress!, hashes: $0.baseAddress!, mask: mask).found }
        }
    }

    /// The index of an ID.
    public func lookup(_ s: String) -> Int32? { lookup(Array(s.utf8)) }

    /// True when position `i` holds exactly these bytes and is what `lookup` gives for them: a check of one
    /// position's bytes, read in order (no hash, no probe of the table at a random place).
    @inline(__always)
    func holds<C: Collection>(_ i: Int, _ b: C) -> Bool where C.Element == UInt8 {
        !repeatedPositions && i >= 0 && i < count && equal(i, b)
    }

    /// For IDs inserted in order only: the position of `b` among the `span` positions after `i` (.some(nil) when it
    /// falls among them but is not there: in-order IDs are sorted and unique), or nil when it is not near them or
    /// the IDs are not in order (`lookup` decides then). A binary search of a few neighbours, read in place.
    func near<C: Collection>(_ i: Int, _ b: C, span: Int = 64) -> Int32?? where C.Element == UInt8 {
        guard inOrder, !repeatedPositions, i + 1 < count else { return nil }
        var lo = i + 1
        var hi = Swift.min(count - 1, i + span)
        guard compare(lo, b) <= 0, compare(hi, b) >= 0 else { return nil }
        while lo <= hi {
            let mid = (lo + hi) / 2
            let c = compare(mid, b)
            if c == 0 { return .some(Int32(mid)) }
            if c < 0 { lo = mid + 1 } else { hi = mid - 1 }
        }
        return .some(nil)
    }

    /// Position `i`'s ID against `b` in code-point (UTF-8 byte) order: negative, zero or positive.
    private func compare<C: Collection>(_ i: Int, _ b: C) -> Int where C.Element == UInt8 {
        let s = starts[i]
        let e = starts[i + 1]
        let c =
            b.withContiguousStorageIfAvailable { other in
                arena.withUnsafeBufferPointer { a -> Int in
                    let n = Swift.min(e - s, other.count)
                    let m = n == 0 ? 0 : Int(memcmp(a.baseAddress! + s, other.baseAddress!, n))
                    return m != 0 ? m : (e - s) - other.count
                }
            }
        if let c { return c }
        if arena[s..<e].elementsEqual(b) { return 0 }
        return arena[s..<e].lexicographicallyPrecedes(b) ? -1 : 1
    }

    /// Adds an ID at the next position (`count`) and returns nil; when the ID is already there, returns its
    /// position and changes nothing.
    public mutating func insert<C: Collection>(_ b: C) -> Int32? where C.Element == UInt8 {
        if inOrder {
            if count == 0 || lastPrecedes(b) {
                append(b)
                return nil
            }
            buildTable()  // out of order: the table from now on
        }
        if (count + 1) * 2 > mask + 1 { grow() }
        let h = IDIndex.hash(b)
        let (found, empty) = slots.withUnsafeBufferPointer { s in
            hashes.withUnsafeBufferPointer { probe(b, h, slots: s.baseAddress!, hashes: $0.baseAddress!, mask: mask) }
        }
        if let found { return found }
        slots[empty] = Int32(truncatingIfNeeded: count)
        hashes[empty] = h
        append(b)
        return nil
    }

    /// A position that is not in the table (a repeated ID of `init(_:)`, or any while the IDs are in order): its
    /// bytes only.
    private mutating func append<C: Collection>(_ b: C) where C.Element == UInt8 {
        arena.append(contentsOf: b)
        starts.append(arena.count)
        if inOrder {
            if isKnownUniquelyReferenced(&ordered) { ordered.invalidate() } else { ordered = OrderedTable() }
        }
    }

    /// The hash of position `i`'s ID.
    fileprivate func hashOfPosition(_ i: Int) -> UInt64 {
        arena.withUnsafeBufferPointer { IDIndex.hash(bytes: UnsafeBufferPointer(rebasing: $0[starts[i]..<starts[i + 1]])) }
    }

    /// True when the last ID comes before `b` in code-point order (UTF-8 byte order).
    private func lastPrecedes<C: Collection>(_ b: C) -> Bool where C.Element == UInt8 {
        let s = starts[count - 1]
        let e = starts[count]
        return arena[s..<e].lexicographicallyPrecedes(b)
    }

    /// Leaves the in-order mode: every ID so far put in the hash table.
    private mutating func buildTable() {
        inOrder = false
        ordered = OrderedTable()
        var cap = 16
        while cap < Swift.max(count, reserved) * 2 + 2 { cap <<= 1 }
        mask = cap - 1
        slots = Array(repeating: -1, count: cap)
        hashes = Array(repeating: 0, count: cap)
        for i in 0..<count { place(i) }
    }

    /// Puts position `i` in the table (its ID is not there yet).
    private mutating func place(_ i: Int) {
        let h = hashOfPosition(i)
        let m = mask
        slots.withUnsafeMutableBufferPointer { s in
            hashes.withUnsafeMutableBufferPointer {
                IDIndex.place(Int32(truncatingIfNeeded: i), h, slots: s.baseAddress!, hashes: $0.baseAddress!, mask: m)
            }
        }
    }

    private mutating func grow() {
        let cap = (mask + 1) * 2
        var newSlots = [Int32](repeating: -1, count: cap)
        var newHashes = [UInt64](repeating: 0, count: cap)
        newSlots.withUnsafeMutableBufferPointer { s in
            newHashes.withUnsafeMutableBufferPointer { h in
                for p in 0...mask where slots[p] >= 0 {
                    IDIndex.place(slots[p], hashes[p], slots: s.baseAddress!, hashes: h.baseAddress!, mask: cap - 1)
                }
            }
        }
        slots = newSlots
        hashes = newHashes
        mask = cap - 1
    }

    /// True when ID `a` comes before ID `b` in code-point order (UTF-8 byte order is code-point order).
    @inline(__always)
    private func precedes(_ a: Int, _ b: Int) -> Bool {
        arena.withUnsafeBufferPointer { buf in
            let sa = starts[a]
            let la = starts[a + 1] - sa
            let sb = starts[b]
            let lb = starts[b + 1] - sb
            var i = 0
            while i < la && i < lb {
                let x = buf[sa + i]
                let y = buf[sb + i]
                if x != y { return x < y }
                i += 1
            }
            return la < lb
        }
    }

    /// Puts the IDs in code-point order and returns the permutation applied (new position k held old position
    /// `order[k]`), or nil when they were in that order already. Every ID must be in the table (built by `insert`).
    public mutating func sortByID() -> [Int32]? {
        let n = count
        var sorted = true
        var i = 1
        while i < n {
            if !precedes(i - 1, i) {
                sorted = false
                break
            }
            i += 1
        }
        if sorted { return nil }
        var order = (0..<n).map { Int32($0) }
        order.sort { precedes(Int($0), Int($1)) }
        var rank = [Int32](repeating: 0, count: n)
        for (k, old) in order.enumerated() { rank[Int(old)] = Int32(k) }
        var newArena: [UInt8] = []
        newArena.reserveCapacity(arena.count)
        var newStarts: [Int] = [0]
        newStarts.reserveCapacity(n + 1)
        for old in order {
            newArena.append(contentsOf: arena[starts[Int(old)]..<starts[Int(old) + 1]])
            newStarts.append(newArena.count)
        }
        arena = newArena
        starts = newStarts
        for p in 0...mask where slots[p] >= 0 { slots[p] = rank[Int(slots[p])] }
        return order
    }
}

/// The hash table of an index whose IDs were inserted in order, built by the first lookup that needs it, under a
/// lock, then read by every thread without one (plain memory: no reference counts on the lookup path). The index
/// makes a new one when it changes and another copy shares this one (`IDIndex.append`).
final class OrderedTable: @unchecked Sendable {
    private let lock = NSLock()
    private let ready = Atomic<Bool>(false)
    // Written once under `lock` before `ready` is set; read only after it is.
    private(set) var slots: UnsafeMutablePointer<Int32>?
    private(set) var hashes: UnsafeMutablePointer<UInt64>?
    private(set) var mask = 0

    /// Builds the table of `index`'s IDs unless it is built.
    @inline(__always)
    func prepare(_ index: IDIndex) {
        if ready.load(ordering: .acquiring) { return }
        lock.lock()
        defer { lock.unlock() }
        if slots != nil { return }
        var cap = 16
        while cap < index.count * 2 + 2 { cap <<= 1 }
        let s = UnsafeMutablePointer<Int32>.allocate(capacity: cap)
        s.initialize(repeating: -1, count: cap)
        let h = UnsafeMutablePointer<UInt64>.allocate(capacity: cap)
        h.initialize(repeating: 0, count: cap)
        for i in 0..<index.count {
            IDIndex.place(Int32(truncatingIfNeeded: i), index.hashOfPosition(i), slots: s, hashes: h, mask: cap - 1)
        }
        slots = s
        hashes = h
        mask = cap - 1
        ready.store(true, ordering: .releasing)
    }

    /// Forgets the table (the index that alone holds this one changed).
    func invalidate() {
        guard ready.load(ordering: .relaxed) else { return }
        slots?.deallocate()
        hashes?.deallocate()
        slots = nil
        hashes = nil
        ready.store(false, ordering: .releasing)
    }

    deinit {
        slots?.deallocate()
        hashes?.deallocate()
    }
}

/// Rows of one employee usually come together, and files usually list employees in employee_id order:
/// remembers the last ID looked up, so that a run of rows costs one hash probe, not one per row, and tries the
/// next employee's bytes before the table (a file in ID order then reads the index in order, without a probe).
/// When the next position is not it, the few after it are searched (in-order IDs: an employee without rows
/// skipped) before the table, which in-order IDs then may never need.
struct IDLookupCache {
    private var lastBytes: [UInt8] = []
    /// The last ID of at most 16 bytes as its length and two words (`shortWords`); -1 for a longer one.
    private var lastCount = -1
    private var lastWords: (UInt64, UInt64) = (0, 0)
    private var lastIndex: Int32?
    private var anchor: Int32?  // the last position found
    private var valid = false

    @inline(__always)
    mutating func lookup(_ b: CSVField, in index: IDIndex) -> Int32? {
        // The row's ID is mostly the one before (an employee's rows together): compared as two words when short.
        if valid {
            if b.count <= 16 {
                if b.count == lastCount && cellWords(b) == lastWords { return lastIndex }
            } else if b.equals(lastBytes) {
                return lastIndex
            }
        }
        if let last = anchor, index.holds(Int(last) + 1, b) {
            lastIndex = last + 1
        } else if let last = anchor, let near = index.near(Int(last), b) {
            lastIndex = near
        } else {
            lastIndex = index.lookup(b)
        }
        if let found = lastIndex { anchor = found }
        lastBytes.removeAll(keepingCapacity: true)
        lastBytes.append(contentsOf: b)
        (lastCount, lastWords) = b.count <= 16 ? (b.count, cellWords(b)) : (-1, (0, 0))
        valid = true
        return lastIndex
    }
}

/// Numbers standing for texts (score items, rater IDs), as `TextKeys` gives them (equal texts, in Swift's
/// sense of canonical equivalence, get equal numbers in first-seen order; nothing gets 0) but read from the
/// cell's bytes: an ASCII text costs one probe of a byte table and no String.
struct ByteKeys {
    private var ascii = IDIndex(capacity: 1024)
    private var asciiNumbers: [Int32] = []
    private var other: [String: Int32] = [:]
    /// Each non-ASCII text seen: its NFC form when that is ASCII, else nil.
    private var nfcASCII: [String: [UInt8]?] = [:]
    private var next: Int32 = 1

    /// The number of a cell's text; 0 for none.
    mutating func key(_ cell: CSVField?) -> Int32 { key(cell, own: nil, ownKey: 0) }

    /// The number of a cell's text, except that a text equal to `own` (a self-rating's rater: the row's own
    /// employee_id, ASCII) is `ownKey` (a number `key` never gives, such as a negative one). Keys are compared only
    /// among one employee's rows, so each employee's own ID needs no entry of its own: a million self-ratings
    /// would otherwise fill the table with a million texts, each a new entry at a random place.
    mutating func key(_ cell: CSVField?, own: CSVField?, ownKey: Int32) -> Int32 {
        guard let cell, cell.count > 0 else { return 0 }
        if cell.allSatisfy({ $0 < 0x80 }) {
            if let own, own.count == cell.count, own.elementsEqual(cell) { return ownKey }
            return asciiKey(cell)
        }
        let s = cell.string
        // A non-ASCII text may still equal an ASCII one (U+212A KELVIN SIGN is "K"): its NFC form says.
        if let ascii = nfcASCII[s] ?? nil {
            if let own, own.count == ascii.count, own.elementsEqual(ascii) { return ownKey }
            return asciiKey(ascii)
        }
        if let n = other[s] { return n }
        let nfc = Array(s.precomposedStringWithCanonicalMapping.utf8)
        if nfc.allSatisfy({ $0 < 0x80 }) {
            nfcASCII[s] = .some(nfc)
            return key(cell, own: own, ownKey: ownKey)
        }
        nfcASCII[s] = .some(nil)
        let n = take()
        other[s] = n
        return n
    }

    private mutating func asciiKey<C: Collection>(_ bytes: C) -> Int32 where C.Element == UInt8 {
        if let i = ascii.insert(bytes) { return asciiNumbers[Int(i)] }
        asciiNumbers.append(take())
        return asciiNumbers[asciiNumbers.count - 1]
    }

    private mutating func take() -> Int32 {
        defer { next &+= 1 }
        return next
    }
}

/// What a column that repeats a few texts (cities, bank codes) maps them to, for a reader that looks one up per row:
/// up to 32 texts compared in a row (a short String compares its bytes in place, without hashing), then a
/// dictionary for the rest.
struct FewTexts<Value> {
    // The texts apart from the values: comparing walks the texts alone, copying no value (a city's parameters).
    private var texts: [String] = []
    private var values: [Value] = []
    private var more: [String: Value] = [:]

    /// The value noted for `text`, or nil when none is.
    @inline(__always)
    func value(_ text: String) -> Value? {
        for k in texts.indices where texts[k] == text { return values[k] }
        return more.isEmpty ? nil : more[text]
    }

    /// Notes `value` for `text` (not yet noted).
    mutating func add(_ text: String, _ value: Value) {
        if texts.count < 32 {
            texts.append(text)
            values.append(value)
        } else {
            more[text] = value
        }
    }
}
