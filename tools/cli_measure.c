/* cli_measure.c: how close a variable is to another, read a bounded slab
 * at a time so large files are never held whole.
 *
 * Each slab is measured by the library (vc_measure); this file only adds
 * the slabs up: squared error, counts, extremes. PSNR is then formed from
 * the sums exactly as the library forms it from one array. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <netcdf.h>

#define MEASURE_BUDGET_BYTES ((size_t)16 << 20)

typedef struct qsum {
    double sse, maxerr, min, max;
    size_t n_valid, n_masked;
    int    mask_exact;
} qsum;

static void qsum_init(qsum *s)
{
    memset(s, 0, sizeof *s);
    s->min = HUGE_VAL;
    s->max = -HUGE_VAL;
    s->mask_exact = 1;
}

static void qsum_add(qsum *s, const vc_quality *q)
{
    s->n_masked += q->n_masked;
    s->mask_exact &= q->mask_exact;
    if (q->n_valid == 0)
        return;
    s->sse += q->rmse * q->rmse * (double)q->n_valid;
    if (q->max_abs_error > s->maxerr || isnan(q->max_abs_error))
        s->maxerr = q->max_abs_error;
    if (q->min < s->min) s->min = q->min;
    if (q->max > s->max) s->max = q->max;
    s->n_valid += q->n_valid;
}

/* Results in data units: `scale` is |scale_factor| of packed integers. */
static void qsum_finish(const qsum *s, double scale, vc_quality *q)
{
    memset(q, 0, sizeof *q);
    q->n_valid = s->n_valid;
    q->n_masked = s->n_masked;
    q->mask_exact = s->mask_exact;
    if (s->n_valid == 0) {
        q->psnr_db = q->rmse = q->max_abs_error = q->peak = q->min = q->max = NAN;
        return;
    }
    q->peak = (s->max - s->min) * scale;
    q->min = s->min;
    q->max = s->max;
    q->rmse = sqrt(s->sse / (double)s->n_valid) * scale;
    q->max_abs_error = s->maxerr * scale;
    q->psnr_db = s->sse == 0 ? HUGE_VAL :
        10.0 * log10((s->max - s->min) * (s->max - s->min) * (double)s->n_valid / s->sse);
}

int cli_var_fill(int grp, int varid, double *fill)
{
    static const char *names[] = { "_FillValue", "missing_value" };
    for (int i = 0; i < 2; i++) {
        nc_type t;
        size_t len;
        double v;
        if (nc_inq_att(grp, varid, names[i], &t, &len) == NC_NOERR && len == 1 &&
            t != NC_CHAR && t != NC_STRING &&
            nc_get_att_double(grp, varid, names[i], &v) == NC_NOERR && !isnan(v)) {
            *fill = v;
            return 1;
        }
    }
    return 0;
}

/* |scale_factor| of packed integers, 1 otherwise. */
static double packing_scale(int grp, int varid, int nctype)
{
    double sf;
    vc_dtype t = cli_dtype_of(nctype);
    if (t == VC_FLOAT32 || t == VC_FLOAT64 ||
        nc_get_att_double(grp, varid, "scale_factor", &sf) != NC_NOERR || !isfinite(sf) ||
        sf == 0)
        return 1.0;
    return fabs(sf);
}

/* Which channel of the whole variable is channel b of a slab at start[]
 * with extent count[] (default roles: rank 4 T C Y X, rank 5 T C C Y X). */
static size_t global_band(int rank, const size_t *dims, const size_t *start,
                          const size_t *count, size_t b)
{
    if (rank == 4)
        return start[1] + b;
    if (rank == 5)
        return (start[1] + b / count[2]) * dims[2] + start[2] + b % count[2];
    return 0;
}

typedef struct measure_job {
    int       g1, v1, g2, v2, rank;
    vc_dtype  dtype;
    size_t    dims[VC_MAX_RANK];
    int       has_fill;
    double    fill;
} measure_job;

