/* nccopy_struct.c: copy a netCDF file's structure (groups, dimensions,
 * user types, attributes, variables) and data into a new netCDF-4 file,
 * choosing each variable's storage from a plan. It is a small nccopy: what
 * the plan does not change stays exactly as it was.
 *
 * Ids differ between input and output (netCDF numbers dimensions and types
 * across the whole file), so dimensions and types go through id maps. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netcdf.h>
#include <netcdf_filter.h>

/* Slabs of copied (not coded) variables stay below this, so a large file
 * is never held in memory whole. */
#define COPY_BUDGET_BYTES ((size_t)16 << 20)
/* Bounds of the chunk cache for reading a variable (ncs_set_read_cache). */
#define READ_CACHE_MIN ((size_t)1 << 20)
#define READ_CACHE_MAX ((size_t)256 << 20)

#define H5Z_DEFLATE 1u
#define H5Z_SHUFFLE 2u
#define H5Z_FLETCHER32 3u
#define H5Z_SZIP 4u

/* ------------------------------------------------------------------------
 * Walking variables.
 * ---------------------------------------------------------------------- */
static int walk_group(int grp, const char *prefix, ncs_var_fn fn, void *ud, cli_err *e)
{
    int nvars, ngrps, rc;
    if ((rc = nc_inq_varids(grp, &nvars, NULL)) != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_INPUT, rc, "listing variables");
    int *ids = malloc(((size_t)nvars + 1) * sizeof *ids);
    if (!ids)
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    nc_inq_varids(grp, NULL, ids);
    int status = 0;
    for (int i = 0; i < nvars && status == 0; i++) {
        char name[NC_MAX_NAME + 1], path[1024];
        nc_inq_varname(grp, ids[i], name);
        snprintf(path, sizeof path, "%s%s", prefix, name);
        status = fn(grp, ids[i], path, ud, e);
    }
    free(ids);
    if (status || (rc = nc_inq_grps(grp, &ngrps, NULL)) != NC_NOERR)
        return status ? status : cli_fail_nc(e, CLI_EXIT_INPUT, rc, "listing groups");
    int *gids = malloc(((size_t)ngrps + 1) * sizeof *gids);
    if (!gids)
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    nc_inq_grps(grp, NULL, gids);
    for (int i = 0; i < ngrps && status == 0; i++) {
        char name[NC_MAX_NAME + 1], sub[1024];
        nc_inq_grpname(gids[i], name);
        snprintf(sub, sizeof sub, "%s%s/", prefix, name);
        status = walk_group(gids[i], sub, fn, ud, e);
    }
    free(gids);
    return status;
}

int ncs_walk_vars(int ncid, ncs_var_fn fn, void *ud, cli_err *e)
{
    return walk_group(ncid, "", fn, ud, e);
}

int ncs_find_var(int ncid, const char *path, int *grp, int *varid)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path[0] == '/' ? path + 1 : path);
    int g = ncid;
    char *name = buf;
    for (char *slash; (slash = strchr(name, '/')) != NULL; name = slash + 1) {
        *slash = '\0';
        if (nc_inq_grp_ncid(g, name, &g) != NC_NOERR)
            return -1;
    }
    if (nc_inq_varid(g, name, varid) != NC_NOERR)
        return -1;
    *grp = g;
    return 0;
}

int ncs_output_cmode(int in_ncid)
{
    int format = NC_FORMAT_NETCDF4;
    nc_inq_format(in_ncid, &format);
    /* Classic-model inputs stay in the classic model; CDF5's unsigned and
     * 64-bit types need the enhanced model. */
    if (format == NC_FORMAT_CLASSIC || format == NC_FORMAT_64BIT_OFFSET ||
        format == NC_FORMAT_NETCDF4_CLASSIC)
        return NC_NETCDF4 | NC_CLASSIC_MODEL;
    return NC_NETCDF4;
}

