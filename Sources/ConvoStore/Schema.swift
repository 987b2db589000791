import GRDB

/// The database schema and the repository format.
///
/// Migrations are plain SQL, named by strings and frozen once released: add, never edit. A migration runs no
/// application code; when it leaves derived tables empty (or changes what they hold), it says so with
/// `refillsDerivedTables`, and the writing command that migrated refills them from the turn objects in the
/// same transaction (``StoreWriter/rebuildIndex()``).
///
/// The repository format is the number of migrations applied, kept in `PRAGMA user_version` (readable
/// without a transaction, like git's `core.repositoryformatversion`). Repositories made before the format
/// was kept have `user_version` 0 and GRDB's `grdb_migrations` table, whose names give their format; the
/// names are still recorded there, so both agree.
enum Schema {
    /// `PRAGMA application_id` of a convo store: "CONV" in ASCII.
    static let applicationID: Int32 = 0x434F_4E56

    /// One frozen migration.
    struct Migration {
        var name: String
        var sql: String
        var refillsDerivedTables = false
        /// Whether the order columns of `turn_index` must be computed after it (``HistoryOrder/fill(_:)``).
        var fillsHistoryOrder = false
        /// Whether `turn_index.replay_tokens` must be computed after it (``ReplayTokens/fill(_:)``).
        var fillsReplayTokens = false
        /// Whether leaves' rows must get their whole first lines after it (``LeafLines/fill(_:)``).
        var fillsLeafLines = false
    }

    /// The format this convo writes: every migration applied.
    static var formatVersion: Int { migrations.count }

    /// The oldest format reading commands accept as it is (every table they read exists); older
    /// repositories are refused by reading commands until a writing command or `convo upgrade` migrates them.
    static let oldestReadableFormat = 4

