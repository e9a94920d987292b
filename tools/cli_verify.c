/* cli_verify.c: `vidcube verify ORIG COMP`: what a compressed copy kept,
 * per variable and per band, with optional thresholds for scripts. */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <netcdf.h>

static const char usage[] =
    "Usage: vidcube verify ORIG COMP [--var NAME,...] [--json] [--min-psnr DB] [--max-abs E]\n"
    "\n"
    "Compare each variable of COMP with the same variable of ORIG, a slab at a\n"
    "time. Default variables: those COMP codes with vidcube (if none, every\n"
    "numeric variable of rank >= 2 the files share).\n"
    "\n"
    "Per variable, and per band or channel (the C axes of T C Y X):\n"
    "  PSNR     10 log10(peak^2 / MSE), peak = max - min of the valid ORIG values\n"
    "  RMSE, max abs error   over valid values, in data units (packed integers:\n"
    "           after scale_factor)\n"
    "  bpppb    8 x bytes COMP stores for the variable / number of values\n"
    "  ratio    raw bytes / stored bytes\n"
    "  mask     whether NaN/Inf/fill positions (and bits) are identical\n"
    "\n"
    "  --var NAMES    only these variables\n"
    "  --json         print {\"variables\":[{\"name\":..,\"psnr_db\":..,\"band_psnr_db\":[..],\n"
    "                 \"rmse\":..,\"max_abs_error\":..,\"bpppb\":..,\"ratio\":..,\n"
    "                 \"mask_exact\":true|false}]}; an exact PSNR (infinite) or an\n"
    "                 undefined value (no valid data) is null\n"
    "  --min-psnr DB  fail unless every variable and every band reaches DB\n"
    "  --max-abs E    fail if any max abs error exceeds E\n"
    "\n"
    "Exit status: 0 verified, 1 failure, 2 usage error, 3 input error,\n"
    "5 a threshold not met or NaN/fill positions differ.\n";

typedef struct verify_opts {
    cli_strlist vars;
    int         json;
    double      min_psnr, max_abs;   /* NaN: not given */
    const char *orig, *comp;
} verify_opts;

static int parse_args(int argc, char **argv, verify_opts *o, cli_err *e)
{
    static const struct option longopts[] = {
        { "var", 1, NULL, OPT_VAR },           { "json", 0, NULL, OPT_JSON },
        { "min-psnr", 1, NULL, OPT_MIN_PSNR }, { "max-abs", 1, NULL, OPT_MAX_ABS },
        { "help", 0, NULL, 'h' },              { NULL, 0, NULL, 0 }
    };
    o->min_psnr = o->max_abs = NAN;
    int c, rc = 0;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == 'h')
            return -1;
        if (c == OPT_VAR && cli_strlist_split(&o->vars, optarg))
            rc = cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
        else if (c == OPT_JSON)
            o->json = 1;
        else if (c == OPT_MIN_PSNR && cli_parse_double(optarg, &o->min_psnr))
            rc = cli_fail(e, CLI_EXIT_USAGE, "--min-psnr '%s': expected a number", optarg);
        else if (c == OPT_MAX_ABS && (cli_parse_double(optarg, &o->max_abs) || o->max_abs < 0))
            rc = cli_fail(e, CLI_EXIT_USAGE, "--max-abs '%s': expected a number >= 0", optarg);
        else if (c == ':')
            rc = cli_fail(e, CLI_EXIT_USAGE, "%s needs a value", argv[optind - 1]);
        else if (c == '?')
            rc = cli_fail(e, CLI_EXIT_USAGE, "unknown option %s", argv[optind - 1]);
    }
    if (rc == 0 && argc - optind != 2)
        rc = cli_fail(e, CLI_EXIT_USAGE, "expected two files, ORIG and COMP");
    if (rc == 0) {
        o->orig = argv[optind];
        o->comp = argv[optind + 1];
    }
    return rc;
}

static int open_file(const char *path, int *ncid, cli_err *e)
{
    int kind = cli_sniff(path), rc;
    if (kind < 0)
        return cli_fail(e, CLI_EXIT_INPUT, "%s: cannot read it", path);
    if (kind == 0)
        return cli_fail(e, CLI_EXIT_INPUT, "%s is not a netCDF or HDF5 file", path);
    if ((rc = nc_open(path, NC_NOWRITE, ncid)) != NC_NOERR)
        return cli_fail_nc(e, CLI_EXIT_INPUT, rc, "%s: cannot open it (truncated or damaged?)",
                           path);
    return 0;
}

