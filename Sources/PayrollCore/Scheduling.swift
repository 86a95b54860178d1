/// How a stage's work is run: the stage says how finely it splits, the
/// period run says on how many workers. Results are merged in shard order,
/// so they never depend on the number of workers.
public protocol WorkScheduler: Sendable {
    /// Splits 0..<count into contiguous shards of at least `minShard` items,
    /// runs `body` on each, and concatenates the results in shard order.
    func map<T: Sendable>(count: Int, minShard: Int, _ body: @escaping @Sendable (Range<Int>) -> [T]) -> [T]
    /// Runs independent tasks; results in task order.
    func runAll<T: Sendable>(_ tasks: [@Sendable () -> T]) -> [T]
}

/// Runs everything on the calling thread, in order (tests, tools, one-core runs).
public struct SerialScheduler: WorkScheduler {
    /// A scheduler with one worker: the caller.
    public init() {}

    /// Runs `body` once over the whole range.
    public func map<T: Sendable>(count: Int, minShard: Int, _ body: @escaping @Sendable (Range<Int>) -> [T]) -> [T] {
        count == 0 ? [] : body(0..<count)
    }

    /// Runs the tasks one after another.
    public func runAll<T: Sendable>(_ tasks: [@Sendable () -> T]) -> [T] { tasks.map { $0() } }
}
