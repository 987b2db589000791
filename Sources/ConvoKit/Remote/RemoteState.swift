import ConvoStore
import Foundation

/// How long a server keeps a stored response: config `retention_days`, default 30. The one definition of expiry.
public enum Retention {
    /// Both xAI and OpenAI keep stored responses 30 days.
    public static let defaultDays = 30

    /// The configured number of days (`retention_days`), or the default.
    public static func days(_ reader: StoreReader) throws -> Int {
        try Settings(reader).retentionDays()
    }

    /// The number of days a config value names, or the default; an invalid stored value is an error naming the key.
    public static func days(configured: String?) throws -> Int {
        try ConfigKey.retentionDays.days(configured, default: defaultDays)
    }

    /// When a response created at `createdAt` leaves the server (unix seconds), saturated at the end of time.
    public static func expiresAt(createdAt: Int64, days: Int) -> Int64 {
        Seconds.sum(createdAt, Seconds.days(Int64(days)))
    }
}

/// What the server holds for a turn's response, as far as the local record knows.
public enum RemoteState: Equatable, Sendable {
    /// No turn yet.
    case none
    /// Stored and within retention; expires at the given unix time.
    case live(expiresAt: Int64)
    /// The server no longer has it: past retention (`reason` nil until `gc` marks it), or observed missing.
    case expired(at: Int64, reason: String?)
    /// Deleted from the server by `gc --remote` (or found already gone when deleting).
    case deleted(at: Int64, reason: String)
    /// Never stored (`--no-store`, imported, or no response id).
    case notStored
    /// The response failed (`failed`, `error`, …); the server holds nothing to continue.
    case failed(status: String)

    /// Classifies a turn from its index entry, the last observation of its response, and the retention period.
    public static func of(_ summary: TurnSummary, record: RemoteRecord?, retentionDays: Int, now: Int64) -> RemoteState {
        guard summary.status == "completed" || summary.status == "incomplete" else { return .failed(status: summary.status) }
        guard summary.stored, let responseID = summary.responseID, !responseID.isEmpty else { return .notStored }
        switch record?.state {
        case .deleted?: return .deleted(at: record!.at, reason: record!.reason)
        case .expired?: return .expired(at: record!.at, reason: record!.reason)
        case .live?, nil: break
        }
        let expiry = Retention.expiresAt(createdAt: summary.createdAt, days: retentionDays)
        return expiry > now ? .live(expiresAt: expiry) : .expired(at: expiry, reason: nil)
    }

    /// Reads the observation of `summary`'s response and classifies it.
    public static func of(_ summary: TurnSummary, reader: StoreReader, retentionDays: Int, now: Int64) throws -> RemoteState {
        let record = try summary.responseID.flatMap { try reader.remoteRecord(RemoteKey(responseID: $0, origin: summary.origin)) }
        return of(summary, record: record, retentionDays: retentionDays, now: now)
    }

    /// The state's name in JSON and in `log --remote`: `live`, `expired`, `deleted`, `not_stored`, `failed`, `none`.
    public var name: String {
        switch self {
        case .none: "none"
        case .live: "live"
        case .expired: "expired"
        case .deleted: "deleted"
        case .notStored: "not_stored"
        case .failed: "failed"
        }
    }

    /// Whether the server may still hold the response.
    public var isLive: Bool {
        if case .live = self { return true }
        return false
    }

    /// `{"state", "expires_at"?, "at"?, "reason"?, "status"?}` for `show --json`, `log --json` and `status --json`.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["state": .string(name)]
        switch self {
        case .live(let expiresAt): object["expires_at"] = .string(Timestamps.format(expiresAt))
        case .expired(let at, let reason):
            object["at"] = .string(Timestamps.format(at))
            object["reason"] = .string(reason ?? "retention")
        case .deleted(let at, let reason):
            object["at"] = .string(Timestamps.format(at))
            object["reason"] = .string(reason)
        case .failed(let status): object["status"] = .string(status)
        case .none, .notStored: break
        }
        return .object(object)
    }

    /// Words for a person: `live, expires in 29 days`, `expired 2026-12-20 (gc)`, `never stored`.
    public func describe(now: Int64) -> String {
        switch self {
        case .none: "nothing stored yet"
        case .live(let expiresAt): "live, expires in \(Self.span(Seconds.difference(expiresAt, now)))"
        case .expired(let at, let reason):
            reason.map { "expired (marked \(Timestamps.format(at)) by \($0))" } ?? "expired at \(Timestamps.format(at)) (retention)"
        case .deleted(let at, let reason): "deleted from the server \(Timestamps.format(at)) (\(reason))"
        case .notStored: "not stored on the server"
        case .failed(let status): "the response is \(status); the server holds nothing to continue"
        }
    }

    /// `29 days`, `5 hours`, `12 minutes`.
    public static func span(_ seconds: Int64) -> String {
        let days = seconds / 86_400
        if days >= 1 { return "\(days) day\(days == 1 ? "" : "s")" }
        let hours = seconds / 3_600
        if hours >= 1 { return "\(hours) hour\(hours == 1 ? "" : "s")" }
        let minutes = max(seconds / 60, 0)
        return "\(minutes) minute\(minutes == 1 ? "" : "s")"
    }
}

/// The remote states of many turns: one lookup each for a short list, one scan of `remote_state` for a long one.
struct RemoteStates {
    private var records: [RemoteKey: RemoteRecord] = [:]
    private let retentionDays: Int
    private let now: Int64

    /// `everyRecord`: the list is long and its summaries are not read yet (a streamed `log --all`).
    init(_ reader: StoreReader, for summaries: [TurnSummary], now: Int64, everyRecord: Bool = false) throws {
        retentionDays = try Retention.days(reader)
        self.now = now
        if everyRecord || summaries.count > 500 {
            records = try reader.remoteRecords()
        } else {
            for summary in summaries {
                guard let responseID = summary.responseID else { continue }
                let key = RemoteKey(responseID: responseID, origin: summary.origin)
                if let record = try reader.remoteRecord(key) { records[key] = record }
            }
        }
    }

    subscript(summary: TurnSummary) -> RemoteState {
        let record = summary.responseID.flatMap { records[RemoteKey(responseID: $0, origin: summary.origin)] }
        return RemoteState.of(summary, record: record, retentionDays: retentionDays, now: now)
    }
}