int ncs_has_vidcube(int grp, int varid)
{
    size_t n = 0;
    unsigned ids[32];
    if (nc_inq_var_filter_ids(grp, varid, &n, NULL) != NC_NOERR || n > 32 ||
        nc_inq_var_filter_ids(grp, varid, &n, ids) != NC_NOERR)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (ids[i] == VC_H5Z_FILTER_ID)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------------
 * Definitions.
 * ---------------------------------------------------------------------- */
typedef struct idmap {
    int   *to;          /* to[in id] = out id, -1 unknown */
    size_t n;
} idmap;

typedef struct define_ctx {
    file_plan *plan;
    idmap      dims, types;
    int        netcdf4_input;
} define_ctx;

static int map_set(idmap *m, int from, int to)
{
    if (from < 0)
        return -1;
    if ((size_t)from >= m->n) {
        size_t n = (size_t)from * 2 + 16;
        int *v = realloc(m->to, n * sizeof *v);
        if (!v)
            return -1;
        for (size_t i = m->n; i < n; i++)
            v[i] = -1;
        m->to = v;
        m->n = n;
    }
    m->to[from] = to;
    return 0;
}

static int map_get(const idmap *m, int from)
{
    return from >= 0 && (size_t)from < m->n ? m->to[from] : -1;
}

static nc_type out_type(const define_ctx *c, nc_type t)
{
    return t < NC_FIRSTUSERTYPEID ? t : (nc_type)map_get(&c->types, t);
}

static int copy_atts(int in, int ivar, int out, int ovar, const char *what, cli_err *e)
{
    int natts, rc;
    if ((rc = nc_inq_varnatts(in, ivar, &natts)) != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_INPUT, rc, "%s: listing attributes", what);
    for (int i = 0; i < natts; i++) {
        char name[NC_MAX_NAME + 1];
        if ((rc = nc_inq_attname(in, ivar, i, name)) != NC_NOERR ||
            (rc = nc_copy_att(in, ivar, name, out, ovar)) != NC_NOERR)
            return cli_fail_nc(e, CLI_EXIT_FAILURE, rc, "%s: copying attribute %s", what,
                               name);
    }
    return 0;
}

static int copy_compound(define_ctx *c, int in, int out, nc_type t, const char *name,
                         size_t size, size_t nfields, nc_type *nt)
{
    int rc = nc_def_compound(out, size, name, nt);
    for (size_t i = 0; rc == NC_NOERR && i < nfields; i++) {
        char fname[NC_MAX_NAME + 1];
        size_t off;
        nc_type ft;
        int ndims, dsz[NC_MAX_VAR_DIMS];
        rc = nc_inq_compound_field(in, t, (int)i, fname, &off, &ft, &ndims, dsz);
        if (rc == NC_NOERR && ndims > 0)
            rc = nc_insert_array_compound(out, *nt, fname, off, out_type(c, ft), ndims, dsz);
        else if (rc == NC_NOERR)
            rc = nc_insert_compound(out, *nt, fname, off, out_type(c, ft));
    }
    return rc;
}

static int copy_enum(int in, int out, nc_type t, const char *name, nc_type base,
                     size_t nmembers, nc_type *nt)
{
    int rc = nc_def_enum(out, base, name, nt);
    for (size_t i = 0; rc == NC_NOERR && i < nmembers; i++) {
        char mname[NC_MAX_NAME + 1];
        long long value = 0;   /* large enough for any integer base type */
        rc = nc_inq_enum_member(in, t, (int)i, mname, &value);
        if (rc == NC_NOERR)
            rc = nc_insert_enum(out, *nt, mname, &value);
    }
    return rc;
}

static int copy_types(define_ctx *c, int in, int out, cli_err *e)
{
    int ntypes, rc;
    if ((rc = nc_inq_typeids(in, &ntypes, NULL)) != NC_NOERR || ntypes == 0)
        return rc == NC_NOERR ? 0 : cli_fail_nc(e, CLI_EXIT_INPUT, rc, "listing types");
    nc_type *ids = malloc((size_t)ntypes * sizeof *ids);
    if (!ids)
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    nc_inq_typeids(in, NULL, ids);
    for (int i = 0; i < ntypes && rc == NC_NOERR; i++) {
        char name[NC_MAX_NAME + 1];
        size_t size, nfields;
        nc_type base, nt = 0;
        int cls;
        rc = nc_inq_user_type(in, ids[i], name, &size, &base, &nfields, &cls);
        if (rc != NC_NOERR)
            break;
        switch (cls) {
        case NC_COMPOUND: rc = copy_compound(c, in, out, ids[i], name, size, nfields, &nt); break;
        case NC_ENUM:     rc = copy_enum(in, out, ids[i], name, base, nfields, &nt); break;
        case NC_VLEN:     rc = nc_def_vlen(out, name, out_type(c, base), &nt); break;
        case NC_OPAQUE:   rc = nc_def_opaque(out, size, name, &nt); break;
        default:          rc = NC_EBADTYPE; break;
        }
        if (rc == NC_NOERR && map_set(&c->types, ids[i], nt) != 0)
            rc = NC_ENOMEM;
        if (rc != NC_NOERR)
            cli_fail_nc(e, CLI_EXIT_FAILURE, rc, "copying type %s", name);
    }
    free(ids);
    return rc == NC_NOERR ? 0 : CLI_EXIT_FAILURE;
}

static int copy_dims(define_ctx *c, int in, int out, cli_err *e)
{
    int ndims, nunlim, rc;
    if ((rc = nc_inq_dimids(in, &ndims, NULL, 0)) != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_INPUT, rc, "listing dimensions");
    int *ids = malloc(((size_t)ndims + 1) * sizeof *ids);
    int *unlim = malloc(((size_t)ndims + 1) * sizeof *unlim);
    if (!ids || !unlim) {
        free(ids);
        free(unlim);
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    }
    nc_inq_dimids(in, NULL, ids, 0);
    if (nc_inq_unlimdims(in, &nunlim, unlim) != NC_NOERR)
        nunlim = 0;
    /* In id order, so the output lists them as the input does. */
    for (int i = 1; i < ndims; i++)
        for (int k = i; k > 0 && ids[k - 1] > ids[k]; k--) {
            int t = ids[k];
            ids[k] = ids[k - 1];
            ids[k - 1] = t;
        }
    for (int i = 0; i < ndims && rc == NC_NOERR; i++) {
        char name[NC_MAX_NAME + 1];
        size_t len;
        int is_unlim = 0, od;
        for (int k = 0; k < nunlim; k++)
            is_unlim |= unlim[k] == ids[i];
        rc = nc_inq_dim(in, ids[i], name, &len);
        if (rc == NC_NOERR)
            rc = nc_def_dim(out, name, is_unlim ? NC_UNLIMITED : len, &od);
        if (rc == NC_NOERR && map_set(&c->dims, ids[i], od) != 0)
            rc = NC_ENOMEM;
        if (rc != NC_NOERR)
            cli_fail_nc(e, CLI_EXIT_FAILURE, rc, "copying dimension %s", name);
    }
    free(ids);
    free(unlim);
    return rc == NC_NOERR ? 0 : CLI_EXIT_FAILURE;
}

/* Filters other than the vidcube one, in pipeline order. */
static int copy_filters(int in, int iv, int out, int ov, int keep_vidcube)
{
    size_t nf = 0;
    unsigned ids[32];
    int rc = nc_inq_var_filter_ids(in, iv, &nf, NULL);
    if (rc != NC_NOERR || nf == 0 || nf > 32)
        return rc == NC_ENOTNC4 ? NC_NOERR : rc;
    nc_inq_var_filter_ids(in, iv, &nf, ids);
    int shuffle = 0, deflate = 0, level = 0;
    nc_inq_var_deflate(in, iv, &shuffle, &deflate, &level);
    if (shuffle || deflate)
        rc = nc_def_var_deflate(out, ov, shuffle, deflate, level);
    for (size_t i = 0; i < nf && rc == NC_NOERR; i++) {
        if (ids[i] == H5Z_DEFLATE || ids[i] == H5Z_SHUFFLE)
            continue;
        if (ids[i] == H5Z_FLETCHER32) {
            rc = nc_def_var_fletcher32(out, ov, NC_FLETCHER32);
        } else if (ids[i] == H5Z_SZIP) {
            int mask, ppb;
            rc = nc_inq_var_szip(in, iv, &mask, &ppb);
            if (rc == NC_NOERR)
                rc = nc_def_var_szip(out, ov, mask, ppb);
        } else if (ids[i] != VC_H5Z_FILTER_ID || keep_vidcube) {
            size_t np = 0;
            unsigned params[64];
            rc = nc_inq_var_filter_info(in, iv, ids[i], &np, NULL);
            if (rc == NC_NOERR && np > 64)
                rc = NC_EFILTER;
            if (rc == NC_NOERR)
                rc = nc_inq_var_filter_info(in, iv, ids[i], &np, params);
            /* set_local re-derives the vidcube words past the user's. */
            if (ids[i] == VC_H5Z_FILTER_ID && np > VC_CD_NUSER)
                np = VC_CD_NUSER;
            if (rc == NC_NOERR)
                rc = nc_def_var_filter(out, ov, ids[i], np, params);
        }
    }
    return rc;
}

/* The input's own storage: layout, filters, byte order, fill mode. */
static int copy_storage(const define_ctx *c, int in, int iv, int out, int ov, int rank,
                        const int *dimids, int keep_vidcube)
{
    if (!c->netcdf4_input) {
        /* Classic: contiguous, except what netCDF-4 must chunk. */
        int nunlim, unlim[NC_MAX_DIMS], has_unlim = 0;
        if (nc_inq_unlimdims(in, &nunlim, unlim) == NC_NOERR)
            for (int d = 0; d < rank; d++)
                for (int k = 0; k < nunlim; k++)
                    has_unlim |= dimids[d] == unlim[k];
        return has_unlim || rank == 0 ? NC_NOERR :
            nc_def_var_chunking(out, ov, NC_CONTIGUOUS, NULL);
    }
    int storage, rc, endian, nofill;
    size_t chunks[NC_MAX_VAR_DIMS];
    rc = nc_inq_var_chunking(in, iv, &storage, chunks);
    if (rc == NC_NOERR && storage == NC_CHUNKED)
        rc = nc_def_var_chunking(out, ov, NC_CHUNKED, chunks);
    else if (rc == NC_NOERR && (storage == NC_CONTIGUOUS || storage == NC_COMPACT) && rank > 0)
        rc = nc_def_var_chunking(out, ov, storage, NULL);
    if (rc == NC_NOERR)
        rc = copy_filters(in, iv, out, ov, keep_vidcube);
    if (rc == NC_NOERR && nc_inq_var_endian(in, iv, &endian) == NC_NOERR &&
        endian != NC_ENDIAN_NATIVE)
        rc = nc_def_var_endian(out, ov, endian);
    if (rc == NC_NOERR && nc_inq_var_fill(in, iv, &nofill, NULL) == NC_NOERR && nofill)
        rc = nc_def_var_fill(out, ov, NC_NOFILL, NULL);
    return rc;
}

/* Whole-frame chunks and the vidcube filter with this variable's words. */
static int vidcube_storage(int out, int ov, const var_plan *vp)
{
    unsigned cd[VC_CD_NUSER];
    size_t ncd;
    int rc = nc_def_var_chunking(out, ov, NC_CHUNKED, vp->chunk);
    if (rc != NC_NOERR)
        return rc;
    if (vc_cd_pack(&vp->params, vp->roles, vp->rank, cd, VC_CD_NUSER, &ncd) != VC_OK)
        return NC_EFILTER;
    return nc_def_var_filter(out, ov, VC_H5Z_FILTER_ID, ncd, cd);
}

static var_plan *plan_find(file_plan *p, int grp, int varid)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].in_grp == grp && p->v[i].in_varid == varid)
            return &p->v[i];
    return NULL;
}

