/// The kinds of object in the render model.
public enum RenderKind: String, Sendable, CaseIterable {
    /// One output file: the root every template starts from.
    case file
    /// A model: struct, enum, union or alias.
    case model
    /// A property of a struct model.
    case property
    /// A case of an enum model.
    case enumCase
    /// A variant of a union model.
    case variant
    /// A service: client, protocol, mock, errors, servers, auth.
    case service
    /// A named server.
    case server
    /// An auth scheme.
    case authScheme
    /// A declared error.
    case declaredError
    /// An endpoint.
    case endpoint
    /// A parameter of an endpoint or a service-wide header.
    case parameter
    /// An auth scheme an endpoint accepts.
    case schemeReference
    /// A declared error an endpoint can answer with.
    case errorRoute
    /// How an endpoint pages.
    case pagination
    /// A media type an endpoint's body may be sent as.
    case mediaType
    /// A success status of an endpoint whose response depends on the status.
    case responseCase
    /// Resilience settings: the spec's defaults, or an endpoint's.
    case policy
    /// Retries of a policy.
    case retryPolicy
    /// The circuit breaker of a policy.
    case circuitBreakerPolicy
    /// The bulkhead of a policy.
    case bulkheadPolicy
    /// The rate limit of a policy.
    case rateLimitPolicy
    /// The response cache settings of a policy.
    case cachePolicy
    /// An HTTP status code in a list.
    case status
}

/// The keys each kind of render object has: the contract between the generator and templates.
///
/// `Docs/Templates.md` documents them; a test checks that every object the generator builds has
/// exactly these keys and that every key a template names exists.
public enum RenderSchema {
    /// Keys every object in a list has.
    public static let positionKeys = ["isFirst", "isLast"]

    /// The keys of `kind`, sorted.
    public static func keys(of kind: RenderKind) -> [String] {
        switch kind {
        case .file:
            ["access", "hasModels", "isService", "models", "omittedKind", "runtimeVersion", "service", "specFile"]
        case .model:
            [
                "aliasedType", "cases", "deprecationMessage", "discriminator", "docLines", "hasDeprecationMessage",
                "hasDocLines", "hasProperties", "isAlias", "isDeprecated", "isEnum", "isStruct", "isUnion", "name",
                "properties", "specName", "variants",
            ]
        case .property:
            [
                "codingKey", "decodeMethod", "decodeType", "defaultValue", "deprecationMessage", "docLines",
                "encodeMethod", "hasCustomJSONKey", "hasDefault", "hasDeprecationMessage", "hasInitDefault",
                "initDefault", "isBoxed", "isDeprecated", "isStored", "jsonKey", "name", "storageName", "storageType",
                "type",
            ]
        case .enumCase:
            ["docLines", "name", "value"]
        case .variant:
            ["caseName", "isIndirect", "tag", "type"]
        case .service:
            [
                "apiType", "authSchemes", "authType", "clientType", "declaredErrorType", "defaultServerCase",
                "docLines", "endpoints", "envPrefix", "errorType", "errors", "hasAuthSchemes", "hasDefaultServer",
                "hasErrors", "hasHeaders", "headers", "headersType", "mockCallType", "mockType", "name",
                "operationsType", "resilienceDefaults", "serverType", "servers", "serviceSpecName",
            ]
        case .server:
            ["caseName", "docLines", "url"]
        case .authScheme:
            [
                "credentialType", "docLines", "env", "hasEnv", "isApiKeyHeader", "isApiKeyQuery", "isBasic",
                "isBearer", "keyName", "label", "name", "passwordEnv", "specName", "usernameEnv",
            ]
        case .declaredError:
            ["bodyType", "caseName", "docLines", "flagName", "hasBody", "specName", "status"]
        case .endpoint:
            [
                "authSchemes", "bodyContentType", "bodyContentTypes", "bodyHasChoices", "bodyIsBytes", "bodyIsForm",
                "bodyIsJSON", "bodyIsMultipart", "bodyIsText", "deprecationMessage", "docLines", "errorRoutes",
                "handlerName", "hasBody", "hasDeprecationMessage", "hasErrorRoutes", "hasIdempotencyKey",
                "hasParameters", "hasResponseAccept", "hasResponseCases", "hasReturns", "headerParameters",
                "idempotencyHeader", "isDeprecated", "isPaginated", "method", "methodName", "mutatesRequest", "name",
                "outputType", "pagination", "parameters", "path", "queryParameters", "resilience", "responseAccept",
                "responseCases", "responseEnumType", "responseIsBytes", "responseIsEmpty", "responseIsJSON",
                "responseIsText", "responseMethodName", "returns", "specName", "successStatus", "summary",
                "usesDefaultResilience",
            ]
        case .parameter:
            [
                "declaration", "docLine", "docName", "hasDocLine", "hasSignatureDefault", "isBody", "isContentType",
                "isHeader", "isPath", "isQuery", "label", "name", "signatureDefault", "specName", "type",
            ]
        case .schemeReference:
            ["specName"]
        case .errorRoute:
            ["caseName", "hasBody", "status"]
        case .mediaType:
            ["mediaType"]
        case .responseCase:
            ["caseName", "docLines", "hasBody", "isBytes", "isJSON", "isText", "payloadType", "status"]
        case .policy:
            ["attemptTimeout", "bulkhead", "cache", "circuitBreaker", "rateLimit", "retry", "totalTimeout"]
        case .retryPolicy:
            [
                "budgetPerSecond", "budgetRatio", "hasBudget", "initialBackoff", "jitter", "maxAttempts",
                "maxBackoff", "maxRetryAfter", "multiplier", "retriesConnectionFailures", "retriesTimeouts",
                "statuses",
            ]
        case .circuitBreakerPolicy:
            [
                "consecutiveFailures", "failureRate", "halfOpenProbes", "hasConsecutiveFailures", "maxOpenFor",
                "minimumCalls", "openFor", "scope", "window",
            ]
        case .bulkheadPolicy:
            ["maxConcurrent", "maxWait"]
        case .rateLimitPolicy:
            ["burst", "maxWait", "per", "requests"]
        case .cachePolicy:
            ["staleIfError", "staleWhileRevalidate", "ttl"]
        case .status:
            ["code"]
        case .pagination:
            [
                "arguments", "cursorName", "cursorType", "itemType", "itemsExpression", "methodName",
                "nextExpression", "parameters",
            ]
        }
    }

    /// Every key any object has, with the position keys.
    public static var allKeys: Set<String> {
        Set(RenderKind.allCases.flatMap(keys(of:)) + positionKeys)
    }
}
