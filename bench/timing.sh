# timing.sh: timed runs for the bench scripts (sourced, not run).
# cpu_busy: busy jiffies of the whole machine (user nice system irq softirq steal).
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
HZ=$(getconf CLK_TCK)
# run_timed_in DIR TAG CMD...: stdout/stderr to DIR/TAG.{out,err}; sets WALL
# (s), RSS (kB), UT and ST (user and sys CPU s of CMD and its children), RC,
# and OTHER: CPU cores busy with other processes meanwhile (the machine
# minus CMD), which says whether the machine was quiet.
run_timed_in() {
    local dir=$1 tag=$2 t0 t1 b0 b1
    shift 2
    RC=0
    b0=$(cpu_busy)
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%e %M %U %S' -o "$dir/$tag.time" "$@" > "$dir/$tag.out" 2> "$dir/$tag.err" || RC=$?
    t1=$EPOCHREALTIME
    b1=$(cpu_busy)
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    read -r _ RSS UT ST < <(tail -n 1 "$dir/$tag.time")
    OTHER=$(awk -v b="$((b1 - b0))" -v hz="$HZ" -v u="$UT" -v s="$ST" -v w="$WALL" \
        'BEGIN { o = w > 0 ? (b / hz - u - s) / w : 0; printf "%.2f", o < 0 ? 0 : o }')
}

# copy_cxscan ORIG BINDIR: a private copy of the cxscan binary under test in
# BINDIR (a rebuild during the run cannot change it) with its analyzer module
# (dlopen'ed: $CXSCAN_ANALYZER, else next to the binary, else ../lib/cxscan),
# exported as CXSCAN_ANALYZER; sets CXB.
copy_cxscan() {
    local orig=$1 bindir=$2 dir m
    CXB="$bindir/cxscan"
    cp -- "$orig" "$CXB.tmp" && mv -f -- "$CXB.tmp" "$CXB"
    rm -f "$bindir/cxscan-analyzer.so"
    dir="$(dirname "$(realpath -- "$orig")")"
    for m in "${CXSCAN_ANALYZER:-}" "$dir/cxscan-analyzer.so" "$dir/../lib/cxscan/cxscan-analyzer.so"; do
        if [ -n "$m" ] && [ -f "$m" ]; then
            cp -- "$m" "$bindir/cxscan-analyzer.so"
            export CXSCAN_ANALYZER="$bindir/cxscan-analyzer.so"
            break
        fi
    done
}
