/* cli_compress.c: `vidcube compress`, bulk conversion of netCDF/HDF5 files:
 * the options; the conversion runs in cli_batch.c. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: vidcube compress IN [IN...] -o OUT|DIR [--var NAME[,NAME...]]\n"
    "         (--psnr DB | --crf N | --lossless | --abs E | --rel R | --rate BPPPB)\n"
    "         [--chunk DIM=N,...] [-j N] [--force] [--quiet]\n"
    "\n"
    "Write netCDF-4 copies of netCDF/HDF5 files whose chosen variables use the\n"
    "vidcube filter. Everything else (dimensions, attributes, groups, coordinates,\n"
    "other variables) is copied unchanged.\n"
    "\n"
    "  IN               a file, a directory (every netCDF/HDF5 file in it) or a glob\n"
    "  -o, --output OUT output file; with several inputs, a directory (created if needed)\n"
    "  --var NAMES      compress these variables (NAME or group/NAME) and copy the rest;\n"
    "                   default: every numeric variable whose two fastest dimensions\n"
    "                   are at least 8x8, except coordinates, bounds, CF flag variables\n"
    "                   and integer categories, which stay exact\n"
    "  --chunk DIM=N,.. chunk length along these dimensions; default: whole frames\n"
    "                   (and channels) and as long a time run as fits in 32 MiB\n"
    "  -j, --jobs N     convert N files at once (default 1)\n"
    "  --force          replace existing outputs\n"
    "  --quiet          print only warnings and errors\n"
    "\n"
    "%s"
    "\n"
    "Outputs are written to .NAME.vidcube-tmp.PID in the output directory and\n"
    "renamed when complete: an interrupted run leaves no partial output. Inputs\n"
    "are never overwritten. Reading the outputs needs the vidcube HDF5 plugin.\n"
    "\n"
    "Exit status: 0 all converted, 1 failure, 2 usage error or unsafe request,\n"
    "3 input error (missing, unreadable, not netCDF/HDF5, damaged, unknown --var),\n"
    "4 partial failure (some files converted, others failed).\n";

typedef struct compress_opts {
    cli_fidelity fid;
    cli_strlist  vars;
    chunk_req   *chunks;
    size_t       nchunks;
    const char  *out;
    long         jobs;
    int          force, quiet;
} compress_opts;

static int parse_args(int argc, char **argv, compress_opts *o, cli_err *e)
{
    static const struct option longopts[] = {
        CLI_FIDELITY_LONGOPTS,
        { "var", 1, NULL, OPT_VAR },     { "chunk", 1, NULL, OPT_CHUNK },
        { "force", 0, NULL, OPT_FORCE }, { "quiet", 0, NULL, OPT_QUIET },
        { "output", 1, NULL, 'o' },      { "jobs", 1, NULL, 'j' },
        { "help", 0, NULL, 'h' },        { NULL, 0, NULL, 0 }
    };
    o->jobs = 1;
    int c, rc = 0;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":o:j:hq", longopts, NULL)) != -1) {
        int f = cli_fidelity_option(&o->fid, c, optarg, e);
        if (f)
            rc = f == 1 ? 0 : f;
        else if (c == 'h')
            return -1;
        else if (c == 'o')
            o->out = optarg;
        else if (c == 'j' && (cli_parse_long(optarg, &o->jobs) || o->jobs < 1 || o->jobs > CLI_MAX_JOBS))
            rc = cli_fail(e, CLI_EXIT_USAGE, "-j %s: expected 1 to %d", optarg, CLI_MAX_JOBS);
        else if (c == OPT_VAR)
            rc = cli_strlist_split(&o->vars, optarg) ? cli_fail(e, CLI_EXIT_FAILURE, "out of memory") : 0;
        else if (c == OPT_CHUNK)
            rc = cli_chunk_parse(optarg, &o->chunks, &o->nchunks, e);
        else if (c == OPT_FORCE)
            o->force = 1;
        else if (c == OPT_QUIET || c == 'q')
            o->quiet = 1;
        else if (c == ':')
            rc = cli_fail(e, CLI_EXIT_USAGE, "%s needs a value", argv[optind - 1]);
        else if (c == '?')
            rc = cli_fail(e, CLI_EXIT_USAGE, "unknown option %s", argv[optind - 1]);
    }
    if (rc == 0 && optind >= argc)
        rc = cli_fail(e, CLI_EXIT_USAGE, "no input given");
    if (rc == 0 && !o->out)
        rc = cli_fail(e, CLI_EXIT_USAGE, "no output given: use -o FILE or -o DIR");
    if (rc == 0)
        rc = cli_fidelity_check(&o->fid, e);
    return rc;
}

int cmd_compress(int argc, char **argv)
{
    compress_opts o = { 0 };
    cli_fidelity_init(&o.fid);
    cli_err e = { 0 };
    int rc = parse_args(argc, argv, &o, &e);
    if (rc < 0) {
        printf(usage, cli_fidelity_help);
        return CLI_EXIT_OK;
    }
    convert_opts co = { CONVERT_COMPRESS,
                        { &o.vars, o.chunks, o.nchunks, &o.fid.params }, o.force };
    batch_opts bo = { o.jobs, o.quiet };
    rc = cli_batch_command("compress", rc, &e, argv + optind, argc - optind, o.out, &co, &bo);
    cli_strlist_free(&o.vars);
    free(o.chunks);
    return rc;
}
