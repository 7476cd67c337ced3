import Foundation
import HTTPTypes

/// What every call of one endpoint on one client has in common, worked out on its first call:
/// the merged resilience policy, the stages' context and the request's header fields.
///
/// A call then only fills in its path, query and body, unless it brings header fields of its own
/// (parameters sent as headers, or ``RequestOptions/headerFields``), when its head is built whole
/// as before. A plan belongs to one ``LiveSettings``: changing the settings makes new plans.
final class EndpointPlan: Sendable {
    /// The policy of the endpoint's calls before a call's own overrides, and what is wrong with it.
    let policy: ResiliencePolicy
    let policyProblem: String?
    /// The stages' context for calls with no overrides of their own, sent with ``method``.
    let context: CallContext
    /// The method ``context`` judged idempotency by: the endpoint's.
    let method: HTTPRequest.Method
    /// The header fields of a request without fields of its own (the configuration's, `Accept`,
    /// the credential, `User-Agent`), shared by the requests' heads; or why no request of the
    /// endpoint can be built on this client (a bad base URL or credential).
    let headerFields: Result<HTTPFields, PlanProblem>
    /// An API key sent as a query item, already encoded.
    let credentialQueryItem: String?

    init(
        policy: ResiliencePolicy, context: CallContext, method: HTTPRequest.Method,
        headerFields: Result<HTTPFields, PlanProblem>, credentialQueryItem: String?
    ) {
        self.policy = policy
        self.policyProblem = policy.problem
        self.context = context
        self.method = method
        self.headerFields = headerFields
        self.credentialQueryItem = credentialQueryItem
    }
}

/// Why no request of an endpoint can be built on a client.
struct PlanProblem: Error {
    let message: String
    /// Whether the credential is the problem (rather than the base URL or the discovery), which
    /// a request's own problem is reported before.
    var isCredential = false
}

/// The plans one endpoint has on the clients that called it, newest first.
///
/// Held by the endpoint's ``Operation`` (a constant of the generated client), so that finding a
/// call's plan is a lock and a comparison of references rather than a lookup by name. A handful is
/// kept: one per client in the usual case, and a few for a process that runs several clients of a
/// service (or changes a client's settings, which makes new plans).
final class EndpointPlans: @unchecked Sendable {
    // Safe: `entries` is read and written only while `lock` is held; the plans and settings it
    // holds are immutable.
    private let lock = NSLock()
    private var entries: [(settings: LiveSettings, plan: EndpointPlan)] = []

    /// The most plans kept; the oldest goes first.
    private static let capacity = 4

    /// The plan for calls made with `settings`, made by `make` when there is none yet.
    func plan(for settings: LiveSettings, make: () -> EndpointPlan) -> EndpointPlan {
        if let known = lock.withLock({ entries.first(where: { $0.settings === settings })?.plan }) { return known }
        // Made outside the lock; a call that made one at the same time keeps the first.
        let made = make()
        return lock.withLock {
            if let first = entries.first(where: { $0.settings === settings })?.plan { return first }
            if entries.count == Self.capacity { entries.removeLast() }
            entries.insert((settings, made), at: 0)
            return made
        }
    }
}
