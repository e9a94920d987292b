/* replay.c: remake the tables and plots from the runs.csv of an earlier
 * run (vidcube-bench --replay FILE), without measuring again: a full run
 * takes most of an hour, a change to how results are reported should not.
 * Columns are found by their header names, so CSVs from before a column
 * was added still replay (missing text columns stay empty). */
#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    COL_DATASET, COL_FILE, COL_VAR, COL_ROLES, COL_SHAPE, COL_VALUES, COL_MASKED,
    COL_TOOL, COL_SETTING, COL_STORED, COL_BPPPB, COL_RATIO, COL_PSNR, COL_PEAK,
    COL_RMSE, COL_MAXERR, COL_MINBAND, COL_EXACT, COL_ENC, COL_DEC, COL_THREADS,
    COL_UNITS, COL_NOTE, COL_ENC_WALL, COL_DEC_WALL, COL_MEANBAND, COL_XFORM, COL_FIT, NCOLS
};
static const char *const col_names[NCOLS] = {
    "dataset", "file", "variable", "roles", "shape_TCYX", "values", "masked",
    "tool", "setting", "stored_bytes", "bpppb", "ratio_vs_float32", "psnr_db",
    "psnr_peak", "rmse", "max_abs_error", "min_band_psnr_db", "nan_exact",
    "encode_MBps", "decode_MBps", "threads", "units", "note", "encode_wall_MBps",
    "decode_wall_MBps", "mean_band_psnr_db", "transform_used", "fit_seconds"
};
#define FIRST_OPTIONAL COL_THREADS
#define MAX_FIELDS 40

typedef struct row {
    bench_data   d;
    bench_result r;
    int          threads;
} row;

/* Split a CSV line in place; fields may be "quoted" (no escaped quotes). */
static int split(char *line, char **field, int max)
{
    int n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        if (*p == '"') {
            field[n++] = ++p;
            p += strcspn(p, "\"");
            if (*p)
                *p++ = '\0';
        } else {
            field[n++] = p;
            p += strcspn(p, ",");
        }
        if (*p != ',')
            break;
        *p++ = '\0';
    }
    return n;
}

static int map_header(char *line, int *col)
{
    char *f[MAX_FIELDS];
    int n = split(line, f, MAX_FIELDS);
    for (int c = 0; c < NCOLS; c++) {
        col[c] = -1;
        for (int i = 0; i < n; i++)
            if (strcmp(f[i], col_names[c]) == 0)
                col[c] = i;
        if (col[c] < 0 && c < FIRST_OPTIONAL) {
            fprintf(stderr, "bench: replay: no column %s\n", col_names[c]);
            return -1;
        }
    }
    return 0;
}

static const char *get(char **f, int n, const int *col, int c)
{
    return col[c] >= 0 && col[c] < n ? f[col[c]] : "";
}

