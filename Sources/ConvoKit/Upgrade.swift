import ConvoStore
import Foundation

/// What `convo upgrade` did.
public struct UpgradeResult: Sendable, Encodable {
    /// The repository folder.
    public var path: String
    /// The repository format before.
    public var from: Int
    /// The repository format now.
    public var to: Int
}

extension Setup {
    /// Migrates the repository to this convo's format (a read-write open does it, refilling the derived tables
    /// a migration empties) and says from which format.
    public static func upgrade(_ environment: ConvoEnvironment) throws -> UpgradeResult {
        let workspace = try Workspace.open(environment, mode: .readWrite)
        return UpgradeResult(
            path: workspace.repository.directory?.path ?? "", from: workspace.repository.openedFormat, to: Repository.currentFormat)
    }
}
