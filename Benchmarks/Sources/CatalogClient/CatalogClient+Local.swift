import CourierRuntime

// SwiftPM needs one Swift file of the target's own next to the spec; the client itself comes from
// the build plugin.

extension CatalogClient {
    /// A client for the benchmark's server on 127.0.0.1 at `port`, over `transport`.
    public init(port: Int, transport: any HTTPTransport) {
        self.init(server: .custom(ServerURL("http://127.0.0.1:\(port)")), transport: transport)
    }

    /// A client balancing (p2c) over the benchmark's servers at `authorities` (`127.0.0.2:PORT`).
    public init(balancingOver authorities: [(host: String, port: Int)], transport: any HTTPTransport) {
        var configuration = ClientConfiguration(server: ServerURL("http://catalog.local"), transport: transport)
        configuration.discovery = .instances(authorities.map { ServiceInstance(host: $0.host, port: $0.port) })
        self.init(configuration: configuration)
    }
}
