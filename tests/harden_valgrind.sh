#!/bin/sh
# make check-valgrind: valgrind memcheck over the library tests that finish
# in minutes under it:
#   - the core API, shape and codec tests (test_api, test_shapes,
#     test_codec: compress and decompress on real data, every rank and
#     axis layout, libavcodec against x264's reconstruction);
#   - every fuzz corpus replayed, the golden streams among them (all modes,
#     dtypes and transforms; seeds and past findings; the HDF5 filter's
#     decode entry point), each decoded twice and into a short buffer;
#   - the untrusted-size refusals and crafted streams (harden_limits).
# Any invalid read or write, use of uninitialised memory, or definite or
# indirect leak fails the run (possible leaks are libgomp's thread pool).
# The allocation-failure sweep is not run here: valgrind replaces malloc
# beneath libvcshim, which then sees no allocation; the shim checks leaks
# on those paths itself in make check.
: "${VC_BUILDDIR:?run through make check-valgrind}" "${VC_SRCDIR:?}" "${VC_DATA_DIR:?}"
: "${LIBTOOL:=$VC_BUILDDIR/libtool}"     # may be "SHELL path": word-split below
command -v valgrind > /dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 1; }
cd "$VC_BUILDDIR/tests" || exit 1
export VC_DATA_DIR VC_SRCDIR VC_BUILDDIR VIDCUBE_THREADS=2
unset HDF5_PLUGIN_PATH
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vc_valgrind.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --suppressions=$VC_SRCDIR/tests/harden.supp"
passed=0 failed=0

# check NAME COMMAND...: run COMMAND under memcheck through libtool.
check() {
    name=$1
    shift
    start=$(date +%s)
    # shellcheck disable=SC2086
    if $LIBTOOL --mode=execute $VG "$@" > "$tmp/log" 2>&1; then
        passed=$((passed + 1))
        echo "PASS: $name ($(( $(date +%s) - start )) s)"
    else
        failed=$((failed + 1))
        echo "FAIL: $name"
        grep -v '^\[h264' "$tmp/log" | tail -40
    fi
}

corpus=$VC_SRCDIR/tests/fuzz/corpus
golden=$VC_SRCDIR/tests/golden
check test_api ./test_api
check test_shapes ./test_shapes
check test_codec ./test_codec
check "replay decompress corpus" fuzz/replay_decompress "$corpus/decompress" "$golden"
check "replay stream_info corpus" fuzz/replay_stream_info "$corpus/stream_info" "$golden"
check "replay cd_unpack corpus" fuzz/replay_cd_unpack "$corpus/cd_unpack"
check "replay h5filter corpus" fuzz/replay_h5filter "$corpus/h5filter"
check "untrusted sizes" ./harden_limits

echo "check-valgrind: $passed passed, $failed failed"
[ $failed -eq 0 ]
