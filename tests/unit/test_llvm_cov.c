/* Unit tests: the llvm-cov JSON reader (cx_cov.h) on real clang 14 /
 * llvm-cov 14 output, its per-line counts checked against llvm-cov's own
 * lcov export of the same profile, the line rule's cases one by one, the
 * counts' edge cases and every malformed input, each error checked for
 * its code and message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx_correlate.h"
#include "cx_cov.h"
#include "cx_limits.h"
#include "cov_check.h"

/* ---- real samples ---- */

/* /tmp/cxllvm/src: m.c (a static sq(), never() never called, a loop in
 * main(), a macro, an #if 0 block), u.c (bump()), both including sub/h.h
 * (a static inline hinc(), so listed once for each TU: "m.c:hinc" and
 * "u.c:hinc"):
 *   m.c  1 #include "sub/h.h"            h.h  1 static inline int hinc(int x)
 *        2 int bump(int v);                   2 {
 *        3 #define TWICE(x) ((x) * 2)           3 	return x + 1;
 *        4                                    4 }
 *        5 static int sq(int v)
 *        6 {                             u.c  1 #include "sub/h.h"
 *        7 	return v * v;                    2
 *        8 }                                  3 int bump(int v)
 *        9                                    4 {
 *       10 int never(int n)                   5 	return hinc(v);
 *       11 {                                  6 }
 *       12 	int s = 0;
 *       13 	for (int i = 0; i < n; i++)
 *       14 		s += i;
 *       15 	return s;
 *       16 }
 *       17
 *       18 int main(int argc, char **argv)
 *       19 {
 *       20 	int t = 0;
 *       21 	(void)argv;
 *       22 	for (int i = 0; i < 5; i++) {
 *       23 		if (i % 2)
 *       24 			t += sq(i);
 *       25 		else
 *       26 			t += TWICE(i);
 *       27 	}
 *       28 #if 0
 *       29 	t = -1;
 *       30 #endif
 *       31 	if (argc > 3)
 *       32 		return never(argc);
 *       33 	return hinc(t) + bump(t) > 100;
 *       34 }
 * Built in /tmp/cxllvm/build as `clang-14 -fprofile-instr-generate
 * -fcoverage-mapping -O0 ../src/m.c ../src/u.c -o m`, run once as
 * `LLVM_PROFILE_FILE=m.profraw ./m`, `llvm-profdata-14 merge -o m.profdata
 * m.profraw`, then `llvm-cov-14 export -format=text
 * -instr-profile=m.profdata ./m` (Debian clang/llvm 14.0.6). */
