/// The `n` ≤ 16 bytes at `p` in two words, zero-padded: one layout wherever a short text is compared or hashed as
/// words (enumeration cells, IDs, departments). Read with overlapping loads inside the bytes: never a byte past them,
/// and no copy through memory read back wider than written (which stalls).
@inlinable @inline(__always)
public func shortWords(_ p: UnsafeRawPointer, _ n: Int) -> (UInt64, UInt64) {
    if n >= 8 {
        let low = p.loadUnaligned(as: UInt64.self)
        return n == 8 ? (low, 0) : (low, p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) >> UInt64((16 - n) * 8))
    }
    if n >= 4 {
        let low = UInt64(p.loadUnaligned(as: UInt32.self))
        return (low | UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << UInt64((n - 4) * 8), 0)
    }
    var w: UInt64 = 0
    for i in 0..<n { w |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << UInt64(i * 8) }
    return (w, 0)
}

/// `shortWords` of the bytes of a buffer of at most 16 (an empty one is two zero words).
@inlinable @inline(__always)
public func shortWords(_ b: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
    guard let p = b.baseAddress, b.count > 0 else { return (0, 0) }
    return shortWords(UnsafeRawPointer(p), b.count)
}
