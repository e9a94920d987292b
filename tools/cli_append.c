/* cli_append.c: `vidcube append IN... -o OUT`: add the time steps of IN
 * files to the end of OUT, a netCDF-4 file whose variables along its
 * unlimited dimension are coded with vidcube (made, say, by
 * `vidcube compress --chunk time=24` from the first file of a series).
 *
 * Coded variables go through the time-step writer (libvidcube_nc): steps
 * are buffered until a chunk is whole and each new chunk is encoded once;
 * no chunk already in OUT is decoded. Other variables along the unlimited
 * dimension (the time coordinate, bounds) are appended as they are. OUT is
 * changed in place. */
#include "cli.h"

#include <getopt.h>
#include <netcdf.h>
#include <stdlib.h>
#include <string.h>

#include "vidcube_writer.h"

static const char usage[] =
    "Usage: vidcube append IN [IN...] -o OUT [--var NAME[,NAME...]] [--quiet]\n"
    "\n"
    "Append the time steps of each IN, in order, to OUT: every variable of\n"
    "OUT's root group whose first dimension is OUT's unlimited dimension\n"
    "(or those named by --var) gets IN's variable of the same name, type and\n"
    "other dimensions. Variables coded with vidcube are written whole chunk\n"
    "by whole chunk, each chunk encoded once (a partly filled last chunk is\n"
    "written at the end); the others are copied as they are.\n"
    "\n"
    "OUT must be a netCDF-4 file with an unlimited dimension, and each coded\n"
    "variable must end on a chunk boundary (make it with vidcube compress\n"
    "--chunk time=N and append N steps at a time), because continuing a\n"
    "partly filled chunk would decode it and encode it again, losing quality.\n"
    "OUT is changed in place: if an append fails, the steps written before\n"
    "the failure stay.\n"
    "\n"
    "Exit status: 0 done, 1 failure, 2 usage error, 3 input error.\n";

typedef struct rec_var {
    char       name[NC_MAX_NAME + 1];
    int        out_id, in_id;
    nc_type    type;
    int        rank;
    size_t     dims[NC_MAX_VAR_DIMS];   /* dims[0]: steps of the input */
    size_t     step_bytes;
    int        coded;                   /* vidcube: through a writer */
    vc_writer *w;
} rec_var;

typedef struct appender {
    int      out, unlim;
    size_t   out_len;                   /* steps in OUT, appended ones included */
    rec_var *v;
    size_t   n;
} appender;

/* The variables of OUT's root group along its unlimited dimension. */
static int find_record_vars(appender *a, const cli_strlist *only, const char *out, cli_err *e)
{
    int nunlim = 0, nvars = 0, rc;
    if ((rc = nc_inq_unlimdims(a->out, &nunlim, NULL)) != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_INPUT, rc, "%s", out);
    if (nunlim != 1)
        return cli_fail(e, CLI_EXIT_INPUT, "%s has %d unlimited dimensions in its root group; "
                        "append needs exactly one (nccopy -u makes the record dimension "
                        "unlimited)", out, nunlim);
    nc_inq_unlimdims(a->out, NULL, &a->unlim);
    nc_inq_varids(a->out, &nvars, NULL);
    int *ids = malloc(((size_t)nvars + 1) * sizeof *ids);
    a->v = calloc((size_t)nvars + 1, sizeof *a->v);
    if (!ids || !a->v) {
        free(ids);
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    }
    nc_inq_varids(a->out, NULL, ids);
    for (int i = 0; i < nvars; i++) {
        rec_var *r = &a->v[a->n];
        int dimids[NC_MAX_VAR_DIMS];
        nc_inq_var(a->out, ids[i], r->name, &r->type, &r->rank, dimids, NULL);
        if (r->rank < 1 || dimids[0] != a->unlim || (only->n && !cli_strlist_has(only, r->name)))
            continue;
        for (int k = 1; k < r->rank; k++)
            nc_inq_dimlen(a->out, dimids[k], &r->dims[k]);
        r->out_id = ids[i];
        r->coded = ncs_has_vidcube(a->out, ids[i]);
        a->n++;
    }
    free(ids);
    for (size_t i = 0; i < only->n; i++) {
        size_t k = 0;
        while (k < a->n && strcmp(a->v[k].name, only->v[i]))
            k++;
        if (k == a->n)
            return cli_fail(e, CLI_EXIT_INPUT, "%s has no variable '%s' along its unlimited "
                            "dimension", out, only->v[i]);
    }
    if (a->n == 0)
        return cli_fail(e, CLI_EXIT_INPUT, "%s has no variable along its unlimited dimension",
                        out);
    return 0;
}

