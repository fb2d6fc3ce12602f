/* The result cache (scanner/cache.c) and the binary codec of cached
 * results (scanner/codec.c). No SQLite type appears here. */
#ifndef CX_CACHE_H
#define CX_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cx_err.h"
#include "cx_model.h"
#include "cx_util.h"

/* ---- codec ---- */

/* Little-endian base-128 varint into a buffer (struct cx_buf: cx_util.h). */
void cx_buf_put_varint(struct cx_buf *b, uint64_t v);
/* Reads a varint at p (not past end): the bytes it takes, or 0 when it is
 * truncated or longer than 64 bits. */
size_t cx_varint_get(const uint8_t *p, const uint8_t *end, uint64_t *v);

/* Header functions a TU defines but did not measure because another TU
 * reports them, grouped by file: key = line << 32 | column. */
struct cx_skip_group {
	char *path;
	uint64_t *keys;
	size_t n, cap;
};
struct cx_skips {
	struct cx_skip_group *v;
	size_t n, cap;
};
void cx_skips_release(struct cx_skips *s);
/* Adds a key (to the last group when the path is the same). 0 or CX_ENOMEM. */
int cx_skips_add(struct cx_skips *s, const char *path, uint32_t line, uint32_t column)
	CX_MUST_CHECK;

/* Sorts each group's keys and drops repeats (what the encoder expects). */
void cx_skips_normalize(struct cx_skips *s);

/* Appends files (and skips, may be NULL) to b. Returns 0 or CX_ENOMEM. */
int cx_codec_encode(struct cx_buf *b, const struct cx_file *files, size_t nfiles,
                    const struct cx_skips *skips) CX_MUST_CHECK;
/* Decodes what cx_codec_encode wrote. Any malformed input (truncated,
 * counts beyond the data, trailing bytes) gives CX_EINVAL and nothing to
 * release; CX_ENOMEM on allocation failure. skips may be NULL. */
int cx_codec_decode(const void *data, size_t len, struct cx_file **files, size_t *nfiles,
                    struct cx_skips *skips) CX_MUST_CHECK;

/* The TUs a compile database gave a scan (struct cx_source, cx_scanner.h):
 * appended to b / to out. Decoding is as strict as cx_codec_decode; on an
 * error nothing is appended. */
struct cx_source;
struct cx_sources;
int cx_sources_encode(struct cx_buf *b, const struct cx_source *v, size_t n);
int cx_sources_decode(const void *data, size_t len, struct cx_sources *out) CX_MUST_CHECK;

/* ---- the cache ---- */

struct cx_cache;

/* 128-bit XXH3 digests. */
struct cx_digest {
	uint8_t b[16];
};

/* Opens (creating it and its directory) the cache at path. A file that is
 * not a cxscan cache of this schema, or is corrupt, is renamed to
 * path.corrupt-<time> with a one-line warning on stderr and a new cache is
 * created. Errors (the directory cannot be created...) name the path. */
int cx_cache_open(const char *path, bool quiet, struct cx_cache **out, struct cx_ctx *ctx)
	CX_MUST_CHECK;
/* Commits what is pending and closes. NULL is a no-op. */
void cx_cache_close(struct cx_cache *c);

/* Digest of a file's bytes, from the recorded (size, mtime_ns, inode) when
 * the stat is unchanged (the file is then not read), else by reading it.
 * Memoized for the life of the cache object. *present is false when the
 * file cannot be stat'ed or read (cx_cache_stats counts reads and stats). */
int cx_cache_file_digest(struct cx_cache *c, const char *path, struct cx_digest *d,
                         bool *present) CX_MUST_CHECK;

/* For the rest of this object's life, path's digest is d (its file is
 * not stat'ed or read): the scan parses other text in place of the file
 * (--staged). Entries stored meanwhile record d; the file's row keeps what
 * is on disk. Call before any lookup. 0 or CX_ENOMEM. */
int cx_cache_overlay(struct cx_cache *c, const char *path, const struct cx_digest *d)
	CX_MUST_CHECK;
/* Whether path has a text in place of its file (cx_cache_overlay). */
bool cx_cache_overlaid(const struct cx_cache *c, const char *path);

