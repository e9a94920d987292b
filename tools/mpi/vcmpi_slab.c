/* vcmpi_slab.c: which part of the array each rank owns (see vcmpi.h). */
#include "vcmpi.h"

void vcmpi_slab_of(int ndims, const hsize_t *dims, int split, hsize_t chunk_extent,
                   int aligned, int rank, int nranks, vcmpi_slab *s)
{
    s->ndims = ndims;
    for (int i = 0; i < ndims; i++) {
        s->dims[i] = dims[i];
        s->start[i] = 0;
        s->count[i] = dims[i];
    }
    hsize_t extent = dims[split], lo, hi;
    if (aligned) {
        /* Deal whole chunks: rank r gets chunks [r*K/P, (r+1)*K/P). */
        hsize_t nchunks = (extent + chunk_extent - 1) / chunk_extent;
        lo = nchunks * (hsize_t)rank / (hsize_t)nranks * chunk_extent;
        hi = nchunks * (hsize_t)(rank + 1) / (hsize_t)nranks * chunk_extent;
    } else {
        lo = extent * (hsize_t)rank / (hsize_t)nranks;
        hi = extent * (hsize_t)(rank + 1) / (hsize_t)nranks;
    }
    if (lo > extent)
        lo = extent;
    if (hi > extent)
        hi = extent;
    s->start[split] = lo;
    s->count[split] = hi - lo;
    s->nvalues = 1;
    for (int i = 0; i < ndims; i++)
        s->nvalues *= (size_t)s->count[i];
}

herr_t vcmpi_slab_select(const vcmpi_slab *s, hid_t space)
{
    if (s->nvalues == 0)
        return H5Sselect_none(space);   /* still takes part in collective calls */
    return H5Sselect_hyperslab(space, H5S_SELECT_SET, s->start, NULL, s->count, NULL);
}
