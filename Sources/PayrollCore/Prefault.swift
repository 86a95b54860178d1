#if canImport(Glibc)
    import Glibc
#endif

/// Memory about to be written in full, its pages made present in one call (`madvise(MADV_POPULATE_WRITE)`, Linux
/// 5.14) instead of one page fault each as it is first written: a million records of a few hundred bytes are
/// a hundred thousand faults, each a trap into the kernel (and, in a virtual machine, out of it). Worth it only
/// on a core that would otherwise wait (the same core faulting page by page costs about the same). Only whole pages
/// inside the range; a kernel without it, or any error, leaves the pages to fault as before (nothing else changes).
public enum Prefault {
    /// Below this, faulting page by page costs little.
    public static let minimumBytes = 1 << 20

    /// Makes the pages of `bytes` bytes from `start` present and writable.
    public static func populate(_ start: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
            guard bytes >= minimumBytes else { return }
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            guard page > 0 else { return }
            let first = (Int(bitPattern: start) + page - 1) / page * page
            let end = (Int(bitPattern: start) + bytes) / page * page
            guard end > first, let p = UnsafeMutableRawPointer(bitPattern: first) else { return }
            _ = madvise(p, end - first, 23)  // MADV_POPULATE_WRITE
        #endif
    }

    /// `populate` over the memory of `count` values of `T` from `start`.
    public static func populate<T>(_ start: UnsafeMutablePointer<T>, count: Int) {
        populate(UnsafeMutableRawPointer(start), bytes: count * MemoryLayout<T>.stride)
    }
}
