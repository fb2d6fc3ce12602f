/* scan.c: the scan driver. Discovers the sources, looks each TU up in the
 * cache, analyses the misses on a pool of worker threads (each with its own
 * analyzer and a stack big enough for deeply nested input), and merges the
 * results in path order on the calling thread, which is also the only
 * writer to the cache.
 *
 * A header function is reported once, through the first TU in path order
 * that defines it (never through a header that is itself a TU). Workers
 * skip header functions that a TU earlier in path order already measured
 * ("claims"), and a TU's entry records what it skipped. When a cached TU
 * skipped a function that no earlier TU of this run reports (the scan set
 * changed), it is analysed again. So the output is the same for any -j and
 * whatever was cached. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "cx_analyzer.h"
#include "cx_cache.h"
#include "cx_limits.h"
#include "cx_scanner.h"
#include "cx_store.h"
#include "cx_util.h"
#include "internal.h"

/* Bump when the analyzer's results change for the same input (cache keys
 * also cover the analyzer module's and libclang's file identity). */
#define ANALYSIS_VERSION "cxscan-analysis-2"

/* ---- claims: header function key -> first TU index that measured it ---- */

struct claims {
	pthread_mutex_t m;
	uint64_t *key; /* 0 = empty */
	size_t *val;
	size_t cap, n;
	int err;
};

/* A function's claim key: its path hashed once (a TU's skip list holds
 * thousands of functions of a few headers), then mixed with its position. */
static uint64_t path_hash(const char *path)
{
	return XXH3_64bits(path, strlen(path));
}

static uint64_t fn_key_h(uint64_t path_h, uint32_t line, uint32_t column)
{
	uint8_t pos[8];
	for (int b = 0; b < 4; b++) {
		pos[b] = (uint8_t)(line >> (8 * b));
		pos[4 + b] = (uint8_t)(column >> (8 * b));
	}
	uint64_t k = XXH3_64bits_withSeed(pos, sizeof pos, path_h);
	return k ? k : 1;
}

static uint64_t fn_key(const char *path, uint32_t line, uint32_t column)
{
	return fn_key_h(path_hash(path), line, column);
}

/* The slot of k in a table of cap keys (a power of 2): k's own, or the
 * empty one where it goes. */
static size_t probe(const uint64_t *key, size_t cap, uint64_t k)
{
	size_t j = k & (cap - 1);
	while (key[j] && key[j] != k)
		j = (j + 1) & (cap - 1);
	return j;
}

/* Doubles the table (4096 slots at first). */
static int claims_grow(struct claims *c)
{
	size_t nc = c->cap ? c->cap * 2 : 4096;
	uint64_t *nk = calloc(nc, sizeof *nk);
	size_t *nv = calloc(nc, sizeof *nv);
	if (!nk || !nv) {
		free(nk);
		free(nv);
		c->err = CX_ENOMEM;
		return CX_ENOMEM;
	}
	for (size_t i = 0; i < c->cap; i++) {
		if (!c->key[i])
			continue;
		size_t j = probe(nk, nc, c->key[i]);
		nk[j] = c->key[i];
		nv[j] = c->val[i];
	}
	free(c->key);
	free(c->val);
	c->key = nk;
	c->val = nv;
	c->cap = nc;
	return 0;
}

static size_t *claims_slot(struct claims *c, uint64_t k, bool insert)
{
	if (insert && (c->n + 1) * 2 > c->cap && claims_grow(c))
		return NULL;
	if (!c->cap)
		return NULL;
	size_t j = probe(c->key, c->cap, k);
	if (!c->key[j]) {
		if (!insert)
			return NULL;
		c->key[j] = k;
		c->val[j] = SIZE_MAX;
		c->n++;
	}
	return &c->val[j];
}

/* The first TU index that measured k, or SIZE_MAX. Called locked. */
static size_t claims_get(struct claims *c, uint64_t k)
{
	size_t *v = claims_slot(c, k, false);
	return v ? *v : SIZE_MAX;
}

/* Records that TU `index` measured k; returns the first index that did. */
static size_t claims_put(struct claims *c, uint64_t k, size_t index)
{
	size_t *v = claims_slot(c, k, true);
	if (!v)
		return index;
	if (index < *v)
		*v = index;
	return *v;
}

/* ---- the scan ---- */

struct tu {
	struct cx_digest content, config; /* cache key parts (with a cache) */
	bool hit;
	bool decoded;   /* a hit's blob is loaded and decoded (decode_rc) */
	int decode_rc;
	int64_t cache_id;
	int64_t parse_start_ns;
	struct cx_tu_out out;
	struct cx_skips skips;
	struct cx_ctx ctx;
	int rc;
};