/* Variables to compare, chosen in COMP. */
typedef struct pick_ctx {
    cli_strlist *out;
    int          coded_only;
    int          orig;
} pick_ctx;

static int pick_var(int grp, int varid, const char *path, void *ud, cli_err *e)
{
    pick_ctx *p = ud;
    int type, rank, g, v;
    if (nc_inq_var(grp, varid, NULL, &type, &rank, NULL, NULL) != NC_NOERR)
        return 0;
    int wanted = p->coded_only ? ncs_has_vidcube(grp, varid)
                               : cli_dtype_of(type) && rank >= 2 && rank <= VC_MAX_RANK &&
                                     ncs_find_var(p->orig, path, &g, &v) == 0;
    if (wanted && cli_strlist_add(p->out, path))
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    return 0;
}

static int choose_vars(const verify_opts *o, int orig, int comp, cli_strlist *vars, cli_err *e)
{
    int g, v;
    for (size_t i = 0; i < o->vars.n; i++) {
        if (ncs_find_var(orig, o->vars.v[i], &g, &v) != 0)
            return cli_fail(e, CLI_EXIT_INPUT, "--var %s: no such variable in %s", o->vars.v[i],
                            o->orig);
        if (ncs_find_var(comp, o->vars.v[i], &g, &v) != 0)
            return cli_fail(e, CLI_EXIT_INPUT, "--var %s: no such variable in %s", o->vars.v[i],
                            o->comp);
        if (cli_strlist_add(vars, o->vars.v[i][0] == '/' ? o->vars.v[i] + 1 : o->vars.v[i]))
            return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    }
    if (o->vars.n)
        return 0;
    pick_ctx p = { vars, 1, orig };
    int rc = ncs_walk_vars(comp, pick_var, &p, e);
    if (rc == 0 && vars->n == 0) {
        cli_warn("no variable of %s uses the vidcube filter: comparing every numeric array "
                 "the files share", o->comp);
        p.coded_only = 0;
        rc = ncs_walk_vars(comp, pick_var, &p, e);
    }
    if (rc == 0 && vars->n == 0)
        rc = cli_fail(e, CLI_EXIT_INPUT, "%s and %s share no numeric array to compare", o->orig,
                      o->comp);
    return rc;
}

