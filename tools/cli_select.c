/* cli_select.c: which variables are coded with vidcube, and how they are
 * chunked.
 *
 * The rule (DESIGN.md, "Choosing what to compress lossily"): a lossy code
 * touches only measurements. Coordinates, bounds, CF flag/mask variables
 * and integer categories stay exact (copied unchanged, so they are also
 * readable without the plugin). Packed integers (scale_factor/add_offset)
 * are measurements: their stored integers are coded, which changes no
 * PSNR since the packing is affine, and the packing attributes are kept.
 * Every choice comes with a reason the CLI prints. */
#include "cli.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <netcdf.h>

/* ------------------------------------------------------------------------
 * Plans.
 * ---------------------------------------------------------------------- */
var_plan *cli_plan_add(file_plan *p)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        var_plan *v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return NULL;
        p->v = v;
        p->cap = cap;
    }
    var_plan *vp = &p->v[p->n++];
    memset(vp, 0, sizeof *vp);
    return vp;
}

void cli_plan_free(file_plan *p)
{
    free(p->v);
    cli_strlist_free(&p->warnings);
    memset(p, 0, sizeof *p);
}

vc_dtype cli_dtype_of(int nctype)
{
    switch (nctype) {
    case NC_UBYTE:  return VC_UINT8;
    case NC_BYTE:   return VC_INT8;
    case NC_USHORT: return VC_UINT16;
    case NC_SHORT:  return VC_INT16;
    case NC_UINT:   return VC_UINT32;
    case NC_INT:    return VC_INT32;
    case NC_FLOAT:  return VC_FLOAT32;
    case NC_DOUBLE: return VC_FLOAT64;
    default:        return (vc_dtype)0;
    }
}

size_t cli_plan_nvalues(const var_plan *v)
{
    size_t n = 1;
    for (int d = 0; d < v->rank; d++)
        n *= v->dims[d];
    return n;
}

void cli_default_roles(int rank, vc_axis *roles)
{
    for (int d = 0; d < VC_MAX_RANK; d++)
        roles[d] = VC_AXIS_DEFAULT;
    if (rank < 1 || rank > VC_MAX_RANK)
        return;
    for (int d = 0; d < rank; d++)
        roles[d] = VC_AXIS_CHANNEL;
    if (rank >= 3)
        roles[0] = VC_AXIS_TIME;
    roles[rank - 1] = VC_AXIS_X;
    if (rank >= 2)
        roles[rank - 2] = VC_AXIS_Y;
}

const char *cli_roles_string(const vc_axis *roles, int rank, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int d = 0; d < rank && len + 3 < n; d++)
        len += (size_t)snprintf(buf + len, n - len, "%s%c", d ? " " : "",
                                roles[d] ? (char)roles[d] : '?');
    return buf;
}

const char *cli_shape_string(const size_t *dims, int rank, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    if (rank == 0)
        snprintf(buf, n, "scalar");
    for (int d = 0; d < rank && len + 2 < n; d++)
        len += (size_t)snprintf(buf + len, n - len, "%s%zu", d ? "x" : "", dims[d]);
    return buf;
}

void cli_default_chunk(const size_t *dims, int rank, size_t elem_size, size_t *chunk)
{
    /* Whole frames (and channels) first, then as long a time run as fits. */
    block_choose(dims, NULL, rank, CLI_CHUNK_MAX_BYTES / elem_size, chunk);
    /* Even out the run: 168 frames in runs of at most 100 make two chunks
     * of 84, not 100 + 68 (padding costs bits). */
    for (int d = 0; d < rank; d++)
        if (chunk[d] < dims[d]) {
            size_t nchunks = (dims[d] + chunk[d] - 1) / chunk[d];
            chunk[d] = (dims[d] + nchunks - 1) / nchunks;
            break;
        }
}

int cli_chunk_parse(const char *s, chunk_req **reqs, size_t *n, cli_err *e)
{
    cli_strlist items = { 0 };
    if (cli_strlist_split(&items, s) != 0)
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < items.n && rc == 0; i++) {
        char *eq = strchr(items.v[i], '=');
        long len;
        if (!eq || eq == items.v[i] || cli_parse_long(eq + 1, &len) != 0 || len < 1 ||
            (size_t)(eq - items.v[i]) >= sizeof(*reqs)->dim) {
            rc = cli_fail(e, CLI_EXIT_USAGE, "--chunk '%s': expected DIM=N with N >= 1",
                          items.v[i]);
            break;
        }
        chunk_req *v = realloc(*reqs, (*n + 1) * sizeof *v);
        if (!v) {
            rc = cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
            break;
        }
        *reqs = v;
        snprintf(v[*n].dim, sizeof v[*n].dim, "%.*s", (int)(eq - items.v[i]), items.v[i]);
        v[*n].len = (size_t)len;
        (*n)++;
    }
    cli_strlist_free(&items);
    return rc;
}

