import Foundation

/// Decodes one file's YAML tree into a ``SpecFile``, reporting every structural problem.
///
/// The decoder checks what one file can tell on its own: keys, value kinds, scalar formats
/// (durations, percentages, statuses, type expression syntax, path templates) and
/// per-policy consistency. Whatever needs other files or the whole spec (type references,
/// imports, name collisions) is the ``SpecValidator``'s.
struct SpecDecoder {
    let path: String
    var diagnostics: [Diagnostic] = []
    /// Type expressions already parsed, by their text: a spec writes the same few types many times.
    var parsedTypes: [String: TypeExpression] = [:]

    init(path: String) { self.path = path }

    // MARK: - The file

    mutating func decode(_ root: YAMLNode) -> SpecFile? {
        guard let fields = fields(root, allowed: SpecKeys.root, in: "the spec") else { return nil }
        var file = SpecFile(
            path: path, formatVersion: 1, service: nil, description: nil, basePath: "", servers: [],
            authSchemes: [], headers: [], defaults: .builtIn, errors: [], models: [], endpoints: [], imports: [])

        if let version = fields["courier"] {
            if let number = integer(version, what: "'courier'") {
                if number != 1 {
                    error("this Courier reads format version 1, not \(number)", at: version.location)
                }
                file.formatVersion = number
            }
        } else {
            error("a spec starts with 'courier: 1', the format version", at: root.location)
        }

        if let service = fields["service"], let name = string(service, what: "'service'") {
            if name.first?.isLetter == true, name.allSatisfy({ $0.isLetter || $0.isNumber }) {
                file.service = name
            } else {
                error(
                    "a service name is letters and digits starting with a letter, as in 'Payments', not '\(name)'",
                    at: service.location)
            }
        } else if !fields.has("service") {
            for key in SpecKeys.serviceOnly where fields.has(key) {
                error(
                    "'\(key)' belongs to a service, but this file has no 'service:'; a file without one only shares models and errors",
                    at: fields.keyLocation(key))
            }
        }
        file.description = fields["description"].flatMap { string($0, what: "'description'") }
        if let basePath = fields["basePath"] { file.basePath = decodeBasePath(basePath) }
        if let servers = fields["servers"] { file.servers = decodeServers(servers) }
        if let auth = fields["auth"] { file.authSchemes = decodeAuthSchemes(auth) }
        if let headers = fields["headers"] {
            file.headers = decodeParameters(headers, kind: .header, in: "'headers'")
        }
        if let defaults = fields["defaults"] { decodeDefaults(defaults, into: &file) }
        if let errors = fields["errors"] { file.errors = decodeErrors(errors) }
        if let models = fields["models"] { file.models = decodeModels(models) }
        if let imports = fields["imports"] { file.imports = decodeImports(imports) }
        if let endpoints = fields["endpoints"] {
            file.endpoints = decodeEndpoints(endpoints, defaults: file.defaults, streamReconnect: file.streamReconnect)
        }
        if let channels = fields["channels"] {
            file.channels = decodeChannels(channels, reconnect: file.channelReconnect, keepalive: file.keepalive)
        }
        file.discovery = decodeDiscovery(fields, endpoints: file.endpoints)
        return file
    }

    // MARK: - Service settings

    mutating func decodeBasePath(_ node: YAMLNode) -> String {
        guard let text = string(node, what: "'basePath'") else { return "" }
        if text == "/" || text.isEmpty { return "" }
        guard text.hasPrefix("/") else {
            error("'basePath' starts with '/', as in '/v1'", at: node.location)
            return ""
        }
        if text.hasSuffix("/") {
            error("'basePath' does not end with '/'; endpoint paths start with one", at: node.location)
        }
        if text.contains(where: { "{}?#".contains($0) }) {
            error("'basePath' is a fixed prefix and cannot hold '{', '}', '?' or '#'", at: node.location)
        }
        return text
    }

