import Foundation
import GRDB

extension StoreReader {
    /// The first turn of the conversation `start` belongs to (the ancestor without a parent), from the index.
    /// SQLite walks the parents, so a 10,000-turn conversation costs one statement rather than a summary
    /// decoded per turn; a chain the index breaks is walked again by ``ancestry(of:limit:)``, which names the
    /// missing turn.
    public func root(of start: ObjectID) throws -> TurnSummary {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    WITH RECURSIVE chain(id, parent) AS (
                        SELECT id, parent FROM turn_index WHERE id = ?
                        UNION ALL
                        SELECT turn_index.id, turn_index.parent FROM chain JOIN turn_index ON turn_index.id = chain.parent)
                    SELECT id FROM chain WHERE parent IS NULL
                    """), arguments: [Data(start.bytes)])
        if let data = row?[0] as Data?, let id = ObjectID(bytes: Array(data)), let root = try summary(id) { return root }
        guard let root = try ancestry(of: start).last else {
            throw StoreError.corruptObject(detail: "turn \(start.hex) is not in the index; run 'convo fsck --rebuild-index'")
        }
        return root
    }
}
