/* Unit tests: unified diff parsing for --changed-only (cx_diff.h). The
 * samples are real `git diff -U0 --no-color --no-ext-diff --src-prefix=a/
 * --dst-prefix=b/` output (git 2.39), made in a scratch repository. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx_diff.h"
#include "cx_limits.h"

/* --cached after: an edit with a deletion and header-like added lines, a
 * new file, a binary change, a deletion, a mode change, a rename with an
 * edit, a new binary, "\ No newline", names with a space, a tab and UTF-8 */
static const char g_sample[] =
	"diff --git a/a.c b/a.c\n"
	"index 5fcb7b1..1476d7c 100644\n"
	"--- a/a.c\n"
	"+++ b/a.c\n"
	"@@ -2 +2 @@ line1\n"
	"-line2\n"
	"+LINE2\n"
	"@@ -4 +3,0 @@ line3\n"
	"-line4\n"
	"@@ -6,0 +6,4 @@ line6\n"
	"+added7\n"
	"+--- a/fake\n"
	"++++ b/fake\n"
	"+@@ -1 +1 @@\n"
	"diff --git a/added.c b/added.c\n"
	"new file mode 100644\n"
	"index 0000000..07f33c4\n"
	"--- /dev/null\n"
	"+++ b/added.c\n"
	"@@ -0,0 +1,2 @@\n"
	"+new\n"
	"+file\n"
	"diff --git a/blob.bin b/blob.bin\n"
	"index 88768ef..3e3315e 100644\n"
	"Binary files a/blob.bin and b/blob.bin differ\n"
	"diff --git a/gone.c b/gone.c\n"
	"deleted file mode 100644\n"
	"index 3367afd..0000000\n"
	"--- a/gone.c\n"
	"+++ /dev/null\n"
	"@@ -1 +0,0 @@\n"
	"-old\n"
	"diff --git a/mode.sh b/mode.sh\n"
	"old mode 100644\n"
	"new mode 100755\n"
	"diff --git a/old_name.c b/new_name.c\n"
	"similarity index 88%\n"
	"rename from old_name.c\n"
	"rename to new_name.c\n"
	"index 2a5ebe4..ca3f57b 100644\n"
	"--- a/old_name.c\n"
	"+++ b/new_name.c\n"
	"@@ -7,0 +8 @@ detect\n"
	"+plus\n"
	"diff --git a/newbin.bin b/newbin.bin\n"
	"new file mode 100644\n"
	"index 0000000..28eacf2\n"
	"Binary files /dev/null and b/newbin.bin differ\n"
	"diff --git a/nonl.c b/nonl.c\n"
	"index 1a9d148..7adf2e5 100644\n"
	"--- a/nonl.c\n"
	"+++ b/nonl.c\n"
	"@@ -1 +1 @@\n"
	"-nonl\n"
	"\\ No newline at end of file\n"
	"+nonl2\n"
	"\\ No newline at end of file\n"
	"diff --git a/sp ace.c b/sp ace.c\n"
	"index bca70f3..8a08eba 100644\n"
	"--- a/sp ace.c\t\n"
	"+++ b/sp ace.c\t\n"
	"@@ -1,0 +2 @@ q\n"
	"+r\n"
	"diff --git \"a/tab\\there.c\" \"b/tab\\there.c\"\n"
	"index 718f4d2..39fc099 100644\n"
	"--- \"a/tab\\there.c\"\n"
	"+++ \"b/tab\\there.c\"\n"
	"@@ -1,0 +2 @@ t\n"
	"+t2\n"
	"diff --git \"a/\\303\\274ber.c\" \"b/\\303\\274ber.c\"\n"
	"index 4ae8ef0..24188bd 100644\n"
	"--- \"a/\\303\\274ber.c\"\n"
	"+++ \"b/\\303\\274ber.c\"\n"
	"@@ -1,0 +2 @@ u\n"
	"+v\n";