    mutating func decodeServers(_ node: YAMLNode) -> [Server] {
        guard let entries = mapping(node, what: "'servers'") else { return [] }
        var servers: [Server] = []
        for entry in entries {
            guard let name = entry.key.scalarValue else { continue }
            var urlNode = entry.value
            var description: String?
            if entry.value.entries != nil {
                guard let fields = fields(entry.value, allowed: SpecKeys.server, in: "server '\(name)'") else {
                    continue
                }
                description = fields["description"].flatMap { string($0, what: "'description'") }
                guard let url = fields["url"] else {
                    error("server '\(name)' needs a 'url'", at: entry.key.location)
                    continue
                }
                urlNode = url
            }
            guard let url = string(urlNode, what: "the URL of server '\(name)'") else { continue }
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
            else {
                error("server '\(name)' needs an absolute http or https URL, not '\(url)'", at: urlNode.location)
                continue
            }
            if components.query != nil || components.fragment != nil {
                error("a server URL cannot have a query or fragment; put parameters on endpoints", at: urlNode.location)
                continue
            }
            let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
            servers.append(Server(name: name, url: trimmed, description: description, location: entry.key.location))
        }
        return servers
    }

    mutating func decodeAuthSchemes(_ node: YAMLNode) -> [AuthScheme] {
        guard let entries = mapping(node, what: "'auth'") else { return [] }
        var schemes: [AuthScheme] = []
        for entry in entries {
            guard let name = entry.key.scalarValue,
                let fields = fields(entry.value, allowed: SpecKeys.authScheme, in: "auth scheme '\(name)'")
            else { continue }
            guard let typeNode = fields["type"] else {
                error(
                    "auth scheme '\(name)' needs a 'type': one of \(quotedList(SpecKeys.authTypes))",
                    at: entry.key.location)
                continue
            }
            guard let type = string(typeNode, what: "'type'") else { continue }
            let allowedByType: [String: [String]] = [
                "bearer": ["type", "description", "env"],
                "basic": ["type", "description", "usernameEnv", "passwordEnv"],
                "apiKey": ["type", "description", "in", "name", "env"],
            ]
            guard let allowed = allowedByType[type] else {
                error(
                    "unknown auth type '\(type)'; use one of \(quotedList(SpecKeys.authTypes))\(Suggestions.didYouMean(type, among: SpecKeys.authTypes))",
                    at: typeNode.location)
                continue
            }
            for key in fields.keys where !allowed.contains(key) {
                error("'\(key)' does not apply to \(type) auth", at: fields.keyLocation(key))
            }
            let description = fields["description"].flatMap { string($0, what: "'description'") }
            let kind: AuthScheme.Kind
            switch type {
            case "bearer":
                kind = .bearer(env: fields["env"].flatMap { environmentVariable($0) })
            case "basic":
                kind = .basic(
                    usernameEnv: fields["usernameEnv"].flatMap { environmentVariable($0) },
                    passwordEnv: fields["passwordEnv"].flatMap { environmentVariable($0) })
            default:
                guard let placementNode = fields["in"], let nameNode = fields["name"] else {
                    error("apiKey auth '\(name)' needs 'in' (header or query) and 'name'", at: entry.key.location)
                    continue
                }
                guard let placementText = string(placementNode, what: "'in'"),
                    let placement = AuthScheme.KeyPlacement(rawValue: placementText)
                else {
                    if placementNode.scalar != nil {
                        error(
                            "'in' is 'header' or 'query', not '\(placementNode.scalarValue ?? "")'",
                            at: placementNode.location)
                    }
                    continue
                }
                guard let keyName = string(nameNode, what: "'name'") else { continue }
                if placement == .header, !isHeaderName(keyName) {
                    error("'\(keyName)' is not a valid header name", at: nameNode.location)
                }
                kind = .apiKey(in: placement, name: keyName, env: fields["env"].flatMap { environmentVariable($0) })
            }
            schemes.append(AuthScheme(name: name, kind: kind, description: description, location: entry.key.location))
        }
        return schemes
    }

