/* cli_inputs.c: from IN arguments (files, directories, globs) and -o to a
 * list of (input, output) jobs, refusing anything unsafe before a single
 * byte is written. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_sniff(const char *path)
{
    static const unsigned char hdf5[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    unsigned char head[8];
    int kind = 0;
    ssize_t got = pread(fd, head, sizeof head, 0);
    if (got >= 4 && memcmp(head, "CDF", 3) == 0 && (head[3] == 1 || head[3] == 2 || head[3] == 5))
        kind = 1;
    /* The HDF5 signature may follow a user block of 512, 1024, 2048... bytes. */
    off_t at = 0;
    while (kind == 0 && got == (ssize_t)sizeof head) {
        if (memcmp(head, hdf5, sizeof hdf5) == 0) {
            kind = 2;
        } else {
            at = at ? 2 * at : 512;
            got = pread(fd, head, sizeof head, at);
        }
    }
    close(fd);
    return kind;
}

static cli_job *add_job(cli_joblist *jobs, const char *in)
{
    if (jobs->n == jobs->cap) {
        size_t cap = jobs->cap ? 2 * jobs->cap : 16;
        cli_job *v = realloc(jobs->v, cap * sizeof *v);
        if (!v)
            return NULL;
        jobs->v = v;
        jobs->cap = cap;
    }
    cli_job *j = &jobs->v[jobs->n];
    memset(j, 0, sizeof *j);
    if (!(j->in = strdup(in)))
        return NULL;
    jobs->n++;
    return j;
}

/* An input named explicitly: it must exist and be netCDF or HDF5. */
static int add_file(cli_joblist *jobs, const char *path, cli_err *e)
{
    cli_job *j = add_job(jobs, path);
    if (!j)
        return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
    struct stat st;
    if (stat(path, &st) != 0) {
        cli_fail(&j->pre, CLI_EXIT_INPUT, "%s: %s", path, strerror(errno));
        return 0;
    }
    j->in_bytes = (double)st.st_size;
    int kind = cli_sniff(path);
    if (kind < 0)
        cli_fail(&j->pre, CLI_EXIT_INPUT, "%s: cannot read: %s", path, strerror(errno));
    else if (kind == 0)
        cli_fail(&j->pre, CLI_EXIT_INPUT,
                 "%s is not a netCDF or HDF5 file (no netCDF or HDF5 signature)", path);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every netCDF/HDF5 file directly in dir; other files are skipped. */
static int add_dir(cli_joblist *jobs, const char *dir, cli_err *e)
{
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, by_name);
    if (n < 0)
        return cli_fail(e, CLI_EXIT_INPUT, "%s: cannot list: %s", dir, strerror(errno));
    size_t before = jobs->n;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        struct stat st;
        /* Hidden files include our own temporary outputs. */
        if (rc == 0 && ents[i]->d_name[0] != '.' &&
            snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name) < (int)sizeof path &&
            stat(path, &st) == 0 && S_ISREG(st.st_mode) && cli_sniff(path) > 0)
            rc = add_file(jobs, path, e);
        free(ents[i]);
    }
    free(ents);
    if (rc == 0 && jobs->n == before)
        cli_warn("%s holds no netCDF or HDF5 file", dir);
    return rc;
}

static int add_arg(cli_joblist *jobs, const char *arg, int *several, cli_err *e)
{
    struct stat st;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        *several = 1;
        return add_dir(jobs, arg, e);
    }
    if (stat(arg, &st) != 0 && strpbrk(arg, "*?[")) {
        /* A glob the shell did not expand (quoted, or no match there). */
        glob_t g;
        int grc = glob(arg, 0, NULL, &g);
        if (grc == GLOB_NOMATCH) {
            globfree(&g);
            cli_job *j = add_job(jobs, arg);
            if (!j)
                return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
            cli_fail(&j->pre, CLI_EXIT_INPUT, "%s: no file matches", arg);
            return 0;
        }
        int rc = grc == 0 ? 0 : cli_fail(e, CLI_EXIT_INPUT, "%s: cannot expand", arg);
        for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++)
            if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode))
                rc = add_file(jobs, g.gl_pathv[i], e);
        globfree(&g);
        *several = 1;
        return rc;
    }
    return add_file(jobs, arg, e);
}

/* -o names a directory: it must not be a file; created when missing. */
static int prepare_dir(const char *out, int create, cli_err *e)
{
    struct stat st;
    if (stat(out, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 :
            cli_fail(e, CLI_EXIT_USAGE,
                     "-o %s is a file: with several inputs -o must name a directory", out);
    if (create && mkdir(out, 0777) != 0)
        return cli_fail(e, CLI_EXIT_FAILURE, "cannot create output directory %s: %s", out,
                        strerror(errno));
    return 0;
}

/* Name every output and refuse overwriting inputs, each other, or (without
 * --force) existing files. */
static int name_outputs(cli_joblist *jobs, const char *out, int to_dir, int force, cli_err *e)
{
    for (size_t i = 0; i < jobs->n; i++) {
        cli_job *j = &jobs->v[i];
        size_t n = strlen(out) + strlen(j->in) + 2;
        if (!(j->out = malloc(n)))
            return cli_fail(e, CLI_EXIT_FAILURE, "out of memory");
        if (to_dir)
            snprintf(j->out, n, "%s%s%s", out, out[strlen(out) - 1] == '/' ? "" : "/",
                     cli_basename(j->in));
        else
            snprintf(j->out, n, "%s", out);
    }
    for (size_t i = 0; i < jobs->n; i++) {
        const char *o = jobs->v[i].out;
        for (size_t k = 0; k < jobs->n; k++) {
            if (cli_same_file(o, jobs->v[k].in))
                return cli_fail(e, CLI_EXIT_USAGE,
                                "output %s is the input %s: inputs are never overwritten; "
                                "choose another -o", o, jobs->v[k].in);
            if (k < i && strcmp(o, jobs->v[k].out) == 0)
                return cli_fail(e, CLI_EXIT_USAGE,
                                "%s and %s would both be written to %s: rename one",
                                jobs->v[k].in, jobs->v[i].in, o);
        }
        if (!force && jobs->v[i].pre.code == 0 && access(o, F_OK) == 0)
            return cli_fail(e, CLI_EXIT_USAGE, "%s already exists: use --force to replace it",
                            o);
    }
    return 0;
}

int cli_jobs_plan(char *const *args, int nargs, const char *out, int force,
                  cli_joblist *jobs, cli_err *e)
{
    int several = nargs > 1;
    for (int i = 0; i < nargs; i++) {
        int rc = add_arg(jobs, args[i], &several, e);
        if (rc)
            return rc;
    }
    if (jobs->n == 0)
        return cli_fail(e, CLI_EXIT_INPUT, "no netCDF or HDF5 input found");
    struct stat st;
    size_t olen = strlen(out);
    int to_dir = several || jobs->n > 1 || (olen && out[olen - 1] == '/') ||
                 (stat(out, &st) == 0 && S_ISDIR(st.st_mode));
    int rc = to_dir ? prepare_dir(out, 0, e) : 0;
    if (rc == 0)
        rc = name_outputs(jobs, out, to_dir, force, e);
    return rc == 0 && to_dir ? prepare_dir(out, 1, e) : rc;
}

void cli_jobs_free(cli_joblist *jobs)
{
    for (size_t i = 0; i < jobs->n; i++) {
        free(jobs->v[i].in);
        free(jobs->v[i].out);
    }
    free(jobs->v);
    memset(jobs, 0, sizeof *jobs);
}
