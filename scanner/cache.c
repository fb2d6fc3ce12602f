/* cache.c: the SQLite result cache (DESIGN.md, "The cache").
 *
 *   files(id, path, size, mtime_ns, ino, digest, checked_ns): what cxscan
 *       knows of every file it hashed; a file whose (size, mtime_ns, inode)
 *       is unchanged, and was hashed clearly after its last change (git's
 *       "racy" rule, cx_cache_racy_ns), is not read again.
 *   tus(id, path, config, content, deps, result): one entry per TU and
 *       configuration (arguments, macro mode, versions); deps lists
 *       (file id, digest) of every included file; result is a codec blob.
 *
 * Only the scan's main thread uses a cache object. Stores are buffered and
 * written in one short transaction per batch, so a concurrent cxscan waits
 * at most for one batch; WAL keeps a killed run's cache consistent. Any
 * sign of a damaged file (not a database, wrong application id, shorter
 * than its page count, SQLITE_CORRUPT later on) moves it aside with a
 * warning; until then a failing lookup is a miss, never a wrong hit. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "cx_cache.h"
#include "cx_util.h"

#define APP_ID 0x43585343 /* "CXSC" */
#define APP_ID_STR "1129861955"
#define SCHEMA_VERSION 2
#define SCHEMA_VERSION_STR "2"
_Static_assert(APP_ID == 1129861955, "APP_ID_STR is APP_ID in decimal");
#define BATCH_MAX 32
#define MEMO_KEEP_STR "32"
#define BATCH_AGE_NS 1000000000LL
#define BUSY_TIMEOUT_MS 30000

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS files(id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT UNIQUE NOT NULL,"
	" size INTEGER, mtime_ns INTEGER, ino INTEGER, digest BLOB, checked_ns INTEGER);"
	"CREATE TABLE IF NOT EXISTS tus(id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL,"
	" config BLOB NOT NULL, content BLOB NOT NULL, deps BLOB NOT NULL,"
	" result BLOB NOT NULL, UNIQUE(path, config));"
	"CREATE TABLE IF NOT EXISTS memo(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" key BLOB UNIQUE NOT NULL, value BLOB NOT NULL);";

enum fstate { F_UNCHECKED, F_PRESENT, F_MISSING };

struct fent {
	char *path;
	int64_t id; /* 0 until it has a row */
	int64_t size, mtime_ns, ino, checked_ns;
	struct cx_digest digest;
	bool has_digest, dirty;
	enum fstate state; /* this run */
	/* this run parses other text in place of the file (--staged): its
	 * digest is odigest, the row keeps what is on disk */
	bool overlaid;
	struct cx_digest odigest;
};

struct pending {
	char *tu;
	struct cx_digest config, content;
	size_t *deps; /* indexes into files */
	struct cx_digest *dep_digest;
	size_t ndeps;
	void *blob;
	size_t len;
	int64_t *id; /* where to put the row id once written (may be NULL) */
};

struct cx_cache {
	sqlite3 *db;
	char *path;
	bool quiet, broken, warned;
	bool nowrite; /* a write failed: stop writing for this run */
	bool in_read; /* inside cx_cache_read_begin's transaction */
	uint32_t *byid; /* id -> index + 1 of the loaded entries, or NULL */
	size_t nbyid;
	struct fent *f;
	size_t nf, capf;
	size_t nloaded; /* f[0..nloaded) are rows read at open, sorted by id */
	size_t *slot; /* path hash -> index + 1 */
	size_t nslot;
	struct pending *pend;
	size_t npend, cappend;
	int64_t batch_start_ns;
	uint64_t reads, stats;
	sqlite3_stmt *q_tu, *q_result;
};

/* ---- digests ---- */

static void to_digest(XXH128_hash_t h, struct cx_digest *d)
{
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, h);
	memcpy(d->b, c.digest, sizeof d->b);
}

void cx_digest_buf(const void *p, size_t n, struct cx_digest *d)
{
	to_digest(XXH3_128bits(p, n), d);
}

/* struct cx_digest_state is an XXH3_state_t (never defined here). */
struct cx_digest_state *cx_digest_begin(void)
{
	XXH3_state_t *st = XXH3_createState();
	if (st)
		XXH3_128bits_reset(st);
	return (struct cx_digest_state *)st;
}

void cx_digest_add(struct cx_digest_state *s, const void *p, size_t n)
{
	if (s)
		XXH3_128bits_update((XXH3_state_t *)s, p, n);
}

void cx_digest_add_str(struct cx_digest_state *s, const char *str)
{
	cx_digest_add(s, str, strlen(str) + 1);
}

void cx_digest_end(struct cx_digest_state *s, struct cx_digest *d)
{
	if (!s) {
		memset(d, 0, sizeof *d);
		return;
	}
	to_digest(XXH3_128bits_digest((XXH3_state_t *)s), d);
	XXH3_freeState((XXH3_state_t *)s);
}

/* ---- damage handling ---- */