    mutating func environmentVariable(_ node: YAMLNode) -> String? {
        guard let name = string(node, what: "an environment variable name") else { return nil }
        let valid =
            name.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
            && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        guard valid else {
            error(
                "'\(name)' is not an environment variable name (letters, digits and '_', not starting with a digit)",
                at: node.location)
            return nil
        }
        return name
    }

    // MARK: - Resilience

    /// The service's resilience defaults, how its streams and channels reconnect, and how its
    /// channels keep alive, unless they say otherwise.
    mutating func decodeDefaults(_ node: YAMLNode, into file: inout SpecFile) {
        guard let fields = fields(node, allowed: SpecKeys.defaults, in: "'defaults'") else { return }
        if let streamNode = fields["stream"],
            let stream = self.fields(streamNode, allowed: SpecKeys.streamDefaults, in: "'defaults.stream'"),
            let reconnectNode = stream["reconnect"]
        {
            file.streamReconnect = decodeReconnect(reconnectNode, base: file.streamReconnect)
        }
        if let channelNode = fields["channel"],
            let channel = self.fields(channelNode, allowed: SpecKeys.channelDefaults, in: "'defaults.channel'"),
            let reconnectNode = channel["reconnect"]
        {
            file.channelReconnect = decodeReconnect(reconnectNode, base: file.channelReconnect)
        }
        if let keepaliveNode = fields["keepalive"] {
            file.keepalive = decodeKeepalive(keepaliveNode, base: file.keepalive)
        }
        file.defaults = applyResilience(fields, to: .builtIn, base: .builtIn)
    }

    /// `keepalive: { interval: 20s, timeout: 10s }` over `base`, or `keepalive: none`.
    mutating func decodeKeepalive(_ node: YAMLNode, base: KeepaliveSpec?) -> KeepaliveSpec? {
        if isNone(node) { return nil }
        guard let fields = fields(node, allowed: SpecKeys.keepalive, in: "'keepalive'") else { return base }
        var keepalive = base ?? KeepaliveSpec()
        if let node = fields["interval"], let value = positiveDuration(node, what: "'interval'") {
            keepalive.interval = value
        }
        if let node = fields["timeout"], let value = positiveDuration(node, what: "'timeout'") {
            keepalive.timeout = value
        }
        return keepalive
    }

    /// `reconnect: { initial: 1s, max: 30s, jitter: full, maxAttempts: 10 }` over `base`.
    mutating func decodeReconnect(_ node: YAMLNode, base: ReconnectPolicy) -> ReconnectPolicy {
        guard let fields = fields(node, allowed: SpecKeys.reconnect, in: "'reconnect'") else { return base }
        var reconnect = base
        if let node = fields["initial"], let value = positiveDuration(node, what: "'initial'") {
            reconnect.initial = value
        }
        if let node = fields["max"], let value = positiveDuration(node, what: "'max'") { reconnect.max = value }
        if let node = fields["jitter"], let text = string(node, what: "'jitter'") {
            if let jitter = RetryPolicy.Backoff.Jitter(rawValue: text) {
                reconnect.jitter = jitter
            } else {
                let names = RetryPolicy.Backoff.Jitter.allCases.map(\.rawValue)
                error("'jitter' is one of \(quotedList(names)), not '\(text)'", at: node.location)
            }
        }
        if let node = fields["maxAttempts"] {
            if node.scalar?.style == .plain, node.scalarValue == "unlimited" {
                reconnect.maxAttempts = nil
            } else if let value = integer(node, what: "'maxAttempts' (or 'unlimited')", in: 0...1_000_000) {
                reconnect.maxAttempts = value
            }
        }
        // Only where this mapping sets a bound: an inherited pair was reported where it was written.
        if fields.has("initial") || fields.has("max"), reconnect.initial > reconnect.max {
            error(
                "the first reconnect wait (\(SpecUnits.format(reconnect.initial))) is longer than the largest (\(SpecUnits.format(reconnect.max)))",
                at: fields["initial"]?.location ?? node.location)
        }
        return reconnect
    }

