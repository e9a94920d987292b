/* report.c: everything the benchmark writes. runs.csv grows as runs finish
 * (a long run that is interrupted still leaves its data); the tables, the
 * speed ratios and the plots are made at the end from all runs. */
#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const double bench_table_rates[BENCH_NRATES] = { 0.1, 0.25, 0.5, 1, 2 };

/* Runs whose speed is compared: the rates the benchmark is about. */
#define SPEED_MIN_BPPPB 0.05
#define SPEED_MAX_BPPPB 4.0
#define MAX_TOOLS 32

typedef struct ds_info {
    char   label[192], roles[8], units[64], note[192], shape[96];
    double peak;
    size_t n, n_masked;
} ds_info;

struct bench_report {
    FILE        *csv;
    char         outdir[1024];
    bench_env    env;
    ds_info     *ds;
    int          nds;
    bench_result *res;
    int         *res_ds;             /* dataset index of each result */
    int          nres, capres;
    char         skips[8192];
};

bench_report *bench_report_open(const char *outdir, const bench_env *env,
                                char *err, size_t errsz)
{
    bench_report *rep = calloc(1, sizeof *rep);
    char path[1100];
    if (!rep) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    snprintf(rep->outdir, sizeof rep->outdir, "%s", outdir);
    rep->env = *env;
    snprintf(path, sizeof path, "%s/runs.csv", outdir);
    if (!(rep->csv = fopen(path, "w"))) {
        snprintf(err, errsz, "cannot write %s", path);
        free(rep);
        return NULL;
    }
    fprintf(rep->csv, "dataset,file,variable,roles,shape_TCYX,values,masked,tool,"
            "setting_name,setting,stored_bytes,bpppb,ratio_vs_float32,psnr_db,"
            "psnr_peak,rmse,max_abs_error,min_band_psnr_db,nan_exact,"
            "encode_MBps,decode_MBps,threads,units,note,encode_wall_MBps,"
            "decode_wall_MBps,mean_band_psnr_db,transform_used,fit_seconds\n");
    return rep;
}

void bench_report_dataset(bench_report *rep, const bench_data *d)
{
    ds_info *tmp = realloc(rep->ds, (size_t)(rep->nds + 1) * sizeof *tmp);
    if (!tmp)
        return;
    rep->ds = tmp;
    ds_info *i = &rep->ds[rep->nds++];
    memset(i, 0, sizeof *i);
    snprintf(i->label, sizeof i->label, "%s", d->label);
    snprintf(i->roles, sizeof i->roles, "%s", d->roles);
    snprintf(i->units, sizeof i->units, "%s", d->units);
    snprintf(i->note, sizeof i->note, "%s", d->note);
    snprintf(i->shape, sizeof i->shape, "%zux%zux%zux%zu", d->T, d->C, d->Y, d->X);
    i->peak = d->max - d->min;
    i->n = d->n;
    i->n_masked = d->n_masked;
}

void bench_report_add(bench_report *rep, const bench_data *d, const bench_result *r)
{
    const bench_quality *q = &r->q;
    fprintf(rep->csv, "%s,%s,%s,%s,%zux%zux%zux%zu,%zu,%zu,%s,\"%s\",%g,%zu,%.6g,%.6g,"
            "%.4f,%.9g,%.6g,%.6g,%.4f,%d,%.2f,%.2f,%d,\"%s\",\"%s\",%.2f,%.2f,%.4f,%s,%.3f\n",
            d->label, d->path, d->var, d->roles, d->T, d->C, d->Y, d->X, d->n,
            d->n_masked, r->peer->name, r->peer->setting_name, r->setting, r->stored,
            r->bpppb, r->ratio, q->psnr_db, q->peak, q->rmse, q->max_abs_error,
            q->min_band_psnr_db, q->mask_exact, r->enc_mbps, r->dec_mbps,
            rep->env.threads, d->units, d->note, r->enc_wall_mbps, r->dec_wall_mbps,
            q->mean_band_psnr_db, r->transform_used < 0 ? "" : vc_transform_name((vc_transform)r->transform_used), r->fit_seconds);
    fflush(rep->csv);
    if (rep->nres == rep->capres) {
        int cap = rep->capres ? 2 * rep->capres : 256;
        bench_result *res = realloc(rep->res, (size_t)cap * sizeof *res);
        int *rd = realloc(rep->res_ds, (size_t)cap * sizeof *rd);
        if (res) rep->res = res;
        if (rd) rep->res_ds = rd;
        if (!res || !rd)
            return;
        rep->capres = cap;
    }
    rep->res[rep->nres] = *r;
    rep->res_ds[rep->nres++] = rep->nds - 1;
}