static int define_var(define_ctx *c, int in, int iv, int out, cli_err *e)
{
    char name[NC_MAX_NAME + 1];
    nc_type type;
    int rank, dimids[NC_MAX_VAR_DIMS], odims[NC_MAX_VAR_DIMS], ov;
    int rc = nc_inq_var(in, iv, name, &type, &rank, dimids, NULL);
    if (rc != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_INPUT, rc, "reading a variable's definition");
    var_plan *vp = plan_find(c->plan, in, iv);
    if (!vp)
        return cli_fail(e, CLI_EXIT_FAILURE, "%s: not in the plan (internal error)", name);
    for (int d = 0; d < rank; d++)
        odims[d] = map_get(&c->dims, dimids[d]);
    rc = nc_def_var(out, name, out_type(c, type), rank, odims, &ov);
    if (rc == NC_NOERR) {
        switch (vp->action) {
        case VA_VIDCUBE: rc = vidcube_storage(out, ov, vp); break;
        case VA_PLAIN:   rc = copy_storage(c, in, iv, out, ov, rank, dimids, 0); break;
        default:         rc = copy_storage(c, in, iv, out, ov, rank, dimids, 1); break;
        }
    }
    if (rc == NC_ENOFILTER || (rc == NC_EFILTER && vp->action == VA_VIDCUBE))
        return cli_fail_nc(e, CLI_EXIT_FAILURE, rc, "%s: defining its filter (%s)", vp->path,
                           cli_plugin_hint());
    if (rc != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_FAILURE, rc, "%s: defining the variable", vp->path);
    /* The output cache is off: each chunk is written whole, once, straight
     * through the filter, so a failure surfaces at the write that caused it. */
    nc_set_var_chunk_cache(out, ov, 0, 0, 0.0f);
    vp->out_grp = out;
    vp->out_varid = ov;
    return copy_atts(in, iv, out, ov, vp->path, e);
}