static void print_json(FILE *f, char *const *names, const var_quality *q, size_t n)
{
    fputs("{\"variables\":[", f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s{\"name\":\"", i ? "," : "");
        for (const char *c = names[i]; *c; c++)
            fprintf(f, *c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
        fputs("\",\"psnr_db\":", f);
        cli_json_double(f, q[i].total.psnr_db);
        fputs(",\"band_psnr_db\":[", f);
        for (size_t b = 0; b < q[i].nbands; b++) {
            if (b)
                fputc(',', f);
            cli_json_double(f, q[i].bands[b].psnr_db);
        }
        fputs("],\"rmse\":", f);
        cli_json_double(f, q[i].total.rmse);
        fputs(",\"max_abs_error\":", f);
        cli_json_double(f, q[i].total.max_abs_error);
        fputs(",\"bpppb\":", f);
        cli_json_double(f, q[i].bpppb);
        fputs(",\"ratio\":", f);
        cli_json_double(f, q[i].ratio);
        fprintf(f, ",\"mask_exact\":%s}", q[i].total.mask_exact ? "true" : "false");
    }
    fputs("]}\n", f);
}

static void print_db(double v)
{
    if (isinf(v) && v > 0)
        printf(" %9s", "exact");
    else if (isnan(v))
        printf(" %9s", "-");
    else
        printf(" %9.2f", v);
}

static void print_table(char *const *names, const var_quality *q, size_t n)
{
    printf("%-20s %9s %10s %10s %8s %8s %5s\n", "variable", "PSNR dB", "RMSE", "max abs",
           "bpppb", "ratio", "mask");
    for (size_t i = 0; i < n; i++) {
        printf("%-20s", names[i]);
        print_db(q[i].total.psnr_db);
        printf(" %10.4g %10.4g %8.4f %8.2f %5s\n", q[i].total.rmse, q[i].total.max_abs_error,
               q[i].bpppb, q[i].ratio, q[i].total.mask_exact ? "exact" : "DIFF");
        for (size_t b = 0; q[i].nbands > 1 && b < q[i].nbands; b++) {
            printf("  band %-13zu", b);
            print_db(q[i].bands[b].psnr_db);
            printf(" %10.4g %10.4g\n", q[i].bands[b].rmse, q[i].bands[b].max_abs_error);
        }
    }
}

/* Thresholds: complain about each failure, return whether all held. */
static int check(const verify_opts *o, const char *name, const var_quality *q)
{
    int ok = 1;
    if (!q->total.mask_exact) {
        cli_error("verify: %s: NaN/Inf/fill positions differ from the original", name);
        ok = 0;
    }
    if (!isnan(o->max_abs) && !(q->total.max_abs_error <= o->max_abs)) {
        cli_error("verify: %s: max abs error %g > %g", name, q->total.max_abs_error, o->max_abs);
        ok = 0;
    }
    if (!isnan(o->min_psnr)) {
        if (q->total.psnr_db < o->min_psnr) {
            cli_error("verify: %s: PSNR %.2f dB < %g", name, q->total.psnr_db, o->min_psnr);
            ok = 0;
        }
        for (size_t b = 0; b < q->nbands; b++)
            if (q->bands[b].psnr_db < o->min_psnr) {
                cli_error("verify: %s: band %zu PSNR %.2f dB < %g", name, b,
                          q->bands[b].psnr_db, o->min_psnr);
                ok = 0;
            }
    }
    return ok;
}

static int measure_all(const verify_opts *o, const cli_strlist *vars, var_quality *q,
                       cli_err *e)
{
    double *bytes = calloc(vars->n, sizeof *bytes);
    if (!bytes)
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    /* Storage first: HDF5 may open COMP only while netCDF has it closed. */
    int rc = cli_h5_storage(o->comp, vars->v, vars->n, bytes, e);
    int orig = -1, comp = -1;
    if (rc == 0)
        rc = open_file(o->orig, &orig, e);
    if (rc == 0)
        rc = open_file(o->comp, &comp, e);
    for (size_t i = 0; rc == 0 && i < vars->n; i++) {
        int g1, v1, g2, v2;
        ncs_find_var(orig, vars->v[i], &g1, &v1);
        ncs_find_var(comp, vars->v[i], &g2, &v2);
        rc = cli_measure_var(g1, v1, g2, v2, &q[i], e);
        /* Unknown storage (classic netCDF): stored as raw values. */
        cli_quality_set_storage(&q[i], bytes[i] >= 0 ? bytes[i] : q[i].raw_bytes);
    }
    if (orig >= 0)
        nc_close(orig);
    if (comp >= 0)
        nc_close(comp);
    free(bytes);
    return rc;
}

int cmd_verify(int argc, char **argv)
{
    verify_opts o = { 0 };
    cli_err e = { 0 };
    int rc = parse_args(argc, argv, &o, &e);
    if (rc < 0) {
        fputs(usage, stdout);
        cli_strlist_free(&o.vars);
        return CLI_EXIT_OK;
    }
    cli_strlist vars = { 0 };
    int orig = -1, comp = -1;
    if (rc == 0)
        rc = cli_filter_ensure(&e);
    if (rc == 0)
        rc = open_file(o.orig, &orig, &e);
    if (rc == 0)
        rc = open_file(o.comp, &comp, &e);
    if (rc == 0)
        rc = choose_vars(&o, orig, comp, &vars, &e);
    if (orig >= 0)
        nc_close(orig);
    if (comp >= 0)
        nc_close(comp);
    var_quality *q = rc == 0 ? calloc(vars.n, sizeof *q) : NULL;
    if (rc == 0 && !q)
        rc = cli_fail(&e, CLI_EXIT_FAILURE, "out of memory");
    if (rc == 0)
        rc = measure_all(&o, &vars, q, &e);
    if (rc == 0) {
        if (o.json)
            print_json(stdout, vars.v, q, vars.n);
        else
            print_table(vars.v, q, vars.n);
        fflush(stdout);
        for (size_t i = 0; i < vars.n; i++)
            if (!check(&o, vars.v[i], &q[i]))
                rc = CLI_EXIT_THRESHOLD;
    } else {
        cli_error("%s", e.msg);
        if (rc == CLI_EXIT_USAGE)
            fprintf(stderr, "Try 'vidcube verify --help'.\n");
    }
    for (size_t i = 0; q && i < vars.n; i++)
        cli_quality_free(&q[i]);
    free(q);
    cli_strlist_free(&vars);
    cli_strlist_free(&o.vars);
    return rc;
}
