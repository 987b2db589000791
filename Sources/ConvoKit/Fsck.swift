import ConvoStore
import Foundation

extension Inspection {
    /// Re-hashes every object and checks every reference; rebuilds the derived index first when asked.
    public static func fsck(_ workspace: Workspace, rebuildIndex: Bool, progress: @escaping (Int) -> Void = { _ in }) throws
        -> (report: FsckReport, reindexed: Int?)
    {
        var reindexed: Int?
        if rebuildIndex {
            reindexed = try workspace.repository.write { try $0.rebuildIndex() }
        }
        let report = try workspace.repository.read { try $0.fsck(progress: progress) }
        return (report, reindexed)
    }
}
