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
        routed.transportRequest.head.authority = pick.instance.authority
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
