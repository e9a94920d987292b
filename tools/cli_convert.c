/* cli_convert.c: convert one file, compressing (chosen variables get the
 * vidcube filter) or decompressing (the vidcube filter is dropped).
 *
 * Order of work, so that a failure anywhere leaves nothing under the final
 * name: open and plan the input (bad inputs fail here, before any output
 * exists), write a temporary file next to the output, close it (a failing
 * filter may surface only now), measure what was kept (which also proves
 * the output decodes), then move it to its final name. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <netcdf.h>

static void say(const cli_reporter *r, int warning, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(const cli_reporter *r, int warning, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    void (*fn)(void *, const char *) = warning ? r->warn : r->info;
    if (fn)
        fn(r->ud, line);
}

static int open_input(const char *in, int *ncid, cli_err *e)
{
    int kind = cli_sniff(in);
    if (kind < 0)
        return cli_fail(e, CLI_EXIT_INPUT, "%s: cannot read: %s", in, strerror(errno));
    if (kind == 0)
        return cli_fail(e, CLI_EXIT_INPUT,
                        "%s is not a netCDF or HDF5 file (no netCDF or HDF5 signature)", in);
    int rc = nc_open(in, NC_NOWRITE, ncid);
    if (rc != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_INPUT, rc,
                           "%s has %s signature but cannot be opened (truncated or damaged?)",
                           in, kind == 1 ? "a netCDF" : "an HDF5");
    return 0;
}

/* decompress: vidcube-coded variables lose the filter, the rest is copied. */
static int plan_plain(int grp, int varid, const char *path, void *ud, cli_err *e)
{
    file_plan *plan = ud;
    int dimids[NC_MAX_VAR_DIMS], rank, type;
    int rc = nc_inq_var(grp, varid, NULL, &type, &rank, dimids, NULL);
    if (rc != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_INPUT, rc, "%s: reading its definition", path);
    if (rank > CLI_MAX_DIMS)
        return cli_fail(e, CLI_EXIT_INPUT, "%s has %d dimensions: at most %d are supported",
                        path, rank, CLI_MAX_DIMS);
    var_plan *vp = cli_plan_add(plan);
    if (!vp)
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    snprintf(vp->path, sizeof vp->path, "%s", path);
    vp->in_grp = grp;
    vp->in_varid = varid;
    vp->nctype = type;
    vp->rank = rank;
    for (int d = 0; d < rank; d++)
        nc_inq_dimlen(grp, dimids[d], &vp->dims[d]);
    vp->action = ncs_has_vidcube(grp, varid) ? VA_PLAIN : VA_COPY;
    snprintf(vp->reason, sizeof vp->reason, "%s",
             vp->action == VA_PLAIN ? "decoded, written without filter" : "copied unchanged");
    return 0;
}

static void report_plan(const file_plan *plan, convert_kind kind, const cli_reporter *r)
{
    for (size_t i = 0; i < plan->n; i++) {
        const var_plan *vp = &plan->v[i];
        char type[NC_MAX_NAME + 1] = "?", shape[128], chunk[128], roles[32];
        nc_inq_type(vp->in_grp, (nc_type)vp->nctype, type, NULL);
        cli_shape_string(vp->dims, vp->rank, shape, sizeof shape);
        if (vp->action == VA_VIDCUBE)
            say(r, 0, "  %-20s %-6s %-16s code, chunks %s (%s): %s", vp->path, type, shape,
                cli_shape_string(vp->chunk, vp->rank, chunk, sizeof chunk),
                cli_roles_string(vp->roles, vp->rank, roles, sizeof roles), vp->reason);
        else
            say(r, 0, "  %-20s %-6s %-16s %s: %s", vp->path, type, shape,
                vp->action == VA_PLAIN ? "decode" : "copy", vp->reason);
    }
    size_t coded = 0;
    for (size_t i = 0; i < plan->n; i++)
        coded += plan->v[i].action != VA_COPY;
    if (!coded)
        say(r, 1, "no variable to %s: the file is copied unchanged",
            kind == CONVERT_COMPRESS ? "code" : "decode");
    for (size_t i = 0; i < plan->warnings.n; i++)
        say(r, 1, "%s", plan->warnings.v[i]);
}

static int create_output(const char *tmp, const char *out, int cmode, int *ncid, cli_err *e)
{
    errno = 0;
    int rc = nc_create(tmp, cmode | NC_NOCLOBBER, ncid);
    if (rc != NC_NOERR) {
        char dir[PATH_MAX];
        cli_dirname(out, dir, sizeof dir);
        return cli_fail_nc(e, CLI_EXIT_FAILURE, rc, "cannot write %s in %s (is it writable?)",
                           cli_basename(out), dir);
    }
    return 0;
}