static const char m_json[] =
	"{\"data\":[{\"files\":[{\"branches\":[[13,18,13,23,0,0,0,0,4],[22,18,22,23,5,1,0,0,4],"
	"[23,7,23,12,2,3,0,0,4],[31,6,31,14,0,1,0,0,4]],\"expansions\":[{\"branches\":[],\"file"
	"names\":[\"/tmp/cxllvm/build/../src/m.c\",\"/tmp/cxllvm/build/../src/m.c\"],\"source_r"
	"egion\":[26,9,26,14,3,0,1,1],\"target_regions\":[[19,1,34,2,1,0,0,0],[22,18,22,23,6,0,"
	"0,0],[22,25,22,28,5,0,0,0],[22,29,22,30,5,0,0,3],[22,30,27,3,5,0,0,0],[23,7,23,12,5,0,"
	"0,0],[23,13,24,4,2,0,0,3],[24,4,24,14,2,0,0,0],[24,15,26,4,3,0,0,3],[26,4,26,14,3,0,0,"
	"0],[26,9,26,14,3,0,1,1],[28,1,30,7,0,0,0,2],[31,6,31,14,1,0,0,0],[31,15,32,3,0,0,0,3],"
	"[32,3,32,21,0,0,0,0],[32,22,33,2,1,0,0,3],[33,2,33,32,1,0,0,0],[3,18,3,27,3,1,0,0]]}],"
	"\"filename\":\"/tmp/cxllvm/build/../src/m.c\",\"segments\":[[3,18,3,true,true,false],["
	"3,27,0,false,false,false],[6,1,2,true,true,false],[8,2,0,false,false,false],[11,1,0,tr"
	"ue,true,false],[13,18,0,true,true,false],[13,23,0,true,false,false],[13,25,0,true,true"
	",false],[13,28,0,true,false,false],[14,3,0,true,true,false],[14,9,0,true,false,false],"
	"[16,2,0,false,false,false],[19,1,1,true,true,false],[22,18,6,true,true,false],[22,23,1"
	",true,false,false],[22,25,5,true,true,false],[22,28,1,true,false,false],[22,29,5,true,"
	"false,true],[22,30,5,true,true,false],[23,7,5,true,true,false],[23,12,5,true,false,fal"
	"se],[23,13,2,true,false,true],[24,4,2,true,true,false],[24,14,5,true,false,false],[24,"
	"15,3,true,false,true],[26,4,3,true,true,false],[26,9,3,true,true,false],[26,14,5,true,"
	"false,false],[27,3,1,true,false,false],[28,1,0,false,true,false],[30,7,1,true,false,fa"
	"lse],[31,6,1,true,true,false],[31,14,1,true,false,false],[31,15,0,true,false,true],[32"
	",3,0,true,true,false],[32,21,1,true,false,false],[33,2,1,true,true,false],[33,32,1,tru"
	"e,false,false],[34,2,0,false,false,false]],\"summary\":{\"branches\":{\"count\":8,\"co"
	"vered\":5,\"notcovered\":3,\"percent\":62.5},\"functions\":{\"count\":3,\"covered\":2,"
	"\"percent\":66.666666666666657},\"instantiations\":{\"count\":3,\"covered\":2,\"percen"
	"t\":66.666666666666657},\"lines\":{\"count\":22,\"covered\":15,\"percent\":68.18181818"
	"1818173},\"regions\":{\"count\":16,\"covered\":11,\"notcovered\":5,\"percent\":68.75}}"
	"},{\"branches\":[],\"expansions\":[],\"filename\":\"/tmp/cxllvm/build/../src/sub/h.h\""
	",\"segments\":[[2,1,2,true,true,false],[4,2,0,false,false,false]],\"summary\":{\"branc"
	"hes\":{\"count\":0,\"covered\":0,\"notcovered\":0,\"percent\":0},\"functions\":{\"coun"
	"t\":1,\"covered\":1,\"percent\":100},\"instantiations\":{\"count\":2,\"covered\":2,\"p"
	"ercent\":100},\"lines\":{\"count\":3,\"covered\":3,\"percent\":100},\"regions\":{\"cou"
	"nt\":1,\"covered\":1,\"notcovered\":0,\"percent\":100}}},{\"branches\":[],\"expansions"
	"\":[],\"filename\":\"/tmp/cxllvm/build/../src/u.c\",\"segments\":[[4,1,1,true,true,fal"
	"se],[6,2,0,false,false,false]],\"summary\":{\"branches\":{\"count\":0,\"covered\":0,\""
	"notcovered\":0,\"percent\":0},\"functions\":{\"count\":1,\"covered\":1,\"percent\":100"
	"},\"instantiations\":{\"count\":1,\"covered\":1,\"percent\":100},\"lines\":{\"count\":"
	"3,\"covered\":3,\"percent\":100},\"regions\":{\"count\":1,\"covered\":1,\"notcovered\""
	":0,\"percent\":100}}}],\"functions\":[{\"branches\":[[13,18,13,23,0,0,0,0,4]],\"count\""
	":0,\"filenames\":[\"/tmp/cxllvm/build/../src/m.c\"],\"name\":\"never\",\"regions\":[[1"
	"1,1,16,2,0,0,0,0],[13,18,13,23,0,0,0,0],[13,25,13,28,0,0,0,0],[13,29,14,3,0,0,0,3],[14"
	",3,14,9,0,0,0,0]]},{\"branches\":[[22,18,22,23,5,1,0,0,4],[23,7,23,12,2,3,0,0,4],[31,6"
	",31,14,0,1,0,0,4]],\"count\":1,\"filenames\":[\"/tmp/cxllvm/build/../src/m.c\",\"/tmp/"
	"cxllvm/build/../src/m.c\"],\"name\":\"main\",\"regions\":[[19,1,34,2,1,0,0,0],[22,18,2"
	"2,23,6,0,0,0],[22,25,22,28,5,0,0,0],[22,29,22,30,5,0,0,3],[22,30,27,3,5,0,0,0],[23,7,2"
	"3,12,5,0,0,0],[23,13,24,4,2,0,0,3],[24,4,24,14,2,0,0,0],[24,15,26,4,3,0,0,3],[26,4,26,"
	"14,3,0,0,0],[26,9,26,14,3,0,1,1],[28,1,30,7,0,0,0,2],[31,6,31,14,1,0,0,0],[31,15,32,3,"
	"0,0,0,3],[32,3,32,21,0,0,0,0],[32,22,33,2,1,0,0,3],[33,2,33,32,1,0,0,0],[3,18,3,27,3,1"
	",0,0]]},{\"branches\":[],\"count\":2,\"filenames\":[\"/tmp/cxllvm/build/../src/m.c\"],"
	"\"name\":\"m.c:sq\",\"regions\":[[6,1,8,2,2,0,0,0]]},{\"branches\":[],\"count\":1,\"fi"
	"lenames\":[\"/tmp/cxllvm/build/../src/sub/h.h\"],\"name\":\"m.c:hinc\",\"regions\":[[2"
	",1,4,2,1,0,0,0]]},{\"branches\":[],\"count\":1,\"filenames\":[\"/tmp/cxllvm/build/../s"
	"rc/u.c\"],\"name\":\"bump\",\"regions\":[[4,1,6,2,1,0,0,0]]},{\"branches\":[],\"count\""
	":1,\"filenames\":[\"/tmp/cxllvm/build/../src/sub/h.h\"],\"name\":\"u.c:hinc\",\"region"
	"s\":[[2,1,4,2,1,0,0,0]]}],\"totals\":{\"branches\":{\"count\":8,\"covered\":5,\"notcov"
	"ered\":3,\"percent\":62.5},\"functions\":{\"count\":5,\"covered\":4,\"percent\":80},\""
	"instantiations\":{\"count\":6,\"covered\":5,\"percent\":83.333333333333343},\"lines\":"
	"{\"count\":28,\"covered\":21,\"percent\":75},\"regions\":{\"count\":18,\"covered\":13,"
	"\"notcovered\":5,\"percent\":72.222222222222214}}}],\"type\":\"llvm.coverage.json.expo"
	"rt\",\"version\":\"2.0.1\"}";

/* The same profile through `llvm-cov-14 export -format=lcov`: the lines
 * read from m_json must be its DA lines exactly. */
static const char m_info[] =
	"SF:/tmp/cxllvm/build/../src/m.c\n"
	"FN:11,never\n"
	"FN:19,main\n"
	"FN:6,m.c:sq\n"
	"FNDA:0,never\n"
	"FNDA:1,main\n"
	"FNDA:2,m.c:sq\n"
	"FNF:3\n"
	"FNH:2\n"
	"DA:3,3\n"
	"DA:6,2\n"
	"DA:7,2\n"
	"DA:8,2\n"
	"DA:11,0\n"
	"DA:12,0\n"
	"DA:13,0\n"
	"DA:14,0\n"
	"DA:15,0\n"
	"DA:16,0\n"
	"DA:19,1\n"
	"DA:20,1\n"
	"DA:21,1\n"
	"DA:22,6\n"
	"DA:23,5\n"
	"DA:24,2\n"
	"DA:25,3\n"
	"DA:26,3\n"
	"DA:27,5\n"
	"DA:31,1\n"
	"DA:32,0\n"
	"DA:33,1\n"
	"DA:34,1\n"
	"BRDA:13,0,0,-\n"
	"BRDA:13,0,1,-\n"
	"BRDA:22,0,0,5\n"
	"BRDA:22,0,1,1\n"
	"BRDA:23,0,0,2\n"
	"BRDA:23,0,1,3\n"
	"BRDA:31,0,0,0\n"
	"BRDA:31,0,1,1\n"
	"BRF:8\n"
	"BRH:5\n"
	"LF:22\n"
	"LH:15\n"
	"end_of_record\n"
	"SF:/tmp/cxllvm/build/../src/sub/h.h\n"
	"FN:2,m.c:hinc\n"
	"FN:2,u.c:hinc\n"
	"FNDA:1,m.c:hinc\n"
	"FNDA:1,u.c:hinc\n"
	"FNF:1\n"
	"FNH:1\n"
	"DA:2,2\n"
	"DA:3,2\n"
	"DA:4,2\n"
	"BRF:0\n"
	"BRH:0\n"
	"LF:3\n"
	"LH:3\n"
	"end_of_record\n"
	"SF:/tmp/cxllvm/build/../src/u.c\n"
	"FN:4,bump\n"
	"FNDA:1,bump\n"
	"FNF:1\n"
	"FNH:1\n"
	"DA:4,1\n"
	"DA:5,1\n"
	"DA:6,1\n"
	"BRF:0\n"
	"BRH:0\n"
	"LF:3\n"
	"LH:3\n"
	"end_of_record\n";