    /// Applies the resilience keys present in `fields` on top of `inherited`; `base` supplies
    /// the built-in values for a policy that `inherited` switched off.
    mutating func applyResilience(_ fields: Fields, to inherited: ResiliencePolicy, base: ResiliencePolicy)
        -> ResiliencePolicy
    {
        var policy = inherited
        if let node = fields["timeout"] { policy.timeout = decodeTimeout(node, base: inherited.timeout) }
        if let node = fields["retry"] {
            policy.retry = isNone(node) ? nil : decodeRetry(node, base: inherited.retry ?? RetryPolicy())
        }
        if let node = fields["circuitBreaker"] {
            policy.circuitBreaker =
                isNone(node)
                ? nil : decodeCircuitBreaker(node, base: inherited.circuitBreaker ?? CircuitBreakerPolicy())
        }
        if let node = fields["bulkhead"] {
            policy.bulkhead = isNone(node) ? nil : decodeBulkhead(node, base: inherited.bulkhead ?? BulkheadPolicy())
        }
        if let node = fields["rateLimit"] {
            policy.rateLimit = isNone(node) ? nil : decodeRateLimit(node, base: inherited.rateLimit)
        }
        if let node = fields["cache"] {
            policy.cache = isNone(node) ? nil : decodeCache(node, base: inherited.cache ?? CachePolicy())
        }
        return policy
    }

    mutating func decodeTimeout(_ node: YAMLNode, base: TimeoutPolicy) -> TimeoutPolicy {
        guard let fields = fields(node, allowed: SpecKeys.timeout, in: "'timeout'") else { return base }
        var timeout = base
        if let total = fields["total"], let value = positiveDuration(total, what: "'total'") { timeout.total = value }
        if let attempt = fields["attempt"], let value = positiveDuration(attempt, what: "'attempt'") {
            timeout.attempt = value
        }
        if timeout.attempt > timeout.total {
            let at = fields["attempt"]?.location ?? fields["total"]?.location ?? node.location
            error(
                "the attempt timeout (\(SpecUnits.format(timeout.attempt))) is longer than the total timeout (\(SpecUnits.format(timeout.total)))",
                at: at)
        }
        return timeout
    }

    mutating func decodeRetry(_ node: YAMLNode, base: RetryPolicy) -> RetryPolicy {
        guard let fields = fields(node, allowed: SpecKeys.retry, in: "'retry'") else { return base }
        var retry = base
        if let node = fields["maxAttempts"], let value = integer(node, what: "'maxAttempts'", in: 1...20) {
            retry.maxAttempts = value
        }
        if let node = fields["maxRetryAfter"], let value = positiveDuration(node, what: "'maxRetryAfter'") {
            retry.maxRetryAfter = value
        }
        if let node = fields["backoff"], let backoff = self.fields(node, allowed: SpecKeys.backoff, in: "'backoff'") {
            if let node = backoff["initial"], let value = positiveDuration(node, what: "'initial'") {
                retry.backoff.initial = value
            }
            if let node = backoff["max"], let value = positiveDuration(node, what: "'max'") {
                retry.backoff.max = value
            }
            if let node = backoff["multiplier"], let value = number(node, what: "'multiplier'") {
                if value >= 1, value <= 10 {
                    retry.backoff.multiplier = value
                } else {
                    error("'multiplier' is between 1 and 10, not \(node.scalarValue ?? "")", at: node.location)
                }
            }
            if let node = backoff["jitter"], let text = string(node, what: "'jitter'") {
                if let jitter = RetryPolicy.Backoff.Jitter(rawValue: text) {
                    retry.backoff.jitter = jitter
                } else {
                    let names = RetryPolicy.Backoff.Jitter.allCases.map(\.rawValue)
                    error("'jitter' is one of \(quotedList(names)), not '\(text)'", at: node.location)
                }
            }
            if retry.backoff.initial > retry.backoff.max {
                error(
                    "the initial backoff (\(SpecUnits.format(retry.backoff.initial))) is longer than the largest (\(SpecUnits.format(retry.backoff.max)))",
                    at: backoff["initial"]?.location ?? node.location)
            }
        }
        if let node = fields["on"] { retry.on = decodeRetryConditions(node) }
        if let node = fields["budget"] {
            if isNone(node) {
                retry.budget = nil
            } else if let budget = self.fields(node, allowed: SpecKeys.budget, in: "'budget'") {
                var value = retry.budget ?? RetryPolicy.Budget()
                if let node = budget["ratio"], let ratio = percentage(node, what: "'ratio'") { value.ratio = ratio }
                if let node = budget["perSecond"], let perSecond = integer(node, what: "'perSecond'", in: 0...100_000) {
                    value.perSecond = perSecond
                }
                retry.budget = value
            }
        }
        return retry
    }