void bench_report_skip(bench_report *rep, const bench_data *d,
                       const bench_peer *p, const char *why)
{
    size_t len = strlen(rep->skips);
    snprintf(rep->skips + len, sizeof rep->skips - len, "- %s on %s: %s\n",
             p->name, d->label, why);
}

/* ---- collecting the runs of one (dataset, tool) -------------------------- */

/* The tools that have runs, in the order they first ran. */
static int tools_seen(const bench_report *rep, const bench_peer **tools, int lossless)
{
    int n = 0;
    for (int i = 0; i < rep->nres; i++) {
        const bench_peer *p = rep->res[i].peer;
        int known = 0;
        for (int k = 0; k < n; k++)
            known |= tools[k] == p;
        if (!known && p->lossless == lossless && n < MAX_TOOLS)
            tools[n++] = p;
    }
    return n;
}

static int points_of(const bench_report *rep, int ds, const bench_peer *p,
                     bench_point *pts, int max)
{
    int n = 0;
    for (int i = 0; i < rep->nres && n < max; i++)
        if (rep->res_ds[i] == ds && rep->res[i].peer == p) {
            pts[n].bpppb = rep->res[i].bpppb;
            pts[n++].psnr = rep->res[i].q.psnr_db;
        }
    return n;
}

/* The shape of one tool's results on one dataset. */
typedef struct row_info {
    int         nfront;          /* points on the lossy front */
    bench_point lo, hi;          /* its ends */
    double      exact_bpppb;     /* cheapest exact run, +inf if none */
} row_info;

/* PSNR of tool p on dataset ds at each table rate (NaN: not reached, +inf:
 * exact). Returns the number of runs; info may be NULL. */
static int table_row(const bench_report *rep, int ds, const bench_peer *p, double *psnr,
                     row_info *info)
{
    bench_point pts[256], front[256];
    int n = points_of(rep, ds, p, pts, 256);
    for (int k = 0; k < BENCH_NRATES; k++)
        psnr[k] = bench_psnr_at(pts, n, bench_table_rates[k]);
    if (info) {
        info->nfront = bench_front(pts, n, front);
        if (info->nfront) {
            info->lo = front[0];
            info->hi = front[info->nfront - 1];
        }
        info->exact_bpppb = bench_exact_rate(pts, n);
    }
    return n;
}

static void print_psnr(FILE *f, double v, int bold)
{
    const char *b = bold ? "**" : "";
    if (isnan(v))
        fprintf(f, " — |");
    else if (isinf(v))
        fprintf(f, " %sexact%s |", b, b);
    else
        fprintf(f, " %s%.1f%s |", b, v, b);
}

static void print_range(FILE *f, const row_info *r)
{
    if (r->nfront)
        fprintf(f, " %.3g–%.3g bpppb, %.1f–%.1f dB", r->lo.bpppb, r->hi.bpppb,
                r->lo.psnr, r->hi.psnr);
    if (!isinf(r->exact_bpppb))
        fprintf(f, "%sexact at %.3g bpppb", r->nfront ? "; " : " ", r->exact_bpppb);
    fprintf(f, " |\n");
}

static int is_vidcube(const bench_peer *p)
{
    return strncmp(p->name, "vidcube", 7) == 0;
}

/* ---- table.md -------------------------------------------------------------- */

