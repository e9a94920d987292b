/* dataset.c: one netCDF variable as the float32 (T, C, Y, X) array that
 * every peer is given. Axis roles come from the library's own defaults
 * (vc_array_check) unless the user names them, so "what the library does
 * with a rank-5 array" and "what the benchmark measured" cannot drift
 * apart. */
#include "bench.h"

#include <math.h>
#include <netcdf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    return -1;
}

static int is_numeric(nc_type t)
{
    return t >= NC_BYTE && t <= NC_UINT64 && t != NC_CHAR;
}

static int is_integer(nc_type t)
{
    return is_numeric(t) && t != NC_FLOAT && t != NC_DOUBLE;
}

static int has_att(int ncid, int varid, const char *name)
{
    return nc_inq_att(ncid, varid, name, NULL, NULL) == NC_NOERR;
}

/* A numeric attribute as double; 0 when absent. */
static int get_att_double(int ncid, int varid, const char *name, double *v)
{
    size_t len;
    if (nc_inq_attlen(ncid, varid, name, &len) != NC_NOERR || len < 1)
        return 0;
    double tmp[8];
    if (len > 8 || nc_get_att_double(ncid, varid, name, tmp) != NC_NOERR)
        return 0;
    *v = tmp[0];
    return 1;
}

/* Fill roles: the user's letters, or the library's defaults for the rank. */
static int resolve_roles(bench_data *d, const char *roles, char *err, size_t errsz)
{
    vc_array a = { VC_FLOAT32, d->rank, { 0 }, { 0 } };
    for (int k = 0; k < d->rank; k++)
        a.dims[k] = d->file_dims[k];
    if (roles && *roles) {
        if ((int)strlen(roles) != d->rank)
            return fail(err, errsz, "%s: roles \"%s\" need one letter per axis (rank %d)",
                        d->var, roles, d->rank);
        for (int k = 0; k < d->rank; k++)
            a.roles[k] = (vc_axis)roles[k];
    }
    int rc = vc_array_check(&a);
    if (rc != VC_OK)
        return fail(err, errsz, "%s: axis roles rejected by the library: %s",
                    d->var, vc_strerror(rc));
    d->T = d->C = d->Y = d->X = 1;
    for (int k = 0; k < d->rank; k++) {
        d->roles[k] = (char)a.roles[k];
        switch (a.roles[k]) {
        case VC_AXIS_TIME:    d->T *= a.dims[k]; break;
        case VC_AXIS_CHANNEL: d->C *= a.dims[k]; break;
        case VC_AXIS_Y:       d->Y = a.dims[k]; break;
        default:              d->X = a.dims[k]; break;
        }
    }
    d->roles[d->rank] = '\0';
    return 0;
}

/* Element stride of each file axis in the canonical (T, C, Y, X) array:
 * axes sharing a role combine in C order, as the library combines them. */
static void canonical_strides(const bench_data *d, size_t *stride)
{
    const size_t base_T = d->C * d->Y * d->X, base_C = d->Y * d->X;
    size_t inner_T = 1, inner_C = 1;
    for (int k = d->rank - 1; k >= 0; k--) {
        switch (d->roles[k]) {
        case 'T': stride[k] = inner_T * base_T; inner_T *= d->file_dims[k]; break;
        case 'C': stride[k] = inner_C * base_C; inner_C *= d->file_dims[k]; break;
        case 'Y': stride[k] = d->X; break;
        default:  stride[k] = 1; break;
        }
    }
}

typedef struct unpack {
    double scale, offset;
    int    has_fill, has_missing;
    double fill, missing;
} unpack;

static float unpack_value(const unpack *u, double raw)
{
    if (!isfinite(raw) || (u->has_fill && raw == u->fill) ||
        (u->has_missing && raw == u->missing))
        return NAN;
    return (float)(raw * u->scale + u->offset);
}

static void describe_unpack(bench_data *d, const unpack *u, nc_type type)
{
    char *p = d->note;
    size_t n = sizeof d->note;
    int w = snprintf(p, n, "%s", is_integer(type) ? "integer" : "float");
    if (u->scale != 1 || u->offset != 0)
        w += snprintf(p + w, n - (size_t)w, ", unpacked x*%g+%g", u->scale, u->offset);
    if (u->has_fill)
        w += snprintf(p + w, n - (size_t)w, ", _FillValue %g->NaN", u->fill);
    if (u->has_missing)
        snprintf(p + w, n - (size_t)w, ", missing_value %g->NaN", u->missing);
}

