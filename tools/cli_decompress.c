/* cli_decompress.c: `vidcube decompress IN OUT`: a plain netCDF-4 copy in
 * which the vidcube-coded variables are decoded and stored without the
 * filter (other variables keep their storage), readable anywhere. */
#include "cli.h"

#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "Usage: vidcube decompress IN OUT [--force] [--quiet]\n"
    "\n"
    "Write OUT (a file, or a directory to write IN's name into), a netCDF-4\n"
    "copy of IN whose vidcube-coded variables are decoded and stored without\n"
    "the vidcube filter, keeping their chunking; everything else is copied\n"
    "unchanged. Needs the vidcube filter to decode (built in, or the plugin).\n"
    "\n"
    "  --force   replace OUT if it exists (never IN itself)\n"
    "  --quiet   print only warnings and errors\n"
    "\n"
    "OUT is written to .NAME.vidcube-tmp.PID next to it and renamed when\n"
    "complete. Exit status: 0 done, 1 failure, 2 usage error or unsafe\n"
    "request, 3 input error.\n";

typedef struct ui {
    int      quiet;
    progress bar;
    char     label[256];
} ui;

static void on_info(void *ud, const char *line)
{
    ui *u = ud;
    if (u->quiet)
        return;
    progress_clear(&u->bar);
    printf("%s\n", line);
    fflush(stdout);
}

static void on_warn(void *ud, const char *line)
{
    progress_clear(&((ui *)ud)->bar);
    cli_warn("%s", line);
}

static void on_progress(void *ud, double done, double total)
{
    ui *u = ud;
    progress_draw(&u->bar, total > 0 ? done / total : 1, 0, 1, u->label);
}

int cmd_decompress(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "force", 0, NULL, OPT_FORCE }, { "quiet", 0, NULL, OPT_QUIET },
        { "help", 0, NULL, 'h' },        { NULL, 0, NULL, 0 }
    };
    int c, force = 0, rc = 0;
    ui u = { 0 };
    cli_err e = { 0 };
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return CLI_EXIT_OK;
        }
        if (c == OPT_FORCE)
            force = 1;
        else if (c == OPT_QUIET || c == 'q')
            u.quiet = 1;
        else
            rc = cli_fail(&e, CLI_EXIT_USAGE, "unknown option %s", argv[optind - 1]);
    }
    if (rc == 0 && argc - optind != 2)
        rc = cli_fail(&e, CLI_EXIT_USAGE, "expected IN and OUT");
    struct stat st;
    if (rc == 0 && stat(argv[optind], &st) == 0 && S_ISDIR(st.st_mode))
        rc = cli_fail(&e, CLI_EXIT_USAGE, "%s is a directory: decompress takes one file",
                      argv[optind]);
    cli_joblist jobs = { 0 };
    if (rc == 0)
        rc = cli_filter_ensure(&e);
    if (rc == 0)
        rc = cli_jobs_plan(argv + optind, 1, argv[optind + 1], force, &jobs, &e);
    if (rc == 0 && jobs.n != 1)
        rc = cli_fail(&e, CLI_EXIT_USAGE, "decompress takes one input file");
    if (rc == 0 && jobs.v[0].pre.code)
        e = jobs.v[0].pre, rc = e.code;
    if (rc == 0) {
        progress_init(&u.bar, !u.quiet && isatty(STDERR_FILENO));
        snprintf(u.label, sizeof u.label, "%s", cli_basename(jobs.v[0].in));
        cli_reporter r = { on_info, on_warn, on_progress, NULL, &u };
        convert_opts co = { CONVERT_DECOMPRESS, { 0 }, force };
        rc = cli_convert_file(jobs.v[0].in, jobs.v[0].out, &co, &r, &e);
        progress_clear(&u.bar);
    }
    if (rc) {
        cli_error("%s", e.msg);
        if (rc == CLI_EXIT_USAGE)
            fprintf(stderr, "Try 'vidcube decompress --help'.\n");
    }
    cli_jobs_free(&jobs);
    return rc;
}