static void warn(struct cx_cache *c, const char *fmt, const char *a, const char *b)
{
	if (c->quiet || c->warned)
		return;
	c->warned = true;
	fputs("cxscan: warning: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
}

/* SQLite reports some damage as SQLITE_NOMEM: a corrupt record or schema
 * entry whose length asks for more than SQLite ever allocates (the sqlite3
 * shell says "out of memory" on such a file too). Such an error while
 * memory is plainly available is damage; a real shortage is not. */
static bool memory_available(void)
{
	void *volatile p = malloc(1 << 20);
	bool ok = p != NULL;
	free(p);
	return ok;
}

static bool damaged(int rc)
{
	rc &= 0xff;
	if (rc == SQLITE_NOMEM)
		return memory_available();
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

/* Renames path (and its -wal/-shm) to path.corrupt-<time>. */
static void move_aside(const char *path, bool quiet)
{
	char *dst = cx_asprintf("%s.corrupt-%lld", path, (long long)time(NULL));
	if (!dst)
		return;
	if (rename(path, dst) == 0 && !quiet)
		fprintf(stderr, "cxscan: warning: the cache '%s' is damaged or not a cxscan "
		                "cache; moved it to '%s' and started a new one\n", path, dst);
	static const char *const side[] = {"-wal", "-shm"};
	for (size_t i = 0; i < 2; i++) {
		char *s = cx_asprintf("%s%s", path, side[i]);
		if (s)
			unlink(s);
		free(s);
	}
	free(dst);
}

/* A failure of a statement: damage marks the cache broken (moved aside at
 * close); anything else (a busy database) only warns. */
static int db_fail(struct cx_cache *c, int rc, const char *what)
{
	if (damaged(rc))
		c->broken = true;
	warn(c, "cache %s failed (%s); results are not cached", what, sqlite3_errstr(rc));
	return rc;
}

/* ---- the file table ---- */

static size_t slot_of(const struct cx_cache *c, const char *path)
{
	return (size_t)cx_hash_str(path) & (c->nslot - 1);
}

static int rehash(struct cx_cache *c, size_t nslot)
{
	size_t *ns = calloc(nslot, sizeof *ns);
	if (!ns)
		return CX_ENOMEM;
	free(c->slot);
	c->slot = ns;
	c->nslot = nslot;
	for (size_t i = 0; i < c->nf; i++) {
		size_t j = slot_of(c, c->f[i].path);
		while (c->slot[j])
			j = (j + 1) & (nslot - 1);
		c->slot[j] = i + 1;
	}
	return 0;
}

static long find_file(const struct cx_cache *c, const char *path)
{
	if (!c->nslot)
		return -1;
	for (size_t j = slot_of(c, path); c->slot[j]; j = (j + 1) & (c->nslot - 1))
		if (strcmp(c->f[c->slot[j] - 1].path, path) == 0)
			return (long)(c->slot[j] - 1);
	return -1;
}

/* Adds an entry (path copied); returns its index or a negative cx_err. */
static long add_file(struct cx_cache *c, const char *path)
{
	if ((c->nf + 1) * 2 > c->nslot && rehash(c, c->nslot ? c->nslot * 2 : 1024))
		return CX_ENOMEM;
	if (cx_grow(&c->f, &c->capf, c->nf + 1, sizeof *c->f))
		return CX_ENOMEM;
	struct fent *e = &c->f[c->nf];
	memset(e, 0, sizeof *e);
	if (!(e->path = cx_strdup(path)))
		return CX_ENOMEM;
	size_t j = slot_of(c, path);
	while (c->slot[j])
		j = (j + 1) & (c->nslot - 1);
	c->slot[j] = ++c->nf;
	return (long)(c->nf - 1);
}

static long find_file_id(const struct cx_cache *c, int64_t id)
{
	/* entries recorded by entries of this run are only looked up by
	 * later runs */
	if (c->byid)
		return id > 0 && (uint64_t)id < c->nbyid ? (long)c->byid[id] - 1 : -1;
	size_t lo = 0, hi = c->nloaded;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t m = c->f[mid].id;
		if (m > id)
			hi = mid;
		else if (m < id)
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

/* Row ids are dense unless many rows were deleted: then a table from id
 * to entry (a dependency check is a load, not a binary search). */
static void index_ids(struct cx_cache *c)
{
	if (!c->nloaded || c->nloaded >= UINT32_MAX)
		return;
	int64_t max = c->f[c->nloaded - 1].id;
	if (max < 1 || (uint64_t)max > 4 * (uint64_t)c->nloaded + 1024)
		return;
	if (!(c->byid = calloc((size_t)max + 1, sizeof *c->byid)))
		return; /* the binary search does */
	c->nbyid = (size_t)max + 1;
	for (size_t i = 0; i < c->nloaded; i++)
		if (c->f[i].id > 0)
			c->byid[c->f[i].id] = (uint32_t)i + 1;
}

static int load_files(struct cx_cache *c)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(c->db, "SELECT id, path, size, mtime_ns, ino, digest, "
	                                   "checked_ns FROM files ORDER BY id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 1);
		long i = p ? add_file(c, p) : -1;
		if (i < 0)
			continue;
		struct fent *e = &c->f[i];
		e->id = sqlite3_column_int64(st, 0);
		e->size = sqlite3_column_int64(st, 2);
		e->mtime_ns = sqlite3_column_int64(st, 3);
		e->ino = sqlite3_column_int64(st, 4);
		e->checked_ns = sqlite3_column_int64(st, 6);
		if (sqlite3_column_bytes(st, 5) == (int)sizeof e->digest.b) {
			memcpy(e->digest.b, sqlite3_column_blob(st, 5), sizeof e->digest.b);
			e->has_digest = true;
		}
	}
	sqlite3_finalize(st);
	c->nloaded = c->nf;
	if (rc == SQLITE_DONE)
		index_ids(c);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int hash_fd(int fd, struct cx_digest *d)
{
	struct cx_digest_state *st = cx_digest_begin();
	if (!st)
		return CX_ENOMEM;
	static _Thread_local char buf[1 << 16];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		cx_digest_add(st, buf, (size_t)n);
	cx_digest_end(st, d);
	return n == 0 ? 0 : CX_EIO;
}

/* How long after a file's mtime a write may still leave the same mtime:
 * file systems that keep only whole seconds (no sub-second part in any
 * mtime) round down by up to 2 s (FAT); others keep nanoseconds and a
 * clock tick. Git calls files inside this window "racy". */
int64_t cx_cache_racy_ns(int64_t mtime_ns)
{
	return mtime_ns % 1000000000LL ? 10000000LL : 2000000000LL;
}

/* Whether e's digest still holds unread: the file's (size, mtime, inode)
 * are the recorded ones and it was hashed clearly after its last change. */
static bool stat_unchanged(const struct fent *e, const struct stat *st, int64_t mt)
{
	return e->has_digest && e->size == st->st_size && e->mtime_ns == mt &&
	       e->ino == (int64_t)st->st_ino && mt + cx_cache_racy_ns(mt) <= e->checked_ns;
}

/* Hashes e's file again and records st (its stat, mt its mtime in ns).
 * An unreadable file is missing; 0 or CX_ENOMEM. */
static int rehash_file(struct cx_cache *c, struct fent *e, const struct stat *st, int64_t mt)
{
	int64_t t = cx_wall_ns();
	int fd = open(e->path, O_RDONLY | O_CLOEXEC);
	c->reads++;
	int rc = fd < 0 ? CX_EIO : hash_fd(fd, &e->digest);
	if (fd >= 0)
		close(fd);
	if (rc == CX_ENOMEM)
		return rc;
	if (rc) {
		e->state = F_MISSING;
		return 0;
	}
	e->has_digest = true;
	e->size = st->st_size;
	e->mtime_ns = mt;
	e->ino = (int64_t)st->st_ino;
	e->checked_ns = t;
	e->dirty = true;
	e->state = F_PRESENT;
	return 0;
}

/* The digest of what this run parses for e. */
static const struct cx_digest *digest_of(const struct fent *e)
{
	return e->overlaid ? &e->odigest : &e->digest;
}

/* Brings entry i up to date for this run. */
static int check_file(struct cx_cache *c, size_t i)
{
	struct fent *e = &c->f[i];
	if (e->state != F_UNCHECKED)
		return 0;
	struct stat st;
	c->stats++;
	if (stat(e->path, &st) != 0 || !S_ISREG(st.st_mode)) {
		e->state = F_MISSING;
		return 0;
	}
	int64_t mt = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	if (stat_unchanged(e, &st, mt)) {
		e->state = F_PRESENT;
		return 0;
	}
	return rehash_file(c, e, &st, mt);
}

/* The entry of path, added if it has none: its index or a negative cx_err. */
static long file_entry(struct cx_cache *c, const char *path)
{
	long i = find_file(c, path);
	return i < 0 ? add_file(c, path) : i;
}

int cx_cache_file_digest(struct cx_cache *c, const char *path, struct cx_digest *d,
                         bool *present)
{
	long i = file_entry(c, path);
	if (i < 0)
		return (int)i;
	int rc = check_file(c, (size_t)i);
	if (rc)
		return rc;
	*present = c->f[i].state == F_PRESENT;
	*d = *digest_of(&c->f[i]);
	return 0;
}

bool cx_cache_overlaid(const struct cx_cache *c, const char *path)
{
	long i = find_file(c, path);
	return i >= 0 && c->f[i].overlaid;
}

int cx_cache_overlay(struct cx_cache *c, const char *path, const struct cx_digest *d)
{
	long i = file_entry(c, path);
	if (i < 0)
		return (int)i;
	struct fent *e = &c->f[i];
	if (!e->id && !e->dirty) {
		/* a row for its id, which no stat can match: a later run without
		 * the text hashes the file */
		e->size = e->mtime_ns = e->ino = -1;
		e->checked_ns = 0;
		e->dirty = true;
	}
	e->overlaid = true;
	e->odigest = *d;
	e->state = F_PRESENT;
	return 0;
}

/* ---- open / close ---- */

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* Ends a transaction: commits when rc is SQLITE_OK; rolls back when rc or
 * the commit failed (a busy COMMIT leaves the transaction open). */
static int end_tx(sqlite3 *db, int rc)
{
	if (rc == SQLITE_OK)
		rc = exec(db, "COMMIT");
	if (rc != SQLITE_OK)
		exec(db, "ROLLBACK");
	return rc;
}

static int pragma_int(sqlite3 *db, const char *sql, int64_t *v)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The header rules the file out: it is shorter than the size its header
 * records (the size as of the last commit or checkpoint; pages still in
 * the WAL do not count), or its file format versions (bytes 18 and 19)
 * are not the 1 (rollback journal) or 2 (WAL) that SQLite writes: SQLite
 * opens a file with a higher write version read-only, so it can never be
 * a cache again. */
static bool header_unusable(const char *path)
{
	uint8_t h[100];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return false;
	}
	bool ok = read(fd, h, sizeof h) == (ssize_t)sizeof h;
	close(fd);
	if (!ok)
		return st.st_size > 0; /* not even a header */
	if (h[18] < 1 || h[18] > 2 || h[19] < 1 || h[19] > 2)
		return true;
	uint32_t psize = (uint32_t)h[16] << 8 | h[17];
	if (psize == 1)
		psize = 65536;
	uint32_t pages = be32(h + 28);
	if (be32(h + 92) != be32(h + 24)) /* size field not valid (old writer) */
		return false;
	return (int64_t)pages * psize > (int64_t)st.st_size;
}

/* Reads the database's application id and its number of tables, both in
 * one read transaction: 0, 1 when it is damaged, or an SQLite error
 * (busy). Read apart, a cxscan creating the same cache could commit its
 * schema in between: no id yet, but tables, would look like someone
 * else's database (and the new cache would be moved aside). */
static int read_identity(sqlite3 *db, int64_t *app, int64_t *tables)
{
	int rc = exec(db, "BEGIN");
	if (rc == SQLITE_OK)
		rc = pragma_int(db, "PRAGMA application_id", app);
	if (rc == SQLITE_OK)
		rc = pragma_int(db, "SELECT count(*) FROM sqlite_master", tables);
	rc = end_tx(db, rc);
	return damaged(rc) ? 1 : rc;
}

/* 0 when the file's header is usable, 1 when it must be moved aside, or an
 * SQLite error (busy). */
static int check_header(sqlite3 *db, const char *path)
{
	if (!header_unusable(path))
		return 0;
	/* A cxscan creating this cache may be extending the file right now
	 * (its header counts pages not yet written): look again under the
	 * write lock. Busy is retried by the caller; a file SQLite will only
	 * open read-only is unusable as it stands. */
	int rc = exec(db, "BEGIN IMMEDIATE");
	if ((rc & 0xff) == SQLITE_READONLY || damaged(rc))
		return 1;
	if (rc != SQLITE_OK)
		return rc;
	bool bad = header_unusable(path);
	exec(db, "ROLLBACK");
	return bad ? 1 : 0;
}

/* Drops whatever schema there is and creates ours, in one transaction. */
static int rebuild_schema(sqlite3 *db)
{
	int64_t ver = 0;
	int rc = exec(db, "BEGIN IMMEDIATE");
	if (rc != SQLITE_OK)
		return rc;
	rc = pragma_int(db, "PRAGMA user_version", &ver); /* re-check under the lock */
	if (rc == SQLITE_OK && ver != SCHEMA_VERSION)
		rc = exec(db, "DROP TABLE IF EXISTS tus; DROP TABLE IF EXISTS files;"
		              "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS memo;");
	if (rc == SQLITE_OK)
		rc = exec(db, schema);
	if (rc == SQLITE_OK)
		rc = exec(db, "PRAGMA application_id = " APP_ID_STR "; "
		              "PRAGMA user_version = " SCHEMA_VERSION_STR);
	return end_tx(db, rc);
}

/* adopt()'s answer for rc, the outcome of rebuild_schema(). */
static int rebuild_outcome(const char *path, int rc)
{
	if (damaged(rc))
		return 1;
	/* Its content was to be dropped anyway: a file that SQLite says is
	 * full while rebuilding it in place (a header field it accepts but
	 * cannot write with, such as a largest root page of 2^32-1) is moved
	 * aside like a damaged one; not an empty file (a new cache on a full
	 * disk). A concurrent cxscan creating the same cache shows as busy,
	 * locked or a changed schema: those are retried by the caller. */
	struct stat st;
	if ((rc & 0xff) == SQLITE_FULL && stat(path, &st) == 0 && st.st_size > 0)
		return 1;
	if ((rc & 0xff) == SQLITE_SCHEMA)
		return SQLITE_BUSY;
	return rc;
}

/* 0 when the database is ours (or empty and now ours), 1 when it must be
 * moved aside, or an SQLite error (busy). */
static int adopt(sqlite3 *db, const char *path)
{
	int64_t app = 0, ver = 0, tables = 0;
	int rc = read_identity(db, &app, &tables);
	if (rc != SQLITE_OK)
		return rc;
	rc = check_header(db, path);
	if (rc != 0)
		return rc;
	if (tables > 0 && app != APP_ID)
		return 1; /* someone else's database */
	rc = pragma_int(db, "PRAGMA user_version", &ver);
	if (rc != SQLITE_OK)
		return damaged(rc) ? 1 : rc;
	if (app == APP_ID && ver == SCHEMA_VERSION)
		return 0;
	/* new, or an older/newer schema: a cache is rebuilt, not migrated */
	return rebuild_outcome(path, rebuild_schema(db));
}

static int open_db(const char *path, sqlite3 **db)
{
	int rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                                   SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(*db, BUSY_TIMEOUT_MS);
	return rc;
}

/* After adopt(): a file that is not ours is never modified, not even
 * switched to WAL (journal_mode=WAL needs a lock when it changes the mode;
 * it persists in the file). */
static int use_wal(sqlite3 *db)
{
	/* Pages are read through a mapping instead of one pread each (a warm
	 * re-scan of linux kernel/: 250 reads, 1.3 ms). SQLite re-checks the
	 * file's size at each transaction, so its own VACUUM (cache clear) in
	 * another process is safe; only a file cut short by something else
	 * while a scan reads it would fault. */
	int rc = exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
	                  "PRAGMA mmap_size=1073741824");
	return damaged(rc) ? SQLITE_NOTADB : rc;
}

/* Reads the file table and prepares the lookups (any failure leaves
 * nothing behind). */
static int prepare(struct cx_cache *c)
{
	int rc = load_files(c);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db, "SELECT id, content, deps FROM tus WHERE path = ?1 "
		                               "AND config = ?2", -1, &c->q_tu, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db, "SELECT result FROM tus WHERE id = ?1", -1,
		                        &c->q_result, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(c->q_tu);
		sqlite3_finalize(c->q_result);
		c->q_tu = c->q_result = NULL;
		for (size_t i = 0; i < c->nf; i++)
			free(c->f[i].path);
		c->nf = c->nloaded = 0;
		free(c->byid);
		c->byid = NULL;
		c->nbyid = 0;
		if (c->slot) /* memset(NULL, 0, 0) is undefined */
			memset(c->slot, 0, c->nslot * sizeof *c->slot);
	}
	return rc;
}

