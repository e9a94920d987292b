#!/bin/sh
# smoke.sh: the whole benchmark on one small sample (part of `make check`):
# every tool runs a few settings on the OSTIA crop (int16 packed, 20 % fill),
# and every output must appear. Seconds, not minutes: one repetition, every
# 4th sweep setting.
set -u
out=${TMPDIR:-/tmp}/vc-bench-smoke.$$
trap 'rm -rf "$out"' EXIT INT TERM
data=${VC_DATA_DIR:-$(dirname "$0")/../../data}

./vidcube-bench --dataset "$data/ostia_sst_crop.nc:analysed_sst" \
    --out "$out" --reps 1 --stride 4 ${FFMPEG:+--ffmpeg "$FFMPEG"} \
    ${GNUPLOT:+--gnuplot "$GNUPLOT"} --plot-script "${BENCH_SRCDIR:-.}/plot.gp" \
    || { echo "FAIL: vidcube-bench exited with an error"; exit 1; }

fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; fi; }
check "runs.csv has a header and runs" '[ "$(wc -l < "$out/runs.csv")" -gt 5 ]'
for tool in vidcube-qp vidcube-abs vidcube-lossless zfp-accuracy zfp-rate bitround zstd; do
    check "$tool ran" 'grep -q ",$tool," "$out/runs.csv"'
done
if [ -n "${FFMPEG:-}" ]; then
    check "ffmpeg-x264 ran" 'grep -q ",ffmpeg-x264," "$out/runs.csv"'
fi
check "table.md has the PSNR table" 'grep -q "^| ostia_sst_crop:analysed_sst | vidcube-qp |" "$out/table.md"'
check "a winner is marked" 'grep -q "\*\*[0-9]" "$out/table.md"'
check "speed.md has ratios" 'grep -q "^| vidcube-qp |" "$out/speed.md"'
check "zstd is exact" 'grep ",zstd," "$out/runs.csv" | grep -q ",inf,"'
if [ -n "${GNUPLOT:-}" ]; then
    check "the plot was drawn" '[ -s "$out/ostia_sst_crop_analysed_sst.png" ]'
fi
[ $fail = 0 ] && echo "PASS: bench smoke run"
exit $fail
