import Foundation

extension SpecDecoder {
    /// `discovery:`, with `loadBalancing:` and `outlierDetection:` beside it at the top level.
    mutating func decodeDiscovery(_ root: Fields, endpoints: [Endpoint]) -> DiscoverySpec? {
        guard let node = root["discovery"] else {
            for key in ["loadBalancing", "outlierDetection", "health"] where root.has(key) {
                error(
                    "'\(key)' applies to the instances 'discovery:' finds, and this spec has no 'discovery:'",
                    at: root.keyLocation(key))
            }
            return nil
        }
        guard let fields = fields(node, allowed: SpecKeys.discovery, in: "'discovery'") else { return nil }
        let sources = ["dnsSrv", "dns", "instances"].filter(fields.has)
        guard let sourceKey = sources.first else {
            error("'discovery' needs one of 'dnsSrv', 'dns' or 'instances'", at: root.keyLocation("discovery"))
            return nil
        }
        for extra in sources.dropFirst() {
            error(
                "'discovery' takes only one of 'dnsSrv', 'dns' and 'instances'; this one already has '\(sourceKey)'",
                at: fields.keyLocation(extra))
        }
        // The other keys are checked even when the source is wrong, so that one run reports all.
        let source = fields[sourceKey].flatMap { discoverySource(sourceKey, $0) }
        var discovery = DiscoverySpec(source: source ?? .instances([]), location: root.keyLocation("discovery"))
        if let node = fields["scheme"], let scheme = string(node, what: "'scheme'") {
            if scheme == "http" || scheme == "https" {
                discovery.scheme = scheme
            } else {
                error("'scheme' is 'http' or 'https', not '\(scheme)'", at: node.location)
            }
            if sourceKey == "instances" {
                error(
                    "'scheme' applies to instances found through DNS; each URL of 'instances' has its own",
                    at: node.location)
            }
        }
        if let node = fields["refresh"], let refresh = positiveDuration(node, what: "'refresh'") {
            discovery.refresh = refresh
        }
        if let node = root["loadBalancing"] { decodeLoadBalancing(node, into: &discovery) }
        if let node = root["outlierDetection"] {
            discovery.outlierDetection = isNone(node) ? nil : decodeOutlierDetection(node)
        }
        if let node = root["health"] { discovery.healthCheck = decodeHealthCheck(node, endpoints: endpoints) }
        return source == nil ? nil : discovery
    }