    static let migrations: [Migration] = [
        // Content: immutable, content-addressed objects.
        Migration(name: "v1 objects refs reflog config", sql: """
            CREATE TABLE object (
                id BLOB PRIMARY KEY NOT NULL,  -- SHA-256 of "<kind> <size>\\0<canonical bytes>", 32 bytes
                kind TEXT NOT NULL,            -- 'blob' or 'turn'
                size INTEGER NOT NULL,         -- length of the uncompressed canonical bytes
                written_at INTEGER NOT NULL,   -- unix seconds this copy was written; gc's grace period counts from it
                data BLOB,                     -- zlib(canonical bytes) of a loose object; NULL when packed
                pack INTEGER,                  -- the pack holding the object, NULL when loose
                offset INTEGER,                -- where the object's bytes start in the pack's uncompressed content
                CHECK ((data IS NULL) <> (pack IS NULL))
            ) WITHOUT ROWID;
            -- Packs: many objects compressed as one zlib stream, as git packs do, so that small texts
            -- share a compression window. Bulk imports write packs; single turns are written loose.
            CREATE TABLE pack (
                id INTEGER PRIMARY KEY,        -- referenced by object.pack
                size INTEGER NOT NULL,         -- length of the uncompressed content
                data BLOB NOT NULL             -- zlib(concatenated canonical bytes of its objects)
            );
            -- Names: branches (target set) and HEAD (symbolic set, or target when detached).
            CREATE TABLE ref (
                name TEXT PRIMARY KEY NOT NULL, -- 'HEAD' or 'refs/heads/<branch>'
                target BLOB,                    -- the turn id it names
                symbolic TEXT,                  -- the ref it points at (HEAD on a branch)
                CHECK ((target IS NULL) <> (symbolic IS NULL))
            );
            CREATE INDEX ref_by_target ON ref(target); -- decorations: which refs name these turns
            -- Every move of a ref or of HEAD, append-only.
            CREATE TABLE reflog (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, -- order of moves
                ref TEXT NOT NULL,                     -- 'HEAD' or 'refs/heads/<branch>'
                old BLOB,                              -- previous turn id (NULL: the ref was created)
                new BLOB,                              -- new turn id (NULL: the ref was deleted)
                at INTEGER NOT NULL,                   -- unix seconds
                message TEXT NOT NULL                  -- why it moved, e.g. 'say: …', 'checkout: moving from a to b'
            );
            CREATE INDEX reflog_by_ref ON reflog(ref, seq);
            -- Repository settings.
            CREATE TABLE config (
                key TEXT PRIMARY KEY NOT NULL, -- e.g. 'model', 'provider', 'base_url'
                value TEXT NOT NULL
            );
            """),
        // Derived from turn objects; 'convo fsck --rebuild-index' recreates it.
        Migration(name: "v1 turn index", sql: """
            CREATE TABLE turn_index (
                id BLOB PRIMARY KEY NOT NULL, -- the turn's object id
                parent BLOB,                  -- the parent turn's id, NULL for a first turn
                created_at INTEGER NOT NULL,  -- unix seconds
                model TEXT,                   -- the model that answered (or was asked)
                response_id TEXT,             -- the server's response id
                status TEXT NOT NULL,         -- response status
                origin TEXT,                  -- API base URL the response id belongs to
                stored INTEGER NOT NULL,      -- 1 when the server was asked to store it
                replay INTEGER NOT NULL,      -- 1 when sent as a replay
                input_tokens INTEGER,
                output_tokens INTEGER,
                input_line TEXT NOT NULL,     -- first line of the newest user message, shortened
                output_line TEXT NOT NULL     -- first line of the answer, shortened
            ) WITHOUT ROWID;
            CREATE INDEX turn_index_response ON turn_index(response_id) WHERE response_id IS NOT NULL;
            """),
        // Observations of what a server holds, keyed by response id and origin. Not objects: recording
        // an observation never changes an object id. 'gc', 'say' and 'fetch' write it.
        Migration(name: "v2 remote state", sql: """
            CREATE TABLE remote_state (
                response_id TEXT NOT NULL,        -- the server's response id
                origin TEXT NOT NULL,             -- the API base URL it lives at ('' when unknown)
                state TEXT NOT NULL,              -- 'live', 'expired' or 'deleted'
                at INTEGER NOT NULL,              -- unix seconds of the observation
                reason TEXT NOT NULL,             -- e.g. 'gc', 'server 404', 'check-remote', 'gc --remote'
                delete_error TEXT,                -- the last failed DELETE's message, NULL after success
                delete_attempts INTEGER NOT NULL DEFAULT 0, -- failed DELETEs so far; gc --remote retries them
                PRIMARY KEY (response_id, origin)
            ) WITHOUT ROWID;
            """),
        // Derived from turn objects like turn_index, written with it, rebuilt with it by 'convo fsck --rebuild-index'.
        Migration(name: "v2 turn blobs and search index", sql: """
            -- Which blobs each turn references, so that gc finds the texts kept turns need without inflating turns.
            CREATE TABLE turn_blob (
                turn BLOB NOT NULL,           -- the turn's object id
                blob BLOB NOT NULL,           -- the id of a blob it references (instructions, input, output, raw)
                PRIMARY KEY (turn, blob)
            ) WITHOUT ROWID;
            -- Full-text search: one document per turn. Its rowid orders documents by time, so that FTS5 returns
            -- the newest matches first and can stop early: created_at * 2^24 plus a counter within the second.
            CREATE TABLE search_doc (
                docid INTEGER PRIMARY KEY,    -- the rowid of the turn's document in turn_search
                turn BLOB NOT NULL            -- the turn's object id
            );
            -- Contentless and without positions (detail=none): the texts stay in their blobs and the index
            -- holds only which documents contain each word, a third of the size positions take. Phrases
            -- and which text matched are checked on the candidates' texts (StoreReader.search).
            -- input: the newest user message; output: the answer's text.
            CREATE VIRTUAL TABLE turn_search USING fts5(
                input, output, content = '', detail = none, tokenize = 'unicode61 remove_diacritics 2');
            """, refillsDerivedTables: true),
        // The index keeps whole first lines (log --json carries them; the terminal shortens them), with the
        // exact bytes of texts holding NUL. The rows are derived: emptied here, refilled by the migrating command.
        Migration(name: "v3 whole first lines", sql: """
            DELETE FROM turn_index;
            DELETE FROM turn_blob;
            DELETE FROM search_doc;
            INSERT INTO turn_search(turn_search) VALUES ('delete-all');
            """, refillsDerivedTables: true),
        // Each turn's generation, so that status counts a conversation's turns with one lookup instead of a
        // walk of the whole chain (issue 11: 92 M of status's 122 M instructions on 10,000 turns). Derived:
        // written with each index row, filled here for the rows already indexed, checked by fsck.
        Migration(name: "v6 turn generation", sql: """
            ALTER TABLE turn_index ADD COLUMN generation INTEGER; -- turns from the first to this one (1 for a first turn); NULL when an ancestor is not indexed
            """ + "\n" + fillGenerations),
        // Search docids in time buckets instead of created_at * 2^24 (SearchDocument): the index stores gaps between
        // docids, and these are mostly one byte instead of four or five. The search orders a bucket's documents by
        // their time, kept here. The documents are renumbered by the refill.
        Migration(name: "v7 search docids in time buckets", sql: """
            DROP TABLE search_doc;
            CREATE TABLE search_doc (
                docid INTEGER PRIMARY KEY,    -- the rowid of the turn's document in turn_search (SearchDocument)
                turn BLOB NOT NULL,           -- the turn's object id
                created_at INTEGER NOT NULL   -- the turn's time, which orders documents within a bucket
            );
            CREATE INDEX search_doc_by_time ON search_doc(created_at);
            INSERT INTO turn_search(turn_search) VALUES ('delete-all');
            """, refillsDerivedTables: true),
        // Which git commit stands for each turn in the private git repository (.convo/git), for push and pull
        // (issue 15). Derived: a lost row is made again by the next push, which builds the same commit from the
        // turn; kept so that a commit once pushed or received is always reused, even if the rendering changes.
        Migration(name: "v8 git commits", sql: """
            CREATE TABLE IF NOT EXISTS git_commit (
                turn BLOB PRIMARY KEY NOT NULL, -- the turn's object id
                commit_id TEXT NOT NULL         -- the git commit's hex id (SHA-1, or SHA-256 in such a git repository)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS git_commit_by_commit ON git_commit(commit_id);
            """),
        // The history's shape without the rest of each row (issue 11): `log --all` reads every turn's id, parent and
        // time (HistoryGraph), and the table's rows carry whole first lines (about 1,400 bytes a turn on the large
        // corpus), so the scan read the whole table; this index holds about 75 bytes a turn, in id order, and SQLite
        // maintains it with every write of a row. gc's reachability scan (id, parent) reads it too.
        Migration(name: "v9 turn graph index", sql: """
            CREATE INDEX IF NOT EXISTS turn_index_graph ON turn_index(id, parent, created_at);
            """),
        // The order of `log --all` kept with each row (issue 11, HistoryOrder), so that `log --all -n 20` reads 20 rows
        // of an index instead of every turn's parent and time. Derived: computed by the migrating command after this
        // (fillsHistoryOrder), recomputed up the chain with every write and delete of rows, checked by fsck.
        Migration(name: "v10 history order", sql: """
            ALTER TABLE turn_index ADD COLUMN least_at INTEGER;    -- time of the turn with the smallest (time, id) among this one and its descendants
            ALTER TABLE turn_index ADD COLUMN least_id BLOB;       -- that turn's id
            ALTER TABLE turn_index ADD COLUMN least_depth INTEGER; -- how many parents up from that turn this one is (0: itself)
            ALTER TABLE turn_index ADD COLUMN leaf INTEGER;        -- 1 when no indexed turn has this one as parent
            -- log --all: scanned backwards, (least_at, least_id) descending, nearer the least turn first.
            CREATE INDEX turn_index_order ON turn_index(least_at, least_id, least_depth DESC);
            -- A turn's children with their order, to recompute it when one is written or deleted.
            CREATE INDEX turn_index_children ON turn_index(parent, least_at, least_id, least_depth) WHERE parent IS NOT NULL;
            -- The leaves: the order holds when every one of them is a tip log --all starts from.
            CREATE INDEX turn_index_leaves ON turn_index(leaf, id) WHERE leaf = 1; -- leaf too, so that the index covers the query
            """, fillsHistoryOrder: true),
        // Issue 11, "Store size" (whole lines were 1,000 of the 1,400 bytes a turn's index row took, and turn_blob's
        // row per reference 80 bytes): the index keeps only the first characters of a long first line, followed by
        // a newline (which no first line holds) to mark it (Summary.storedLine); an older convo would print such a
        // prefix as the whole line, so the format changes. A turn's blob references are one row instead of one row
        // each. The derived rows are emptied here and refilled by the migrating command.
        Migration(name: "v11 first line prefixes and one turn_blobs row a turn", sql: """
            DROP TABLE IF EXISTS turn_blob;
            -- Which blobs each turn references, so that gc finds the texts kept turns need without inflating turns.
            CREATE TABLE IF NOT EXISTS turn_blobs (
                turn BLOB PRIMARY KEY NOT NULL, -- the turn's object id
                blobs BLOB NOT NULL             -- the ids of the blobs it references, 32 bytes each, ascending, no repeats
            ) WITHOUT ROWID;
            DELETE FROM turn_index;
            DELETE FROM search_doc;
            INSERT INTO turn_search(turn_search) VALUES ('delete-all');
            """, refillsDerivedTables: true),
        // Issue 11, "Store size": once the index rows kept prefixes (v11) a row is about 350 bytes, so the narrow copy
        // of (id, parent, created_at) v9 made for log --all's graph (86 bytes a turn) no longer pays: the graph, read
        // only when the kept order does not hold, scans the rows. A turn's children are found by their parent alone
        // (their order columns are read from their rows, a few per write) instead of an index carrying the order
        // columns too (128 bytes a turn). gc's reachability scan (id, parent) reads the narrow children index.
        Migration(name: "v12 narrower history indexes", sql: """
            DROP INDEX IF EXISTS turn_index_graph;
            DROP INDEX IF EXISTS turn_index_children;
            CREATE INDEX turn_index_children ON turn_index(parent) WHERE parent IS NOT NULL; -- a turn's children
            """),
        // Issue 11, "Store size" (deep: 0.833 of the raw text): the index keyed by random 32-byte ids was a WITHOUT ROWID
        // table, so its pages were about 70% full after random inserts and every secondary index repeated the id. Rows
        // now have an internal integer key `n` (never shown, never leaves the database): new rows append to full pages
        // and the secondary indexes and search documents carry `n` instead of the id. A turn's blob references
        // (turn_blobs, one row a turn) become a column of its row. Derived tables only: emptied here, refilled by the
        // migrating command; objects, packs and ids are unchanged.
        Migration(name: "v13 turn index rows by number with their blobs", sql: """
            DROP TABLE IF EXISTS turn_blobs;
            DROP TABLE turn_index;
            CREATE TABLE turn_index (
                n INTEGER PRIMARY KEY,        -- internal row number: search_doc.turn names it; never shown, never leaves the database
                id BLOB NOT NULL UNIQUE,      -- the turn's object id
                parent BLOB,                  -- the parent turn's id, NULL for a first turn
                created_at INTEGER NOT NULL,  -- unix seconds
                model TEXT,                   -- the model that answered (or was asked)
                response_id TEXT,             -- the server's response id
                status TEXT NOT NULL,         -- response status
                origin TEXT,                  -- API base URL the response id belongs to
                stored INTEGER NOT NULL,      -- 1 when the server was asked to store it
                replay INTEGER NOT NULL,      -- 1 when sent as a replay
                input_tokens INTEGER,
                output_tokens INTEGER,
                input_line TEXT NOT NULL,     -- first line of the newest user message, or its prefix ending in a newline (Summary.storedLine)
                output_line TEXT NOT NULL,    -- first line of the answer, the same way
                generation INTEGER,           -- turns from the first to this one (1 for a first turn); NULL when an ancestor is not indexed
                least_at INTEGER,             -- time of the turn with the smallest (time, id) among this one and its descendants
                least_id BLOB,                -- that turn's id
                least_depth INTEGER,          -- how many parents up from that turn this one is (0: itself)
                leaf INTEGER,                 -- 1 when no indexed turn has this one as parent
                blobs BLOB                    -- the ids of the blobs it references, 32 bytes each, ascending, no repeats; NULL for none
            );
            CREATE INDEX turn_index_response ON turn_index(response_id) WHERE response_id IS NOT NULL;
            -- log --all: scanned backwards, (least_at, least_id) descending, nearer the least turn first.
            CREATE INDEX turn_index_order ON turn_index(least_at, least_id, least_depth DESC);
            CREATE INDEX turn_index_children ON turn_index(parent) WHERE parent IS NOT NULL; -- a turn's children
            -- The leaves: the order holds when every one of them is a tip log --all starts from.
            CREATE INDEX turn_index_leaves ON turn_index(leaf, id) WHERE leaf = 1; -- id too, so that the index covers the query
            DROP TABLE search_doc;
            CREATE TABLE search_doc (
                docid INTEGER PRIMARY KEY,    -- the rowid of the turn's document in turn_search (SearchDocument)
                turn INTEGER NOT NULL,        -- the turn's row: turn_index.n
                created_at INTEGER NOT NULL   -- the turn's time, which orders documents within a bucket
            );
            CREATE INDEX search_doc_by_time ON search_doc(created_at);
            INSERT INTO turn_search(turn_search) VALUES ('delete-all');
            """, refillsDerivedTables: true),
        // Issue 11, "Start-up": `status` predicts a replay by walking back from the tip through a few hundred turns; each
        // plain turn's estimate (ReplayTokens) becomes a column of its row, so that the walk reads rows, not turn objects
        // and their texts' sizes. NULL for a turn that is not plain. Derived: filled by the migrating command.
        Migration(name: "v14 replay token estimates", sql: """
            ALTER TABLE turn_index ADD COLUMN replay_tokens INTEGER; -- ReplayTokens: a plain turn's share of a replay's estimate
            """, fillsReplayTokens: true),
        // Issue 11, "no figure got worse": a leaf's row keeps its first lines whole (Summary.leafLine), so that
        // branch --json reads its tips' lines from the index; a row keeps prefixes once it has a child (LeafLines). No
        // table changes: an older convo would keep a whole line where a turn gets a child, so the format changes.
        Migration(name: "v15 whole first lines of leaves", sql: "", fillsLeafLines: true),
    ]

