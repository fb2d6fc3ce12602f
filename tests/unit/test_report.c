/* Unit tests: report writers on a hand-built result model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cx_report.h"

static struct cx_block blocks[] = {
	{CX_K_FOR, 12, 30, 1, 5, 9},
	{CX_K_IF, 14, 20, 2, 2, 3},
};
static struct cx_increment incs[] = {
	{CX_K_FOR, 12, 5, 1, 1, 0},
	{CX_K_IF, 14, 9, 1, 2, 1},
	{CX_K_AND, 14, 13, 1, 1, 1},
};

static struct cx_function funcs_a[] = {
	{.name = "big", .line = 10, .column = 5, .end_line = 40, .ccn = 25, .ccn_modified = 20,
	 .npath = INT64_MAX, .cognitive = 30, .max_nesting = 6, .params = 8, .nloc = 120,
	 .tokens = 900, .statements = 80, .length = 31, .blocks = blocks, .nblocks = 2,
	 .incs = incs, .nincs = 3},
	{.name = "small", .line = 50, .column = 6, .end_line = 52, .ccn = 1, .ccn_modified = 1,
	 .npath = 1, .length = 3, .nloc = 3, .tokens = 6, .statements = 1},
};
static struct cx_function funcs_b[] = {
	{.name = "mid", .line = 3, .column = 1, .end_line = 9, .ccn = 12, .ccn_modified = 12,
	 .npath = 9007199254740993LL, .cognitive = 4, .variadic = true, .length = 7},
};
static char *diags[] = {"b,\"x\".c:1:1: error: boom"};
static struct cx_file files[] = {
	{.path = "src/a.c", .status = CX_FILE_OK, .funcs = funcs_a, .nfuncs = 2},
	{.path = "b,\"x\".c", .status = CX_FILE_DEGRADED, .diags = diags, .ndiags = 1,
	 .funcs = funcs_b, .nfuncs = 1},
	{.path = "bad\xff\xf5\x80\x80.c", .status = CX_FILE_ERROR}, /* F5 leads nothing */
};
static struct cx_result res = {.root = "/r", .files = files, .nfiles = 3, .elapsed_s = 0.5};
static struct cx_report_opts ro = {.tool_version = "9.9", .clang_version = "clang 14",
                                   .top = 2, .sort = CX_M_CCN};

typedef int (*writer)(FILE *, const struct cx_result *, const struct cx_report_opts *,
                      struct cx_ctx *);

static char *render_of(writer w, const struct cx_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct cx_ctx ctx = {0};
	assert_int_equal(w(f, r, &ro, &ctx), 0);
	fclose(f);
	return buf;
}

static char *render(writer w)
{
	return render_of(w, &res);
}

static void test_json(void **state)
{
	(void)state;
	char *out = render(cx_report_json);
	/* exact beyond 2^53, where a double would round */
	assert_non_null(strstr(out, "\"npath\": 9223372036854775807"));
	assert_non_null(strstr(out, "\"npath\": 9007199254740993"));
	cJSON *doc = cJSON_Parse(out);
	assert_non_null(doc);
	assert_int_equal(cJSON_GetObjectItem(doc, "schema_version")->valueint, 1);
	cJSON *sum = cJSON_GetObjectItem(doc, "summary");
	assert_int_equal(cJSON_GetObjectItem(sum, "files")->valueint, 3);
	assert_int_equal(cJSON_GetObjectItem(sum, "functions")->valueint, 3);
	assert_int_equal(cJSON_GetObjectItem(sum, "degraded")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(sum, "errors")->valueint, 1);
	cJSON *fl = cJSON_GetObjectItem(doc, "files");
	cJSON *f1 = cJSON_GetArrayItem(fl, 1);
	assert_string_equal(cJSON_GetObjectItem(f1, "path")->valuestring, "b,\"x\".c");
	assert_string_equal(cJSON_GetObjectItem(f1, "status")->valuestring, "degraded");
	cJSON *f2 = cJSON_GetArrayItem(fl, 2);
	assert_string_equal(cJSON_GetObjectItem(f2, "path")->valuestring,
	                    "bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.c");
	cJSON *big = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(fl, 0), "functions"), 0);
	cJSON *b0 = cJSON_GetArrayItem(cJSON_GetObjectItem(big, "blocks"), 0);
	assert_string_equal(cJSON_GetObjectItem(b0, "kind")->valuestring, "for");
	assert_int_equal(cJSON_GetObjectItem(b0, "end_line")->valueint, 30);
	assert_int_equal(cJSON_GetObjectItem(b0, "cognitive")->valueint, 9);
	cJSON_Delete(doc);
	free(out);
}

/* A function is one line, written raw (json.c): pin its bytes, and a
 * function with more blocks than the line buffer holds. */