    /// `health: { endpoint: health, interval: 10s, timeout: 2s, unhealthyAfter: 3, healthyAfter: 2 }`.
    private mutating func decodeHealthCheck(_ node: YAMLNode, endpoints: [Endpoint]) -> HealthCheckSpec? {
        guard let fields = fields(node, allowed: SpecKeys.health, in: "'health'") else { return nil }
        var path: String?
        switch (fields["endpoint"], fields["path"]) {
        case (nil, nil):
            error("'health' needs 'endpoint' (an endpoint of this spec) or 'path'", at: node.location)
        case (.some, .some):
            error("'health' takes 'endpoint' or 'path', not both", at: fields.keyLocation("path"))
        case (let endpointNode?, nil):
            guard let name = string(endpointNode, what: "'endpoint'") else { break }
            guard let endpoint = endpoints.first(where: { $0.name == name }) else {
                let hint =
                    Suggestions.closest(to: name, among: endpoints.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
                error(
                    "'health' names endpoint '\(name)', which this spec does not declare\(hint)",
                    at: endpointNode.location)
                break
            }
            if endpoint.method != .get || !endpoint.pathParameters.isEmpty || endpoint.stream != nil
                || endpoint.queryParameters.contains(where: \.isRequired)
                || endpoint.headerParameters.contains(where: \.isRequired)
            {
                error(
                    "the health check is a GET with no path parameters, required parameters or stream, and endpoint '\(name)' is not",
                    at: endpointNode.location)
                break
            }
            path = endpoint.path
        case (nil, let pathNode?):
            guard let text = string(pathNode, what: "'path'") else { break }
            guard text.hasPrefix("/"), !text.contains(where: { "{}?#".contains($0) || $0.isWhitespace }) else {
                error(
                    "'path' is a fixed path such as /health, without '{', '}', '?', '#' or spaces, not '\(text)'",
                    at: pathNode.location)
                break
            }
            path = text
        }
        var check = HealthCheckSpec(path: path ?? "/")
        if let node = fields["interval"], let value = positiveDuration(node, what: "'interval'") {
            check.interval = value
        }
        if let node = fields["timeout"], let value = positiveDuration(node, what: "'timeout'") { check.timeout = value }
        if let node = fields["unhealthyAfter"], let value = integer(node, what: "'unhealthyAfter'", in: 1...100) {
            check.unhealthyAfter = value
        }
        if let node = fields["healthyAfter"], let value = integer(node, what: "'healthyAfter'", in: 1...100) {
            check.healthyAfter = value
        }
        return path == nil ? nil : check
    }

    private mutating func discoverySource(_ key: String, _ node: YAMLNode) -> DiscoverySpec.Source? {
        switch key {
        case "dnsSrv":
            guard let name = string(node, what: "'dnsSrv'") else { return nil }
            guard Self.isDNSName(name) else {
                error(
                    "'dnsSrv' is a DNS name such as _http._tcp.payments.default.svc.cluster.local, not '\(name)'",
                    at: node.location)
                return nil
            }
            return .dnsSRV(name)
        case "dns":
            guard let text = string(node, what: "'dns'") else { return nil }
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (1...65535).contains(port), Self.isDNSName(String(text[..<colon]))
            else {
                error("'dns' is a host name and a port, as in payments.internal:8080, not '\(text)'", at: node.location)
                return nil
            }
            return .dns(host: String(text[..<colon]), port: port)
        default:
            guard let items = sequence(node, what: "'instances'") else { return nil }
            if items.isEmpty {
                error("'instances' lists at least one base URL", at: node.location)
                return nil
            }
            var urls: [String] = []
            for item in items {
                guard let url = string(item, what: "an instance") else { continue }
                if Self.isInstanceURL(url) {
                    urls.append(url)
                } else {
                    error(
                        "an instance is an http or https URL with a host and no path, query or user, as in http://10.0.0.1:8080, not '\(url)'",
                        at: item.location)
                }
            }
            return urls.count == items.count ? .instances(urls) : nil
        }
    }

    private mutating func decodeLoadBalancing(_ node: YAMLNode, into discovery: inout DiscoverySpec) {
        guard let fields = fields(node, allowed: SpecKeys.loadBalancing, in: "'loadBalancing'") else { return }
        if let node = fields["policy"], let text = string(node, what: "'policy'") {
            if let policy = DiscoverySpec.Policy(rawValue: text) {
                discovery.policy = policy
            } else {
                let names = DiscoverySpec.Policy.allCases.map(\.rawValue)
                let hint = Suggestions.closest(to: text, among: names).map { "; did you mean '\($0)'?" } ?? ""
                error("'policy' is one of \(quotedList(names)), not '\(text)'\(hint)", at: node.location)
            }
        }
        if let node = fields["panicThreshold"], let value = percentage(node, what: "'panicThreshold'") {
            discovery.panicThreshold = value
        }
    }

    private mutating func decodeOutlierDetection(_ node: YAMLNode) -> OutlierDetectionSpec {
        var detection = OutlierDetectionSpec()
        guard let fields = fields(node, allowed: SpecKeys.outlierDetection, in: "'outlierDetection'") else {
            return detection
        }
        if let node = fields["consecutiveFailures"],
            let value = integer(node, what: "'consecutiveFailures'", in: 1...1_000_000)
        {
            detection.consecutiveFailures = value
        }
        if let node = fields["ejectFor"], let value = positiveDuration(node, what: "'ejectFor'") {
            detection.ejectFor = value
        }
        if let node = fields["maxEjectFor"], let value = positiveDuration(node, what: "'maxEjectFor'") {
            detection.maxEjectFor = value
        }
        if let node = fields["maxEjected"], let value = percentage(node, what: "'maxEjected'") {
            detection.maxEjected = value
        }
        if detection.ejectFor > detection.maxEjectFor {
            error(
                "the first ejection (\(SpecUnits.format(detection.ejectFor))) is longer than the longest (\(SpecUnits.format(detection.maxEjectFor)))",
                at: fields["ejectFor"]?.location ?? fields["maxEjectFor"]?.location ?? node.location)
        }
        return detection
    }

    /// `hedge: { delay: 50ms, maxAttempts: 2 }`, or `delay: p95` for a quantile of observed latency.
    mutating func decodeHedge(_ node: YAMLNode) -> HedgePolicy? {
        guard let fields = fields(node, allowed: SpecKeys.hedge, in: "'hedge'") else { return nil }
        guard let delayNode = fields["delay"] else {
            error("'hedge' needs 'delay': a duration such as 50ms, or a percentile such as p95", at: node.location)
            return nil
        }
        var delay: HedgePolicy.Delay?
        if let text = delayNode.scalarValue, text.hasPrefix("p"), let quantile = Double(text.dropFirst()),
            quantile > 0, quantile < 100
        {
            // Rounded so that p99.9 is 0.999, not the nearest double to 99.9 / 100.
            delay = .percentile((quantile * 10_000).rounded() / 1_000_000)
        } else if let text = delayNode.scalarValue, text.hasPrefix("p") {
            error("a percentile 'delay' is above p0 and below p100, such as p95, not '\(text)'", at: delayNode.location)
        } else if let value = positiveDuration(delayNode, what: "'delay' (or a percentile such as p95)") {
            delay = .fixed(value)
        }
        var maxAttempts = 2
        if let node = fields["maxAttempts"], let value = integer(node, what: "'maxAttempts'", in: 2...10) {
            maxAttempts = value
        }
        return delay.map { HedgePolicy(delay: $0, maxAttempts: maxAttempts) }
    }

    /// Letters, digits, `-` and `_` in dot-separated labels of at most 63 characters, 253 in all.
    static func isDNSName(_ name: String) -> Bool {
        var trimmed = Substring(name)
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        guard !trimmed.isEmpty, trimmed.count <= 253 else { return false }
        return trimmed.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }

    /// An absolute http or https URL with a host and no path (but `/`), query, fragment or user.
    static func isInstanceURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil,
            components.user == nil, components.password == nil
        else { return false }
        return text.allSatisfy { $0.isASCII && !$0.isWhitespace && $0 != "\"" && $0 != "\\" }
    }
}