static int close_output(int ncid, const char *out, cli_err *e)
{
    errno = 0;
    int rc = nc_close(ncid);
    if (rc == NC_NOERR)
        return 0;
    int err = errno;
    cli_fail_nc(e, CLI_EXIT_FAILURE, rc, "finishing %s failed", out);
    if (err) {
        size_t len = strlen(e->msg);
        snprintf(e->msg + len, sizeof e->msg - len, " (%s)", strerror(err));
    }
    return CLI_EXIT_FAILURE;
}

/* Compare every coded variable of the finished temporary file with the
 * input, and count its stored bytes. */
static int measure_output(int in, const char *tmp, const file_plan *plan, const cli_reporter *r,
                          cli_err *e)
{
    char **paths = calloc(plan->n + 1, sizeof *paths);
    double *bytes = calloc(plan->n + 1, sizeof *bytes);
    size_t n = 0;
    int rc = paths && bytes ? 0 : cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    for (size_t i = 0; rc == 0 && i < plan->n; i++)
        if (plan->v[i].action == VA_VIDCUBE)
            paths[n++] = (char *)plan->v[i].path;
    if (rc == 0 && n)
        rc = cli_h5_storage(tmp, paths, n, bytes, e);
    int out = -1;
    if (rc == 0 && n && (rc = nc_open(tmp, NC_NOWRITE, &out)) != NC_NOERR)
        rc = cli_fail_nc(e, CLI_EXIT_FAILURE, rc, "reopening the new file %s", tmp);
    for (size_t i = 0, k = 0; rc == 0 && i < plan->n; i++) {
        const var_plan *vp = &plan->v[i];
        int g, v;
        if (vp->action != VA_VIDCUBE)
            continue;
        if (ncs_find_var(out, vp->path, &g, &v) != 0 || !ncs_has_vidcube(g, v)) {
            rc = cli_fail(e, CLI_EXIT_FAILURE, "%s: the vidcube filter was not applied (%s)",
                          vp->path, cli_plugin_hint());
            break;
        }
        var_quality q;
        rc = cli_measure_var(vp->in_grp, vp->in_varid, g, v, &q, e);
        if (rc == 0) {
            cli_quality_set_storage(&q, bytes[k]);
            cli_encode_stats_describe(&vp->coded, q.transform, sizeof q.transform);
            q.fit_seconds = q.transform[0] ? vp->coded.fit_seconds : NAN;
            if (r->result)
                r->result(r->ud, vp->path, &q);
        }
        cli_quality_free(&q);
        k++;
    }
    if (out >= 0)
        nc_close(out);
    free(paths);
    free(bytes);
    return rc;
}

static void on_progress(void *ud, double done, double total)
{
    const cli_reporter *r = ud;
    if (r->progress)
        r->progress(r->ud, done, total);
}

int cli_convert_file(const char *in, const char *out, const convert_opts *o,
                     const cli_reporter *r, cli_err *e)
{
    int in_nc = -1, out_nc = -1;
    file_plan plan = { 0 };
    char tmp[PATH_MAX];
    int rc = open_input(in, &in_nc, e);
    if (rc == 0)
        rc = o->kind == CONVERT_COMPRESS ? cli_plan_compress(in_nc, &o->sel, &plan, e)
                                         : ncs_walk_vars(in_nc, plan_plain, &plan, e);
    if (rc == 0) {
        char desc[64] = "";
        if (o->kind == CONVERT_COMPRESS)
            cli_fidelity_describe(o->sel.params, desc, sizeof desc);
        say(r, 0, "%s -> %s%s%s%s", in, out, *desc ? " (" : "", desc, *desc ? ")" : "");
        report_plan(&plan, o->kind, r);
        cli_tmp_clean_stale(out);
        rc = cli_tmp_begin(out, tmp, sizeof tmp, e);
        if (rc == 0)
            rc = create_output(tmp, out, ncs_output_cmode(in_nc), &out_nc, e);
    }
    if (rc == 0)
        rc = ncs_define(in_nc, out_nc, &plan, e);
    if (rc == 0)
        rc = ncs_copy_data(&plan, on_progress, (void *)r, e);
    if (out_nc >= 0) {
        cli_err ce = { 0 };
        int crc = close_output(out_nc, out, &ce);
        if (rc == 0 && crc) {
            *e = ce;
            rc = crc;
        }
    }
    if (rc == 0 && o->kind == CONVERT_COMPRESS)
        rc = measure_output(in_nc, tmp, &plan, r, e);
    if (in_nc >= 0)
        nc_close(in_nc);
    if (rc == 0)
        rc = cli_tmp_commit(out, o->force, e);
    if (rc)
        cli_tmp_abort();
    cli_plan_free(&plan);
    return rc;
}
