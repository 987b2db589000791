import Foundation

/// An image or file sent in a message's content list.
///
/// Shapes from the providers' documentation: OpenAI's Responses API takes `input_image` with `image_url` (an
/// `https://` URL or a base64 `data:` URL) and `input_file` with `file_data` (a base64 `data:` URL) and
/// `filename`, or `file_url` (https://developers.openai.com/api/docs/guides/images-vision,
/// https://developers.openai.com/api/docs/guides/file-inputs); xAI takes `input_image` with a URL or a base64
/// `data:` URL, and `input_file` only as `file_url` or an uploaded `file_id`
/// (https://docs.x.ai/developers/model-capabilities/images/understanding,
/// https://docs.x.ai/docs/guides/files/chat-with-files).
public enum InputAttachment: Sendable, Equatable {
    /// An image: `url` is an `https://` URL or a `data:<type>;base64,…` URL.
    case image(url: String)
    /// A file's bytes, as a `data:<type>;base64,…` URL, with the file's name.
    case file(filename: String, dataURL: String)
    /// A file the server fetches itself.
    case fileURL(String)

    /// The `data:` URL of `bytes` with media type `mediaType`.
    public static func dataURL(mediaType: String, bytes: [UInt8]) -> String {
        "data:\(mediaType);base64,\(Data(bytes).base64EncodedString())"
    }
}

/// One part of a message's content list.
enum InputContentPart: Encodable {
    case text(String)
    case attachment(InputAttachment)

    private enum CodingKeys: String, CodingKey {
        case type, text
        case imageURL = "image_url"
        case fileData = "file_data"
        case fileURL = "file_url"
        case filename
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode("input_text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .attachment(.image(let url)):
            try container.encode("input_image", forKey: .type)
            try container.encode(url, forKey: .imageURL)
        case .attachment(.file(let filename, let dataURL)):
            try container.encode("input_file", forKey: .type)
            try container.encode(filename, forKey: .filename)
            try container.encode(dataURL, forKey: .fileData)
        case .attachment(.fileURL(let url)):
            try container.encode("input_file", forKey: .type)
            try container.encode(url, forKey: .fileURL)
        }
    }
}

/// What a provider documents about images and files sent inline, checked before anything is sent.
public struct AttachmentRules: Sendable, Equatable {
    /// Image media types the provider accepts.
    public var imageTypes: Set<String>
    /// The largest image, in bytes.
    public var maximumImageBytes: Int
    /// Whether a file's bytes may be sent inline (`input_file` with `file_data`).
    public var acceptsFileData: Bool
    /// The largest inline file, in bytes.
    public var maximumFileBytes: Int
    /// The most attachment bytes in one request.
    public var maximumRequestBytes: Int
    /// Whether a response whose input holds an image may be stored on the server. xAI: "When sending images,
    /// it is advised to not store request/response history on the server. Otherwise the request may fail."
    /// (https://docs.x.ai/developers/model-capabilities/images/understanding); such a turn is sent with
    /// `store: false`, and the next one replays the local history, images included.
    public var storesImages: Bool

    /// Creates rules.
    public init(
        imageTypes: Set<String>, maximumImageBytes: Int, acceptsFileData: Bool, maximumFileBytes: Int,
        maximumRequestBytes: Int, storesImages: Bool
    ) {
        self.imageTypes = imageTypes
        self.maximumImageBytes = maximumImageBytes
        self.acceptsFileData = acceptsFileData
        self.maximumFileBytes = maximumFileBytes
        self.maximumRequestBytes = maximumRequestBytes
        self.storesImages = storesImages
    }

    /// OpenAI: PNG, JPEG, WEBP and non-animated GIF up to 20 MB an image, 50 MB of image bytes a request
    /// (https://developers.openai.com/api/docs/guides/images-vision, "Image input requirements"); files inline
    /// up to 50 MB, and 50 MB for all files of a request (https://developers.openai.com/api/docs/guides/file-inputs).
    public static let openai = AttachmentRules(
        imageTypes: ["image/png", "image/jpeg", "image/webp", "image/gif"], maximumImageBytes: 20_000_000,
        acceptsFileData: true, maximumFileBytes: 50_000_000, maximumRequestBytes: 50_000_000, storesImages: true)

    /// xAI: JPEG and PNG up to 20 MiB an image ("Image input general limits",
    /// https://docs.x.ai/developers/model-capabilities/images/understanding); files only by URL or uploaded
    /// id, never inline (https://docs.x.ai/docs/guides/files/chat-with-files); no documented limit on the number
    /// of images; images not stored.
    public static let xai = AttachmentRules(
        imageTypes: ["image/png", "image/jpeg"], maximumImageBytes: 20 * 1024 * 1024, acceptsFileData: false,
        maximumFileBytes: 0, maximumRequestBytes: .max, storesImages: false)
}

extension ProviderProfile {
    /// The provider's documented rules for attachments; a server named only by URL is held to OpenAI's, whose
    /// API it follows.
    public var attachmentRules: AttachmentRules { provider == .xai ? .xai : .openai }
}