/* ------------------------------------------------------------------------
 * What a variable is.
 * ---------------------------------------------------------------------- */
static int has_att(int grp, int varid, const char *name)
{
    return nc_inq_att(grp, varid, name, NULL, NULL) == NC_NOERR;
}

/* A text attribute, lower-cased, into buf ("" if absent). */
static const char *text_att(int grp, int varid, const char *name, char *buf, size_t n)
{
    nc_type t;
    size_t len;
    buf[0] = '\0';
    if (nc_inq_att(grp, varid, name, &t, &len) != NC_NOERR || t != NC_CHAR || len >= n)
        return buf;
    if (nc_get_att_text(grp, varid, name, buf) != NC_NOERR)
        len = 0;
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)tolower((unsigned char)buf[i]);
    return buf;
}

/* Names that other variables' attributes use as coordinates or bounds. */
typedef struct refs_ctx {
    cli_strlist names;
} refs_ctx;

static int collect_refs(int grp, int varid, const char *path, void *ud, cli_err *e)
{
    static const char *atts[] = { "coordinates", "bounds", "climatology", "grid_mapping" };
    refs_ctx *r = ud;
    (void)path;
    for (size_t i = 0; i < sizeof atts / sizeof atts[0]; i++) {
        char buf[4096];
        text_att(grp, varid, atts[i], buf, sizeof buf);
        char *save = NULL;
        for (char *tok = strtok_r(buf, " \t:", &save); tok; tok = strtok_r(NULL, " \t:", &save))
            if (!cli_strlist_has(&r->names, tok) && cli_strlist_add(&r->names, tok) != 0)
                return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    }
    return 0;
}

static int is_integer(int nctype)
{
    vc_dtype t = cli_dtype_of(nctype);
    return t && t != VC_FLOAT32 && t != VC_FLOAT64;
}

