import ConvoStore
import Foundation

extension History {
    /// Reflog entries of `ref` (`HEAD` or a branch), newest first, with their short ids.
    public static func reflog(_ workspace: Workspace, ref: String?) throws -> [(entry: ReflogEntry, shortID: String, name: String)] {
        try workspace.repository.read { reader in
            let name = ref ?? "HEAD"
            let refName: String
            if name == "HEAD" {
                refName = "HEAD"
            } else {
                let branch = try BranchName(name)
                guard try reader.target(of: branch.refName) != nil else { throw StoreError.branchNotFound(name) }
                refName = branch.refName
            }
            let entries = try reader.reflog(refName)
            let short = try reader.abbreviations(of: Set(entries.compactMap(\.new)))
            return entries.enumerated().map { index, entry in
                (entry, entry.new.flatMap { short[$0] } ?? "0000000", "\(name)@{\(index)}")
            }
        }
    }
}
