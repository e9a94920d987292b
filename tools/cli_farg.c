/* cli_farg.c: `vidcube farg`: the h5repack -f and nccopy -F arguments that
 * request the vidcube filter with some settings, built by the library's
 * vc_cd_pack so they always match the plugin's reading of cd_values. */
#include "cli.h"

#include <getopt.h>
#include <string.h>

static const char usage[] =
    "Usage: vidcube farg (--psnr DB | --crf N | --lossless | --abs E | --rel R | --rate BPPPB)\n"
    "         [--transform T] [--var V[,V...]] [--h5repack | --nccopy]\n"
    "\n"
    "Print the arguments that ask h5repack and nccopy for the vidcube filter\n"
    "with these settings, for variables V (default: all):\n"
    "  h5repack -f [V,...:]UD=330,0,10,w0,...,w9\n"
    "  nccopy -F 'V|...,330,w0,...,w9'        ('*' for all variables)\n"
    "--h5repack or --nccopy print only that argument's value, for scripts.\n"
    "The chunks must hold whole frames (h5repack -l, nccopy -c), and readers\n"
    "need the plugin (HDF5_PLUGIN_PATH, or installed in HDF5's plugin directory).\n"
    "netCDF 4.9.0's nccopy ignores -F on a variable that already has filters:\n"
    "copy with nccopy -d0 first. h5repack exits 0 and writes unfiltered data when\n"
    "it cannot load the plugin: check with h5dump -p -H or vidcube info.\n"
    "\n"
    "%s";

static void print_words(const unsigned *cd, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf(",%u", cd[i]);
}

/* only: 0 for both full arguments, OPT_H5REPACK or OPT_NCCOPY for one value. */
static void print_args(int only, const cli_strlist *vars, const unsigned *cd, size_t n)
{
    if (only != OPT_NCCOPY) {
        printf("%s", only ? "" : "h5repack -f ");
        for (size_t i = 0; i < vars->n; i++)
            printf("%s%s", i ? "," : "", vars->v[i]);
        printf("%sUD=%d,0,%zu", vars->n ? ":" : "", VC_H5Z_FILTER_ID, n);
        print_words(cd, n);
        printf("\n");
    }
    if (only != OPT_H5REPACK) {
        printf("%s", only ? "" : "nccopy -F '");
        for (size_t i = 0; i < vars->n; i++)
            printf("%s%s", i ? "|" : "", vars->v[i]);
        printf("%s,%d", vars->n ? "" : "*", VC_H5Z_FILTER_ID);
        print_words(cd, n);
        printf("%s\n", only ? "" : "'");
    }
}

int cmd_farg(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_FIDELITY_LONGOPTS,
        { "var", 1, NULL, OPT_VAR },           { "h5repack", 0, NULL, OPT_H5REPACK },
        { "nccopy", 0, NULL, OPT_NCCOPY },     { "help", 0, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    cli_fidelity fid;
    cli_fidelity_init(&fid);
    cli_strlist vars = { 0 };
    cli_err e = { 0 };
    int c, rc = 0, only = 0;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        int f = cli_fidelity_option(&fid, c, optarg, &e);
        if (f)
            rc = f == 1 ? 0 : f;
        else if (c == 'h') {
            printf(usage, cli_fidelity_help);
            cli_strlist_free(&vars);
            return CLI_EXIT_OK;
        } else if (c == OPT_VAR)
            rc = cli_strlist_split(&vars, optarg) ? cli_fail(&e, CLI_EXIT_FAILURE, "out of memory") : 0;
        else if (c == OPT_H5REPACK || c == OPT_NCCOPY)
            only = c;
        else if (c == ':')
            rc = cli_fail(&e, CLI_EXIT_USAGE, "%s needs a value", argv[optind - 1]);
        else
            rc = cli_fail(&e, CLI_EXIT_USAGE, "unknown option %s", argv[optind - 1]);
    }
    if (rc == 0 && optind < argc)
        rc = cli_fail(&e, CLI_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    if (rc == 0)
        rc = cli_fidelity_check(&fid, &e);
    unsigned cd[VC_CD_NUSER];
    size_t n = 0;
    /* No roles: set_local applies the defaults for each dataset's rank. */
    if (rc == 0 && vc_cd_pack(&fid.params, NULL, 0, cd, VC_CD_NUSER, &n) != VC_OK)
        rc = cli_fail(&e, CLI_EXIT_USAGE, "these settings cannot be written as cd_values");
    if (rc) {
        cli_error("%s", e.msg);
        fprintf(stderr, "Try 'vidcube farg --help'.\n");
        cli_strlist_free(&vars);
        return rc;
    }
    print_args(only, &vars, cd, n);
    cli_strlist_free(&vars);
    return CLI_EXIT_OK;
}