/* Opens, adopts and prepares the database at path once: 0, 1 when it must
 * be moved aside, or an SQLite error (busy). */
static int try_open(struct cx_cache *c, const char *path)
{
	int a = open_db(path, &c->db);
	if (a == SQLITE_OK)
		a = adopt(c->db, path);
	else if (damaged(a))
		a = 1;
	if (a == 0) {
		int w = use_wal(c->db);
		a = w == SQLITE_NOTADB ? 1 : w;
	}
	if (a == 0)
		a = prepare(c);
	/* damage that only shows past the header, or a schema that is not
	 * the one its version promises */
	if (damaged(a) || (a & 0xff) == SQLITE_ERROR)
		a = 1;
	return a;
}

static void close_db(struct cx_cache *c)
{
	sqlite3_close(c->db);
	c->db = NULL;
}

/* try_open() until it works, moving a damaged file aside once. Switching a
 * new file to WAL and creating the schema take locks that SQLite's busy
 * handler does not always wait for (a concurrent cxscan doing the same):
 * those are retried for up to BUSY_TIMEOUT_MS. */
static int open_retrying(struct cx_cache *c, const char *path)
{
	int moved = 0;
	for (int waited_ms = 0;;) {
		int a = try_open(c, path);
		if (a == 1 && moved++ == 0) {
			close_db(c);
			move_aside(path, c->quiet);
			continue;
		}
		int rc = a == 1 ? SQLITE_NOTADB : a;
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			return rc;
		close_db(c);
		if (waited_ms >= BUSY_TIMEOUT_MS)
			return rc;
		struct timespec ts = {0, 20 * 1000000L};
		nanosleep(&ts, NULL);
		waited_ms += 20;
	}
}

