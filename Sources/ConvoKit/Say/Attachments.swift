import ConvoStore
import Foundation
import ResponsesAPI

/// A file or image given to `say -a` that cannot be sent; nothing was sent or written.
public enum AttachmentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No file at the path.
    case notFound(String)
    /// The file exists but cannot be read.
    case unreadable(String, reason: String)
    /// The path is a folder.
    case isDirectory(String)
    /// The bytes are neither an image, a document convo knows, nor UTF-8 text.
    case unsupportedType(String)
    /// Larger than the documented limit.
    case tooLarge(String, size: Int, limit: Int, provider: String)
    /// The provider documents no way to take this type inline.
    case notAccepted(String, mediaType: String, provider: String, accepted: String)
    /// A URL that is not `https://`.
    case insecureURL(String)

    /// A message naming the file and the next step.
    public var description: String {
        switch self {
        case .notFound(let path):
            "cannot attach '\(path)': no such file\nhint: check the path (relative paths start at the current folder)"
        case .unreadable(let path, let reason):
            "cannot attach '\(path)': \(reason)\nhint: check the file's permissions"
        case .isDirectory(let path):
            "cannot attach '\(path)': it is a folder\nhint: attach the files in it one by one (-a FILE, repeatable)"
        case .unsupportedType(let path):
            "cannot attach '\(path)': its content is not a PNG, JPEG, GIF or WEBP image, a PDF or Office document, or UTF-8 text"
                + "\nhint: convert it to one of those (text files are put into the message)"
        case .tooLarge(let path, let size, let limit, let provider):
            "cannot attach '\(path)': \(size) bytes is more than \(provider) accepts (\(limit) bytes)\nhint: send a smaller or compressed file"
        case .notAccepted(let path, let mediaType, let provider, let accepted):
            "cannot attach '\(path)' (\(mediaType)): \(provider) does not accept it inline (it takes \(accepted))"
                + "\nhint: convert it, or give an https:// URL, or use a provider that takes it ('convo config provider openai')"
        case .insecureURL(let url):
            "cannot attach '\(url)': only https:// URLs are passed to the server\nhint: download the file and attach it by path"
        }
    }
}

/// What `say -a` was given, read and sorted: images and documents travel as attachments (their bytes become
/// blobs), text files are put into the message.
public struct LoadedAttachments: Sendable, Equatable {
    /// Images and documents, in the order given.
    public var attachments: [DraftAttachment]
    /// Text files, as fenced blocks headed with their names, to follow the message.
    public var textBlocks: [String]

    /// The message with the text files after it.
    public func message(_ text: String) -> String {
        textBlocks.isEmpty ? text : ([text] + textBlocks).joined(separator: "\n\n")
    }
}

/// Reading and sorting attachments, and checking them against a provider's documented rules.
public enum Attachments {
    /// No provider documents a larger inline attachment (OpenAI's 50 MB for files); nothing larger is read.
    static let absoluteLimit = AttachmentRules.openai.maximumFileBytes

    /// Reads `specs` (paths, or `https://` URLs) and sorts them by content.
    public static func load(_ specs: [String], environment: ConvoEnvironment) throws(AttachmentError) -> LoadedAttachments {
        var loaded = LoadedAttachments(attachments: [], textBlocks: [])
        for spec in specs {
            let lowered = spec.lowercased()
            if lowered.hasPrefix("https://") {
                let isDocument = URL(string: spec)?.pathExtension.lowercased() == "pdf"
                loaded.attachments.append(DraftAttachment(
                    kind: isDocument ? "file" : "image", name: spec, mediaType: isDocument ? "application/pdf" : "image/*", url: spec))
                continue
            }
            if lowered.hasPrefix("http://") || lowered.hasPrefix("data:") { throw .insecureURL(spec) }
            let bytes = try read(spec, environment: environment)
            let name = URL(fileURLWithPath: spec).lastPathComponent
            if let type = MediaType.detect(bytes, name: name) {
                loaded.attachments.append(DraftAttachment(
                    kind: type.hasPrefix("image/") ? "image" : "file", name: name, mediaType: type, bytes: bytes))
            } else if let text = MediaType.text(bytes) {
                loaded.textBlocks.append(fenced(text, name: name))
            } else {
                throw .unsupportedType(spec)
            }
        }
        return loaded
    }

