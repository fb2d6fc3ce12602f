const char *s = "// NOLINT \" /* cxscan-ignore */";
char q = '"'; // NOLINT(a)
char e = '\''; char b = '\\'; int n = 1'000'000; // NOLINT: digits
const char *w = L"x" u8"/*" "abc\
// NOLINT";
x = 'unterminated; // NOLINT