static int measure_slabs(const measure_job *m, qsum *total, qsum *bands, size_t nbands,
                         const char *name, cli_err *e)
{
    size_t elem = vc_dtype_size(m->dtype), block[CLI_MAX_DIMS], nblock = 1;
    size_t chunks[NC_MAX_VAR_DIMS];
    int storage, chunked = nc_inq_var_chunking(m->g2, m->v2, &storage, chunks) == NC_NOERR &&
                           storage == NC_CHUNKED;
    /* Whole chunks of the compressed variable: each stream is decoded once
     * and none needs caching. */
    block_choose(m->dims, chunked ? chunks : NULL, m->rank, MEASURE_BUDGET_BYTES / elem, block);
    ncs_set_read_cache(m->g1, m->v1, m->rank, elem, block);
    nc_set_var_chunk_cache(m->g2, m->v2, 0, 0, 0.0f);
    for (int d = 0; d < m->rank; d++)
        nblock *= block[d];
    void *a = malloc(nblock * elem), *b = malloc(nblock * elem);
    vc_quality *bq = calloc(nbands, sizeof *bq);
    int rc = a && b && bq ? 0 : cli_fail(e, CLI_EXIT_FAILURE, "%s: out of memory", name);
    block_iter it;
    block_iter_init(&it, m->dims, block, m->rank);
    for (; rc == 0 && !it.done; block_iter_next(&it)) {
        int ncrc = nc_get_vara(m->g1, m->v1, it.start, it.count, a);
        if (ncrc == NC_NOERR)
            ncrc = nc_get_vara(m->g2, m->v2, it.start, it.count, b);
        if (ncrc != NC_NOERR) {
            rc = cli_fail_nc(e, CLI_EXIT_INPUT, ncrc, "%s: reading", name);
            break;
        }
        vc_array arr = { m->dtype, m->rank, { 0 }, { 0 } };
        memcpy(arr.dims, it.count, (size_t)m->rank * sizeof(size_t));
        size_t nb = 1;
        for (int d = 1; d < m->rank - 2; d++)
            nb *= it.count[d];
        vc_quality tq;
        int vrc = vc_measure(&arr, a, b, m->has_fill, m->fill, bq, nb, &tq);
        if (vrc != VC_OK) {
            rc = cli_fail(e, CLI_EXIT_FAILURE, "%s: measuring: %s", name, vc_strerror(vrc));
            break;
        }
        qsum_add(total, &tq);
        for (size_t k = 0; k < nb; k++)
            qsum_add(&bands[global_band(m->rank, m->dims, it.start, it.count, k)], &bq[k]);
    }
    free(a);
    free(b);
    free(bq);
    return rc;
}

int cli_measure_var(int g1, int v1, int g2, int v2, var_quality *q, cli_err *e)
{
    char name[NC_MAX_NAME + 1];
    int t1, t2, r1, r2, d1[NC_MAX_VAR_DIMS], d2[NC_MAX_VAR_DIMS];
    memset(q, 0, sizeof *q);
    int rc = nc_inq_var(g1, v1, name, &t1, &r1, d1, NULL);
    if (rc == NC_NOERR)
        rc = nc_inq_var(g2, v2, NULL, &t2, &r2, d2, NULL);
    if (rc != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_INPUT, rc, "reading a variable's definition");
    measure_job m = { g1, v1, g2, v2, r1, cli_dtype_of(t1), { 0 }, 0, 0 };
    if (!m.dtype || r1 < 1 || r1 > VC_MAX_RANK)
        return cli_fail(e, CLI_EXIT_INPUT, "%s: not a numeric array of rank 1..%d", name,
                        VC_MAX_RANK);
    if (t1 != t2 || r1 != r2)
        return cli_fail(e, CLI_EXIT_INPUT, "%s: types or ranks differ between the files", name);
    q->nvalues = 1;
    for (int d = 0; d < r1; d++) {
        size_t l1, l2;
        nc_inq_dimlen(g1, d1[d], &l1);
        nc_inq_dimlen(g2, d2[d], &l2);
        if (l1 != l2)
            return cli_fail(e, CLI_EXIT_INPUT, "%s: shapes differ between the files", name);
        m.dims[d] = l1;
        q->nvalues *= l1;
    }
    m.has_fill = cli_var_fill(g1, v1, &m.fill);
    q->nbands = 1;
    for (int d = 1; d < r1 - 2; d++)
        q->nbands *= m.dims[d];
    q->raw_bytes = (double)q->nvalues * (double)vc_dtype_size(m.dtype);
    q->stored_bytes = -1;
    q->bpppb = q->ratio = NAN;
    qsum total, *bands = malloc(q->nbands * sizeof *bands);
    q->bands = calloc(q->nbands, sizeof *q->bands);
    if (!bands || !q->bands) {
        free(bands);
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    }
    qsum_init(&total);
    for (size_t k = 0; k < q->nbands; k++)
        qsum_init(&bands[k]);
    rc = q->nvalues ? measure_slabs(&m, &total, bands, q->nbands, name, e) : 0;
    double scale = packing_scale(g1, v1, t1);
    qsum_finish(&total, scale, &q->total);
    for (size_t k = 0; k < q->nbands; k++)
        qsum_finish(&bands[k], scale, &q->bands[k]);
    free(bands);
    return rc;
}

void cli_quality_free(var_quality *q)
{
    free(q->bands);
    q->bands = NULL;
}

void cli_quality_set_storage(var_quality *q, double stored_bytes)
{
    q->stored_bytes = stored_bytes;
    if (stored_bytes > 0 && q->nvalues > 0) {
        q->bpppb = 8.0 * stored_bytes / (double)q->nvalues;
        q->ratio = q->raw_bytes / stored_bytes;
    } else {
        q->bpppb = q->ratio = NAN;
    }
}
