import Dispatch
import UnderstudyCore
import UnderstudyNet

// libFuzzer entry point for the connection handler. Only declarations live here, so a
// plain `swift build` still links this product; the oracle is `ConnectionReplay.check`
// (well-formed answers, at most one per request, a closed end), run on one event loop.

/// The loop every input runs on, started once.
let fuzzLoop: EventLoop = {
    guard let loop = try? EventLoop(name: "fuzz-connection") else { fatalError("cannot create an event loop") }
    loop.start()
    return loop
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConnection(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let done = DispatchSemaphore(value: 0)
    let loop = fuzzLoop
    let verdict = Locked<String?>(nil)
    loop.execute {
        verdict.withLock { $0 = ConnectionReplay.check(fuzzInput: input, on: loop) }
        done.signal()
    }
    done.wait()
    if let problem = verdict.withLock({ $0 }) { fatalError("connection check failed: \(problem)") }
    return 0
}
