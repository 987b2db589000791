import Foundation

extension StoreReader {
    /// Resolves a revision expression to a turn id.
    public func resolve(_ text: String) throws -> ObjectID {
        try resolve(Revision.parse(text), text: text)
    }

    /// Resolves a parsed revision to a turn id; `text` is what the user typed, for messages.
    public func resolve(_ revision: Revision, text: String) throws -> ObjectID {
        var id: ObjectID
        switch revision.base {
        case .name(let name):
            id = try resolveName(name)
        case .reflog(let ref, let index):
            let refName = try reflogRefName(ref)
            let entries = try reflog(refName)
            // A bare `@{N}` reads the current branch's reflog (HEAD's when detached): name that one.
            let shown = ref ?? (refName.hasPrefix("refs/heads/") ? String(refName.dropFirst("refs/heads/".count)) : "HEAD")
            guard index < entries.count else {
                throw StoreError.reflogEntryNotFound(ref: shown, index: index, count: entries.count)
            }
            guard let new = entries[index].new else { throw StoreError.unknownRevision(text) }
            id = new
        }
        // One loop over the total, so `HEAD^^^^` counts every earlier turn it passed in its message.
        for step in 0..<revision.generations {
            guard let parent = try parent(of: id) else { throw StoreError.noSuchAncestor(text, available: step) }
            id = parent
        }
        return id
    }

    private func parent(of id: ObjectID) throws -> ObjectID? {
        if let summary = try summary(id) { return summary.parent }
        return try turn(id).parent
    }

    /// `HEAD`, `refs/heads/<name>` for a branch, or HEAD's branch for a bare `@{N}`.
    private func reflogRefName(_ ref: String?) throws -> String {
        guard let ref, ref != "HEAD" else {
            if ref == nil, case .branch(let branch, _) = try head() { return branch.refName }
            return "HEAD"
        }
        if ref.hasPrefix("refs/") { return ref }
        guard try target(of: "refs/heads/" + ref) != nil || !(try reflog("refs/heads/" + ref)).isEmpty else {
            throw StoreError.branchNotFound(ref)
        }
        return "refs/heads/" + ref
    }

    private func resolveName(_ name: String) throws -> ObjectID {
        if name == "HEAD" {
            let head = try head()
            guard let tip = head.tip else { throw StoreError.unbornBranch(head.branch?.rawValue ?? "HEAD") }
            return tip
        }
        // A full id names its object before any ref, as in git: a branch named like an id (made before such
        // names were refused) must not hide the turn.
        if let id = ObjectID(hex: name), let kind = try kind(of: id) {
            guard kind == .turn else { throw StoreError.notATurn(name, kind: kind) }
            return id
        }
        // git's order: the full ref as typed, then the branch; a name as stored (exact code points) before its
        // NFC spelling, which is how names are stored since they are normalised.
        var refNames = name.hasPrefix("refs/heads/") ? [name, "refs/heads/" + name] : ["refs/heads/" + name]
        refNames += refNames.map { $0.precomposedStringWithCanonicalMapping }
        for refName in refNames {
            if let tip = try target(of: refName) { return tip }
        }
        if Hex.isHex(name), name.count >= 4 {
            let candidates = try objectIDs(withHexPrefix: name)
            let turns = try candidates.filter { try kind(of: $0) == .turn }
            if turns.count == 1 { return turns[0] }
            if turns.count > 1 {
                throw StoreError.ambiguousRevision(name, candidates: try turns.map { id in
                    let line = try summary(id).map { try wholeLines($0, output: false) }?.inputLine ?? ""
                    return "\(id.abbreviated(max(12, name.count + 2))) turn \(line)"
                })
            }
            if let other = candidates.first, candidates.count == 1, let kind = try kind(of: other) {
                throw StoreError.notATurn(name, kind: kind)
            }
            if candidates.count > 1 {
                throw StoreError.ambiguousRevision(name, candidates: candidates.map { "\($0.abbreviated(max(12, name.count + 2))) blob" })
            }
        }
        let byResponse = try turns(withResponseID: name)
        if byResponse.count == 1 { return byResponse[0] }
        if byResponse.count > 1 {
            // The same response recorded twice (e.g. imported into two places): the newest wins, as in a reflog.
            let newest = try byResponse.compactMap { try summary($0) }.max { $0.createdAt < $1.createdAt }
            if let newest { return newest.id }
        }
        throw StoreError.unknownRevision(name)
    }
}
