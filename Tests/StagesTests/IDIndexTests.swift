import Foundation
import TestSupport
import XCTest

@testable import CSVReader
@testable import Stages

/// `IDIndex` against a dictionary: IDs in order (appended, no table until a lookup needs it), out of order (the table
/// built then), repeated; copies that change apart; lookups from several threads at once building the table.
final class IDIndexTests: XCTestCase {
    func randomID(_ g: inout SplitMix) -> String {
        let length = 1 + Int(g.next() % 12)
        let letters = Array("AB09Ez-_é工".unicodeScalars)
        return String(String.UnicodeScalarView((0..<length).map { _ in letters[Int(g.next() % UInt64(letters.count))] }))
    }

    func testInsertAndLookupAsADictionary() {
        var g = SplitMix(seed: 0x1D_1DE7)
        for trial in 0..<300 {
            var ids = (0..<(Int(g.next() % 400))).map { _ in randomID(&g) }
            switch trial % 3 {
            case 0: ids = Array(Set(ids)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }  // in order
            case 1: ids.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }  // in order but for repeats
            default: break  // any order
            }
            var index = IDIndex(capacity: trial % 2 == 0 ? ids.count : 0)
            var model: [[UInt8]: Int32] = [:]
            var copies: [(IDIndex, [[UInt8]: Int32])] = []
            for id in ids {
                let bytes = Array(id.utf8)
                let got = index.insert(bytes)
                XCTAssertEqual(got, model[bytes], "trial \(trial) insert \(id)")
                if got == nil { model[bytes] = Int32(model.count) }
                if g.next() % 50 == 0 { copies.append((index, model)) }  // a copy kept as it is now
                if g.next() % 20 == 0 {  // a lookup midway (builds the in-order table, which the next insert must drop)
                    let probe = g.next() % 2 == 0 ? bytes : Array(randomID(&g).utf8)
                    XCTAssertEqual(index.lookup(probe), model[probe], "trial \(trial) lookup midway")
                }
            }
            XCTAssertEqual(index.count, model.count)
            for (bytes, position) in model {
                XCTAssertEqual(index.lookup(bytes), position)
                XCTAssertTrue(index.holds(Int(position), bytes))
            }
            for _ in 0..<20 {
                let other = Array(randomID(&g).utf8)
                XCTAssertEqual(index.lookup(other), model[other])
            }
            // Copies taken earlier still answer as they were, whatever the index did after them.
            for (copy, old) in copies {
                XCTAssertEqual(copy.count, old.count)
                for (bytes, position) in old { XCTAssertEqual(copy.lookup(bytes), position) }
                for bytes in model.keys where old[bytes] == nil { XCTAssertNil(copy.lookup(bytes)) }
            }
        }
    }

    /// By hand: E1 < E2 < E3 appended; E2 again is a repeat (position 1); E0 out of order goes to position 3.
    func testOrderThenRepeatByHand() {
        var index = IDIndex()
        XCTAssertNil(index.insert(Array("E1".utf8)))
        XCTAssertNil(index.insert(Array("E2".utf8)))
        XCTAssertNil(index.insert(Array("E3".utf8)))
        XCTAssertEqual(index.lookup("E2"), 1)
        XCTAssertEqual(index.insert(Array("E2".utf8)), 1)
        XCTAssertNil(index.insert(Array("E0".utf8)))
        XCTAssertEqual(index.lookup("E0"), 3)
        XCTAssertEqual(index.lookup("E3"), 2)
        XCTAssertNil(index.lookup("E4"))
        XCTAssertEqual(index.sortByID(), [3, 0, 1, 2])
        XCTAssertEqual(index.lookup("E0"), 0)
    }

    /// `near` and the lookup cache against a dictionary: in-order IDs with gaps, queries near and far, present and
    /// absent, in order and not (the cache's anchor, the neighbours' search, the table).
    func testNearbyAndCacheAsADictionary() {
        var g = SplitMix(seed: 0x4EA2)
        var index = IDIndex()
        var model: [[UInt8]: Int32] = [:]
        for k in 0..<5_000 where g.next() % 3 != 0 {
            let id = Array(String(format: "E%06d", k).utf8)
            XCTAssertNil(index.insert(id))
            model[id] = Int32(model.count)
        }
        var cache = IDLookupCache()
        var k = 0
        var nearAnswered = 0
        for step in 0..<20_000 {
            k = step % 500 == 0 ? Int(g.next() % 5_000) : max(0, k + Int(g.next() % 7) - 1)  // mostly forward, small steps
            let id = Array(String(format: "E%06d", k).utf8)
            if let anchor = model[Array(String(format: "E%06d", max(0, k - 3)).utf8)], let answer = index.near(Int(anchor), id) {
                XCTAssertEqual(answer, model[id], "near \(k)")
                nearAnswered += 1
            }
            let got = id.withUnsafeBufferPointer { cache.lookup(CSVField(base: $0.baseAddress, count: $0.count), in: index) }
            XCTAssertEqual(got, model[id], "cache \(k)")
        }
        XCTAssertGreaterThan(nearAnswered, 5_000)
        // The cache against the table on IDs of 1 to 24 bytes (its short-ID comparison as words and its byte
        // comparison beyond 16), repeated and changing in their last byte or their length: the same answers.
        var mixed = IDIndex()
        var known: [[UInt8]: Int32] = [:]
        let ids = (1...24).flatMap { n in (0..<3).map { v in Array((String(repeating: "E", count: n - 1) + "\(v)").utf8) } }
        for id in ids.shuffled() where known[id] == nil {
            _ = mixed.insert(id)
            known[id] = Int32(known.count)
        }
        var mixedCache = IDLookupCache()
        for _ in 0..<5_000 {
            let id = Int(g.next() % 4) == 0 ? Array("absent\(g.next() % 3)".utf8) : ids[Int(g.next() % UInt64(ids.count))]
            for _ in 0...Int(g.next() % 2) {  // sometimes the same ID again
                let got = id.withUnsafeBufferPointer { mixedCache.lookup(CSVField(base: $0.baseAddress, count: $0.count), in: mixed) }
                XCTAssertEqual(got, known[id], String(decoding: id, as: UTF8.self))
            }
        }
        // By hand: E000000…E000002 at 0–2; after 0, E000002 is position 2; E000001x falls between and is absent.
        var small = IDIndex()
        for id in ["E000000", "E000001", "E000002"] { XCTAssertNil(small.insert(Array(id.utf8))) }
        XCTAssertEqual(small.near(0, Array("E000002".utf8)), .some(2))
        XCTAssertEqual(small.near(0, Array("E000001x".utf8)), .some(nil))
        XCTAssertNil(small.near(1, Array("E000000".utf8)))  // before the neighbours: the table decides
    }

    /// Text keys with an own text (a self-rating's rater): the own text, ASCII or canonically equal to it, is the own
    /// key; the other texts get positive keys, equal exactly when the keys without an own text are (equal texts,
    /// canonically).
    func testTextKeysWithAnOwnText() {
        func field(_ s: String, _ body: (CSVField) -> Int32) -> Int32 {
            Array(s.utf8).withUnsafeBufferPointer { body(CSVField(base: $0.baseAddress, count: $0.count)) }
        }
        let texts = ["P0003", "EK01", "E\u{212A}01", "Q1", "P0003", "é", "e\u{301}", "EK01", "M0001", "EK01x", "Q1"]
        var plain = ByteKeys()
        let plainKeys = texts.map { t in field(t) { plain.key($0) } }
        for own in ["EK01", "E0001"] {
            var keyed = ByteKeys()
            let keys = texts.map { t in
                Array(own.utf8).withUnsafeBufferPointer { o in
                    field(t) { keyed.key($0, own: CSVField(base: o.baseAddress, count: o.count), ownKey: -7) }
                }
            }
            for (k, t) in texts.enumerated() {
                let isOwn = own == "EK01" && (t == "EK01" || t == "E\u{212A}01")  // by hand: the ID and its KELVIN SIGN spelling
                XCTAssertEqual(keys[k] == -7, isOwn, t)
                if !isOwn { XCTAssertGreaterThan(keys[k], 0, t) }
                for m in texts.indices where !isOwn && keys[m] != -7 {
                    XCTAssertEqual(keys[k] == keys[m], plainKeys[k] == plainKeys[m], "\(t) / \(texts[m])")
                }
            }
        }
        XCTAssertEqual(field("") { plain.key($0) }, 0)
        XCTAssertEqual(field("é") { plain.key($0) }, field("e\u{301}") { plain.key($0) })
    }

    /// Many threads look up IDs of an in-order index at once: one builds its table, all get the right positions.
    func testConcurrentLookupsOfAnOrderedIndex() {
        for round in 0..<20 {
            var index = IDIndex()
            let ids = (0..<20_000).map { String(format: "E%07d", $0 * 3 + round) }
            for id in ids { XCTAssertNil(index.insert(Array(id.utf8))) }
            let frozen = index
            let wrong = Tally(0)
            DispatchQueue.concurrentPerform(iterations: 8) { t in
                var k = t
                while k < ids.count {
                    if frozen.lookup(Array(ids[k].utf8)) != Int32(k) { wrong.add(1) }
                    if frozen.lookup(Array("X\(k)".utf8)) != nil { wrong.add(1) }
                    k += 8
                }
            }
            XCTAssertEqual(wrong.load(), 0, "round \(round)")
        }
    }
}

