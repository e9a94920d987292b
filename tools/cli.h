/*
 * cli.h: what the parts of the `vidcube` command share.
 *
 * The command is split by concern:
 *   vidcube.c         main: dispatch to a command, global help
 *   cli_util.c        errors, number and list parsing, paths
 *   cli_fidelity.c    --psnr/--crf/--lossless/--abs/--rel/--rate/--transform
 *   cli_inputs.c      input discovery (files, directories, globs), output names
 *   tempfile.c        temporary outputs, signal cleanup, atomic commit
 *   cli_select.c      which variables are compressed, and their chunking
 *   nccopy_struct.c   copying groups, dimensions, types, attributes, variables
 *   cli_convert.c     converting one file (compress and decompress share it)
 *   cli_batch.c       converting many files in worker processes (-j), summary
 *   cli_measure.c     PSNR/RMSE/max error of a variable, slab by slab
 *   cli_h5.c          HDF5 views: stored bytes, filters, the plugin
 *   cli_filter.c      making the vidcube filter available to this process
 *   progress.c        the progress bar
 *   cli_compress.c, cli_verify.c, cli_decompress.c, cli_info.c, cli_farg.c:
 *                     the commands
 *
 * Copyright (C) 2026 the vidcube authors. GPL-2.0-or-later.
 */
#ifndef VC_CLI_H
#define VC_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "vidcube.h"
#include "vidcube_filter.h"

/* ------------------------------------------------------------------------
 * Exit codes. Scripts rely on them: documented in --help, vidcube(1) and
 * the README; never change a number's meaning.
 * ---------------------------------------------------------------------- */
enum {
    CLI_EXIT_OK        = 0,
    CLI_EXIT_FAILURE   = 1,  /* an output could not be written, or a codec failure */
    CLI_EXIT_USAGE     = 2,  /* bad options, or an unsafe request (overwrite) */
    CLI_EXIT_INPUT     = 3,  /* an input is missing, unreadable, not netCDF/HDF5,
                                damaged, or lacks a --var */
    CLI_EXIT_PARTIAL   = 4,  /* some files were converted, others failed */
    CLI_EXIT_THRESHOLD = 5   /* verify: a threshold failed or NaN/fill positions differ */
};

/* An error on its way up: the exit class and a message that says what to do. */
typedef struct cli_err {
    int  code;               /* one of CLI_EXIT_*; 0 when no error */
    char msg[1024];
} cli_err;