/* Many lookups in a row read one snapshot in one read transaction (one
 * lock and one look at the log instead of one a statement). Any write of
 * the cache, and cx_cache_close, ends it. */
void cx_cache_read_begin(struct cx_cache *c);
void cx_cache_read_end(struct cx_cache *c);

/* Looks up the entry of a TU. Returns 1 on a hit (every dependency still
 * has its recorded digest) with *id set for cx_cache_load, 0 on a miss, or
 * a negative cx_err. */
int cx_cache_lookup(struct cx_cache *c, const char *tu, const struct cx_digest *config,
                    const struct cx_digest *content, int64_t *id) CX_MUST_CHECK;
/* Reads the result blob of a hit (the caller frees *blob). */
int cx_cache_load(struct cx_cache *c, int64_t id, void **blob, size_t *len) CX_MUST_CHECK;
/* A TU's entry to store: its result blob, keyed by the TU's path, its
 * configuration and content digests, and its dependencies (real paths). */
struct cx_cache_entry {
	const char *tu;
	struct cx_digest config, content;
	char *const *deps;
	size_t ndeps;
	int64_t since_ns; /* when the parse started */
	const void *blob;
	size_t len;
};
/* Stores (replaces) a TU's entry. A dependency modified after (or just
 * before: 10 ms, 2 s on whole-second file systems) e->since_ns is recorded
 * as unknown, so the entry misses next time (the parse may have seen other
 * bytes). When the batch is written, *id (id may be NULL) gets the entry's
 * id, the one a lookup of it returns; it stays 0 if the entry is not
 * written. */
int cx_cache_store(struct cx_cache *c, const struct cx_cache_entry *e, int64_t *id)
	CX_MUST_CHECK;
/* Batched transactions: stores go into the open batch, committed when it
 * is large or old enough, and at close. */
int cx_cache_flush(struct cx_cache *c) CX_MUST_CHECK;
/* Deletes the entries of TUs that are not in `keep` (sorted) and no longer
 * exist, and the rows of files this object found missing. */
int cx_cache_prune(struct cx_cache *c, char *const *keep, size_t nkeep) CX_MUST_CHECK;

/* Memos: a blob of a configuration `key` that a later run may reuse (the
 * TU list a compile database gave a scan, the merged result of a scan).
 * get returns 1 and a copy the caller frees, or 0; put replaces it, keeps
 * the 32 latest keys, and writes at once, not in a batch. */
int cx_cache_memo_get(struct cx_cache *c, const struct cx_digest *key, void **blob,
                      size_t *len);
int cx_cache_memo_put(struct cx_cache *c, const struct cx_digest *key, const void *blob,
                      size_t len);
/* How long after its mtime a file's bytes may still change unseen: a
 * stat-based key is trusted only for files older than this. */
int64_t cx_cache_racy_ns(int64_t mtime_ns);

/* Small key/value store for the cache's own facts (libclang version). */
char *cx_cache_meta_get(struct cx_cache *c, const char *key);
int cx_cache_meta_set(struct cx_cache *c, const char *key, const char *value) CX_MUST_CHECK;

struct cx_cache_stats {
	int64_t tus, files, bytes, result_bytes;
	uint64_t reads, stats; /* files read / stat'ed by this object */
};
int cx_cache_stats(struct cx_cache *c, struct cx_cache_stats *st) CX_MUST_CHECK;
/* Files read and stat'ed by this object so far. */
void cx_cache_io(const struct cx_cache *c, uint64_t *reads, uint64_t *stats);
/* Deletes every entry. */
int cx_cache_clear(struct cx_cache *c) CX_MUST_CHECK;

/* XXH3-128 of a buffer, and a streaming form for keys. */
void cx_digest_buf(const void *p, size_t n, struct cx_digest *d);
struct cx_digest_state;
struct cx_digest_state *cx_digest_begin(void);
void cx_digest_add(struct cx_digest_state *s, const void *p, size_t n);
/* Adds a NUL-terminated string including its NUL. */
void cx_digest_add_str(struct cx_digest_state *s, const char *str);
/* Finishes and frees s. */
void cx_digest_end(struct cx_digest_state *s, struct cx_digest *d);

#endif
