/* cli_decompress.c: `vidcube decompress`: plain netCDF-4 copies in which
 * the vidcube-coded variables are decoded and stored without the filter
 * (other variables keep their storage), readable anywhere. The files are
 * converted by cli_batch.c, like compress. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: vidcube decompress IN OUT [--force] [--quiet]\n"
    "       vidcube decompress IN [IN...] -o OUT|DIR [-j N] [--force] [--quiet]\n"
    "\n"
    "Write a netCDF-4 copy of IN whose vidcube-coded variables are decoded and\n"
    "stored without the vidcube filter, keeping their chunking; everything else\n"
    "is copied unchanged. Needs the vidcube filter to decode (it is built in).\n"
    "\n"
    "  IN               a file, a directory (every netCDF/HDF5 file in it) or a glob\n"
    "  OUT              without -o, the last argument: a file, or a directory\n"
    "  -o, --output OUT output file; with several inputs, a directory\n"
    "  -j, --jobs N     convert N files at once (default 1)\n"
    "  --force          replace existing outputs (never an input)\n"
    "  --quiet          print only warnings and errors\n"
    "\n"
    "Outputs are written to .NAME.vidcube-tmp.PID next to them and renamed when\n"
    "complete. Exit status: 0 done, 1 failure, 2 usage error or unsafe request,\n"
    "3 input error, 4 partial failure (some files converted, others failed).\n";

typedef struct decompress_opts {
    const char *out;
    int         ninputs;     /* the inputs are argv[optind ...] */
    long        jobs;
    int         force, quiet;
} decompress_opts;

static int parse_args(int argc, char **argv, decompress_opts *o, cli_err *e)
{
    static const struct option longopts[] = {
        { "force", 0, NULL, OPT_FORCE }, { "quiet", 0, NULL, OPT_QUIET },
        { "output", 1, NULL, 'o' },      { "jobs", 1, NULL, 'j' },
        { "help", 0, NULL, 'h' },        { NULL, 0, NULL, 0 }
    };
    o->jobs = 1;
    int c, rc = 0;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":o:j:hq", longopts, NULL)) != -1) {
        if (c == 'h')
            return -1;
        if (c == 'o')
            o->out = optarg;
        else if (c == 'j' && (cli_parse_long(optarg, &o->jobs) || o->jobs < 1 ||
                              o->jobs > CLI_MAX_JOBS))
            rc = cli_fail(e, CLI_EXIT_USAGE, "-j %s: expected 1 to %d", optarg, CLI_MAX_JOBS);
        else if (c == OPT_FORCE)
            o->force = 1;
        else if (c == OPT_QUIET || c == 'q')
            o->quiet = 1;
        else if (c == ':')
            rc = cli_fail(e, CLI_EXIT_USAGE, "%s needs a value", argv[optind - 1]);
        else if (c == '?')
            rc = cli_fail(e, CLI_EXIT_USAGE, "unknown option %s", argv[optind - 1]);
    }
    /* Without -o the last argument is the output, as with cp. */
    if (rc == 0 && !o->out && argc - optind >= 2)
        o->out = argv[--argc];
    if (rc == 0 && !o->out)
        rc = cli_fail(e, CLI_EXIT_USAGE, "expected IN OUT, or IN... -o OUT");
    else if (rc == 0 && optind >= argc)
        rc = cli_fail(e, CLI_EXIT_USAGE, "no input given");
    o->ninputs = argc - optind;
    return rc;
}

int cmd_decompress(int argc, char **argv)
{
    decompress_opts o = { 0 };
    cli_err e = { 0 };
    int rc = parse_args(argc, argv, &o, &e);
    if (rc < 0) {
        fputs(usage, stdout);
        return CLI_EXIT_OK;
    }
    convert_opts co = { CONVERT_DECOMPRESS, { 0 }, o.force };
    batch_opts bo = { o.jobs, o.quiet };
    rc = cli_batch_command("decompress", rc, &e, argv + optind, o.ninputs, o.out, &co, &bo);
    return rc;
}