int cli_fail(cli_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, with netCDF's explanation of ncstatus appended. */
int cli_fail_nc(cli_err *e, int code, int ncstatus, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Print "vidcube: MSG" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse a whole string as a number; 0 on success. */
int cli_parse_double(const char *s, double *out);
int cli_parse_long(const char *s, long *out);

/* A growable list of strings (owned). */
typedef struct cli_strlist {
    char  **v;
    size_t  n, cap;
} cli_strlist;
int  cli_strlist_add(cli_strlist *l, const char *s);
void cli_strlist_free(cli_strlist *l);
/* Append the comma-separated items of s. */
int  cli_strlist_split(cli_strlist *l, const char *s);
int  cli_strlist_has(const cli_strlist *l, const char *s);

/* The last component of a path, and its directory ("." if none), in buf. */
const char *cli_basename(const char *path);
void cli_dirname(const char *path, char *buf, size_t n);
/* 1 when a and b name the same existing file (same device and inode). */
int cli_same_file(const char *a, const char *b);
/* Human-readable byte count, e.g. "3.2 MB". */
const char *cli_bytes(double bytes, char *buf, size_t n);
/* A double as JSON: a number, or null for NaN/Inf. */
void cli_json_double(FILE *f, double v);

/* ------------------------------------------------------------------------
 * Fidelity options (compress, farg).
 * ---------------------------------------------------------------------- */
/* getopt_long codes of the long options shared by several commands. */
enum {
    OPT_PSNR = 1000, OPT_CRF, OPT_LOSSLESS, OPT_ABS, OPT_REL, OPT_RATE,
    OPT_TRANSFORM, OPT_VAR, OPT_CHUNK, OPT_FORCE, OPT_QUIET, OPT_JSON,
    OPT_MIN_PSNR, OPT_MAX_ABS, OPT_HELP, OPT_H5REPACK, OPT_NCCOPY
};
#define CLI_FIDELITY_LONGOPTS                                     \
    { "psnr",      1, NULL, OPT_PSNR },                           \
    { "crf",       1, NULL, OPT_CRF },                            \
    { "lossless",  0, NULL, OPT_LOSSLESS },                       \
    { "abs",       1, NULL, OPT_ABS },                            \
    { "rel",       1, NULL, OPT_REL },                            \
    { "rate",      1, NULL, OPT_RATE },                           \
    { "transform", 1, NULL, OPT_TRANSFORM }

typedef struct cli_fidelity {
    vc_params   params;      /* mode, target and transform from the options */
    const char *flag;        /* the mode option given ("--psnr"), NULL if none */
} cli_fidelity;

void cli_fidelity_init(cli_fidelity *f);
/* Handle option `opt` (an OPT_* code) with argument arg. Returns 1 when it
 * was a fidelity option, 0 when not, CLI_EXIT_USAGE (with e set) on error. */
int  cli_fidelity_option(cli_fidelity *f, int opt, const char *arg, cli_err *e);
/* After parsing: a mode must have been given and this libvidcube must
 * support it (a tiny trial compression asks the library itself). */
int  cli_fidelity_check(const cli_fidelity *f, cli_err *e);
/* "psnr 50 dB", "lossless", ... */
const char *cli_fidelity_describe(const vc_params *p, char *buf, size_t n);
extern const char cli_fidelity_help[];

/* ------------------------------------------------------------------------
 * Variables: what happens to each one in a conversion.
 * ---------------------------------------------------------------------- */
#define CLI_MAX_DIMS 32          /* beyond this rank a variable is refused */

typedef enum var_action {
    VA_COPY = 0,      /* copied unchanged, with its own storage settings */
    VA_VIDCUBE,       /* chunked as chunk[] and coded with the vidcube filter */
    VA_PLAIN          /* like VA_COPY, without the vidcube filter (decompress) */
} var_action;

/* How the filter coded a variable's chunks in this process (cli_filter.c):
 * chunks per transform used (indexed by vc_transform) and the seconds
 * spent choosing and fitting transforms. All zero when the filter runs as
 * a plugin, out of sight. */
typedef struct cli_encode_stats {
    size_t chunks[VC_TRANSFORM_AUTO + 1];
    double fit_seconds;
} cli_encode_stats;

typedef struct var_plan {
    char       path[512];          /* "var" in the root group, "g1/g2/var" below */
    int        in_grp, in_varid;   /* in the input */
    int        out_grp, out_varid; /* in the output, set by ncs_define */
    int        nctype;             /* nc_type of the variable */
    int        rank;
    size_t     dims[CLI_MAX_DIMS];
    var_action action;
    char       reason[192];        /* why: printed in the summary of choices */
    size_t     chunk[CLI_MAX_DIMS];/* VA_VIDCUBE */
    vc_params  params;             /* VA_VIDCUBE: with this variable's fill */
    vc_axis    roles[VC_MAX_RANK]; /* VA_VIDCUBE */
    cli_encode_stats coded;        /* VA_VIDCUBE: set by ncs_copy_data */
} var_plan;

typedef struct file_plan {
    var_plan   *v;
    size_t      n, cap;
    cli_strlist warnings;    /* for the user, about choices made */
} file_plan;

var_plan *cli_plan_add(file_plan *p);
void      cli_plan_free(file_plan *p);
/* The vidcube dtype of an nc_type, 0 when vidcube cannot code it. */
vc_dtype  cli_dtype_of(int nctype);
size_t    cli_plan_nvalues(const var_plan *v);

/* Options that shape a compression plan. */
typedef struct chunk_req {
    char   dim[256];
    size_t len;
} chunk_req;

typedef struct select_opts {
    const cli_strlist *vars;       /* --var names; empty: the default rule */
    const chunk_req   *chunks;     /* --chunk DIM=N */
    size_t             nchunks;
    const vc_params   *params;     /* fidelity */
} select_opts;

/* Parse "DIM=N,DIM=N" into reqs (allocated). */
int cli_chunk_parse(const char *s, chunk_req **reqs, size_t *n, cli_err *e);
/* Decide every variable of the open input: action, reason, chunking, roles,
 * parameters. Fails (CLI_EXIT_INPUT) when a --var names no variable. */
int cli_plan_compress(int ncid, const select_opts *o, file_plan *plan, cli_err *e);
/* Chunk shape for coding a variable (exported for the tests' expectations
 * and `info`): a time run of whole frames, at most CLI_CHUNK_MAX_BYTES. */
void cli_default_chunk(const size_t *dims, int rank, size_t elem_size, size_t *chunk);
#define CLI_CHUNK_MAX_BYTES ((size_t)32 << 20)
/* Default axis roles for a rank, as the library has them. */
void cli_default_roles(int rank, vc_axis *roles);
/* "T C Y X" */
const char *cli_roles_string(const vc_axis *roles, int rank, char *buf, size_t n);
/* "5x13x64x64" */
const char *cli_shape_string(const size_t *d, int rank, char *buf, size_t n);

/* ------------------------------------------------------------------------
 * Copying netCDF structure and data (nccopy_struct.c).
 * ---------------------------------------------------------------------- */
/* Visit every variable of every group, parents before children, in id
 * order; path as in var_plan.path. */
typedef int (*ncs_var_fn)(int grp, int varid, const char *path, void *ud, cli_err *e);
int ncs_walk_vars(int ncid, ncs_var_fn fn, void *ud, cli_err *e);
/* Find a variable by var_plan-style path. */
int ncs_find_var(int ncid, const char *path, int *grp, int *varid);
/* The netCDF-4 output mode flags that keep the input's data model. */
int ncs_output_cmode(int in_ncid);
/* Define in `out` everything of `in` (groups, dimensions, types, attributes,
 * variables) with each variable's storage as its plan says; records the
 * output ids in the plan. */
int ncs_define(int in, int out, file_plan *plan, cli_err *e);
/* Copy the data of every variable, one chunk (VA_VIDCUBE) or one bounded
 * slab at a time; progress(ud, bytes_done, bytes_total) after each. */
typedef void (*ncs_progress_fn)(void *ud, double done, double total);
int ncs_copy_data(file_plan *plan, ncs_progress_fn on_progress, void *ud, cli_err *e);
/* Size the chunk cache of a variable read in blocks of extent block[]:
 * every chunk is decoded once, and memory stays near one block. */
void ncs_set_read_cache(int grp, int varid, int rank, size_t elem, const size_t *block);
/* 1 when the variable uses the vidcube filter. */
int ncs_has_vidcube(int grp, int varid);

/* Iterate the blocks of a shape: block[] gives the block extent, start[]
 * the current block's offset and count[] its (edge-clipped) extent. */
typedef struct block_iter {
    int    rank;
    size_t dims[CLI_MAX_DIMS], block[CLI_MAX_DIMS];
    size_t start[CLI_MAX_DIMS], count[CLI_MAX_DIMS];
    int    done;
} block_iter;
void block_iter_init(block_iter *it, const size_t *dims, const size_t *block, int rank);
void block_iter_next(block_iter *it);
/* A block of at most max_elems values (at least one unit), fastest axes
 * whole first, each extent a multiple of unit[] (NULL: 1). */
void block_choose(const size_t *dims, const size_t *unit, int rank, size_t max_elems,
                  size_t *block);

/* ------------------------------------------------------------------------
 * Measuring fidelity (cli_measure.c) and storage (cli_h5.c).
 * ---------------------------------------------------------------------- */
typedef struct var_quality {
    vc_quality  total;         /* whole variable, peak of the whole variable */
    vc_quality *bands;         /* per channel (C of the default roles) */
    size_t      nbands;
    size_t      nvalues;
    double      raw_bytes;     /* nvalues * element size */
    double      stored_bytes;  /* of the compared (second) variable; < 0 unknown */
    double      bpppb, ratio;  /* from stored_bytes; NaN when unknown */
    char        transform[64]; /* compress: cli_encode_stats_describe(); "" unknown */
    double      fit_seconds;   /* compress: choosing and fitting them; NaN unknown */
} var_quality;

/* Compare variable (g1, v1) with (g2, v2) (same type and shape), reading
 * both a bounded slab at a time and measuring with vc_measure. The fill
 * (if any) is taken from the first variable's _FillValue/missing_value. */
int  cli_measure_var(int g1, int v1, int g2, int v2, var_quality *q, cli_err *e);
void cli_quality_free(var_quality *q);
/* Set stored_bytes, bpppb and ratio. */
void cli_quality_set_storage(var_quality *q, double stored_bytes);
/* The fill value a variable declares (non-NaN _FillValue, else
 * missing_value); 1 if there is one. */
int  cli_var_fill(int grp, int varid, double *fill);

/* HDF5 quietly: no error stacks printed behind our own messages. */
void cli_h5_quiet(void);
/* 1 when the file is HDF5 (netCDF-4). */
int  cli_h5_is_hdf5(const char *path);
/* Stored bytes of the datasets behind these variable paths (-1 each when
 * unknown, e.g. a classic netCDF file: then the caller uses raw bytes). */
int  cli_h5_storage(const char *file, char *const *paths, size_t n, double *bytes, cli_err *e);
/* 1 when HDF5 can load the vidcube filter (plugin path or registered). */
int  cli_h5_filter_available(void);

/* Make the vidcube filter usable by this process (register it in-process
 * when the CLI is built with the filter, else find the plugin). */
int  cli_filter_ensure(cli_err *e);
/* Text for messages about a missing plugin. */
const char *cli_plugin_hint(void);
/* What the in-process filter coded since the last call; resets the count. */
void cli_filter_take_stats(cli_encode_stats *out);
/* "klt", or "klt 3, none 1" (chunks) when they differ; "" when nothing
 * was seen. Returns out. */
const char *cli_encode_stats_describe(const cli_encode_stats *s, char *out, size_t size);

/* ------------------------------------------------------------------------
 * Converting one file (cli_convert.c).
 * ---------------------------------------------------------------------- */
/* What a conversion tells its caller while it runs. */
typedef struct cli_reporter {
    void (*info)(void *ud, const char *line);           /* choices, notes */
    void (*warn)(void *ud, const char *line);
    void (*progress)(void *ud, double done, double total);
    void (*result)(void *ud, const char *var, const var_quality *q);
    void  *ud;
} cli_reporter;

typedef enum convert_kind { CONVERT_COMPRESS, CONVERT_DECOMPRESS } convert_kind;

typedef struct convert_opts {
    convert_kind kind;
    select_opts  sel;         /* compress */
    int          force;       /* replace an existing output */
} convert_opts;

/* Convert in -> out through a temporary file in out's directory, renamed
 * on success; on failure nothing is left under out's name. */
int cli_convert_file(const char *in, const char *out, const convert_opts *o,
                     const cli_reporter *r, cli_err *e);

/* Converting many files (cli_batch.c): each in a worker process, -j at a
 * time; choices, warnings, progress and the summary table printed by the
 * parent. Jobs with pre.code set fail at once. Returns the exit status:
 * CLI_EXIT_OK, CLI_EXIT_PARTIAL, or the class all failures share. */
#define CLI_MAX_JOBS 64

typedef struct batch_opts {
    long jobs;               /* workers at once */
    int  quiet;              /* warnings and errors only */
} batch_opts;

struct cli_joblist;
int cli_batch_run(const struct cli_joblist *jobs, const convert_opts *co, const batch_opts *bo);
/* The whole of `vidcube compress|decompress` after option parsing (rc is
 * the parser's status, e its error): register the filter, plan the jobs
 * from the IN arguments, run them. Errors name `vidcube CMD --help`. */
int cli_batch_command(const char *cmd, int rc, cli_err *e, char *const *args, int nargs,
                      const char *out, const convert_opts *co, const batch_opts *bo);

/* ------------------------------------------------------------------------
 * Inputs and outputs (cli_inputs.c).
 * ---------------------------------------------------------------------- */
typedef struct cli_job {
    char  *in, *out;
    double in_bytes;
    cli_err pre;              /* an error found before converting (pre.code != 0) */
} cli_job;

typedef struct cli_joblist {
    cli_job *v;
    size_t   n, cap;
} cli_joblist;

/* Expand IN arguments (files, directories, globs) into jobs with output
 * names under `out` (a file, or a directory when several inputs or a
 * directory/glob was given). Refuses unsafe requests (an output that is an
 * input, or exists without force) with CLI_EXIT_USAGE before anything is
 * written. Inputs that are missing or not netCDF/HDF5 become jobs with
 * pre.code set, so the others still run. */
int  cli_jobs_plan(char *const *args, int nargs, const char *out, int force,
                   cli_joblist *jobs, cli_err *e);
void cli_jobs_free(cli_joblist *jobs);
/* Kind of file by its magic bytes: 1 netCDF classic, 2 HDF5, 0 neither,
 * -1 unreadable (errno set). */
int  cli_sniff(const char *path);

/* ------------------------------------------------------------------------
 * Temporary outputs and signals (tempfile.c): the only global mutable
 * state of the program lives there, because a signal handler must find
 * the temporary file to remove and the children to stop.
 * ---------------------------------------------------------------------- */
void cli_signals_install(void);
/* Build ".NAME.vidcube-tmp.PID" next to final and register it for removal
 * on SIGINT/SIGTERM/SIGHUP. */
int  cli_tmp_begin(const char *final, char *tmp, size_t n, cli_err *e);
/* Remove the registered temporary file (after a failure). */
void cli_tmp_abort(void);
/* fsync the temporary file and move it to its final name (replacing an
 * existing file only when force); unregisters it. */
int  cli_tmp_commit(const char *final, int force, cli_err *e);
/* Remove temporary files left next to final by runs that were killed
 * (their process no longer exists). */
void cli_tmp_clean_stale(const char *final);
/* Children to stop when the parent is interrupted. */
void cli_child_add(int pid);
void cli_child_remove(int pid);
/* In a worker process: forget the parent's table of children. */
void cli_signals_in_child(void);

/* ------------------------------------------------------------------------
 * Progress bar (progress.c): drawn on stderr only when it is a terminal.
 * ---------------------------------------------------------------------- */
typedef struct progress {
    int    enabled;
    double last_draw;        /* time of the last draw, seconds */
    int    drawn;            /* a bar is on screen */
} progress;

void progress_init(progress *p, int enabled);
void progress_draw(progress *p, double fraction, size_t done, size_t total, const char *label);
/* Erase the bar (before printing a line). */
void progress_clear(progress *p);

/* ------------------------------------------------------------------------
 * Commands.
 * ---------------------------------------------------------------------- */
int cmd_compress(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_decompress(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_farg(int argc, char **argv);

#endif /* VC_CLI_H */
