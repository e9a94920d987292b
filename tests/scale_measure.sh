#!/bin/sh
# scale_measure.sh: the scale-out figures (issue 9; not a unit test), on
# the full shared datasets, read-only, with every output in a scratch
# directory under /tmp. Run from the build tree:
#   cd BUILD/tests && make scale_omp && SRCDIR/tests/scale_measure.sh [DATA_DIR] [REPEATS]
#  1. OpenMP: library encode/decode MB/s with 1 and 2 threads (scale_omp);
#  2. MPI (when built with --enable-mpi): vidcube-mpi write and read MB/s
#     with 1, 2 and 4 ranks, one coding thread per rank, and 1 rank with 2
#     threads for comparison;
#  3. Dask: files converted with `vidcube compress`, reduced over time by
#     a LocalCluster of 1 and 2 single-threaded worker processes, and of
#     1 worker with 2 threads.
# MB are raw (decoded) bytes; every figure is the best of REPEATS runs.
data=${1:-/work/shared/data} repeats=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
VC_BUILDDIR=${VC_BUILDDIR:-$(cd .. && pwd)}
PYTHON3=${PYTHON3:-/usr/bin/python3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vc_scale.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ "$(id -u)" -eq 0 ]; then
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
fi
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), best of $repeats"

echo "== OpenMP: library alone, whole variables (PSNR 45 dB; S2 and OLCI 40 dB)"
VC_DATA_DIR=$data ./scale_omp "$repeats" || exit 1

# best CMD...: the best "(N MB/s)" figure printed by REPEATS runs of CMD.
best() {
    for i in $(seq "$repeats"); do
        "$@" | sed -n 's/.*(\([0-9.]*\) MB\/s).*/\1/p'
    done | sort -g | tail -n1
}

VCMPI=$VC_BUILDDIR/tools/mpi/vidcube-mpi
if [ -x "$VCMPI" ]; then
    echo "== MPI: vidcube-mpi, collective write / read, MB/s (VIDCUBE_THREADS per rank)"
    mpi() {   # THREADS N ARGS
        t=$1 n=$2
        shift 2
        VIDCUBE_THREADS=$t HDF5_PLUGIN_PATH=$VC_BUILDDIR/filters/mpi/.libs \
            mpiexec -n "$n" --oversubscribe --bind-to none -x VIDCUBE_THREADS \
            -x HDF5_PLUGIN_PATH "$VCMPI" "$@"
    }
    printf '%-14s %-20s %7s | %7s %7s %7s %7s | %7s %7s %7s\n' variable chunk MB \
        "w 1r1t" "w 1r2t" "w 2r1t" "w 4r1t" "r 1r" "r 2r" "r 4r"
    case_mpi() {   # FILE VAR CHUNK SPLIT TARGET [ROLES]
        file=$1 var=$2 chunk=$3 split=$4
        args="--psnr $5 --chunk $chunk --split $split ${6:+--roles $6}"
        # shellcheck disable=SC2086
        w() { best mpi "$1" "$2" write "$data/$file" "$var" "$tmp/mpi.h5" $args; }
        r() { best mpi 1 "$1" read "$tmp/mpi.h5" "$var" --split "$split"; }
        # shellcheck disable=SC2086
        mb=$(mpi 1 1 write "$data/$file" "$var" "$tmp/mpi.h5" $args |
             sed 's/.*wrote \([0-9.]*\) MB.*/\1/')
        printf '%-14s %-20s %7s | %7s %7s %7s %7s | %7s %7s %7s\n' "$var" "$chunk" "$mb" \
            "$(w 1 1)" "$(w 2 1)" "$(w 1 2)" "$(w 1 4)" "$(r 1)" "$(r 2)" "$(r 4)"
    }
    case_mpi era5_t2m_uk_2019-03_hourly.nc t2m 93,33,49 0 45
    case_mpi ostia_sst_l4_global_2017-06-05_07.nc analysed_sst 3,90,1440 1 45
    case_mpi s2_l1c_eolearn_testeopatch.nc toa_reflectance 1,13,101,100 0 40
    case_mpi s3_olci_c2rcc_northsea_xcube.nc conc_chl 5,125,2000 1 40
    case_mpi era5_ens_z_t_2017-01-01_02.nc z 1,4,2,61,120 0 45 CTCYX
else
    echo "== MPI: not built (configure --enable-mpi)"
fi

echo "== Dask: vidcube compress outputs, mean over time on a LocalCluster"
VIDCUBE_THREADS=1
export VIDCUBE_THREADS
dask_case() {   # FILE VAR TIMEDIM CHUNKSPEC TARGET
    out=$tmp/dask_$1
    "$VC_BUILDDIR/tools/vidcube" compress "$data/$1" -o "$out" --var "$2" --chunk "$4" \
        --psnr "$5" --quiet || exit 1
    for wt in "1 1" "2 1" "1 2"; do   # workers, threads per worker
        # shellcheck disable=SC2086
        set -- "$out" "$2" "$3" $wt
        "$PYTHON3" "$here/scale_dask.py" measure "$1" "$2" "$3" \
            "$VC_BUILDDIR/filters/.libs" "$4" "$repeats" "$5" 2> /dev/null || exit 1
    done
}
dask_case era5_t2m_uk_2019-03_hourly.nc t2m time time=93 45
dask_case ostia_sst_l4_global_2017-06-05_07.nc analysed_sst time lat=90 45
dask_case s2_l1c_eolearn_testeopatch.nc toa_reflectance scene_time scene_time=1 40
dask_case s3_olci_c2rcc_northsea_xcube.nc conc_chl time lat=125 40
dask_case era5_ens_z_t_2017-01-01_02.nc z time number=1 45
