/// An exact value kept in 9 bytes when it has at most six decimals and fits 64 bits as millionths (every rate and
/// coefficient of the shipped rule pack and performance settings), on the heap otherwise. A record a million employees
/// carry keeps one of these instead of an `Exact`'s 32 bytes (and its 16-byte alignment); `value` always gives back
/// exactly the value stored.
public struct CompactExact: Sendable {
    private enum Storage: Sendable {
        case millionths(Int64)
        case boxed(Box)
    }
    private final class Box: Sendable {
        let value: Exact
        init(_ value: Exact) { self.value = value }
    }
    private let storage: Storage

    /// Keeps `value`.
    public init(_ value: Exact) {
        if let u = value.units(tenToThe: 6), let m = Int64(exactly: u) {
            storage = .millionths(m)
        } else {
            storage = .boxed(Box(value))
        }
    }

    /// The value stored.
    public var value: Exact {
        switch storage {
        case .millionths(let m): return Exact(m, tenToThe: 6)
        case .boxed(let b): return b.value
        }
    }

    /// True when the value is kept in place (no heap storage).
    public var isInPlace: Bool {
        if case .millionths = storage { return true }
        return false
    }
}
