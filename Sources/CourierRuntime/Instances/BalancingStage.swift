import Foundation

/// Sends each attempt to an instance of the service, chosen by the pool (elsewhere than the
/// call's earlier attempts when another can take it), and tells the pool how the attempt went.
///
/// It runs just outside the attempt timeout, so that an attempt that times out counts against its
/// instance.
struct BalancingStage: Middleware {
    let pool: InstancePool

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        var wait = request.policy.timeouts.attempt
        if let deadline = request.deadline { wait = min(wait, deadline - pool.clock.now()) }
        let pick = try await pool.pick(avoiding: request.routing, timeout: wait)
        request.routing?.record(pick)
        var routed = request
        routed.transportRequest.head.scheme = pick.instance.scheme
        routed.transportRequest.head.authority = pick.authority
        do {
            let response = try await next(routed)
            pool.finish(pick, failed: response.head.status.code >= 500)
            return response
        } catch {
            pool.finish(pick, failed: CircuitBreakerStage.countsAsFailure(error) ? true : nil)
            throw error
        }
    }
}

/// Sends each connection of a channel to an instance of the service: elsewhere than the last
/// ones when another can take it. A connection is long-lived, so it is not counted as a call in
/// flight, and outlier detection judges instances by calls, not by channels.
struct ChannelRoute: Sendable {
    let routing: CallRouting

    init(pool: InstancePool) {
        routing = CallRouting(pool: pool)
    }

    /// `request` sent to the instance chosen for this connection: `ws` for `http`, `wss` for `https`.
    func instance(for request: WebSocketRequest) async throws -> WebSocketRequest {
        let pick = try await routing.pool.pick(avoiding: routing, timeout: .seconds(10))
        routing.record(pick)
        routing.pool.finish(pick, failed: nil)
        guard var components = URLComponents(url: request.url, resolvingAgainstBaseURL: false) else { return request }
        components.scheme = pick.instance.scheme == "https" ? "wss" : "ws"
        if pick.instance.host.contains(":") {
            components.percentEncodedHost = "[\(pick.instance.host)]"
        } else {
            components.host = pick.instance.host
        }
        components.port = pick.instance.port
        guard let url = components.url else { return request }
        var routed = request
        routed.url = url
        return routed
    }
}
