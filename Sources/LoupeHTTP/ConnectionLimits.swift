import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// How long a connection may keep the server waiting, so that slow or stalled clients (a
/// "slowloris" sending a header a byte at a time, a client that opens connections and sends
/// nothing) cannot hold connections forever.
public struct LoupeConnectionLimits: Sendable {
    /// From the first byte of a request to the end of its header. A connection whose request
    /// header is not complete by then is closed.
    public var headerTimeout: TimeAmount
    /// A connection that sends nothing for this long while the server waits for a request,
    /// or for more of a request's body, is closed (a search in progress is never cut short).
    public var idleTimeout: TimeAmount
    /// After an answer that closes the connection (413: the body is too large), how long the
    /// rest of the body is read and thrown away (at most `lingerBytes`) before closing, so the
    /// client reads the answer instead of a reset.
    public var lingerTimeout: TimeAmount
    public var lingerBytes: Int

    public static let defaultHeaderTimeout: TimeAmount = .seconds(10)
    public static let defaultIdleTimeout: TimeAmount = .seconds(60)

    public init(headerTimeout: TimeAmount = LoupeConnectionLimits.defaultHeaderTimeout,
                idleTimeout: TimeAmount = LoupeConnectionLimits.defaultIdleTimeout,
                lingerTimeout: TimeAmount = .seconds(2), lingerBytes: Int = 1 << 20) {
        self.headerTimeout = headerTimeout; self.idleTimeout = idleTimeout
        self.lingerTimeout = lingerTimeout; self.lingerBytes = lingerBytes
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with Hummingbird's idle timeout and Loupe's header timeout and closing answers
    /// (see `LoupeConnectionLimits`).
    public static func loupeHTTP1(_ limits: LoupeConnectionLimits = .init()) -> HTTPServerBuilder {
        .init { responder in LoupeHTTP1Channel(responder: responder, limits: limits) }
    }
}

/// Hummingbird's HTTP/1 channel with two more handlers: `HeaderTimeoutHandler` in front of the
/// HTTP decoder (it sees the first byte of a request), `RequestHeadHandler` and
/// `ConnectionCloseHandler` after it (they see whole request and response parts).
struct LoupeHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>
    let responder: HTTPChannelHandler.Responder
    let limits: LoupeConnectionLimits

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let timer = RequestHeadTimer(timeout: limits.headerTimeout)
        let limits = self.limits
        let http1 = HTTP1Channel(responder: responder, configuration: .init(
            additionalChannelHandlers: [RequestHeadHandler(timer: timer),
                                        ConnectionCloseHandler(lingerTimeout: limits.lingerTimeout, lingerBytes: limits.lingerBytes)],
            idleTimeout: limits.idleTimeout))
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(HeaderTimeoutHandler(timer: timer), position: .first)
        }.flatMap {
            http1.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}

/// Whether a connection is between requests, reading a request's header, or past it; shared
/// by the two handlers of one connection (both run on its event loop).
final class RequestHeadTimer {
    enum State { case betweenRequests, readingHead, inRequest }
    var state = State.betweenRequests
    var scheduled: Scheduled<Void>?
    let timeout: TimeAmount

    init(timeout: TimeAmount) { self.timeout = timeout }

    func start(_ channel: any Channel) {
        state = .readingHead
        scheduled = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func stop() {
        scheduled?.cancel()
        scheduled = nil
    }
}

/// In front of the HTTP decoder: the first bytes of a request start the header clock.
final class HeaderTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let timer: RequestHeadTimer

    init(timer: RequestHeadTimer) { self.timer = timer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if timer.state == .betweenRequests { timer.start(context.channel) }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer.stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { timer.stop() }
}

/// After the HTTP decoder: a request's complete header stops the clock; the end of its body
/// makes the next bytes a new request. (Bytes of a pipelined request read together with the
/// end of the previous one start no clock; the idle timeout still bounds them.)
final class RequestHeadHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    let timer: RequestHeadTimer

    init(timer: RequestHeadTimer) { self.timer = timer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            timer.stop()
            timer.state = .inRequest
        case .end:
            timer.state = .betweenRequests
        case .body:
            break
        }
        context.fireChannelRead(data)
    }
}

/// Honours `Connection: close` on an answer: once it is sent, the server stops sending, reads
/// and discards what the client still sends for a moment (`lingerTimeout`, `lingerBytes`),
/// then closes, instead of reading the whole request body first (Hummingbird drains the body
/// of every answered request to keep the connection). Used for 413.
///
/// It also gives the bare 400 Hummingbird answers to a request it cannot parse (malformed, or
/// a request line or header over the decoder's limits) the API's JSON error body and headers,
/// so every answer is `{"error": ..., "status": N}` with `nosniff`. (Loupe's own 400s always
/// have a body, so an empty 400 that closes the connection is always that one.)
final class ConnectionCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let lingerTimeout: TimeAmount
    let lingerBytes: Int
    private var closeAfterResponse = false
    private var lingering = false
    private var discarded = 0
    private var parseErrorBody: ByteBuffer?

    static let parseErrorJSON = #"{"error":"the request is not valid HTTP/1.1, or its request line or header is too long (80 KB at most)","status":400}"# + "\n"

    init(lingerTimeout: TimeAmount, lingerBytes: Int) {
        self.lingerTimeout = lingerTimeout
        self.lingerBytes = lingerBytes
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            if head.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
            if head.status == .badRequest, head.headerFields[.contentLength] == "0", closeAfterResponse {
                let body = ByteBuffer(string: Self.parseErrorJSON)
                head.headerFields[.contentLength] = String(body.readableBytes)
                head.headerFields[.contentType] = "application/json; charset=utf-8"
                head.headerFields[.xContentTypeOptions] = "nosniff"
                head.headerFields[.contentSecurityPolicy] = "default-src 'none'; frame-ancestors 'none'"
                parseErrorBody = body
                context.write(wrapOutboundOut(.head(head)), promise: promise)
                return
            }
            context.write(data, promise: promise)
        case .end where closeAfterResponse && !lingering:
            lingering = true
            if let body = parseErrorBody {
                parseErrorBody = nil
                context.write(wrapOutboundOut(.body(body)), promise: nil)
            }
            let channel = context.channel
            let timeout = lingerTimeout
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { _ in
                channel.close(mode: .output, promise: nil)
                channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
            }
            if let promise { written.futureResult.cascade(to: promise) }
            context.writeAndFlush(data, promise: written)
        default:
            context.write(data, promise: promise)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard lingering else { return context.fireChannelRead(data) }
        if case .body(let buffer) = unwrapInboundIn(data) {
            discarded += buffer.readableBytes
            if discarded > lingerBytes { context.close(promise: nil) }
        }
    }
}
