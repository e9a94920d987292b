/* cli_batch.c: converting a list of files, each in its own worker process
 * (HDF5 is not thread-safe, and a crash in one file must not take the
 * batch down); -j N runs N workers at once, largest inputs first. Workers
 * report over a pipe, one line per event, and the parent alone prints:
 * choices, warnings, a progress bar on a terminal, and the summary table.
 * compress and decompress share it.
 *
 * Wire lines (worker -> parent), tab-separated:
 *   I text             a line about the choices made
 *   W text             a warning
 *   P done total       bytes of data processed so far
 *   R var ratio bpppb psnr worst_band_psnr fit_seconds transform
 *   E code text        the conversion failed
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* ------------------------------------------------------------------------
 * Worker side.
 * ---------------------------------------------------------------------- */
typedef struct wire {
    int    fd;
    double last_sent;       /* fraction last reported */
} wire;

static void wire_send(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void wire_send(int fd, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof line - 2)
        n = (int)sizeof line - 2;
    for (int i = 0; i < n; i++)       /* one event, one line */
        if (line[i] == '\n')
            line[i] = ' ';
    line[n++] = '\n';
    for (ssize_t off = 0; off < n;) {
        ssize_t w = write(fd, line + off, (size_t)(n - off));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;      /* the parent is gone: PR_SET_PDEATHSIG stops us */
        off += w;
    }
}

static void w_info(void *ud, const char *line)
{
    wire_send(((wire *)ud)->fd, "I\t%s", line);
}

static void w_warn(void *ud, const char *line)
{
    wire_send(((wire *)ud)->fd, "W\t%s", line);
}

static void w_progress(void *ud, double done, double total)
{
    wire *w = ud;
    double f = total > 0 ? done / total : 1;
    if (f - w->last_sent >= 0.005 || f >= 1) {
        w->last_sent = f;
        wire_send(w->fd, "P\t%.0f\t%.0f", done, total);
    }
}

static double worst_band(const var_quality *q)
{
    double worst = HUGE_VAL;
    for (size_t b = 0; b < q->nbands; b++)
        if (q->bands[b].psnr_db < worst)
            worst = q->bands[b].psnr_db;
    return q->nbands ? worst : NAN;
}

static void w_result(void *ud, const char *var, const var_quality *q)
{
    wire_send(((wire *)ud)->fd, "R\t%s\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%s", var, q->ratio,
              q->bpppb, q->total.psnr_db, worst_band(q), q->fit_seconds,
              q->transform[0] ? q->transform : "-");
}

