import CourierRuntime
import CourierRuntimeTesting

/// A service description of a given size, written both as a Courier spec and as the equivalent
/// OpenAPI 3.0 document, so that both generators get the same API.
///
/// The shape is what real services look like: resources with list (paginated, filtered),
/// get, create, replace and delete endpoints; models with scalar, optional, list, map, enum and
/// nested-model properties; a declared error with a body. Choices come from a seeded generator,
/// so a size always yields the same documents.
struct SyntheticAPI {
    struct Model {
        var name: String
        /// `nil` for an object; the cases for an enum.
        var cases: [String]?
        var properties: [(name: String, type: PropertyType, optional: Bool)]
    }

    indirect enum PropertyType {
        case string, int32, int64, double, bool, uuid, datetime
        case model(String)
        case list(PropertyType)
        case map(PropertyType)
    }

    struct Endpoint {
        enum Kind { case list, get, create, replace, delete }
        var name: String
        var kind: Kind
        var resource: String
        var model: String
        var filter: String?
    }

    let endpointCount: Int
    private(set) var models: [Model] = []
    private(set) var endpoints: [Endpoint] = []

    init(endpoints endpointCount: Int, seed: UInt64 = 42) {
        self.endpointCount = endpointCount
        let random = SeededRandom(seed: seed ^ UInt64(endpointCount))
        let modelCount = max(2, endpointCount / 2)
        let enumNames = (0..<modelCount).filter { $0 % 5 == 4 }.map { "Kind\($0)" }
        var objectNames: [String] = []
        for index in 0..<modelCount where index % 5 != 4 { objectNames.append("Item\(index)") }

        for (position, name) in objectNames.enumerated() {
            var properties: [(String, PropertyType, Bool)] = [("id", .uuid, false), ("name", .string, false)]
            let extra: [(String, PropertyType)] = [
                ("count", .int32), ("total", .int64), ("ratio", .double), ("active", .bool), ("createdAt", .datetime),
                ("note", .string), ("tags", .list(.string)), ("labels", .map(.string)),
            ]
            for (label, type) in extra where random.below(3) != 0 {
                properties.append((label, type, random.below(2) == 0))
            }
            if !enumNames.isEmpty { properties.append(("kind", .model(enumNames[random.below(enumNames.count)]), true)) }
            // Models nest four levels deep at most, as in real APIs: the model at `position` is on
            // level `position % 4`, and one on levels 0 to 2 holds one of the next level, found 1, 5
            // or 9 places on. Pointing forward, nesting makes no cycle either generator must break.
            let targets = [1, 5, 9].map { position + $0 }.filter { $0 < objectNames.count }
            if position % 4 < 3, !targets.isEmpty {
                let target = objectNames[targets[random.below(targets.count)]]
                properties.append(("child", .model(target), true))
                if random.below(2) == 0 { properties.append(("children", .list(.model(target)), false)) }
            }
            models.append(Model(name: name, cases: nil, properties: properties))
        }
        for name in enumNames {
            let count = 3 + random.below(4)
            models.append(Model(name: name, cases: (0..<count).map { "value\($0)" }, properties: []))
        }

        let kinds: [Endpoint.Kind] = [.list, .get, .create, .replace, .delete]
        var index = 0
        while endpoints.count < endpointCount {
            let resource = "resource\(index)"
            let model = objectNames[index % objectNames.count]
            let filter = enumNames.isEmpty ? nil : enumNames[index % enumNames.count]
            for kind in kinds where endpoints.count < endpointCount {
                let verb: String
                switch kind {
                case .list: verb = "list"
                case .get: verb = "get"
                case .create: verb = "create"
                case .replace: verb = "replace"
                case .delete: verb = "delete"
                }
                endpoints.append(Endpoint(name: "\(verb)Resource\(index)", kind: kind, resource: resource, model: model, filter: filter))
            }
            index += 1
        }
    }

    // MARK: - Courier

    /// The Courier spec.
    var courierSpec: String {
        var out = """
        courier: 1
        service: Synthetic\(endpointCount)
        basePath: /v1
        servers: { production: https://api.example.com }
        auth:
          bearer: { type: bearer }
        errors:
          NotFound: { status: 404, body: Problem }
        models:
          Problem:
            properties:
              title: string
              status: int32
              detail: string?

        """
        for model in models {
            out += "  \(model.name):\n"
            if let cases = model.cases {
                out += "    enum: [\(cases.joined(separator: ", "))]\n"
                continue
            }
            out += "    properties:\n"
            for property in model.properties {
                out += "      \(property.name): \(courierType(property.type))\(property.optional ? "?" : "")\n"
            }
        }
        out += "endpoints:\n"
        for endpoint in endpoints {
            out += "  \(endpoint.name):\n"
            switch endpoint.kind {
            case .list:
                out += "    method: GET\n    path: /\(endpoint.resource)\n    query:\n"
                out += "      limit: { type: int32, default: 20 }\n      cursor: string?\n"
                if let filter = endpoint.filter { out += "      kind: \(filter)?\n" }
                out += "    response: list<\(endpoint.model)>\n"
            case .get:
                out += "    method: GET\n    path: /\(endpoint.resource)/{id}\n    params: { id: uuid }\n    response: \(endpoint.model)\n"
            case .create:
                out += "    method: POST\n    path: /\(endpoint.resource)\n    body: \(endpoint.model)\n"
                out += "    response: { type: \(endpoint.model), status: 201 }\n"
            case .replace:
                out += "    method: PUT\n    path: /\(endpoint.resource)/{id}\n    params: { id: uuid }\n"
                out += "    body: \(endpoint.model)\n    response: \(endpoint.model)\n"
            case .delete:
                out += "    method: DELETE\n    path: /\(endpoint.resource)/{id}\n    params: { id: uuid }\n"
            }
            out += "    errors: [NotFound]\n"
        }
        return out
    }

