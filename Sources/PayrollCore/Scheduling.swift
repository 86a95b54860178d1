/// How a stage's work is run: the stage says how finely it splits, the
/// period run says on how many workers. Results are merged in shard order,
/// so they never depend on the number of workers.
public protocol WorkScheduler: Sendable {
    /// Splits 0..<count into contiguous shards of at least `minShard` items,
    /// runs `body` on each, and concatenates the results in shard order.
    func map<T: Sendable>(count: Int, minShard: Int, _ body: @escaping @Sendable (Range<Int>) -> [T]) -> [T]
    /// Runs independent tasks; results in task order.
    func runAll<T: Sendable>(_ tasks: [@Sendable () -> T]) -> [T]
    /// Like `map` with exactly one result per item, each handed to `put` in order: the results are built in place in
    /// the whole array (no shard's results held beside it). Each shard also returns a value of its own (its
    /// diagnostics, say); those come back in shard order.
    func mapEach<T: Sendable, S: Sendable>(
        count: Int, minShard: Int, _ body: @escaping @Sendable (Range<Int>, _ put: (T) -> Void) -> S
    ) -> (results: [T], shards: [S])
    /// How many workers run at once (1: everything on the caller, in order).
    var parallelism: Int { get }
}

extension WorkScheduler {
    /// One worker unless the scheduler says otherwise.
    public var parallelism: Int { 1 }

    /// `mapEach` through `map` (the shards' results are copied into the whole).
    public func mapEach<T: Sendable, S: Sendable>(
        count: Int, minShard: Int, _ body: @escaping @Sendable (Range<Int>, _ put: (T) -> Void) -> S
    ) -> (results: [T], shards: [S]) {
        let parts: [([T], S)] = map(count: count, minShard: minShard) { range in
            var out: [T] = []
            out.reserveCapacity(range.count)
            let s = body(range) { out.append($0) }
            precondition(out.count == range.count, "mapEach: one result per item")
            return [(out, s)]
        }
        return (parts.flatMap(\.0), parts.map(\.1))
    }
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