struct scan {
	const struct cx_scan_opts *opts;
	struct cx_sources srcs;
	struct tu *tu;
	struct claims claims;
	const struct cx_analyzer_api *api;
	struct cx_cache *cache;
	char *identity;
	struct cx_result *res;
	size_t parsed_cap;
	struct cx_pool *pool;
	struct cx_ctx *ctx;
	/* test hook: $CXSCAN_TEST_KILL_AFTER=N sends SIGKILL to the process
	 * after its N-th cache store (a killed run, reproducibly) */
	size_t kill_after, stores;
};

/* srcs.v is sorted by path */
static bool is_tu(const struct cx_sources *srcs, const char *path)
{
	size_t lo = 0, hi = srcs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(srcs->v[mid].path, path);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

struct filter_arg {
	struct scan *s;
	size_t index;
	struct cx_skips *skips;
	int err;
};

static bool header_filter(void *arg, const char *path, uint32_t line, uint32_t column)
{
	struct filter_arg *fa = arg;
	struct scan *s = fa->s;
	bool measure = !is_tu(&s->srcs, path);
	if (measure) {
		uint64_t k = fn_key(path, line, column);
		pthread_mutex_lock(&s->claims.m);
		measure = claims_put(&s->claims, k, fa->index) == fa->index;
		pthread_mutex_unlock(&s->claims.m);
	}
	if (!measure && cx_skips_add(fa->skips, path, line, column))
		fa->err = CX_ENOMEM;
	return measure;
}

static struct cx_tu_job job_of(const struct scan *s, size_t i)
{
	const struct cx_source *src = &s->srcs.v[i];
	return (struct cx_tu_job){
		.path = src->path, .directory = src->directory,
		.args = (const char *const *)src->args, .nargs = src->nargs,
		.root = s->res->root, .macros = s->opts->macros,
		.unsaved = s->opts->unsaved, .nunsaved = s->opts->nunsaved,
	};
}

static void *worker_init(void *arg)
{
	struct scan *s = arg;
	return s->api->create();
}

static void worker_fini(void *arg, void *state)
{
	struct scan *s = arg;
	s->api->destroy(state);
}

static void worker_run(void *arg, void *state, size_t i)
{
	struct scan *s = arg;
	struct tu *t = &s->tu[i];
	struct cx_tu_job job = job_of(s, i);
	cx_tu_out_release(&t->out);
	cx_skips_release(&t->skips);
	struct filter_arg fa = {.s = s, .index = i, .skips = &t->skips};
	t->parse_start_ns = cx_wall_ns();
	if (s->opts->parse_only) {
		t->rc = s->api->parse_only(state, &job, &t->out.parse_s);
		return;
	}
	t->rc = s->api->run(state, &job, header_filter, &fa, &t->out, &t->ctx);
	if (t->rc == 0 && fa.err)
		t->rc = cx_error(&t->ctx, fa.err, "out of memory");
	if (t->rc == 0 && s->claims.err)
		t->rc = cx_error(&t->ctx, s->claims.err, "out of memory");
}

static int start_pool(struct scan *s)
{
	int rc = cx_analyzer_api_load(&s->api, s->ctx);
	if (rc)
		return rc;
	unsigned jobs = s->opts->jobs ? s->opts->jobs : 1;
	struct cx_pool_fns fns = {worker_init, worker_run, worker_fini, s};
	s->pool = cx_pool_start(jobs, CX_ANALYZER_STACK, 4 * (size_t)jobs + 8, s->srcs.n, &fns);
	if (!s->pool)
		return cx_error(s->ctx, CX_ENOMEM, "cannot start the analyzer threads");
	return 0;
}

/* Analyses TU i now (a cached entry that cannot be used). */
static int analyse_now(struct scan *s, size_t i)
{
	int rc = s->pool ? 0 : start_pool(s);
	if (rc)
		return rc;
	cx_pool_submit(s->pool, i, true);
	if (!cx_pool_wait(s->pool, i))
		return cx_error(s->ctx, CX_ENOMEM, "cannot create a libclang index");
	return 0;
}

/* ---- cache keys ---- */

static void config_digest(const struct scan *s, size_t i, struct cx_digest *d)
{
	const struct cx_source *src = &s->srcs.v[i];
	struct cx_digest_state *st = cx_digest_begin();
	cx_digest_add_str(st, ANALYSIS_VERSION);
	cx_digest_add_str(st, CX_VERSION);
	cx_digest_add_str(st, s->identity);
	cx_digest_add_str(st, s->opts->macros == CX_MACROS_EXPAND ? "expand" : "ignore");
	cx_digest_add_str(st, s->res->root);
	cx_digest_add_str(st, src->directory ? src->directory : "");
	for (size_t a = 0; a < src->nargs; a++)
		cx_digest_add_str(st, src->args[a]);
	cx_digest_end(st, d);
}

/* The key of an entry measured with texts in place of some of its files
 * (--staged), so that it does not replace the entry of the files on disk
 * (a plain scan and a --staged one would evict each other's entries of
 * every TU that includes a file with unstaged edits). */
static void index_config(const struct cx_digest *config, struct cx_digest *d)
{
	static const char tag[] = "index texts";
	uint8_t buf[sizeof config->b + sizeof tag];
	memcpy(buf, config->b, sizeof config->b);
	memcpy(buf + sizeof config->b, tag, sizeof tag);
	cx_digest_buf(buf, sizeof buf, d);
}

/* A TU that missed its entry may hit the one measured with texts in
 * place of files: in a --staged run, or in a plain one once the working
 * tree holds those texts (after `git add`, a commit). Every dependency's
 * digest is checked, so either is right whenever it hits. */
static int lookup_index(struct scan *s, size_t i)
{
	struct tu *t = &s->tu[i];
	struct cx_digest alt;
	index_config(&t->config, &alt);
	return cx_cache_lookup(s->cache, s->srcs.v[i].path, &alt, &t->content, &t->cache_id);
}

static int lookup_all(struct scan *s, struct cx_scan_stats *st)
{
	double t0 = cx_mono_s();
	for (size_t i = 0; i < s->srcs.n; i++) {
		bool present = false;
		int rc = cx_cache_file_digest(s->cache, s->srcs.v[i].path, &s->tu[i].content,
		                              &present);
		if (rc)
			return cx_error(s->ctx, rc, "out of memory");
		s->tu[i].hit = present; /* absent: the analyzer reports it */
		config_digest(s, i, &s->tu[i].config);
	}
	double t1 = cx_mono_s();
	cx_cache_read_begin(s->cache);
	for (size_t i = 0; i < s->srcs.n; i++) {
		if (!s->tu[i].hit)
			continue;
		struct tu *t = &s->tu[i];
		int rc = cx_cache_lookup(s->cache, s->srcs.v[i].path, &t->config, &t->content,
		                         &t->cache_id);
		if (rc == 0)
			rc = lookup_index(s, i);
		if (rc < 0)
			return cx_error(s->ctx, rc, "out of memory");
		s->tu[i].hit = rc == 1;
		if (rc != 1)
			t->cache_id = 0; /* a row that did not hit is not this run's entry */
	}
	cx_cache_read_end(s->cache);
	st->stat_hash_s = t1 - t0;
	st->lookup_s = cx_mono_s() - t1;
	return 0;
}

/* ---- merging ---- */

/* Every header function TU i skipped is reported by an earlier TU. */
static bool skips_covered(struct scan *s, size_t i, const struct cx_skips *sk)
{
	for (size_t g = 0; g < sk->n; g++) {
		const struct cx_skip_group *grp = &sk->v[g];
		if (is_tu(&s->srcs, grp->path))
			continue;
		uint64_t ph = path_hash(grp->path);
		bool covered = true;
		pthread_mutex_lock(&s->claims.m);
		for (size_t k = 0; k < grp->n && covered; k++)
			covered = claims_get(&s->claims, fn_key_h(ph, (uint32_t)(grp->keys[k] >> 32),
			                                          (uint32_t)grp->keys[k])) < i;
		pthread_mutex_unlock(&s->claims.m);
		if (!covered)
			return false;
	}
	return true;
}

/* Keeps the functions of a header file that TU i reports. */
static void keep_owned(struct scan *s, size_t i, struct cx_file *f)
{
	size_t w = 0;
	bool tu = is_tu(&s->srcs, f->path);
	uint64_t ph = tu ? 0 : path_hash(f->path);
	for (size_t k = 0; k < f->nfuncs; k++) {
		struct cx_function *fn = &f->funcs[k];
		bool keep = !tu;
		if (keep) {
			pthread_mutex_lock(&s->claims.m);
			keep = claims_put(&s->claims, fn_key_h(ph, fn->line, fn->column), i) == i;
			pthread_mutex_unlock(&s->claims.m);
		}
		if (keep)
			f->funcs[w++] = *fn;
		else
			cx_function_release(fn);
	}
	f->nfuncs = w;
}

/* Increments are kept only for --explain. */
static void drop_increments(struct cx_file *f)
{
	for (size_t k = 0; k < f->nfuncs; k++) {
		free(f->funcs[k].incs);
		f->funcs[k].incs = NULL;
		f->funcs[k].nincs = 0;
	}
}

static int add_file(struct scan *s, struct cx_file *f, enum cx_file_status tu_status,
                    const char *tu_path)
{
	struct cx_result *res = s->res;
	char *rel = cx_path_relative(res->root, f->path);
	if (!rel)
		return CX_ENOMEM;
	free(f->path);
	f->path = rel;
	/* a header measured through a degraded TU may be off as well */
	if (tu_path && tu_status != CX_FILE_OK && f->status == CX_FILE_OK) {
		f->status = CX_FILE_DEGRADED;
		char *msg = cx_asprintf("measured through '%s', which has errors", tu_path);
		int rc = msg ? cx_file_add_diag(f, msg) : CX_ENOMEM;
		free(msg);
		if (rc)
			return rc;
	}
	if (!s->opts->keep_increments)
		drop_increments(f);
	/* kept encoded; several TUs' pieces of a header are folded when read */
	int rc = cx_store_add(res, f);
	cx_file_release(f);
	return rc;
}

/* Moves TU i's main file and the header functions it reports into the
 * result. Returns 0 or CX_ENOMEM. */
static int merge(struct scan *s, size_t i, struct cx_file *files, size_t n)
{
	if (n == 0)
		return 0;
	enum cx_file_status st = files[0].status;
	char *tu_path = cx_path_relative(s->res->root, files[0].path);
	int rc = tu_path ? add_file(s, &files[0], CX_FILE_OK, NULL) : CX_ENOMEM;
	for (size_t k = 1; k < n && rc == 0; k++) {
		keep_owned(s, i, &files[k]);
		if (files[k].nfuncs)
			rc = add_file(s, &files[k], st, tu_path);
	}
	free(tu_path);
	return rc ? rc : s->claims.err;
}

/* ---- storing ---- */

/* Whether TU i read a text in place of a file: itself or an include. */
static bool read_texts(struct scan *s, size_t i)
{
	const struct tu *t = &s->tu[i];
	if (!s->opts->nunsaved)
		return false;
	if (cx_cache_overlaid(s->cache, s->srcs.v[i].path) ||
	    (t->out.nfiles && cx_cache_overlaid(s->cache, t->out.files[0].path)))
		return true;
	for (size_t k = 0; k < t->out.ndeps; k++)
		if (cx_cache_overlaid(s->cache, t->out.deps[k]))
			return true;
	return false;
}

static int store(struct scan *s, size_t i, struct cx_scan_stats *stt)
{
	struct tu *t = &s->tu[i];
	double t0 = cx_mono_s();
	struct cx_buf b = {0};
	cx_skips_normalize(&t->skips);
	int rc = cx_codec_encode(&b, t->out.files, t->out.nfiles, &t->skips);
	struct cx_cache_entry e = {
		.tu = s->srcs.v[i].path, .config = t->config, .content = t->content,
		.deps = t->out.deps, .ndeps = t->out.ndeps, .since_ns = t->parse_start_ns,
		.blob = b.p, .len = b.n,
	};
	if (read_texts(s, i))
		index_config(&t->config, &e.config);
	if (rc == 0)
		rc = cx_cache_store(s->cache, &e, &t->cache_id);
	cx_buf_release(&b);
	stt->store_s += cx_mono_s() - t0;
	if (++s->stores == s->kill_after)
		raise(SIGKILL);
	return rc ? cx_error(s->ctx, rc, "out of memory") : 0;
}

/* ---- progress ---- */

struct progress {
	bool on;
	double start, last;
};

static void progress_show(struct progress *p, size_t done, size_t total, bool final)
{
	if (!p->on)
		return;
	double t = cx_mono_s();
	if (!final && t - p->last < 0.1)
		return;
	p->last = t;
	if (final) {
		fputs("\r\033[K", stderr);
		return;
	}
	double rate = t > p->start ? (double)done / (t - p->start) : 0;
	int width = 30, fill = total ? (int)((double)width * (double)done / (double)total) : width;
	long eta = rate > 0 ? (long)((double)(total - done) / rate) : 0;
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu TUs  %.1f files/s  ETA %ld:%02ld\033[K", fill,
	        "==============================", width - fill, "", done, total, rate, eta / 60,
	        eta % 60);
}

/* ---- the consumer ---- */

/* Loads and decodes the cached result of hit i (t->decode_rc tells how
 * that went). Only CX_ENOMEM is returned. */
static int decode_hit(struct scan *s, size_t i)
{
	struct tu *t = &s->tu[i];
	void *blob = NULL;
	size_t len = 0;
	int rc = cx_cache_load(s->cache, t->cache_id, &blob, &len);
	if (rc == 0)
		rc = cx_codec_decode(blob, len, &t->out.files, &t->out.nfiles, &t->skips);
	free(blob);
	t->decoded = true;
	t->decode_rc = rc;
	return rc == CX_ENOMEM ? rc : 0;
}

/* Takes hit i's cached result when it can be used (*used), else has TU i
 * analysed now. */
static int take_hit(struct scan *s, size_t i, bool *used)
{
	struct tu *t = &s->tu[i];
	if (!t->decoded && decode_hit(s, i) != 0)
		return cx_error(s->ctx, CX_ENOMEM, "out of memory");
	int rc = t->decode_rc;
	if (rc == CX_ENOMEM)
		return cx_error(s->ctx, rc, "out of memory");
	*used = rc == 0 && t->out.nfiles > 0 && skips_covered(s, i, &t->skips);
	if (*used)
		return 0;
	/* unreadable, or it relied on a TU this run does not report through */
	cx_tu_out_release(&t->out);
	cx_skips_release(&t->skips);
	t->hit = false;
	return analyse_now(s, i);
}

static int wait_analysis(struct scan *s, size_t i)
{
	if (!cx_pool_wait(s->pool, i))
		return cx_error(s->ctx, CX_ENOMEM, "cannot create a libclang index");
	return 0;
}

/* Counts TU i's analysis, lists it as parsed and stores it in the cache. */
static int take_analysis(struct scan *s, size_t i, struct cx_scan_stats *st)
{
	struct tu *t = &s->tu[i];
	if (t->rc)
		return cx_error(s->ctx, t->rc, "%s", t->ctx.msg);
	st->misses++;
	st->parsed++;
	st->parse_s += t->out.parse_s;
	st->analysis_s += t->out.analyze_s;
	char *rel = cx_path_relative(s->res->root, s->srcs.v[i].path);
	if (!rel || cx_grow(&st->parsed_files, &s->parsed_cap, st->nparsed_files + 1,
	                    sizeof *st->parsed_files)) {
		free(rel);
		return cx_error(s->ctx, CX_ENOMEM, "out of memory");
	}
	st->parsed_files[st->nparsed_files++] = rel;
	return s->cache ? store(s, i, st) : 0;
}

static int take_result(struct scan *s, size_t i, struct cx_scan_stats *st)
{
	bool used = false;
	int rc = s->tu[i].hit ? take_hit(s, i, &used) : wait_analysis(s, i);
	if (rc)
		return rc;
	if (used) {
		st->hits++;
		return 0;
	}
	return take_analysis(s, i, st);
}

/* While TU i is parsed, decodes the cached results after it, so that only
 * their merging is left once it is done (an edit of one .c otherwise
 * decodes every later TU after its parse). */
static int decode_ahead(struct scan *s, size_t i)
{
	if (s->tu[i].hit || !s->pool)
		return 0;
	for (size_t j = i + 1; j < s->srcs.n && !cx_pool_finished(s->pool, i); j++)
		if (s->tu[j].hit && !s->tu[j].decoded && decode_hit(s, j) != 0)
			return cx_error(s->ctx, CX_ENOMEM, "out of memory");
	return 0;
}

static int consume(struct scan *s, struct cx_scan_stats *st)
{
	struct progress pg = {.on = s->opts->progress, .start = cx_mono_s()};
	int rc = 0;
	for (size_t i = 0; i < s->srcs.n && rc == 0; i++) {
		struct tu *t = &s->tu[i];
		rc = decode_ahead(s, i);
		if (rc == 0)
			rc = take_result(s, i, st);
		double t0 = cx_mono_s();
		if (rc == 0 && merge(s, i, t->out.files, t->out.nfiles) != 0)
			rc = cx_error(s->ctx, CX_ENOMEM, "out of memory");
		st->merge_s += cx_mono_s() - t0;
		cx_tu_out_release(&t->out);
		cx_skips_release(&t->skips);
		if (s->pool)
			cx_pool_release(s->pool, i + 1);
		progress_show(&pg, i + 1, s->srcs.n, false);
	}
	progress_show(&pg, s->srcs.n, s->srcs.n, true);
	return rc;
}

/* ---- the scan memo ----
 *
 * The merged, sorted result of a whole scan, kept in the cache with the
 * ids of the TU entries it was merged from. When every TU of a later run
 * hits the very same entries, the merged result is that memo: no per-TU
 * blob, skip list or claim is read (on mm/, a third of a warm re-scan).
 * Merging depends on the entries, their order and this program, so the
 * key holds the TUs (path and configuration), the options that shape the
 * result, and the identity of this executable. */

static const char memo_magic[4] = {'C', 'X', 'S', '2'};

static int scan_memo_key(const struct scan *s, struct cx_digest *key)
{
	struct cx_digest_state *d = cx_digest_begin();
	if (!d)
		return CX_ENOMEM;
	struct stat st;
	int64_t self[3] = {0, 0, 0};
	if (stat("/proc/self/exe", &st) == 0) {
		self[0] = (int64_t)st.st_size;
		self[1] = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
		self[2] = (int64_t)st.st_ino;
	}
	cx_digest_add_str(d, "cxscan scan memo 1");
	cx_digest_add(d, self, sizeof self);
	uint8_t flags[2] = {(uint8_t)s->opts->macros, s->opts->keep_increments};
	cx_digest_add(d, flags, sizeof flags);
	cx_digest_add_str(d, s->res->root);
	uint64_t n = s->srcs.n;
	cx_digest_add(d, &n, sizeof n);
	for (size_t i = 0; i < s->srcs.n; i++) {
		cx_digest_add_str(d, s->srcs.v[i].path);
		cx_digest_add(d, s->tu[i].config.b, sizeof s->tu[i].config.b);
	}
	cx_digest_end(d, key);
	return 0;
}

/* Whether the memo at *p (up to end) was merged from the very entries
 * every TU hit; *p is then where its result starts. */
static bool memo_entries_match(const struct scan *s, const uint8_t **p, const uint8_t *end)
{
	if ((size_t)(end - *p) < sizeof memo_magic || memcmp(*p, memo_magic, sizeof memo_magic))
		return false;
	const uint8_t *q = *p + sizeof memo_magic;
	uint64_t n = 0, id;
	size_t k = cx_varint_get(q, end, &n);
	if (!k || n != s->srcs.n)
		return false;
	q += k;
	for (size_t i = 0; i < s->srcs.n; i++) {
		k = cx_varint_get(q, end, &id);
		if (!k || (int64_t)id != s->tu[i].cache_id)
			return false;
		q += k;
	}
	*p = q;
	return true;
}

/* 1 when the memo of this scan holds for the entries every TU hit (the
 * result is then in s->res), 0 when not, or CX_ENOMEM. */
static int scan_memo_get(struct scan *s, const struct cx_digest *key)
{
	void *blob = NULL;
	size_t len = 0;
	if (!cx_cache_memo_get(s->cache, key, &blob, &len))
		return 0;
	const uint8_t *p = blob, *end = p + len;
	/* a memo of other entries, or a damaged one, is a miss */
	int rc = memo_entries_match(s, &p, end) ? cx_store_decode(s->res, p, (size_t)(end - p))
	                                        : CX_EINVAL;
	free(blob);
	if (rc == CX_ENOMEM)
		return rc;
	return rc == 0;
}

/* Records this scan's merged result (after a scan that did not use it). */
static int scan_memo_put(struct scan *s, const struct cx_digest *key)
{
	struct cx_buf b = {0};
	cx_buf_put(&b, memo_magic, sizeof memo_magic);
	cx_buf_put_varint(&b, s->srcs.n);
	for (size_t i = 0; i < s->srcs.n; i++) {
		/* the entry this run hit, or the one it wrote (not one another
		 * process may have written since) */
		if (s->tu[i].cache_id <= 0) {
			cx_buf_release(&b);
			return 0;
		}
		cx_buf_put_varint(&b, (uint64_t)s->tu[i].cache_id);
	}
	int rc = cx_store_encode(s->res, &b);
	if (rc == 0 && !b.err)
		rc = cx_cache_memo_put(s->cache, key, b.p, b.n);
	rc = rc ? rc : b.err;
	cx_buf_release(&b);
	return rc;
}

/* ---- the whole run ---- */

/* --parse-only: every TU parsed on the pool, nothing else. */
static int parse_all(struct scan *s, struct cx_scan_stats *st)
{
	int rc = start_pool(s);
	for (size_t i = 0; i < s->srcs.n && rc == 0; i++)
		cx_pool_submit(s->pool, i, false);
	for (size_t i = 0; i < s->srcs.n && rc == 0; i++) {
		if (!cx_pool_wait(s->pool, i))
			return cx_error(s->ctx, CX_ENOMEM, "cannot create a libclang index");
		st->parsed++;
		st->parse_errors += s->tu[i].rc != 1;
		st->parse_s += s->tu[i].out.parse_s;
		cx_pool_release(s->pool, i + 1);
	}
	return rc;
}

/* The libclang version of the analyzer (loaded if it is not yet), also
 * recorded in the cache under key. */
static int clang_version_of_analyzer(struct scan *s, const char *key, char **v)
{
	int rc = s->api ? 0 : cx_analyzer_api_load(&s->api, s->ctx);
	if (rc)
		return rc;
	*v = s->api->clang_version();
	if (*v && s->cache)
		rc = cx_cache_meta_set(s->cache, key, *v);
	return rc;
}

/* The libclang version for the report: from the loaded analyzer, else as
 * recorded in the cache for this analyzer identity, else load it. */
static int clang_version(struct scan *s)
{
	char *key = cx_asprintf("libclang-version:%s", s->identity);
	if (!key)
		return cx_error(s->ctx, CX_ENOMEM, "out of memory");
	char *v = !s->api && s->cache ? cx_cache_meta_get(s->cache, key) : NULL;
	int rc = v ? 0 : clang_version_of_analyzer(s, key, &v);
	free(key);
	s->res->clang_version = v;
	if (rc)
		return rc;
	return v ? 0 : cx_error(s->ctx, CX_ENOMEM, "out of memory");
}

/* The cache sees each text in place of its file (by its digest). */
static int overlay_cache(struct scan *s)
{
	for (size_t i = 0; i < s->opts->nunsaved; i++) {
		const struct cx_unsaved *u = &s->opts->unsaved[i];
		struct cx_digest d;
		cx_digest_buf(u->data, u->len, &d);
		int rc = cx_cache_overlay(s->cache, u->path, &d);
		if (rc)
			return cx_error(s->ctx, rc, "out of memory");
	}
	return 0;
}

static int open_cache(struct scan *s)
{
	if (!s->opts->cache_path)
		return 0;
	struct cx_ctx cctx = {0};
	if (cx_cache_open(s->opts->cache_path, s->opts->quiet, &s->cache, &cctx) == 0)
		return overlay_cache(s);
	/* a scan never fails because of its cache */
	if (!s->opts->quiet)
		fprintf(stderr, "cxscan: warning: %s; scanning without a cache\n", cctx.msg);
	return 0;
}

/* The result from the scan memo (*memo), when it holds. */
static int measure_from_memo(struct scan *s, struct cx_scan_stats *st,
                             const struct cx_digest *memo_key, bool *memo)
{
	double t0 = cx_mono_s();
	int rc = scan_memo_get(s, memo_key);
	if (rc < 0)
		return cx_error(s->ctx, rc, "out of memory");
	st->merge_s += cx_mono_s() - t0;
	*memo = st->memo = rc == 1;
	if (*memo)
		st->hits = s->srcs.n;
	return 0;
}

/* Every TU's result (the misses analysed on the pool) merged in path
 * order. */
static int measure_each(struct scan *s, struct cx_scan_stats *st, size_t misses)
{
	int rc = misses ? start_pool(s) : 0;
	if (rc)
		return rc;
	for (size_t i = 0; i < s->srcs.n; i++)
		if (!s->tu[i].hit)
			cx_pool_submit(s->pool, i, false);
	if ((rc = consume(s, st)) != 0)
		return rc;
	return (rc = cx_store_finish(s->res)) ? cx_error(s->ctx, rc, "out of memory") : 0;
}

/* The merged result: the scan memo when every TU hits the entries it was
 * made of (*memo), else every TU's result merged. */
static int measure(struct scan *s, struct cx_scan_stats *st, const struct cx_digest *memo_key,
                   bool *memo)
{
	size_t misses = 0;
	for (size_t i = 0; i < s->srcs.n; i++)
		misses += !s->tu[i].hit;
	if (memo_key && misses == 0) {
		int rc = measure_from_memo(s, st, memo_key, memo);
		if (rc || *memo)
			return rc;
	}
	return measure_each(s, st, misses);
}

/* Prunes and commits the cache, and records the scan memo of a result
 * that did not come from it. */
static int save(struct scan *s, struct cx_scan_stats *st, const struct cx_digest *memo_key,
                bool memo)
{
	double t0 = cx_mono_s();
	char **keep = malloc((s->srcs.n + 1) * sizeof *keep);
	if (!keep)
		return cx_error(s->ctx, CX_ENOMEM, "out of memory");
	for (size_t i = 0; i < s->srcs.n; i++)
		keep[i] = s->srcs.v[i].path;
	int rc = cx_cache_prune(s->cache, keep, s->srcs.n);
	free(keep);
	if (rc == 0)
		rc = cx_cache_flush(s->cache);
	if (rc == 0 && memo_key && !memo)
		rc = scan_memo_put(s, memo_key);
	st->store_s += cx_mono_s() - t0;
	cx_cache_io(s->cache, &st->files_read, &st->files_stated);
	return rc ? cx_error(s->ctx, rc, "out of memory") : 0;
}

/* Opens the cache (unless --parse-only), finds the sources and makes
 * their struct tu. */
static int prepare(struct scan *s, struct cx_scan_stats *st)
{
	double t0 = cx_mono_s();
	int rc = s->opts->parse_only ? 0 : open_cache(s);
	st->store_s += cx_mono_s() - t0;
	st->cached = s->cache != NULL;
	t0 = cx_mono_s();
	if (rc == 0)
		rc = cx_sources_discover(s->opts, s->cache, &s->srcs, s->ctx);
	st->discovery_s = cx_mono_s() - t0;
	if (rc)
		return rc;
	st->tus = s->srcs.n;
	st->jobs = s->opts->jobs;
	if (s->srcs.n && !(s->tu = calloc(s->srcs.n, sizeof *s->tu)))
		return cx_error(s->ctx, CX_ENOMEM, "out of memory");
	return 0;
}

/* Looks every TU up in the cache, and makes the scan memo's key (*memo_key
 * = key; left NULL without a cache or without sources). */
static int lookup(struct scan *s, struct cx_scan_stats *st, struct cx_digest *key,
                  struct cx_digest **memo_key)
{
	if (!s->cache)
		return 0;
	int rc = lookup_all(s, st);
	if (rc || !s->srcs.n)
		return rc;
	if ((rc = scan_memo_key(s, key)) != 0)
		return cx_error(s->ctx, rc, "out of memory");
	*memo_key = key;
	return 0;
}

static int run(struct scan *s, struct cx_scan_stats *st)
{
	int rc = prepare(s, st);
	if (rc)
		return rc;
	if (s->opts->parse_only)
		return parse_all(s, st);
	if (!(s->identity = cx_analyzer_identity()))
		return cx_error(s->ctx, CX_ENOMEM, "out of memory");
	struct cx_digest key, *memo_key = NULL;
	if ((rc = lookup(s, st, &key, &memo_key)) != 0)
		return rc;
	bool memo = false;
	if ((rc = measure(s, st, memo_key, &memo)) != 0)
		return rc;
	if ((rc = clang_version(s)) != 0)
		return rc;
	return s->cache ? save(s, st, memo_key, memo) : 0;
}

int cx_scan_run(const struct cx_scan_opts *opts, struct cx_result *res, struct cx_ctx *ctx)
{
	double t0 = cx_mono_s();
	memset(res, 0, sizeof *res);
	res->macros = opts->macros;
	res->root = cx_strdup(opts->root);
	if (!res->root)
		return cx_error(ctx, CX_ENOMEM, "out of memory");
	struct scan s = {.opts = opts, .res = res, .ctx = ctx};
	/* libclang's driver changes the process's working directory to a TU's
	 * -working-directory: the caller gets its own back */
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *kill_after = getenv("CXSCAN_TEST_KILL_AFTER");
	if (kill_after)
		s.kill_after = (size_t)strtoul(kill_after, NULL, 10);
	pthread_mutex_init(&s.claims.m, NULL);
	int rc = run(&s, &res->stats);
	cx_pool_stop(s.pool);
	double t1 = cx_mono_s();
	cx_cache_close(s.cache);
	res->stats.store_s += cx_mono_s() - t1;
	for (size_t i = 0; s.tu && i < s.srcs.n; i++) {
		cx_tu_out_release(&s.tu[i].out);
		cx_skips_release(&s.tu[i].skips);
	}
	free(s.tu);
	free(s.claims.key);
	free(s.claims.val);
	pthread_mutex_destroy(&s.claims.m);
	free(s.identity);
	cx_sources_release(&s.srcs);
	if (cwd >= 0) {
		if (fchdir(cwd) != 0 && rc == 0)
			rc = cx_error(ctx, CX_EIO, "cannot return to the working directory: %s",
			              strerror(errno));
		close(cwd);
	}
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		res->stats.peak_rss_kb = ru.ru_maxrss;
	res->elapsed_s = cx_mono_s() - t0;
	return rc;
}