/* -C --find-copies-harder: a copy and renames without content changes */
static const char g_renames[] =
	"diff --git a/new_name.c b/copy_of.c\n"
	"similarity index 100%\n"
	"copy from new_name.c\n"
	"copy to copy_of.c\n"
	"diff --git a/sp ace.c b/new sp.c\n"
	"similarity index 100%\n"
	"rename from sp ace.c\n"
	"rename to new sp.c\n"
	"diff --git a/a.c \"b/r\\303\\274n.c\"\n"
	"similarity index 100%\n"
	"rename from a.c\n"
	"rename to \"r\\303\\274n.c\"\n";

/* `git diff` during a conflicted merge */
static const char g_combined[] =
	"diff --cc added.c\n"
	"index ba2906d,2299c37..0000000\n"
	"--- a/added.c\n"
	"+++ b/added.c\n"
	"@@@ -1,1 -1,1 +1,5 @@@\n"
	"++<<<<<<< HEAD\n"
	" +main\n";

/* a deleted binary file and a deleted file whose name has a space */
static const char g_deleted[] =
	"diff --git a/b.bin b/b.bin\n"
	"deleted file mode 100644\n"
	"index 3e3315e..0000000\n"
	"Binary files a/b.bin and /dev/null differ\n"
	"diff --git a/sp ace.c b/sp ace.c\n"
	"deleted file mode 100644\n"
	"index 8a08eba..0000000\n"
	"--- a/sp ace.c\t\n"
	"+++ /dev/null\n"
	"@@ -1,2 +0,0 @@\n"
	"-q\n"
	"-r\n"
	"diff --git a/kept.c b/kept.c\n"
	"index 8a08eba..0000000 100644\n"
	"--- a/kept.c\n"
	"+++ b/kept.c\n"
	"@@ -1,2 +0,0 @@\n"
	"-q\n"
	"-r\n";

struct want_range {
	uint32_t first, last;
};

static void parse_ok(const char *text, size_t len, struct cx_diff *d)
{
	struct cx_ctx ctx = { 0 };
	int rc = cx_diff_parse(text, len, "t.diff", d, &ctx);
	if (rc != 0)
		fail_msg("parse failed (%d): %s", rc, ctx.msg);
}

static void check_file(const struct cx_diff *d, size_t i, const char *path,
                       const struct want_range *r, size_t n)
{
	assert_true(i < d->n);
	const struct cx_diff_file *f = &d->files[i];
	assert_string_equal(f->path, path);
	assert_int_equal(f->nranges, n);
	for (size_t k = 0; k < n; k++) {
		assert_int_equal(f->ranges[k].first, r[k].first);
		assert_int_equal(f->ranges[k].last, r[k].last);
	}
}

/* parsing text fails with rc and exactly this message */
static void parse_err(const char *text, int want, const char *msg)
{
	struct cx_diff d;
	struct cx_ctx ctx = { 0 };
	int rc = cx_diff_parse(text, strlen(text), "t.diff", &d, &ctx);
	assert_int_equal(rc, want);
	assert_string_equal(ctx.msg, msg);
	assert_int_equal(d.n, 0);
	assert_null(d.files);
}

/* text holds one file, path, with these ranges */
static void one_file(const char *text, const char *path, const struct want_range *r, size_t n)
{
	struct cx_diff d;
	parse_ok(text, strlen(text), &d);
	assert_int_equal(d.n, 1);
	check_file(&d, 0, path, r, n);
	cx_diff_release(&d);
}