/* u.c compiled in /tmp/cxllvm/build/rel with -fcoverage-compilation-dir=.
 * (`clang-14 -fprofile-instr-generate -fcoverage-mapping
 * -fcoverage-compilation-dir=. -O0 ../../src/u.c -c`), linked with r.c
 * (`int main(void) { return bump(1) != 2; }`, compiled without it), run and
 * exported alike: the file names of u.c and h.h are relative. */
static const char r_json[] =
	"{\"data\":[{\"files\":[{\"branches\":[],\"expansions\":[],\"filename\":\"../../src/sub"
	"/h.h\",\"segments\":[[2,1,1,true,true,false],[4,2,0,false,false,false]],\"summary\":{\""
	"branches\":{\"count\":0,\"covered\":0,\"notcovered\":0,\"percent\":0},\"functions\":{\""
	"count\":1,\"covered\":1,\"percent\":100},\"instantiations\":{\"count\":1,\"covered\":1"
	",\"percent\":100},\"lines\":{\"count\":3,\"covered\":3,\"percent\":100},\"regions\":{\""
	"count\":1,\"covered\":1,\"notcovered\":0,\"percent\":100}}},{\"branches\":[],\"expansi"
	"ons\":[],\"filename\":\"../../src/u.c\",\"segments\":[[4,1,1,true,true,false],[6,2,0,f"
	"alse,false,false]],\"summary\":{\"branches\":{\"count\":0,\"covered\":0,\"notcovered\""
	":0,\"percent\":0},\"functions\":{\"count\":1,\"covered\":1,\"percent\":100},\"instanti"
	"ations\":{\"count\":1,\"covered\":1,\"percent\":100},\"lines\":{\"count\":3,\"covered\""
	":3,\"percent\":100},\"regions\":{\"count\":1,\"covered\":1,\"notcovered\":0,\"percent\""
	":100}}},{\"branches\":[],\"expansions\":[],\"filename\":\"/tmp/cxllvm/build/rel/r.c\","
	"\"segments\":[[2,16,1,true,true,false],[2,40,0,false,false,false]],\"summary\":{\"bran"
	"ches\":{\"count\":0,\"covered\":0,\"notcovered\":0,\"percent\":0},\"functions\":{\"cou"
	"nt\":1,\"covered\":1,\"percent\":100},\"instantiations\":{\"count\":1,\"covered\":1,\""
	"percent\":100},\"lines\":{\"count\":1,\"covered\":1,\"percent\":100},\"regions\":{\"co"
	"unt\":1,\"covered\":1,\"notcovered\":0,\"percent\":100}}}],\"functions\":[{\"branches\""
	":[],\"count\":1,\"filenames\":[\"/tmp/cxllvm/build/rel/r.c\"],\"name\":\"main\",\"regi"
	"ons\":[[2,16,2,40,1,0,0,0]]},{\"branches\":[],\"count\":1,\"filenames\":[\"../../src/u"
	".c\"],\"name\":\"bump\",\"regions\":[[4,1,6,2,1,0,0,0]]},{\"branches\":[],\"count\":1,"
	"\"filenames\":[\"../../src/sub/h.h\"],\"name\":\"u.c:hinc\",\"regions\":[[2,1,4,2,1,0,"
	"0,0]]}],\"totals\":{\"branches\":{\"count\":0,\"covered\":0,\"notcovered\":0,\"percent"
	"\":0},\"functions\":{\"count\":3,\"covered\":3,\"percent\":100},\"instantiations\":{\""
	"count\":3,\"covered\":3,\"percent\":100},\"lines\":{\"count\":7,\"covered\":7,\"percen"
	"t\":100},\"regions\":{\"count\":3,\"covered\":3,\"notcovered\":0,\"percent\":100}}}],\""
	"type\":\"llvm.coverage.json.export\",\"version\":\"2.0.1\"}";

/* ---- helpers ---- */

static void read_ok(const char *doc, const char *base, struct cx_cov *cov)
{
	struct cx_ctx ctx = {0};
	int rc = cx_llvm_json_read(doc, strlen(doc), base, cov, &ctx);
	if (rc)
		fail_msg("read failed (%d): %s", rc, ctx.msg);
}

/* The path as cxscan writes it: lcov's SF lexically normalized (only
 * "/x/../" needs it here). */
static void normalize(char *p)
{
	char *dd;
	while ((dd = strstr(p, "/../")) != NULL) {
		char *s = dd;
		while (s > p && s[-1] != '/')
			s--;
		memmove(s, dd + 4, strlen(dd + 4) + 1);
	}
}

/* Every SF record of the lcov text: its DA lines are the lines of the file
 * of that path in cov, in order, count for count, and no other line is. */
static void assert_lines_are_lcov_da(const struct cx_cov *cov, const char *info)
{
	char *text = strdup(info), *save = NULL;
	assert_non_null(text);
	const struct cx_cov_file *f = NULL;
	size_t next = 0, records = 0;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "SF:", 3) == 0) {
			normalize(l + 3);
			f = NULL;
			for (size_t i = 0; i < cov->nfiles; i++)
				if (strcmp(cov->files[i].path, l + 3) == 0)
					f = &cov->files[i];
			if (!f)
				fail_msg("no file %s read", l + 3);
			next = 0;
			records++;
		} else if (strncmp(l, "DA:", 3) == 0) {
			unsigned line;
			unsigned long long count;
			assert_int_equal(sscanf(l + 3, "%u,%llu", &line, &count), 2);
			check_line(f, next++, line, count);
		} else if (strcmp(l, "end_of_record") == 0) {
			if (next != f->nlines)
				fail_msg("%s: %zu lines read, %zu DA lines", f->path, f->nlines, next);
		}
	}
	assert_int_equal(records, cov->nfiles);
	free(text);
}

