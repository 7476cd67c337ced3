import Foundation
import HTTPTypes

/// Sends each attempt to an instance of the service, chosen by the pool (elsewhere than the
/// call's earlier attempts when another can take it), and tells the pool how the attempt went:
/// the steps ``ResilienceStage`` runs for a client with ``ClientConfiguration/discovery``.
///
/// They run just outside the attempt timeout, so that an attempt that times out counts against
/// its instance.
struct BalancingStage: Sendable {
    let pool: InstancePool

    /// Sends `request` to an instance: the pool's choice, waiting for the first look-up when
    /// there are no instances yet.
    func route(_ request: inout PipelineRequest) async throws -> InstancePool.Pick {
        if let pick = try routeNow(&request) { return pick }
        var wait = request.policy.timeouts.attempt
        if let deadline = request.deadline { wait = min(wait, deadline - pool.clock.now()) }
        let pick = try await pool.pick(avoiding: request.routing, timeout: wait)
        route(&request, to: pick)
        return pick
    }

    /// Sends `request` to the pool's choice when it has instances, without suspending; `nil` when
    /// it must wait for them.
    func routeNow(_ request: inout PipelineRequest) throws -> InstancePool.Pick? {
        guard let pick = try pool.pickNow(avoiding: request.routing) else { return nil }
        route(&request, to: pick)
        return pick
    }

    private func route(_ request: inout PipelineRequest, to pick: InstancePool.Pick) {
        request.routing?.record(pick)
        if request.routedFrom == nil { request.routedFrom = request.transportRequest.head.authority ?? "" }
        // The instance's fields were made once, so setting them validates nothing. A request
        // whose head is not shared is changed in place. (Comparing first would cost more than it
        // saves: reading a field copies it.)
        let target = pick.target
        request.transportRequest.head.pseudoHeaderFields.scheme = target.schemeField
        request.transportRequest.head.pseudoHeaderFields.authority = target.authorityField
    }

    /// Tells the pool how the attempt sent to `pick` answered: a server failure counts against the instance.
    func finish(_ pick: InstancePool.Pick, response: TransportResponse) {
        pool.finish(pick, failed: response.head.status.code >= 500)
    }

    /// Tells the pool the attempt sent to `pick` failed with `error`.
    func finish(_ pick: InstancePool.Pick, failure error: any Error) {
        pool.finish(pick, failed: CircuitBreakerStage.countsAsFailure(error) ? true : nil)
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