static void worker_main(const cli_job *job, const convert_opts *co, int fd, pid_t parent)
{
    cli_signals_in_child();
#ifdef __linux__
    /* kill -9 of the parent must not let a worker finish and publish. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    if (getppid() != parent)
        exit(CLI_EXIT_FAILURE);
    wire w = { fd, 0 };
    cli_reporter r = { w_info, w_warn, w_progress, w_result, &w };
    cli_err e = { 0 };
    int rc = cli_convert_file(job->in, job->out, co, &r, &e);
    if (rc)
        wire_send(fd, "E\t%d\t%s", rc, e.msg);
    close(fd);
    exit(rc);
}

/* ------------------------------------------------------------------------
 * Parent side.
 * ---------------------------------------------------------------------- */
typedef struct row {
    char  *file, *var;
    size_t job, seq;         /* the table follows the inputs' order */
    double ratio, bpppb, psnr, worst, fit;
    char   transform[64];
} row;

typedef struct worker {
    pid_t       pid;
    int         fd;
    size_t      job;
    char        buf[8192];
    size_t      len;
    double      fraction;
    cli_strlist held;        /* output lines held until the file is done (-j > 1) */
    cli_err     err;
} worker;

typedef struct batch {
    const convert_opts  *co;
    const batch_opts    *o;
    const cli_joblist   *jobs;
    worker               w[CLI_MAX_JOBS];
    size_t               nrun, next, ndone, nok, nfail;
    int                  fail_codes;      /* OR of 1 << code of failures */
    row                 *rows;
    size_t               nrows, caprows;
    progress             bar;
    double               weight_all, weight_done;
    size_t              *order;           /* jobs by decreasing input size */
} batch;

static double job_weight(const cli_job *j)
{
    return j->in_bytes > 1 ? j->in_bytes : 1;
}

static void draw_bar(batch *b)
{
    double part = 0;
    char label[256] = "";
    for (size_t i = 0; i < b->nrun; i++) {
        const cli_job *j = &b->jobs->v[b->w[i].job];
        part += b->w[i].fraction * job_weight(j);
        size_t len = strlen(label);
        snprintf(label + len, sizeof label - len, "%s%s", len ? " " : "", cli_basename(j->in));
    }
    progress_draw(&b->bar, (b->weight_done + part) / b->weight_all, b->ndone, b->jobs->n, label);
}

/* Print one worker line now ('I' to stdout, 'W'/'E' to stderr). */
static void emit(batch *b, const char *line)
{
    progress_clear(&b->bar);
    if (line[0] == 'I')
        printf("%s\n", line + 2);
    else if (line[0] == 'W')
        cli_warn("%s", line + 2);
    else
        cli_error("%s", line + 2);
    fflush(stdout);
}

static void hold_or_emit(batch *b, worker *w, const char *line)
{
    if (b->o->jobs > 1)
        cli_strlist_add(&w->held, line);
    else
        emit(b, line);
}

static void add_row(batch *b, const worker *w, char *fields)
{
    char *save = NULL, *var = strtok_r(fields, "\t", &save);
    if (!var)
        return;
    if (b->nrows == b->caprows) {
        size_t cap = b->caprows ? 2 * b->caprows : 32;
        row *v = realloc(b->rows, cap * sizeof *v);
        if (!v)
            return;
        b->rows = v;
        b->caprows = cap;
    }
    row *r = &b->rows[b->nrows];
    r->job = w->job;
    r->seq = b->nrows++;
    r->file = strdup(cli_basename(b->jobs->v[w->job].in));
    r->var = strdup(var);
    double *vals[] = { &r->ratio, &r->bpppb, &r->psnr, &r->worst, &r->fit };
    for (int i = 0; i < 5; i++) {
        char *tok = strtok_r(NULL, "\t", &save);
        *vals[i] = tok ? strtod(tok, NULL) : NAN;
    }
    char *tok = strtok_r(NULL, "\t", &save);
    snprintf(r->transform, sizeof r->transform, "%s", tok ? tok : "-");
}

static void handle_line(batch *b, worker *w, char *line)
{
    switch (line[0]) {
    case 'I':
        if (!b->o->quiet)
            hold_or_emit(b, w, line);
        break;
    case 'W':
        hold_or_emit(b, w, line);
        break;
    case 'P': {
        double done = 0, total = 0;
        sscanf(line + 2, "%lf\t%lf", &done, &total);
        w->fraction = total > 0 ? done / total : 0;
        draw_bar(b);
        break;
    }
    case 'R':
        add_row(b, w, line + 2);
        break;
    case 'E': {
        char *tab = strchr(line + 2, '\t');
        w->err.code = atoi(line + 2);
        snprintf(w->err.msg, sizeof w->err.msg, "%s", tab ? tab + 1 : "");
        break;
    }
    }
}

static void record_failure(batch *b, const cli_err *e)
{
    char line[1200];
    snprintf(line, sizeof line, "E\t%s", e->msg[0] ? e->msg : "conversion failed");
    emit(b, line);
    b->nfail++;
    b->fail_codes |= 1 << (e->code > 0 && e->code < 16 ? e->code : CLI_EXIT_FAILURE);
}

static void finish_worker(batch *b, size_t i)
{
    worker *w = &b->w[i];
    const cli_job *j = &b->jobs->v[w->job];
    int status = 0;
    close(w->fd);
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    cli_child_remove(w->pid);
    for (size_t k = 0; k < w->held.n; k++)
        emit(b, w->held.v[k]);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        b->nok++;
    } else {
        if (!w->err.code)
            cli_fail(&w->err, CLI_EXIT_FAILURE, "%s: the worker %s %d", j->in,
                     WIFSIGNALED(status) ? "was killed by signal" : "exited with",
                     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        record_failure(b, &w->err);
    }
    cli_strlist_free(&w->held);
    b->ndone++;
    b->weight_done += job_weight(j);
    b->w[i] = b->w[--b->nrun];
    draw_bar(b);
}

static int start_worker(batch *b, size_t job)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        for (size_t i = 0; i < b->nrun; i++)
            close(b->w[i].fd);
        worker_main(&b->jobs->v[job], b->co, fds[1], parent);
    }
    close(fds[1]);
    cli_child_add((int)pid);
    worker *w = &b->w[b->nrun++];
    memset(w, 0, sizeof *w);
    w->pid = pid;
    w->fd = fds[0];
    w->job = job;
    return 0;
}

