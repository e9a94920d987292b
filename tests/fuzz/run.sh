#!/bin/sh
# fuzz/run.sh SRCDIR SECONDS TARGET...: run each libFuzzer target for
# SECONDS on its committed corpus (and, for the stream targets, the golden
# streams), keeping what it learns in fuzz-out/corpus/TARGET and any crash
# in fuzz-out/TARGET-crash-*. Prints executions and executions per second
# per target; fails if any target found a crash, a leak or a timeout.
srcdir=$1 seconds=$2
shift 2
out=fuzz-out
mkdir -p "$out"
status=0
summary=
for fuzzer in "$@"; do
    t=$(basename "$fuzzer" | sed 's/^fuzz_//')
    mkdir -p "$out/corpus/$t"
    seeds="$srcdir/fuzz/corpus/$t"
    case $t in
    decompress|stream_info) seeds="$seeds $srcdir/golden" ;;
    esac
    [ "$t" = stream_info ] && seeds="$seeds $srcdir/fuzz/corpus/decompress"
    echo "== $t: $seconds s"
    # -rss_limit_mb: a decode larger than the fuzzers' cap (16 MiB) is
    # skipped, so 2 GiB means runaway allocation; -timeout: a slow unit.
    # shellcheck disable=SC2086
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    "$fuzzer" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 \
        -timeout=30 -max_len=65536 -artifact_prefix="$out/$t-" \
        "$out/corpus/$t" $seeds > "$out/$t.log" 2>&1 || status=1
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t.log")
    cov=$(grep -o 'cov: [0-9]*' "$out/$t.log" | tail -1)
    line="$t: ${runs:-?} runs, ${rate:-?} exec/s, $cov"
    summary="$summary
$line"
    if grep -q 'ERROR: libFuzzer\|SUMMARY: .*Sanitizer\|broken promise' "$out/$t.log"; then
        echo "FAIL: $t found a defect:"
        grep -A30 'ERROR: libFuzzer\|==ERROR\|runtime error\|broken promise' "$out/$t.log" | head -60
        status=1
    fi
done
echo "fuzzing summary ($seconds s per target):$summary"
exit $status
