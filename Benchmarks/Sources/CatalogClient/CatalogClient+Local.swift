import CourierRuntime

// SwiftPM needs one Swift file of the target's own next to the spec; the client itself comes from
// the build plugin.

extension CatalogClient {
    /// A client for the benchmark's server on 127.0.0.1 at `port`, over `transport`.
    public init(port: Int, transport: any HTTPTransport) {
        self.init(server: .custom(ServerURL("http://127.0.0.1:\(port)")), transport: transport)
    }
}
