# cli_lib.sh: sourced by the CLI's shell tests (cli_*.sh). Gives each test a
# scratch directory, runs the vidcube command from the build tree, and says
# why a test fails. The CLI registers the filter in-process, so it runs
# without HDF5_PLUGIN_PATH; only the readers used to check its outputs
# (ncdump of data, python) are given the plugin from the build tree.

. "${VC_SRCDIR:?run through make check}/tests/testlib.sh"

# Debian's python3 with numpy, netCDF4 and h5py.
require_python() {
    require PYTHON3
    "$PYTHON3" -c 'import numpy, netCDF4, h5py' 2>/dev/null || {
        echo "SKIP: $PYTHON3 lacks numpy/netCDF4/h5py (install python3-netcdf4 python3-h5py)"
        exit 77
    }
}

: "${VC_BUILDDIR:?run through make check}" "${VC_DATA_DIR:?run through make check}"
: "${VC_SRCDIR:?run through make check}"
VIDCUBE=$VC_BUILDDIR/tools/vidcube
[ -x "$VIDCUBE" ] || fail "$VIDCUBE is missing: build the tree first"
PLUGIN_DIR=$VC_BUILDDIR/filters/.libs
[ -f "$PLUGIN_DIR/libh5z_vidcube.so" ] || fail "no plugin in $PLUGIN_DIR"
unset HDF5_PLUGIN_PATH
SAMPLES="era5_ens_crop.nc era5_t2m_uk_crop.nc ostia_sst_crop.nc s2_l1c_crop.nc s3_olci_crop.nc"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vc_cli.XXXXXX") || fail "mktemp"
chmod 755 "$tmp"             # tests that drop privileges must reach it
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# run ARGS...: vidcube ARGS, stdout in $tmp/out, stderr in $tmp/err, exit
# status in $status.
run() {
    status=0
    "$VIDCUBE" "$@" > "$tmp/out" 2> "$tmp/err" || status=$?
}

# run_env NAME=VALUE ARGS...: run, with one more environment variable.
run_env() {
    status=0
    setting=$1
    shift
    env "$setting" "$VIDCUBE" "$@" > "$tmp/out" 2> "$tmp/err" || status=$?
}

# expect STATUS WHAT: the last run exited with STATUS.
expect() {
    [ "$status" -eq "$1" ] ||
        fail "$2: exit status $status, expected $1; stderr: $(cat "$tmp/err")"
}

# expect_err PATTERN WHAT: the last run's stderr matches the grep -E pattern.
expect_err() {
    grep -Eq -- "$1" "$tmp/err" || fail "$2: stderr lacks /$1/: $(cat "$tmp/err")"
}

# no_output DIR NAME WHAT: neither NAME nor any temporary file is in DIR.
no_output() {
    [ ! -e "$1/$2" ] || fail "$3: $1/$2 exists"
    ! ls -A "$1" 2>/dev/null | grep -q 'vidcube-tmp' ||
        fail "$3: a temporary file was left in $1: $(ls -A "$1")"
}

# The data of a file as ncdump prints it at full precision, without the
# first line (which names the file). Readers need the plugin.
ncdata() {
    HDF5_PLUGIN_PATH=$PLUGIN_DIR "$NCDUMP" -p 9,17 "$1" | sed 1d
}

# ncdump -hs without what the conversion may change: chunking, filters and
# storage layout.
ncheader() {
    "$NCDUMP" -hs "$1" | sed 1d |
        grep -Ev ':_(Storage|ChunkSizes|Filter|DeflateLevel|Shuffle|Fletcher32|NoFill) = '
}