static void test_git_sample(void **state)
{
	(void)state;
	struct cx_diff d;
	parse_ok(g_sample, sizeof g_sample - 1, &d);
	assert_int_equal(d.n, 10);
	check_file(&d, 0, "a.c", (struct want_range[]){ { 2, 3 }, { 6, 9 } }, 2);
	check_file(&d, 1, "added.c", (struct want_range[]){ { 1, 2 } }, 1);
	check_file(&d, 2, "blob.bin", NULL, 0);
	check_file(&d, 3, "mode.sh", NULL, 0);
	check_file(&d, 4, "new_name.c", (struct want_range[]){ { 8, 8 } }, 1);
	check_file(&d, 5, "newbin.bin", NULL, 0);
	check_file(&d, 6, "nonl.c", (struct want_range[]){ { 1, 1 } }, 1);
	check_file(&d, 7, "sp ace.c", (struct want_range[]){ { 2, 2 } }, 1);
	check_file(&d, 8, "tab\there.c", (struct want_range[]){ { 2, 2 } }, 1);
	check_file(&d, 9, "\xc3\xbc" "ber.c", (struct want_range[]){ { 2, 2 } }, 1);
	assert_null(cx_diff_find(&d, "gone.c"));
	assert_null(cx_diff_find(&d, "fake"));
	assert_null(cx_diff_find(&d, "old_name.c"));
	assert_ptr_equal(cx_diff_find(&d, "nonl.c"), &d.files[6]);
	assert_null(cx_diff_find(&d, "nonl"));
	assert_null(cx_diff_find(NULL, "a.c"));
	cx_diff_release(&d);
	assert_int_equal(d.n, 0);
	assert_null(d.files);
	cx_diff_release(&d);
	cx_diff_release(NULL);
}

static void test_renames_and_deletions(void **state)
{
	(void)state;
	struct cx_diff d;
	parse_ok(g_renames, sizeof g_renames - 1, &d);
	assert_int_equal(d.n, 3);
	check_file(&d, 0, "copy_of.c", NULL, 0);
	check_file(&d, 1, "new sp.c", NULL, 0);
	check_file(&d, 2, "r\xc3\xbcn.c", NULL, 0);
	cx_diff_release(&d);

	/* deleting the first lines of a file that stays: line 1 */
	parse_ok(g_deleted, sizeof g_deleted - 1, &d);
	assert_int_equal(d.n, 1);
	check_file(&d, 0, "kept.c", (struct want_range[]){ { 1, 1 } }, 1);
	cx_diff_release(&d);
}

static void test_combined_rejected(void **state)
{
	(void)state;
	parse_err(g_combined, CX_EINVAL,
	          "t.diff:1: combined diff (a merge in progress) is not supported: diff against "
	          "one side");
	parse_err("--- a/x\n+++ b/x\n@@@ -1 -1 +1 @@@\n", CX_EINVAL,
	          "t.diff:3: combined diff (a merge in progress) is not supported: diff against "
	          "one side");
}

static void test_hunk_numbers(void **state)
{
	(void)state;
	/* d omitted: 1; d = 0: the line of the deletion; c = 0: line 1 */
	one_file("--- a/x\n+++ b/x\n@@ -5 +7 @@\n-a\n+b\n", "x",
	         (struct want_range[]){ { 7, 7 } }, 1);
	one_file("--- a/x\n+++ b/x\n@@ -5,2 +4,0 @@\n-a\n-b\n", "x",
	         (struct want_range[]){ { 4, 4 } }, 1);
	one_file("--- a/x\n+++ b/x\n@@ -1,2 +0,0 @@\n-a\n-b\n", "x",
	         (struct want_range[]){ { 1, 1 } }, 1);
	one_file("--- a/x\n+++ b/x\n@@ -1 +4294967295 @@ f\n-a\n+b\n", "x",
	         (struct want_range[]){ { 4294967295u, 4294967295u } }, 1);
	one_file("--- a/x\n+++ b/x\n@@ -0,0 +4294967294,2 @@\n+a\n+b\n", "x",
	         (struct want_range[]){ { 4294967294u, 4294967295u } }, 1);
	/* out of order, overlapping and adjacent hunks are sorted and merged */
	one_file("--- a/x\n+++ b/x\n"
	         "@@ -20,0 +10,5 @@\n+\n+\n+\n+\n+\n"
	         "@@ -1,0 +1,3 @@\n+\n+\n+\n"
	         "@@ -3 +4 @@\n-\n+\n"
	         "@@ -30,0 +12,10 @@\n+\n+\n+\n+\n+\n+\n+\n+\n+\n+\n"
	         "@@ -40 +30,0 @@\n-\n"
	         "@@ -41 +30,0 @@\n-\n",
	         "x", (struct want_range[]){ { 1, 4 }, { 10, 21 }, { 30, 30 } }, 3);
}

