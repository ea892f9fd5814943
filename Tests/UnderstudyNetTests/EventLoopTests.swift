import Foundation
import Testing
@testable import UnderstudyNet

@Suite struct EventLoopTests {
    func withLoop(_ body: (EventLoop) async throws -> Void) async throws {
        let loop = try EventLoop(name: "test")
        loop.start()
        defer { loop.stop(); loop.waitUntilStopped() }
        try await body(loop)
    }

    @Test func timersFireInDeadlineOrderAndCancelledOnesDoNot() async throws {
        try await withLoop { loop in
            let fired = Locked<[Int]>([])
            let order = await withCheckedContinuation { (continuation: CheckedContinuation<[Int], Never>) in
                loop.execute {
                    loop.schedule(after: .milliseconds(30)) { fired.withLock { $0.append(3) } }
                    loop.schedule(after: .milliseconds(10)) { fired.withLock { $0.append(1) } }
                    let cancelled = loop.schedule(after: .milliseconds(20)) { fired.withLock { $0.append(2) } }
                    loop.cancel(cancelled)
                    loop.schedule(after: .milliseconds(40)) { continuation.resume(returning: fired.withLock { $0 }) }
                }
            }
            #expect(order == [1, 3])
        }
    }

    @Test func aThousandDelaysCostNoThreads() async throws {
        try await withLoop { loop in
            let started = ContinuousClock.now
            // Every timer runs on the loop's own thread: no thread per delay.
            let onLoop = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
                loop.execute {
                    var remaining = 1000
                    var ranOnLoop = 0
                    for index in 0..<1000 {
                        loop.schedule(after: .milliseconds(50 + index % 50)) {
                            remaining -= 1
                            if loop.inLoop { ranOnLoop += 1 }
                            if remaining == 0 { continuation.resume(returning: ranOnLoop) }
                        }
                    }
                }
            }
            #expect(onLoop == 1000)
            #expect(ContinuousClock.now - started >= .milliseconds(99))
        }
    }

    @Test func executeRunsWorkFromOtherThreadsOnTheLoop() async throws {
        try await withLoop { loop in
            let results = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        await withCheckedContinuation { continuation in
                            loop.execute { continuation.resume(returning: loop.inLoop) }
                        }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.count == 50 && results.allSatisfy { $0 })
            #expect(!loop.inLoop)
        }
    }

    @Test func listenAddressesParse() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(try ListenAddress(parsing: "[::1]:0") == ListenAddress(host: "::1", port: 0))
        #expect(try ListenAddress(parsing: ":9901").host == "0.0.0.0")
        #expect(throws: ListenAddressError.self) { try ListenAddress(parsing: "::1:80") }
        #expect(throws: ListenAddressError.self) { try ListenAddress(parsing: "localhost") }
        #expect(throws: ListenAddressError.self) { try ListenAddress(parsing: "a:99999") }
        #expect(ListenAddress(host: "::1", port: 80).description == "[::1]:80")
    }

    @Test func bindReportsOperationAddressAndReason() throws {
        let first = try ListeningSocket(address: ListenAddress(host: "127.0.0.1", port: 0), backlog: 16)
        defer { first.close() }
        let taken = ListenAddress(host: "127.0.0.1", port: first.boundAddress.port)
        #expect(throws: SocketError.self) { try ListeningSocket(address: taken, backlog: 16) }
        do {
            _ = try ListeningSocket(address: taken, backlog: 16)
        } catch {
            #expect(error.description == "bind \(taken): Address already in use")
        }
    }
}

@Suite struct SocketAddressTests {
    @Test(arguments: [("127.0.0.1", UInt16(8080), "127.0.0.1:8080"), ("10.200.3.45", 0, "10.200.3.45:0"),
                      ("255.255.255.255", 65535, "255.255.255.255:65535"), ("::1", 443, "[::1]:443")])
    func describesAddresses(_ host: String, _ port: UInt16, _ text: String) throws {
        #expect(try SocketAddress(resolving: ListenAddress(host: host, port: port)).description == text)
    }
}
