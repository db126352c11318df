import Foundation
import FuzzSupport
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import RingplanServer

/// Arbitrary bytes on one connection through the server's real handlers (NIO's HTTP/1
/// codec and `ConnectFastPath`), with a stand-in application behind them for what the fast
/// path passes on: pipelined requests, bodies, malformed heads. Nothing may crash; every
/// answer is a well-formed response, no more of them than requests; and every 200 JSON body
/// is a valid CCM answer (the example rules are CCM).
let service: ConnectService = {
    let store = RuleStore(directory: FuzzInvariants.repository.appendingPathComponent("rules").path)
    _ = store.reload(trigger: "fuzz")
    return ConnectService(store: store, ledger: HuntLedger(capacity: 1000), metrics: ServerMetrics(), decisions: .none, token: nil,
                          logNumbers: false)
}()

/// What the application answers: a fixed 200 for each request it is handed.
final class StandInApplication: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let body = context.channel.allocator.buffer(string: "{\"alive\":true}")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

func fuzzConnection(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size <= 64 * 1024 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let channel = EmbeddedChannel()
    do {
        try ConnectPipeline.install(on: channel, connect: service, idleTimeout: .seconds(60))
        try channel.pipeline.syncOperations.addHandler(StandInApplication())
    } catch {
        fatalError("pipeline: \(error)")
    }
    // In two reads, split where the first byte says, as a network would.
    let split = size > 1 ? Int(bytes[0]) % size : size
    for chunk in [bytes[..<split], bytes[split...]] where !chunk.isEmpty {
        do { try channel.writeInbound(channel.allocator.buffer(bytes: chunk)) } catch { break }
    }
    channel.embeddedEventLoop.run()
    var output: [UInt8] = []
    while let buffer = try? channel.readOutbound(as: ByteBuffer.self) { output += buffer.readableBytesView }
    _ = try? channel.finish()
    checkResponses(output, requests: bytes)
    return 0
}

/// The responses are status lines with headers and `Content-Length` bodies, at most one a
/// request line, and each 200 JSON body is a valid answer.
func checkResponses(_ output: [UInt8], requests: [UInt8]) {
    let text = String(decoding: output, as: UTF8.self)
    var rest = Substring(text)
    var count = 0
    while !rest.isEmpty {
        guard rest.hasPrefix("HTTP/1."), let end = rest.range(of: "\r\n\r\n") else { fatalError("not a response: \(rest.prefix(200))") }
        let head = rest[..<end.lowerBound]
        rest = rest[end.upperBound...]
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        // A HEAD's response says the body's length but sends none; every body here is JSON.
        let bodiless = rest.isEmpty || rest.hasPrefix("HTTP/1.")
        let body = bodiless ? [] : Array(rest.utf8.prefix(length))
        if !bodiless { rest = Substring(String(decoding: rest.utf8.dropFirst(length), as: UTF8.self)) }
        count += 1
        if !bodiless, head.hasPrefix("HTTP/1.1 200") || head.hasPrefix("HTTP/1.0 200"),
           body.first == UInt8(ascii: "{") && !body.starts(with: Array("{\"alive\"".utf8)) {
            let valid = ["1.0", "1.1"].contains { AnswerValidator.problems(body, version: $0, applet: .ccm).isEmpty }
            if !valid { fatalError("invalid answer: \(String(decoding: body, as: UTF8.self))") }
        }
    }
    let requestLines = requests.split(separator: UInt8(ascii: "\n")).count
    if count > requestLines { fatalError("\(count) responses to at most \(requestLines) requests") }
}

FuzzDriver.run { data, size in fuzzConnection(data, size) }
