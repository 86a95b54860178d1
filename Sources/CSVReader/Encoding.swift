#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). Runs of ASCII are passed eight bytes at a
/// time (a line of a CSV file is mostly ASCII between its Chinese names).
func isValidUTF8(_ b: UnsafeRawBufferPointer) -> Bool {
    guard let base = b.baseAddress else { return true }
    let n = b.count
    var i = 0
    while i < n {
        if i + 8 <= n && base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
            continue
        }
        if b[i] < 0x80 {
            i += 1
            continue
        }
        guard let length = utf8SequenceLength(b, at: i) else { return false }
        i += length
    }
    return true
}

/// The length of the valid multi-byte sequence starting at `i` (whose first byte is not ASCII), or nil.
@inline(__always)
private func utf8SequenceLength<B: RandomAccessCollection>(_ b: B, at i: Int) -> Int? where B.Element == UInt8, B.Index == Int {
    var need = 0
    var lo: UInt8 = 0x80
    var hi: UInt8 = 0xBF
    switch b[i] {
    case 0xC2...0xDF: need = 1
    case 0xE0:
        need = 2
        lo = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: need = 2
    case 0xED:
        need = 2
        hi = 0x9F
    case 0xF0:
        need = 3
        lo = 0x90
    case 0xF1...0xF3: need = 3
    case 0xF4:
        need = 3
        hi = 0x8F
    default: return nil
    }
    if i + need >= b.endIndex { return nil }
    for k in 1...need {
        let t = b[i + k]
        if k == 1 { if t < lo || t > hi { return nil } } else if t < 0x80 || t > 0xBF { return nil }
    }
    return need + 1
}

/// Returns the offset of the first invalid sequence starting before `limit`, or nil.
private func utf8SequenceEnd<B: RandomAccessCollection>(_ b: B, from: Int, limit: Int) -> Int?
where B.Element == UInt8, B.Index == Int {
    var i = b.startIndex + from
    let stop = b.startIndex + limit
    while i < stop {
        if b[i] < 0x80 {
            i += 1
            continue
        }
        guard let length = utf8SequenceLength(b, at: i) else { return i - b.startIndex }
        i += length
    }
    return nil
}

/// (offset of the first invalid UTF-8 sequence or nil, bytes safely consumed).
func firstInvalidUTF8(_ b: [UInt8], limit: Int) -> (Int?, Int) {
    var i = 0
    while i < limit {
        if b[i] < 0x80 {
            i += 1
            continue
        }
        let len: Int
        switch b[i] {
        case 0xC2...0xDF: len = 2
        case 0xE0...0xEF: len = 3
        case 0xF0...0xF4: len = 4
        default: return (i, i)
        }
        if i + len > b.count { return (i, i) }
        if utf8SequenceEnd(b, from: i, limit: i + 1) != nil { return (i, i) }
        i += len
    }
    return (nil, i)
}

/// (offset of the first invalid GB18030 sequence or nil, bytes safely consumed).
func firstInvalidGB18030(_ b: [UInt8], limit: Int) -> (Int?, Int) {
    var i = 0
    while i < limit {
        let c = b[i]
        if c < 0x80 {
            i += 1
            continue
        }
        guard c >= 0x81 && c <= 0xFE, i + 1 < b.count else { return (i, i) }
        let t = b[i + 1]
        if (t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFE) {
            i += 2
            continue
        }
        if t >= 0x30 && t <= 0x39, i + 3 < b.count,
            b[i + 2] >= 0x81 && b[i + 2] <= 0xFE, b[i + 3] >= 0x30 && b[i + 3] <= 0x39
        {
            i += 4
            continue
        }
        return (i, i)
    }
    return (nil, i)
}

/// GB18030 → UTF-8 through the C library's iconv; one per reader.
final class GB18030Transcoder {
    private var cd: iconv_t?

    init() {
        let h = iconv_open("UTF-8", "GB18030")
        cd = (h == iconv_t(bitPattern: -1)) ? nil : h
    }

    deinit { if let cd { iconv_close(cd) } }

    /// Converts one field; false when the bytes are not valid GB18030.
    func convert(_ input: UnsafeRawBufferPointer, into out: inout [UInt8]) -> Bool {
        guard let cd, input.count > 0 else {
            out.removeAll(keepingCapacity: true)
            return input.count == 0
        }
        iconv(cd, nil, nil, nil, nil)  // reset shift state
        let capacity = input.count * 2 + 8
        out = [UInt8](repeating: 0, count: capacity)
        var inLeft = input.count
        var outLeft = capacity
        var ok = true
        out.withUnsafeMutableBufferPointer { ob in
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: CChar.self))
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(ob.baseAddress!).assumingMemoryBound(to: CChar.self)
            let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            if r == -1 || inLeft != 0 { ok = false }
        }
        if !ok { return false }
        out.removeLast(outLeft)
        return true
    }
}

/// UTF-8 text → GB18030 bytes (what Chinese banks' batch tools read); nil
/// when a character cannot be encoded.
public func encodeGB18030(_ text: String) -> [UInt8]? { GB18030Encoder().encode(text) }

/// Converts many strings with one iconv handle; one per thread.
public final class GB18030Encoder {
    private var h: iconv_t?
    /// An encoder from UTF-8 text to GB18030 bytes (through iconv).
    public init() {
        let x = iconv_open("GB18030", "UTF-8")
        h = x == iconv_t(bitPattern: -1) ? nil : x
    }
    deinit { if let h { iconv_close(h) } }

    /// The text in GB18030, or nil when a character cannot be written in it.
    public func encode(_ text: String) -> [UInt8]? {
        guard let h else { return nil }
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return Array(text.utf8) }
        iconv(h, nil, nil, nil, nil)
        return convert(h, text)
    }
}

private func convert(_ h: iconv_t, _ text: String) -> [UInt8]? {
    var input = Array(text.utf8)
    if input.isEmpty { return [] }
    var out = [UInt8](repeating: 0, count: input.count * 2 + 8)
    var inLeft = input.count
    var outLeft = out.count
    var ok = true
    input.withUnsafeMutableBufferPointer { ib in
        out.withUnsafeMutableBufferPointer { ob in
            var ip: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(ib.baseAddress!).assumingMemoryBound(to: CChar.self)
            var op: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(ob.baseAddress!).assumingMemoryBound(to: CChar.self)
            if iconv(h, &ip, &inLeft, &op, &outLeft) == -1 || inLeft != 0 { ok = false }
        }
    }
    guard ok else { return nil }
    out.removeLast(outLeft)
    return out
}
