import Foundation

/// How long a stream waits before connecting again, and how often it tries.
///
/// The wait before reconnection `n` (1 for the first) is `min(max, base × 2^(n-1))` with
/// ``jitter`` applied, where `base` is ``initial``, or the server's `retry:` field for a
/// server-sent event stream that sent one. A connection that opens resets the count.
public struct ReconnectPolicy: Hashable, Sendable {
    /// The wait before the first reconnection, before jitter.
    public var initial: Duration
    /// The longest wait, before jitter.
    public var max: Duration
    /// How each wait is randomised, as for retries.
    public var jitter: RetryPolicy.Jitter
    /// Reconnections in a row that may fail before the stream gives up with the last error, or
    /// `nil` to keep trying for as long as the consumer reads.
    public var maxAttempts: Int?

    /// Creates a policy. The defaults are a stream's: 500 ms growing to 30 s, full jitter, 10 attempts.
    public init(
        initial: Duration = .milliseconds(500), max: Duration = .seconds(30), jitter: RetryPolicy.Jitter = .full,
        maxAttempts: Int? = 10
    ) {
        self.initial = initial
        self.max = max
        self.jitter = jitter
        self.maxAttempts = maxAttempts
    }

    /// Never reconnect: the first lost connection ends the stream with its error.
    public static let never = ReconnectPolicy(maxAttempts: 0)

    /// The wait before reconnection `attempt` (1 for the first), starting from `base` (the
    /// server's `retry:` when it sent one), with jitter drawn from `random`.
    public func delay(beforeAttempt attempt: Int, base: Duration? = nil, random: some RandomSource) -> Duration {
        let start = base ?? initial
        let grown = start.seconds * pow(2, Double(Swift.max(0, attempt - 1)))
        // Bounded to a year, so that no policy or server value can overflow the conversion.
        let capped = Swift.min(Swift.max(start.seconds, Swift.min(grown, max.seconds)), 365 * 86_400)
        let wait = Duration.nanoseconds(Int64((capped * 1e9).rounded()))
        switch jitter {
        case .none: return wait
        case .full: return wait * random.nextUnit()
        case .equal: return wait / 2 + (wait / 2) * random.nextUnit()
        }
    }

    /// Why the policy cannot be used, or `nil` when it can.
    public var problem: String? {
        if initial < .zero || max < .zero { return "reconnect waits must not be negative" }
        if let maxAttempts, maxAttempts < 0 { return "reconnect maxAttempts must not be negative" }
        return nil
    }
}

/// How a streaming endpoint reads its response and resumes after a lost connection.
public struct StreamPolicy: Hashable, Sendable {
    /// How the response body is framed.
    public enum Format: String, Hashable, Sendable, CaseIterable {
        /// `text/event-stream`: server-sent events.
        case serverSentEvents = "sse"
        /// `application/x-ndjson`: one JSON value per line.
        case jsonLines = "ndjson"

        /// The media type sent in `Accept`.
        public var mediaType: String {
            switch self {
            case .serverSentEvents: "text/event-stream"
            case .jsonLines: "application/x-ndjson"
            }
        }
    }

    /// How the response body is framed.
    public var format: Format
    /// Whether a reconnection sends the last event ID as `Last-Event-ID`, so that the server
    /// resumes after it. Server-sent events only.
    public var resumesFromLastEventID: Bool
    /// A data value that ends the stream, such as `[DONE]`, or `nil`.
    public var terminator: String?
    /// When and how often the stream connects again: after a failed connection attempt, and for
    /// server-sent events after a lost or closed connection, as the standard's `EventSource`
    /// does. A JSON Lines stream has no way to resume, so once a value has arrived, a lost
    /// connection ends it with the error and the end of its body ends it cleanly.
    public var reconnect: ReconnectPolicy
    /// The longest event or line accepted, in bytes: a larger one fails the stream instead of
    /// growing memory. Default 1 MiB.
    public var maxEventSize: Int

    /// Creates a policy.
    public init(
        format: Format = .serverSentEvents, resumesFromLastEventID: Bool? = nil, terminator: String? = nil,
        reconnect: ReconnectPolicy = ReconnectPolicy(), maxEventSize: Int = 1 << 20
    ) {
        self.format = format
        self.resumesFromLastEventID = resumesFromLastEventID ?? (format == .serverSentEvents)
        self.terminator = terminator
        self.reconnect = reconnect
        self.maxEventSize = maxEventSize
    }
}
