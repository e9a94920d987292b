/* fuzz_h5filter.c: libFuzzer target for the HDF5 filter's decode entry
 * point, vc_h5z_filter with H5Z_FLAG_REVERSE, as HDF5 calls it for a stored
 * chunk. Input: a word count (u8, taken modulo 33), that many cd_values
 * words (little-endian u32), then the stored chunk, decoded as it is and
 * with its container repaired (fuzz_repair). The filter must return
 * 0 (and leave the buffer to the caller) or exactly the chunk's bytes, and
 * never report more than the buffer it hands back. */
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "fuzz.h"
#include "h5z_internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("VIDCUBE_THREADS", "1", 1);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);     /* failures are the point */
    return 0;
}

#define TOO_LARGE ((size_t)-1)

/* Bytes of the chunk the words describe: 0 when they describe none (the
 * filter must refuse them), TOO_LARGE when it is not worth allocating. */
static size_t chunk_bytes(const unsigned int *cd, size_t n)
{
    vc_params p;
    vc_cd_local l;
    int has_local = 0;
    if (vc_cd_unpack(cd, n, &p, NULL, &l, &has_local) != VC_OK || !has_local)
        return 0;
    size_t bytes = vc_dtype_size(l.dtype);
    for (int i = 0; i < l.rank; i++) {
        if (l.chunk[i] > FUZZ_MAX_DECODED / bytes)
            return TOO_LARGE;
        bytes *= l.chunk[i];
    }
    return bytes <= FUZZ_MAX_DECODED ? bytes : TOO_LARGE;
}

/* The filter on one stored chunk, in a buffer from HDF5's allocator. */
static void decode(size_t n, const unsigned int *cd, size_t expected, const uint8_t *chunk,
                   size_t nbytes)
{
    void *buf = H5allocate_memory(nbytes ? nbytes : 1, 0);
    if (!buf)
        return;
    memcpy(buf, chunk, nbytes);
    size_t buf_size = nbytes;
    size_t got = vc_h5z_filter(H5Z_FLAG_REVERSE, n, cd, nbytes, &buf_size, &buf);
    FUZZ_CHECK(got == 0 || (got == expected && got <= buf_size));
    H5free_memory(buf);
    H5Eclear2(H5E_DEFAULT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n = data[0] % 33;
    if (size < 1 + 4 * n)
        return 0;
    unsigned int cd[33];
    for (size_t i = 0; i < n; i++) {
        const uint8_t *w = data + 1 + 4 * i;
        cd[i] = (unsigned)w[0] | (unsigned)w[1] << 8 | (unsigned)w[2] << 16 |
                (unsigned)w[3] << 24;
    }
    size_t expected = chunk_bytes(cd, n);
    if (expected == TOO_LARGE)
        return 0;
    size_t nbytes;
    uint8_t *fixed = fuzz_repair(data + 1 + 4 * n, size - 1 - 4 * n, &nbytes);
    decode(n, cd, expected, data + 1 + 4 * n, size - 1 - 4 * n);
    if (fixed)
        decode(n, cd, expected, fixed, nbytes);
    free(fixed);
    return 0;
}