static void write_psnr_table(FILE *f, const bench_report *rep,
                             const bench_peer **tools, int nt)
{
    fprintf(f, "| dataset | tool |");
    for (int k = 0; k < BENCH_NRATES; k++)
        fprintf(f, " %g |", bench_table_rates[k]);
    fprintf(f, " measured range |\n|---|---|");
    for (int k = 0; k < BENCH_NRATES; k++)
        fprintf(f, "---:|");
    fprintf(f, "---|\n");
    for (int ds = 0; ds < rep->nds; ds++) {
        double v[MAX_TOOLS][BENCH_NRATES], best[BENCH_NRATES];
        row_info info[MAX_TOOLS];
        int has[MAX_TOOLS], count[BENCH_NRATES] = { 0 };
        for (int k = 0; k < BENCH_NRATES; k++)
            best[k] = -HUGE_VAL;
        for (int t = 0; t < nt; t++) {
            has[t] = table_row(rep, ds, tools[t], v[t], &info[t]) > 0;
            for (int k = 0; k < BENCH_NRATES; k++)
                if (has[t] && !isnan(v[t][k])) {
                    count[k]++;
                    best[k] = fmax(best[k], v[t][k]);
                }
        }
        for (int k = 0; k < BENCH_NRATES; k++)   /* a lone entry wins nothing */
            if (count[k] < 2)
                best[k] = NAN;
        for (int t = 0; t < nt; t++) {
            if (!has[t])
                continue;
            fprintf(f, "| %s | %s |", rep->ds[ds].label, tools[t]->name);
            for (int k = 0; k < BENCH_NRATES; k++)
                print_psnr(f, v[t][k], v[t][k] == best[k]);
            print_range(f, &info[t]);
        }
    }
}

/* The best vidcube entry and the best peer at each table rate, and where
 * vidcube's fronts end, so a rate vidcube cannot reach is told apart from a
 * rate nobody measured. */
typedef struct margin {
    double      vc[BENCH_NRATES], peer[BENCH_NRATES];
    const char *who[BENCH_NRATES];
    double      vc_lo_bpppb;     /* vidcube's cheapest run, exact ones included */
    bench_point vc_top;          /* vidcube's best lossy point */
    double      vc_exact;        /* vidcube's cheapest exact run, +inf if none */
} margin;

static void margin_of(const bench_report *rep, int ds, const bench_peer **tools,
                      int nt, margin *m)
{
    m->vc_lo_bpppb = m->vc_exact = HUGE_VAL;
    m->vc_top.bpppb = m->vc_top.psnr = -HUGE_VAL;
    for (int k = 0; k < BENCH_NRATES; k++) {
        m->vc[k] = m->peer[k] = -HUGE_VAL;
        m->who[k] = NULL;
    }
    for (int t = 0; t < nt; t++) {
        double v[BENCH_NRATES];
        row_info r;
        int vc = is_vidcube(tools[t]);
        if (table_row(rep, ds, tools[t], v, &r) == 0)
            continue;
        if (vc && r.nfront) {
            m->vc_lo_bpppb = fmin(m->vc_lo_bpppb, r.lo.bpppb);
            if (r.hi.psnr > m->vc_top.psnr)
                m->vc_top = r.hi;
        }
        if (vc) {
            m->vc_lo_bpppb = fmin(m->vc_lo_bpppb, r.exact_bpppb);
            m->vc_exact = fmin(m->vc_exact, r.exact_bpppb);
        }
        for (int k = 0; k < BENCH_NRATES; k++) {
            if (isnan(v[k]))
                continue;
            if (vc && v[k] > m->vc[k])
                m->vc[k] = v[k];
            if (!vc && v[k] > m->peer[k]) {
                m->peer[k] = v[k];
                m->who[k] = tools[t]->name;
            }
        }
    }
}

/* One cell: vidcube's best minus the best peer's PSNR at rate k. Above
 * vidcube's best lossy point (and below its exact rate) vidcube still has
 * at least that point's PSNR: the difference is then a lower bound. */
static void margin_cell(FILE *f, const margin *m, int k)
{
    double rate = bench_table_rates[k], vc = m->vc[k], peer = m->peer[k];
    if (peer == -HUGE_VAL || isinf(m->vc_lo_bpppb)) {
        fprintf(f, " — |");
    } else if (vc == HUGE_VAL || (peer == HUGE_VAL && vc != -HUGE_VAL)) {
        char a[32], b[32];   /* someone stores the data exactly at this rate */
        snprintf(a, sizeof a, vc == HUGE_VAL ? "exact" : "%.1f dB", vc);
        snprintf(b, sizeof b, peer == HUGE_VAL ? "exact" : "%.1f dB", peer);
        fprintf(f, " %s vs %s (%s) |", a, b, m->who[k]);
    } else if (vc != -HUGE_VAL) {   /* no "-0.0": a tie is a tie */
        fprintf(f, " %+.1f (%s) |", fabs(vc - peer) < 0.05 ? 0.0 : vc - peer, m->who[k]);
    } else if (rate > m->vc_top.bpppb && m->vc_top.bpppb > 0) {
        char bound[48];
        snprintf(bound, sizeof bound, peer == HUGE_VAL ? "exact" : "%+.1f",
                 m->vc_top.psnr - peer);
        fprintf(f, " %s%s (%s; vidcube: %.1f dB at %.3g bpppb%s", isinf(peer) ? "" : "≥ ",
                bound, m->who[k], m->vc_top.psnr, m->vc_top.bpppb,
                isinf(m->vc_exact) ? ", its best) |" : "");
        if (!isinf(m->vc_exact))
            fprintf(f, ", exact at %.3g) |", m->vc_exact);
    } else {
        fprintf(f, " (vidcube starts at %.2g bpppb) |", m->vc_lo_bpppb);
    }
}

