import ConnectProtocol
import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Answers `/connect/{name}` on the event loop, inside the channel pipeline.
///
/// Hummingbird hands each request to an async task through `NIOAsyncChannel`, after
/// converting NIO's request head to swift-http-types (which validates the 400-byte target
/// through `URLComponents`), and converts the response back. In `perf` that machinery, not
/// the decision, was most of the server's CPU: a bare Hummingbird route answered about a
/// third of what nginx answers. A decision takes microseconds and never waits, so this
/// handler sits right after NIO's HTTP/1 decoder and answers `/connect/` as the request's
/// last part arrives; the application never sees it. Every other request (`/healthz`,
/// `/readyz`, unknown paths) goes on to the application as before.
///
/// Responses leave in request order: while a request passed on to the application is
/// unanswered, later requests on the connection are passed on too (HTTP/1.1 pipelining).
///
/// The handler also keeps the connection state that Hummingbird's
/// `HTTPConnectionStateHandler` keeps on the application's side (it would not see the
/// requests answered here): an idle connection closes after `idleTimeout`, a busy one never
/// does, and on graceful shutdown a connection closes once its last response is written.
/// That state is `FastPathConnection`; this class only carries out what it returns.
final class ConnectFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let connect: ConnectService
    private let serverName: String
    private var connection: FastPathConnection
    private var idleTask: Scheduled<Void>?
    private var needsFlush = false
    private var date = HTTPDate()

    init(connect: ConnectService, serverName: String, idleTimeout: TimeAmount?) {
        self.connect = connect
        self.serverName = serverName
        connection = FastPathConnection(idleTimeout: idleTimeout, now: .now())
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let action: FastPathConnection.ReadAction
        switch unwrapInboundIn(data) {
        case .head(let request):
            action = connection.head(version: request.version, keepAlive: request.isKeepAlive, now: .now()) {
                guard request.method == .GET || request.method == .HEAD else { return nil }
                return ConnectRoute.answer(connect: connect, target: request.uri, head: request.method == .HEAD,
                                           versionHeader: request.headers.first(name: ConnectRoute.exotelVersion))
            }
        case .body(let buffer): action = connection.body(bytes: buffer.readableBytes)
        case .end: action = connection.end()
        }
        switch action {
        case .pass: context.fireChannelRead(data)
        case .drop: break
        case .respond(let response): respond(context: context, response)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // One flush for all the requests of a read: pipelined answers share a syscall.
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    /// The application's responses, on their way out.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        writeEnd(context: context, data, connection.applicationResponded(now: .now()), promise: promise)
    }

    private func respond(context: ChannelHandlerContext, _ response: FastPathConnection.Response) {
        let answer = response.answer
        var headers = HTTPHeaders()
        headers.reserveCapacity(7)
        ConnectRoute.forEachHeader(bodyCount: answer.body.count, version: answer.version, rule: answer.rule) { name, value in
            headers.add(name: name, value: value)
        }
        headers.add(name: "Date", value: date.now())
        headers.add(name: "Server", value: serverName)
        if !response.keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: response.version, status: .init(statusCode: answer.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !answer.head {
            var buffer = context.channel.allocator.buffer(capacity: answer.body.count)
            buffer.writeBytes(answer.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        writeEnd(context: context, wrapOutboundOut(.end(nil)), connection.responded(response, now: .now()), promise: nil)
    }

    private func writeEnd(context: ChannelHandlerContext, _ end: NIOAny, _ action: FastPathConnection.EndAction,
                          promise: EventLoopPromise<Void>?) {
        switch action {
        case .write:
            context.write(end, promise: promise)
            needsFlush = true
        case .writeAndClose:
            needsFlush = false
            let written = promise ?? context.eventLoop.makePromise()
            context.writeAndFlush(end, promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    // MARK: Idle connections and graceful shutdown

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { scheduleIdleCheck(context: context, in: connection.idleTimeout) }
    }

    func channelActive(context: ChannelHandlerContext) {
        scheduleIdleCheck(context: context, in: connection.idleTimeout)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTask?.cancel()
        idleTask = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTask?.cancel()
        idleTask = nil
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
        if connection.quiesce() { context.close(promise: nil) }
    }

    private func scheduleIdleCheck(context: ChannelHandlerContext, in delay: TimeAmount?) {
        guard let delay, idleTask == nil else { return }
        idleTask = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: delay) { [self] in
            idleTask = nil
            switch connection.idleCheck(now: .now()) {
            case .close: context.close(promise: nil)
            case .checkAgain(let delay): scheduleIdleCheck(context: context, in: delay)
            case .none: break
            }
        }
    }
}

/// A connection's handlers up to the application: NIO's HTTP/1 codec and `ConnectFastPath`.
/// Public for the connection fuzzer, which puts an application of its own behind them.
public enum ConnectPipeline {
    public static func install(on channel: any Channel, connect: ConnectService, serverName: String = "ringplan",
                               idleTimeout: TimeAmount?, limits: NIOHTTPDecoderLimitConfiguration = .init()) throws {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.configureHTTPServerPipeline(
            withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
            withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
        try pipeline.addHandler(ConnectFastPath(connect: connect, serverName: serverName, idleTimeout: idleTimeout))
    }
}

/// Hummingbird's HTTP/1 child channel with `ConnectFastPath` between NIO's HTTP/1 codec
/// and the conversion to swift-http-types (`HTTP1Channel` can only add handlers after
/// it). The fast path takes over `HTTPConnectionStateHandler`'s job; the rest is
/// `HTTP1Channel`'s setup.
struct ConnectHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    let connect: ConnectService
    let serverName: String

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = configuration.httpDecoder.maxHeaderFieldSize
            limits.maxHeaderListSize = configuration.httpDecoder.maxHeaderListSize
            limits.maxHeaderFieldCount = configuration.httpDecoder.maxHeaderFieldCount
            try ConnectPipeline.install(on: channel, connect: connect, serverName: serverName, idleTimeout: configuration.idleTimeout,
                                        limits: limits)
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

/// The `Date` header's text, formatted again only when the second changes.
struct HTTPDate {
    private var second: Int = -1
    private var text = ""

    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] // as CivilCalendar.weekday counts
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    mutating func now() -> String {
        let current = time(nil)
        if current != second {
            second = current
            text = Self.format(secondsSince1970: current)
        }
        return text
    }

    /// RFC 9110 IMF-fixdate: `Thu, 26 Nov 2026 13:50:16 GMT`.
    static func format(secondsSince1970 seconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = seconds - days * 86_400
        let (year, month, day) = CivilCalendar.date(days: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[CivilCalendar.weekday(days: days)]), \(two(day)) \(months[month - 1]) \(year) "
            + "\(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) GMT"
    }
}