int cx_cache_open(const char *path, bool quiet, struct cx_cache **out, struct cx_ctx *ctx)
{
	struct cx_cache *c = calloc(1, sizeof *c);
	*out = NULL;
	if (!c || !(c->path = cx_strdup(path))) {
		free(c);
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	}
	c->quiet = quiet;
	if (cx_mkdirs(path, false) != 0) {
		int e = errno;
		cx_cache_close(c);
		return cx_error(ctx, CX_EIO, "cannot create the cache directory for '%s': %s", path,
		                strerror(e));
	}
	int rc = open_retrying(c, path);
	if (rc != SQLITE_OK || !c->db) {
		/* the connection's message may be a later statement's (ROLLBACK) */
		const char *why = c->db && sqlite3_extended_errcode(c->db) == rc ? sqlite3_errmsg(c->db)
		                                                                : sqlite3_errstr(rc);
		int err = cx_error(ctx, CX_EIO, "cannot open the cache '%s': %s", path, why);
		cx_cache_close(c);
		return err;
	}
	*out = c;
	return 0;
}

static void release_pending(struct pending *p)
{
	free(p->tu);
	free(p->deps);
	free(p->dep_digest);
	free(p->blob);
}

static void drop_pending(struct cx_cache *c)
{
	for (size_t i = 0; i < c->npend; i++)
		release_pending(&c->pend[i]);
	c->npend = 0;
}

