internal import CMalloc

/// Memory the period run no longer needs, handed back at stage boundaries.
enum Memory {
    /// Hands the free pages inside malloc's heaps back to the kernel (glibc's `malloc_trim`). Freed small blocks —
    /// intake's per-row temporaries, the score rows' neighbours — otherwise stay in the process's heaps, counted in
    /// its resident memory while the pay stage adds a million results on top of them. Without glibc: nothing.
    static func releaseFreed() {
        #if canImport(Glibc)
            _ = malloc_trim(0)
        #endif
    }
}
