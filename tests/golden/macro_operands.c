/* golden corpus: operators written next to macro invocations, and
 * operators that macros hide */
#define IS_SET(x) (((x) & 1) != 0)
#define AND &&
#define BOTH(a, b) ((a) && (b))
#define PICK(c, a, b) ((c) ? (a) : (b))

int macro_lhs(int a, int b)
{
    if (IS_SET(a) && b > 0)
        return 1;
    return IS_SET(b) || a < 0;
}

int macro_rhs(int a, int b)
{
    return a > 0 && IS_SET(b);
}

int macro_condition(int a)
{
    return IS_SET(a) ? a : -a;
}

int hidden_operators(int a, int b)
{
    if (a AND b)
        return BOTH(a, b);
    return PICK(a, b, 0);
}

#define NEVER(x) (x)

int nested_arguments(int a, int b)
{
    if (NEVER(IS_SET(a) && b > 0))
        return 1;
    return NEVER(IS_SET(b) ? a : b) ?: a;
}
