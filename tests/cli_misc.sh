#!/bin/sh
# The rest of the interface: --help and --version; farg strings that
# h5repack and nccopy accept and that reach the target; info with and
# without the plugin; classic netCDF input; the selection rules on a file
# with coordinates, flags and categories; --chunk; --abs on packed
# integers in physical units; the progress bar only on a terminal.
. "$VC_SRCDIR/tests/cli_lib.sh"
require NCDUMP NCCOPY H5REPACK H5DUMP
require_python
s2=$VC_DATA_DIR/s2_l1c_crop.nc

# --- help and version
run --help
expect 0 "--help"
grep -q "^Exit status" "$tmp/out" || fail "--help lacks the exit status"
for c in compress verify decompress info farg; do
    run $c --help
    expect 0 "$c --help"
    grep -q "^Usage: vidcube $c" "$tmp/out" || fail "$c --help: $(head -2 "$tmp/out")"
    grep -q "Exit status" "$tmp/out" || [ $c = farg ] || fail "$c --help lacks the exit status"
done
run --version
expect 0 "--version"
grep -q "stream format [0-9]" "$tmp/out" || fail "--version: $(cat "$tmp/out")"
run frobnicate
expect 2 "an unknown command"

# --- farg: h5repack and nccopy apply what it prints
run farg --psnr 45 --var toa_reflectance --h5repack
expect 0 "farg --h5repack"
grep -Eq '^toa_reflectance:UD=330,0,10(,[0-9]+){10}$' "$tmp/out" || fail "farg: $(cat "$tmp/out")"
HDF5_PLUGIN_PATH=$PLUGIN_DIR "$H5REPACK" -f "$(cat "$tmp/out")" \
    -l toa_reflectance:CHUNK=5x13x64x64 "$s2" "$tmp/repack.nc" || fail "h5repack"
HDF5_PLUGIN_PATH=$PLUGIN_DIR "$H5DUMP" -p -H -d toa_reflectance "$tmp/repack.nc" |
    grep -q "FILTER_ID 330" || fail "h5repack wrote no vidcube filter"
run verify "$s2" "$tmp/repack.nc" --min-psnr 45
expect 0 "verify of the h5repack output"
run farg --crf 23 --var ndvi --nccopy
expect 0 "farg --nccopy"
grep -Eq '^ndvi,330,[0-9]+,3,' "$tmp/out" || fail "farg --nccopy (mode 3 = crf): $(cat "$tmp/out")"
run farg --psnr 45 --var ndvi --nccopy
"$NCCOPY" -d0 "$s2" "$tmp/plain.nc" || fail "nccopy -d0"
HDF5_PLUGIN_PATH=$PLUGIN_DIR "$NCCOPY" -F "$(cat "$tmp/out")" -c ndvi:24,64,64 \
    "$tmp/plain.nc" "$tmp/nccopy.nc" || fail "nccopy -F"
run verify "$s2" "$tmp/nccopy.nc" --min-psnr 45 --json
expect 0 "verify of the nccopy output"
grep -q '^{"variables":\[{"name":"ndvi",' "$tmp/out" || fail "nccopy did not code ndvi: $(cat "$tmp/out")"
run farg --var ndvi
expect 2 "farg without a fidelity"
run farg --psnr 45
expect 0 "farg for all variables"
grep -q "^h5repack -f UD=330,0,10," "$tmp/out" && grep -q "^nccopy -F '\*,330," "$tmp/out" ||
    fail "farg for all variables: $(cat "$tmp/out")"

# --- info names a missing plugin plainly; shows versions with or without it
mkdir "$tmp/no-plugins"
run_env HDF5_PLUGIN_PATH="$tmp/no-plugins" info "$tmp/repack.nc"
expect 0 "info without the plugin"
grep -q "vidcube filter (HDF5 id 330): NOT FOUND" "$tmp/out" || fail "info: $(head -3 "$tmp/out")"
expect_err "use(s)? the vidcube filter, but the vidcube HDF5 plugin .* was not found"
grep -Eq "stream: format [0-9]+ .*written by libvidcube" "$tmp/out" || fail "info: no stream versions"
run_env HDF5_PLUGIN_PATH="$PLUGIN_DIR" info "$tmp/repack.nc"
grep -q "vidcube filter (HDF5 id 330): available" "$tmp/out" || fail "info with the plugin"
echo "text" > "$tmp/text.nc"
run info "$tmp/text.nc"
expect 3 "info of a text file"

# --- classic netCDF input: converted to netCDF-4 (classic model)
"$NCCOPY" -k classic "$VC_DATA_DIR/era5_t2m_uk_crop.nc" "$tmp/classic.nc" || fail "nccopy -k classic"
run info "$tmp/classic.nc"
grep -q "classic format" "$tmp/out" || fail "info of a classic file: $(cat "$tmp/out")"
run compress "$tmp/classic.nc" -o "$tmp/from_classic.nc" --psnr 45 --quiet
expect 0 "compress of a classic file"
run verify "$tmp/classic.nc" "$tmp/from_classic.nc" --min-psnr 45 --json
expect 0 "verify of a classic file's conversion"
grep -q '"name":"t2m"' "$tmp/out" || fail "t2m not coded from the classic file"

