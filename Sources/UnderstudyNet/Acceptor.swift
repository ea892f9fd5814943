#if canImport(Glibc)
import Glibc
#endif

/// Accepts connections from a shared `ListeningSocket` on one loop and hands each new
/// stream to `onAccept`. Several loops poll the same socket (`EPOLLEXCLUSIVE`), so the
/// kernel wakes one of them per connection. On `EMFILE`/`ENFILE` it stops polling, keeps
/// the open connections served, and retries after `retryDelay` — never spinning. With an
/// `admission`, it asks before each `accept` and, refused, leaves new connections in the
/// kernel's listen backlog (as a full Apache does) until the admission wakes it.
public final class Acceptor: EventHandler {
    public let socket: ListeningSocket
    private unowned let loop: EventLoop
    private let onAccept: (TCPStream) -> Void
    private let onError: (SocketError) -> Void
    private let retryDelay: Duration
    private let admission: AcceptAdmission?
    private var isPolling = false
    private var isStopped = false
    /// Paused by the admission (as opposed to stopped, or paused for `EMFILE`).
    public private(set) var isWaitingForAdmission = false
    private lazy var wake: @Sendable () -> Void = { [loop, weak self] in
        let acceptor = LoopBound(Weak(self), on: loop)
        return { loop.execute { acceptor.value.object?.admissionWoke() } }
    }()

    public init(socket: ListeningSocket, loop: EventLoop, retryDelay: Duration = .milliseconds(100),
                admission: AcceptAdmission? = nil,
                onError: @escaping (SocketError) -> Void, onAccept: @escaping (TCPStream) -> Void) {
        self.socket = socket
        self.loop = loop
        self.retryDelay = retryDelay
        self.admission = admission
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

    private func admissionWoke() {
        guard isWaitingForAdmission else { return }
        isWaitingForAdmission = false
        do throws(SocketError) {
            try start()
        } catch {
            onError(error)
            loop.schedule(after: retryDelay) { [weak self] in
                self?.isWaitingForAdmission = true
                self?.admissionWoke()
            }
        }
    }

    public func handleEvents(_ readiness: Readiness) {
        for _ in 0..<64 {
            if let admission, !admission.admitConnection(orWake: wake) {
                isWaitingForAdmission = true
                pause()
                return
            }
            guard let result = socket.accept() else {
                admission?.returnUnusedAdmission()
                return
            }
            switch result {
            case .success(let stream):
                onAccept(stream)
            case .failure(let error):
                admission?.returnUnusedAdmission()
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