static void test_header_like_content(void **state)
{
	(void)state;
	/* removed and added lines that look like headers are counted, not read */
	one_file("diff --git a/x b/x\n--- a/x\n+++ b/x\n"
	         "@@ -1,5 +1,4 @@\n"
	         "---- a/y\n"
	         "-+++ b/y\n"
	         "-@@ -1 +1 @@\n"
	         "-diff --git a/z b/z\n"
	         "-rename to w\n"
	         "++++ b/v\n"
	         "+diff --cc q\n"
	         "+@@@ -1 -1 +1 @@@\n"
	         "+\\ x\n"
	         "\\ No newline at end of file\n",
	         "x", (struct want_range[]){ { 1, 4 } }, 1);
	/* context lines (-U1), an empty context line, CRLF */
	one_file("--- a/x\r\n+++ b/x\r\n@@ -1,3 +1,3 @@\r\n a\r\n-b\r\n+c\r\n\r\n", "x",
	         (struct want_range[]){ { 1, 3 } }, 1);
}

static void test_other_forms(void **state)
{
	(void)state;
	struct cx_diff d;
	/* plain diff -u with timestamps, after text that is not a diff */
	static const char plain[] =
		"From 1234 Mon Sep 17 00:00:00 2001\nSubject: x\n---\n foo | 2 +-\n\n"
		"--- a/x.c\t2024-01-01 00:00:00.000000000 +0000\n"
		"+++ b/x.c\t2024-01-02 00:00:00.000000000 +0000\n"
		"@@ -3 +3,2 @@\n-a\n+b\n+c\n"
		"--- a/y.c\n+++ b/y.c\n@@ -1 +1 @@\n-a\n+b\n-- \n2.39.2\n";
	parse_ok(plain, sizeof plain - 1, &d);
	assert_int_equal(d.n, 2);
	check_file(&d, 0, "x.c", (struct want_range[]){ { 3, 4 } }, 1);
	check_file(&d, 1, "y.c", (struct want_range[]){ { 1, 1 } }, 1);
	cx_diff_release(&d);

	/* empty input, no trailing newline, the default name */
	parse_ok("", 0, &d);
	assert_int_equal(d.n, 0);
	one_file("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b", "x", (struct want_range[]){ { 1, 1 } },
	         1);
	/* quoted with every escape; "+++" wins over the diff --git line */
	one_file("diff --git a/q b/q\n--- a/q\n+++ \"b/\\a\\b\\t\\n\\v\\f\\r\\\"\\\\\\001\\377\"\n",
	         "\a\b\t\n\v\f\r\"\\\001\377", NULL, 0);
	/* the diff --git line with one quoted name */
	one_file("diff --git \"a/\\303\\274\" b/u\nold mode 100644\nnew mode 100755\n", "u", NULL,
	         0);
	/* len bounds the parse, not a NUL */
	static const char nul[] = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-\0\n+\0\nxx";
	parse_ok(nul, sizeof nul - 3, &d);
	check_file(&d, 0, "x", (struct want_range[]){ { 1, 1 } }, 1);
	cx_diff_release(&d);

	struct cx_ctx ctx = { 0 };
	assert_int_equal(cx_diff_parse("+++ b/x\n", 8, NULL, &d, &ctx), CX_EINVAL);
	assert_string_equal(ctx.msg, "diff:1: '+++' line without a '---' line before it");
}