static int read_values(int ncid, int varid, nc_type type, bench_data *d,
                       char *err, size_t errsz)
{
    unpack u = { 1, 0, 0, 0, 0, 0 };
    get_att_double(ncid, varid, "scale_factor", &u.scale);
    get_att_double(ncid, varid, "add_offset", &u.offset);
    u.has_fill = get_att_double(ncid, varid, "_FillValue", &u.fill);
    u.has_missing = get_att_double(ncid, varid, "missing_value", &u.missing);
    describe_unpack(d, &u, type);

    double *raw = malloc(d->n * sizeof *raw);
    d->v = malloc(d->n * sizeof *d->v);
    if (!raw || !d->v) {
        free(raw);
        return fail(err, errsz, "%s: out of memory for %zu values", d->var, d->n);
    }
    int st = nc_get_var_double(ncid, varid, raw);
    if (st != NC_NOERR) {
        free(raw);
        return fail(err, errsz, "%s: reading: %s", d->var, nc_strerror(st));
    }
    size_t stride[VC_MAX_RANK], idx[VC_MAX_RANK] = { 0 }, off = 0;
    canonical_strides(d, stride);
    d->min = HUGE_VAL;
    d->max = -HUGE_VAL;
    for (size_t i = 0; i < d->n; i++) {
        float f = unpack_value(&u, raw[i]);
        d->v[off] = f;
        if (isnan(f)) {
            d->n_masked++;
        } else {
            if (f < d->min) d->min = f;
            if (f > d->max) d->max = f;
        }
        /* odometer over the file's axes, tracking the canonical offset */
        for (int k = d->rank - 1; k >= 0; k--) {
            off += stride[k];
            if (++idx[k] < d->file_dims[k])
                break;
            off -= stride[k] * d->file_dims[k];
            idx[k] = 0;
        }
    }
    free(raw);
    return 0;
}

int bench_data_load(const char *path, const char *var, const char *roles,
                    bench_data *d, char *err, size_t errsz)
{
    memset(d, 0, sizeof *d);
    snprintf(d->path, sizeof d->path, "%s", path);
    snprintf(d->var, sizeof d->var, "%s", var);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    int stem = (int)strcspn(base, ".");
    /* user-given roles are part of the name: the same variable may be
     * benchmarked under two layouts in one run */
    snprintf(d->label, sizeof d->label, "%.*s:%s%s%s", stem, base, var,
             roles && *roles ? ":" : "", roles ? roles : "");

    int ncid, varid, dimids[NC_MAX_VAR_DIMS], st;
    nc_type type;
    if ((st = nc_open(path, NC_NOWRITE, &ncid)) != NC_NOERR)
        return fail(err, errsz, "%s: %s", path, nc_strerror(st));
    int rc = -1;
    if ((st = nc_inq_varid(ncid, var, &varid)) != NC_NOERR) {
        fail(err, errsz, "%s: variable %s: %s", path, var, nc_strerror(st));
    } else if ((st = nc_inq_var(ncid, varid, NULL, &type, &d->rank, dimids, NULL)) != NC_NOERR) {
        fail(err, errsz, "%s: %s", var, nc_strerror(st));
    } else if (!is_numeric(type) || d->rank < 1 || d->rank > VC_MAX_RANK) {
        fail(err, errsz, "%s: need a numeric variable of rank 1..%d", var, VC_MAX_RANK);
    } else {
        d->n = 1;
        for (int k = 0; k < d->rank; k++) {
            nc_inq_dimlen(ncid, dimids[k], &d->file_dims[k]);
            d->n *= d->file_dims[k];
        }
        size_t ulen;
        if (nc_inq_attlen(ncid, varid, "units", &ulen) == NC_NOERR &&
            ulen < sizeof d->units)
            nc_get_att_text(ncid, varid, "units", d->units);   /* optional */
        if (resolve_roles(d, roles, err, errsz) == 0 && d->n > 0)
            rc = read_values(ncid, varid, type, d, err, errsz);
        else if (d->n == 0)
            fail(err, errsz, "%s: empty variable", var);
    }
    nc_close(ncid);
    if (rc == 0 && d->n_masked == d->n)
        rc = fail(err, errsz, "%s: every value is missing", var);
    if (rc != 0)
        bench_data_free(d);
    return rc;
}

void bench_data_free(bench_data *d)
{
    free(d->v);
    d->v = NULL;
}

void bench_data_array(const bench_data *d, vc_array *a)
{
    memset(a, 0, sizeof *a);
    a->dtype = VC_FLOAT32;
    a->rank = 4;
    a->dims[0] = d->T;
    a->dims[1] = d->C;
    a->dims[2] = d->Y;
    a->dims[3] = d->X;
    a->roles[0] = VC_AXIS_TIME;
    a->roles[1] = VC_AXIS_CHANNEL;
    a->roles[2] = VC_AXIS_Y;
    a->roles[3] = VC_AXIS_X;
}

int bench_default_vars(const char *path, char names[][128], int max,
                       char *skipped, size_t skipsz, char *err, size_t errsz)
{
    int ncid, nvars, st, count = 0;
    if (skipped && skipsz)
        skipped[0] = '\0';
    if ((st = nc_open(path, NC_NOWRITE, &ncid)) != NC_NOERR)
        return fail(err, errsz, "%s: %s", path, nc_strerror(st));
    nc_inq_nvars(ncid, &nvars);
    for (int v = 0; v < nvars && count < max; v++) {
        char name[NC_MAX_NAME + 1];
        nc_type type;
        int ndims;
        nc_inq_var(ncid, v, name, &type, &ndims, NULL, NULL);
        if (!is_numeric(type) || ndims < 2 || strlen(name) >= 128)
            continue;
        if (is_integer(type) && !has_att(ncid, v, "scale_factor") &&
            !has_att(ncid, v, "add_offset")) {
            if (skipped) {
                size_t len = strlen(skipped);
                snprintf(skipped + len, skipsz - len, "%s%s (unpacked integer: a category)",
                         len ? ", " : "", name);
            }
            continue;
        }
        snprintf(names[count++], 128, "%s", name);
    }
    nc_close(ncid);
    return count;
}