/* Match IN's variables to OUT's: same name, type and other extents, and
 * the same number of steps for all. */
static int match_input(appender *a, int in, const char *path, size_t *nsteps, cli_err *e)
{
    for (size_t i = 0; i < a->n; i++) {
        rec_var *r = &a->v[i];
        nc_type type;
        int rank, dimids[NC_MAX_VAR_DIMS];
        size_t len, esize;
        if (nc_inq_varid(in, r->name, &r->in_id) != NC_NOERR)
            return cli_fail(e, CLI_EXIT_INPUT, "%s has no variable '%s' (give --var to append "
                            "only some variables)", path, r->name);
        nc_inq_var(in, r->in_id, NULL, &type, &rank, dimids, NULL);
        if (type != r->type || rank != r->rank)
            return cli_fail(e, CLI_EXIT_INPUT, "%s: '%s' differs in type or rank from the "
                            "output's", path, r->name);
        for (int k = 0; k < rank; k++) {
            nc_inq_dimlen(in, dimids[k], &len);
            if (k == 0)
                r->dims[0] = len;
            else if (len != r->dims[k])
                return cli_fail(e, CLI_EXIT_INPUT, "%s: '%s' has %zu values along dimension %d, "
                                "the output %zu", path, r->name, len, k + 1, r->dims[k]);
        }
        if (i > 0 && r->dims[0] != *nsteps)
            return cli_fail(e, CLI_EXIT_INPUT, "%s: '%s' has %zu steps, '%s' %zu", path,
                            r->name, r->dims[0], a->v[0].name, *nsteps);
        *nsteps = r->dims[0];
        nc_inq_type(in, type, NULL, &esize);
        r->step_bytes = esize;
        for (int k = 1; k < rank; k++)
            r->step_bytes *= r->dims[k];
        size_t block[NC_MAX_VAR_DIMS];       /* read one step at a time */
        memcpy(block, r->dims, sizeof block);
        block[0] = 1;
        ncs_set_read_cache(in, r->in_id, rank, esize, block);
    }
    return 0;
}

/* Open a writer on every coded variable before anything is written: they
 * all start at the current end, a refusal leaves OUT untouched, and steps
 * of consecutive inputs share chunks. */
static int open_writers(appender *a, const char *out, cli_err *e)
{
    for (size_t i = 0; i < a->n; i++) {
        rec_var *r = &a->v[i];
        if (!r->coded)
            continue;
        if (!(r->w = vc_writer_create()))
            return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
        if (vc_writer_open_nc(r->w, a->out, r->out_id) != VC_OK)
            return cli_fail(e, CLI_EXIT_INPUT, "%s: %s", out, vc_writer_error(r->w));
    }
    return 0;
}

/* Close the writers (writing partly filled last chunks); the first error. */
static int close_writers(appender *a, int rc, cli_err *e)
{
    for (size_t i = 0; i < a->n; i++) {
        rec_var *r = &a->v[i];
        if (r->w && vc_writer_close(r->w) != VC_OK && rc == 0)
            rc = cli_fail(e, CLI_EXIT_FAILURE, "writing '%s': %s", r->name,
                          vc_writer_error(r->w));
        vc_writer_free(r->w);
        r->w = NULL;
    }
    return rc;
}

static size_t coded(const appender *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n; i++)
        n += a->v[i].coded;
    return n;
}

static int append_step(appender *a, int in, size_t t, void *buf, cli_err *e)
{
    for (size_t i = 0; i < a->n; i++) {
        rec_var *r = &a->v[i];
        size_t start[NC_MAX_VAR_DIMS] = { t }, count[NC_MAX_VAR_DIMS];
        memcpy(count, r->dims, sizeof count);
        count[0] = 1;
        int rc = nc_get_vara(in, r->in_id, start, count, buf);
        if (rc != NC_NOERR)
            return cli_fail_nc(e, CLI_EXIT_INPUT, rc, "reading step %zu of '%s'", t, r->name);
        if (r->coded) {
            if (vc_writer_append(r->w, cli_dtype_of(r->type), buf, 1) != VC_OK)
                return cli_fail(e, CLI_EXIT_FAILURE, "appending to '%s': %s", r->name,
                                vc_writer_error(r->w));
        } else {
            start[0] = a->out_len + t;
            if ((rc = nc_put_vara(a->out, r->out_id, start, count, buf)) != NC_NOERR)
                return cli_fail_nc(e, CLI_EXIT_FAILURE, rc, "writing '%s'", r->name);
        }
    }
    return 0;
}