    mutating func decodeRetryConditions(_ node: YAMLNode) -> RetryPolicy.Conditions {
        var conditions = RetryPolicy.Conditions(connection: false, timeout: false, statuses: [])
        guard let items = sequence(node, what: "'on'") else { return RetryPolicy.Conditions() }
        for item in items {
            guard let text = item.scalarValue else {
                error(
                    "'on' lists 'connection', 'timeout' and HTTP statuses, not \(item.kindDescription)",
                    at: item.location)
                continue
            }
            if text == "connection" {
                conditions.connection = true
            } else if text == "timeout" {
                conditions.timeout = true
            } else if let status = Int(text), item.scalar?.style == .plain {
                if (400...599).contains(status) {
                    if conditions.statuses.contains(status) {
                        error("status \(status) is listed twice", at: item.location)
                    } else {
                        conditions.statuses.append(status)
                    }
                } else {
                    error("only 4xx and 5xx statuses can be retried, not \(status)", at: item.location)
                }
            } else {
                error(
                    "'on' lists 'connection', 'timeout' and HTTP statuses, not '\(text)'\(Suggestions.didYouMean(text, among: SpecKeys.retryConditions))",
                    at: item.location)
            }
        }
        conditions.statuses.sort()
        return conditions
    }

    mutating func decodeCircuitBreaker(_ node: YAMLNode, base: CircuitBreakerPolicy) -> CircuitBreakerPolicy {
        guard let fields = fields(node, allowed: SpecKeys.circuitBreaker, in: "'circuitBreaker'") else { return base }
        var breaker = base
        if let node = fields["failureRate"], let value = percentage(node, what: "'failureRate'") {
            breaker.failureRate = value
        }
        if let node = fields["minimumCalls"], let value = integer(node, what: "'minimumCalls'", in: 1...1_000_000) {
            breaker.minimumCalls = value
        }
        if let node = fields["window"], let value = positiveDuration(node, what: "'window'") { breaker.window = value }
        if let node = fields["consecutiveFailures"] {
            if isNone(node) {
                breaker.consecutiveFailures = nil
            } else if let value = integer(node, what: "'consecutiveFailures'", in: 1...1_000_000) {
                breaker.consecutiveFailures = value
            }
        }
        if let node = fields["openFor"], let value = positiveDuration(node, what: "'openFor'") {
            breaker.openFor = value
        }
        if let node = fields["maxOpenFor"], let value = positiveDuration(node, what: "'maxOpenFor'") {
            breaker.maxOpenFor = value
        }
        if let node = fields["halfOpenProbes"], let value = integer(node, what: "'halfOpenProbes'", in: 1...1_000) {
            breaker.halfOpenProbes = value
        }
        if let node = fields["scope"], let text = string(node, what: "'scope'") {
            if let scope = CircuitBreakerPolicy.Scope(rawValue: text) {
                breaker.scope = scope
            } else {
                error("'scope' is 'host' or 'endpoint', not '\(text)'", at: node.location)
            }
        }
        if breaker.openFor > breaker.maxOpenFor {
            error(
                "'openFor' (\(SpecUnits.format(breaker.openFor))) is longer than 'maxOpenFor' (\(SpecUnits.format(breaker.maxOpenFor)))",
                at: fields["openFor"]?.location ?? fields["maxOpenFor"]?.location ?? node.location)
        }
        return breaker
    }

