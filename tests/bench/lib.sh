# Shared by the benchmark scripts (pt2pt.sh, tcp.sh, across.sh), sourced after they set work,
# srcdir and benches: building one implementation's benchmark programs.

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
