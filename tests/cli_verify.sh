#!/bin/sh
# vidcube verify: its JSON is recomputed independently (numpy, h5py) and
# checked against the compression target; thresholds and a changed NaN
# position fail with exit status 5.
. "$VC_SRCDIR/tests/cli_lib.sh"
require_python
check() {
    HDF5_PLUGIN_PATH=$PLUGIN_DIR "$PYTHON3" "$VC_SRCDIR/tests/cli_check.py" "$@"
}

target=45
run compress "$VC_DATA_DIR" -o "$tmp/c" --psnr $target --quiet
expect 0 "compress --psnr $target"
for b in $SAMPLES; do
    run verify "$VC_DATA_DIR/$b" "$tmp/c/$b" --json
    expect 0 "verify --json $b"
    cp "$tmp/out" "$tmp/$b.json"
    check verify "$VC_DATA_DIR/$b" "$tmp/c/$b" "$tmp/$b.json" $target ||
        fail "$b: verify's JSON does not hold up"
done
# Packed integers report errors in physical units (scale_factor 0.01 K).
grep -q '"name":"analysed_sst"' "$tmp/ostia_sst_crop.nc.json" || fail "analysed_sst not verified"

# The human table lists every band of a multi-band variable.
run verify "$VC_DATA_DIR/s2_l1c_crop.nc" "$tmp/c/s2_l1c_crop.nc" --var toa_reflectance
expect 0 "verify --var"
[ "$(grep -c '^  band ' "$tmp/out")" -eq 13 ] || fail "expected 13 band lines: $(cat "$tmp/out")"
grep -q '^ndvi' "$tmp/out" && fail "--var toa_reflectance also showed ndvi"

# Thresholds.
run verify "$VC_DATA_DIR/s2_l1c_crop.nc" "$tmp/c/s2_l1c_crop.nc" --min-psnr $target --max-abs 1
expect 0 "thresholds that hold"
run verify "$VC_DATA_DIR/s2_l1c_crop.nc" "$tmp/c/s2_l1c_crop.nc" --min-psnr 90
expect 5 "--min-psnr 90"
expect_err "PSNR .* < 90"
run verify "$VC_DATA_DIR/era5_t2m_uk_crop.nc" "$tmp/c/era5_t2m_uk_crop.nc" --max-abs 0
expect 5 "--max-abs 0 on lossy data"
expect_err "max abs error .* > 0"
run verify "$VC_DATA_DIR/s2_l1c_crop.nc" "$tmp/c/s2_l1c_crop.nc" --var nosuch
expect 3 "--var of a missing variable"
expect_err "nosuch"
run verify "$VC_DATA_DIR/s2_l1c_crop.nc" "$tmp/c/s2_l1c_crop.nc" --min-psnr many
expect 2 "--min-psnr without a number"

# A value turned into NaN is a changed mask: reported and failed.
run decompress "$tmp/c/s3_olci_crop.nc" "$tmp/poked.nc" --quiet
expect 0 "decompress"
check poke "$tmp/poked.nc" conc_chl || fail "poke"
run verify "$VC_DATA_DIR/s3_olci_crop.nc" "$tmp/poked.nc" --json --var conc_chl
expect 5 "verify of a file with one more NaN"
grep -q '"mask_exact":false' "$tmp/out" || fail "mask_exact not false: $(cat "$tmp/out")"
expect_err "NaN/Inf/fill positions differ"
exit 0
