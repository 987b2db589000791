import GRDB

/// The database schema. Migrations are named by strings and frozen once released: add, never edit.
enum Schema {
    /// `PRAGMA application_id` of a convo store: "CONV" in ASCII.
    static let applicationID: Int32 = 0x434F_4E56

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 objects refs reflog config") { db in
            // Content: immutable, content-addressed objects.
            try db.execute(sql: """
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
                """)
        }
        migrator.registerMigration("v1 turn index") { db in
            // Derived from turn objects; 'convo fsck --rebuild-index' recreates it.
            try db.execute(sql: """
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
                """)
        }
        migrator.registerMigration("v2 remote state") { db in
            // Observations of what a server holds, keyed by response id and origin. Not objects: recording
            // an observation never changes an object id. 'gc', 'say' and 'fetch' write it.
            try db.execute(sql: """
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
                """)
        }
        migrator.registerMigration("v2 turn blobs and search index") { db in
            // Derived from turn objects like turn_index, written with it, rebuilt with it by 'convo fsck --rebuild-index'.
            try db.execute(sql: """
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
                """)
            try StoreWriter(db: db, now: 0, packer: Packer()).fillDerivedTables()
        }
        return migrator
    }
}
