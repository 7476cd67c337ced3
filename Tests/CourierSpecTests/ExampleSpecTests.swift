import CourierSpec
import Foundation
import Testing

@Suite("Example specs in Specs/", .timeLimit(.minutes(3)))
struct ExampleSpecTests {
    static let names = SpecFileNames.specFiles(in: Fixtures.specs.path).map {
        String($0.dropFirst(Fixtures.specs.path.count + 1))
    }

    @Test("There are at least three service specs")
    func enoughServices() {
        var loader = Fixtures.loader(in: Fixtures.specs)
        let services = Self.names.compactMap { loader.load($0).spec }.filter(\.file.isService)
        #expect(services.count >= 3)
    }

    @Test("Every example spec validates with no diagnostic at all", arguments: names)
    func validatesClean(name: String) {
        var loader = Fixtures.loader(in: Fixtures.specs)
        let result = loader.load(name)
        #expect(result.diagnostics.isEmpty, "\(Fixtures.render(result.diagnostics))")
        #expect(result.spec != nil)
    }

    /// The examples are the language's showcase: together they must use every feature.
    @Test("Together the examples use every feature of the language")
    func coverEveryFeature() throws {
        var loader = Fixtures.loader(in: Fixtures.specs)
        let specs = Self.names.compactMap { loader.load($0).spec }
        let files = specs.map(\.file)
        let models = files.flatMap(\.models)
        let endpoints = files.flatMap(\.endpoints)

        func types(_ expression: TypeExpression) -> [TypeExpression] {
            switch expression {
            case .primitive, .model: [expression]
            case .list(let inner), .map(let inner), .optional(let inner): [expression] + types(inner)
            }
        }
        var used: [TypeExpression] = []
        for model in models {
            switch model.kind {
            case .object(let properties): used += properties.flatMap { types($0.type.expression) }
            case .alias(let target): used += types(target.expression)
            default: break
            }
        }
        for endpoint in endpoints {
            let parameters = endpoint.pathParameters + endpoint.queryParameters + endpoint.headerParameters
            used += parameters.flatMap { types($0.type.expression) }
            used += [endpoint.body?.type.expression, endpoint.response.type?.expression].compactMap { $0 }.flatMap(
                types)
        }
        for primitive in PrimitiveType.allCases {
            #expect(used.contains(.primitive(primitive)), "no example uses the type '\(primitive)'")
        }
        #expect(used.contains { if case .list = $0 { true } else { false } })
        #expect(used.contains { if case .map = $0 { true } else { false } })
        #expect(used.contains { $0.isOptional })

        for method in HTTPMethod.allCases {
            #expect(endpoints.contains { $0.method == method }, "no example uses \(method.rawValue)")
        }
        #expect(models.contains { if case .enumeration = $0.kind { true } else { false } })
        #expect(models.contains { if case .oneOf = $0.kind { true } else { false } })
        #expect(models.contains { if case .alias = $0.kind { true } else { false } })
        #expect(
            models.contains { $0.deprecation != nil }
                || models.contains { model in
                    if case .object(let properties) = model.kind {
                        return properties.contains { $0.deprecation != nil }
                    }
                    return false
                })
        #expect(
            models.contains { model in
                if case .object(let properties) = model.kind { return properties.contains { $0.jsonName != $0.name } }
                return false
            })
        #expect(
            models.contains { model in
                if case .object(let properties) = model.kind { return properties.contains { $0.defaultValue != nil } }
                return false
            })
        #expect(files.contains { !$0.imports.isEmpty })
        #expect(files.contains { !$0.headers.isEmpty })
        #expect(files.contains { $0.servers.count > 1 })
        let authKinds = Set(
            files.flatMap(\.authSchemes).map { scheme -> String in
                switch scheme.kind {
                case .bearer: "bearer"
                case .basic: "basic"
                case .apiKey(let placement, _, _): "apiKey-\(placement.rawValue)"
                }
            })
        #expect(authKinds == ["bearer", "basic", "apiKey-header", "apiKey-query"])
        #expect(endpoints.contains { $0.pagination != nil })
        #expect(endpoints.contains { $0.resilience.cache != nil })
        #expect(endpoints.contains { $0.idempotencyKey != nil })
        #expect(endpoints.contains { $0.deprecation != nil })
        #expect(endpoints.contains { $0.auth == .none })
        #expect(endpoints.contains { if case .schemes = $0.auth { true } else { false } })
        #expect(endpoints.contains { $0.resilience.retry == nil })
        #expect(endpoints.contains { $0.resilience.rateLimit != nil })
        #expect(endpoints.contains { $0.resilience.circuitBreaker?.scope == .endpoint })
        #expect(endpoints.contains { $0.response.type == nil })
        #expect(endpoints.contains { $0.body?.contentType == "text/plain" })
        #expect(endpoints.contains { $0.body?.type.expression == .primitive(.bytes) })
        #expect(endpoints.contains { $0.response.status == 201 })
        #expect(endpoints.contains { !$0.headerParameters.isEmpty })
        #expect(endpoints.contains { !$0.errors.isEmpty })
    }
}