/* Read what a worker sent; 1 when it has finished (end of file). */
static int read_worker(batch *b, worker *w)
{
    ssize_t got = read(w->fd, w->buf + w->len, sizeof w->buf - 1 - w->len);
    if (got < 0 && errno == EINTR)
        return 0;
    if (got > 0)
        w->len += (size_t)got;
    char *start = w->buf, *nl;
    w->buf[w->len] = '\0';
    while ((nl = strchr(start, '\n')) != NULL) {
        *nl = '\0';
        handle_line(b, w, start);
        start = nl + 1;
    }
    w->len -= (size_t)(start - w->buf);
    memmove(w->buf, start, w->len);
    if (w->len == sizeof w->buf - 1)   /* an overlong line: drop it */
        w->len = 0;
    return got <= 0;
}

/* Largest inputs first: the longest conversion starts at once instead of
 * running alone at the end (-j N). */
typedef struct sized {
    double bytes;
    size_t job;
} sized;

static int by_size_desc(const void *pa, const void *pb)
{
    const sized *a = pa, *b = pb;
    if (a->bytes != b->bytes)
        return a->bytes > b->bytes ? -1 : 1;
    return a->job < b->job ? -1 : a->job > b->job;
}

static size_t *job_order(const cli_joblist *jobs, int largest_first)
{
    sized *s = malloc((jobs->n + 1) * sizeof *s);
    size_t *order = malloc((jobs->n + 1) * sizeof *order);
    if (!s || !order) {
        free(s);
        free(order);
        return NULL;
    }
    for (size_t i = 0; i < jobs->n; i++)
        s[i] = (sized){ jobs->v[i].in_bytes, i };
    if (largest_first)
        qsort(s, jobs->n, sizeof *s, by_size_desc);
    for (size_t i = 0; i < jobs->n; i++)
        order[i] = s[i].job;
    free(s);
    return order;
}

static void run_batch(batch *b)
{
    while (b->next < b->jobs->n || b->nrun > 0) {
        while (b->nrun < (size_t)b->o->jobs && b->next < b->jobs->n) {
            size_t j = b->order[b->next++];
            const cli_job *job = &b->jobs->v[j];
            cli_err e = job->pre;
            if (!e.code && start_worker(b, j) == 0)
                continue;
            if (!e.code)
                cli_fail(&e, CLI_EXIT_FAILURE, "%s: cannot start a worker: %s", job->in,
                         strerror(errno));
            record_failure(b, &e);
            b->ndone++;
            b->weight_done += job_weight(job);
        }
        if (b->nrun == 0)
            continue;
        struct pollfd pfd[CLI_MAX_JOBS];
        for (size_t i = 0; i < b->nrun; i++)
            pfd[i] = (struct pollfd){ b->w[i].fd, POLLIN, 0 };
        if (poll(pfd, b->nrun, 250) <= 0)
            continue;
        for (size_t i = b->nrun; i-- > 0;)
            if (pfd[i].revents && read_worker(b, &b->w[i]))
                finish_worker(b, i);
    }
    progress_clear(&b->bar);
}

static void print_psnr(double v, int width)
{
    if (isinf(v) && v > 0)
        printf(" %*s", width, "exact");
    else if (isnan(v))
        printf(" %*s", width, "-");
    else
        printf(" %*.2f", width, v);
}

