#!/bin/sh
# netCDF-C and its tools with the filter:
# - nc_def_var_filter write (filter_ncwrite checks every call up to
#   nc_close), then ncdump reads the values back at the PSNR target;
# - a filter failure (150 dB) is reported by nc_close;
# - nccopy -F applies the filter; a plain nccopy of the result keeps the
#   same _Filter words (set_local is idempotent);
# - without the plugin, ncdump fails instead of printing values.
. "$VC_SRCDIR/tests/filter_lib.sh"
require NCDUMP NCCOPY H5DUMP

sample=$VC_DATA_DIR/era5_t2m_uk_crop.nc
w45=$(./filter_cdwords psnr 45) || fail "filter_cdwords"

# The _Filter attribute of variable $2 in $1 ("" if none).
filter_attr() {
    "$NCDUMP" -hs "$1" | sed -n "s/^[[:space:]]*$2:_Filter = \"\\(.*\\)\" ;\$/\\1/p"
}

# The values of $2 in $1 as ncdump prints them, one per line.
ncdump_values() {
    "$NCDUMP" -v "$2" -p 9,17 "$1" | sed -n "/^ $2 =/,/;/p" | sed "s/^ $2 =//" |
        tr -s ' ,;\t' '\n' | grep -v '^$'
}

# --- nc_def_var_filter, then ncdump
./filter_ncwrite "$sample" t2m "$tmp/w.nc" 24,33,49 "$w45" || fail "filter_ncwrite at 45 dB"
attr=$(filter_attr "$tmp/w.nc" t2m)
echo "nc_def_var_filter: _Filter = \"$attr\""
[ "$(echo "$attr" | tr ',' '\n' | wc -l)" -eq 21 ] || fail "_Filter should be the id and 20 words"
case $attr in "$FILTER_ID,$w45,"*) ;; *) fail "_Filter does not start with the id and the user words" ;; esac

ncdump_values "$sample" t2m > "$tmp/orig.txt" || fail "ncdump of the sample"
ncdump_values "$tmp/w.nc" t2m > "$tmp/dec.txt" || fail "ncdump of the filtered file"
[ "$(wc -l < "$tmp/orig.txt")" -eq $((168 * 33 * 49)) ] || fail "ncdump printed $(wc -l < "$tmp/orig.txt") sample values"
paste "$tmp/orig.txt" "$tmp/dec.txt" | awk -v target=45 '
    { d = $1 - $2; se += d * d; n++
      if (n == 1 || $1 < lo) lo = $1; if (n == 1 || $1 > hi) hi = $1 }
    END { psnr = 10 * log((hi - lo)^2 / (se / n)) / log(10)
          printf "ncdump read: %d values, PSNR %.2f dB (target %d)\n", n, psnr, target
          exit !(n == 168 * 33 * 49 && psnr >= target) }' || fail "values read by ncdump miss the target"

# --- a filter failure surfaces at nc_close
if ./filter_ncwrite "$sample" t2m "$tmp/bad.nc" 24,33,49 "$(./filter_cdwords psnr 150)" 2> "$tmp/err.txt"; then
    fail "writing at 150 dB succeeded"
fi
grep -q "^nc_close" "$tmp/err.txt" || fail "expected nc_close to fail, got: $(cat "$tmp/err.txt")"
echo "150 dB: $(cat "$tmp/err.txt")"

# --- nccopy -F. netCDF 4.9.0's nccopy ignores -F on a variable that already
# has deflate, so strip it first (-d0).
"$NCCOPY" -d0 "$sample" "$tmp/plain.nc" || fail "nccopy -d0"
"$NCCOPY" -F "t2m,$FILTER_ID,$w45" -c time/24,latitude/33,longitude/49 "$tmp/plain.nc" "$tmp/f.nc" ||
    fail "nccopy -F"
attr_f=$(filter_attr "$tmp/f.nc" t2m)
[ -n "$attr_f" ] || fail "nccopy -F wrote no _Filter"
printf 'nccopy -F: '
./filter_compare "$sample" "$tmp/f.nc" t2m 45 || fail "nccopy -F output below target"

# nccopy writes NOFILL files: HDF5 then knows no fill value, so a
# _FillValue (OSTIA land) must be passed in the filter words.
ostia=$VC_DATA_DIR/ostia_sst_crop.nc
"$NCCOPY" -d0 "$ostia" "$tmp/ostia_plain.nc" || fail "nccopy -d0 ostia"
"$NCCOPY" -F "analysed_sst,$FILTER_ID,$(./filter_cdwords psnr 45 fill=-32768)" \
    "$tmp/ostia_plain.nc" "$tmp/ostia.nc" || fail "nccopy -F ostia"
printf 'nccopy -F, fill in the words: '
./filter_compare "$ostia" "$tmp/ostia.nc" analysed_sst 45 || fail "ostia below target"

# --- a plain nccopy keeps the filter words (nccopy feeds set_local the 20
# stored words); its values meet the target against what it copied. The
# OSTIA file is in netCDF's default fill mode while nccopy's copy is
# NOFILL: the masked -32768 must travel with the words.
check_plain_copy() {   # FILE VAR
    "$NCCOPY" "$1" "$1.copy.nc" || fail "plain nccopy of $1"
    before=$(filter_attr "$1" "$2") after=$(filter_attr "$1.copy.nc" "$2")
    [ -n "$before" ] && [ "$after" = "$before" ] ||
        fail "plain nccopy changed $2:_Filter: \"$before\" -> \"$after\""
    printf 'plain nccopy keeps %s:_Filter; ' "$2"
    ./filter_compare "$1" "$1.copy.nc" "$2" 45 || fail "plain nccopy of $2 below target"
}
check_plain_copy "$tmp/f.nc" t2m
./filter_ncwrite "$ostia" analysed_sst "$tmp/ostia_w.nc" 3,90,120 "$w45" || fail "filter_ncwrite ostia"
check_plain_copy "$tmp/ostia_w.nc" analysed_sst

# --- without the plugin, reading fails
if HDF5_PLUGIN_PATH=$tmp/no-plugins "$NCDUMP" -v t2m "$tmp/w.nc" > "$tmp/out.txt" 2>&1; then
    fail "ncdump read vidcube data without the plugin"
fi
grep -qi "filter" "$tmp/out.txt" || fail "unexpected ncdump output: $(tail -c 300 "$tmp/out.txt")"
echo "without the plugin: ncdump fails: $(grep -i -m1 filter "$tmp/out.txt")"
exit 0
