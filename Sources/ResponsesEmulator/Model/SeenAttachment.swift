import Foundation

/// An `input_image` or `input_file` content part as the emulator checks and remembers it.
///
/// The rules follow the providers' documentation (the recorded traffic has no attachment): OpenAI takes
/// images (PNG, JPEG, WEBP, GIF) as a URL or a base64 `data:` URL up to 20 MB, and files as `file_data` (a
/// `data:` URL, with the `filename` it requires) or `file_url`, up to 50 MB
/// (https://developers.openai.com/api/docs/guides/images-vision, .../file-inputs); xAI takes JPEG and PNG
/// images up to 20 MiB, as a URL or a `data:` URL, and files only as `file_url` or `file_id`
/// (https://docs.x.ai/developers/model-capabilities/images/understanding,
/// https://docs.x.ai/docs/guides/files/chat-with-files). The error texts are the emulator's own, in each
/// flavour's envelope.
struct SeenAttachment: Sendable, Equatable {
    /// `image` or `file`.
    var kind: String
    /// The media type of a `data:` URL, or nil for a URL the server would fetch.
    var mediaType: String?
    /// Decoded bytes of a `data:` URL (0 for a URL).
    var size: Int
    /// The file name or URL.
    var name: String?

    /// "an image (png, 1234 bytes)", "a file (report.pdf, application/pdf, 999 bytes)".
    var described: String {
        let subtype = mediaType.map { String($0.split(separator: "/").last ?? "") }
        if kind == "image" {
            return mediaType == nil ? "an image (\(name ?? "url"))" : "an image (\(subtype ?? ""), \(size) bytes)"
        }
        return mediaType == nil ? "a file (\(name ?? "url"))" : "a file (\(name ?? "unnamed"), \(mediaType ?? ""), \(size) bytes)"
    }

    init(_ part: EmulatorJSON, at path: String, flavor: Flavor) throws(APIError) {
        let isImage = part["type"]?.stringValue == "input_image"
        kind = isImage ? "image" : "file"
        if isImage {
            guard let url = part["image_url"]?.stringValue else { throw .missingParameter("\(path).image_url") }
            guard url.hasPrefix("data:") else {
                (mediaType, size, name) = (nil, 0, url)
                return
            }
            let (type, bytes) = try Self.decode(url, param: "\(path).image_url")
            let accepted = flavor == .xai ? ["image/jpeg", "image/png"] : ["image/png", "image/jpeg", "image/webp", "image/gif"]
            guard accepted.contains(type) else {
                throw .invalidParameter(
                    param: "\(path).image_url", code: "invalid_image_format",
                    message: "Invalid '\(path).image_url': expected a base64-encoded data URL with an image MIME type (\(accepted.joined(separator: ", "))), but got '\(type)'.")
            }
            let limit = flavor == .xai ? 20 * 1024 * 1024 : 20_000_000
            try Self.checkSize(bytes, limit: limit, param: "\(path).image_url")
            (mediaType, size, name) = (type, bytes, nil)
            return
        }
        if let url = part["file_url"]?.stringValue {
            (mediaType, size, name) = (nil, 0, url)
            return
        }
        if flavor == .xai, part["file_id"] == nil {
            throw .invalidParameter(
                param: "\(path)", code: "invalid_value",
                message: "Invalid '\(path)': input_file takes file_url or file_id.")
        }
        if let id = part["file_id"]?.stringValue { throw .invalidParameter(param: "\(path).file_id", code: "invalid_value", message: "File '\(id)' not found.") }
        guard let data = part["file_data"]?.stringValue else { throw .missingParameter("\(path).file_data") }
        guard let filename = part["filename"]?.stringValue, !filename.isEmpty else { throw .missingParameter("\(path).filename") }
        let (type, bytes) = try Self.decode(data, param: "\(path).file_data")
        try Self.checkSize(bytes, limit: 50_000_000, param: "\(path).file_data")
        (mediaType, size, name) = (type, bytes, filename)
    }

    /// The media type and decoded length of a `data:<type>;base64,<data>` URL.
    private static func decode(_ url: String, param: String) throws(APIError) -> (String, Int) {
        guard let comma = url.firstIndex(of: ","), url[..<comma].hasSuffix(";base64"),
            let bytes = Data(base64Encoded: String(url[url.index(after: comma)...]))
        else {
            throw .invalidParameter(
                param: param, code: "invalid_value",
                message: "Invalid '\(param)': expected a base64-encoded data URL (data:<media type>;base64,<data>).")
        }
        let type = String(url.dropFirst("data:".count).prefix { $0 != ";" && $0 != "," })
        return (type, bytes.count)
    }

    private static func checkSize(_ size: Int, limit: Int, param: String) throws(APIError) {
        guard size > limit else { return }
        throw .invalidParameter(
            param: param, code: "file_too_large",
            message: "Invalid '\(param)': \(size) bytes is larger than the limit of \(limit) bytes.")
    }
}
