#!/bin/sh
# Parallel HDF5 through the MPI build of the plugin (issue 9). Ranks write
# disjoint slabs of a chunked dataset collectively (tools/mpi/vidcube-mpi)
# with 1, 2 and 4 ranks, from samples with one band, with 88 % NaN and
# with 40 channels. Every file written in parallel
#  - carries the filter, and the serial HDF5 with the serial plugin decodes
#    it as the library decodes its chunks, every band at the PSNR target
#    (filter_compare);
#  - stores, chunk for chunk, the very streams serial h5repack stores with
#    the same chunks and words (scale_chunkcmp);
#  - reads back in parallel (2, 3 and 4 ranks; slabs aligned to the chunks
#    or not, along the split axis or across it; collective or independent)
#    into exactly the library's serial decode (filter_chunkdump, cmp).
# HDF5 refuses an independent (non-collective) filtered write; without the
# plugin, writing and reading fail with a message, not a hang.
. "$VC_SRCDIR/tests/filter_lib.sh"
require H5REPACK H5DUMP MPIEXEC

VCMPI=$VC_BUILDDIR/tools/mpi/vidcube-mpi
MPI_PLUGINS=$VC_BUILDDIR/filters/mpi/.libs
[ -x "$VCMPI" ] || fail "no $VCMPI (configure --enable-mpi)"
[ -f "$MPI_PLUGINS/libh5z_vidcube_mpi.so" ] || fail "no MPI plugin in $MPI_PLUGINS"

# OpenMPI refuses to start as root unless told (CI runs as root).
if [ "$(id -u)" -eq 0 ]; then
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
fi
# One coding thread per rank: 4 ranks on 2 cores already oversubscribe.
VIDCUBE_THREADS=1
export VIDCUBE_THREADS

# mpi N ARGS: vidcube-mpi on N ranks, the MPI plugin passed to every rank
# (-x), as the README's recipe does; a hang is a failure.
mpi() {
    n=$1
    shift
    HDF5_PLUGIN_PATH=${MPI_PLUGIN_PATH:-$MPI_PLUGINS} timeout 120 \
        "$MPIEXEC" -n "$n" --oversubscribe -x HDF5_PLUGIN_PATH -x VIDCUBE_THREADS \
        "$VCMPI" "$@"
}

# check SAMPLE VAR CHUNK(h5repack) TARGET [ROLES] -- RUNS: writes the
# sample with h5repack (serial) as the reference, then with vidcube-mpi for
# each run "N [options]", and checks each parallel file against it.
check() {
    sample=$VC_DATA_DIR/$1 var=$2 chunk=$3 target=$4 roles=$5
    ref=$tmp/$var.ref.h5
    words=$(./filter_cdwords psnr "$target" ${roles:+roles=$roles}) || fail "filter_cdwords"
    "$H5REPACK" -l "$var:CHUNK=$chunk" -f "$var:UD=$FILTER_ID,0,10,$words" "$sample" "$ref" ||
        fail "h5repack $var"
    has_vidcube "$ref" "$var" || fail "h5repack wrote $var without the filter"
    shift 6
    for run in "$@"; do
        # shellcheck disable=SC2086  # run = "N --option value ..."
        set -- $run
        n=$1
        shift
        out=$tmp/$var.$n.h5
        mpi "$n" write "$sample" "$var" "$out" --psnr "$target" ${roles:+--roles $roles} \
            --chunk "$(echo "$chunk" | tr x ,)" "$@" || fail "vidcube-mpi write $var on $n ranks"
        has_vidcube "$out" "$var" || fail "$var written on $n ranks carries no vidcube filter"
        printf '  serial read: '
        ./filter_compare "$sample" "$out" "$var" "$target" $roles ||
            fail "$var written on $n ranks: below $target dB, or not decoded as the library does"
        printf '  against h5repack: '
        ./scale_chunkcmp "$ref" "$out" "$var" ||
            fail "$var written on $n ranks stores other streams than serial h5repack"
    done
}

