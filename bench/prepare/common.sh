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

# fetch_source PKG MARKER: `apt-get source PKG` into $DEST, once. Sets
# SCRATCH ($DEST/.cxbench) and SRC, the newest $DEST/PKG-*/ tree, which must
# hold MARKER and debian/rules; SRC is remembered in $SCRATCH/srcdir.
fetch_source() {
    local pkg=$1 marker=$2
    mkdir -p "$DEST"
    SCRATCH="$DEST/.cxbench"
    mkdir -p "$SCRATCH"
    if [ -f "$SCRATCH/srcdir" ] && [ -d "$(cat "$SCRATCH/srcdir")" ]; then
        SRC="$(cat "$SCRATCH/srcdir")"
        log "source already in $SRC"
    else
        step_start "apt-get source $pkg (into $DEST)"
        # As root rather than as the _apt sandbox user, which cannot write
        # into a root-owned DEST (apt would warn and do the same).
        (cd "$DEST" && apt-get -q -o APT::Sandbox::User=root source "$pkg") > "$SCRATCH/source.log" 2>&1 \
            || { tail -20 "$SCRATCH/source.log" >&2; die "apt-get source $pkg failed"; }
        SRC="$(find "$DEST" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | sort -V | tail -1)"
        if [ -z "$SRC" ] || [ ! -f "$SRC/$marker" ] || [ ! -f "$SRC/debian/rules" ]; then
            die "no $pkg-*/ tree with $marker and debian/rules in $DEST"
        fi
        printf '%s\n' "$SRC" > "$SCRATCH/srcdir"
        step_end
    fi
    log "source tree: $SRC ($(sed -n "1s/^$pkg (\([^)]*\)).*/\1/p" "$SRC/debian/changelog"))"
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