    mutating func decodeBulkhead(_ node: YAMLNode, base: BulkheadPolicy) -> BulkheadPolicy {
        guard let fields = fields(node, allowed: SpecKeys.bulkhead, in: "'bulkhead'") else { return base }
        var bulkhead = base
        if let node = fields["maxConcurrent"], let value = integer(node, what: "'maxConcurrent'", in: 1...1_000_000) {
            bulkhead.maxConcurrent = value
        }
        if let node = fields["maxWait"], let value = duration(node, what: "'maxWait'") { bulkhead.maxWait = value }
        return bulkhead
    }

    mutating func decodeRateLimit(_ node: YAMLNode, base: RateLimitPolicy?) -> RateLimitPolicy? {
        guard let fields = fields(node, allowed: SpecKeys.rateLimit, in: "'rateLimit'") else { return base }
        let requests =
            fields["requests"].flatMap { integer($0, what: "'requests'", in: 1...1_000_000) } ?? base?.requests
        let per = fields["per"].flatMap { positiveDuration($0, what: "'per'") } ?? base?.per
        guard let requests, let per else {
            if !fields.has("requests") || !fields.has("per") {
                error("'rateLimit' needs 'requests' and 'per', as in '{ requests: 100, per: 1s }'", at: node.location)
            }
            return base
        }
        var limit = RateLimitPolicy(requests: requests, per: per, burst: base?.burst, maxWait: base?.maxWait ?? .zero)
        if fields.has("requests"), !fields.has("burst") { limit.burst = requests }
        if let node = fields["burst"], let value = integer(node, what: "'burst'", in: 1...1_000_000) {
            limit.burst = value
        }
        if let node = fields["maxWait"], let value = duration(node, what: "'maxWait'") { limit.maxWait = value }
        return limit
    }

    mutating func decodeCache(_ node: YAMLNode, base: CachePolicy) -> CachePolicy {
        guard let fields = fields(node, allowed: SpecKeys.cache, in: "'cache'") else { return base }
        var cache = base
        if let node = fields["ttl"], let value = duration(node, what: "'ttl'") { cache.ttl = value }
        if let node = fields["staleWhileRevalidate"], let value = duration(node, what: "'staleWhileRevalidate'") {
            cache.staleWhileRevalidate = value
        }
        if let node = fields["staleIfError"], let value = duration(node, what: "'staleIfError'") {
            cache.staleIfError = value
        }
        return cache
    }

    // MARK: - Errors, models, imports

    mutating func decodeErrors(_ node: YAMLNode) -> [ErrorDefinition] {
        guard let entries = mapping(node, what: "'errors'") else { return [] }
        var errors: [ErrorDefinition] = []
        for entry in entries {
            guard let name = entry.key.scalarValue,
                let fields = fields(entry.value, allowed: SpecKeys.error, in: "error '\(name)'")
            else { continue }
            guard let statusNode = fields["status"] else {
                error("error '\(name)' needs a 'status'", at: entry.key.location)
                continue
            }
            guard let status = integer(statusNode, what: "'status'") else { continue }
            guard (400...599).contains(status) else {
                error("an error's status is 4xx or 5xx, not \(status)", at: statusNode.location)
                continue
            }
            let body = fields["body"].flatMap { typeReference($0) }
            let description = fields["description"].flatMap { string($0, what: "'description'") }
            errors.append(
                ErrorDefinition(
                    name: name, status: status, body: body, description: description, location: entry.key.location))
        }
        return errors
    }