    /// Sets every `turn_index` row's generation by walking down from the first turns; a row whose chain the
    /// index breaks keeps NULL. Frozen: part of migration v6; ``StoreWriter/rebuildIndex()`` runs it too.
    static let fillGenerations = """
        CREATE INDEX turn_index_fill_by_parent ON turn_index(parent) WHERE parent IS NOT NULL;
        CREATE TEMP TABLE generation_fill(id BLOB PRIMARY KEY NOT NULL, n INTEGER NOT NULL) WITHOUT ROWID;
        WITH RECURSIVE walk(id, n) AS (
            SELECT id, 1 FROM turn_index WHERE parent IS NULL
            UNION ALL
            SELECT turn_index.id, walk.n + 1 FROM walk JOIN turn_index ON turn_index.parent = walk.id)
        INSERT OR IGNORE INTO generation_fill SELECT id, n FROM walk;
        UPDATE turn_index SET generation = (SELECT n FROM generation_fill WHERE generation_fill.id = turn_index.id);
        DROP TABLE generation_fill;
        DROP INDEX turn_index_fill_by_parent;
        """

    /// The format of the open database: `user_version`, else (older repositories) the number of leading
    /// migrations `grdb_migrations` names. A name this convo does not know means a newer format.
    static func version(of db: Database) throws -> Int {
        if let version = try Int.fetchOne(db, sql: "PRAGMA user_version"), version > 0 { return version }
        guard try db.tableExists("grdb_migrations") else { return 0 }
        let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
        let known = Set(migrations.map(\.name))
        if !applied.subtracting(known).isEmpty { return formatVersion + 1 }
        return migrations.prefix { applied.contains($0.name) }.count
    }