/* Why a variable must stay exact, or NULL when it is a measurement. */
static const char *exact_reason(int grp, int varid, const var_plan *vp, const char *name,
                                const refs_ctx *refs, char *why, size_t n)
{
    static const char *coord_names[] = { "latitude", "longitude", "projection_x_coordinate",
                                         "projection_y_coordinate", "grid_latitude",
                                         "grid_longitude", "time" };
    static const char *category_words[] = { "mask", "flag", "class", "categor", "label",
                                            "land_cover", "landcover", "quality" };
    char sn[256], ln[512];
    text_att(grp, varid, "standard_name", sn, sizeof sn);
    text_att(grp, varid, "long_name", ln, sizeof ln);
    if (cli_strlist_has(&refs->names, name))
        return snprintf(why, n, "coordinate or bounds of another variable"), why;
    if (has_att(grp, varid, "axis"))
        return snprintf(why, n, "coordinate (has an axis attribute)"), why;
    for (size_t i = 0; i < sizeof coord_names / sizeof coord_names[0]; i++)
        if (strcmp(sn, coord_names[i]) == 0)
            return snprintf(why, n, "coordinate (standard_name %s)", coord_names[i]), why;
    if (has_att(grp, varid, "flag_values") || has_att(grp, varid, "flag_masks") ||
        has_att(grp, varid, "flag_meanings"))
        return snprintf(why, n, "CF flag variable (flag_values/flag_masks/flag_meanings)"), why;
    if (!is_integer(vp->nctype) || has_att(grp, varid, "scale_factor") ||
        has_att(grp, varid, "add_offset"))
        return NULL;
    if (vp->nctype == NC_BYTE || vp->nctype == NC_UBYTE)
        return snprintf(why, n, "8-bit integers without packing: taken as categories"), why;
    char lname[NC_MAX_NAME + 1];
    snprintf(lname, sizeof lname, "%s", name);
    for (char *p = lname; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (size_t i = 0; i < sizeof category_words / sizeof category_words[0]; i++)
        if (strstr(lname, category_words[i]) || strstr(ln, category_words[i]) ||
            strstr(sn, category_words[i]))
            return snprintf(why, n, "integer categories (name says '%s')", category_words[i]),
                   why;
    return NULL;
}

/* Why vidcube cannot code a variable at all, or NULL. */
static const char *uncodable_reason(const var_plan *vp, char *why, size_t n)
{
    if (!cli_dtype_of(vp->nctype))
        return snprintf(why, n, "not a type vidcube codes ((u)int8/16/32, float32/64)"), why;
    if (vp->rank < 2)
        return snprintf(why, n, "rank %d: no frames (needs Y and X)", vp->rank), why;
    if (vp->rank > VC_MAX_RANK)
        return snprintf(why, n, "rank %d: vidcube codes at most %d dimensions", vp->rank,
                        VC_MAX_RANK), why;
    if (vp->dims[vp->rank - 2] < 8 || vp->dims[vp->rank - 1] < 8)
        return snprintf(why, n, "frames of %zux%zu are smaller than 8x8",
                        vp->dims[vp->rank - 2], vp->dims[vp->rank - 1]), why;
    if (cli_plan_nvalues(vp) == 0)
        return snprintf(why, n, "empty"), why;
    return NULL;
}

/* ------------------------------------------------------------------------
 * The plan.
 * ---------------------------------------------------------------------- */
typedef struct plan_ctx {
    const select_opts *o;
    file_plan         *plan;
    refs_ctx           refs;
    char              *var_used;     /* per --var name: it matched */
    char              *chunk_used;   /* per --chunk request: a variable had the dim */
} plan_ctx;

static int var_named(const plan_ctx *c, const char *path, char *used)
{
    const cli_strlist *names = c->o->vars;
    int hit = 0;
    for (size_t i = 0; names && i < names->n; i++) {
        const char *want = names->v[i][0] == '/' ? names->v[i] + 1 : names->v[i];
        if (strcmp(want, path) == 0 ||
            (!strchr(want, '/') && strcmp(want, cli_basename(path)) == 0)) {
            used[i] = 1;
            hit = 1;
        }
    }
    return hit;
}

static void plan_chunking(plan_ctx *c, var_plan *vp, const int *dimids)
{
    size_t elem = vc_dtype_size(cli_dtype_of(vp->nctype));
    cli_default_chunk(vp->dims, vp->rank, elem, vp->chunk);
    for (int d = 0; d < vp->rank; d++) {
        char dname[NC_MAX_NAME + 1];
        if (nc_inq_dimname(vp->in_grp, dimids[d], dname) != NC_NOERR)
            continue;
        for (size_t k = 0; k < c->o->nchunks; k++)
            if (strcmp(dname, c->o->chunks[k].dim) == 0) {
                vp->chunk[d] = c->o->chunks[k].len < vp->dims[d] ? c->o->chunks[k].len
                                                                  : vp->dims[d];
                c->chunk_used[k] = 1;
            }
    }
}

static int warn(plan_ctx *c, const char *fmt, const char *a, const char *b)
{
    char line[512];
    snprintf(line, sizeof line, fmt, a, b);
    return cli_strlist_add(&c->plan->warnings, line);
}

/* Copying goes through netCDF, which decodes and codes again: for a variable
 * the input already codes with vidcube that is another generation of loss. */
static int warn_recoded(plan_ctx *c, const var_plan *vp, cli_err *e)
{
    if (ncs_has_vidcube(vp->in_grp, vp->in_varid) &&
        warn(c, "%s is already coded with vidcube: copying it decodes and codes it again "
             "with its own parameters%s", vp->path, ""))
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    return 0;
}

static void set_vidcube(plan_ctx *c, var_plan *vp, const int *dimids)
{
    double fill;
    vp->action = VA_VIDCUBE;
    vp->params = *c->o->params;
    vp->params.threads = 0;
    vp->params.has_fill = cli_var_fill(vp->in_grp, vp->in_varid, &fill);
    vp->params.fill_value = vp->params.has_fill ? fill : 0.0;
    /* Stored integers are coded: an absolute bound in physical units is
     * a bound of E / |scale_factor| on them. */
    double sf;
    if (vp->params.mode == VC_MODE_ABS &&
        nc_get_att_double(vp->in_grp, vp->in_varid, "scale_factor", &sf) == NC_NOERR &&
        isfinite(sf) && sf != 0 && cli_dtype_of(vp->nctype) != VC_FLOAT32 &&
        cli_dtype_of(vp->nctype) != VC_FLOAT64)
        vp->params.target /= fabs(sf);
    cli_default_roles(vp->rank, vp->roles);
    plan_chunking(c, vp, dimids);
}

static int plan_var(int grp, int varid, const char *path, void *ud, cli_err *e)
{
    plan_ctx *c = ud;
    char name[NC_MAX_NAME + 1], why[128];
    int dimids[NC_MAX_VAR_DIMS], rank, nctype;
    int rc = nc_inq_var(grp, varid, name, &nctype, &rank, dimids, NULL);
    if (rc != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_INPUT, rc, "%s: reading its definition", path);
    if (rank > CLI_MAX_DIMS)
        return cli_fail(e, CLI_EXIT_INPUT, "%s has %d dimensions: at most %d are supported",
                        path, rank, CLI_MAX_DIMS);
    var_plan *vp = cli_plan_add(c->plan);
    if (!vp)
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    snprintf(vp->path, sizeof vp->path, "%s", path);
    vp->in_grp = grp;
    vp->in_varid = varid;
    vp->nctype = nctype;
    vp->rank = rank;
    for (int d = 0; d < rank; d++)
        nc_inq_dimlen(grp, dimids[d], &vp->dims[d]);
    vp->action = VA_COPY;

    int named = var_named(c, path, c->var_used);
    int lossy = c->o->params->mode != VC_MODE_LOSSLESS;
    const char *cant = uncodable_reason(vp, why, sizeof why);
    if (c->o->vars->n && !named) {
        snprintf(vp->reason, sizeof vp->reason, "not named by --var");
    } else if (cant) {
        snprintf(vp->reason, sizeof vp->reason, "%s", cant);
        if (named && warn(c, "--var %s cannot be coded (%s): copied unchanged", path, cant))
            return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    } else if (exact_reason(grp, varid, vp, name, &c->refs, why, sizeof why)) {
        if (!named) {
            snprintf(vp->reason, sizeof vp->reason, "kept exact: %s", why);
            return warn_recoded(c, vp, e);
        }
        snprintf(vp->reason, sizeof vp->reason, "named by --var (%s)", why);
        if (lossy && warn(c, "%s looks like it must stay exact (%s) but --var names it: "
                          "coding it lossily", path, why))
            return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
        set_vidcube(c, vp, dimids);
    } else {
        int packed = has_att(grp, varid, "scale_factor") || has_att(grp, varid, "add_offset");
        snprintf(vp->reason, sizeof vp->reason, "%s%s", named ? "named by --var" : "measurement",
                 packed ? "; packed integers: stored values coded, scale_factor/add_offset kept"
                        : "");
        set_vidcube(c, vp, dimids);
    }
    return vp->action == VA_COPY ? warn_recoded(c, vp, e) : 0;
}

int cli_plan_compress(int ncid, const select_opts *o, file_plan *plan, cli_err *e)
{
    plan_ctx c = { .o = o, .plan = plan };
    static const cli_strlist none = { 0 };
    select_opts local = *o;
    if (!local.vars)
        local.vars = &none;
    c.o = &local;
    c.var_used = calloc(local.vars->n + 1, 1);
    c.chunk_used = calloc(local.nchunks + 1, 1);
    int rc = c.var_used && c.chunk_used ? 0 : cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    if (rc == 0)
        rc = ncs_walk_vars(ncid, collect_refs, &c.refs, e);
    if (rc == 0)
        rc = ncs_walk_vars(ncid, plan_var, &c, e);
    for (size_t i = 0; rc == 0 && i < local.vars->n; i++)
        if (!c.var_used[i]) {
            char list[600] = "";
            for (size_t k = 0, len = 0; k < plan->n && len < 500; k++)
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "",
                                        plan->v[k].path);
            rc = cli_fail(e, CLI_EXIT_INPUT, "--var %s: no such variable (there are: %s)",
                          local.vars->v[i], list);
        }
    for (size_t k = 0; rc == 0 && k < local.nchunks; k++)
        if (!c.chunk_used[k])
            warn(&c, "--chunk %s: no coded variable has this dimension%s", local.chunks[k].dim,
                 "");
    cli_strlist_free(&c.refs.names);
    free(c.var_used);
    free(c.chunk_used);
    return rc;
}