    mutating func decodeModels(_ node: YAMLNode) -> [Model] {
        guard let entries = mapping(node, what: "'models'") else { return [] }
        var models: [Model] = []
        for entry in entries {
            guard let name = entry.key.scalarValue else { continue }
            if let model = decodeModel(name: name, entry.value, at: entry.key.location) { models.append(model) }
        }
        return models
    }

    mutating func decodeModel(name: String, _ node: YAMLNode, at location: SourceLocation) -> Model? {
        if !(name.first?.isLetter ?? false) {
            error("a model name starts with a letter, not '\(name)'", at: location)
            return nil
        }
        // `Name: list<string>` is shorthand for `Name: { type: list<string> }`.
        if node.scalar != nil {
            guard let type = typeReference(node) else { return nil }
            return Model(name: name, kind: .alias(type), description: nil, deprecation: nil, location: location)
        }
        guard let fields = fields(node, allowed: SpecKeys.model, in: "model '\(name)'") else { return nil }
        let kinds = ["properties", "enum", "oneOf", "type"].filter { fields.has($0) }
        guard kinds.count == 1, let kindKey = kinds.first else {
            if kinds.isEmpty {
                error("model '\(name)' needs one of 'properties', 'enum', 'oneOf' or 'type'", at: location)
            } else {
                error(
                    "model '\(name)' has both '\(kinds[0])' and '\(kinds[1])'; a model is one of an object, an enum, a union or an alias",
                    at: fields.keyLocation(kinds[1]))
            }
            return nil
        }
        let description = fields["description"].flatMap { string($0, what: "'description'") }
        let deprecation = fields["deprecated"].flatMap { self.deprecation($0) }
        let kind: Model.Kind
        switch kindKey {
        case "properties":
            kind = .object(decodeProperties(fields["properties"] ?? node, model: name))
        case "enum":
            kind = .enumeration(decodeEnumCases(fields["enum"] ?? node, model: name))
        case "oneOf":
            guard let union = decodeOneOf(fields["oneOf"] ?? node, model: name) else { return nil }
            kind = union
        default:
            guard let typeNode = fields["type"], let type = typeReference(typeNode) else { return nil }
            kind = .alias(type)
        }
        return Model(name: name, kind: kind, description: description, deprecation: deprecation, location: location)
    }

    mutating func decodeProperties(_ node: YAMLNode, model: String) -> [Property] {
        if node.scalar?.isNull == true { return [] }
        guard let entries = mapping(node, what: "the properties of '\(model)'") else { return [] }
        var properties: [Property] = []
        for entry in entries {
            guard let name = entry.key.scalarValue else { continue }
            if name.isEmpty {
                error("a property name cannot be empty", at: entry.key.location)
                continue
            }
            if entry.value.scalar != nil {
                guard let type = typeReference(entry.value) else { continue }
                properties.append(
                    Property(
                        name: name, jsonName: name, type: type, defaultValue: nil, defaultLocation: nil,
                        description: nil, deprecation: nil, location: entry.key.location))
                continue
            }
            guard let fields = fields(entry.value, allowed: SpecKeys.property, in: "property '\(name)'") else {
                continue
            }
            guard let typeNode = fields["type"] else {
                error("property '\(name)' needs a 'type'", at: entry.key.location)
                continue
            }
            guard let type = typeReference(typeNode) else { continue }
            var jsonName = name
            if let json = fields["json"], let value = string(json, what: "'json'") {
                if value.isEmpty {
                    error("'json' names a JSON key and cannot be empty", at: json.location)
                } else {
                    jsonName = value
                }
            }
            properties.append(
                Property(
                    name: name, jsonName: jsonName, type: type,
                    defaultValue: fields["default"].flatMap { defaultValue($0) },
                    defaultLocation: fields["default"]?.location,
                    description: fields["description"].flatMap { string($0, what: "'description'") },
                    deprecation: fields["deprecated"].flatMap { deprecation($0) },
                    location: entry.key.location,
                    constraints: constraints(fields)))
        }
        return properties
    }