void cx_cache_close(struct cx_cache *c)
{
	if (!c)
		return;
	if (c->db) {
		cx_cache_read_end(c);
		if (!c->broken && cx_cache_flush(c) != 0)
			c->nowrite = true; /* out of memory: what is pending is dropped */
	}
	drop_pending(c);
	free(c->pend);
	sqlite3_finalize(c->q_tu);
	sqlite3_finalize(c->q_result);
	if (c->db)
		sqlite3_close(c->db);
	if (c->broken)
		move_aside(c->path, c->quiet);
	for (size_t i = 0; i < c->nf; i++)
		free(c->f[i].path);
	free(c->f);
	free(c->slot);
	free(c->byid);
	free(c->path);
	free(c);
}

/* ---- lookups ---- */

void cx_cache_read_begin(struct cx_cache *c)
{
	if (!c->broken && !c->in_read && exec(c->db, "BEGIN") == SQLITE_OK)
		c->in_read = true;
}

void cx_cache_read_end(struct cx_cache *c)
{
	if (c->in_read)
		exec(c->db, "COMMIT");
	c->in_read = false;
}

/* 1 when every (file id, digest) of deps still holds. */
static int deps_hold(struct cx_cache *c, const uint8_t *p, size_t n)
{
	if (n == 0)
		return 1; /* p may be NULL */
	const uint8_t *end = p + n;
	while (p < end) {
		uint64_t id;
		size_t k = cx_varint_get(p, end, &id);
		if (k == 0 || (size_t)(end - p) - k < sizeof(struct cx_digest))
			return 0; /* malformed: a miss */
		p += k;
		long i = find_file_id(c, (int64_t)id);
		if (i < 0)
			return 0;
		int rc = check_file(c, (size_t)i);
		if (rc)
			return rc;
		if (c->f[i].state != F_PRESENT || memcmp(digest_of(&c->f[i])->b, p, 16) != 0)
			return 0;
		p += sizeof(struct cx_digest);
	}
	return 1;
}

int cx_cache_lookup(struct cx_cache *c, const char *tu, const struct cx_digest *config,
                    const struct cx_digest *content, int64_t *id)
{
	if (c->broken)
		return 0;
	sqlite3_stmt *st = c->q_tu;
	sqlite3_bind_text(st, 1, tu, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, config->b, sizeof config->b, SQLITE_STATIC);
	int rc = sqlite3_step(st), hit = 0;
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		const void *ct = sqlite3_column_blob(st, 1);
		const void *deps = sqlite3_column_blob(st, 2);
		int nd = sqlite3_column_bytes(st, 2);
		if (sqlite3_column_bytes(st, 1) == 16 && memcmp(ct, content->b, 16) == 0)
			hit = deps || nd == 0 ? deps_hold(c, deps, (size_t)nd) : 0;
	} else if (rc != SQLITE_DONE) {
		db_fail(c, rc, "lookup");
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return hit;
}

/* A copy of the row's first column (a blob). 0 or CX_ENOMEM. */
static int copy_blob(sqlite3_stmt *st, void **blob, size_t *len)
{
	size_t n = (size_t)sqlite3_column_bytes(st, 0);
	const void *p = sqlite3_column_blob(st, 0);
	if (!(*blob = malloc(n ? n : 1)))
		return CX_ENOMEM;
	if (n)
		memcpy(*blob, p, n);
	*len = n;
	return 0;
}

int cx_cache_load(struct cx_cache *c, int64_t id, void **blob, size_t *len)
{
	sqlite3_stmt *st = c->q_result;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st), ret = CX_EIO;
	*blob = NULL;
	*len = 0;
	if (rc == SQLITE_ROW) {
		ret = copy_blob(st, blob, len);
	} else if (rc != SQLITE_DONE) {
		db_fail(c, rc, "read");
	}
	sqlite3_reset(st);
	return ret;
}

/* ---- stores ---- */

