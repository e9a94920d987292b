/* bench.h: the pieces of the peer benchmark (issue 5) and how they meet.
 *
 *   dataset.c   a netCDF variable -> float32 (T, C, Y, X) in physical units
 *   peer_*.c    one compressor each, behind the same encode/decode pair
 *   run.c       one (dataset, peer, setting): timed encode/decode, measures
 *   metrics.c   bpppb, medians, the rate-distortion front and its
 *               log-rate interpolation (pure arithmetic, unit-tested)
 *   report.c    CSV, markdown tables, speed ratios, gnuplot data and plots
 *   bench.c     command line and the sweep loop
 *
 * Every peer sees the same float32 array. Packed integers are unpacked
 * (raw * scale_factor + add_offset) and _FillValue / missing_value become
 * NaN, the way xarray hands them to a user; quality is measured on the
 * valid values only, with the library's vc_measure.
 */
#ifndef VC_BENCH_H
#define VC_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vidcube.h"

/* ---- dataset.c ---------------------------------------------------------- */
typedef struct bench_data {
    char   label[192];       /* "file-stem:variable", unique per run */
    char   path[1024];
    char   var[128];
    char   units[64];
    char   note[192];        /* how the values were prepared (packing, fill) */
    int    rank;             /* of the netCDF variable */
    size_t file_dims[VC_MAX_RANK];
    char   roles[VC_MAX_RANK + 1];   /* one letter per file axis, "TCCYX" */
    size_t T, C, Y, X;       /* the canonical view every peer gets */
    size_t n;                /* T * C * Y * X */
    float *v;                /* n values, C order over (T, C, Y, X) */
    size_t n_masked;         /* NaN values (fill included) */
    double min, max;         /* of the valid values */
} bench_data;

/* Load `var` of the netCDF file `path`. roles is NULL or "" for the
 * library's defaults for the variable's rank, or one letter per axis
 * (T, C, Y, X) as vc_array takes them. Returns 0, or -1 with a message in
 * err. */
int  bench_data_load(const char *path, const char *var, const char *roles,
                     bench_data *d, char *err, size_t errsz);
void bench_data_free(bench_data *d);
/* The canonical array as the library sees it: rank 4, roles T C Y X. */
void bench_data_array(const bench_data *d, vc_array *a);
/* Names of the variables of a file benchmarked by default: numeric, rank
 * >= 2, and not an unpacked integer (a category such as a cloud mask,
 * which a lossy benchmark has nothing to say about). Skipped names are
 * described in `skipped` (may be NULL). Returns the count, or -1. */
int  bench_default_vars(const char *path, char names[][128], int max,
                        char *skipped, size_t skipsz, char *err, size_t errsz);

/* ---- peers ---------------------------------------------------------------- */
/* What every peer may need from the run; no peer keeps global state. */
typedef struct bench_env {
    const char *tmpdir;      /* scratch files (netCDF, mkv) go here */
    const char *ffmpeg;      /* path of the ffmpeg CLI, or NULL */
    int         threads;     /* for vidcube and ffmpeg; zfp/zstd are serial */
    int         zstd_level;
    int         vidcube_preset;   /* x264 preset 0..9, or -1: the library's default */
} bench_env;

/* One compressed result. Peers that write files (netCDF, ffmpeg) keep them
 * under env->tmpdir and may use buf for their side information. */
typedef struct bench_blob {
    uint8_t *buf;
    size_t   len;            /* bytes used in buf */
    size_t   stored;         /* bytes counted for the rate: everything a
                                reader needs to decode */
    double   fit_seconds;    /* vidcube: choosing and fitting a band
                                transform (NaN for other tools) */
    int      transform_used; /* vidcube: vc_transform used; -1 otherwise */
} bench_blob;

void bench_blob_free(bench_blob *b);

/* Peer status beyond 0 (success) and -1 (this setting failed). */
#define BENCH_SKIP (-2)      /* the peer cannot run here at all: skip it */

typedef struct bench_peer bench_peer;
struct bench_peer {
    const char   *name;           /* as it appears in tables and plots */
    const char   *setting_name;   /* what the sweep value means */
    const char   *about;          /* one line for the report */
    const double *sweep;          /* settings, coarse (low rate) -> fine */
    int           nsweep;
    int           lossless;       /* one point, PSNR is +inf */
    int           arg, arg2;      /* peer-specific (the vidcube mode, transform) */
    int           on_request;     /* not in the default set: only by --tools */
    int (*encode)(const bench_peer *p, const bench_env *env,
                  const bench_data *d, double setting, bench_blob *out,
                  char *err, size_t errsz);
    int (*decode)(const bench_peer *p, const bench_env *env,
                  const bench_data *d, const bench_blob *in, float *out,
                  char *err, size_t errsz);
};

/* Each peer file exports its entries; peers.c gathers them. */
extern const bench_peer bench_peer_vidcube_qp, bench_peer_vidcube_crf, bench_peer_vidcube_psnr,
    bench_peer_vidcube_psnr_auto, bench_peer_vidcube_psnr_klt, bench_peer_vidcube_psnr_wae,
    bench_peer_vidcube_rate, bench_peer_vidcube_abs, bench_peer_vidcube_rel,
    bench_peer_vidcube_lossless;
