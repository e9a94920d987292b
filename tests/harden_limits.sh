#!/bin/sh
# Untrusted sizes and decoding memory (harden_limits.c), measured through
# the allocator shim; under AddressSanitizer the refusals are checked
# without the allocation counts.
. "$VC_SRCDIR/tests/harden_lib.sh"
if [ "${VC_SANITIZERS:-no}" = yes ]; then
    ./harden_limits || fail "harden_limits"
else
    require_shim
    LD_PRELOAD=$SHIM ./harden_limits || fail "harden_limits"
fi
