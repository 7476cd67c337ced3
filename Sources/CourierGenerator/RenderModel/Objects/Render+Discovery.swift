import CourierSpec
import Foundation

extension Render {
    /// Where a service's instances are and how calls spread over them: the spec's `discovery:`,
    /// `loadBalancing:` and `outlierDetection:`.
    struct Discovery: RenderObject {
        var spec: DiscoverySpec
        /// The scheme of instances found through DNS: the spec's, else the first server's, else `http`.
        var scheme: String
        /// The instances of `instances:`, parsed.
        var instances: RenderList<Instance>
        /// The health check's path with the spec's `basePath`, percent-encoded and escaped for a
        /// string literal; empty without `health:`.
        var healthPath: String

        static let keys = RenderKeys<Self>(
            .discovery,
            "The service's `discovery:` with its `loadBalancing:` and `outlierDetection:`. Durations are Swift literals.",
            [
                .flag("isDNSSRV", "Whether instances come from SRV records (`dnsSrv:`).") {
                    if case .dnsSRV = $0.spec.source { true } else { false }
                },
                .flag("isDNS", "Whether instances are the A and AAAA addresses of a host (`dns:`).") {
                    if case .dns = $0.spec.source { true } else { false }
                },
                .flag("isInstances", "Whether the instances are listed (`instances:`).") {
                    if case .instances = $0.spec.source { true } else { false }
                },
                .text("srvName", "The SRV name, escaped for a string literal.") {
                    if case .dnsSRV(let name) = $0.spec.source { SwiftSpelling.literal(name) } else { "" }
                },
                .text("host", "The host of `dns:`, escaped for a string literal.") {
                    if case .dns(let host, _) = $0.spec.source { SwiftSpelling.literal(host) } else { "" }
                },
                .text("port", "The port of `dns:`.") {
                    if case .dns(_, let port) = $0.spec.source { String(port) } else { "" }
                },
                .list("instances", "The instances of `instances:`, in spec order.") { $0.instances },
                .text("scheme", "The scheme of instances found through DNS, escaped for a string literal.") {
                    SwiftSpelling.literal($0.scheme)
                },
                .text("refresh", "The longest gap between look-ups.") { Literal.duration($0.spec.refresh) },
                .text("policy", "The balancing strategy's case: `p2c`, `roundRobin` or `pickFirst`.") {
                    $0.spec.policy.rawValue
                },
                .text("panicThreshold", "The panic threshold, a `Double` literal between 0 and 1.") {
                    Literal.number($0.spec.panicThreshold)
                },
                .flag("hasOutlierDetection", "Whether failing instances are ejected.") {
                    $0.spec.outlierDetection != nil
                },
                .text("consecutiveFailures", "Failures in a row that eject an instance.") {
                    String($0.spec.outlierDetection?.consecutiveFailures ?? 0)
                },
                .text("ejectFor", "The first ejection's length.") {
                    Literal.duration($0.spec.outlierDetection?.ejectFor ?? .zero)
                },
                .text("maxEjectFor", "The longest ejection.") {
                    Literal.duration($0.spec.outlierDetection?.maxEjectFor ?? .zero)
                },
                .text("maxEjected", "The largest share of instances ejected at once, a `Double` literal.") {
                    Literal.number($0.spec.outlierDetection?.maxEjected ?? 0)
                },
                .flag("hasHealthCheck", "Whether instances are checked actively (`health:`).") {
                    $0.spec.healthCheck != nil
                },
                .text("healthPath", "The checked path with `basePath`, encoded and escaped for a string literal.") {
                    $0.healthPath
                },
                .text("healthInterval", "The time between checks.") {
                    Literal.duration($0.spec.healthCheck?.interval ?? .zero)
                },
                .text("healthTimeout", "How long a check may take.") {
                    Literal.duration($0.spec.healthCheck?.timeout ?? .zero)
                },
                .text("unhealthyAfter", "Failed checks in a row that take an instance out.") {
                    String($0.spec.healthCheck?.unhealthyAfter ?? 0)
                },
                .text("healthyAfter", "Passed checks in a row that bring it back.") {
                    String($0.spec.healthCheck?.healthyAfter ?? 0)
                },
            ])
    }

    /// One instance of `instances:`.
    struct Instance: RenderObject {
        var scheme: String
        var host: String
        var port: Int

        static let keys = RenderKeys<Self>(
            .instance, "One instance of `discovery.instances`.",
            [
                .text("scheme", "`http` or `https`.") { $0.scheme },
                .text("host", "The host, without IPv6 brackets, escaped for a string literal.") {
                    SwiftSpelling.literal($0.host)
                },
                .text("port", "The port, the scheme's when the URL names none.") { String($0.port) },
            ])
    }
}
