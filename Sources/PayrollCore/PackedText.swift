/// A text kept without a heap allocation when it is what resident ID numbers and bank accounts are: up to 32
/// characters of `0`–`9`, `X` and `x`, four bits each in two 64-bit words. Swift keeps a String of more than 15
/// bytes on the heap, and a million employees carry two such texts each (an 18-character ID number, a 16–19 digit
/// account). Any other text is kept as the String it is; either way `string` gives back exactly the text stored.
public struct PackedText: Sendable, Equatable {
    private enum Storage: Sendable, Equatable {
        case digits(UInt64, UInt64)  // first character in the high nibble of the first word; a 0 nibble ends the text
        case text(String)
    }
    private let storage: Storage

    /// The most characters kept packed.
    @usableFromInline static let packedCapacity = 32

    /// Keeps `text`, packed when it is made of digits, `X` and `x` only and is at most 32 characters long.
    public init(_ text: String) {
        if let packed = PackedText(packing: text.utf8) {
            self = packed
        } else {
            storage = .text(text)
        }
    }

    /// The text of these UTF-8 bytes packed, or nil when it is not made of digits, `X` and `x` only or is longer
    /// than 32 characters (no String is made: a reader of a million rows packs straight from the cell's bytes).
    @inlinable
    public init?<C: Collection>(packing bytes: C) where C.Element == UInt8 {
        // In place when the bytes are in one buffer (a cell in the reader's buffer); any other collection copied once.
        let packed =
            bytes.withContiguousStorageIfAvailable(PackedText.words(packing:)) ?? Array(bytes).withUnsafeBufferPointer(PackedText.words(packing:))
        guard let words = packed else { return nil }
        self.init(packedWords: words.0, words.1)
    }

    /// The packed words of these bytes, nil when they cannot be packed (see `init?(packing:)`).
    @usableFromInline
    static func words(packing bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        guard bytes.count <= PackedText.packedCapacity else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        for n in bytes.indices {
            let b = bytes[n]
            let code: UInt64
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): code = UInt64(b - UInt8(ascii: "0")) + 1
            case UInt8(ascii: "X"): code = 11
            case UInt8(ascii: "x"): code = 12
            default: return nil
            }
            let shift = UInt64(60 - 4 * (n % 16))
            if n < 16 { words.0 |= code << shift } else { words.1 |= code << shift }
        }
        return words
    }

    @usableFromInline
    init(packedWords w0: UInt64, _ w1: UInt64) { storage = .digits(w0, w1) }

    /// The text stored.
    public var string: String {
        switch storage {
        case .text(let s): return s
        case .digits(let w0, let w1):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(PackedText.packedCapacity)
            for n in 0..<PackedText.packedCapacity {
                let code = ((n < 16 ? w0 : w1) >> UInt64(60 - 4 * (n % 16))) & 0xF
                if code == 0 { break }
                switch code {
                case 11: bytes.append(UInt8(ascii: "X"))
                case 12: bytes.append(UInt8(ascii: "x"))
                default: bytes.append(UInt8(ascii: "0") + UInt8(code - 1))
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The text's length in UTF-8 bytes (a packed text's characters are one byte each).
    public var utf8Count: Int {
        switch storage {
        case .text(let s): return s.utf8.count
        case .digits(let w0, let w1):
            // The first empty nibble ends the text.
            for n in 0..<PackedText.packedCapacity where ((n < 16 ? w0 : w1) >> UInt64(60 - 4 * (n % 16))) & 0xF == 0 { return n }
            return PackedText.packedCapacity
        }
    }

    /// True when the text is kept packed (no heap storage).
    public var isPacked: Bool {
        if case .digits = storage { return true }
        return false
    }
}
