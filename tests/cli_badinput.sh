#!/bin/sh
# Bad inputs and unsafe requests each get a clear message and a distinct
# exit status, and leave no output (and no temporary file) behind: a missing
# file, a text file named .nc, a truncated netCDF, an unknown --var, a full
# disk (tmpfs) and a file-size limit (ulimit -f), an output that is the
# input (also through a symlink or a hard link), an existing output without
# --force, usage errors; and a partial failure converts what it can.
. "$VC_SRCDIR/tests/cli_lib.sh"
s2=$VC_DATA_DIR/s2_l1c_crop.nc
mkdir "$tmp/in" "$tmp/o"

run compress "$tmp/in/missing.nc" -o "$tmp/o/missing.nc" --psnr 45
expect 3 "missing input"
expect_err "missing.nc: No such file"
no_output "$tmp/o" missing.nc "missing input"

echo "this is not netCDF" > "$tmp/in/text.nc"
run compress "$tmp/in/text.nc" -o "$tmp/o/text.nc" --psnr 45
expect 3 "text file named .nc"
expect_err "text.nc is not a netCDF or HDF5 file"
no_output "$tmp/o" text.nc "text file named .nc"

size=$(wc -c < "$s2")
head -c $((size / 2)) "$s2" > "$tmp/in/trunc.nc"
run compress "$tmp/in/trunc.nc" -o "$tmp/o/trunc.nc" --psnr 45
expect 3 "truncated netCDF"
expect_err "trunc.nc has an HDF5 signature but cannot be opened \(truncated or damaged\?\)"
no_output "$tmp/o" trunc.nc "truncated netCDF"

run compress "$s2" -o "$tmp/o/var.nc" --psnr 45 --var toa_reflectance,nosuch
expect 3 "unknown --var"
expect_err "--var nosuch: no such variable \(there are: .*toa_reflectance"
no_output "$tmp/o" var.nc "unknown --var"

mkdir "$tmp/empty"
run compress "$tmp/empty" -o "$tmp/o/empty" --psnr 45
expect 3 "a directory without netCDF files"
expect_err "no netCDF or HDF5 input found"

# A file-size limit: the write fails (SIGXFSZ must not kill us silently).
status=0
(ulimit -f 200; "$VIDCUBE" compress "$VC_DATA_DIR/s3_olci_crop.nc" -o "$tmp/o/big.nc" \
    --lossless --quiet > "$tmp/out" 2> "$tmp/err") || status=$?
expect 1 "ulimit -f"
expect_err "big.nc.*(file too large|File too large)"
no_output "$tmp/o" big.nc "ulimit -f"

# A full disk: a small tmpfs, when this machine lets us mount one in a
# private mount namespace.
if command -v unshare > /dev/null && unshare -m true 2> /dev/null; then
    mkdir "$tmp/full"
    status=0
    unshare -m sh -c 'mount -t tmpfs -o size=256k tmpfs "$1" || exit 99
        "$2" compress "$3" -o "$1/full.nc" --lossless --quiet; rc=$?
        ls -A "$1" > "$4/full.ls"; exit $rc' sh "$tmp/full" "$VIDCUBE" \
        "$VC_DATA_DIR/s3_olci_crop.nc" "$tmp" > "$tmp/out" 2> "$tmp/err" || status=$?
    if [ "$status" -ne 99 ]; then
        expect 1 "full disk"
        expect_err "full.nc.*(no space left on device|No space left on device)"
        [ ! -s "$tmp/full.ls" ] || fail "full disk: left $(cat "$tmp/full.ls")"
    fi
fi

# Inputs are never overwritten, whatever the name says.
cp "$s2" "$tmp/in/copy.nc"
ln -s "$tmp/in/copy.nc" "$tmp/o/symlink.nc"
ln "$tmp/in/copy.nc" "$tmp/o/hardlink.nc"
sum=$(cksum < "$tmp/in/copy.nc")
for out in "$tmp/in/copy.nc" "$tmp/o/symlink.nc" "$tmp/o/hardlink.nc" "$tmp/in"; do
    run compress "$tmp/in/copy.nc" -o "$out" --psnr 45 --force
    expect 2 "output $out is the input"
    expect_err "inputs are never overwritten"
done
[ "$(cksum < "$tmp/in/copy.nc")" = "$sum" ] || fail "the input changed"

# An existing output is replaced only with --force.
echo "keep me" > "$tmp/o/exists.nc"
run compress "$s2" -o "$tmp/o/exists.nc" --psnr 45
expect 2 "existing output"
expect_err "exists.nc already exists: use --force"
[ "$(cat "$tmp/o/exists.nc")" = "keep me" ] || fail "the existing output changed"
run compress "$s2" -o "$tmp/o/exists.nc" --psnr 45 --force --quiet
expect 0 "--force"
"$NCDUMP" -h "$tmp/o/exists.nc" > /dev/null 2>&1 || fail "--force wrote no netCDF"

# Usage errors.
for args in "$s2 -o $tmp/o/u.nc" "$s2 -o $tmp/o/u.nc --psnr 45 --crf 20" \
            "$s2 -o $tmp/o/u.nc --psnr loud" "$s2 -o $tmp/o/u.nc --psnr 45 -j 0" \
            "$s2 --psnr 45" "-o $tmp/o/u.nc --psnr 45" "$s2 -o $tmp/o/u.nc --psnr 45 --bogus" \
            "$s2 -o $tmp/o/u.nc --psnr 45 --chunk time" "$s2 -o $tmp/o/u.nc --psnr 45 --transform x"; do
    run compress $args
    expect 2 "usage error: $args"
    expect_err "^vidcube: "
    no_output "$tmp/o" u.nc "usage error: $args"
done

# Some files convert, some fail: both said, exit status 4.
run compress "$s2" "$tmp/in/text.nc" "$VC_DATA_DIR/era5_t2m_uk_crop.nc" -o "$tmp/partial" --psnr 40
expect 4 "partial failure"
expect_err "text.nc is not a netCDF or HDF5 file"
[ -f "$tmp/partial/s2_l1c_crop.nc" ] && [ -f "$tmp/partial/era5_t2m_uk_crop.nc" ] ||
    fail "partial failure: the good files were not converted"
no_output "$tmp/partial" text.nc "partial failure"
grep -q '^2 of 3 files converted' "$tmp/out" || fail "partial failure: $(tail -1 "$tmp/out")"
exit 0
