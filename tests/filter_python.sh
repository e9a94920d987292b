#!/bin/sh
# Python clients (Debian's python3-h5py and python3-netcdf4) read files
# written through nc_def_var_filter, loading the plugin through
# HDF5_PLUGIN_PATH; the values must equal the library's own decode of the
# same chunks. Without the plugin both must raise.
. "$VC_SRCDIR/tests/filter_lib.sh"
require PYTHON3
"$PYTHON3" -c "import h5py, netCDF4, numpy" 2> /dev/null ||
    { echo "SKIP: $PYTHON3 lacks h5py/netCDF4 (install python3-h5py python3-netcdf4)"; exit 77; }

set --
add() {   # SAMPLE VAR CHUNKS WORDS
    out=$tmp/$2.nc
    ./filter_ncwrite "$VC_DATA_DIR/$1" "$2" "$out" "$3" "$4" || fail "filter_ncwrite $1:$2"
    ./filter_chunkdump "$out" "$2" "$out.raw" || fail "filter_chunkdump $2"
}
add s2_l1c_crop.nc toa_reflectance 5,13,64,64 "$(./filter_cdwords psnr 40)"
add s3_olci_crop.nc conc_chl 5,128,256 "$(./filter_cdwords psnr 40)"
add ostia_sst_crop.nc analysed_sst 3,90,120 "$(./filter_cdwords psnr 45)"
add s2_l1c_crop.nc cloud_mask 8,64,64 "$(./filter_cdwords lossless 0)"

py=$VC_SRCDIR/tests/filter_python.py
"$PYTHON3" "$py" \
    "$tmp/toa_reflectance.nc" toa_reflectance "$tmp/toa_reflectance.nc.raw" \
    "$tmp/conc_chl.nc" conc_chl "$tmp/conc_chl.nc.raw" \
    "$tmp/analysed_sst.nc" analysed_sst "$tmp/analysed_sst.nc.raw" \
    "$tmp/cloud_mask.nc" cloud_mask "$tmp/cloud_mask.nc.raw" ||
    fail "Python readers differ from the library's decode"

HDF5_PLUGIN_PATH=$tmp/no-plugins "$PYTHON3" "$py" --expect-failure "$tmp/conc_chl.nc" conc_chl ||
    fail "Python readers without the plugin did not fail as expected"
exit 0
