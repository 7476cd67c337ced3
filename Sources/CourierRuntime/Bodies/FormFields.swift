import Foundation

/// The fields of a form body, in the order the model encodes its properties: what
/// `application/x-www-form-urlencoded` and `multipart/form-data` bodies are written from.
///
/// A model becomes fields through its `Encodable` conformance: each property is a field named by
/// its JSON key; a list is one field per element under the same name; `nil` is left out. Values
/// are written as a query parameter would be (dates in ISO 8601, `true`/`false`), `bytes` as the
/// raw bytes of a multipart part (base64 in a URL-encoded form) and ``FilePart`` as a file.
struct FormFields {
    /// One field's value.
    enum Value {
        case text(String)
        case bytes(Data)
        case file(FilePart)
    }

    /// The fields, in order.
    var fields: [(name: String, value: Value)] = []

    /// The fields of `value`, which must encode as a keyed container of single values and lists
    /// of them.
    init(_ value: some Encodable) throws {
        let encoder = FieldsEncoder()
        try value.encode(to: encoder)
        fields = encoder.storage.fields
    }

    /// The `application/x-www-form-urlencoded` body: `name=value` pairs joined by `&`, each part
    /// percent-encoded.
    /// `bytes` are written in base64; a file cannot be sent this way.
    func urlEncoded() throws(FormEncodingError) -> Data {
        var pairs: [String] = []
        for field in fields {
            let text: String
            switch field.value {
            case .text(let value): text = value
            case .bytes(let data): text = data.base64EncodedString()
            case .file:
                throw FormEncodingError(
                    description: "the field '\(field.name)' is a file, which only multipart/form-data can send")
            }
            pairs.append(PercentEncoding.queryComponent(field.name) + "=" + PercentEncoding.queryComponent(text))
        }
        return Data(pairs.joined(separator: "&").utf8)
    }
}

/// Why a model cannot be sent as a form.
struct FormEncodingError: Error, CustomStringConvertible {
    let description: String
}

/// Shared by the encoder and its containers: the fields so far.
private final class FieldStorage {
    var fields: [(name: String, value: FormFields.Value)] = []
}

/// An `Encoder` that records a model's properties as form fields.
private struct FieldsEncoder: Encoder {
    let storage = FieldStorage()
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(FieldsContainer<Key>(storage: storage))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        FailingContainer<AnyFieldKey>(message: "a form body is a model with properties, not a list")
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        FailingContainer<AnyFieldKey>(message: "a form body is a model with properties, not a single value")
    }
}

/// The model's properties: each one becomes one field, or one per element for a list.
private struct FieldsContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: FieldStorage
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {}

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        for element in try FieldValues.values(of: value, at: key.stringValue) {
            storage.fields.append((key.stringValue, element))
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(
            FailingContainer<NestedKey>(message: "the form field '\(key.stringValue)' is not a single value"))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        FailingContainer<Key>(message: "the form field '\(key.stringValue)' is not a single value")
    }

    mutating func superEncoder() -> any Encoder { FailingEncoder(message: "a form body has no superclass fields") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder() }
}

/// Turns one property value into field values.
private enum FieldValues {
    static func values<T: Encodable>(of value: T, at name: String) throws -> [FormFields.Value] {
        switch value {
        case let file as FilePart: return [.file(file)]
        case let data as Data: return [.bytes(data)]
        case let date as Date: return [.text(ISO8601.string(from: date))]
        case let url as URL: return [.text(url.absoluteString)]
        case let text as String: return [.text(text)]
        case let flag as Bool: return [.text(flag ? "true" : "false")]
        case let decimal as Decimal: return [.text(decimal.description)]
        case let parameter as any ParameterValue: return [.text(parameter.parameterText)]
        default:
            // Enums, `CalendarDate`, lists: whatever the value writes of itself.
            let encoder = ValueEncoder(name: name)
            try value.encode(to: encoder)
            return encoder.collected.values
        }
    }
}

/// What a value writes of itself: one scalar, or a list of them.
private final class CollectedValues {
    var values: [FormFields.Value] = []
}

/// Encodes one property's value: a single value, or an unkeyed list of single values.
private struct ValueEncoder: Encoder {
    let name: String
    let collected = CollectedValues()
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(
            FailingContainer<Key>(message: "the form field '\(name)' is an object, not a single value"))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { ValueContainer(name: name, collected: collected) }
    func singleValueContainer() -> any SingleValueEncodingContainer { ValueContainer(name: name, collected: collected) }
}

/// Collects single values, alone or as list elements.
private struct ValueContainer: SingleValueEncodingContainer, UnkeyedEncodingContainer {
    let name: String
    let collected: CollectedValues
    var codingPath: [any CodingKey] { [] }
    var count: Int { collected.values.count }

    mutating func encodeNil() throws {}

    mutating func encode<T: Encodable>(_ value: T) throws {
        collected.values += try FieldValues.values(of: value, at: name)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        KeyedEncodingContainer(
            FailingContainer<NestedKey>(message: "the form field '\(name)' holds objects, not single values"))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        FailingContainer<AnyFieldKey>(message: "the form field '\(name)' holds lists, not single values")
    }

    mutating func superEncoder() -> any Encoder {
        FailingEncoder(message: "the form field '\(name)' is not a single value")
    }
}

/// A coding key for containers that need one and never use it.
private struct AnyFieldKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// An encoder for shapes a form cannot hold: every write throws.
private struct FailingEncoder: Encoder {
    let message: String
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(FailingContainer<Key>(message: message))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { FailingContainer<AnyFieldKey>(message: message) }
    func singleValueContainer() -> any SingleValueEncodingContainer { FailingContainer<AnyFieldKey>(message: message) }
}

/// A container whose every write throws ``FormEncodingError`` with its message.
private struct FailingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol, UnkeyedEncodingContainer,
    SingleValueEncodingContainer
{
    let message: String
    var codingPath: [any CodingKey] { [] }
    var count: Int { 0 }

    mutating func encodeNil() throws { throw FormEncodingError(description: message) }
    mutating func encodeNil(forKey key: Key) throws { throw FormEncodingError(description: message) }
    mutating func encode<T: Encodable>(_ value: T) throws { throw FormEncodingError(description: message) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        throw FormEncodingError(description: message)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        KeyedEncodingContainer(FailingContainer<NestedKey>(message: message))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(FailingContainer<NestedKey>(message: message))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { self }
    mutating func superEncoder() -> any Encoder { FailingEncoder(message: message) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { FailingEncoder(message: message) }
}
