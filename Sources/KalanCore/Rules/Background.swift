import Dispatch

/// CPU-bound work (reading a large spreadsheet) run on a dispatch queue, not on Swift's
/// cooperative threads: those are as many as the cores, and every request waits for them.
public enum Background {
    static let queue = DispatchQueue(label: "kalan.background", qos: .utility, attributes: .concurrent)

    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in queue.async { continuation.resume(returning: work()) } }
    }
}
