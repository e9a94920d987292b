#!/bin/sh
# xarray + dask.distributed read files written by `vidcube compress`
# (issue 9): Sentinel-2 reflectance (13 bands, one HDF5 chunk per scene)
# and Sentinel-3 OLCI chlorophyll (88 % NaN, chunks of 64 rows). On a
# LocalCluster of 2 worker processes that find the plugin through
# HDF5_PLUGIN_PATH in their environment, the mean and standard deviation
# over time equal numpy's on the serially decoded copy (`vidcube
# decompress`); workers without the plugin path fail (tried once). See
# scale_dask.py.
# Skips (77) only when Debian's Python packages are missing.
. "$VC_SRCDIR/tests/filter_lib.sh"
require PYTHON3
if ! "$PYTHON3" -c 'import numpy, netCDF4, xarray, dask, distributed' 2> "$tmp/import.txt"; then
    echo "SKIP: $(tail -n1 "$tmp/import.txt") (install python3-xarray python3-dask python3-distributed python3-netcdf4)"
    exit 77
fi
VIDCUBE=$VC_BUILDDIR/tools/vidcube
# One coding thread per process: the workers share 2 cores.
VIDCUBE_THREADS=1
export VIDCUBE_THREADS

# run SAMPLE VAR TIMEDIM CHUNKSPEC PSNR NO_PLUGIN_DIR|-
run() {
    "$VIDCUBE" compress "$VC_DATA_DIR/$1" -o "$tmp/$1" --var "$2" --chunk "$4" --psnr "$5" \
        --quiet || fail "vidcube compress $1"
    "$VIDCUBE" decompress "$tmp/$1" "$tmp/plain_$1" || fail "vidcube decompress $1"
    "$PYTHON3" "$VC_SRCDIR/tests/scale_dask.py" check "$tmp/$1" "$tmp/plain_$1" "$2" "$3" \
        "$HDF5_PLUGIN_PATH" "$6" || fail "Dask reductions of $1:$2"
}

run s2_l1c_crop.nc toa_reflectance scene_time scene_time=1 45 "$tmp/no-plugins"
run s3_olci_crop.nc conc_chl time lat=64 40 -
exit 0