/* A list that already holds one file (read by this reader). */
static const char kept_doc[] =
	"{\"type\": \"llvm.coverage.json.export\", \"version\": \"2.0.1\", \"data\": [{\"files\":"
	" [{\"filename\": \"/kept.c\", \"segments\": [[1, 1, 1, true, true, false],"
	" [1, 9, 0, false, false, false]]}]}]}";

/* A read that fails with rc and a one-line message holding needle, leaving
 * a list that already holds a file as it was. */
static void expect_error_n(const void *data, size_t len, int rc, const char *needle)
{
	struct cx_cov cov = {0};
	struct cx_ctx ctx = {0};
	read_ok(kept_doc, NULL, &cov);
	assert_int_equal(cov.nfiles, 1);
	int got = cx_llvm_json_read(data, len, "/base", &cov, &ctx);
	if (got != rc)
		fail_msg("result %d, expected %d (message '%s', expected '%s')", got, rc, ctx.msg,
		         needle);
	assert_int_equal(ctx.err, rc);
	if (!strstr(ctx.msg, needle))
		fail_msg("message '%s' lacks '%s'", ctx.msg, needle);
	if (strncmp(ctx.msg, "llvm-cov JSON: ", 15) != 0)
		fail_msg("message '%s' does not name the format", ctx.msg);
	if (strchr(ctx.msg, '\n'))
		fail_msg("message '%s' is not one line", ctx.msg);
	assert_int_equal(cov.nfiles, 1);
	assert_string_equal(cov.files[0].path, "/kept.c");
	assert_int_equal(cov.files[0].nlines, 1);
	check_line(&cov.files[0], 0, 1, 1);
	cx_cov_release(&cov);
}

static void expect_error(const char *text, const char *needle)
{
	expect_error_n(text, strlen(text), CX_EINVAL, needle);
}

#define HEAD "{\"type\": \"llvm.coverage.json.export\", \"version\": \"2.0.1\", \"data\": "

/* A document of one file /a.c with these segments (a JSON array's inside). */
static char *seg_doc(const char *segments)
{
	char *doc = NULL;
	assert_true(asprintf(&doc, HEAD "[{\"files\": [{\"filename\": \"/a.c\", \"segments\": "
	                     "[%s]}]}]}", segments) > 0);
	return doc;
}

/* The lines read from segments: "line:count line:count ...". */
static void expect_lines(const char *segments, const char *want)
{
	char *doc = seg_doc(segments);
	struct cx_cov cov = {0};
	read_ok(doc, NULL, &cov);
	assert_int_equal(cov.nfiles, 1);
	char got[1024] = "";
	size_t n = 0;
	for (size_t i = 0; i < cov.files[0].nlines && n < sizeof got - 64; i++)
		n += (size_t)snprintf(got + n, sizeof got - n, "%s%u:%llu", i ? " " : "",
		                      cov.files[0].lines[i].line,
		                      (unsigned long long)cov.files[0].lines[i].count);
	if (strcmp(got, want) != 0)
		fail_msg("segments %s: lines '%s', expected '%s'", segments, got, want);
	cx_cov_release(&cov);
	free(doc);
}

/* ---- real data ---- */

static void check_m(const struct cx_cov *cov, size_t first)
{
	const struct cx_cov_file *m = &cov->files[first], *h = &cov->files[first + 1],
				 *u = &cov->files[first + 2];
	/* as llvm-cov sorts them, normalized */
	assert_string_equal(m->path, "/tmp/cxllvm/src/m.c");
	assert_string_equal(h->path, "/tmp/cxllvm/src/sub/h.h");
	assert_string_equal(u->path, "/tmp/cxllvm/src/u.c");
	/* the lines llvm-cov's line view shows */
	static const uint32_t lines[][2] = {
		{3, 3}, /* TWICE's body, once an expansion */
		{6, 2}, {7, 2}, {8, 2}, /* sq */
		{11, 0}, {12, 0}, {13, 0}, {14, 0}, {15, 0}, {16, 0}, /* never */
		{19, 1}, {20, 1}, {21, 1}, {22, 6}, {23, 5}, {24, 2}, {25, 3}, {26, 3},
		{27, 5}, /* no line of #if 0 ... #endif (28-30), the skipped region */
		{31, 1}, {32, 0}, {33, 1}, {34, 1}};
	assert_int_equal(m->nlines, sizeof lines / sizeof *lines);
	for (size_t i = 0; i < m->nlines; i++)
		check_line(m, i, lines[i][0], lines[i][1]);
	/* the line of the body's '{', not of the name */
	assert_int_equal(m->nfuncs, 3);
	check_func(m, 0, "sq", 6, 8, 2);
	check_func(m, 1, "never", 11, 16, 0);
	check_func(m, 2, "main", 19, 34, 1); /* TWICE's region (line 3) is file ID 1 */
	assert_int_equal(h->nlines, 3);
	check_line(h, 0, 2, 2);
	check_line(h, 1, 3, 2);
	check_line(h, 2, 4, 2);
	assert_int_equal(h->nfuncs, 2); /* "m.c:hinc" and "u.c:hinc" */
	check_func(h, 0, "hinc", 2, 4, 1);
	check_func(h, 1, "hinc", 2, 4, 1);
	assert_int_equal(u->nlines, 3);
	check_line(u, 0, 4, 1);
	check_line(u, 1, 5, 1);
	check_line(u, 2, 6, 1);
	assert_int_equal(u->nfuncs, 1);
	check_func(u, 0, "bump", 4, 6, 1);
}

static void test_real(void **state)
{
	(void)state;
	struct cx_cov cov = {0};
	/* absolute names: base is not used */
	read_ok(m_json, "/elsewhere", &cov);
	assert_int_equal(cov.nfiles, 3);
	check_m(&cov, 0);
	assert_lines_are_lcov_da(&cov, m_info);
	/* appended after what is there */
	read_ok(m_json, NULL, &cov);
	assert_int_equal(cov.nfiles, 6);
	check_m(&cov, 0);
	check_m(&cov, 3);
	/* folded: hinc of both TUs, and of both reads, is one function */
	assert_int_equal(cx_cov_fold(&cov), 0);
	assert_int_equal(cov.nfiles, 3);
	const struct cx_cov_file *h = &cov.files[1];
	assert_string_equal(h->path, "/tmp/cxllvm/src/sub/h.h");
	assert_int_equal(h->nfuncs, 1);
	check_func(h, 0, "hinc", 2, 4, 4);
	check_line(h, 0, 2, 4);
	check_release(&cov);
}