/* Fills p with copies of tu and blob and room for ndeps dependencies.
 * 0, or CX_ENOMEM with p released. */
static int pending_init(struct pending *p, const char *tu, const void *blob, size_t len,
                        size_t ndeps)
{
	memset(p, 0, sizeof *p);
	p->tu = cx_strdup(tu);
	p->blob = malloc(len ? len : 1);
	p->deps = calloc(ndeps ? ndeps : 1, sizeof *p->deps);
	p->dep_digest = calloc(ndeps ? ndeps : 1, sizeof *p->dep_digest);
	if (!p->tu || !p->blob || !p->deps || !p->dep_digest) {
		release_pending(p);
		return CX_ENOMEM;
	}
	memcpy(p->blob, blob, len);
	p->len = len;
	return 0;
}

/* Adds the dependency path to p, with its digest unless it may have changed
 * since since_ns. 0 or a negative cx_err. */
static int add_dep(struct cx_cache *c, struct pending *p, const char *path, int64_t since_ns)
{
	long k = file_entry(c, path);
	if (k < 0)
		return (int)k;
	int rc = check_file(c, (size_t)k);
	if (rc)
		return rc;
	p->deps[p->ndeps] = (size_t)k;
	/* changed while (or just before) it was parsed: the parse may have
	 * seen other bytes; an all-zero digest never matches */
	int64_t mt = c->f[k].mtime_ns;
	bool racy = c->f[k].state != F_PRESENT ||
	            (!c->f[k].overlaid && mt + cx_cache_racy_ns(mt) > since_ns);
	if (!racy)
		p->dep_digest[p->ndeps] = *digest_of(&c->f[k]);
	p->ndeps++;
	return 0;
}

/* Takes the entry filled in at c->pend[c->npend] into the batch, and
 * writes the batch when it is full or old. */
static int queue_pending(struct cx_cache *c)
{
	c->npend++;
	if (c->npend == 1)
		c->batch_start_ns = cx_wall_ns();
	if (c->npend >= BATCH_MAX || cx_wall_ns() - c->batch_start_ns >= BATCH_AGE_NS)
		return cx_cache_flush(c);
	return 0;
}

int cx_cache_store(struct cx_cache *c, const struct cx_cache_entry *e, int64_t *id)
{
	if (c->broken || c->nowrite)
		return 0;
	if (cx_grow(&c->pend, &c->cappend, c->npend + 1, sizeof *c->pend))
		return CX_ENOMEM;
	struct pending *p = &c->pend[c->npend];
	if (pending_init(p, e->tu, e->blob, e->len, e->ndeps))
		return CX_ENOMEM;
	p->config = e->config;
	p->content = e->content;
	p->id = id;
	if (id)
		*id = 0;
	for (size_t i = 0; i < e->ndeps; i++) {
		int rc = add_dep(c, p, e->deps[i], e->since_ns);
		if (rc) { /* an entry missing a dependency must never be written */
			release_pending(p);
			return rc;
		}
	}
	return queue_pending(c);
}

/* Upserts a file row; the id of an existing path is kept (AUTOINCREMENT
 * ids are never reused, so a stale id can only miss). */
static int put_file_row(struct cx_cache *c, sqlite3_stmt *ins, struct fent *e)
{
	sqlite3_bind_text(ins, 1, e->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, e->size);
	sqlite3_bind_int64(ins, 3, e->mtime_ns);
	sqlite3_bind_int64(ins, 4, e->ino);
	sqlite3_bind_blob(ins, 5, e->digest.b, 16, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 6, e->checked_ns);
	int rc = sqlite3_step(ins);
	if (rc == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(ins, 0);
		if (e->id && e->id != id)
			c->nowrite = true; /* another run re-created the row: stop here */
		e->id = id;
		rc = sqlite3_step(ins);
	}
	sqlite3_reset(ins);
	if (rc != SQLITE_DONE)
		return rc;
	e->dirty = false;
	return c->nowrite ? SQLITE_ABORT : SQLITE_OK;
}

static int write_tu(sqlite3_stmt *st, struct cx_cache *c, const struct pending *p)
{
	struct cx_buf b = {0};
	for (size_t i = 0; i < p->ndeps; i++) {
		cx_buf_put_varint(&b, (uint64_t)c->f[p->deps[i]].id);
		cx_buf_put(&b, p->dep_digest[i].b, sizeof p->dep_digest[i].b);
	}
	if (b.err) {
		cx_buf_release(&b);
		return SQLITE_NOMEM;
	}
	sqlite3_bind_text(st, 1, p->tu, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, p->config.b, 16, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, p->content.b, 16, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, b.p ? (const void *)b.p : "", (int)b.n, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, p->blob, (int)p->len, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE && p->id)
		*p->id = sqlite3_last_insert_rowid(c->db);
	sqlite3_reset(st);
	cx_buf_release(&b);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static bool any_dirty(const struct cx_cache *c)
{
	for (size_t i = 0; i < c->nf; i++)
		if (c->f[i].dirty)
			return true;
	return false;
}

static int prepare_batch(sqlite3 *db, sqlite3_stmt **ins, sqlite3_stmt **tu)
{
	int rc = sqlite3_prepare_v2(db, "INSERT INTO files(path, size, mtime_ns, ino, "
	                                "digest, checked_ns) VALUES (?1, ?2, ?3, ?4, ?5, "
	                                "?6) ON CONFLICT(path) DO UPDATE SET "
	                                "size = excluded.size, mtime_ns = excluded.mtime_ns,"
	                                " ino = excluded.ino, digest = excluded.digest, "
	                                "checked_ns = excluded.checked_ns RETURNING id",
	                            -1, ins, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO tus(path, config, content, "
		                            "deps, result) VALUES (?1, ?2, ?3, ?4, ?5)", -1,
		                        tu, NULL);
	return rc;
}

/* Writes the changed file rows, then the pending entries (which refer to
 * the files' row ids). */
static int write_rows(struct cx_cache *c, sqlite3_stmt *ins, sqlite3_stmt *tu)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; i < c->nf && rc == SQLITE_OK; i++)
		if (c->f[i].dirty && c->f[i].state == F_PRESENT)
			rc = put_file_row(c, ins, &c->f[i]);
	for (size_t i = 0; i < c->npend && rc == SQLITE_OK; i++)
		rc = write_tu(tu, c, &c->pend[i]);
	return rc;
}