static int append_file(appender *a, const char *path, int quiet, cli_err *e)
{
    int in, rc;
    size_t nsteps = 0, biggest = 1;
    if ((rc = nc_open(path, NC_NOWRITE, &in)) != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_INPUT, rc, "%s", path);
    rc = match_input(a, in, path, &nsteps, e);
    for (size_t i = 0; i < a->n; i++)
        biggest = a->v[i].step_bytes > biggest ? a->v[i].step_bytes : biggest;
    void *buf = malloc(biggest);
    if (rc == 0 && !buf)
        rc = cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    for (size_t t = 0; rc == 0 && t < nsteps; t++)
        rc = append_step(a, in, t, buf, e);
    free(buf);
    nc_close(in);
    if (rc == 0 && !quiet)
        printf("%s: %zu steps appended\n", path, nsteps);
    a->out_len += nsteps;
    return rc;
}

int cmd_append(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "var", 1, NULL, OPT_VAR }, { "quiet", 0, NULL, OPT_QUIET },
        { "help", 0, NULL, 'h' },    { NULL, 0, NULL, 0 }
    };
    cli_strlist only = { 0 };
    cli_err e = { 0 };
    const char *out = NULL;
    int c, rc = 0, quiet = 0;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":ho:q", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            cli_strlist_free(&only);
            return CLI_EXIT_OK;
        } else if (c == 'o')
            out = optarg;
        else if (c == OPT_VAR)
            rc = cli_strlist_split(&only, optarg) ? cli_fail(&e, CLI_EXIT_FAILURE, "out of memory") : 0;
        else if (c == OPT_QUIET || c == 'q')
            quiet = 1;
        else if (c == ':')
            rc = cli_fail(&e, CLI_EXIT_USAGE, "%s needs a value", argv[optind - 1]);
        else
            rc = cli_fail(&e, CLI_EXIT_USAGE, "unknown option %s", argv[optind - 1]);
    }
    if (rc == 0 && (!out || optind >= argc))
        rc = cli_fail(&e, CLI_EXIT_USAGE, "expected IN [IN...] -o OUT");
    for (int i = optind; rc == 0 && i < argc; i++)
        if (cli_same_file(argv[i], out))
            rc = cli_fail(&e, CLI_EXIT_USAGE, "%s is the output itself", argv[i]);
    if (rc == CLI_EXIT_USAGE) {
        cli_error("%s", e.msg);
        fprintf(stderr, "Try 'vidcube append --help'.\n");
        cli_strlist_free(&only);
        return rc;
    }
    appender a = { .out = -1 };
    if (rc == 0)
        rc = cli_filter_ensure(&e);
    if (rc == 0 && (c = nc_open(out, NC_WRITE, &a.out)) != NC_NOERR)
        rc = cli_fail_nc(&e, CLI_EXIT_INPUT, c, "%s (create it first, e.g. with vidcube "
                         "compress FIRST.nc -o %s --chunk time=24)", out, out);
    if (rc == 0)
        rc = find_record_vars(&a, &only, out, &e);
    if (rc == 0)
        nc_inq_dimlen(a.out, a.unlim, &a.out_len);
    if (rc == 0)
        rc = open_writers(&a, out, &e);
    for (int i = optind; rc == 0 && i < argc; i++)
        rc = append_file(&a, argv[i], quiet, &e);
    rc = close_writers(&a, rc, &e);           /* partly filled last chunks */
    if (a.out >= 0 && (c = nc_close(a.out)) != NC_NOERR && rc == 0)   /* the filter may fail here */
        rc = cli_fail_nc(&e, CLI_EXIT_FAILURE, c, "closing %s", out);
    if (rc)
        cli_error("%s", e.msg);
    else if (!quiet)
        printf("%s now has %zu steps; %zu variable%s appended, %zu coded with vidcube (each new "
               "chunk encoded once)\n", out, a.out_len, a.n, a.n == 1 ? "" : "s", coded(&a));
    free(a.v);
    cli_strlist_free(&only);
    return rc;
}
