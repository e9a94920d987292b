/* filter_ncwrite.c: write one variable of a sample file into a new
 * netCDF-4 file through netCDF-C's nc_def_var_filter, checking every call
 * up to and including nc_close (a failing filter surfaces only there).
 * Dimension names, type and _FillValue are copied from the sample.
 *   filter_ncwrite SAMPLE.nc VAR OUT.nc CHUNKS WORDS
 * CHUNKS and WORDS are comma-separated (WORDS from filter_cdwords). On a
 * failure, prints "<call>: <netCDF message>" and exits 1. */
#include <netcdf.h>
#include <netcdf_filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vidcube_filter.h"

#define CHECK(call)                                                            \
    do {                                                                       \
        int st_ = (call);                                                      \
        if (st_ != NC_NOERR) {                                                 \
            fprintf(stderr, "%s: %s\n", #call, nc_strerror(st_));              \
            return 1;                                                          \
        }                                                                      \
    } while (0)

/* Parse "a,b,c" into at most max unsigned values; returns the count. */
static size_t parse_list(const char *s, unsigned long *out, size_t max)
{
    size_t n = 0;
    char *end;
    while (*s && n < max) {
        out[n++] = strtoul(s, &end, 10);
        s = *end == ',' ? end + 1 : end;
        if (end == s && *s)
            return 0;
    }
    return n;
}

typedef struct {
    nc_type type;
    int     ndims;
    char    dim[VC_MAX_RANK][NC_MAX_NAME + 1];
    size_t  len[VC_MAX_RANK];
    int     has_fill;
    char    fill[8];
    void   *data;
} sample_var;

static int read_sample(const char *path, const char *name, sample_var *v)
{
    int nc, id, dimids[VC_MAX_RANK];
    size_t n = 1, size;
    CHECK(nc_open(path, NC_NOWRITE, &nc));
    CHECK(nc_inq_varid(nc, name, &id));
    CHECK(nc_inq_varndims(nc, id, &v->ndims));
    if (v->ndims < 1 || v->ndims > VC_MAX_RANK) {
        fprintf(stderr, "%s: rank %d, the filter codes 1 to %d\n", name, v->ndims, VC_MAX_RANK);
        return 1;
    }
    CHECK(nc_inq_var(nc, id, NULL, &v->type, NULL, dimids, NULL));
    for (int i = 0; i < v->ndims; i++) {
        CHECK(nc_inq_dim(nc, dimids[i], v->dim[i], &v->len[i]));
        n *= v->len[i];
    }
    CHECK(nc_inq_type(nc, v->type, NULL, &size));
    v->has_fill = nc_get_att(nc, id, "_FillValue", v->fill) == NC_NOERR;
    v->data = malloc(n * size);
    if (!v->data)
        return 1;
    CHECK(nc_get_var(nc, id, v->data));
    CHECK(nc_close(nc));
    return 0;
}

static int write_filtered(const char *path, const char *name, const sample_var *v,
                          const size_t *chunk, const unsigned *words, size_t nwords)
{
    int nc, id, dimids[VC_MAX_RANK];
    CHECK(nc_create(path, NC_NETCDF4 | NC_CLOBBER, &nc));
    for (int i = 0; i < v->ndims; i++)
        CHECK(nc_def_dim(nc, v->dim[i], v->len[i], &dimids[i]));
    CHECK(nc_def_var(nc, name, v->type, v->ndims, dimids, &id));
    if (v->has_fill)
        CHECK(nc_put_att(nc, id, "_FillValue", v->type, 1, v->fill));
    CHECK(nc_def_var_chunking(nc, id, NC_CHUNKED, chunk));
    CHECK(nc_def_var_filter(nc, id, VC_H5Z_FILTER_ID, nwords, words));
    CHECK(nc_enddef(nc));
    CHECK(nc_put_var(nc, id, v->data));
    CHECK(nc_close(nc));
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long chunk_in[VC_MAX_RANK], words_in[VC_CD_NALL];
    if (argc != 6) {
        fprintf(stderr, "usage: %s SAMPLE.nc VAR OUT.nc CHUNKS WORDS\n", argv[0]);
        return 2;
    }
    sample_var v;
    memset(&v, 0, sizeof v);
    if (read_sample(argv[1], argv[2], &v) != 0)
        return 1;
    size_t nchunk = parse_list(argv[4], chunk_in, VC_MAX_RANK);
    size_t nwords = parse_list(argv[5], words_in, VC_CD_NALL);
    if (nchunk != (size_t)v.ndims || nwords == 0) {
        fprintf(stderr, "%s: need %d chunk extents and some words\n", argv[0], v.ndims);
        return 2;
    }
    size_t chunk[VC_MAX_RANK];
    unsigned words[VC_CD_NALL];
    for (size_t i = 0; i < nchunk; i++)
        chunk[i] = chunk_in[i];
    for (size_t i = 0; i < nwords; i++)
        words[i] = (unsigned)words_in[i];
    int rc = write_filtered(argv[3], argv[2], &v, chunk, words, nwords);
    free(v.data);
    return rc;
}