/* Writes the batch in one transaction; a failure stops writing for this
 * run. */
static void write_batch(struct cx_cache *c)
{
	sqlite3_stmt *ins = NULL, *tu = NULL;
	int rc = exec(c->db, "BEGIN IMMEDIATE");
	if (rc == SQLITE_OK)
		rc = prepare_batch(c->db, &ins, &tu);
	if (rc == SQLITE_OK)
		rc = write_rows(c, ins, tu);
	sqlite3_finalize(ins);
	sqlite3_finalize(tu);
	rc = end_tx(c->db, rc);
	if (rc == SQLITE_OK)
		return;
	/* ids read inside the rolled-back transaction may be void */
	for (size_t i = 0; i < c->npend; i++)
		if (c->pend[i].id)
			*c->pend[i].id = 0;
	c->nowrite = true;
	db_fail(c, rc, "write");
}

int cx_cache_flush(struct cx_cache *c)
{
	cx_cache_read_end(c);
	if (!c->broken && !c->nowrite && (c->npend > 0 || any_dirty(c)))
		write_batch(c);
	drop_pending(c);
	return 0;
}

/* ---- maintenance ---- */

/* Runs st, a DELETE that takes a row id as ?1, for id. */
static int delete_id(sqlite3 *db, sqlite3_stmt *st, int64_t id)
{
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
	sqlite3_reset(st);
	return rc;
}

/* Marks the loaded files that pending entries depend on. */
static void mark_pending(const struct cx_cache *c, bool *ref)
{
	for (size_t i = 0; i < c->npend; i++)
		for (size_t k = 0; k < c->pend[i].ndeps; k++)
			if (c->pend[i].deps[k] < c->nloaded)
				ref[c->pend[i].deps[k]] = true;
}

/* Marks the files of the deps blob p[0..end) (p may be NULL); a malformed
 * rest is skipped. */
static void mark_deps(const struct cx_cache *c, const uint8_t *p, const uint8_t *end, bool *ref)
{
	while (p && p < end) {
		uint64_t id;
		size_t k = cx_varint_get(p, end, &id);
		if (k == 0)
			break;
		long i = find_file_id(c, (int64_t)id);
		if (i >= 0)
			ref[i] = true;
		p += k;
		p += (size_t)(end - p) < sizeof(struct cx_digest) ? (size_t)(end - p)
		                                                   : sizeof(struct cx_digest);
	}
}

/* Marks the loaded files that the TU entries in the database refer to.
 * SQLITE_DONE when all were read. */
static int mark_tus(const struct cx_cache *c, bool *ref)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db, "SELECT deps, path FROM tus", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		const char *tu = (const char *)sqlite3_column_text(st, 1);
		long t = tu ? find_file(c, tu) : -1; /* a TU's own row */
		if (t >= 0 && (size_t)t < c->nloaded)
			ref[t] = true;
		const uint8_t *p = sqlite3_column_blob(st, 0);
		mark_deps(c, p, p ? p + sqlite3_column_bytes(st, 0) : p, ref);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Deletes the rows of the loaded files not marked in ref. */
