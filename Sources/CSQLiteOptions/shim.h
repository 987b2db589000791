#include <sqlite3.h>

/// Whether closing the last connection checkpoints the write-ahead log into the database and deletes it
/// (SQLite's default) or leaves both to a later connection. `sqlite3_db_config` is variadic, which Swift
/// cannot call. Returns SQLite's result code.
static inline int convo_sqlite_checkpoint_on_close(sqlite3 *db, int on) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, on ? 0 : 1, (int *)0);
}
