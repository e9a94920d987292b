/* filter_chunkdump.c: decode a vidcube-filtered variable without the
 * filter (H5Dread_chunk + vc_decompress, see filter_util.h) and write its
 * values, raw and in native order, for the Python test to compare with
 * what h5py and netCDF4 read through the plugin.
 *   filter_chunkdump FILE VAR OUT.raw */
#include <stdio.h>

#include "filter_util.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s FILE VAR OUT.raw\n", argv[0]);
        return 2;
    }
    fu_dataset d;
    if (fu_decode_chunks(argv[1], argv[2], &d) != 0) {
        fprintf(stderr, "%s: cannot decode %s:%s chunk by chunk\n", argv[0], argv[1], argv[2]);
        return 1;
    }
    FILE *f = fopen(argv[3], "wb");
    size_t bytes = d.n * vc_dtype_size(d.a.dtype);
    int ok = f && fwrite(d.data, 1, bytes, f) == bytes;
    if (f && fclose(f) != 0)
        ok = 0;
    fu_free(&d);
    if (!ok) {
        fprintf(stderr, "%s: cannot write %s\n", argv[0], argv[3]);
        return 1;
    }
    return 0;
}