static void test_json_lines(void **state)
{
	(void)state;
	char *out = render(cx_report_json);
	assert_non_null(strstr(out,
		"\n        { \"name\": \"big\", \"line\": 10, \"column\": 5, \"end_line\": 40, "
		"\"ccn\": 25, \"ccn_modified\": 20, \"npath\": 9223372036854775807, "
		"\"cognitive\": 30, \"max_nesting\": 6, \"params\": 8, \"variadic\": false, "
		"\"nloc\": 120, \"tokens\": 900, \"statements\": 80, \"length\": 31, "
		"\"from_macro\": false, \"blocks\": [ { \"kind\": \"for\", \"line\": 12, "
		"\"end_line\": 30, \"depth\": 1, \"ccn\": 5, \"cognitive\": 9}, { \"kind\": "
		"\"if\", \"line\": 14, \"end_line\": 20, \"depth\": 2, \"ccn\": 2, "
		"\"cognitive\": 3}]},\n        { \"name\": \"small\", \"line\": 50, "));
	assert_non_null(strstr(out, "\"variadic\": true, \"nloc\": 0, \"tokens\": 0, "
	                            "\"statements\": 0, \"length\": 7, \"from_macro\": false, "
	                            "\"blocks\": []}\n      ]"));
	free(out);

	enum { NB = 200 };
	static struct cx_block many[NB];
	for (size_t i = 0; i < NB; i++)
		many[i] = (struct cx_block){CX_K_WHILE, (uint32_t)i + 1, UINT32_MAX, 4000000000u,
		                            (uint32_t)i * 1000003u, 7};
	struct cx_function fn = {.name = "w\"q", .line = 1, .end_line = UINT32_MAX, .ccn = 201,
	                         .npath = -1, .from_macro = true, .blocks = many, .nblocks = NB};
	struct cx_file f = {.path = "m.c", .funcs = &fn, .nfuncs = 1};
	struct cx_result r = {.root = "/r", .files = &f, .nfiles = 1};
	char *buf = render_of(cx_report_json, &r);
	cJSON *doc = cJSON_Parse(buf);
	assert_non_null(doc);
	cJSON *jf = cJSON_GetArrayItem(cJSON_GetObjectItem(
		cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "files"), 0), "functions"), 0);
	assert_string_equal(cJSON_GetObjectItem(jf, "name")->valuestring, "w\"q");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(jf, "from_macro")));
	assert_int_equal(cJSON_GetObjectItem(jf, "npath")->valuedouble, -1);
	assert_int_equal(cJSON_GetObjectItem(jf, "end_line")->valuedouble, UINT32_MAX);
	cJSON *bl = cJSON_GetObjectItem(jf, "blocks");
	assert_int_equal(cJSON_GetArraySize(bl), NB);
	for (int i = 0; i < NB; i++) {
		cJSON *b = cJSON_GetArrayItem(bl, i);
		assert_string_equal(cJSON_GetObjectItem(b, "kind")->valuestring, "while");
		assert_int_equal(cJSON_GetObjectItem(b, "line")->valueint, i + 1);
		assert_int_equal(cJSON_GetObjectItem(b, "depth")->valuedouble, 4000000000.0);
		assert_int_equal(cJSON_GetObjectItem(b, "ccn")->valuedouble, (double)i * 1000003);
	}
	assert_non_null(strstr(buf, "\"npath\": -1,"));
	cJSON_Delete(doc);
	free(buf);
}

static void test_csv(void **state)
{
	(void)state;
	char *out = render(cx_report_csv);
	assert_true(strncmp(out, "path,function,line,column,end_line,ccn,", 39) == 0);
	assert_non_null(strstr(out, "\r\nsrc/a.c,big,10,5,40,25,20,9223372036854775807,30,6,8,0,"
	                            "120,900,80,31,0,ok\r\n"));
	assert_non_null(strstr(out, "\r\n\"b,\"\"x\"\".c\",mid,3,1,9,12,12,9007199254740993,"));
	free(out);
}

static void test_text(void **state)
{
	(void)state;
	char *out = render(cx_report_text);
	const char *big = strstr(out, "src/a.c:10"), *mid = strstr(out, "mid");
	assert_non_null(big);
	assert_non_null(mid);
	assert_true(big < mid); /* ranked by ccn */
	assert_null(strstr(out, "small")); /* --top 2 */
	assert_non_null(strstr(out, "1 more functions"));
	assert_non_null(strstr(out, "3 files, 3 functions, 1 degraded, 1 errors"));
	assert_non_null(strstr(out, "1-10 33.3% (1)  11-20 33.3% (1)  21-50 33.3% (1)  >50 0.0% (0)"));
	assert_null(strchr(out, '\033')); /* no colour unless asked */
	free(out);
	ro.color = true;
	out = render(cx_report_text);
	assert_non_null(strstr(out, "\033[1;31m 25\033[0m")); /* ccn 25 > error 20 */
	ro.color = false;
	free(out);
}

static void test_explain(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct cx_ctx ctx = {0};
	assert_int_equal(cx_report_explain(f, &res, "a.c", "big", &ctx), 0);
	fclose(f);
	assert_non_null(strstr(buf, "src/a.c:10:5: big: ccn 25"));
	assert_non_null(strstr(buf, "14:9        +1   +2         if (+1 for nesting)"));
	assert_non_null(strstr(buf, "&& (starts a sequence)"));
	assert_non_null(strstr(buf, "for    lines 12-30  depth 1  ccn 5  cognitive 9"));
	assert_null(strstr(buf, "note:"));
	free(buf);
	/* a function of a degraded file says so */
	f = open_memstream(&buf, &len);
	assert_int_equal(cx_report_explain(f, &res, "b,\"x\".c", "mid", &ctx), 0);
	fclose(f);
	assert_non_null(strstr(buf, "  note: b,\"x\".c is degraded, the numbers may be low: "
	                            "b,\"x\".c:1:1: error: boom\n"));
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(cx_report_explain(f, &res, "c.c", "big", &ctx), CX_EINVAL);
	assert_non_null(strstr(ctx.msg, "no function 'big' in 'c.c'"));
	fclose(f);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json), cmocka_unit_test(test_json_lines),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_text), cmocka_unit_test(test_explain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