    /// Applies the migrations after the database's format, then refills the derived tables when one of them
    /// asks for it. Runs inside the caller's transaction.
    static func migrate(_ db: Database, now: Int64) throws {
        let found = try version(of: db)
        guard found < formatVersion else { return }
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        var refill = false
        var fillOrder = false
        var fillTokens = false
        var fillLeafLines = false
        for migration in migrations[found...] {
            try db.execute(sql: migration.sql)
            try db.execute(sql: "INSERT OR IGNORE INTO grdb_migrations(identifier) VALUES (?)", arguments: [migration.name])
            refill = refill || migration.refillsDerivedTables
            fillOrder = fillOrder || migration.fillsHistoryOrder
            fillTokens = fillTokens || migration.fillsReplayTokens
            fillLeafLines = fillLeafLines || migration.fillsLeafLines
        }
        try db.execute(sql: "PRAGMA user_version = \(formatVersion)")
        // rebuildIndex fills the order and the replay estimates too.
        if refill {
            try StoreWriter(db: db, now: now, packer: nil).rebuildIndex()
            return
        }
        if fillOrder { try HistoryOrder.fill(db) }
        if fillTokens { try ReplayTokens.fill(db) }
        if fillLeafLines { try LeafLines.fill(db) }
    }

    /// Writes every `turn_index` row again in its order (`n`), the columns `replacing` names set to its expressions
    /// over the old row `r` and what `joining` joins to it: a fresh import writes rows in order, and rows grown in
    /// place split their pages (issue 11, "Store size"). Inside the caller's transaction.
    static func rewriteIndexRows(_ db: Database, replacing: [String: String], joining: String) throws {
        let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('turn_index') ORDER BY cid")
        try db.execute(sql: """
            CREATE TEMP TABLE index_rows AS SELECT * FROM turn_index;
            DELETE FROM turn_index;
            INSERT INTO turn_index(\(columns.joined(separator: ", ")))
                SELECT \(columns.map { replacing[$0] ?? "r.\($0)" }.joined(separator: ", ")) FROM index_rows r \(joining) ORDER BY r.n;
            DROP TABLE index_rows;
            """)
    }
}
