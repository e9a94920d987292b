#!/bin/sh
# h5repack applies the filter to sample files (-f VAR:UD=id,0,10,words),
# h5dump -p -H shows it, and the values decode at the PSNR target.
# Without the plugin, h5repack still exits 0 but writes no filter: the
# dump check must catch that, and h5dump must fail to read vidcube data.
. "$VC_SRCDIR/tests/filter_lib.sh"
require H5REPACK H5DUMP

repack() {   # SAMPLE VAR CHUNK TARGET [ROLES]
    in=$VC_DATA_DIR/$1 out=$tmp/$2.h5
    words=$(./filter_cdwords psnr "$4" ${5:+roles=$5}) || fail "filter_cdwords"
    "$H5REPACK" -l "$2:CHUNK=$3" -f "$2:UD=$FILTER_ID,0,10,$words" "$in" "$out" ||
        fail "h5repack $1:$2 exited $?"
    has_vidcube "$out" "$2" || fail "h5dump -p -H shows no vidcube filter on $2: $(cat "$tmp/dump.txt")"
    printf '%s:%s chunk %s: ' "$1" "$2" "$3"
    ./filter_compare "$in" "$out" "$2" "$4" $5 || fail "$1:$2 below $4 dB or not decoded as the library does"
}

repack s2_l1c_crop.nc toa_reflectance 5x13x64x64 40
repack ostia_sst_crop.nc analysed_sst 3x90x120 45
repack era5_ens_crop.nc t 5x4x2x61x120 45 CTCYX
repack era5_t2m_uk_crop.nc t2m 24x16x16 45

# The plugin missing while writing: exit 0, no filter. The check sees it.
HDF5_PLUGIN_PATH=$tmp/no-plugins "$H5REPACK" -f "t2m:UD=$FILTER_ID,0,10,$(./filter_cdwords psnr 45)" \
    "$VC_DATA_DIR/era5_t2m_uk_crop.nc" "$tmp/unfiltered.h5"
echo "h5repack without the plugin exited $?"
if has_vidcube "$tmp/unfiltered.h5" t2m; then
    fail "h5dump claims the filter on a file written without the plugin"
fi
echo "without the plugin: no vidcube filter in the dump (detected)"

# The plugin missing while reading: h5dump must fail, not print values.
if HDF5_PLUGIN_PATH=$tmp/no-plugins "$H5DUMP" -d t2m "$tmp/t2m.h5" > "$tmp/values.txt" 2>&1; then
    fail "h5dump read vidcube data without the plugin"
fi
grep -q "unable to print data" "$tmp/values.txt" || fail "unexpected h5dump output: $(head -c 300 "$tmp/values.txt")"
echo "without the plugin: h5dump fails: $(grep -m1 "unable" "$tmp/values.txt")"
exit 0