/* Relative names are made absolute against base; functions still find
 * their files (matched on the path made the same way). */
static void test_relative(void **state)
{
	(void)state;
	struct cx_cov cov = {0};
	read_ok(r_json, "/tmp/cxllvm/build/rel", &cov);
	assert_int_equal(cov.nfiles, 3);
	const struct cx_cov_file *h = &cov.files[0], *u = &cov.files[1], *r = &cov.files[2];
	assert_string_equal(h->path, "/tmp/cxllvm/src/sub/h.h");
	assert_string_equal(u->path, "/tmp/cxllvm/src/u.c");
	assert_string_equal(r->path, "/tmp/cxllvm/build/rel/r.c");
	assert_int_equal(h->nfuncs, 1);
	check_func(h, 0, "hinc", 2, 4, 1);
	assert_int_equal(h->nlines, 3);
	check_line(h, 0, 2, 1);
	check_line(h, 2, 4, 1);
	assert_int_equal(u->nfuncs, 1);
	check_func(u, 0, "bump", 4, 6, 1);
	assert_int_equal(r->nfuncs, 1);
	check_func(r, 0, "main", 2, 2, 1);
	assert_int_equal(r->nlines, 1);
	check_line(r, 0, 2, 1);
	cx_cov_release(&cov);

	/* without a base: kept relative (as cx_cov_path makes it), still
	 * joined */
	read_ok(r_json, NULL, &cov);
	assert_int_equal(cov.nfiles, 3);
	assert_non_null(strstr(cov.files[1].path, "src/u.c"));
	assert_int_not_equal(cov.files[1].path[0], '/');
	assert_int_equal(cov.files[1].nfuncs, 1);
	check_func(&cov.files[1], 0, "bump", 4, 6, 1);
	cx_cov_release(&cov);
}

/* ---- the line rule, case by case ---- */

static void test_line_rule(void **state)
{
	(void)state;
	/* a region: its lines take its count; nothing after the last segment */
	expect_lines("[2,1,5,true,true,false],[4,2,0,false,false,false]", "2:5 3:5 4:5");
	/* no segments: no lines */
	expect_lines("", "");
	/* a wrapped segment without a count maps nothing (the lines between two
	 * functions); the next region's line is mapped */
	expect_lines("[1,1,1,true,true,false],[1,9,0,false,false,false],"
	             "[5,1,2,true,true,false],[6,2,0,false,false,false]", "1:1 5:2 6:2");
	/* several regions start on a line: the largest count; the wrapped
	 * count counts too */
	expect_lines("[1,1,3,true,true,false],[2,5,7,true,true,false],[2,9,4,true,true,false],"
	             "[2,12,3,true,false,false],[3,2,0,false,false,false]", "1:3 2:7 3:3");
	/* the wrapped count wins over a smaller region start */
	expect_lines("[1,1,9,true,true,false],[2,5,2,true,true,false],[2,9,9,true,false,false],"
	             "[3,2,0,false,false,false]", "1:9 2:9 3:9");
	/* segments that are not region entries (a region's end) do not raise
	 * the count: the line keeps the wrapped one */
	expect_lines("[1,1,1,true,true,false],[2,5,8,true,false,false],[3,2,0,false,false,false]",
	             "1:1 2:1 3:8");
	/* a gap region does not start a region: 3 keeps the wrapped count of
	 * line 2, not the gap's */
	expect_lines("[1,1,4,true,true,false],[2,3,4,true,false,false],[3,9,1,true,true,true],"
	             "[5,2,0,false,false,false]", "1:4 2:4 3:4 4:1 5:1");
	/* a gap alone on lines: they take its count (llvm-cov does) */
	expect_lines("[1,1,4,true,true,false],[1,20,0,true,false,true],[3,1,4,true,true,false],"
	             "[3,9,0,false,false,false]", "1:4 2:0 3:4");
	/* a line whose first segment enters a skipped region (#if 0) is not
	 * mapped, though wrapped by a counted region; the lines inside are not,
	 * nor the line it ends on (#endif) when no region starts there */
	expect_lines("[1,1,1,true,true,false],[3,1,0,false,true,false],[5,7,1,true,false,false],"
	             "[6,2,0,false,false,false]", "1:1 2:1 6:1");
	/* nor when a counted region starts later on it (llvm-cov 14; newer
	 * llvm-cov maps line 3 here); that region then wraps lines 4 and 5 */
	expect_lines("[1,1,1,true,true,false],[3,1,0,false,true,false],[3,7,2,true,true,false],"
	             "[5,7,1,true,false,false],[6,2,0,false,false,false]", "1:1 2:1 4:2 5:2 6:1");
	/* a skipped region that does not start the line does not unmap it;
	 * it wraps the lines below uncounted up to a line it does not wrap */
	expect_lines("[1,1,1,true,true,false],[2,1,1,true,false,false],[2,5,0,false,true,false],"
	             "[4,7,1,true,false,false],[5,2,0,false,false,false]", "1:1 2:1 5:1");
	/* a region entry without a count (a skipped region) starting the
	 * first line: nothing */
	expect_lines("[1,1,0,false,true,false],[3,1,0,false,false,false]", "");
	/* a long stretch: every line between takes the wrapped count */
	char *doc = seg_doc("[10,1,3,true,true,false],[100009,2,0,false,false,false]");
	struct cx_cov cov = {0};
	read_ok(doc, NULL, &cov);
	assert_int_equal(cov.files[0].nlines, 100000);
	check_line(&cov.files[0], 0, 10, 3);
	check_line(&cov.files[0], 99999, 100009, 3);
	cx_cov_release(&cov);
	free(doc);
	/* the highest line there is */
	expect_lines("[4294967294,1,1,true,true,false],[4294967295,3,0,false,false,false]",
	             "4294967294:1 4294967295:1");
	/* lines in order, columns not: the last segment given is the wrapped
	 * one */
	expect_lines("[1,9,0,false,false,false],[1,1,2,true,true,false],[2,1,5,true,false,false]",
	             "1:2 2:2");
}

/* ---- shapes of other versions and options ---- */

