#!/bin/sh
# --lossless then decompress gives back every sample bit for bit (NaN
# payloads and fill values included), through ncdump and through the
# library's own reading (python netCDF4 on the raw bytes); the decompressed
# file carries no vidcube filter; decompress of a directory (-o, -j 2)
# writes the same files; verify and info describe a lossless file.
. "$VC_SRCDIR/tests/cli_lib.sh"
require NCDUMP
require_python

run compress "$VC_DATA_DIR" -o "$tmp/l" --lossless --quiet
expect 0 "compress --lossless"
for b in $SAMPLES; do
    in=$VC_DATA_DIR/$b
    run decompress "$tmp/l/$b" "$tmp/d_$b" --quiet
    expect 0 "decompress $b"
    ncdata "$in" > "$tmp/data.in"
    ncdata "$tmp/d_$b" > "$tmp/data.dec"
    ncdata "$tmp/l/$b" > "$tmp/data.comp"
    cmp "$tmp/data.in" "$tmp/data.dec" || fail "$b: decompressed data differ (ncdump)"
    cmp "$tmp/data.in" "$tmp/data.comp" || fail "$b: compressed data read back differ (ncdump)"
    "$PYTHON3" "$VC_SRCDIR/tests/cli_check.py" same "$in" "$tmp/d_$b" ||
        fail "$b: decompressed data differ (raw bytes)"
    ! "$NCDUMP" -hs "$tmp/d_$b" | grep -q '_Filter = "330' ||
        fail "$b: the decompressed file still uses the vidcube filter"
    # Everything else is as it was.
    ncheader "$in" > "$tmp/h.in"
    ncheader "$tmp/d_$b" > "$tmp/h.dec"
    diff "$tmp/h.in" "$tmp/h.dec" || fail "$b: decompressed header differs"
done

# A whole directory at once, two workers: the same files.
run decompress "$tmp/l" -o "$tmp/dl" -j 2 --quiet
expect 0 "decompress of a directory"
for b in $SAMPLES; do
    cmp "$tmp/d_$b" "$tmp/dl/$b" || fail "$b: decompress -j 2 of the directory wrote other bytes"
done

run verify "$VC_DATA_DIR/s3_olci_crop.nc" "$tmp/l/s3_olci_crop.nc" --json --max-abs 0
expect 0 "verify of a lossless file with --max-abs 0"
grep -q '"psnr_db":null' "$tmp/out" || fail "exact PSNR not null: $(cat "$tmp/out")"
grep -q '"rmse":0,' "$tmp/out" || fail "rmse not 0: $(cat "$tmp/out")"
grep -q '"mask_exact":false' "$tmp/out" && fail "mask not exact: $(cat "$tmp/out")"

run info "$tmp/l/s2_l1c_crop.nc"
expect 0 "info"
grep -q 'parameters: lossless' "$tmp/out" || fail "info shows no lossless parameters"
[ "$(grep -Ec 'stream: format [0-9]+ .*written by libvidcube' "$tmp/out")" -eq 3 ] ||
    fail "info shows no stream versions for the 3 coded variables: $(cat "$tmp/out")"

# decompress never replaces without --force, and never its input.
run decompress "$tmp/l/s2_l1c_crop.nc" "$tmp/d_s2_l1c_crop.nc"
expect 2 "decompress onto an existing file"
expect_err "already exists.*--force"
run decompress "$tmp/l/s2_l1c_crop.nc" "$tmp/d_s2_l1c_crop.nc" --force --quiet
expect 0 "decompress --force"
run decompress "$tmp/l/s2_l1c_crop.nc" "$tmp/l/s2_l1c_crop.nc" --force
expect 2 "decompress onto its input"
"$PYTHON3" "$VC_SRCDIR/tests/cli_check.py" same "$VC_DATA_DIR/s2_l1c_crop.nc" "$tmp/d_s2_l1c_crop.nc" ||
    fail "data differ after decompress --force"
exit 0
