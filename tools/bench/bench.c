/* bench.c: vidcube-bench, the benchmark against peers (issue 5).
 *
 *   vidcube-bench [options] --dataset FILE:VAR[:ROLES] ... --file FILE ...
 *                 --list LIST
 *
 * For every dataset and every tool, the tool's settings are swept from the
 * lowest rate upwards; a sweep stops after its first point above
 * --max-bpppb or its first exact reconstruction, so expensive high-rate
 * settings are not run for nothing.
 * See bench.h for how the files divide the work. */
#include "bench.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_SPECS 256

typedef struct spec {
    char path[1024], var[128], roles[8];   /* var "" = every default variable */
} spec;

typedef struct options {
    spec        specs[MAX_SPECS];
    int         nspecs;
    const char *data_dir, *out, *gnuplot, *plot_script, *replay;
    char        tools[512];                /* comma-separated; "" = all */
    int         reps, stride;
    double      max_bpppb;
    bench_env   env;
} options;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: vidcube-bench [options] DATASETS...\n"
        "datasets (any number, any mix):\n"
        "  --dataset FILE:VAR[:ROLES]  one variable; ROLES one letter per axis (TCYX),\n"
        "                              default: the library's defaults for the rank\n"
        "  --file FILE                 every numeric variable of rank >= 2 of FILE\n"
        "                              (unpacked integer categories are skipped)\n"
        "  --list LIST                 one FILE or FILE:VAR[:ROLES] per line, # comments;\n"
        "                              relative paths are taken from --data-dir\n"
        "  --data-dir DIR              base for relative paths in --list (default .)\n"
        "  --replay CSV                no measuring: remake the tables and plots in --out\n"
        "                              from the runs.csv of an earlier run\n"
        "options:\n"
        "  --out DIR          output directory (default bench-out)\n"
        "  --tools A,B,...    tools to run (default: all but those marked on request;\n"
        "                     --tools help lists them)\n"
        "  --reps N           timed repetitions of encode and decode (default 3)\n"
        "  --threads N        threads for vidcube and ffmpeg (default 1)\n"
        "  --max-bpppb X      stop each sweep after its first point above X (default 4)\n"
        "  --stride K         run every K-th sweep setting (default 1; smoke tests)\n"
        "  --zstd-level N     (default 3)\n"
        "  --vidcube-preset N x264 preset 0..9 for vidcube (default: the library's)\n"
        "  --ffmpeg PATH      ffmpeg CLI (default: ffmpeg on PATH)\n"
        "  --gnuplot PATH     gnuplot (default: none, plots skipped)\n"
        "  --plot-script F    gnuplot script (default plot.gp)\n");
}

static void list_tools(void)
{
    const bench_peer *all[32];
    int n = bench_peers(all, 32);
    for (int i = 0; i < n; i++)
        printf("%-18s %s%s\n", all[i]->name, all[i]->about,
               all[i]->on_request ? " [on request]" : "");
}

/* FILE:VAR[:ROLES]; a path may not contain ':'. */
static int parse_spec(const char *arg, const char *base, spec *s)
{
    memset(s, 0, sizeof *s);
    const char *c1 = strchr(arg, ':');
    size_t plen = c1 ? (size_t)(c1 - arg) : strlen(arg);
    if (plen == 0 || plen >= 900)
        return -1;
    if (base && arg[0] != '/')
        snprintf(s->path, sizeof s->path, "%s/%.*s", base, (int)plen, arg);
    else
        snprintf(s->path, sizeof s->path, "%.*s", (int)plen, arg);
    if (!c1)
        return 0;
    const char *c2 = strchr(c1 + 1, ':');
    size_t vlen = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
    if (vlen == 0 || vlen >= sizeof s->var || (c2 && strlen(c2 + 1) >= sizeof s->roles))
        return -1;
    snprintf(s->var, sizeof s->var, "%.*s", (int)vlen, c1 + 1);
    if (c2)
        snprintf(s->roles, sizeof s->roles, "%s", c2 + 1);
    return 0;
}

static int add_spec(options *o, const char *arg, const char *base)
{
    if (o->nspecs == MAX_SPECS || parse_spec(arg, base, &o->specs[o->nspecs]) != 0) {
        fprintf(stderr, "bench: bad dataset \"%s\" (FILE[:VAR[:ROLES]])\n", arg);
        return -1;
    }
    o->nspecs++;
    return 0;
}

