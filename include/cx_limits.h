/* Every limit that untrusted input can inflate, with its reason. */
#ifndef CX_LIMITS_H
#define CX_LIMITS_H

/* Source files larger than this are reported as errors, not parsed: no
 * hand-written C file is this large, and libclang's memory grows with it. */
#define CX_MAX_SOURCE_BYTES (64u * 1024u * 1024u)

/* compile_commands.json larger than this is rejected (the kernel's full
 * database is ~30 MB). */
#define CX_MAX_COMPDB_BYTES (512u * 1024u * 1024u)

/* Response files (@file) nest at most this deep and are at most this big. */
#define CX_MAX_RSP_DEPTH 8
#define CX_MAX_RSP_BYTES (1u * 1024u * 1024u)

/* Arguments of one compile command. */
#define CX_MAX_ARGS 8192

/* AST depth the metric walkers descend to. The analyzer runs on a thread
 * with CX_ANALYZER_STACK bytes of stack; each level costs well under 512
 * bytes of it, so this depth cannot overflow. Deeper subtrees are not
 * measured and the file is marked degraded. */
#define CX_MAX_AST_DEPTH 100000
/* libclang also parses on this thread (LIBCLANG_NOTHREADS): its recursive
 * descent costs about 2 KiB per level of nesting, so 1 GiB of stack (only
 * reserved; pages are committed as touched) parses expressions and
 * statements nested ~500,000 deep. Deeper input still overflows inside
 * libclang; no hand-written or generated C seen comes near. */
#define CX_ANALYZER_STACK (1024u * 1024u * 1024u)

/* AST nodes of one function: beyond this the function is measured up to the
 * limit and the file is marked degraded. */
#define CX_MAX_FUNCTION_NODES (16u * 1024u * 1024u)

/* Diagnostics kept per degraded file (the first ones). */
#define CX_MAX_DIAGNOSTICS 3

/* Directory depth of the source walk (symlinked directories are not
 * followed, so this only bounds pathological trees). */
#define CX_MAX_WALK_DEPTH 256

/* Worker threads (-j): each reserves CX_ANALYZER_STACK of address space. */
#define CX_MAX_JOBS 256

/* Coverage data (a gcov JSON, decompressed; an lcov tracefile) and JUnit
 * XML files larger than this are rejected: gcov's JSON of sqlite3.c, the
 * largest single C file commonly built, is ~40 MB. */
#define CX_MAX_COVERAGE_BYTES (1024u * 1024u * 1024u)
#define CX_MAX_JUNIT_BYTES (256u * 1024u * 1024u)
/* Length of a path cxscan builds. */
#define CX_MAX_PATH 4096

/* Suppression comments kept per file: a real file has a handful; a
 * generated one could otherwise make every comment a suppression. */
#define CX_MAX_SUPPRESSIONS 4096

/* .cxscan.json and baseline files larger than this are rejected, and JSON
 * in them nests at most this deep. */
#define CX_MAX_CONFIG_BYTES (16u * 1024u * 1024u)
#define CX_MAX_JSON_DEPTH 64
/* ... and array elements plus object members in one document (a baseline
 * finding takes 5, so about 200,000 findings fit; a 16 MiB array of zeros
 * would otherwise become a ~470 MB tree) */
#define CX_MAX_JSON_VALUES 1000000u

/* A diff that --changed-only reads: files and changed-line ranges in all
 * (a commit touching more is a tree-wide change; scan it whole). */
#define CX_MAX_DIFF_FILES 100000
#define CX_MAX_DIFF_RANGES 1000000
/* ... and bytes of diff output read from git */
#define CX_MAX_DIFF_BYTES (256u * 1024u * 1024u)
/* --staged: the index's versions of the files that differ from the
 * working tree, in all */
#define CX_MAX_STAGED_BYTES (1024u * 1024u * 1024u)

#endif
