import Foundation

/// A file sent as one part of a `multipart/form-data` body: a spec property of type `file`.
///
/// The contents come from memory or from a file on disk, which is read when the request is built
/// (memory-mapped where the platform can), so one call reads it once however many attempts it
/// makes:
///
/// ```swift
/// let upload = UploadDocument(title: "Invoice", document: try FilePart(contentsOf: pdfURL, contentType: "application/pdf"))
/// ```
public struct FilePart: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Where a part's bytes come from.
    public enum Contents: Hashable, Sendable {
        /// Bytes in memory.
        case data(Data)
        /// The file at a URL, read when the request is built.
        case file(URL)
    }

    /// The bytes, or where to read them.
    public var contents: Contents
    /// The file name the server sees (`filename=` in the part's `Content-Disposition`), or `nil`
    /// for none.
    public var fileName: String?
    /// The part's `Content-Type`.
    public var contentType: String

    /// A part from bytes in memory.
    public init(data: Data, fileName: String? = nil, contentType: String = "application/octet-stream") {
        self.contents = .data(data)
        self.fileName = fileName
        self.contentType = contentType
    }

    /// A part from a file on disk; by default named as the file is.
    ///
    /// - Throws: `FileError` when `url` is not a file URL.
    public init(contentsOf url: URL, fileName: String? = nil, contentType: String = "application/octet-stream")
        throws(FileError)
    {
        guard url.isFileURL else { throw FileError(url: url, reason: "is not a file URL") }
        self.contents = .file(url)
        self.fileName = fileName ?? url.lastPathComponent
        self.contentType = contentType
    }

    /// Why a file cannot be used or read.
    public struct FileError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The file's URL.
        public var url: URL
        /// What is wrong.
        public var reason: String

        /// `the file <url> <reason>`.
        public var description: String { "the file \(url.absoluteString) \(reason)" }
    }

    /// The bytes: those in memory, or the file's, read now.
    public func bytes() throws(FileError) -> Data {
        switch contents {
        case .data(let data):
            return data
        case .file(let url):
            do {
                return try Data(contentsOf: url, options: .mappedIfSafe)
            } catch {
                throw FileError(url: url, reason: "cannot be read: \(error.localizedDescription)")
            }
        }
    }

    /// `file "name" (type, N bytes)`, or the URL for a file not yet read; never the contents.
    public var description: String {
        let name = fileName.map { "\"\($0)\"" } ?? "without a name"
        switch contents {
        case .data(let data): return "file \(name) (\(contentType), \(data.count) bytes)"
        case .file(let url): return "file \(name) (\(contentType), from \(url.path))"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case fileName, contentType, data
    }

    /// Reads `{"fileName": …, "contentType": …, "data": "<base64>"}`, as ``encode(to:)`` writes it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.contents = .data(try container.decode(Data.self, forKey: .data))
        self.fileName = try container.decodeIfPresent(String.self, forKey: .fileName)
        self.contentType = try container.decode(String.self, forKey: .contentType)
    }

    /// Writes the part as JSON, its bytes in base64. Multipart bodies do not use this: they send
    /// the bytes as they are.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(fileName, forKey: .fileName)
        try container.encode(contentType, forKey: .contentType)
        try container.encode(try bytes(), forKey: .data)
    }
}

/// Writes a `multipart/form-data` body (RFC 7578) from form fields.
struct MultipartWriter {
    /// The boundary between parts: random, so no part's contents contain it by accident.
    let boundary: String

    init(boundary: String = "courier-" + UUID().uuidString.lowercased()) {
        self.boundary = boundary
    }

    /// The `Content-Type` naming the boundary.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The body: one part per field, text fields as UTF-8 without a content type, bytes as
    /// `application/octet-stream`, files with their name and type. Files on disk stay there: the
    /// body refers to them by URL and length, and is read as it is sent.
    func body(_ fields: FormFields) throws(FilePart.FileError) -> StreamedBody {
        var segments: [StreamedBody.Segment] = []
        var pending = Data()
        for field in fields.fields {
            var disposition = "form-data; name=\"\(Self.quoted(field.name))\""
            let contentType: String?
            var contents: StreamedBody.Segment
            switch field.value {
            case .text(let text):
                contentType = nil
                contents = .data(Data(text.utf8))
            case .bytes(let data):
                contentType = "application/octet-stream"
                contents = .data(data)
            case .file(let file):
                if let name = file.fileName { disposition += "; filename=\"\(Self.quoted(name))\"" }
                contentType = file.contentType
                contents = try Self.segment(of: file)
            }
            var head = "--\(boundary)\r\nContent-Disposition: \(disposition)\r\n"
            if let contentType { head += "Content-Type: \(Self.singleLine(contentType))\r\n" }
            pending.append(contentsOf: Array((head + "\r\n").utf8))
            switch contents {
            case .data(let data):
                pending.append(data)
            case .file:
                segments.append(.data(pending))
                segments.append(contents)
                pending = Data()
            }
            pending.append(contentsOf: Array("\r\n".utf8))
        }
        pending.append(contentsOf: Array("--\(boundary)--\r\n".utf8))
        segments.append(.data(pending))
        return StreamedBody(segments: segments)
    }

    /// A file part's contents: its bytes, or its file and current length.
    private static func segment(of file: FilePart) throws(FilePart.FileError) -> StreamedBody.Segment {
        switch file.contents {
        case .data(let data):
            return .data(data)
        case .file(let url):
            let size: Int
            do {
                let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
                guard attributes[.type] as? FileAttributeType == .typeRegular else {
                    throw FilePart.FileError(url: url, reason: "is not a regular file")
                }
                size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            } catch let error as FilePart.FileError {
                throw error
            } catch {
                throw FilePart.FileError(url: url, reason: "cannot be read: \(error.localizedDescription)")
            }
            guard FileManager.default.isReadableFile(atPath: url.path) else {
                throw FilePart.FileError(url: url, reason: "cannot be read: permission denied")
            }
            return .file(url, length: size)
        }
    }

    /// A name or file name inside quotes, as the HTML standard writes them: `"` as `%22`, CR as
    /// `%0D` and LF as `%0A`, so no value can end the quotes or the header line.
    static func quoted(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "%22"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A header value without line breaks or NUL, which would end the part's header early.
    static func singleLine(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" }.map(Character.init))
    }
}
