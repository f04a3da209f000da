# Shared by the benchmark reports (pt2pt.sh, tcp_report.sh, rma.sh): reads the raw outputs
# BENCH.NAME.RUN ("size value" lines after "#" comments; other lines, such as a launcher's
# warnings, are skipped) into v[NAME, size] (the values of every run) and sizes[1..ns] (in the
# order first seen); the report's own END block prints them.
# Variables: stat ("median", the default, or "best"), better ("lower" or "higher": which value
# "best" picks).

# The implementation is the middle word of the file name BENCH.NAME.RUN.
FNR == 1 {
    n = FILENAME
    sub(/.*\//, "", n)
    sub(/^[^.]*\./, "", n)
    sub(/\.[0-9]+$/, "", n)
}
/^#/ || NF < 2 || $1 !~ /^[0-9]+$/ { next }
{
    v[n, $1] = v[n, $1] " " $2
    if (!($1 in seen)) {
        seen[$1] = 1
        sizes[++ns] = $1
    }
}

# The median of the runs in s (or the best, with stat = "best"); "-" when there are none.
function pick(s,   a, k, i, j, t) {
    k = split(s, a, " ")
    if (k == 0)
        return "-"
    for (i = 2; i <= k; i++) {
        t = a[i]
        for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--)
            a[j + 1] = a[j]
        a[j + 1] = t
    }
    if (stat == "best")
        return better == "lower" ? a[1] : a[k]
    return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}

function stat_name() {
    return stat == "best" ? "best" : "median"
}

# x with the given number of decimals, whole above 1000.
function fmt(x, decimals) {
    if (x == "-")
        return x
    return x + 0 >= 1000 ? sprintf("%.0f", x) : sprintf("%." decimals "f", x)
}

function ratio(a, b) {
    return (a == "-" || b == "-" || b == 0) ? "-" : sprintf("%.2f", a / b)
}
