#!/bin/sh
# The vidcube command when things go wrong, beyond what the CLI's own tests
# cover (compress under a full disk and kill -9: cli_badinput.sh,
# cli_interrupt.sh):
#   - an allocation of vidcube's own code (the library, the filter and the
#     command; VC_FAIL_IN=vidcube) fails, for n spread over a whole
#     compress and a whole decompress: the command fails with a message and
#     leaves neither the output nor a temporary file, or it succeeds with a
#     correct output. (HDF5 and netCDF are left out: HDF5 recurses in its
#     error stack until the stack overflows when its early allocations fail.)
#   - decompress onto a full disk, and decompress killed with -9, leave no
#     output under the final name, or a complete one.
. "$VC_SRCDIR/tests/cli_lib.sh"
SHIM=$VC_BUILDDIR/tests/.libs/libvcshim.so
require_python

# A small input, so that a run takes a fraction of a second.
"$PYTHON3" - "$VC_DATA_DIR/era5_t2m_uk_crop.nc" "$tmp/in.nc" << 'PY' || fail "python"
import sys, netCDF4
src = netCDF4.Dataset(sys.argv[1])
with netCDF4.Dataset(sys.argv[2], "w") as d:
    for name, n in (("time", 4), ("latitude", 16), ("longitude", 24)):
        d.createDimension(name, n)
    v = d.createVariable("t2m", "f4", ("time", "latitude", "longitude"))
    v[:] = src["t2m"][:4, :16, :24]
    v.units = "K"
PY
src=$tmp/in.nc
run compress "$src" -o "$tmp/ref.nc" --psnr 45 --quiet
expect 0 "compress without failures"

# no_partial DIR NAME WHAT: after a failed run, nothing under NAME in DIR.
no_partial() {
    [ ! -e "$1/$2" ] || fail "$3: $1/$2 was left behind"
    ! ls -A "$1" | grep -q 'vidcube-tmp' || fail "$3: temporary file left: $(ls -A "$1")"
}

# cmd_args WHAT DIR: the arguments of a compress or decompress into DIR.
cmd_args() {
    if [ "$1" = compress ]; then
        echo "compress $src -o $2/out.nc --psnr 45 --quiet"
    else
        echo "decompress $tmp/ref.nc -o $2/out.nc --quiet"
    fi
}

if [ "${VC_SANITIZERS:-no}" != yes ]; then
    [ -f "$SHIM" ] || fail "$SHIM is missing"
    for cmd in compress decompress; do
        # how many allocations vidcube's code makes (the worker's count
        # includes its parent's before the fork)
        rm -f "$tmp/count"
        mkdir -p "$tmp/count-$cmd"
        # shellcheck disable=SC2046
        LD_PRELOAD=$SHIM VC_FAIL_AT=0 VC_FAIL_IN=vidcube VC_SHIM_REPORT=$tmp/count \
            "$VIDCUBE" $(cmd_args $cmd "$tmp/count-$cmd") > /dev/null 2>&1 ||
            fail "$cmd: counting run"
        total=$(sort -n "$tmp/count" | tail -1 | cut -d' ' -f1)
        [ "${total:-0}" -gt 10 ] || fail "$cmd: only ${total:-0} allocations counted"
        step=$(( (total + 29) / 30 ))
        failed=0 succeeded=0 n=1
        while [ $n -le "$total" ]; do
            mkdir -p "$tmp/f$n"
            status=0
            # shellcheck disable=SC2046
            LD_PRELOAD=$SHIM VC_FAIL_AT=$n VC_FAIL_IN=vidcube \
                "$VIDCUBE" $(cmd_args $cmd "$tmp/f$n") > "$tmp/out" 2> "$tmp/err" || status=$?
            case $status in
            0)  succeeded=$((succeeded + 1))
                run verify "$src" "$tmp/f$n/out.nc"
                [ "$status" -eq 0 ] ||
                    fail "$cmd, allocation $n failed: exit 0, but the output does not verify" ;;
            1|3|4)
                # 3: the command reads its output back through the filter;
                # netCDF reports a failed decode there as an HDF error
                failed=$((failed + 1))
                grep -q . "$tmp/err" || fail "$cmd, allocation $n failed: exit $status, no message"
                no_partial "$tmp/f$n" out.nc "$cmd, allocation $n failed" ;;
            *)  fail "$cmd, allocation $n failed: exit status $status: $(tail -3 "$tmp/err")" ;;
            esac
            rm -rf "$tmp/f$n"
            n=$((n + step))
        done
        echo "$cmd: $total allocations in vidcube's code, every ${step}. failed:" \
             "$failed runs failed cleanly, $succeeded completed"
        [ $failed -gt 0 ] || fail "$cmd: no failed allocation made the run fail"
    done
fi

# decompress onto a full disk: a small tmpfs in a private mount namespace.
if command -v unshare > /dev/null && unshare -m true 2> /dev/null; then
    mkdir "$tmp/full"
    cp "$VC_DATA_DIR/era5_t2m_uk_crop.nc" "$tmp/big.nc"
    run compress "$tmp/big.nc" -o "$tmp/bigc.nc" --psnr 45 --quiet
    expect 0 "compress the input of the full-disk test"
    status=0
    unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" || exit 99
        "$2" decompress "$3" -o "$1/out.nc" --quiet; rc=$?
        ls -A "$1" > "$4/full.ls"; exit $rc' sh "$tmp/full" "$VIDCUBE" "$tmp/bigc.nc" "$tmp" \
        > "$tmp/out" 2> "$tmp/err" || status=$?
    if [ "$status" -ne 99 ]; then
        expect 1 "decompress onto a full disk"
        expect_err "(no space left on device|No space left on device)" "decompress, full disk"
        [ ! -s "$tmp/full.ls" ] || fail "decompress onto a full disk left $(cat "$tmp/full.ls")"
    fi
fi

# decompress killed with -9 (the command and its workers) while writing:
# whatever carries a final name is complete.
if command -v setsid > /dev/null; then
    mkdir -p "$tmp/k9/out"
    for i in 1 2 3 4 5 6; do cp "$tmp/bigc.nc" "$tmp/k9/in$i.nc"; done
    setsid "$VIDCUBE" decompress "$tmp/k9"/in*.nc -o "$tmp/k9/out" --quiet 2> "$tmp/err" &
    pid=$!
    i=0
    while [ $i -lt 1000 ] && ! ls -A "$tmp/k9/out" | grep -q .; do
        sleep 0.01
        i=$((i + 1))
    done
    kill -9 -$pid 2> /dev/null
    wait $pid 2> /dev/null
    for f in "$tmp/k9/out"/*.nc; do
        [ -e "$f" ] || continue
        run verify "$tmp/big.nc" "$f"
        [ "$status" -eq 0 ] || fail "kill -9 left an incomplete $(basename "$f")"
    done
fi
exit 0