static int define_group(define_ctx *c, int in, int out, cli_err *e)
{
    int rc = copy_types(c, in, out, e);
    if (rc == 0)
        rc = copy_dims(c, in, out, e);
    int nvars = 0, ngrps = 0;
    nc_inq_varids(in, &nvars, NULL);
    int *ids = malloc(((size_t)nvars + 1) * sizeof *ids);
    if (!ids)
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    nc_inq_varids(in, NULL, ids);
    for (int i = 0; rc == 0 && i < nvars; i++)
        rc = define_var(c, in, ids[i], out, e);
    free(ids);
    if (rc == 0)
        rc = copy_atts(in, NC_GLOBAL, out, NC_GLOBAL, "group attributes", e);
    nc_inq_grps(in, &ngrps, NULL);
    int *gids = malloc(((size_t)ngrps + 1) * sizeof *gids);
    if (!gids)
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    nc_inq_grps(in, NULL, gids);
    for (int i = 0; rc == 0 && i < ngrps; i++) {
        char name[NC_MAX_NAME + 1];
        int sub, ncrc = nc_inq_grpname(gids[i], name);
        if (ncrc == NC_NOERR)
            ncrc = nc_def_grp(out, name, &sub);
        rc = ncrc != NC_NOERR ? cli_fail_nc(e, CLI_EXIT_FAILURE, ncrc, "copying group %s", name)
                              : define_group(c, gids[i], sub, e);
    }
    free(gids);
    return rc;
}

