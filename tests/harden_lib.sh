# harden_lib.sh: sourced by the hardening shell tests (harden_*.sh): a
# scratch directory, the reason a test fails, and what a sanitizer build
# changes.

. "${VC_SRCDIR:?run through make check}/tests/testlib.sh"

: "${VC_BUILDDIR:?run through make check}" "${VC_SRCDIR:?run through make check}"
: "${VC_DATA_DIR:?run through make check}"
SHIM=$VC_BUILDDIR/tests/.libs/libvcshim.so

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vc_harden.XXXXXX") || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# The allocator shim replaces malloc through LD_PRELOAD; AddressSanitizer
# must own malloc itself, so tests that need the shim skip there (the
# sanitizer build checks leaks and accesses on its own).
require_shim() {
    [ "${VC_SANITIZERS:-no}" != yes ] ||
        skip "the allocator shim cannot be preloaded under AddressSanitizer"
    [ -f "$SHIM" ] || fail "$SHIM is missing: build the tests first"
}
