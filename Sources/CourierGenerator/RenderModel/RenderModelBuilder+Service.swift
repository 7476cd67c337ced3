import CourierSpec
import Foundation

extension RenderModelBuilder {
    func service() -> Render.Service {
        let file = spec.file
        let name = serviceTypePrefix
        return Render.Service(
            name: name,
            serviceSpecName: SwiftSpelling.literal(file.service ?? name),
            docLines: SwiftSpelling.docLines(file.description),
            resilienceDefaults: Render.Policy(policy: file.defaults),
            servers: RenderList(
                file.servers.map { server in
                    Render.Server(
                        caseName: SwiftSpelling.memberName(server.name),
                        url: SwiftSpelling.literal(server.url),
                        docLines: SwiftSpelling.docLines(server.description ?? "`\(server.url)`"))
                }),
            authSchemes: RenderList(file.authSchemes.map(authScheme)),
            headers: RenderList(file.headers.map { parameter($0, placement: .header) }),
            errors: RenderList(declaredErrors().map(declaredError)),
            endpoints: RenderList(file.endpoints.filter { $0.stream == nil }.map(endpoint)),
            streams: RenderList(file.endpoints.filter { $0.stream != nil }.map(endpoint)),
            channels: RenderList(file.channels.map(channel)),
            discovery: file.discovery.map(discovery))
    }

    /// The spec's discovery, with the instances of `instances:` parsed (validation checked them).
    private func discovery(_ discovery: DiscoverySpec) -> Render.Discovery {
        var instances: [Render.Instance] = []
        if case .instances(let urls) = discovery.source {
            for url in urls {
                guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                    var host = components.host
                else { continue }
                if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
                instances.append(
                    Render.Instance(scheme: scheme, host: host, port: components.port ?? (scheme == "https" ? 443 : 80))
                )
            }
        }
        let serverScheme = spec.file.servers.first.flatMap { URLComponents(string: $0.url)?.scheme?.lowercased() }
        let healthPath = discovery.healthCheck.map {
            Self.encodedLiteralPath(spec.file.basePath) + Self.encodedLiteralPath($0.path)
        }
        return Render.Discovery(
            spec: discovery, scheme: discovery.scheme ?? serverScheme ?? "http", instances: RenderList(instances),
            healthPath: healthPath ?? "")
    }

    /// A channel: its handshake as an endpoint, with what it sends and receives.
    private func channel(_ channel: ChannelSpec) -> Render.Endpoint {
        var handshake = endpoint(channel.handshake)
        let sendType = channel.send.map { spelling.type($0.expression) } ?? "CourierRuntime.NoMessage"
        let receiveType = spelling.type(channel.receive.expression)
        handshake.channel = Render.Channel(
            sendType: sendType, receiveType: receiveType,
            hasLongOperationType:
                "    static let \(handshake.name) = CourierRuntime.ChannelOperation<\(sendType), \(receiveType)>(".count
                > 120,
            keepalive: channel.keepalive, reconnect: channel.reconnect)
        return handshake
    }

    /// The errors the service's endpoints declare, in the order they are defined.
    private func declaredErrors() -> [ErrorDefinition] {
        let used = Set(spec.file.endpoints.flatMap(\.errors))
        return spec.allErrors.filter { used.contains($0.name) }
    }

    private func declaredError(_ definition: ErrorDefinition) -> Render.DeclaredError {
        var docs = SwiftSpelling.docLines(definition.description)
        if docs.isEmpty { docs = SwiftSpelling.commented(["The server answered \(definition.status)."]) }
        return Render.DeclaredError(
            caseName: SwiftSpelling.memberName(definition.name),
            specName: SwiftSpelling.literal(definition.name),
            status: definition.status,
            bodyType: definition.body.map { spelling.type($0.expression) },
            flagName: "is" + SwiftNaming.upperCamelCase(definition.name),
            docLines: docs)
    }

    private func authScheme(_ scheme: AuthScheme) -> Render.AuthScheme {
        let form: Render.AuthScheme.Form =
            switch scheme.kind {
            case .bearer(let env): .bearer(env: env)
            case .basic(let usernameEnv, let passwordEnv): .basic(usernameEnv: usernameEnv, passwordEnv: passwordEnv)
            case .apiKey(.header, let name, let env): .apiKeyHeader(name: SwiftSpelling.literal(name), env: env)
            case .apiKey(.query, let name, let env): .apiKeyQuery(name: SwiftSpelling.literal(name), env: env)
            }
        return Render.AuthScheme(
            name: SwiftSpelling.memberName(scheme.name),
            label: SwiftSpelling.label(SwiftSpelling.memberName(scheme.name)),
            specName: SwiftSpelling.literal(scheme.name),
            docLines: SwiftSpelling.docLines(scheme.description),
            form: form)
    }
}
