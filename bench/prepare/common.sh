# common.sh: what the prepare scripts share (sourced, not run). The caller
# sets ME (its name, for messages) before sourcing it.
T0=$SECONDS
log()  { printf '==> %s\n' "$*"; }
die()  { printf '%s: error: %s\n' "$ME" "$*" >&2; exit 1; }
trap 'printf "%s: error: command failed (line %s, exit %s)\n" "$ME" "$LINENO" "$?" >&2' ERR
step_start() { STEP_T0=$SECONDS; log "$*"; }
step_end()   { log "   done in $((SECONDS - STEP_T0)) s"; }
need_root()  { [ "$(id -u)" = 0 ] || die "need root: $*"; }

# install_missing PACKAGE...: apt-get installs those not installed yet.
install_missing() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    step_start "installing packages: ${missing[*]}"
    need_root "to install ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    step_end
}

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
