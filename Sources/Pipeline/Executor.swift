import Dispatch
import Foundation
import PayrollCore
import Synchronization

/// The one place that runs work in parallel. Work is split into shards that
/// are processed by at most `threads` workers with
/// `DispatchQueue.concurrentPerform`; results are merged in shard order, so
/// the outcome never depends on the number of threads.
public struct Executor: WorkScheduler {
    /// Worker threads (at least 1).
    public let threads: Int
    /// The worker threads.
    public var parallelism: Int { threads }

    /// `threads` ≤ 0 means one worker per active processor.
    public init(threads: Int) {
        self.threads = threads > 0 ? threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Splits 0..<count into contiguous shards, runs `body` on each, and
    /// concatenates the results in shard order.
    public func map<T: Sendable>(count: Int, minShard: Int = 1024, _ body: @escaping @Sendable (Range<Int>) -> [T]) -> [T] {
        if count == 0 { return [] }
        let shardCount = max(1, min(threads * 4, (count + minShard - 1) / minShard))
        let size = (count + shardCount - 1) / shardCount
        let ranges = (0..<shardCount).map { s in (s * size)..<min(count, (s + 1) * size) }.filter { !$0.isEmpty }
        var parts = runAll(ranges.map { r in { body(r) } })
        // Each shard is let go once copied: with the whole result reserved up front (its pages touched only as it
        // fills), the peak is about one result and one shard, not two results.
        var out: [T] = []
        out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for k in parts.indices {
            out.append(contentsOf: parts[k])
            parts[k] = []
        }
        return out
    }

    /// Each shard initializes its own range of the result, in place.
    public func mapEach<T: Sendable, S: Sendable>(
        count: Int, minShard: Int, _ body: @escaping @Sendable (Range<Int>, _ put: (T) -> Void) -> S
    ) -> (results: [T], shards: [S]) {
        if count == 0 { return ([], []) }
        // Sixteen shards a thread: the last shard a worker takes alone is a sixty-fourth of a two-core run (a quarter
        // of a thread's share with four a thread, which left one core idle at the end of pay).
        let shardCount = max(1, min(threads * 16, (count + minShard - 1) / minShard))
        let size = (count + shardCount - 1) / shardCount
        let ranges = (0..<shardCount).map { s in (s * size)..<min(count, (s + 1) * size) }.filter { !$0.isEmpty }
        var shards: [S] = []
        let results = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let base = ShardBase(pointer: buffer.baseAddress!)
            shards = runAll(
                ranges.map { r in
                    {
                        var next = r.lowerBound
                        let s = body(r) { value in
                            precondition(next < r.upperBound, "mapEach: one result per item")
                            (base.pointer + next).initialize(to: value)
                            next += 1
                        }
                        precondition(next == r.upperBound, "mapEach: one result per item")
                        return s
                    }
                })
            initialized = count
        }
        return (results, shards)
    }

    /// Runs independent tasks, at most `threads` at a time, each started in order by the first free worker (so long
    /// tasks given first start first); results in task order.
    public func runAll<T: Sendable>(_ tasks: [@Sendable () -> T]) -> [T] {
        if tasks.isEmpty { return [] }
        if threads == 1 || tasks.count == 1 { return tasks.map { $0() } }
        let slots = Mutex<[T?]>(Array(repeating: nil, count: tasks.count))
        let next = Mutex(0)
        let workers = min(threads, tasks.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.withLock { n in
                    defer { n += 1 }
                    return n
                }
                guard i < tasks.count else { return }
                let r = tasks[i]()
                slots.withLock { $0[i] = r }
            }
        }
        return slots.withLock { $0.map { $0! } }
    }
}

/// The result's memory, handed to the shards that each initialize their own part of it.
private struct ShardBase<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
}