/* Best vidcube entry minus best peer, per dataset and rate. */
static void write_margin_table(FILE *f, const bench_report *rep,
                               const bench_peer **tools, int nt)
{
    fprintf(f, "| dataset |");
    for (int k = 0; k < BENCH_NRATES; k++)
        fprintf(f, " %g |", bench_table_rates[k]);
    fprintf(f, "\n|---|");
    for (int k = 0; k < BENCH_NRATES; k++)
        fprintf(f, "---:|");
    fprintf(f, "\n");
    for (int ds = 0; ds < rep->nds; ds++) {
        margin m;
        margin_of(rep, ds, tools, nt, &m);
        fprintf(f, "| %s |", rep->ds[ds].label);
        for (int k = 0; k < BENCH_NRATES; k++)
            margin_cell(f, &m, k);
        fprintf(f, "\n");
    }
}

static void write_lossless_table(FILE *f, const bench_report *rep)
{
    const bench_peer *tools[MAX_TOOLS];
    int nt = tools_seen(rep, tools, 1);
    if (nt == 0)
        return;
    fprintf(f, "\n## Lossless: bpppb (bits per value), exact round trip\n\n| dataset |");
    for (int t = 0; t < nt; t++)
        fprintf(f, " %s |", tools[t]->name);
    fprintf(f, "\n|---|");
    for (int t = 0; t < nt; t++)
        fprintf(f, "---:|");
    fprintf(f, "\n");
    for (int ds = 0; ds < rep->nds; ds++) {
        fprintf(f, "| %s |", rep->ds[ds].label);
        for (int t = 0; t < nt; t++) {
            bench_point p[4];
            int n = points_of(rep, ds, tools[t], p, 4);
            if (n && isinf(p[0].psnr))
                fprintf(f, " %.3f |", p[0].bpppb);
            else
                fprintf(f, n ? " not exact |" : " — |");
        }
        fprintf(f, "\n");
    }
}

static void write_datasets(FILE *f, const bench_report *rep)
{
    fprintf(f, "\n## Datasets\n\nEach variable is read as float32 in physical units "
            "and seen as (T, C, Y, X) with the library's default axis roles "
            "(one letter per file axis below). PSNR peak = max − min of the "
            "valid (non-NaN) values of the whole variable.\n\n"
            "| dataset | roles | T×C×Y×X | NaN %% | PSNR peak | units | values |\n"
            "|---|---|---|---:|---:|---|---|\n");
    for (int ds = 0; ds < rep->nds; ds++) {
        const ds_info *i = &rep->ds[ds];
        fprintf(f, "| %s | %s | %s | %.1f | %.6g | %s | %s |\n", i->label, i->roles,
                i->shape, 100.0 * (double)i->n_masked / (double)i->n, i->peak,
                i->units, i->note);
    }
}

static void write_tools(FILE *f, const bench_report *rep)
{
    const bench_peer *all[MAX_TOOLS];
    int n = bench_peers(all, MAX_TOOLS);
    fprintf(f, "\n## Tools\n\n");
    for (int t = 0; t < n; t++)
        fprintf(f, "- **%s** (sweep: %s): %s%s\n", all[t]->name, all[t]->setting_name,
                all[t]->about, all[t]->on_request ? " (run only when named in --tools)" : "");
    if (rep->skips[0])
        fprintf(f, "\nNot run:\n\n%s", rep->skips);
}