static void test_shapes(void **state)
{
	(void)state;
	struct cx_cov cov = {0};
	/* version 2.0.0: segments of five values; other keys around, in other
	 * orders; unknown keys ignored; a "Count" key is not "count" */
	read_ok("{\"version\": \"2.0.0\", \"data\": [{\"totals\": {}, \"functions\": [{\"filenames\":"
	        " [\"/x/a.c\"], \"regions\": [[3,12,9,2,7,0,0,0], [5,3,12,4,7,0,0,0]], \"Count\": 1,"
	        " \"count\": 7, \"name\": \"a.c:f\", \"extra\": [1]}], \"files\": [{\"summary\": {},"
	        " \"segments\": [[3,12,7,true,true], [9,2,0,false,false]], \"filename\": \"/x/a.c\","
	        " \"more\": null}], \"new\": 1}], \"type\": \"llvm.coverage.json.export\"}",
	        NULL, &cov);
	assert_int_equal(cov.nfiles, 1);
	assert_int_equal(cov.files[0].nlines, 7);
	check_line(&cov.files[0], 6, 9, 7);
	assert_int_equal(cov.files[0].nfuncs, 1);
	/* the end line is the largest of file 0's regions, not the first's */
	check_func(&cov.files[0], 0, "f", 3, 12, 7);
	cx_cov_release(&cov);

	/* -skip-functions: no "functions"; several data elements, each its own
	 * files; an empty one */
	read_ok(HEAD "[{\"files\": [{\"filename\": \"/a.c\", \"segments\": []}]}, {\"files\": []},"
	        " {\"files\": [{\"filename\": \"b.c\", \"segments\": [[1,1,1,true,true,false],"
	        "[1,5,0,false,false,false]]}]}]}\n\n", "/w", &cov);
	assert_int_equal(cov.nfiles, 2);
	assert_string_equal(cov.files[0].path, "/a.c");
	assert_int_equal(cov.files[0].nlines, 0);
	assert_string_equal(cov.files[1].path, "/w/b.c");
	assert_int_equal(cov.files[1].nlines, 1);
	cx_cov_release(&cov);

	/* no data: nothing appended, not an error */
	read_ok(HEAD "[]}", NULL, &cov);
	assert_int_equal(cov.nfiles, 0);
	assert_null(cov.files);

	/* functions: of a file left out of "files" (-ignore-filename-regex),
	 * dropped; joined on the normalized path; of the first of two entries
	 * of one path; names: a C++ "::" kept, the last lone ':' of a static's
	 * prefix (with a drive letter) cut; the first region is the line even
	 * in another file; regions of other file IDs do not make the end; an
	 * end before the line is none */
	read_ok(HEAD "[{\"files\": [{\"filename\": \"/p/./a.c\", \"segments\": []},"
	        " {\"filename\": \"/p/a.c\", \"segments\": []}],"
	        " \"functions\": ["
	        "  {\"name\": \"gone\", \"count\": 1, \"regions\": [[1,1,2,1,1,0,0,0]],"
	        "   \"filenames\": [\"/usr/include/x.h\"]},"
	        "  {\"name\": \"ns::g\", \"count\": 2, \"regions\": [[4,1,8,1,2,0,0,0],"
	        "   [40,1,50,1,2,1,0,0]], \"filenames\": [\"/p/q/../a.c\", \"/p/m.h\"]},"
	        "  {\"name\": \"C:\\\\w\\\\a.c:h\", \"count\": 0, \"regions\": [[9,1,9,5,0,1,0,0],"
	        "   [7,1,8,1,0,0,0,0]], \"filenames\": [\"/p/a.c\", \"/p/m.h\"]}]}]}", NULL, &cov);
	assert_int_equal(cov.nfiles, 2);
	assert_string_equal(cov.files[0].path, "/p/a.c");
	assert_string_equal(cov.files[1].path, "/p/a.c");
	assert_int_equal(cov.files[0].nfuncs, 2);
	check_func(&cov.files[0], 0, "ns::g", 4, 8, 2);
	check_func(&cov.files[0], 1, "h", 9, 0, 0);
	assert_int_equal(cov.files[1].nfuncs, 0);
	cx_cov_release(&cov);

	/* versions: "2", "2.1", "2.0.10" */
	const char *const versions[] = {"2", "2.1", "2.0.10"};
	for (size_t i = 0; i < 3; i++) {
		char doc[256];
		snprintf(doc, sizeof doc, "{\"type\": \"llvm.coverage.json.export\", \"version\": "
		         "\"%s\", \"data\": []}", versions[i]);
		read_ok(doc, NULL, &cov);
	}
}

/* ---- counts ---- */

static void test_counts(void **state)
{
	(void)state;
	struct cx_cov cov = {0};
	/* in ascending order: each line's count is its own segment's (a
	 * line's count is never below the count wrapped into it) */
	read_ok(HEAD "[{\"files\": [{\"filename\": \"/c.c\", \"segments\": ["
	        "[1,1,1.0,true,true,false],"                  /* an integer all the same */
	        "[2,1,9007199254740992,true,true,false],"     /* 2^53, exact */
	        "[3,1,-9223372036854775808,true,true,false]," /* 2.0.0: 2^63 */
	        "[4,1,-20,true,true,false],"                  /* 2.0.0: 2^64 - 20 */
	        "[5,1,-1,true,true,false],"                   /* 2.0.0: 2^64 - 1 */
	        "[6,1,9223372036854775807,true,true,false],"  /* llvm-cov's clamp */
	        "[7,1,1e30,true,true,false],"                 /* beyond uint64 */
	        "[8,1,1e999,true,true,false],"                /* inf */
	        "[9,1,0,false,false,false]]}],"
	        " \"functions\": [{\"name\": \"f\", \"count\": 1e300, \"regions\": "
	        "[[1,1,9,1,0,0,0,0]], \"filenames\": [\"/c.c\"]}]}]}", NULL, &cov);
	const struct cx_cov_file *f = &cov.files[0];
	assert_int_equal(f->nlines, 9);
	check_line(f, 0, 1, 1);
	check_line(f, 1, 2, 9007199254740992ull);
	check_line(f, 2, 3, 9223372036854775808ull);
	check_line(f, 3, 4, UINT64_MAX - 19);
	check_line(f, 4, 5, UINT64_MAX);
	check_line(f, 5, 6, UINT64_MAX);
	check_line(f, 6, 7, UINT64_MAX);
	check_line(f, 7, 8, UINT64_MAX);
	check_line(f, 8, 9, UINT64_MAX);
	check_func(f, 0, "f", 1, 9, UINT64_MAX);
	cx_cov_release(&cov);
}

