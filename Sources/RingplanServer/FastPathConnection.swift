import NIOCore
import NIOHTTP1

/// The state of one connection as `ConnectFastPath` keeps it, apart from the channel: each
/// event returns what the handler must do, so that every order of requests, bodies,
/// application responses, shutdown and idle checks is tested without a channel (as
/// Hummingbird's `HTTPConnectionStateHandler` keeps its state).
struct FastPathConnection {
    /// What the handler does with a request part it read.
    enum ReadAction: Equatable {
        /// Hand it on to the application.
        case pass
        /// Nothing yet (a part of a request this handler answers at its end, or of one refused).
        case drop
        /// Write this response.
        case respond(Response)
    }

    struct Response: Equatable {
        let answer: ConnectRoute.Answer
        let version: HTTPVersion
        let keepAlive: Bool
    }

    /// How a response's last part is written.
    enum EndAction: Equatable {
        /// Written, flushed with the read's other responses.
        case write
        /// The last response owed on a connection that is to close: written, flushed, then closed.
        case writeAndClose
    }

    enum IdleAction: Equatable {
        case close
        case checkAgain(in: TimeAmount)
        /// No idle timeout: no check.
        case none
    }

    private enum Request {
        case idle
        /// Reading the rest of a request this handler answers.
        case answering(ConnectRoute.Answer, version: HTTPVersion, keepAlive: Bool, bodyBytes: Int)
        /// Passing a request's parts on to the application.
        case forwarding
        /// The request broke a bound and was answered; its remaining parts are dropped.
        case refused
    }

    let idleTimeout: TimeAmount?
    private var request = Request.idle
    /// Requests read whose response has not been written yet, and how many of them the
    /// application is answering.
    private(set) var inFlight = 0
    private(set) var forwarded = 0
    private var lastActive: NIODeadline
    private var closeWhenIdle = false

    init(idleTimeout: TimeAmount?, now: NIODeadline) {
        self.idleTimeout = idleTimeout
        lastActive = now
    }

    /// A request's head. `answer` is asked only when no earlier request is still with the
    /// application (responses leave in request order); nil passes the request on.
    mutating func head(version: HTTPVersion, keepAlive: Bool, now: NIODeadline, answer: () -> ConnectRoute.Answer?) -> ReadAction {
        guard case .idle = request else { return .pass } // out of order: the application's path reports it
        inFlight += 1
        lastActive = now
        if forwarded == 0, let answer = answer() {
            request = .answering(answer, version: version, keepAlive: keepAlive, bodyBytes: 0)
            return .drop
        }
        forwarded += 1
        request = .forwarding
        return .pass
    }

    /// Body bytes: those of a request answered here are dropped, up to a bound.
    mutating func body(bytes: Int) -> ReadAction {
        switch request {
        case .answering(let answer, let version, let keepAlive, let bodyBytes):
            let total = bodyBytes + bytes
            guard total <= RequestLimits.maxBodyBytes else {
                request = .refused
                let body = ConnectService.error(413, "request body too large").1
                return .respond(Response(answer: ConnectRoute.Answer(status: 413, body: body, head: answer.head),
                                         version: version, keepAlive: false))
            }
            request = .answering(answer, version: version, keepAlive: keepAlive, bodyBytes: total)
            return .drop
        case .forwarding, .idle: return .pass
        case .refused: return .drop
        }
    }

    mutating func end() -> ReadAction {
        switch request {
        case .answering(let answer, let version, let keepAlive, _):
            request = .idle
            return .respond(Response(answer: answer, version: version, keepAlive: keepAlive))
        case .forwarding:
            request = .idle
            return .pass
        case .refused:
            request = .idle
            return .drop
        case .idle: return .pass
        }
    }

    /// This handler's own response is being written.
    mutating func responded(_ response: Response, now: NIODeadline) -> EndAction {
        if !response.keepAlive { closeWhenIdle = true }
        return responseEnded(now: now)
    }

    /// A response of the application's is ending.
    mutating func applicationResponded(now: NIODeadline) -> EndAction {
        // Not below zero: the application also answers a request NIO's decoder could not
        // read (its 400), which never passed here as a request.
        forwarded = max(0, forwarded - 1)
        return responseEnded(now: now)
    }

    private mutating func responseEnded(now: NIODeadline) -> EndAction {
        inFlight = max(0, inFlight - 1)
        lastActive = now
        return inFlight == 0 && closeWhenIdle ? .writeAndClose : .write
    }

    /// Graceful shutdown: finish what was asked, then close. True: close now.
    mutating func quiesce() -> Bool {
        closeWhenIdle = true
        return inFlight == 0
    }

    /// An idle connection closes after `idleTimeout`; a busy one never does.
    func idleCheck(now: NIODeadline) -> IdleAction {
        guard let idleTimeout else { return .none }
        let idleUntil = lastActive + idleTimeout
        if inFlight == 0 && idleUntil <= now { return .close }
        // Busy, or active since: look again when it could first be idle that long.
        return .checkAgain(in: inFlight > 0 ? idleTimeout : idleUntil - now)
    }
}