# read_check FILE VAR RUNS: parallel reads equal the library's serial decode.
read_check() {
    file=$1 var=$2
    shift 2
    ./filter_chunkdump "$file" "$var" "$tmp/serial.raw" || fail "filter_chunkdump $file"
    for run in "$@"; do
        # shellcheck disable=SC2086
        set -- $run
        n=$1
        shift
        rm -f "$tmp/parallel.raw"
        mpi "$n" read "$file" "$var" --raw "$tmp/parallel.raw" "$@" ||
            fail "vidcube-mpi read $var on $n ranks $*"
        cmp "$tmp/serial.raw" "$tmp/parallel.raw" ||
            fail "$var read on $n ranks ($*) differs from the library's serial decode"
    done
    echo "  $var: parallel reads equal the serial decode ($(wc -c < "$tmp/serial.raw") bytes)"
}

echo "== ERA5 t2m, 168 hours split along time, 7 chunks of 24 h"
check era5_t2m_uk_crop.nc t2m 24x33x49 45 "" -- "1" "2" "4" "2 --unaligned" "4 --unaligned"
read_check "$tmp/t2m.4.h5" t2m "2" "4" "4 --unaligned" "3 --split 2 --independent" \
    "2 --split 1 --unaligned"
# The MPI build reads what the serial HDF5 wrote too.
read_check "$tmp/t2m.ref.h5" t2m "2"

echo "== Sentinel-3 OLCI chl (88 % NaN), 256 rows split among ranks, 4 chunks of 64 rows"
check s3_olci_crop.nc conc_chl 5x64x512 40 "" -- "4 --split 1" "2 --split 1"
read_check "$tmp/conc_chl.4.h5" conc_chl "4 --split 1" "2"

echo "== ERA5 ensemble t (member, time, level, lat, lon), 5 members on 2 and 4 ranks"
check era5_ens_crop.nc t 1x4x2x61x120 45 CTCYX -- "2" "4"
read_check "$tmp/t.4.h5" t "4" "2 --split 3 --unaligned"

echo "== independent transfer"
# HDF5 places compressed chunks only in a collective write: it must refuse.
if mpi 2 write "$VC_DATA_DIR/era5_t2m_uk_crop.nc" t2m "$tmp/ind.h5" --psnr 45 --independent \
    2> "$tmp/err.txt"; then
    fail "an independent write of a filtered dataset succeeded"
fi
grep -q "independent write with filters" "$tmp/err.txt" ||
    fail "unexpected message for an independent write: $(head -c 400 "$tmp/err.txt")"
echo "  write: $(grep -m1 "independent write" "$tmp/err.txt" | sed 's/^ *//')"

echo "== without the plugin"
mkdir -p "$tmp/no-plugins"
if MPI_PLUGIN_PATH=$tmp/no-plugins mpi 2 write "$VC_DATA_DIR/era5_t2m_uk_crop.nc" t2m \
    "$tmp/none.h5" --psnr 45 2> "$tmp/err.txt"; then
    fail "vidcube-mpi wrote without the plugin"
fi
grep -q "cannot load the vidcube filter" "$tmp/err.txt" ||
    fail "unexpected message without the plugin: $(head -c 400 "$tmp/err.txt")"
echo "  write: $(grep -m1 "cannot load" "$tmp/err.txt" | cut -c1-90)..."
if MPI_PLUGIN_PATH=$tmp/no-plugins mpi 2 read "$tmp/t2m.2.h5" t2m 2> "$tmp/err.txt"; then
    fail "vidcube-mpi read vidcube data without the plugin"
fi
grep -q "not registered" "$tmp/err.txt" ||
    fail "unexpected message reading without the plugin: $(head -c 400 "$tmp/err.txt")"
echo "  read: $(grep -m1 "not registered" "$tmp/err.txt" | sed 's/^ *//')"
exit 0