# --- selection: what must stay exact stays exact, and says why
"$PYTHON3" "$VC_SRCDIR/tests/cli_check.py" derive "$VC_DATA_DIR/ostia_sst_crop.nc" "$tmp/sel.nc" ||
    fail "derive"
run compress "$tmp/sel.nc" -o "$tmp/sel_out.nc" --psnr 40
expect 0 "compress of the selection file"
for rule in "lat2d .*kept exact: coordinate or bounds" "lon2d .*kept exact: coordinate or bounds" \
            "surface_flag .*kept exact: CF flag variable" \
            "landcover_class .*kept exact: integer categories" "sst_counts .*code, chunks 3x180x360"; do
    grep -Eq "^ +$rule" "$tmp/out" || fail "selection: no line /$rule/ in $(cat "$tmp/out")"
done
coded=$("$NCDUMP" -hs "$tmp/sel_out.nc" | sed -nE 's/^[[:space:]]*([^ :]+):_Filter = "330,.*/\1/p')
[ "$coded" = "sst_counts" ] || fail "selection coded '$coded'"
run compress "$tmp/sel.nc" -o "$tmp/sel_var.nc" --psnr 40 --var surface_flag
expect 0 "--var on a flag variable"
expect_err "surface_flag looks like it must stay exact .* coding it lossily"

# --- --chunk
run compress "$s2" -o "$tmp/chunk.nc" --psnr 40 --chunk band=4,scene_time=2 --var toa_reflectance
expect 0 "--chunk"
grep -q "toa_reflectance .*code, chunks 2x4x64x64 (T C Y X)" "$tmp/out" || fail "--chunk: $(cat "$tmp/out")"
"$NCDUMP" -hs "$tmp/chunk.nc" | grep -q "toa_reflectance:_ChunkSizes = 2, 4, 64, 64 ;" ||
    fail "--chunk not written"
run verify "$s2" "$tmp/chunk.nc" --min-psnr 40
expect 0 "verify of a rechunked variable (edge chunks padded)"

# --- --abs on packed integers is a bound in physical units
run compress "$VC_DATA_DIR/ostia_sst_crop.nc" -o "$tmp/abs.nc" --abs 0.05 --quiet
if [ "$status" -eq 2 ]; then
    expect_err "--abs .*is not supported yet by libvidcube"
else
    expect 0 "--abs 0.05"
    run verify "$VC_DATA_DIR/ostia_sst_crop.nc" "$tmp/abs.nc" --max-abs 0.05
    expect 0 "--abs 0.05 kept in kelvin on packed int16 (scale_factor 0.01)"
fi

# --- --transform goes through to the filter's parameters; the summary
# gives the transform each variable was coded with and its fitting time,
# info the transform of the chunks
run compress "$s2" -o "$tmp/klt.nc" --psnr 45 --transform klt --var toa_reflectance
if [ "$status" -eq 2 ]; then
    expect_err "--psnr .*klt.* is not supported yet by libvidcube"
else
    expect 0 "--transform klt"
    grep -Eq "toa_reflectance .* klt \([0-9]+\.[0-9]+\)$" "$tmp/out" ||
        fail "the summary lacks the transform and its fitting time: $(cat "$tmp/out")"
    run verify "$s2" "$tmp/klt.nc" --min-psnr 45
    expect 0 "every band reaches the target through the KLT"
    run info "$tmp/klt.nc"
    grep -q "parameters: psnr 45 dB, klt" "$tmp/out" || fail "info: no klt in $(cat "$tmp/out")"
    grep -Eq "transform: klt \(1 of 1 chunks read\)" "$tmp/out" ||
        fail "info: no transform census in $(cat "$tmp/out")"
fi
# auto on a single band has nothing to transform: plain coding, said so
run compress "$VC_DATA_DIR/era5_t2m_uk_crop.nc" -o "$tmp/auto1.nc" --psnr 40 --transform auto
expect 0 "--transform auto, one band"
grep -Eq "t2m .* none( \([0-9.]+\))?$" "$tmp/out" ||
    fail "auto on one band should report plain coding: $(cat "$tmp/out")"

# --- progress bar: never into a pipe or file; on a terminal, yes
run compress "$s2" -o "$tmp/bar1.nc" --psnr 40
! grep -q "$(printf '\r')" "$tmp/err" || fail "progress bar drawn into a file"
if command -v script > /dev/null; then
    script -qec "'$VIDCUBE' compress '$s2' -o '$tmp/bar2.nc' --psnr 40" /dev/null \
        > "$tmp/tty" 2>&1 < /dev/null || fail "compress on a terminal"
    grep -q '\[#*\.*\] *[0-9]*%' "$tmp/tty" || fail "no progress bar on a terminal: $(cat "$tmp/tty")"
fi
exit 0
