#!/bin/sh
# filter_throughput.sh: the filter's read throughput on the full shared
# datasets (not a unit test). Each variable is repacked twice with the same
# chunks, with vidcube and with shuffle+deflate (level 4, like the
# originals), then read by filter_throughput. Run from the build tree:
#   cd BUILD/tests && make filter_throughput filter_cdwords &&
#   SRCDIR/tests/filter_throughput.sh [DATA_DIR] [REPEATS]
# The library decodes with VIDCUBE_THREADS threads (default here 1: on a
# shared machine, thread scheduling noise would hide the filter's cost).
data=${1:-/work/shared/data} repeats=${2:-15}
VIDCUBE_THREADS=${VIDCUBE_THREADS:-1}
export VIDCUBE_THREADS
H5REPACK=${H5REPACK:-h5repack}
VC_BUILDDIR=${VC_BUILDDIR:-$(cd .. && pwd)}
export VC_BUILDDIR
HDF5_PLUGIN_PATH=$VC_BUILDDIR/filters/.libs
export HDF5_PLUGIN_PATH
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vc_throughput.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
id=$(./filter_cdwords id) || exit 1

measure() {   # FILE VAR CHUNK TARGET [ROLES]
    words=$(./filter_cdwords psnr "$4" ${5:+roles=$5}) || exit 1
    "$H5REPACK" -l "$2:CHUNK=$3" -f "$2:UD=$id,0,10,$words" "$data/$1" "$tmp/vc.h5" || exit 1
    "$H5REPACK" -l "$2:CHUNK=$3" -f "$2:SHUF" -f "$2:GZIP=4" "$data/$1" "$tmp/gz.h5" || exit 1
    ./filter_throughput "$tmp/vc.h5" "$tmp/gz.h5" "$2" "$repeats" || exit 1
}

echo "filter $id, best of $repeats interleaved reads (process CPU time), VIDCUBE_THREADS=$VIDCUBE_THREADS, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
measure era5_t2m_uk_2019-03_hourly.nc t2m 24x33x49 45
measure ostia_sst_l4_global_2017-06-05_07.nc analysed_sst 3x360x360 45
measure s2_l1c_eolearn_testeopatch.nc toa_reflectance 5x13x101x100 40
measure s2_l1c_eolearn_testeopatch.nc ndvi 17x101x100 40
measure s3_olci_c2rcc_northsea_xcube.nc conc_chl 5x500x500 40
measure era5_ens_z_t_2017-01-01_02.nc z 10x4x2x61x120 45 CTCYX
