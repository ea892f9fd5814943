import Foundation

/// One process launch at a time: swift-corelibs-foundation's `Process.run()` crashed (a bad
/// memcpy inside it) when two tests started tools on different threads at once, so every
/// launch in the test support goes through this lock. Only the launch is serialised; the
/// processes themselves run concurrently.
enum ProcessLaunch {
    private static let lock = NSLock()

    static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }
}
