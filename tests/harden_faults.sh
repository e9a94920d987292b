#!/bin/sh
# Allocation failures along compress and decompress (harden_faults.c), with
# the allocator shim preloaded: malloc, calloc, realloc and strdup along
# both; then the aligned allocators too (libavcodec's) along decompression.
. "$VC_SRCDIR/tests/harden_lib.sh"
require_shim
LD_PRELOAD=$SHIM ./harden_faults || fail "allocation failures (malloc, calloc, realloc)"
LD_PRELOAD=$SHIM VC_FAULT_ALIGNED=1 VC_FAULT_OPS=decompress ./harden_faults \
    psnr-float32-nan psnr-klt-float32 qp-uint16 ||
    fail "allocation failures (aligned allocators too)"