static int write_table_md(const bench_report *rep, const char *command)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/table.md", rep->outdir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    const bench_peer *tools[MAX_TOOLS];
    int nt = tools_seen(rep, tools, 0);
    nt += tools_seen(rep, tools + nt, 1);   /* lossless tools: "exact" from their rate */
    fprintf(f, "# PSNR (dB) at fixed rates (bpppb)\n\n`%s`\n\nvidcube %s, %d thread(s) "
            "per codec, speeds median of the repetitions. Rate = 8 × all stored "
            "bytes / values. PSNR over valid values, peak = max − min of the "
            "variable's valid values (see Datasets). Between sweep points PSNR is "
            "interpolated linearly in log(bpppb) on each tool's rate-distortion "
            "front; — = outside the tool's measured range; exact = the tool "
            "stored the data bit-exactly at this rate or less. **Bold** = best "
            "at that rate, among two or more tools reaching it.\n\n", command, vc_version_string(), rep->env.threads);
    write_psnr_table(f, rep, tools, nt);
    fprintf(f, "\n## vidcube minus the best peer (dB; best peer in brackets)\n\n");
    write_margin_table(f, rep, tools, nt);
    write_lossless_table(f, rep);
    write_datasets(f, rep);
    write_tools(f, rep);
    return fclose(f) == 0 ? 0 : -1;
}

/* ---- speed.md ---------------------------------------------------------------- */

/* Median encode/decode MB/s of tool p on dataset ds over the runs inside the
 * compared rate range (every run for lossless tools). */
static int speed_of(const bench_report *rep, int ds, const bench_peer *p,
                    double *enc, double *dec)
{
    double e[256], d[256];
    int n = 0;
    for (int i = 0; i < rep->nres && n < 256; i++) {
        const bench_result *r = &rep->res[i];
        if (rep->res_ds[i] != ds || r->peer != p)
            continue;
        if (!p->lossless && (r->bpppb < SPEED_MIN_BPPPB || r->bpppb > SPEED_MAX_BPPPB))
            continue;
        e[n] = r->enc_mbps;
        d[n++] = r->dec_mbps;
    }
    *enc = bench_median(e, n);
    *dec = bench_median(d, n);
    return n;
}

static void write_speed_rows(FILE *f, const bench_report *rep,
                             const bench_peer **tools, int nt, const bench_peer *ref)
{
    for (int t = 0; t < nt; t++) {
        double le = 0, ld = 0, e[256], d[256];
        int n = 0, nr = 0;
        fprintf(f, "| %s |", tools[t]->name);
        for (int ds = 0; ds < rep->nds; ds++) {
            double te, td, re, rd;
            if (!speed_of(rep, ds, tools[t], &te, &td)) {
                fprintf(f, " — |");
                continue;
            }
            e[n] = te;
            d[n++] = td;
            if (ref && speed_of(rep, ds, ref, &re, &rd) && re > 0 && rd > 0) {
                le += log(te / re);
                ld += log(td / rd);
                nr++;
                fprintf(f, " %.2f / %.2f |", te / re, td / rd);
            } else {
                fprintf(f, " %.0f / %.0f MB/s |", te, td);
            }
        }
        double me = bench_median(e, n), md = bench_median(d, n);
        if (nr)
            fprintf(f, " %.0f / %.0f | **%.2f / %.2f** |\n", me, md, exp(le / nr), exp(ld / nr));
        else
            fprintf(f, " %.0f / %.0f | — |\n", me, md);
    }
}

static int write_speed_md(const bench_report *rep)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/speed.md", rep->outdir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    const bench_peer *tools[MAX_TOOLS], *ref = bench_peer_find(BENCH_SPEED_REF);
    int nt = tools_seen(rep, tools, 0);
    nt += tools_seen(rep, tools + nt, 1);
    fprintf(f, "# Speed relative to %s, measured in the same run\n\n"
            "Each cell: encode / decode throughput of the tool divided by %s's on the "
            "same dataset (median over the runs between %g and %g bpppb; lossless tools: "
            "their one run). MB/s are 1e6 bytes of float32 input per second of CPU "
            "time (the process and its children, e.g. ffmpeg), so other jobs on a "
            "shared machine do not skew them; wall-clock speeds are in runs.csv. "
            "%d thread(s) per codec. Last columns: median MB/s over datasets, "
            "and the geometric mean of the ratios.\n\n| tool |",
            BENCH_SPEED_REF, BENCH_SPEED_REF, SPEED_MIN_BPPPB, SPEED_MAX_BPPPB,
            rep->env.threads);
    for (int ds = 0; ds < rep->nds; ds++)
        fprintf(f, " %s |", rep->ds[ds].label);
    fprintf(f, " MB/s enc / dec | ×%s enc / dec |\n|---|", BENCH_SPEED_REF);
    for (int ds = 0; ds < rep->nds + 2; ds++)
        fprintf(f, "---:|");
    fprintf(f, "\n");
    write_speed_rows(f, rep, tools, nt, ref);
    return fclose(f) == 0 ? 0 : -1;
}