static int read_list(options *o, const char *list)
{
    FILE *f = fopen(list, "r");
    char line[1200];
    if (!f) {
        fprintf(stderr, "bench: cannot read %s: %s\n", list, strerror(errno));
        return -1;
    }
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        char *p = line + strspn(line, " \t");
        p[strcspn(p, "#\r\n")] = '\0';
        for (size_t n = strlen(p); n && (p[n - 1] == ' ' || p[n - 1] == '\t');)
            p[--n] = '\0';
        if (*p)
            rc = add_spec(o, p, o->data_dir);
    }
    fclose(f);
    return rc;
}

static int parse_args(options *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        }
        if (!v) {
            fprintf(stderr, "bench: %s needs a value\n", a);
            return -1;
        }
        i++;
        if (!strcmp(a, "--dataset") || !strcmp(a, "--file")) {
            if (!strcmp(a, "--file") && strchr(v, ':'))
                rc = -1;
            else
                rc = add_spec(o, v, NULL);
        } else if (!strcmp(a, "--list")) rc = read_list(o, v);
        else if (!strcmp(a, "--data-dir")) o->data_dir = v;
        else if (!strcmp(a, "--replay")) o->replay = v;
        else if (!strcmp(a, "--out")) o->out = v;
        else if (!strcmp(a, "--tools")) snprintf(o->tools, sizeof o->tools, "%s", v);
        else if (!strcmp(a, "--reps")) o->reps = atoi(v);
        else if (!strcmp(a, "--threads")) o->env.threads = atoi(v);
        else if (!strcmp(a, "--max-bpppb")) o->max_bpppb = atof(v);
        else if (!strcmp(a, "--stride")) o->stride = atoi(v);
        else if (!strcmp(a, "--zstd-level")) o->env.zstd_level = atoi(v);
        else if (!strcmp(a, "--vidcube-preset")) o->env.vidcube_preset = atoi(v);
        else if (!strcmp(a, "--ffmpeg")) o->env.ffmpeg = v;
        else if (!strcmp(a, "--gnuplot")) o->gnuplot = v;
        else if (!strcmp(a, "--plot-script")) o->plot_script = v;
        else {
            fprintf(stderr, "bench: unknown option %s\n", a);
            usage(stderr);
            return -1;
        }
        if (rc != 0)
            return -1;
    }
    if (!strcmp(o->tools, "help")) {
        list_tools();
        exit(0);
    }
    if ((o->nspecs == 0 && !o->replay) || o->reps < 1 || o->env.threads < 1 || o->stride < 1 ||
        !(o->max_bpppb > 0)) {
        fprintf(stderr, "bench: %s\n", o->nspecs ? "bad option value" : "no datasets given");
        usage(stderr);
        return -1;
    }
    return 0;
}

/* Selected tools, in the report's order. */
static int select_tools(const options *o, const bench_peer **sel, int max)
{
    const bench_peer *all[32];
    int n = bench_peers(all, 32), k = 0;
    for (int i = 0; i < n && k < max; i++) {
        char list[520];
        snprintf(list, sizeof list, ",%s,", o->tools);
        char key[64];
        snprintf(key, sizeof key, ",%s,", all[i]->name);
        if (o->tools[0] ? strstr(list, key) != NULL : !all[i]->on_request)
            sel[k++] = all[i];
    }
    return k;
}

static void print_result(const bench_result *r)
{
    printf("  %-16s %s=%-8g %9.4f bpppb %8.2f dB  maxerr %-10.4g enc %7.1f dec %7.1f MB/s%s\n",
           r->peer->name, r->peer->lossless ? "-" : "setting", r->setting, r->bpppb,
           r->q.psnr_db, r->q.max_abs_error, r->enc_mbps, r->dec_mbps,
           r->q.mask_exact ? "" : "  (NaN not kept)");
    fflush(stdout);
}

/* Sweep one tool on one dataset, low rate to high. */
static void sweep(const options *o, const bench_peer *p, const bench_data *d,
                  bench_report *rep)
{
    char err[512];
    for (int i = 0; i < p->nsweep; i += o->stride) {
        bench_result r;
        int rc = bench_run_one(p, &o->env, d, p->sweep[i], o->reps, &r, err, sizeof err);
        if (rc == BENCH_SKIP) {
            printf("  %-16s skipped: %s\n", p->name, err);
            bench_report_skip(rep, d, p, err);
            return;
        }
        if (rc != 0) {
            printf("  %-16s %s=%g failed: %s\n", p->name, p->setting_name, p->sweep[i], err);
            continue;
        }
        print_result(&r);
        bench_report_add(rep, d, &r);
        /* past the rate ceiling, or already exact: finer settings only cost */
        if (r.bpppb > o->max_bpppb || (!p->lossless && isinf(r.q.psnr_db)))
            return;
    }
}

