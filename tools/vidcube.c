/* vidcube.c: the `vidcube` command: dispatch to a subcommand. */
#include "cli.h"

#include <string.h>

static const char usage[] =
    "Usage: vidcube COMMAND [OPTIONS]\n"
    "\n"
    "Compress scientific arrays in netCDF/HDF5 files as x264 video, and prove\n"
    "what was kept.\n"
    "\n"
    "Commands:\n"
    "  compress    convert files, coding chosen variables with the vidcube filter\n"
    "  verify      compare an original with its compressed copy (PSNR, errors, bpppb)\n"
    "  decompress  write a plain netCDF-4 copy without the vidcube filter\n"
    "  info        show each variable's filter, parameters and stream versions\n"
    "  farg        print the h5repack -f and nccopy -F arguments for some settings\n"
    "  append      add the time steps of files to a compressed file, each chunk coded once\n"
    "\n"
    "'vidcube COMMAND --help' describes a command; 'vidcube --version' the versions.\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 usage error or unsafe request,\n"
    "3 input error, 4 partial failure (some files failed), 5 verify threshold\n"
    "not met or NaN/fill positions differ.\n";

int cmd_append(int argc, char **argv);     /* cli_append.c (issue 10) */

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    { "compress", cmd_compress }, { "verify", cmd_verify }, { "decompress", cmd_decompress },
    { "info", cmd_info },         { "farg", cmd_farg },         { "append", cmd_append },
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vidcube %s (libvidcube %s, stream format %u, HDF5 filter id %d)\n",
               VC_VERSION_STRING, vc_version_string(), vc_stream_format(), VC_H5Z_FILTER_ID);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            cli_signals_install();
            return commands[i].run(argc - 1, argv + 1);
        }
    cli_error("unknown command '%s'", argv[1]);
    fputs(usage, stderr);
    return CLI_EXIT_USAGE;
}