    private func courierType(_ type: PropertyType) -> String {
        switch type {
        case .string: "string"
        case .int32: "int32"
        case .int64: "int64"
        case .double: "double"
        case .bool: "bool"
        case .uuid: "uuid"
        case .datetime: "datetime"
        case .model(let name): name
        case .list(let element): "list<\(courierType(element))>"
        case .map(let value): "map<\(courierType(value))>"
        }
    }

    // MARK: - OpenAPI

    /// The same API as an OpenAPI 3.0.3 document.
    var openAPIDocument: String {
        var out = """
        openapi: 3.0.3
        info: { title: Synthetic\(endpointCount), version: 1.0.0 }
        servers: [{ url: https://api.example.com/v1 }]
        security: [{ bearer: [] }]
        paths:

        """
        var byPath: [(path: String, operations: [Endpoint])] = []
        for endpoint in endpoints {
            let path = endpoint.kind == .list || endpoint.kind == .create ? "/\(endpoint.resource)" : "/\(endpoint.resource)/{id}"
            if let index = byPath.firstIndex(where: { $0.path == path }) {
                byPath[index].operations.append(endpoint)
            } else {
                byPath.append((path, [endpoint]))
            }
        }
        let notFound = "        '404':\n          description: Not found.\n"
            + "          content: { application/json: { schema: { $ref: '#/components/schemas/Problem' } } }\n"
        for (path, operations) in byPath {
            out += "  \(path):\n"
            for endpoint in operations {
                let schema = "{ $ref: '#/components/schemas/\(endpoint.model)' }"
                let idParameter = "        parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]\n"
                switch endpoint.kind {
                case .list:
                    out += "    get:\n      operationId: \(endpoint.name)\n      parameters:\n"
                    out += "        - { name: limit, in: query, schema: { type: integer, format: int32, default: 20 } }\n"
                    out += "        - { name: cursor, in: query, schema: { type: string } }\n"
                    if let filter = endpoint.filter { out += "        - { name: kind, in: query, schema: { $ref: '#/components/schemas/\(filter)' } }\n" }
                    out += "      responses:\n        '200':\n          description: OK.\n"
                    out += "          content: { application/json: { schema: { type: array, items: \(schema) } } }\n"
                case .get:
                    out += "    get:\n      operationId: \(endpoint.name)\n" + idParameter.dropFirst(2)
                    out += "      responses:\n        '200':\n          description: OK.\n          content: { application/json: { schema: \(schema) } }\n"
                case .create:
                    out += "    post:\n      operationId: \(endpoint.name)\n"
                    out += "      requestBody: { required: true, content: { application/json: { schema: \(schema) } } }\n"
                    out += "      responses:\n        '201':\n          description: Created.\n          content: { application/json: { schema: \(schema) } }\n"
                case .replace:
                    out += "    put:\n      operationId: \(endpoint.name)\n" + idParameter.dropFirst(2)
                    out += "      requestBody: { required: true, content: { application/json: { schema: \(schema) } } }\n"
                    out += "      responses:\n        '200':\n          description: OK.\n          content: { application/json: { schema: \(schema) } }\n"
                case .delete:
                    out += "    delete:\n      operationId: \(endpoint.name)\n" + idParameter.dropFirst(2)
                    out += "      responses:\n        '204':\n          description: Deleted.\n"
                }
                out += notFound
            }
        }
        out += """
        components:
          securitySchemes:
            bearer: { type: http, scheme: bearer }
          schemas:
            Problem:
              type: object
              required: [title, status]
              properties:
                title: { type: string }
                status: { type: integer, format: int32 }
                detail: { type: string }

        """
        for model in models {
            out += "    \(model.name):\n"
            if let cases = model.cases {
                out += "      type: string\n      enum: [\(cases.joined(separator: ", "))]\n"
                continue
            }
            let required = model.properties.filter { !$0.optional }.map(\.name)
            out += "      type: object\n"
            if !required.isEmpty { out += "      required: [\(required.joined(separator: ", "))]\n" }
            out += "      properties:\n"
            for property in model.properties {
                out += "        \(property.name): \(openAPISchema(property.type))\n"
            }
        }
        return out
    }

    private func openAPISchema(_ type: PropertyType) -> String {
        switch type {
        case .string: "{ type: string }"
        case .int32: "{ type: integer, format: int32 }"
        case .int64: "{ type: integer, format: int64 }"
        case .double: "{ type: number, format: double }"
        case .bool: "{ type: boolean }"
        case .uuid: "{ type: string, format: uuid }"
        case .datetime: "{ type: string, format: date-time }"
        case .model(let name): "{ $ref: '#/components/schemas/\(name)' }"
        case .list(let element): "{ type: array, items: \(openAPISchema(element)) }"
        case .map(let value): "{ type: object, additionalProperties: \(openAPISchema(value)) }"
        }
    }
}

extension SeededRandom {
    /// A whole number in `0..<bound`.
    func below(_ bound: Int) -> Int { min(bound - 1, Int(nextUnit() * Double(bound))) }
}
