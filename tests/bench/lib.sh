# Shared by the benchmark scripts (pt2pt.sh, tcp.sh, across.sh, rma.sh, startup.sh, connect.sh),
# sourced after they set srcdir and benches (and work before a call): building one
# implementation's benchmark programs; for tcp.sh and across.sh, the plain socket and the runs in
# turn.

# bench_build NAME COMPILER: builds every benchmark of $benches with COMPILER into
# $work/BENCH.NAME; says why and returns 1 when the compiler is missing or a build fails.
bench_build()
{
    local name=$1 cc=$2 bench
    if ! command -v "$cc" >/dev/null 2>&1 && [ ! -x "$cc" ]; then
        echo "skipping $name: no compiler $cc"
        return 1
    fi
    for bench in $benches; do
        if ! "$cc" -O2 -o "$work/$bench.$name" "$srcdir/$bench.c" >"$work/cc.$name.log" 2>&1; then
            echo "skipping $name: $cc could not build $bench.c:"
            head -n 5 "$work/cc.$name.log"
            return 1
        fi
    done
}

# bench_add NAME COMPILER LAUNCHER...: builds $benches with COMPILER and, when the launcher
# exists and the build succeeded, adds NAME run by LAUNCHER... to names and launchers.
bench_add()
{
    local name=$1 cc=$2
    shift 2
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
        echo "skipping $name: no launcher $1"
        return 0
    fi
    bench_build "$name" "$cc" || return 0
    names+=("$name")
    launchers+=("$*")
}

# add_socket [PREFIX...]: builds sock.c, the plain-socket limit, as the implementation "socket",
# run as PREFIX sock BENCH ... (PREFIX: how to start it, e.g. in a network namespace).
add_socket()
{
    if ! "${CC:-cc}" -O2 -o "$work/sock" "$srcdir/sock.c" >"$work/cc.sock.log" 2>&1; then
        echo "skipping socket: ${CC:-cc} could not build sock.c"
        return 0
    fi
    for bench in $benches; do
        ln -sf "$work/sock" "$work/$bench.socket"
    done
    names+=(socket)
    launchers+=("$*")
}

# bench_bytes SIZE: SIZE (a number, or with K or M) in bytes.
bench_bytes()
{
    case $1 in
    *[Kk]) echo $((${1%?} << 10)) ;;
    *[Mm]) echo $((${1%?} << 20)) ;;
    *) echo $(($1)) ;;
    esac
}

# run_turns: every benchmark of $benches from MIN_SIZE (0 B) to MAX_SIZE (4M) with every
# implementation of names (launched by launchers), taking turns runs times; outputs go to
# $work/BENCH.NAME.RUN (empty on failure, which is reported). LIMIT: seconds per run (300).
# PER_SIZE=1: a launch per size, the turns taken size by size, so that the implementations
# compared at a size ran seconds apart (a shared machine's speed drifts within a whole sweep).
run_turns()
{
    local r k i name bench cmd size ranges=() lo hi
    lo=$(bench_bytes "${MIN_SIZE:-0}")
    hi=$(bench_bytes "${MAX_SIZE:-4M}")
    if [ -n "${PER_SIZE:-}" ]; then
        for ((size = lo; size <= hi; size = size == 0 ? 1 : 2 * size)); do
            ranges+=("$size $size")
        done
    else
        ranges=("$lo $hi")
    fi
    for bench in $benches; do
        for name in "${names[@]}"; do
            for ((r = 0; r < runs; r++)); do
                : >"$work/$bench.$name.$r"
            done
        done
    done
    for size in "${ranges[@]}"; do
        for ((r = 0; r < runs; r++)); do
            for bench in $benches; do
                for ((k = 0; k < ${#names[@]}; k++)); do
                    i=$(((k + r) % ${#names[@]}))
                    name=${names[$i]}
                    # shellcheck disable=SC2206 # the launcher and the range are lists of words
                    cmd=(${launchers[$i]} "$work/$bench.$name")
                    if [ "$name" = socket ]; then
                        cmd+=("$bench")
                    fi
                    # shellcheck disable=SC2206
                    cmd+=($size "$scale")
                    if ! timeout "${LIMIT:-300}" "${cmd[@]}" </dev/null >>"$work/$bench.$name.$r" \
                        2>"$work/err"; then
                        echo "$name $bench (run $((r + 1)), sizes $size) failed:" >&2
                        head -n 5 "$work/err" >&2
                    fi
                done
            done
        done
    done
}
