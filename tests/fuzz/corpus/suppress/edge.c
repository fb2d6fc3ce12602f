/* NOLINT(a,
 b) cxscan-ignore( : x
 * NOLINTNEXTLINE() : y */ // NOLINTX cxscan-ignored NOLINT-z
/* unterminated NOLINT