static void test_malformed_hunks(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"@@ -1 +1@@", "@@ 1 +1 @@", "@@ -1, +1 @@", "@@ -1 +1 @@x", "@@ -a +1 @@",
		"@@ -1 -1 @@", "@@ -1 +1 @", "@@ -1  +1 @@", "@@ -1 +,1 @@", "@@ -1 +1,2,3 @@",
		"@@ -1 +1",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[128], msg[160];
		snprintf(text, sizeof text, "--- a/x\n+++ b/x\n%s\n", bad[i]);
		snprintf(msg, sizeof msg, "t.diff:3: malformed hunk header '%s'", bad[i]);
		parse_err(text, CX_EINVAL, msg);
	}
	parse_err("--- a/x\n+++ b/x\n@@ -1 +4294967296 @@\n", CX_EINVAL,
	          "t.diff:3: line number out of range in hunk header");
	parse_err("--- a/x\n+++ b/x\n@@ -1 +4294967295,2 @@\n", CX_EINVAL,
	          "t.diff:3: line number out of range in hunk header");
	parse_err("--- a/x\n+++ b/x\n@@ -99999999999999999999999 +1 @@\n", CX_EINVAL,
	          "t.diff:3: line number out of range in hunk header");
	parse_err("--- a/x\n+++ b/x\n@@ -1 +1,18446744073709551617 @@\n", CX_EINVAL,
	          "t.diff:3: line number out of range in hunk header");
	parse_err("--- a/x\n+++ b/x\n@@ -0,0 +0,1 @@\n+a\n", CX_EINVAL,
	          "t.diff:3: hunk header adds lines at line 0");
	parse_err("@@ -1 +1 @@\n-a\n+b\n", CX_EINVAL,
	          "t.diff:1: hunk header outside a file (no '+++' line before it)");
	parse_err("diff --git a/x b/x\n@@ -1 +1 @@\n", CX_EINVAL,
	          "t.diff:2: hunk header outside a file (no '+++' line before it)");
}

static void test_malformed_bodies(void **state)
{
	(void)state;
	parse_err("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\ndiff --git a/y b/y\n", CX_EINVAL,
	          "t.diff:6: hunk ends early (1 old and 1 new lines missing)");
	parse_err("--- a/x\n+++ b/x\n@@ -1,2 +1 @@\n-a\n", CX_EINVAL,
	          "t.diff:4: diff ends inside a hunk (1 old and 1 new lines missing)");
	parse_err("--- a/x\n+++ b/x\n@@ -1 +1 @@\n+a\n+b\n", CX_EINVAL,
	          "t.diff:5: '+' line beyond the hunk's line counts");
	parse_err("--- a/x\n+++ b/x\n@@ -1 +1,0 @@\n a\n", CX_EINVAL,
	          "t.diff:4: ' ' line beyond the hunk's line counts");
	parse_err("--- a/x\nindex 1..2\n", CX_EINVAL,
	          "t.diff:2: '---' line not followed by a '+++' line");
	parse_err("diff --git a/x b/x\n--- a/x\n", CX_EINVAL,
	          "t.diff:2: '---' line not followed by a '+++' line");
	parse_err("--- a/x\n+++ b/x\n+++ b/x\n", CX_EINVAL,
	          "t.diff:3: '+++' line without a '---' line before it");
}

/* cx_diff_find: a binary search by path, the first file in diff order
 * when a path repeats. */
