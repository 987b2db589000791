import ConvoStore
import Foundation

extension History {
    /// The full id of a revision.
    public static func revParse(_ workspace: Workspace, _ revision: String) throws -> ObjectID {
        try workspace.repository.read { try $0.resolve(revision) }
    }
}
