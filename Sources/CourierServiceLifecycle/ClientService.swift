import CourierRuntime
import ServiceLifecycle

/// A generated client as a swift-service-lifecycle `Service`, so that it starts and stops with the
/// rest of a `ServiceGroup`.
///
/// Running starts the client's background work (instance look-ups and health checks, when the
/// client has discovery) at once instead of with the first call. When the group shuts down
/// gracefully, the client refuses new calls with ``ClientError/shutDown``, closes its channels,
/// gives the calls in flight up to `gracePeriod` to finish, then stops its background work. When
/// the group cancels it instead, it shuts down at once.
///
/// ```swift
/// let payments = try PaymentsClient.fromEnvironment()
/// let group = ServiceGroup(
///     services: [ClientService(payments), server],
///     gracefulShutdownSignals: [.sigterm],
///     logger: logger)
/// try await group.run()
/// ```
public struct ClientService<Client: ServiceClient>: Service {
    /// The client.
    public let client: Client
    /// How long calls in flight may take to finish once a graceful shutdown starts.
    public let gracePeriod: Duration

    /// Wraps `client`; a graceful shutdown waits up to `gracePeriod` for its calls.
    public init(_ client: Client, gracePeriod: Duration = .seconds(10)) {
        self.client = client
        self.gracePeriod = gracePeriod
    }

    /// Starts the client's background work and waits for the group to shut down, then shuts the
    /// client down, gracefully unless the task was cancelled.
    public func run() async throws {
        client.runtime.start()
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled rather than asked to shut down gracefully: stop at once.
            client.shutdown()
            return
        }
        await client.runtime.shutdown(gracePeriod: gracePeriod)
    }
}