/* ---- limits ---- */

static void test_limits(void **state)
{
	(void)state;
	/* two segments, four billion lines */
	char *doc = seg_doc("[1,1,1,true,true,false],[4294967295,1,0,false,false,false]");
	expect_error_n(doc, strlen(doc), CX_ELIMIT, "data[0].files[0]: more than 16777216 "
	               "mapped lines");
	free(doc);
	/* the limit is the read's, over all files: two of 10 million lines */
	doc = seg_doc("[1,1,1,true,true,false],[10000000,1,0,false,false,false]]},"
	              "{\"filename\": \"/b.c\", \"segments\": [[1,1,1,true,true,false],"
	              "[10000000,1,0,false,false,false]");
	expect_error_n(doc, strlen(doc), CX_ELIMIT, "data[0].files[1]: more than");
	free(doc);
	/* the same stretch without a count costs nothing */
	struct cx_cov cov = {0};
	doc = seg_doc("[1,1,0,false,true,false],[4294967295,1,0,false,false,false]");
	read_ok(doc, NULL, &cov);
	assert_int_equal(cov.files[0].nlines, 0);
	cx_cov_release(&cov);
	free(doc);
	/* the input's size, checked before any byte is read */
	char byte = '{';
	expect_error_n(&byte, (size_t)CX_MAX_COVERAGE_BYTES + 1, CX_ELIMIT,
	               "larger than the limit");
}

/* ---- malformed input ---- */