static void test_find_order(void **state)
{
	(void)state;
	static const char text[] =
		"--- a/z.c\n+++ b/z.c\n@@ -1 +1 @@\n-a\n+b\n"
		"--- a/m.c\n+++ b/m.c\n@@ -1 +1 @@\n-a\n+b\n"
		"--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n-a\n+b\n"
		"--- a/m.c\n+++ b/m.c\n@@ -5 +5 @@\n-a\n+b\n";
	struct cx_diff d;
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_diff_parse(text, sizeof text - 1, "t", &d, &ctx), 0);
	assert_int_equal(d.n, 4);
	assert_ptr_equal(cx_diff_find(&d, "z.c"), &d.files[0]);
	assert_ptr_equal(cx_diff_find(&d, "m.c"), &d.files[1]);
	assert_ptr_equal(cx_diff_find(&d, "a.c"), &d.files[2]);
	assert_null(cx_diff_find(&d, "b.c"));
	assert_null(cx_diff_find(&d, "0.c"));
	assert_null(cx_diff_find(&d, "zz.c"));
	/* a diff built by hand, without the index: a linear search */
	struct cx_diff hand = {d.files, d.n, d.cap, NULL};
	assert_ptr_equal(cx_diff_find(&hand, "m.c"), &d.files[1]);
	cx_diff_release(&d);
	assert_null(d.by_path);
}

static void test_bad_names(void **state)
{
	(void)state;
	parse_err("--- x\n+++ x\n", CX_EINVAL,
	          "t.diff:2: '+++' path 'x' is not b/PATH (run git diff with --dst-prefix=b/)");
	parse_err("--- a/x\n+++ b/\n", CX_EINVAL,
	          "t.diff:2: '+++' path 'b/' is not b/PATH (run git diff with --dst-prefix=b/)");
	parse_err("--- a/x\n+++ \"b/x\\q\"\n", CX_EINVAL, "t.diff:2: malformed file name '\"b/x\\q\"'");
	parse_err("--- a/x\n+++ \"b/x\n", CX_EINVAL, "t.diff:2: malformed file name '\"b/x'");
	parse_err("--- a/x\n+++ \"b/x\\000\"\n", CX_EINVAL,
	          "t.diff:2: malformed file name '\"b/x\\000\"'");
	parse_err("--- a/x\n+++ \"b/x\\400\"\n", CX_EINVAL,
	          "t.diff:2: malformed file name '\"b/x\\400\"'");
	parse_err("--- a/x\n+++ \"b/x\\12\"\n", CX_EINVAL,
	          "t.diff:2: malformed file name '\"b/x\\12\"'");
	parse_err("--- a/x\n+++ \"\"\n", CX_EINVAL, "t.diff:2: malformed file name '\"\"'");
	parse_err("--- a/x\n+++ \n", CX_EINVAL, "t.diff:2: malformed file name ''");
	parse_err("diff --git \"a/x b/x\n", CX_EINVAL, "t.diff:1: malformed file name '\"a/x b/x'");
	parse_err("diff --git a/x b/x\nrename to \"\\\"\n", CX_EINVAL,
	          "t.diff:2: malformed file name '\"\\\"'");
	/* names that cannot be told apart, without a rename or +++ line */
	parse_err("diff --git x y\nold mode 100644\nnew mode 100755\n", CX_EINVAL,
	          "t.diff:1: cannot tell the new path from the 'diff --git' line (expected "
	          "\"a/PATH b/PATH\" or a 'rename to' or '+++' line)");
	parse_err("diff --git a/x y b/z\nindex 1..2\ndiff --git a/q b/q\n", CX_EINVAL,
	          "t.diff:1: cannot tell the new path from the 'diff --git' line (expected "
	          "\"a/PATH b/PATH\" or a 'rename to' or '+++' line)");
	/* an unquoted name with a NUL byte */
	static const char nul[] = "--- a/x\n+++ b/a\0b\n";
	struct cx_diff d;
	struct cx_ctx ctx = { 0 };
	assert_int_equal(cx_diff_parse(nul, sizeof nul - 1, "t.diff", &d, &ctx), CX_EINVAL);
	assert_string_equal(ctx.msg, "t.diff:2: malformed file name 'b/a'");
}

