import ConvoJSON

/// A file or image sent with a message. Its bytes are a blob (so a replay can send them again, and the same
/// file attached twice is stored once); an image given by URL keeps only the URL.
public struct AttachmentRef: Hashable, Sendable {
    /// `image` (sent as `input_image`) or `file` (sent as `input_file`).
    public var kind: String
    /// The file's name as given (its last path component), or the URL.
    public var name: String
    /// The media type convo detected from the bytes, e.g. `image/png`, `application/pdf`.
    public var mediaType: String
    /// The size in bytes (0 for a URL).
    public var size: Int64
    /// The blob holding the bytes; nil for an attachment given by URL.
    public var content: ObjectID?
    /// The `https://` URL sent as is; nil for a local file.
    public var url: String?

    /// Creates an attachment reference.
    public init(kind: String, name: String, mediaType: String, size: Int64, content: ObjectID? = nil, url: String? = nil) {
        self.kind = kind
        self.name = name
        self.mediaType = mediaType
        self.size = size
        self.content = content
        self.url = url
    }

    /// The canonical JSON of the reference (absent fields left out).
    var canonicalJSON: JSONValue {
        var object: [String: JSONValue] = [
            "kind": .string(kind), "name": .string(name), "media_type": .string(mediaType), "size": .int(size),
        ]
        object["content"] = content.map { .string($0.hex) }
        object["url"] = url.map(JSONValue.string)
        return .object(object)
    }
}

/// An attachment of a message about to be written, with its bytes instead of a blob id.
public struct DraftAttachment: Hashable, Sendable {
    /// `image` or `file`.
    public var kind: String
    /// The file's name, or the URL.
    public var name: String
    /// The detected media type.
    public var mediaType: String
    /// The bytes; nil for an attachment given by URL.
    public var bytes: [UInt8]?
    /// The URL sent as is; nil for a local file.
    public var url: String?

    /// Creates a draft attachment.
    public init(kind: String, name: String, mediaType: String, bytes: [UInt8]? = nil, url: String? = nil) {
        self.kind = kind
        self.name = name
        self.mediaType = mediaType
        self.bytes = bytes
        self.url = url
    }

    /// The size in bytes (0 for a URL).
    public var size: Int64 { Int64(bytes?.count ?? 0) }
}

extension StoreReader {
    /// The bytes of blob `id` (an attachment's, which need not be text).
    public func bytes(_ id: ObjectID) throws -> [UInt8] {
        guard let (kind, bytes) = try object(id) else { throw StoreError.objectNotFound(id) }
        guard kind == .blob else { throw StoreError.corruptObject(detail: "\(id.hex) is a \(kind.rawValue), expected a blob") }
        return bytes
    }
}

extension StoreWriter {
    /// Stores a message's attachments: their bytes as blobs (deduplicated by content), the references returned.
    func put(_ attachments: [DraftAttachment]) throws -> [AttachmentRef] {
        try attachments.map { attachment in
            AttachmentRef(
                kind: attachment.kind, name: attachment.name, mediaType: attachment.mediaType, size: attachment.size,
                content: try attachment.bytes.map { try put(kind: .blob, bytes: $0) }, url: attachment.url)
        }
    }
}

extension AttachmentRef {
    /// Reads a reference from a turn's JSON (the generic path: typed decoding leaves turns with attachments to it).
    init(json: JSONValue) throws(StoreError) {
        guard let kind = json["kind"]?.stringValue, let name = json["name"]?.stringValue,
            let mediaType = json["media_type"]?.stringValue, let size = json["size"]?.intValue
        else { throw .corruptObject(detail: "turn holds an attachment without kind, name, media_type or size: \(json.canonicalString)") }
        var content: ObjectID?
        if let value = json["content"] {
            guard let text = value.stringValue, let id = ObjectID(hex: text) else {
                throw .corruptObject(detail: "turn holds an invalid attachment id \(value.canonicalString)")
            }
            content = id
        }
        self.init(kind: kind, name: name, mediaType: mediaType, size: size, content: content, url: json["url"]?.stringValue)
    }
}