static int parse_row(char *line, const int *col, row *out)
{
    char *f[MAX_FIELDS];
    int n = split(line, f, MAX_FIELDS);
    bench_data *d = &out->d;
    bench_result *r = &out->r;
    memset(out, 0, sizeof *out);
    if (!(r->peer = bench_peer_find(get(f, n, col, COL_TOOL))))
        return -1;
    snprintf(d->label, sizeof d->label, "%s", get(f, n, col, COL_DATASET));
    snprintf(d->path, sizeof d->path, "%s", get(f, n, col, COL_FILE));
    snprintf(d->var, sizeof d->var, "%s", get(f, n, col, COL_VAR));
    snprintf(d->roles, sizeof d->roles, "%s", get(f, n, col, COL_ROLES));
    snprintf(d->units, sizeof d->units, "%s", get(f, n, col, COL_UNITS));
    snprintf(d->note, sizeof d->note, "%s", get(f, n, col, COL_NOTE));
    if (sscanf(get(f, n, col, COL_SHAPE), "%zux%zux%zux%zu", &d->T, &d->C, &d->Y, &d->X) != 4)
        return -1;
    d->n = strtoull(get(f, n, col, COL_VALUES), NULL, 10);
    d->n_masked = strtoull(get(f, n, col, COL_MASKED), NULL, 10);
    d->min = 0;
    d->max = strtod(get(f, n, col, COL_PEAK), NULL);   /* only the peak is kept */
    r->setting = strtod(get(f, n, col, COL_SETTING), NULL);
    r->stored = strtoull(get(f, n, col, COL_STORED), NULL, 10);
    r->bpppb = strtod(get(f, n, col, COL_BPPPB), NULL);
    r->ratio = strtod(get(f, n, col, COL_RATIO), NULL);
    r->q.psnr_db = strtod(get(f, n, col, COL_PSNR), NULL);
    r->q.peak = d->max;
    r->q.rmse = strtod(get(f, n, col, COL_RMSE), NULL);
    r->q.max_abs_error = strtod(get(f, n, col, COL_MAXERR), NULL);
    r->q.min_band_psnr_db = strtod(get(f, n, col, COL_MINBAND), NULL);
    r->q.mean_band_psnr_db = col[COL_MEANBAND] >= 0
                                 ? strtod(get(f, n, col, COL_MEANBAND), NULL) : NAN;
    r->q.mask_exact = atoi(get(f, n, col, COL_EXACT));
    r->enc_mbps = strtod(get(f, n, col, COL_ENC), NULL);
    r->dec_mbps = strtod(get(f, n, col, COL_DEC), NULL);
    r->enc_wall_mbps = strtod(get(f, n, col, COL_ENC_WALL), NULL);
    r->dec_wall_mbps = strtod(get(f, n, col, COL_DEC_WALL), NULL);
    out->threads = atoi(get(f, n, col, COL_THREADS));
    r->transform_used = -1;
    for (int t = VC_TRANSFORM_NONE; t <= VC_TRANSFORM_AUTO; t++)
        if (!strcmp(get(f, n, col, COL_XFORM), vc_transform_name((vc_transform)t)))
            r->transform_used = t;
    r->fit_seconds = col[COL_FIT] >= 0 ? strtod(get(f, n, col, COL_FIT), NULL) : NAN;
    return 0;
}

/* All rows of the file (read before the report rewrites runs.csv, which
 * may be the same file). */
static row *load(const char *csv, int *nrows)
{
    FILE *f = fopen(csv, "r");
    char line[4096];
    int col[NCOLS], n = 0, cap = 0;
    row *rows = NULL;
    *nrows = 0;
    if (!f || !fgets(line, sizeof line, f) || map_header(line, col) != 0) {
        fprintf(stderr, "bench: replay: cannot read a runs.csv header from %s\n", csv);
        if (f)
            fclose(f);
        return NULL;
    }
    for (int lineno = 2; fgets(line, sizeof line, f); lineno++) {
        if (n == cap) {
            row *tmp = realloc(rows, (size_t)(cap = cap ? 2 * cap : 256) * sizeof *rows);
            if (!tmp)
                break;
            rows = tmp;
        }
        if (parse_row(line, col, &rows[n]) == 0)
            n++;
        else
            fprintf(stderr, "bench: replay: %s:%d skipped (unknown tool or bad shape)\n",
                    csv, lineno);
    }
    fclose(f);
    *nrows = n;
    return rows;
}

int bench_replay(const char *csv, const char *outdir, const bench_env *env,
                 const char *gnuplot, const char *plot_script, const char *command)
{
    int n;
    char err[256];
    row *rows = load(csv, &n);
    if (!rows)
        return -1;
    bench_env e = *env;   /* the thread count the runs were measured with */
    if (n > 0 && rows[0].threads > 0)
        e.threads = rows[0].threads;
    bench_report *rep = bench_report_open(outdir, &e, err, sizeof err);
    if (!rep) {
        fprintf(stderr, "bench: %s\n", err);
        free(rows);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (i == 0 || strcmp(rows[i].d.label, rows[i - 1].d.label) != 0)
            bench_report_dataset(rep, &rows[i].d);
        bench_report_add(rep, &rows[i].d, &rows[i].r);
    }
    free(rows);
    printf("replayed %d runs from %s\n", n, csv);
    return bench_report_close(rep, gnuplot, plot_script, command);
}