/* n files "--- a/fN +++ b/fN", each with `hunks` hunks */
static char *many(size_t n, size_t hunks, size_t *len)
{
	size_t cap = n * (40 + hunks * 24) + 1, o = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	for (size_t i = 0; i < n; i++) {
		o += (size_t)snprintf(t + o, cap - o, "--- a/f%zu\n+++ b/f%zu\n", i, i);
		for (size_t k = 0; k < hunks; k++)
			o += (size_t)snprintf(t + o, cap - o, "@@ -0,0 +%zu,0 @@\n", 2 * k + 1);
	}
	*len = o;
	return t;
}

static void test_limits(void **state)
{
	(void)state;
	struct cx_diff d;
	struct cx_ctx ctx = { 0 };
	size_t len;
	char *t = many(CX_MAX_DIFF_FILES, 0, &len);
	parse_ok(t, len, &d);
	assert_int_equal(d.n, CX_MAX_DIFF_FILES);
	cx_diff_release(&d);
	free(t);

	t = many(CX_MAX_DIFF_FILES + 1, 0, &len);
	assert_int_equal(cx_diff_parse(t, len, "t.diff", &d, &ctx), CX_ELIMIT);
	char msg[128];
	snprintf(msg, sizeof msg, "t.diff:%d: more than %d files", 2 * CX_MAX_DIFF_FILES + 1,
	         CX_MAX_DIFF_FILES);
	assert_string_equal(ctx.msg, msg);
	assert_int_equal(d.n, 0);
	free(t);

	/* ranges count over all files, before merging */
	t = many(10, CX_MAX_DIFF_RANGES / 10, &len);
	parse_ok(t, len, &d);
	assert_int_equal(d.n, 10);
	assert_int_equal(d.files[9].nranges, CX_MAX_DIFF_RANGES / 10);
	cx_diff_release(&d);
	free(t);
	t = many(11, CX_MAX_DIFF_RANGES / 10, &len);
	assert_int_equal(cx_diff_parse(t, len, "t.diff", &d, &ctx), CX_ELIMIT);
	snprintf(msg, sizeof msg, "t.diff:%d: more than %d changed-line ranges",
	         10 * (2 + CX_MAX_DIFF_RANGES / 10) + 3, CX_MAX_DIFF_RANGES);
	assert_string_equal(ctx.msg, msg);
	free(t);
}

static void test_touches(void **state)
{
	(void)state;
	struct cx_line_range r[] = { { 3, 5 }, { 10, 10 }, { 20, 4294967295u } };
	struct cx_diff_file f = { "x", r, 3 };
	assert_false(cx_diff_touches(&f, 1, 2));
	assert_true(cx_diff_touches(&f, 1, 3));
	assert_true(cx_diff_touches(&f, 4, 4));
	assert_true(cx_diff_touches(&f, 5, 9));
	assert_false(cx_diff_touches(&f, 6, 9));
	assert_true(cx_diff_touches(&f, 6, 10));
	assert_true(cx_diff_touches(&f, 10, 10));
	assert_false(cx_diff_touches(&f, 11, 19));
	assert_true(cx_diff_touches(&f, 1, 100));
	assert_true(cx_diff_touches(&f, 4294967295u, 4294967295u));
	assert_false(cx_diff_touches(&f, 9, 4)); /* an empty span */
	assert_false(cx_diff_touches(NULL, 1, 1));
	struct cx_diff_file empty = { "y", NULL, 0 };
	assert_false(cx_diff_touches(&empty, 1, 4294967295u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_git_sample),
		cmocka_unit_test(test_renames_and_deletions),
		cmocka_unit_test(test_combined_rejected),
		cmocka_unit_test(test_hunk_numbers),
		cmocka_unit_test(test_header_like_content),
		cmocka_unit_test(test_other_forms),
		cmocka_unit_test(test_malformed_hunks),
		cmocka_unit_test(test_malformed_bodies),
		cmocka_unit_test(test_find_order),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_touches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