    /// `text` in a Markdown fence longer than any run of backticks inside it, headed with the file's name.
    static func fenced(_ text: String, name: String) -> String {
        var longest = 0, run = 0
        for character in text.utf8 {
            run = character == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return "\(name):\n\(fence)\n\(body)\(fence)"
    }

    private static func read(_ path: String, environment: ConvoEnvironment) throws(AttachmentError) -> [UInt8] {
        let url = environment.path(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { throw .notFound(path) }
        if isDirectory.boolValue { throw .isDirectory(path) }
        let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
        if size > absoluteLimit { throw .tooLarge(path, size: size, limit: absoluteLimit, provider: "any provider") }
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw .unreadable(path, reason: FileManager.default.isReadableFile(atPath: url.path) ? "it cannot be opened" : "Permission denied")
        }
        defer { try? handle.close() }
        do {
            // One byte past the limit tells a file that grew since it was measured.
            let data = try handle.read(upToCount: absoluteLimit + 1) ?? Data()
            if data.count > absoluteLimit { throw AttachmentError.tooLarge(path, size: data.count, limit: absoluteLimit, provider: "any provider") }
            return [UInt8](data)
        } catch let error as AttachmentError {
            throw error
        } catch {
            throw .unreadable(path, reason: "\(error.localizedDescription)")
        }
    }

    /// Checks attachments against `profile`'s documented rules, before anything is sent.
    public static func check(_ attachments: [DraftAttachment], profile: ProviderProfile) throws(AttachmentError) {
        let rules = profile.attachmentRules
        let provider = profile.provider.rawValue
        var total = 0
        for attachment in attachments {
            guard let bytes = attachment.bytes else { continue }
            if attachment.kind == "image" {
                guard rules.imageTypes.contains(attachment.mediaType) else {
                    throw .notAccepted(attachment.name, mediaType: attachment.mediaType, provider: provider,
                                       accepted: rules.imageTypes.sorted().joined(separator: ", "))
                }
                if bytes.count > rules.maximumImageBytes {
                    throw .tooLarge(attachment.name, size: bytes.count, limit: rules.maximumImageBytes, provider: provider)
                }
            } else {
                guard rules.acceptsFileData else {
                    throw .notAccepted(attachment.name, mediaType: attachment.mediaType, provider: provider,
                                       accepted: "documents only by https:// URL or uploaded file id")
                }
                if bytes.count > rules.maximumFileBytes {
                    throw .tooLarge(attachment.name, size: bytes.count, limit: rules.maximumFileBytes, provider: provider)
                }
            }
            total += bytes.count
            if total > rules.maximumRequestBytes {
                throw .tooLarge(attachment.name, size: total, limit: rules.maximumRequestBytes, provider: "\(provider) (all attachments of one request)")
            }
        }
    }

    /// How an attachment travels in a request.
    static func input(_ attachment: DraftAttachment) -> InputAttachment {
        let inline = attachment.bytes.map { InputAttachment.dataURL(mediaType: attachment.mediaType, bytes: $0) }
        if attachment.kind == "image" { return .image(url: attachment.url ?? inline ?? "") }
        if let url = attachment.url { return .fileURL(url) }
        return .file(filename: attachment.name, dataURL: inline ?? "")
    }

    /// A stored message as it is sent again.
    static func input(_ message: DraftMessage) -> InputMessage {
        if message.role == ReplayHistory.compactionRole, let item = try? JSONValue.parse(message.text) { return .verbatim(item) }
        return InputMessage(
            role: InputMessage.Role(rawValue: message.role) ?? .user, text: message.text,
            attachments: message.attachments.map(input))
    }
}

/// Media types by content (magic bytes), never by extension, except to name an Office document (a ZIP inside).
enum MediaType {
    static func detect(_ bytes: [UInt8], name: String) -> String? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            switch URL(fileURLWithPath: name).pathExtension.lowercased() {
            case "docx": return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            case "xlsx": return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            case "pptx": return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            default: return nil
            }
        }
        return nil
    }

    /// The text of `bytes` when they are valid UTF-8 without NUL (what a person calls a text file).
    static func text(_ bytes: [UInt8]) -> String? {
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return text
    }
}