int ncs_define(int in, int out, file_plan *plan, cli_err *e)
{
    define_ctx c = { plan, { NULL, 0 }, { NULL, 0 }, 0 };
    int format = 0;
    nc_inq_format(in, &format);
    c.netcdf4_input = format == NC_FORMAT_NETCDF4 || format == NC_FORMAT_NETCDF4_CLASSIC;
    int rc = define_group(&c, in, out, e);
    free(c.dims.to);
    free(c.types.to);
    if (rc == 0 && (rc = nc_enddef(out)) != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_FAILURE, rc, "finishing the output's definitions");
    return rc;
}

/* ------------------------------------------------------------------------
 * Blocks.
 * ---------------------------------------------------------------------- */
void block_choose(const size_t *dims, const size_t *unit, int rank, size_t max_elems,
                  size_t *block)
{
    size_t prod = 1;
    int d = rank - 1;
    for (; d >= 0; d--) {
        size_t u = unit && unit[d] ? unit[d] : 1;
        if (u > dims[d])
            u = dims[d] ? dims[d] : 1;
        if (dims[d] && prod * dims[d] <= max_elems) {
            block[d] = dims[d];
            prod *= dims[d];
            continue;
        }
        size_t k = max_elems / (prod * u);
        block[d] = k < 1 ? u : (k * u < dims[d] ? k * u : dims[d]);
        if (!block[d])
            block[d] = 1;
        d--;
        break;
    }
    for (; d >= 0; d--) {
        size_t u = unit && unit[d] ? unit[d] : 1;
        block[d] = u < dims[d] ? u : (dims[d] ? dims[d] : 1);
    }
}

