/* fuzz_stream_info.c: libFuzzer target for the stream header and the size
 * query, vc_stream_info_read. What it accepts must describe a valid array
 * within VC_MAX_VALUES whose decoded size is computed without overflow. */
#include <stdlib.h>

#include "fuzz.h"
#include "vidcube.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vc_stream_info info;
    int rc = vc_stream_info_read(data, size, &info);
    FUZZ_CHECK(rc <= 0 && vc_strerror(rc) != NULL);
    if (rc != VC_OK)
        return 0;
    vc_array a = info.array;
    FUZZ_CHECK(vc_array_check(&a) == VC_OK);
    size_t n = vc_array_nvalues(&info.array), es = vc_dtype_size(a.dtype);
    FUZZ_CHECK(n >= 1 && n <= VC_MAX_VALUES);
    FUZZ_CHECK(info.decoded_size / es == n && info.decoded_size % es == 0);
    size_t C = 1;
    for (int i = 0; i < a.rank; i++)
        if (a.roles[i] == VC_AXIS_CHANNEL)
            C *= a.dims[i];
    FUZZ_CHECK(info.nbands == C);
    FUZZ_CHECK(info.format >= 1 && info.format <= vc_stream_format());
    FUZZ_CHECK(info.mode >= VC_MODE_PSNR && info.mode <= VC_MODE_RATE);
    FUZZ_CHECK(info.bit_depth == 8 || info.bit_depth == 10);
    FUZZ_CHECK(info.transform <= VC_TRANSFORM_AUTO);
    FUZZ_CHECK(info.has_fill == 0 || info.has_fill == 1);
    return 0;
}