    mutating func decodeEnumCases(_ node: YAMLNode, model: String) -> [EnumCase] {
        var cases: [EnumCase] = []
        if let items = node.items {
            for item in items {
                guard let value = enumValue(item) else { continue }
                cases.append(EnumCase(value: value, description: nil, location: item.location))
            }
        } else if let entries = node.entries {
            // `enum: { USD: US dollar, EUR: Euro }` documents each value.
            for entry in entries {
                guard let value = enumValue(entry.key) else { continue }
                let description =
                    entry.value.scalar?.isNull == true
                    ? nil : string(entry.value, what: "the description of '\(value)'")
                cases.append(EnumCase(value: value, description: description, location: entry.key.location))
            }
        } else {
            error(
                "'enum' lists the values, as in '[USD, EUR]', or maps each value to its description; found \(node.kindDescription)",
                at: node.location)
            return []
        }
        if cases.isEmpty, node.items?.isEmpty == true || node.entries?.isEmpty == true {
            error("enum '\(model)' needs at least one value", at: node.location)
        }
        return cases
    }

    mutating func enumValue(_ node: YAMLNode) -> String? {
        guard let scalar = node.scalar, !scalar.isNull else {
            error("an enum value is a string, not \(node.kindDescription)", at: node.location)
            return nil
        }
        if scalar.style == .plain, scalar.value == "true" || scalar.value == "false" {
            error("enum value '\(scalar.value)' would be read as a boolean; quote it", at: node.location)
            return nil
        }
        if scalar.value.isEmpty {
            error("an enum value cannot be empty", at: node.location)
            return nil
        }
        return scalar.value
    }

    mutating func decodeOneOf(_ node: YAMLNode, model: String) -> Model.Kind? {
        guard let fields = fields(node, allowed: SpecKeys.oneOf, in: "'oneOf'") else { return nil }
        guard let discriminatorNode = fields["discriminator"], let variantsNode = fields["variants"] else {
            error(
                "union '\(model)' needs a 'discriminator' (the JSON key that names the variant) and 'variants'",
                at: node.location)
            return nil
        }
        guard let discriminator = string(discriminatorNode, what: "'discriminator'"),
            let entries = mapping(variantsNode, what: "'variants'")
        else { return nil }
        var variants: [UnionVariant] = []
        for entry in entries {
            guard let tag = entry.key.scalarValue else { continue }
            if tag.isEmpty {
                error("a variant's discriminator value cannot be empty", at: entry.key.location)
                continue
            }
            guard let type = typeReference(entry.value) else { continue }
            variants.append(UnionVariant(tag: tag, model: type, location: entry.key.location))
        }
        if entries.isEmpty {
            error("union '\(model)' needs at least one variant", at: variantsNode.location)
        }
        return .oneOf(
            discriminator: discriminator, discriminatorLocation: discriminatorNode.location, variants: variants)
    }

    mutating func decodeImports(_ node: YAMLNode) -> [Import] {
        guard let items = sequence(node, what: "'imports'") else { return [] }
        var imports: [Import] = []
        for item in items {
            guard let path = string(item, what: "an import") else { continue }
            guard SpecPaths.isImportPath(path) else {
                error("an import is a path relative to this file, not '\(path)'", at: item.location)
                continue
            }
            imports.append(
                Import(
                    path: path, resolvedPath: SpecPaths.resolve(path, relativeTo: self.path), location: item.location))
        }
        return imports
    }
}
