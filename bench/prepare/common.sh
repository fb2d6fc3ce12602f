# common.sh: what the prepare scripts share (sourced, not run). The caller
# sets ME (its name, for messages) before sourcing it.
T0=$SECONDS
log()  { printf '==> %s\n' "$*"; }
die()  { printf '%s: error: %s\n' "$ME" "$*" >&2; exit 1; }
trap 'printf "%s: error: command failed (line %s, exit %s)\n" "$ME" "$LINENO" "$?" >&2' ERR
step_start() { STEP_T0=$SECONDS; log "$*"; }
step_end()   { log "   done in $((SECONDS - STEP_T0)) s"; }

# verify_done STATUS: the console part of the clang check (its summary; the
# per-entry results stay in $SCRATCH/verify.txt), failing on STATUS != 0.
verify_done() {
    sed -n '/^-- summary --$/,$p' "$SCRATCH/verify.txt" | tail -n +2 | sed 's/^/   /'
    log "   per-entry results: $SCRATCH/verify.txt"
    [ "$1" = 0 ] || die "clang check failed (see $SCRATCH/verify.txt)"
    step_end
}

# finish DB: where the database is, what it holds, how long it took.
finish() {
    log "compile database: $1"
    sed 's/^/   /' "$SCRATCH/entries.txt"
    log "total time: $((SECONDS - T0)) s"
}