static void block_counts(block_iter *it)
{
    for (int d = 0; d < it->rank; d++) {
        size_t left = it->dims[d] - it->start[d];
        it->count[d] = left < it->block[d] ? left : it->block[d];
    }
}

void block_iter_init(block_iter *it, const size_t *dims, const size_t *block, int rank)
{
    memset(it, 0, sizeof *it);
    it->rank = rank;
    for (int d = 0; d < rank; d++) {
        it->dims[d] = dims[d];
        it->block[d] = block[d] ? block[d] : 1;
        if (dims[d] == 0)
            it->done = 1;
    }
    block_counts(it);
}

void block_iter_next(block_iter *it)
{
    for (int d = it->rank - 1; d >= 0; d--) {
        it->start[d] += it->block[d];
        if (it->start[d] < it->dims[d]) {
            block_counts(it);
            return;
        }
        it->start[d] = 0;
    }
    it->done = 1;
}

/* ------------------------------------------------------------------------
 * Data.
 * ---------------------------------------------------------------------- */
/* Strings and variable-length data own memory that must be freed after
 * each slab. */
static int needs_reclaim(int grp, nc_type t)
{
    if (t == NC_STRING)
        return 1;
    if (t < NC_FIRSTUSERTYPEID)
        return 0;
    int cls = 0;
    nc_inq_user_type(grp, t, NULL, NULL, NULL, NULL, &cls);
    return cls == NC_VLEN || cls == NC_COMPOUND;
}

void ncs_set_read_cache(int grp, int varid, int rank, size_t elem, const size_t *block)
{
    int storage;
    size_t chunks[NC_MAX_VAR_DIMS];
    if (rank == 0 || nc_inq_var_chunking(grp, varid, &storage, chunks) != NC_NOERR ||
        storage != NC_CHUNKED)
        return;
    /* Room for the chunks one block overlaps (one more along an axis where
     * blocks and chunks are not aligned, so a chunk two blocks share is
     * decoded once); no more, since nothing else is read again. */
    double want = (double)elem;
    for (int d = 0; d < rank; d++) {
        size_t n = (block[d] + chunks[d] - 1) / chunks[d] + (block[d] % chunks[d] != 0);
        want *= (double)(n * chunks[d]);
    }
    size_t size = want < (double)READ_CACHE_MIN ? READ_CACHE_MIN :
                  want > (double)READ_CACHE_MAX ? READ_CACHE_MAX : (size_t)want;
    nc_set_var_chunk_cache(grp, varid, size, 1009, 0.75f);
}

static int io_fail(cli_err *e, int code, int rc, const char *what, const var_plan *vp,
                   const size_t *start)
{
    /* HDF5 says only "HDF error": the system's reason is more useful. */
    int err = errno;
    const char *why = err == ENOSPC ? " (no space left on device)" :
                      err == EFBIG ? " (file too large: size limit reached)" :
                      err == EDQUOT ? " (disk quota exceeded)" :
                      err == EIO ? " (input/output error)" : "";
    char at[160] = "";
    for (int d = 0, len = 0; d < vp->rank && d < 8 && len < 140; d++)
        len += snprintf(at + len, sizeof at - (size_t)len, "%s%zu", d ? "," : " at [",
                        start[d]);
    if (vp->rank > 0)
        strcat(at, "]");
    return cli_fail_nc(e, code, rc, "%s %s%s%s", what, vp->path, at, why);
}

