import Foundation
import HTTPTypes

// Every value of the runtime that holds a secret, or may, shows itself through `description`,
// `debugDescription` and a custom `Mirror`, so `print`, `dump`, `String(reflecting:)` and
// debuggers that walk mirrors see the shape of the value and never the secret. The secrets are
// credentials (prepared header fields and query items, cache keys made from them) and the
// environment a client was configured from.

/// Header fields whose values are never shown, whoever made the request: credentials and cookies.
let alwaysRedactedFields: Set<HTTPField.Name> = [.authorization, .proxyAuthorization, .cookie, .setCookie]

extension HTTPFields {
    /// `name: value` pairs with the values of `hidden` fields replaced by `<redacted>`.
    func redacted(hiding hidden: Set<HTTPField.Name>) -> [String] {
        map { field in
            field.name.canonicalName + ": "
                + (hidden.contains(field.name) || alwaysRedactedFields.contains(field.name)
                    ? "<redacted>" : field.value)
        }
    }
}

extension TransportRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The header fields and query items not to show: the credentials of the client that made
    /// the request, and always `Authorization`, `Proxy-Authorization` and cookies.
    private var hiddenFields: Set<HTTPField.Name> { redaction?.redactedHeaders ?? [] }

    /// The path and query, with the values of credential query items replaced by `<redacted>`.
    private var redactedPath: String {
        let path = head.path ?? ""
        return redaction?.redact(path: path) ?? path
    }

    /// `GET https://host/path?query (3 header fields, 12 body bytes)`, credentials redacted.
    public var description: String {
        "\(head.method.rawValue) \(head.scheme ?? "")://\(head.authority ?? "")\(redactedPath) "
            + "(\(head.headerFields.count) header fields, \(body?.count ?? 0) body bytes)"
    }

    /// ``description`` with every header field, credentials redacted.
    public var debugDescription: String {
        ([description] + head.headerFields.redacted(hiding: hiddenFields)).joined(separator: "\n  ")
    }

    /// Method, URL, header fields and body size, credentials redacted.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "method": head.method.rawValue,
                "url": "\(head.scheme ?? "")://\(head.authority ?? "")\(redactedPath)",
                "headerFields": head.headerFields.redacted(hiding: hiddenFields),
                "bodyBytes": body?.count ?? 0,
                "timeout": timeout,
                "maxResponseBodySize": maxResponseBodySize,
            ], displayStyle: .struct)
    }
}

extension TransportResponse: CustomStringConvertible, CustomReflectable {
    /// `200 (3 header fields, 120 body bytes)`.
    public var description: String {
        "\(head.status.code) (\(head.headerFields.count) header fields, \(body.count) body bytes)"
    }

    /// Status, header fields (cookies redacted) and body size.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "status": head.status.code,
                "headerFields": head.headerFields.redacted(hiding: []),
                "bodyBytes": body.count,
            ], displayStyle: .struct)
    }
}

extension PipelineRequest: CustomStringConvertible, CustomReflectable {
    /// `payments.getPayment attempt 1: GET https://…`, credentials redacted.
    public var description: String {
        "\(service).\(endpoint) attempt \(attempt): \(transportRequest)"
    }

    /// The call's names, attempt and request, credentials redacted.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "service": service, "endpoint": endpoint, "attempt": attempt, "isIdempotent": isIdempotent,
                "deadline": deadline as Any, "transportRequest": transportRequest,
            ], displayStyle: .struct)
    }
}

extension ServiceRuntime: CustomStringConvertible, CustomReflectable {
    /// `ServiceRuntime(https://api.example.com, credentials: bearer)`, never the secrets.
    public var description: String {
        "ServiceRuntime(\(configuration.server), \(configuration.credentials))"
    }

    /// The configuration only: the prepared credentials and the pipeline stay out of sight.
    public var customMirror: Mirror {
        Mirror(self, children: ["configuration": configuration], displayStyle: .class)
    }
}

extension ResponseCache: CustomStringConvertible, CustomReflectable {
    /// `ResponseCache(3 responses, 1200 of 16777216 bytes)`; entries are keyed by credentials,
    /// so they are never shown.
    public var description: String {
        "ResponseCache(\(count) responses, \(byteCount) of \(maxBytes) bytes)"
    }

    /// Counts only.
    public var customMirror: Mirror {
        Mirror(self, children: ["count": count, "byteCount": byteCount, "maxBytes": maxBytes], displayStyle: .class)
    }
}

extension EnvironmentReader: CustomStringConvertible, CustomReflectable {
    /// The names of the variables, never their values (tokens are read from here).
    public var description: String {
        "EnvironmentReader(\(variables.count) variables)"
    }

    /// The variable names only.
    public var customMirror: Mirror {
        Mirror(self, children: ["variableNames": variables.keys.sorted()], displayStyle: .struct)
    }
}