static int delete_unmarked(struct cx_cache *c, const bool *ref)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db, "DELETE FROM files WHERE id = ?1", -1, &st, NULL);
	for (size_t i = 0; i < c->nloaded && rc == SQLITE_OK; i++) {
		if (ref[i] || c->f[i].id <= 0)
			continue;
		rc = delete_id(c->db, st, c->f[i].id);
		c->f[i].id = 0; /* a later flush writes it again if it is used */
		c->f[i].dirty = c->f[i].state == F_PRESENT;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Deletes the rows of loaded files that no TU entry (read inside the
 * write transaction, so other processes' entries count) and no pending
 * entry refers to, as a dependency or as its TU: the headers of the TUs
 * that were pruned. */
static int drop_orphans(struct cx_cache *c)
{
	if (!c->nloaded)
		return SQLITE_OK;
	bool *ref = calloc(c->nloaded, sizeof *ref);
	if (!ref)
		return SQLITE_NOMEM;
	mark_pending(c, ref);
	int rc = mark_tus(c, ref);
	if (rc == SQLITE_DONE)
		rc = delete_unmarked(c, ref);
	free(ref);
	return rc;
}

/* Whether the TU at path is gone: not among keep and no longer there. */
static bool tu_gone(const char *path, char *const *keep, size_t nkeep)
{
	struct stat sb;
	if (nkeep && bsearch(&path, keep, nkeep, sizeof *keep, cx_cmp_str))
		return false;
	return stat(path, &sb) != 0 && errno == ENOENT;
}

/* Collects the paths of the TU entries whose TU is gone. */
static int find_gone(struct cx_cache *c, char *const *keep, size_t nkeep, struct cx_strv *gone)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db, "SELECT DISTINCT path FROM tus", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		const char *p = (const char *)sqlite3_column_text(st, 0);
		if (p && tu_gone(p, keep, nkeep) && cx_strv_push(gone, p))
			rc = SQLITE_NOMEM;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Whether a file with a row was found missing in this run. */
static bool any_file_gone(const struct cx_cache *c)
{
	for (size_t i = 0; i < c->nf; i++)
		if (c->f[i].state == F_MISSING && c->f[i].id)
			return true;
	return false;
}

static int delete_tus(struct cx_cache *c, const struct cx_strv *gone)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db, "DELETE FROM tus WHERE path = ?1", -1, &st, NULL);
	for (size_t i = 0; i < gone->n && rc == SQLITE_OK; i++) {
		sqlite3_bind_text(st, 1, gone->v[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static int delete_missing_files(struct cx_cache *c)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db, "DELETE FROM files WHERE id = ?1", -1, &st, NULL);
	for (size_t i = 0; i < c->nf && rc == SQLITE_OK; i++)
		if (c->f[i].state == F_MISSING && c->f[i].id)
			rc = delete_id(c->db, st, c->f[i].id);
	sqlite3_finalize(st);
	return rc;
}

/* Deletes the entries of the gone TUs, the rows of missing files and then
 * the orphaned file rows, in one transaction. */
static int delete_gone(struct cx_cache *c, const struct cx_strv *gone)
{
	int rc = exec(c->db, "BEGIN IMMEDIATE");
	if (rc == SQLITE_OK)
		rc = delete_tus(c, gone);
	if (rc == SQLITE_OK)
		rc = delete_missing_files(c);
	if (rc == SQLITE_OK && gone->n)
		rc = drop_orphans(c);
	return end_tx(c->db, rc);
}

int cx_cache_prune(struct cx_cache *c, char *const *keep, size_t nkeep)
{
	cx_cache_read_end(c);
	if (c->broken || c->nowrite)
		return 0;
	struct cx_strv gone = {0};
	int rc = find_gone(c, keep, nkeep, &gone);
	if (rc == SQLITE_OK && (gone.n || any_file_gone(c)))
		rc = delete_gone(c, &gone);
	cx_strv_release(&gone);
	if (rc == SQLITE_NOMEM && !damaged(rc))
		return CX_ENOMEM;
	if (rc != SQLITE_OK)
		db_fail(c, rc, "prune");
	return 0;
}

/* ---- memos ---- */

int cx_cache_memo_get(struct cx_cache *c, const struct cx_digest *key, void **blob,
                      size_t *len)
{
	sqlite3_stmt *st;
	*blob = NULL;
	*len = 0;
	if (c->broken || sqlite3_prepare_v2(c->db, "SELECT value FROM memo WHERE key = ?1",
	                                    -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_blob(st, 1, key->b, sizeof key->b, SQLITE_STATIC);
	int rc = sqlite3_step(st), hit = 0;
	if (rc == SQLITE_ROW) {
		hit = copy_blob(st, blob, len) == 0;
	} else if (rc != SQLITE_DONE) {
		db_fail(c, rc, "read");
	}
	sqlite3_finalize(st);
	return hit;
}

int cx_cache_memo_put(struct cx_cache *c, const struct cx_digest *key, const void *blob,
                      size_t len)
{
	sqlite3_stmt *st = NULL;
	cx_cache_read_end(c);
	if (c->broken || c->nowrite)
		return 0;
	int rc = exec(c->db, "BEGIN IMMEDIATE");
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO memo(key, value) "
		                               "VALUES (?1, ?2)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(st, 1, key->b, sizeof key->b, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, len ? blob : "", (int)len, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK) /* the latest ones */
		rc = exec(c->db, "DELETE FROM memo WHERE id <= (SELECT max(id) - " MEMO_KEEP_STR
		                 " FROM memo)");
	rc = end_tx(c->db, rc);
	if (rc != SQLITE_OK)
		db_fail(c, rc, "write");
	return 0;
}

char *cx_cache_meta_get(struct cx_cache *c, const char *key)
{
	sqlite3_stmt *st;
	char *v = NULL;
	if (c->broken || sqlite3_prepare_v2(c->db, "SELECT v FROM meta WHERE k = ?1", -1, &st,
	                                    NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = cx_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

int cx_cache_meta_set(struct cx_cache *c, const char *key, const char *value)
{
	sqlite3_stmt *st;
	cx_cache_read_end(c);
	if (c->broken || c->nowrite)
		return 0;
	int rc = sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO meta(k, v) VALUES (?1, ?2)",
	                            -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->db);
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_OK)
		db_fail(c, rc, "write");
	return 0;
}

int cx_cache_stats(struct cx_cache *c, struct cx_cache_stats *out)
{
	int64_t pages = 0, psize = 0;
	memset(out, 0, sizeof *out);
	int rc = pragma_int(c->db, "SELECT count(*) FROM tus", &out->tus);
	if (rc == SQLITE_OK)
		rc = pragma_int(c->db, "SELECT count(*) FROM files", &out->files);
	if (rc == SQLITE_OK)
		rc = pragma_int(c->db, "SELECT coalesce(sum(length(result)), 0) FROM tus",
		                &out->result_bytes);
	if (rc == SQLITE_OK)
		rc = pragma_int(c->db, "PRAGMA page_count", &pages);
	if (rc == SQLITE_OK)
		rc = pragma_int(c->db, "PRAGMA page_size", &psize);
	out->bytes = pages * psize;
	out->reads = c->reads;
	out->stats = c->stats;
	if (rc != SQLITE_OK)
		return db_fail(c, rc, "read"), CX_EIO;
	return 0;
}

void cx_cache_io(const struct cx_cache *c, uint64_t *reads, uint64_t *stats)
{
	*reads = c->reads;
	*stats = c->stats;
}

int cx_cache_clear(struct cx_cache *c)
{
	cx_cache_read_end(c);
	int rc = exec(c->db, "BEGIN IMMEDIATE; DELETE FROM tus; DELETE FROM files; "
	                     "DELETE FROM meta; DELETE FROM memo; COMMIT");
	if (rc == SQLITE_OK)
		rc = exec(c->db, "VACUUM");
	for (size_t i = 0; i < c->nf; i++) {
		c->f[i].id = 0;
		c->f[i].dirty = c->f[i].state == F_PRESENT; /* rows to write again */
	}
	c->nloaded = 0;
	if (rc != SQLITE_OK)
		return db_fail(c, rc, "clear"), CX_EIO;
	return 0;
}