static int copy_var(const var_plan *vp, ncs_progress_fn on_progress, void *ud, double *done,
                    double total, cli_err *e)
{
    nc_type t = (nc_type)vp->nctype;
    size_t elem = 0, block[CLI_MAX_DIMS], unit[CLI_MAX_DIMS], nblock = 1;
    int storage = NC_CONTIGUOUS;
    if (nc_inq_type(vp->in_grp, t, NULL, &elem) != NC_NOERR || elem == 0)
        return cli_fail(e, CLI_EXIT_INPUT, "%s: unknown type", vp->path);
    if (vp->action == VA_VIDCUBE) {
        memcpy(block, vp->chunk, sizeof block);
    } else {
        int chunked = vp->rank > 0 &&
            nc_inq_var_chunking(vp->out_grp, vp->out_varid, &storage, unit) == NC_NOERR &&
            storage == NC_CHUNKED;
        block_choose(vp->dims, chunked ? unit : NULL, vp->rank, COPY_BUDGET_BYTES / elem, block);
    }
    for (int d = 0; d < vp->rank; d++)
        nblock *= block[d];
    ncs_set_read_cache(vp->in_grp, vp->in_varid, vp->rank, elem, block);
    void *buf = malloc(nblock * elem);
    if (!buf)
        return cli_fail(e, CLI_EXIT_FAILURE, "%s: out of memory for a %zu-byte slab", vp->path,
                        nblock * elem);
    int reclaim = needs_reclaim(vp->in_grp, t), rc = 0;
    block_iter it;
    block_iter_init(&it, vp->dims, block, vp->rank);
    for (; !it.done && rc == 0; block_iter_next(&it)) {
        size_t n = 1;
        for (int d = 0; d < vp->rank; d++)
            n *= it.count[d];
        errno = 0;
        int ncrc = nc_get_vara(vp->in_grp, vp->in_varid, it.start, it.count, buf);
        if (ncrc != NC_NOERR) {
            rc = io_fail(e, CLI_EXIT_INPUT, ncrc, "reading", vp, it.start);
            strncat(e->msg, " (is the input truncated or damaged?)",
                    sizeof e->msg - strlen(e->msg) - 1);
            break;
        }
        errno = 0;
        ncrc = nc_put_vara(vp->out_grp, vp->out_varid, it.start, it.count, buf);
        if (reclaim)
            nc_reclaim_data(vp->in_grp, t, buf, n);
        if (ncrc != NC_NOERR)
            rc = io_fail(e, CLI_EXIT_FAILURE, ncrc, "writing", vp, it.start);
        *done += (double)(n * elem);
        if (on_progress)
            on_progress(ud, *done, total);
        if (vp->rank == 0)
            break;
    }
    free(buf);
    return rc;
}

int ncs_copy_data(file_plan *plan, ncs_progress_fn on_progress, void *ud, cli_err *e)
{
    double total = 0, done = 0;
    for (size_t i = 0; i < plan->n; i++) {
        size_t elem = 0;
        nc_inq_type(plan->v[i].in_grp, (nc_type)plan->v[i].nctype, NULL, &elem);
        total += (double)(cli_plan_nvalues(&plan->v[i]) * elem);
    }
    /* Coded variables first: they take the time, and fail soonest. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < plan->n; i++) {
            var_plan *vp = &plan->v[i];
            if ((vp->action == VA_VIDCUBE) != (pass == 0) || cli_plan_nvalues(vp) == 0)
                continue;
            cli_filter_take_stats(&vp->coded);
            int rc = copy_var(vp, on_progress, ud, &done, total, e);
            /* Flush the chunk cache, so that every chunk of this variable
             * is coded now and counted as its own. */
            if (rc == 0 && vp->action == VA_VIDCUBE) {
                /* A failed flush leaves the chunks dirty: closing the file
                 * tries again and reports it with the file's name and errno. */
                (void)nc_sync(vp->out_grp);
                cli_filter_take_stats(&vp->coded);
            }
            if (rc)
                return rc;
        }
    return 0;
}
