#!/bin/sh
# The structure survives a conversion: nested groups, enum/compound/
# variable-length types, strings, an unlimited dimension and a scalar are
# copied (ncdump -hs equal apart from chunking/filters, data bit for bit),
# while the t2m sample inside a subgroup is coded and reaches its target.
. "$VC_SRCDIR/tests/cli_lib.sh"
require NCDUMP
require_python
check() {
    HDF5_PLUGIN_PATH=$PLUGIN_DIR "$PYTHON3" "$VC_SRCDIR/tests/cli_check.py" "$@"
}

check groups "$VC_DATA_DIR/era5_t2m_uk_crop.nc" "$tmp/groups.nc" || fail "making the file"
run compress "$tmp/groups.nc" -o "$tmp/out.nc" --psnr 45
expect 0 "compress of a file with groups and types"
grep -Eq '^ +era5/surface/t2m +float +168x33x49 +code' "$tmp/out" ||
    fail "era5/surface/t2m not coded: $(cat "$tmp/out")"
ncheader "$tmp/groups.nc" > "$tmp/h.in"
ncheader "$tmp/out.nc" > "$tmp/h.out"
diff "$tmp/h.in" "$tmp/h.out" || fail "ncdump -hs differs beyond chunking/filters"
check same "$tmp/groups.nc" "$tmp/out.nc" era5/surface/t2m || fail "copied data changed"
run verify "$tmp/groups.nc" "$tmp/out.nc" --min-psnr 45 --json
expect 0 "verify of the coded variable in a subgroup"
grep -q '"name":"era5/surface/t2m"' "$tmp/out" || fail "verify: $(cat "$tmp/out")"
run compress "$tmp/groups.nc" -o "$tmp/var.nc" --psnr 45 --var /era5/surface/t2m --quiet
expect 0 "--var with a group path"
run decompress "$tmp/out.nc" "$tmp/dec.nc" --quiet
expect 0 "decompress of a file with groups"
check same "$tmp/out.nc" "$tmp/dec.nc" || fail "decompress changed the data"
exit 0