extern const bench_peer bench_peer_zfp_accuracy, bench_peer_zfp_rate;
extern const bench_peer bench_peer_zstd;
extern const bench_peer bench_peer_bitround;
extern const bench_peer bench_peer_ffmpeg_x264;

/* All peers this build has, in report order; returns the count. */
int bench_peers(const bench_peer **out, int max);
const bench_peer *bench_peer_find(const char *name);
/* The speed reference: ZFP fixed-accuracy. */
#define BENCH_SPEED_REF "zfp-accuracy"

/* Shared helpers for peers (peers.c). */
/* Mean of the valid values of channel c: what peers without a mask put in
 * NaN positions so the holes cost them little. */
double bench_band_valid_mean(const bench_data *d, size_t c);
void   bench_band_range(const bench_data *d, size_t c, double *min, double *max);
const float *bench_frame(const bench_data *d, const float *base, size_t t, size_t c);

/* ---- metrics.c ------------------------------------------------------------ */
/* bits per value (per pixel per band) of `bytes` stored for `nvalues`. */
double bench_bpppb(size_t bytes, size_t nvalues);
/* raw bytes / stored bytes. */
double bench_ratio(size_t raw_bytes, size_t stored);
/* Median of n values (the array is reordered). NaN when n == 0. */
double bench_median(double *v, int n);

typedef struct bench_point {
    double bpppb, psnr;
} bench_point;

/* The rate-distortion front of a sweep: points sorted by rate, keeping only
 * those with finite PSNR better than every cheaper point (the settings a
 * user would pick). Writes at most n points to out; returns the count. */
int    bench_front(const bench_point *in, int n, bench_point *out);
/* PSNR at `rate` on a front, linear in log(bpppb) between the neighbours;
 * NaN outside the front's range (no extrapolation). */
double bench_interp_psnr(const bench_point *front, int n, double rate);
/* The cheapest rate at which a sweep reconstructed exactly (PSNR +inf);
 * +inf when none did. */
double bench_exact_rate(const bench_point *pts, int n);
/* PSNR of a tool at `rate` from all its runs: +inf at or above its
 * cheapest exact run (with that budget the data is stored exactly),
 * otherwise interpolated on the front of its lossy runs (NaN outside). */
double bench_psnr_at(const bench_point *pts, int n, double rate);

/* Quality of a reconstruction through the library's vc_measure. */
typedef struct bench_quality {
    double psnr_db;          /* whole variable; peak of the whole variable */
    double peak;             /* max - min of the valid original values */
    double rmse, max_abs_error;
    double min_band_psnr_db; /* the worst channel, each with its own peak */
    double mean_band_psnr_db;/* mean over channels of their PSNR (+inf if one is exact) */
    int    mask_exact;       /* NaN positions came back as NaN */
} bench_quality;

int bench_measure(const bench_data *d, const float *recon, bench_quality *q,
                  char *err, size_t errsz);

/* ---- run.c ------------------------------------------------------------ */
typedef struct bench_result {
    const bench_peer *peer;
    double        setting;
    size_t        stored;
    double        bpppb, ratio;
    bench_quality q;
    /* MB (1e6 bytes) of float32 input per second of CPU time (this process
     * and its children), and per second of wall-clock time */
    double        enc_mbps, dec_mbps, enc_wall_mbps, dec_wall_mbps;
    double        fit_seconds;      /* of the last encode; NaN when none */
    int           transform_used;   /* vc_transform, -1 when not vidcube */
} bench_result;

/* Encode `reps` times and decode `reps` times (speeds = medians), then
 * measure the last decode. Returns 0, -1 (error in err) or BENCH_SKIP. */
int bench_run_one(const bench_peer *p, const bench_env *env,
                  const bench_data *d, double setting, int reps,
                  bench_result *r, char *err, size_t errsz);

/* ---- report.c ------------------------------------------------------------ */
#define BENCH_NRATES 5
extern const double bench_table_rates[BENCH_NRATES];   /* 0.1 .. 2 bpppb */

typedef struct bench_report bench_report;
/* Opens <outdir>/runs.csv. NULL with err on failure. */
bench_report *bench_report_open(const char *outdir, const bench_env *env,
                                char *err, size_t errsz);
void bench_report_dataset(bench_report *rep, const bench_data *d);
void bench_report_add(bench_report *rep, const bench_data *d,
                      const bench_result *r);
void bench_report_skip(bench_report *rep, const bench_data *d,
                       const bench_peer *p, const char *why);
/* Writes table.md, speed.md and per-dataset .dat files, runs gnuplot
 * (when gnuplot is not NULL) and frees rep. Returns 0 or -1. */
int bench_report_close(bench_report *rep, const char *gnuplot,
                       const char *plot_script, const char *command);

/* ---- replay.c ------------------------------------------------------------ */
/* Remake runs.csv, the tables and the plots in outdir from an earlier
 * runs.csv (which may be outdir's own). Returns 0 or -1. */
int bench_replay(const char *csv, const char *outdir, const bench_env *env,
                 const char *gnuplot, const char *plot_script, const char *command);

#endif
