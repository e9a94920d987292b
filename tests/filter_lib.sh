# filter_lib.sh: sourced by the filter's shell tests. Loads the plugin from
# the build tree, gives each test a scratch directory, and says why a test
# fails. Tests run from the build tree's tests/ directory, where the helper
# programs (filter_cdwords, filter_compare, ...) are built.

. "${VC_SRCDIR:?run through make check}/tests/testlib.sh"

: "${VC_BUILDDIR:?run through make check}" "${VC_DATA_DIR:?run through make check}"
HDF5_PLUGIN_PATH=$VC_BUILDDIR/filters/.libs
export HDF5_PLUGIN_PATH
[ -f "$HDF5_PLUGIN_PATH/libh5z_vidcube.so" ] || fail "no plugin in $HDF5_PLUGIN_PATH"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vc_filter.XXXXXX") || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/no-plugins"            # an HDF5_PLUGIN_PATH where the plugin is missing

FILTER_ID=$(./filter_cdwords id) || fail "filter_cdwords"

# Does h5dump see the vidcube filter on dataset $2 of file $1? (h5repack
# exits 0 and writes unfiltered data when it cannot load the plugin.)
has_vidcube() {
    "$H5DUMP" -p -H -d "$2" "$1" > "$tmp/dump.txt" 2>&1 || return 1
    grep -q "FILTER_ID $FILTER_ID\$" "$tmp/dump.txt" &&
        grep -q "COMMENT vidcube " "$tmp/dump.txt"
}
