#if canImport(Glibc)
import Glibc
#endif

/// Accepts connections from a shared `ListeningSocket` on one loop and hands each new
/// stream to `onAccept`. Several loops poll the same socket (`EPOLLEXCLUSIVE`), so the
/// kernel wakes one of them per connection. On `EMFILE`/`ENFILE` it stops polling, keeps
/// the open connections served, and retries after `retryDelay` — never spinning.
public final class Acceptor: EventHandler {
    public let socket: ListeningSocket
    private unowned let loop: EventLoop
    private let onAccept: (TCPStream) -> Void
    private let onError: (SocketError) -> Void
    private let retryDelay: Duration
    private var isPolling = false
    private var isStopped = false

    public init(socket: ListeningSocket, loop: EventLoop, retryDelay: Duration = .milliseconds(100),
                onError: @escaping (SocketError) -> Void, onAccept: @escaping (TCPStream) -> Void) {
        self.socket = socket
        self.loop = loop
        self.retryDelay = retryDelay
        self.onError = onError
        self.onAccept = onAccept
    }

    /// Starts polling; on the loop.
    public func start() throws(SocketError) {
        loop.assertInLoop()
        guard !isPolling, !isStopped else { return }
        try loop.register(self, fileDescriptor: socket.fileDescriptor, for: .readable,
                          edgeTriggered: false, exclusive: true)
        isPolling = true
    }

    /// Stops polling for good; on the loop. The socket is closed by its owner.
    public func stop() {
        loop.assertInLoop()
        isStopped = true
        pause()
    }

    private func pause() {
        guard isPolling else { return }
        isPolling = false
        loop.deregister(fileDescriptor: socket.fileDescriptor)
    }

    public func handleEvents(_ readiness: Readiness) {
        for _ in 0..<64 {
            guard let result = socket.accept() else { return }
            switch result {
            case .success(let stream):
                onAccept(stream)
            case .failure(let error):
                onError(error)
                if error.code == EMFILE || error.code == ENFILE || error.code == ENOBUFS || error.code == ENOMEM {
                    pause()
                    loop.schedule(after: retryDelay) { [weak self] in try? self?.start() }
                }
                return
            }
        }
    }
}
