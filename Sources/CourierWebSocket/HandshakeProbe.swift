import CourierRuntime
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// What a server answers a WebSocket handshake with, when it does not switch protocols.
///
/// swift-websocket reports a refused upgrade without the response, and whether to reconnect
/// depends on it: a 401 will be refused again, a 503 may not be. So after a refusal the transport
/// sends the same handshake once more, through SwiftNIO's HTTP/1.1 codec, reads the status and
/// header fields of the answer, and closes the connection without upgrading it.
struct HandshakeProbe {
    let eventLoopGroup: any EventLoopGroup
    let tlsConfiguration: TLSConfiguration?
    /// How long the probe may take, connecting included.
    let timeout: Duration

    /// The response to the handshake of `url` with `fields`, or `nil` when it cannot be had (the
    /// server is unreachable, answers too slowly, or accepts the upgrade this time).
    func response(to url: URL, fields: HTTPFields) async -> HTTPResponse? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else { return nil }
        let secure = scheme == "wss" || scheme == "https"
        let port = url.port ?? (secure ? 443 : 80)
        var target = url.path.isEmpty ? "/" : url.path
        if let query = url.query { target += "?" + query }
        let head = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: target,
            headers: Self.headers(fields, host: host, port: port, secure: secure))
        return await withTaskGroup(of: HTTPResponse?.self) { group in
            group.addTask { try? await exchange(head, host: host, port: port, secure: secure) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Sends `head` and reads the response's head; `nil` when the server switches protocols.
    private func exchange(_ head: HTTPRequestHead, host: String, port: Int, secure: Bool) async throws -> HTTPResponse?
    {
        let context = try secure ? NIOSSLContext(configuration: tlsConfiguration ?? .makeClientConfiguration()) : nil
        // Server Name Indication takes names only.
        let serverName = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." } ? nil : host
        // A Network.framework group (swift-websocket takes one on Apple platforms) has no socket
        // bootstrap; the probe then runs on NIO's shared group.
        let bootstrap =
            ClientBootstrap(validatingGroup: eventLoopGroup)
            ?? ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        let channel =
            try await bootstrap
            .connectTimeout(.milliseconds(Int64(timeout / .milliseconds(1))))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: context, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(.head(head))
            try await outbound.write(.end(nil))
            for try await part in inbound {
                guard case .head(let response) = part else { continue }
                // 1xx answers other than 101 are interim; the final one follows.
                if response.status.code == 101 { return nil }
                if response.status.code < 200 { continue }
                var fields = HTTPFields()
                for (name, value) in response.headers {
                    if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
                }
                return HTTPResponse(
                    status: HTTPResponse.Status(
                        code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase),
                    headerFields: fields)
            }
            return nil
        }
    }

    /// The handshake's header fields: the channel's, then those of the upgrade itself.
    private static func headers(_ fields: HTTPFields, host: String, port: Int, secure: Bool) -> HTTPHeaders {
        var headers = HTTPHeaders()
        let defaultPort = secure ? 443 : 80
        let authority = host.contains(":") ? "[\(host)]" : host
        headers.add(name: "Host", value: port == defaultPort ? authority : "\(authority):\(port)")
        for field in fields { headers.add(name: field.name.rawName, value: field.value) }
        var key = [UInt8](repeating: 0, count: 16)
        for index in key.indices { key[index] = UInt8.random(in: .min ... .max) }
        headers.replaceOrAdd(name: "Connection", value: "Upgrade")
        headers.replaceOrAdd(name: "Upgrade", value: "websocket")
        headers.replaceOrAdd(name: "Sec-WebSocket-Version", value: "13")
        headers.replaceOrAdd(name: "Sec-WebSocket-Key", value: Data(key).base64EncodedString())
        return headers
    }
}