static void bench_dataset(const options *o, const spec *s, const char *var,
                          const bench_peer **tools, int nt, bench_report *rep)
{
    bench_data d;
    char err[512];
    if (bench_data_load(s->path, var, s->roles, &d, err, sizeof err) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        return;
    }
    printf("%s: %zu values as T×C×Y×X %zux%zux%zux%zu (roles %s), %.1f%% NaN, "
           "PSNR peak %.6g %s [%s]\n", d.label, d.n, d.T, d.C, d.Y, d.X, d.roles,
           100.0 * (double)d.n_masked / (double)d.n, d.max - d.min, d.units, d.note);
    bench_report_dataset(rep, &d);
    time_t t0 = time(NULL);
    for (int t = 0; t < nt; t++)
        sweep(o, tools[t], &d, rep);
    printf("  (%s: %.0f s)\n", d.label, difftime(time(NULL), t0));
    bench_data_free(&d);
}

static void run_spec(const options *o, const spec *s, const bench_peer **tools, int nt,
                     bench_report *rep)
{
    if (s->var[0]) {
        bench_dataset(o, s, s->var, tools, nt, rep);
        return;
    }
    char names[64][128], skipped[1024], err[512];
    int n = bench_default_vars(s->path, names, 64, skipped, sizeof skipped, err, sizeof err);
    if (n < 0)
        fprintf(stderr, "bench: %s\n", err);
    if (n > 0 && skipped[0])
        printf("%s: not benchmarked: %s\n", s->path, skipped);
    for (int i = 0; i < n; i++)
        bench_dataset(o, s, names[i], tools, nt, rep);
}

/* Scratch directory for peers that write files; removed at the end. */
static void remove_dir(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    char path[1400];
    while (dp && (e = readdir(dp)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    if (dp)
        closedir(dp);
    rmdir(dir);
}

/* The command line for the report, under the program's installed name
 * (argv[0] is libtool's .libs/lt-... path when run from the build tree). */
static void join_command(int argc, char **argv, char *out, size_t sz)
{
    size_t len = (size_t)snprintf(out, sz, "vidcube-bench");
    for (int i = 1; i < argc && len + 1 < sz; i++)
        len += (size_t)snprintf(out + len, sz - len, " %s", argv[i]);
}

int main(int argc, char **argv)
{
    options o;
    memset(&o, 0, sizeof o);
    o.data_dir = ".";
    o.out = "bench-out";
    o.plot_script = "plot.gp";
    o.reps = 3;
    o.stride = 1;
    o.max_bpppb = 4.0;
    o.env.threads = 1;
    o.env.zstd_level = 3;
    o.env.vidcube_preset = -1;
    o.env.ffmpeg = "ffmpeg";
    if (parse_args(&o, argc, argv) != 0)
        return 2;
    /* ffmpeg may exit while we still write to its pipe: get EPIPE, not death. */
    signal(SIGPIPE, SIG_IGN);

    const bench_peer *tools[32];
    int nt = select_tools(&o, tools, 32);
    if (nt == 0) {
        fprintf(stderr, "bench: no known tool in \"%s\" (--tools help)\n", o.tools);
        return 2;
    }
    char tmpdir[1100], err[512], command[4096];
    if (mkdir(o.out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench: cannot create %s: %s\n", o.out, strerror(errno));
        return 1;
    }
    join_command(argc, argv, command, sizeof command);
    if (o.replay)
        return bench_replay(o.replay, o.out, &o.env, o.gnuplot, o.plot_script,
                            command) == 0 ? 0 : 1;
    snprintf(tmpdir, sizeof tmpdir, "%s/tmp-XXXXXX", o.out);
    if (strchr(o.out, '\'') || !mkdtemp(tmpdir)) {
        fprintf(stderr, "bench: cannot create a scratch directory in %s\n", o.out);
        return 1;
    }
    o.env.tmpdir = tmpdir;
    bench_report *rep = bench_report_open(o.out, &o.env, err, sizeof err);
    if (!rep) {
        fprintf(stderr, "bench: %s\n", err);
        remove_dir(tmpdir);
        return 1;
    }
    printf("vidcube %s benchmark: %d tool(s), %d rep(s), %d thread(s), output in %s\n",
           vc_version_string(), nt, o.reps, o.env.threads, o.out);
    for (int i = 0; i < o.nspecs; i++)
        run_spec(&o, &o.specs[i], tools, nt, rep);
    int rc = bench_report_close(rep, o.gnuplot, o.plot_script, command);
    remove_dir(tmpdir);
    printf("wrote %s/runs.csv, table.md, speed.md and plots\n", o.out);
    return rc == 0 ? 0 : 1;
}
