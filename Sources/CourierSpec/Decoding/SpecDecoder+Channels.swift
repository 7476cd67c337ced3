extension SpecDecoder {
    mutating func decodeChannels(_ node: YAMLNode, reconnect: ReconnectPolicy, keepalive: KeepaliveSpec?)
        -> [ChannelSpec]
    {
        guard let entries = mapping(node, what: "'channels'") else { return [] }
        return entries.compactMap { entry in
            guard let name = entry.key.scalarValue else { return nil }
            return decodeChannel(
                name: name, entry.value, at: entry.key.location, reconnect: reconnect, keepalive: keepalive)
        }
    }

    mutating func decodeChannel(
        name: String, _ node: YAMLNode, at location: SourceLocation, reconnect: ReconnectPolicy,
        keepalive: KeepaliveSpec?
    ) -> ChannelSpec? {
        if !(name.first?.isLetter ?? false) {
            error("a channel name starts with a letter, not '\(name)'", at: location)
            return nil
        }
        guard let fields = fields(node, allowed: SpecKeys.channel, in: "channel '\(name)'") else { return nil }
        if !fields.has("path") { error("channel '\(name)' needs 'path'", at: location) }
        if !fields.has("receive") {
            error("channel '\(name)' needs 'receive': the model or union the server sends", at: location)
        }
        var pathText = ""
        var segments: [PathSegment]?
        let pathNode = fields["path"]
        if let pathNode, let text = string(pathNode, what: "'path'") {
            pathText = text
            segments = pathTemplate(text, at: pathNode)
        }
        var keyLocations: [String: SourceLocation] = [:]
        for key in fields.keys { keyLocations[key] = fields.keyLocation(key) }
        let handshake = Endpoint(
            name: name, method: .get, path: pathText, pathSegments: segments ?? [],
            description: fields["description"].flatMap { string($0, what: "'description'") },
            deprecation: fields["deprecated"].flatMap { deprecation($0) },
            pathParameters: decodePathParameters(fields, segments: segments, pathNode: pathNode),
            queryParameters: fields["query"].map { decodeParameters($0, kind: .query, in: "'query'") } ?? [],
            headerParameters: fields["headers"].map { decodeParameters($0, kind: .header, in: "'headers'") } ?? [],
            body: nil,
            response: ResponseBody(
                type: nil, status: 101, contentType: "application/json", description: nil, location: location),
            errors: [], pagination: nil, idempotencyKey: nil, auth: decodeAuth(fields), keyLocations: keyLocations,
            resilience: .builtIn, location: location, hasRoute: segments != nil)
        let send = fields["send"].flatMap { typeReference($0) }
        guard let receiveNode = fields["receive"], let receive = typeReference(receiveNode) else { return nil }
        return ChannelSpec(
            name: name, handshake: handshake, send: send, receive: receive,
            keepalive: fields["keepalive"].map { decodeKeepalive($0, base: keepalive) } ?? keepalive,
            reconnect: fields["reconnect"].map { decodeReconnect($0, base: reconnect) } ?? reconnect,
            location: location)
    }
}
