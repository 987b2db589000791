-- Takes a repository of the current format back to format 12 (v12's schema, with the same rows): the index a
-- WITHOUT ROWID table keyed by id, the blob references rows of `turn_blobs`, and search documents naming their turn
-- by id. Read by ConvoStoreTests (Repository.format12AsBefore) and ConvoKitTests (KeptHistoryOrderTests), which
-- share no code.
CREATE TABLE turn_index_12 (
    id BLOB PRIMARY KEY NOT NULL, parent BLOB, created_at INTEGER NOT NULL, model TEXT, response_id TEXT,
    status TEXT NOT NULL, origin TEXT, stored INTEGER NOT NULL, replay INTEGER NOT NULL, input_tokens INTEGER,
    output_tokens INTEGER, input_line TEXT NOT NULL, output_line TEXT NOT NULL, generation INTEGER,
    least_at INTEGER, least_id BLOB, least_depth INTEGER, leaf INTEGER) WITHOUT ROWID;
INSERT INTO turn_index_12 SELECT id, parent, created_at, model, response_id, status, origin, stored, replay, input_tokens,
    output_tokens, input_line, output_line, generation, least_at, least_id, least_depth, leaf FROM turn_index;
CREATE TABLE turn_blobs (turn BLOB PRIMARY KEY NOT NULL, blobs BLOB NOT NULL) WITHOUT ROWID;
INSERT INTO turn_blobs SELECT id, blobs FROM turn_index WHERE blobs IS NOT NULL;
CREATE TABLE search_doc_12 (docid INTEGER PRIMARY KEY, turn BLOB NOT NULL, created_at INTEGER NOT NULL);
INSERT INTO search_doc_12 SELECT d.docid, t.id, d.created_at FROM search_doc d JOIN turn_index t ON t.n = d.turn;
DROP TABLE search_doc;
ALTER TABLE search_doc_12 RENAME TO search_doc;
CREATE INDEX search_doc_by_time ON search_doc(created_at);
DROP TABLE turn_index;
ALTER TABLE turn_index_12 RENAME TO turn_index;
CREATE INDEX turn_index_response ON turn_index(response_id) WHERE response_id IS NOT NULL;
CREATE INDEX turn_index_order ON turn_index(least_at, least_id, least_depth DESC);
CREATE INDEX turn_index_children ON turn_index(parent) WHERE parent IS NOT NULL;
CREATE INDEX turn_index_leaves ON turn_index(leaf, id) WHERE leaf = 1;
DELETE FROM grdb_migrations WHERE identifier = 'v13 turn index rows by number with their blobs';
PRAGMA user_version = 12;