/* ---- plots ------------------------------------------------------------------ */

static void safe_name(const char *label, char *out, size_t sz)
{
    size_t i = 0;
    for (; label[i] && i + 1 < sz; i++)
        out[i] = (label[i] == ':' || label[i] == '/' || label[i] == ' ' ||
                  label[i] == '\'') ? '_' : label[i];
    out[i] = '\0';
}

static int cmp_bpppb(const void *a, const void *b)
{
    double x = ((const bench_point *)a)->bpppb, y = ((const bench_point *)b)->bpppb;
    return (x > y) - (x < y);
}

static void write_block(FILE *f, const char *comment, const bench_point *p, int n)
{
    fprintf(f, "# %s\n", comment);
    for (int i = 0; i < n; i++)
        fprintf(f, "%.6g %.4f\n", p[i].bpppb, p[i].psnr);
    fprintf(f, "\n\n");
}

/* <name>.dat: two gnuplot index blocks per tool, its measured points and
 * its front (what the table interpolates). Returns the tools written. */
static int write_plot_data(const bench_report *rep, int ds, const char *path,
                           char *names, size_t namesz)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    const bench_peer *tools[MAX_TOOLS];
    int nt = tools_seen(rep, tools, 0), blocks = 0;
    names[0] = '\0';
    for (int t = 0; t < nt; t++) {
        bench_point pts[256], front[256];
        char what[96];
        int n = points_of(rep, ds, tools[t], pts, 256), m = 0;
        for (int i = 0; i < n; i++)
            if (isfinite(pts[i].psnr) && pts[i].bpppb > 0)
                pts[m++] = pts[i];
        if (m == 0)
            continue;
        qsort(pts, (size_t)m, sizeof *pts, cmp_bpppb);
        snprintf(what, sizeof what, "%s: every run", tools[t]->name);
        write_block(f, what, pts, m);
        snprintf(what, sizeof what, "%s: front", tools[t]->name);
        write_block(f, what, front, bench_front(pts, m, front));
        size_t len = strlen(names);
        snprintf(names + len, namesz - len, "%s%s", blocks++ ? " " : "", tools[t]->name);
    }
    fclose(f);
    return blocks;
}

static int make_plots(const bench_report *rep, const char *gnuplot, const char *script)
{
    int failed = 0;
    for (int ds = 0; ds < rep->nds; ds++) {
        char name[192], dat[1400], png[1400], names[1024], cmd[6000];
        safe_name(rep->ds[ds].label, name, sizeof name);
        snprintf(dat, sizeof dat, "%s/%s.dat", rep->outdir, name);
        snprintf(png, sizeof png, "%s/%s.png", rep->outdir, name);
        int nt = write_plot_data(rep, ds, dat, names, sizeof names);
        if (nt <= 0 || !gnuplot || !*gnuplot)
            continue;
        snprintf(cmd, sizeof cmd,
                 "'%s' -e \"datafile='%s'; outfile='%s'; plottitle='%s (peak %.4g %s)'; "
                 "tools='%s'\" '%s'", gnuplot, dat, png, rep->ds[ds].label, rep->ds[ds].peak,
                 rep->ds[ds].units[0] && !strchr(rep->ds[ds].units, '\'') &&
                 !strchr(rep->ds[ds].units, '"') ? rep->ds[ds].units : "",
                 names, script);
        if (system(cmd) != 0) {
            fprintf(stderr, "bench: gnuplot failed for %s\n", rep->ds[ds].label);
            failed = 1;
        }
    }
    return failed ? -1 : 0;
}

int bench_report_close(bench_report *rep, const char *gnuplot,
                       const char *plot_script, const char *command)
{
    int rc = fclose(rep->csv) == 0 ? 0 : -1;
    if (write_table_md(rep, command) != 0 || write_speed_md(rep) != 0)
        rc = -1;
    if (make_plots(rep, gnuplot, plot_script) != 0)
        rc = -1;
    if (rep->skips[0])
        fprintf(stderr, "bench: not run:\n%s", rep->skips);
    free(rep->ds);
    free(rep->res);
    free(rep->res_ds);
    free(rep);
    return rc;
}