static void test_malformed(void **state)
{
	(void)state;
	/* empty, white space only */
	expect_error_n("", 0, CX_EINVAL, "empty input");
	expect_error(" \n\t\r\n", "empty input");
	/* truncated real data, at several points */
	const size_t cuts[] = {1, 10, sizeof m_json / 2, sizeof m_json - 3};
	for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++)
		expect_error_n(m_json, cuts[i], CX_EINVAL, "malformed JSON at 1:");
	expect_error("{\"type\": \"llvm.coverage.json.export\",\n \"version\": 2.0.1}",
	             "malformed JSON at 2:");
	/* more after the document */
	expect_error(HEAD "[]}\n{}", "trailing data after the JSON document at 2:1");
	expect_error(HEAD "[]}]", "trailing data");
	/* gzip'd */
	expect_error_n("\x1f\x8b\x08\x00", 4, CX_EINVAL, "gzip data");
	/* not an export */
	expect_error("[1, 2]", "the top level is not an object");
	expect_error("{\"format_version\": \"1\", \"files\": []}", "missing \"type\" (not an "
	             "llvm-cov export?)");
	expect_error("{\"type\": 1}", "type is not a string");
	expect_error("{\"type\": \"llvm.coverage.json.exportx\", \"version\": \"2.0.1\"}",
	             "unsupported type \"llvm.coverage.json.exportx\" (expected "
	             "\"llvm.coverage.json.export\")");
	expect_error("{\"type\": \"LLVM.coverage.json.export\"}", "unsupported type");
	/* versions */
	expect_error("{\"type\": \"llvm.coverage.json.export\"}", "missing \"version\"");
	expect_error("{\"type\": \"llvm.coverage.json.export\", \"version\": 2}",
	             "version is not a string");
	const char *const bad_versions[][2] = {
		{"3.0.1", "\"3.0.1\""}, {"1.0", "\"1.0\""}, {"20.1", "\"20.1\""}, {"2.", "\"2.\""},
		{"2x", "\"2x\""}, {"2..1", "\"2..1\""}, {"", "\"\""}, {" 2", "\" 2\""},
		{"2\\n0", "\"2?0\""},
		{"2.00000000000000000000000000000000000000000000000000x",
		 "\"2.00000000000000000000000000000000000000...\""}};
	for (size_t i = 0; i < sizeof bad_versions / sizeof *bad_versions; i++) {
		char doc[256], want[128];
		snprintf(doc, sizeof doc, "{\"type\": \"llvm.coverage.json.export\", \"version\": "
		         "\"%s\", \"data\": []}", bad_versions[i][0]);
		snprintf(want, sizeof want, "unsupported version %s (known: 2.x)",
		         bad_versions[i][1]);
		expect_error(doc, want);
	}
	/* data and files */
	expect_error("{\"type\": \"llvm.coverage.json.export\", \"version\": \"2.0.1\"}",
	             "missing \"data\"");
	expect_error(HEAD "{}}", "data is not an array");
	expect_error(HEAD "[1]}", "data[0] is not an object");
	expect_error(HEAD "[{}]}", "data[0]: missing \"files\"");
	expect_error(HEAD "[{\"files\": {}}]}", "data[0].files is not an array");
	expect_error(HEAD "[{\"files\": [], \"functions\": 3}]}",
	             "data[0].functions is not an array");
	expect_error(HEAD "[{\"files\": [null]}]}", "data[0].files[0] is not an object");
	expect_error(HEAD "[{\"files\": [{\"segments\": []}]}]}",
	             "data[0].files[0]: missing \"filename\"");
	expect_error(HEAD "[{\"files\": [{\"filename\": 7, \"segments\": []}]}]}",
	             "data[0].files[0].filename is not a string");
	expect_error(HEAD "[{\"files\": [{\"filename\": \"\", \"segments\": []}]}]}",
	             "data[0].files[0].filename is empty");
	expect_error(HEAD "[{\"files\": [{\"filename\": \"/a.c\", \"summary\": {}}]}]}",
	             "data[0].files[0]: missing \"segments\" (an export made with -summary-only");
	expect_error(HEAD "[{\"files\": [{\"filename\": \"/a.c\", \"segments\": {}}]}]}",
	             "data[0].files[0].segments is not an array");
	/* segments: a second file's, so the index shows */
	static const char *const segs[][2] = {
		{"7", "data[0].files[1].segments[0] is not an array"},
		{"[1,1,1,true]", "data[0].files[1].segments[0] has 4 values"},
		{"[-1,1,1,true,true,false]", "data[0].files[1].segments[0][0] (line) is out of "
		 "range (-1; expected 1 to 4294967295)"},
		{"[0,1,1,true,true,false]", "segments[0][0] (line) is out of range (0;"},
		{"[4294967296,1,1,true,true,false]", "segments[0][0] (line) is out of range"},
		{"[1.5,1,1,true,true,false]", "segments[0][0] (line) is not an integer (1.5)"},
		{"[\"1\",1,1,true,true,false]", "segments[0][0] (line) is not a number"},
		{"[1,-1,1,true,true,false]", "segments[0][1] (col) is out of range"},
		{"[1,null,1,true,true,false]", "segments[0][1] (col) is not a number"},
		{"[1,1,\"5\",true,true,false]", "segments[0][2] (count) is not a number"},
		{"[1,1,0.5,true,true,false]", "segments[0][2] (count) is not an integer (0.5)"},
		{"[1,1,-1e30,true,true,false]", "segments[0][2] (count) is out of range"},
		{"[1,1,-9223372036854777856,true,true,false]", "(count) is out of range"},
		{"[1,1,1,1,true,false]", "segments[0][3] (hasCount) is not true or false"},
		{"[1,1,1,true,\"y\",false]", "segments[0][4] (isRegionEntry) is not true or false"},
		{"[1,1,1,true,true,0]", "segments[0][5] (isGapRegion) is not true or false"},
		{"[2,1,1,true,true,false],[1,1,0,false,false,false]",
		 "data[0].files[1].segments[1] is out of order (line 1 after line 2)"},
	};
	for (size_t i = 0; i < sizeof segs / sizeof *segs; i++) {
		char *doc = NULL;
		assert_true(asprintf(&doc, HEAD "[{\"files\": [{\"filename\": \"/a.c\", \"segments\":"
		                     " []}, {\"filename\": \"/b.c\", \"segments\": [%s]}]}]}",
		                     segs[i][0]) > 0);
		expect_error(doc, segs[i][1]);
		free(doc);
	}
	/* functions: the second one, so the index shows */
	static const char *const fns[][2] = {
		{"1", "data[0].functions[1] is not an object"},
		{"{\"count\": 1, \"regions\": [[1,1,2,1,1,0,0,0]], \"filenames\": [\"/a.c\"]}",
		 "data[0].functions[1]: missing \"name\""},
		{"{\"name\": \"\", \"count\": 1, \"regions\": [[1,1,2,1,1,0,0,0]], \"filenames\": "
		 "[\"/a.c\"]}", "data[0].functions[1].name is empty"},
		{"{\"name\": [], \"count\": 1, \"regions\": [], \"filenames\": []}",
		 "data[0].functions[1].name is not a string"},
		{"{\"name\": \"f\", \"regions\": [[1,1,2,1,1,0,0,0]], \"filenames\": [\"/a.c\"]}",
		 "data[0].functions[1]: missing \"count\""},
		{"{\"name\": \"f\", \"count\": true, \"regions\": [[1,1,2,1,1,0,0,0]], \"filenames\":"
		 " [\"/a.c\"]}", "data[0].functions[1].count is not a number"},
		{"{\"name\": \"f\", \"count\": -1e300, \"regions\": [[1,1,2,1,1,0,0,0]],"
		 " \"filenames\": [\"/a.c\"]}", "data[0].functions[1].count is out of range"},
		{"{\"name\": \"f\", \"count\": 1, \"regions\": [[1,1,2,1,1,0,0,0]]}",
		 "data[0].functions[1]: missing \"filenames\""},
		{"{\"name\": \"f\", \"count\": 1, \"regions\": [[1,1,2,1,1,0,0,0]], \"filenames\": []}",
		 "data[0].functions[1].filenames is empty"},
		{"{\"name\": \"f\", \"count\": 1, \"regions\": [[1,1,2,1,1,0,0,0]], \"filenames\":"
		 " [\"/a.c\", 3]}", "data[0].functions[1].filenames[1] is not a string"},
		{"{\"name\": \"f\", \"count\": 1, \"regions\": [[1,1,2,1,1,0,0,0]], \"filenames\":"
		 " [\"\"]}", "data[0].functions[1].filenames[0] is empty"},
		{"{\"name\": \"f\", \"count\": 1, \"filenames\": [\"/a.c\"]}",
		 "data[0].functions[1]: missing \"regions\""},
		{"{\"name\": \"f\", \"count\": 1, \"regions\": [], \"filenames\": [\"/a.c\"]}",
		 "data[0].functions[1].regions is empty"},
		{"{\"name\": \"f\", \"count\": 1, \"regions\": [{}], \"filenames\": [\"/a.c\"]}",
		 "data[0].functions[1].regions[0] is not an array"},
		{"{\"name\": \"f\", \"count\": 1, \"regions\": [[1,1,2,1,1,0,0]], \"filenames\":"
		 " [\"/a.c\"]}", "data[0].functions[1].regions[0] has 7 values"},
		{"{\"name\": \"f\", \"count\": 1, \"regions\": [[-3,1,2,1,1,0,0,0]], \"filenames\":"
		 " [\"/a.c\"]}", "data[0].functions[1].regions[0][0] (lineStart) is out of range "
		 "(-3; expected 1 to 4294967295)"},
		{"{\"name\": \"f\", \"count\": 1, \"regions\": [[1,1,2,1,1,0,0,0], [1,1,0,1,1,0,0,0]],"
		 " \"filenames\": [\"/a.c\"]}",
		 "data[0].functions[1].regions[1][2] (lineEnd) is out of range (0;"},
		{"{\"name\": \"f\", \"count\": 1, \"regions\": [[1,1,2,1,1,1,0,0]], \"filenames\":"
		 " [\"/a.c\"]}", "data[0].functions[1].regions[0][5] (fileID) is out of range "
		 "(1; expected 0 to 0)"},
		{"{\"name\": \"f\", \"count\": 1, \"regions\": [[1,1,2,1,1,\"0\",0,0]], \"filenames\":"
		 " [\"/a.c\"]}", "(fileID) is not a number"},
	};
	for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
		char *doc = NULL;
		assert_true(asprintf(&doc, HEAD "[{\"files\": [{\"filename\": \"/a.c\", \"segments\":"
		                     " []}], \"functions\": [{\"name\": \"ok\", \"count\": 1, "
		                     "\"regions\": [[1,1,2,1,1,0,0,0]], \"filenames\": [\"/a.c\"]}, %s]}]}",
		                     fns[i][0]) > 0);
		expect_error(doc, fns[i][1]);
		free(doc);
	}
	/* an error in a later data element drops the earlier ones' files too */
	expect_error(HEAD "[{\"files\": [{\"filename\": \"/a.c\", \"segments\": []}]}, 0]}",
	             "data[1] is not an object");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_line_rule),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