/// A counter several threads add to.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int
    init(_ v: Int) { value = v }
    func add(_ n: Int) {
        lock.lock()
        value += n
        lock.unlock()
    }
    func load() -> Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}

/// The row readers' cache of a few texts answers as a dictionary would: past its 32 compared in a row, for nil
/// values noted, and for canonically equivalent spellings (NFC and NFD "Café").
final class FewTextsTests: XCTestCase {
    func testAnswersAsADictionary() {
        var cache = FewTexts<Int?>()
        var dictionary: [String: Int?] = [:]
        var g = SystemRandomNumberGenerator()
        let texts = (0..<80).map { "city\($0)" } + ["Caf\u{E9}", "北京", "shanghai"]
        for _ in 0..<2000 {
            let t = Bool.random(using: &g) ? texts.randomElement(using: &g)! : "Cafe\u{301}"
            let got = cache.value(t)
            let want = dictionary[t]
            XCTAssertEqual(got.map { $0 ?? -1 }, want.map { $0 ?? -1 }, t)
            if want == nil {
                let v: Int? = Int.random(in: 0...3, using: &g) == 0 ? nil : Int.random(in: 0...1000, using: &g)
                cache.add(t, v)
                dictionary[t] = v
            }
        }
        XCTAssertEqual(dictionary.count, texts.count)  // NFD "Café" found the NFC one
    }
}
