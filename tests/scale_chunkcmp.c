/* scale_chunkcmp.c: do two files store the same vidcube streams for VAR?
 * Same shape, chunk dims and filter words (all of them, set_local's
 * included), the same chunks, and for each chunk the same filter mask and
 * the same stored bytes, read raw (H5Dread_chunk) with the serial HDF5.
 * The MPI test uses it to show that ranks writing slabs in parallel store
 * exactly what a serial writer (h5repack) stores.
 *   scale_chunkcmp A B VAR */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_util.h"

typedef struct side {
    const char *file;
    hid_t fid, ds, dcpl, space;
} side;

static int open_side(side *s, const char *file, const char *var)
{
    s->file = file;
    s->fid = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    s->ds = s->fid >= 0 ? H5Dopen2(s->fid, var, H5P_DEFAULT) : -1;
    s->dcpl = s->ds >= 0 ? H5Dget_create_plist(s->ds) : -1;
    s->space = s->ds >= 0 ? H5Dget_space(s->ds) : -1;
    if (s->space < 0 || H5Pget_layout(s->dcpl) != H5D_CHUNKED) {
        fprintf(stderr, "%s:%s: not a chunked dataset\n", file, var);
        return -1;
    }
    return 0;
}

static void close_side(side *s)
{
    if (s->space >= 0) H5Sclose(s->space);
    if (s->dcpl >= 0) H5Pclose(s->dcpl);
    if (s->ds >= 0) H5Dclose(s->ds);
    if (s->fid >= 0) H5Fclose(s->fid);
}

/* Shape, chunk dims and the vidcube words agree. */
static int same_layout(const side *a, const side *b)
{
    hsize_t da[H5S_MAX_RANK], db[H5S_MAX_RANK], ca[H5S_MAX_RANK], cb[H5S_MAX_RANK];
    int na = H5Sget_simple_extent_dims(a->space, da, NULL);
    int nb = H5Sget_simple_extent_dims(b->space, db, NULL);
    if (na != nb || memcmp(da, db, (size_t)na * sizeof da[0]) != 0 ||
        H5Pget_chunk(a->dcpl, na, ca) != na || H5Pget_chunk(b->dcpl, nb, cb) != nb ||
        memcmp(ca, cb, (size_t)na * sizeof ca[0]) != 0) {
        fprintf(stderr, "%s and %s differ in shape or chunk dims\n", a->file, b->file);
        return 0;
    }
    unsigned int wa[VC_CD_NALL], wb[VC_CD_NALL], flags;
    size_t nwa = VC_CD_NALL, nwb = VC_CD_NALL;
    if (H5Pget_filter_by_id2(a->dcpl, VC_H5Z_FILTER_ID, &flags, &nwa, wa, 0, NULL, NULL) < 0 ||
        H5Pget_filter_by_id2(b->dcpl, VC_H5Z_FILTER_ID, &flags, &nwb, wb, 0, NULL, NULL) < 0) {
        fprintf(stderr, "%s or %s lacks the vidcube filter\n", a->file, b->file);
        return 0;
    }
    for (size_t i = 0; i < nwa || i < nwb; i++)
        if (nwa != nwb || wa[i] != wb[i]) {
            fprintf(stderr, "filter words differ: %zu words vs %zu, word %zu: %u vs %u\n", nwa,
                    nwb, i, i < nwa ? wa[i] : 0, i < nwb ? wb[i] : 0);
            return 0;
        }
    return 1;
}

/* One chunk, raw: its filter mask and bytes (malloc'ed into *buf). */
static int raw_chunk(const side *s, const hsize_t *offset, unsigned *mask, void **buf,
                     hsize_t *size)
{
    haddr_t addr;
    if (H5Dget_chunk_info_by_coord(s->ds, offset, mask, &addr, size) < 0 ||
        addr == HADDR_UNDEF || !(*buf = malloc(*size ? *size : 1)))
        return -1;
    uint32_t m = 0;
    if (H5Dread_chunk(s->ds, H5P_DEFAULT, offset, &m, *buf) < 0) {
        free(*buf);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s A B VAR\n", argv[0]);
        return 2;
    }
    side a = { 0 }, b = { 0 };
    int ok = open_side(&a, argv[1], argv[3]) == 0 && open_side(&b, argv[2], argv[3]) == 0 &&
             same_layout(&a, &b);
    hsize_t na = 0, nb = 0, bytes = 0;
    if (ok && (H5Dget_num_chunks(a.ds, a.space, &na) < 0 ||
               H5Dget_num_chunks(b.ds, b.space, &nb) < 0 || na != nb || na == 0)) {
        fprintf(stderr, "%llu stored chunks vs %llu\n", (unsigned long long)na,
                (unsigned long long)nb);
        ok = 0;
    }
    for (hsize_t i = 0; ok && i < na; i++) {
        hsize_t offset[H5S_MAX_RANK], sa, sb;
        unsigned ma, mb;
        haddr_t addr;
        void *ba = NULL, *bb = NULL;
        if (H5Dget_chunk_info(a.ds, a.space, i, offset, &ma, &addr, &sa) < 0 ||
            raw_chunk(&a, offset, &ma, &ba, &sa) < 0 || raw_chunk(&b, offset, &mb, &bb, &sb) < 0) {
            fprintf(stderr, "chunk %llu: not stored in both files\n", (unsigned long long)i);
            ok = 0;
        } else if (ma != mb || sa != sb || memcmp(ba, bb, (size_t)sa) != 0) {
            fprintf(stderr, "chunk %llu (offset %llu along axis 0): %llu bytes, mask %u vs "
                    "%llu bytes, mask %u: streams differ\n", (unsigned long long)i,
                    (unsigned long long)offset[0], (unsigned long long)sa, ma,
                    (unsigned long long)sb, mb);
            ok = 0;
        }
        bytes += sa;
        free(ba);
        free(bb);
    }
    if (ok)
        printf("%llu chunks, %llu bytes: identical streams\n", (unsigned long long)na,
               (unsigned long long)bytes);
    close_side(&a);
    close_side(&b);
    return ok ? 0 : 1;
}