static int by_input(const void *pa, const void *pb)
{
    const row *a = pa, *b = pb;
    if (a->job != b->job)
        return a->job < b->job ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void print_summary(batch *b, double seconds)
{
    if (b->nrows)                  /* rows is NULL when nothing was converted */
        qsort(b->rows, b->nrows, sizeof *b->rows, by_input);
    size_t wf = 4, wv = 8;
    for (size_t i = 0; i < b->nrows; i++) {
        size_t lf = strlen(b->rows[i].file), lv = strlen(b->rows[i].var);
        wf = lf > wf ? lf : wf;
        wv = lv > wv ? lv : wv;
    }
    if (b->nrows)
        printf("\n%-*s  %-*s %8s %8s %9s %10s  %s\n", (int)wf, "file", (int)wv, "variable",
               "ratio", "bpppb", "PSNR dB", "worst band", "transform (fit s)");
    for (size_t i = 0; i < b->nrows; i++) {
        const row *r = &b->rows[i];
        printf("%-*s  %-*s %8.2f %8.4f", (int)wf, r->file, (int)wv, r->var, r->ratio, r->bpppb);
        print_psnr(r->psnr, 9);
        print_psnr(r->worst, 10);
        /* the fitting cost only where a transform was tried */
        if (isnan(r->fit) || r->fit == 0)
            printf("  %s\n", r->transform);
        else
            printf("  %s (%.2f)\n", r->transform, r->fit);
    }
    double in = 0, out = 0;
    for (size_t i = 0; i < b->jobs->n; i++) {
        struct stat st;
        if (b->jobs->v[i].pre.code == 0 && stat(b->jobs->v[i].out, &st) == 0) {
            in += b->jobs->v[i].in_bytes;
            out += (double)st.st_size;
        }
    }
    char ib[32], ob[32];
    printf("%zu of %zu files converted in %.1f s", b->nok, b->jobs->n, seconds);
    if (b->nok && out > 0)
        printf(": %s -> %s (%.2fx)", cli_bytes(in, ib, sizeof ib), cli_bytes(out, ob, sizeof ob),
               in / out);
    printf("%s\n", b->nfail ? " (see the errors above)" : "");
}

static int exit_code(const batch *b)
{
    if (b->nfail == 0)
        return CLI_EXIT_OK;
    if (b->nok > 0)
        return CLI_EXIT_PARTIAL;
    for (int code = 1; code < 16; code++)          /* every failure of one kind */
        if (b->fail_codes == 1 << code)
            return code;
    return CLI_EXIT_FAILURE;
}

int cli_batch_run(const cli_joblist *jobs, const convert_opts *co, const batch_opts *bo)
{
    if (bo->jobs > 1 && !getenv("VIDCUBE_THREADS")) {
        /* Share the cores between workers instead of oversubscribing. */
        long cores = sysconf(_SC_NPROCESSORS_ONLN), per = cores / bo->jobs;
        char v[24];
        snprintf(v, sizeof v, "%ld", per > 1 ? per : 1);
        setenv("VIDCUBE_THREADS", v, 1);
    }
    batch b = { .co = co, .o = bo, .jobs = jobs, .order = job_order(jobs, bo->jobs > 1) };
    if (!b.order) {
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    progress_init(&b.bar, !bo->quiet && isatty(STDERR_FILENO));
    for (size_t i = 0; i < jobs->n; i++)
        b.weight_all += job_weight(&jobs->v[i]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run_batch(&b);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!bo->quiet)
        print_summary(&b, (double)(t1.tv_sec - t0.tv_sec) +
                              1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    for (size_t i = 0; i < b.nrows; i++) {
        free(b.rows[i].file);
        free(b.rows[i].var);
    }
    free(b.rows);
    free(b.order);
    return exit_code(&b);
}

int cli_batch_command(const char *cmd, int rc, cli_err *e, char *const *args, int nargs,
                      const char *out, const convert_opts *co, const batch_opts *bo)
{
    cli_joblist jobs = { 0 };
    if (rc == 0)
        rc = cli_filter_ensure(e);
    if (rc == 0)
        rc = cli_jobs_plan(args, nargs, out, co->force, &jobs, e);
    if (rc) {
        cli_error("%s", e->msg);
        if (rc == CLI_EXIT_USAGE)
            fprintf(stderr, "Try 'vidcube %s --help'.\n", cmd);
    } else {
        rc = cli_batch_run(&jobs, co, bo);
    }
    cli_jobs_free(&jobs);
    return rc;
}
