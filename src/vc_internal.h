/* vc_internal.h: declarations shared by the files of libvidcube.
 * Nothing here is part of the public API. */
#ifndef VC_INTERNAL_H
#define VC_INTERNAL_H

#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vidcube.h"

#define VC_HIDDEN __attribute__((visibility("hidden")))

/* ---- buf.c: growable byte buffer (writer) and bounds-checked reader ---- */
typedef struct vc_buf {
    uint8_t *p;
    size_t   n, cap;
    int      failed;      /* sticky: an allocation failed */
} vc_buf;

VC_HIDDEN void vc_buf_init(vc_buf *b);
VC_HIDDEN void vc_buf_free(vc_buf *b);
VC_HIDDEN int  vc_buf_reserve(vc_buf *b, size_t extra);
VC_HIDDEN void vc_buf_put(vc_buf *b, const void *src, size_t n);
VC_HIDDEN void vc_buf_u8(vc_buf *b, unsigned v);
VC_HIDDEN void vc_buf_u16(vc_buf *b, unsigned v);
VC_HIDDEN void vc_buf_u32(vc_buf *b, uint32_t v);
VC_HIDDEN void vc_buf_u64(vc_buf *b, uint64_t v);
VC_HIDDEN void vc_buf_f64(vc_buf *b, double v);

typedef struct vc_rd {
    const uint8_t *p;
    size_t         n, pos;
    int            err;   /* sticky: a read ran past the end */
} vc_rd;

VC_HIDDEN void     vc_rd_init(vc_rd *r, const void *p, size_t n);
VC_HIDDEN unsigned vc_rd_u8(vc_rd *r);
VC_HIDDEN unsigned vc_rd_u16(vc_rd *r);
VC_HIDDEN uint32_t vc_rd_u32(vc_rd *r);
VC_HIDDEN uint64_t vc_rd_u64(vc_rd *r);
VC_HIDDEN double   vc_rd_f64(vc_rd *r);
VC_HIDDEN const uint8_t *vc_rd_bytes(vc_rd *r, size_t n);

VC_HIDDEN void     vc_put_le32(uint8_t *p, uint32_t v);
VC_HIDDEN uint32_t vc_get_le32(const uint8_t *p);

/* ---- zpack.c: length-prefixed zstd frames and byte planes ---- */
VC_HIDDEN int      vc_zstd_put(vc_buf *out, const void *src, size_t n, int level);
/* Read a frame that must expand to exactly n bytes. */
VC_HIDDEN int      vc_zstd_get(vc_rd *r, void *dst, size_t n);
/* Bytes needed by the largest of n integers (1..8). */
VC_HIDDEN unsigned vc_planes_width(const uint64_t *r, size_t n);
VC_HIDDEN int      vc_planes_put(vc_buf *out, const uint64_t *r, size_t n, unsigned w, int level);
VC_HIDDEN int      vc_planes_get(vc_rd *rd, uint64_t *r, size_t n, unsigned w);
/* Sparse planes: a zstd bitmap of which of the n integers are non-zero,
 * then the non-zero ones as byte planes of width w (stream format 2). */
VC_HIDDEN int      vc_sparse_planes_put(vc_buf *out, const uint64_t *r, size_t n, unsigned w,
                                        int level);
VC_HIDDEN int      vc_sparse_planes_get(vc_rd *rd, uint64_t *r, size_t n, unsigned w);

static inline uint64_t vc_zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}
static inline int64_t vc_unzigzag(uint64_t z)
{
    return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
}

/* ---- crc32.c ---- */
VC_HIDDEN uint32_t vc_crc32(uint32_t crc, const void *data, size_t n);

/* ---- context.c: the opaque context ---- */
struct vc_ctx {
    vc_params       params;
    char            err[256];      /* last failure, "" after success */
    vc_band_report *report;        /* per channel, of the last compress */
    size_t          nreport;
    vc_transform    xused;         /* transform of the last compress */
    double          klt_link;      /* KLT channel grouping; < 0: choose by sample
                                      (set only by xform_choose.c's trials) */
    double          xseconds;      /* time spent choosing and fitting it */
};
/* Record a failure on ctx (printf-style) and return status. */
VC_HIDDEN int vc_fail(vc_ctx *ctx, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
VC_HIDDEN int vc_ctx_threads(const vc_ctx *ctx);
VC_HIDDEN double vc_seconds(void);     /* monotonic clock, for reports */
/* Threads for a loop of n independent items: never more than n, since idle
 * OpenMP threads spin and slow the busy ones on a loaded machine. */
static inline int vc_team(int threads, size_t n)
{
    return n < (size_t)threads ? (n ? (int)n : 1) : threads;
}

/* ---- array.c: the (T, C, Y, X) view of a C-order array ---- */
typedef struct vc_geom {
    vc_dtype dtype;
    size_t   esize;                /* bytes per element */
    size_t   T, C, Y, X;
    size_t   sy, sx;               /* element strides of the Y and X axes */
    int      nt, nc;               /* how many axes carry T and C */
    size_t   tdim[VC_MAX_RANK], tstride[VC_MAX_RANK];
    size_t   cdim[VC_MAX_RANK], cstride[VC_MAX_RANK];
} vc_geom;

VC_HIDDEN int    vc_geom_init(vc_geom *g, const vc_array *a);
/* Element offset of pixel (y=0, x=0) of frame t of channel c. */
VC_HIDDEN size_t vc_geom_frame_offset(const vc_geom *g, size_t t, size_t c);
VC_HIDDEN int    vc_dtype_is_float(vc_dtype d);
/* Read element i of a typed array as double; write a representable double. */
VC_HIDDEN double vc_load(vc_dtype d, const void *base, size_t i);
VC_HIDDEN void   vc_store(vc_dtype d, void *base, size_t i, double v);
/* The value the dtype would hold for v: rounded and clamped for integers,
 * rounded to float for float32. Used by the encoder and the decoder alike,
 * so both agree on every reconstructed value. */
VC_HIDDEN double vc_dtype_cast(vc_dtype d, double v);
/* Gather channel c as T*Y*X doubles (frame-major, rows, columns). */
VC_HIDDEN void   vc_band_load(const vc_geom *g, const void *src, size_t c, double *out);

/* ---- mask.c: exact record of NaN, +-Inf and fill values ---- */
typedef struct vc_maskspec {
    int    has_fill;
    double fill;
} vc_maskspec;

/* Mark m[i] = 1 where the value is masked; returns the count. */
VC_HIDDEN size_t vc_mask_find(const vc_geom *g, const void *src, size_t c,
                              const vc_maskspec *ms, uint8_t *m);
/* Pack a byte mask into bits (LSB first); out holds (n + 7) / 8 bytes. */
VC_HIDDEN void vc_mask_pack(const uint8_t *m, size_t n, uint8_t *bits);
/* MASK section payload: the bitmap, or a reference to an earlier band with
 * the identical bitmap (ref_band >= 0), then the raw bits of every masked
 * value so NaN payloads and fill values come back exactly. */
VC_HIDDEN int vc_mask_encode(const vc_geom *g, const void *src, size_t c,
                             const uint8_t *bits, size_t n_masked,
                             int ref_band, vc_buf *out);
/* Decode channel c's mask into m (T*Y*X bytes, 1 = masked) and write its
 * masked raw values into dst. masks[b] / sizes[b] are the MASK payloads of
 * every band (NULL when a band has none): a reference reads band b's. */
VC_HIDDEN int vc_mask_decode(const vc_geom *g, const uint8_t *const *masks,
                             const size_t *sizes, size_t c, uint8_t *m,
                             void *dst);

/* ---- inpaint.c ---- */
/* Give masked pixels values that cost the codec almost nothing: the first
 * frame with valid data is filled smoothly (push-pull), later frames take
 * the previous frame's value, earlier ones the first filled frame. */
VC_HIDDEN int vc_inpaint(double *v, const uint8_t *m, size_t T, size_t Y, size_t X);

/* ---- normalise.c: valid range and the map to codec samples ---- */
typedef struct vc_norm {
    double   min, max;     /* of the valid values (also the decoder's clamp) */
    double   offset, scale;/* value = offset + scale * sample */
    unsigned maxcode;      /* (1 << bit_depth) - 1 */
} vc_norm;

VC_HIDDEN void   vc_norm_range(const double *v, const uint8_t *m, size_t n,
                               double *min, double *max, size_t *n_valid);
VC_HIDDEN void   vc_norm_fit(vc_norm *nm, double min, double max, int bit_depth);
VC_HIDDEN void   vc_norm_to_samples(const vc_norm *nm, const double *v, size_t n,
                                    uint16_t *q);
/* Decoded value of a sample, exactly as the decoder computes it. */
VC_HIDDEN double vc_norm_value(const vc_norm *nm, vc_dtype d, unsigned q);

/* ---- frames: padding frames to what the codec needs ---- */
typedef struct vc_frames {
    size_t    T, Y, X;     /* the data */
    size_t    H, W;        /* coded (padded) picture size */
    uint16_t *s;           /* T * H * W samples */
} vc_frames;
VC_HIDDEN void vc_frames_geometry(vc_frames *f, size_t T, size_t Y, size_t X);
/* Copy T*Y*X samples into the padded planes, replicating edges. */
VC_HIDDEN void vc_frames_pad(vc_frames *f, const uint16_t *q);

/* ---- x264_encode.c / h264_decode.c ---- */
/* The widest and tallest picture x264 codes; the decoder refuses larger
 * ones, so a stream cannot make libavcodec allocate beyond them. */
#define VC_VIDEO_MAX_SIDE 16384
typedef struct vc_video_cfg {
    size_t W, H, T;
    int    bit_depth;
    int    preset;         /* 0..9 */
    int    rc;             /* VC_MODE_QP or VC_MODE_CRF */
    double q;              /* qp or crf */
    int    keep_base;      /* vc_video_trial keeps the decoded base values */
} vc_video_cfg;

/* Encode T frames of W*H samples; append the H.264 Annex-B stream to out and,
 * if recon is not NULL, write x264's reconstruction (T*W*H samples). */
VC_HIDDEN int vc_x264_encode(const vc_video_cfg *cfg, const uint16_t *frames,
                             vc_buf *out, uint16_t *recon, char *err, size_t errsz);
/* Decode a stream of T pictures of W*H samples; each picture is handed to
 * sink in display order (t = 0, 1, ...), so memory stays one picture. */
typedef int (*vc_frame_sink)(void *opaque, size_t t, const uint16_t *plane);
VC_HIDDEN int vc_h264_decode(const uint8_t *bs, size_t n, size_t W, size_t H,
                             size_t T, int bit_depth, vc_frame_sink sink,
                             void *opaque, char *err, size_t errsz);

/* ---- lossless.c: bit-exact coding of one channel's raw values ---- */
#define VC_RAW_LEVEL 9           /* zstd level of stored lossless bytes */
#define VC_RAW_LEVEL_FAST 1      /* for estimates */
/* m: the channel's mask (T*Y*X bytes, 1 = masked; NULL when none); masked
 * values are not coded here but in the MASK section. */
VC_HIDDEN int vc_raw_encode(const vc_geom *g, const void *src, size_t c,
                            const uint8_t *m, int level, vc_buf *out);
VC_HIDDEN int vc_raw_decode(const vc_geom *g, const uint8_t *p, size_t n,
                            size_t c, const uint8_t *m, void *dst);

/* ---- metrics.c ---- */
typedef struct vc_qacc {
    double sse, maxerr, min, max;
    size_t n_valid, n_masked;
} vc_qacc;
VC_HIDDEN void vc_qacc_init(vc_qacc *a);
VC_HIDDEN void vc_qacc_add(vc_qacc *a, double orig, double rec);
VC_HIDDEN void vc_qacc_merge(vc_qacc *into, const vc_qacc *from);
VC_HIDDEN void vc_qacc_finish(const vc_qacc *a, vc_quality *q);
VC_HIDDEN double vc_psnr(double peak, double sse, size_t n);

/* ---- stream.c: sections ---- */
enum vc_section_tag {
    VC_SEC_HEAD = 1,   /* array description and parameters */
    VC_SEC_BAND = 2,   /* per channel: coder, range, normalisation */
    VC_SEC_MASK = 3,   /* per channel: masked positions and raw values */
    VC_SEC_VIDEO = 4,  /* per channel: H.264 stream */
    VC_SEC_RAW = 5,    /* per channel: lossless bytes */
    VC_SEC_RES = 6,    /* per channel: residual layer */
    VC_SEC_EXC = 7,    /* per channel: values stored exactly */
    VC_SEC_XFRM = 8,   /* the band transform's decoder */
    VC_SEC_CHDR = 9,   /* per latent: coder and normalisation */
    VC_SEC_CVID = 10,  /* per latent: H.264 stream */
    VC_SEC_CRES = 11,  /* per latent: residual refinement */
    VC_SEC_END = 15    /* total size and section count */
};

#define VC_MAGIC "VCUB"
#define VC_PREAMBLE_SIZE 5          /* magic + format byte */
#define VC_SECTION_OVERHEAD 11      /* tag u8, band u16, length u32, crc u32 */

typedef struct vc_section {
    unsigned       tag;
    unsigned       band;
    const uint8_t *p;
    size_t         n;
} vc_section;

/* Append one section (tag, band, payload, CRC) to out. */
VC_HIDDEN void vc_section_put(vc_buf *out, unsigned tag, unsigned band,
                              const void *payload, size_t n);
/* Walk a stream: first the preamble, then each section with CRC check. */
typedef struct vc_walk {
    const uint8_t *p;
    size_t         n, pos;
    unsigned       format;
    size_t         count;
} vc_walk;
VC_HIDDEN int vc_walk_begin(vc_walk *w, const void *src, size_t n);
/* 1: a section was read; 0: END reached and verified; <0: error status. */
VC_HIDDEN int vc_walk_next(vc_walk *w, vc_section *s);

/* The HEAD section's content. */
typedef struct vc_header {
    vc_array     array;
    vc_mode      mode;
    double       target;
    int          bit_depth;
    int          preset;
    vc_transform transform;
    int          has_fill;
    double       fill;
    uint32_t     writer_version;
} vc_header;
VC_HIDDEN void vc_header_put(vc_buf *out, const vc_header *h);
VC_HIDDEN int  vc_header_get(const uint8_t *p, size_t n, vc_header *h);

/* Per-channel BAND section. */
typedef struct vc_bandhdr {
    vc_coder coder;
    int      qp;          /* -1 when no video */
    int      has_mask;
    vc_norm  norm;
    double   constant;    /* the value of a VC_CODER_CONSTANT band */
} vc_bandhdr;
VC_HIDDEN void vc_bandhdr_put(vc_buf *out, const vc_bandhdr *b);
VC_HIDDEN int  vc_bandhdr_get(const uint8_t *p, size_t n, vc_bandhdr *b);

/* ---- residual.c: the layer after the video ---- */
/* What the decoded values must honour beyond the video. */
typedef struct vc_layer {
    double step;           /* residual quantiser (2E); 0: no residual */
    double cover;          /* share of the valid values, in scan order, that
                              get a residual (1 = all; the rate mode's fine
                              knob); the rest store q = 0 */
    double bound;          /* max abs error guaranteed; HUGE_VAL: none */
    int    has_fill;       /* a valid value must never decode to fill */
    double fill;           /* as the dtype holds it */
} vc_layer;

/* The decoder's arithmetic for one valid value. */
VC_HIDDEN double vc_layer_value(vc_dtype d, double base, int64_t q, double step,
                                double lo, double hi);

/* ---- wavelet.c / linalg.c / xform.c / wae_train.c: band transforms ---- */
VC_HIDDEN int    vc_wavelet_levels(size_t Y, size_t X);   /* J for a frame size */
VC_HIDDEN size_t vc_wavelet_padded(size_t n, int J);      /* n up to a multiple of 2^J */
/* J-level CDF 9/7 packet of an h x w image (h, w multiples of 2^J), in place. */
VC_HIDDEN int    vc_wavelet_forward(double *img, size_t h, size_t w, int J);
VC_HIDDEN int    vc_wavelet_inverse(double *img, size_t h, size_t w, int J);
VC_HIDDEN int    vc_covariance(const double *X, size_t n, size_t d, double *mean, double *cov);
VC_HIDDEN int    vc_eigen_sym(double *A, size_t d, double *w, double *V);
/* Order eigenpairs (w[i], column i of the d x d V) by w, descending. */
VC_HIDDEN void   vc_eigen_sort(double *w, double *V, size_t d);

typedef struct vc_xform {
    vc_transform kind;
    size_t    Ca;           /* channels in the transform */
    uint16_t *band;         /* their indices, increasing */
    int       J;            /* wavelet packet levels (0: KLT) */
    size_t    T, Y, X, Yp, Xp, cY, cX;
    size_t    d, K, H;      /* features, latents, hidden units */
    double   *mu, *D1, *A, *a0, *D2;   /* the decoder (stored) */
    double   *E, *lambda;   /* encoder and latent variances (not stored) */
} vc_xform;

VC_HIDDEN void   vc_xform_free(vc_xform *xf);
VC_HIDDEN void   vc_xform_geometry(vc_xform *xf, size_t T, size_t Y, size_t X, int J);
VC_HIDDEN size_t vc_xform_sites(const vc_xform *xf);
VC_HIDDEN int    vc_xform_features(const vc_xform *xf, const double *const *x, double *U);
VC_HIDDEN int    vc_xform_unfeatures(const vc_xform *xf, const double *U, size_t a, double *x);
/* PCA of the features; with link > 0, within groups of features that all
 * correlate at least that much (a block-diagonal transform). */
VC_HIDDEN int    vc_xform_fit_pca(vc_xform *xf, const double *U, size_t maxK, double link);
VC_HIDDEN void   vc_xform_round(vc_xform *xf);
VC_HIDDEN void   vc_xform_encode(const vc_xform *xf, const double *U, double *const *z);
VC_HIDDEN void   vc_xform_decode_site(const vc_xform *xf, const double *zs, double *h, double *u);
VC_HIDDEN int    vc_xform_decode(const vc_xform *xf, const double *const *zhat, double *U);
VC_HIDDEN void   vc_xform_put(vc_buf *out, const vc_xform *xf);
#define VC_MAX_LATENTS 64
/* Decoder: the transform's reconstruction of every channel it covers,
 * xhat[c] (T*Y*X, normalised) or NULL; lhdr/lvid: CHDR/CVID per latent. */
VC_HIDDEN int    vc_xform_decompress(const vc_geom *g, int bit_depth, const vc_section *xfrm,
                                     const vc_section *lhdr, const vc_section *lvid,
                                     const vc_section *lres, int threads, double ***xhat,
                                     char *err, size_t errsz);
/* A channel's value from its decoded normalised reconstruction. */
VC_HIDDEN double vc_xform_value(vc_dtype d, double min, double max, double xhat);
VC_HIDDEN int    vc_xform_get(const uint8_t *p, size_t n, const vc_geom *g, vc_xform *xf);
/* Fit the autoencoder's decoder (D1, A, a0, D2; H hidden units) to map the
 * decoded latents back to the features, by Adam; deterministic for a given
 * input and thread count. */
VC_HIDDEN int    vc_wae_train(vc_xform *xf, const double *U, const double *const *zhat,
                              size_t H, int threads);

/* ---- quality.c: choosing the video quantiser ---- */
/* One channel ready for the codec: its values (masked ones in-painted), the
 * mask, the normalisation, the decoder's sample->value table, the padded
 * frames and the layer the result must honour. */
typedef struct vc_vband {
    vc_dtype       dtype;
    const double  *v;      /* T*Y*X values; only valid ones are measured */
    const uint8_t *m;      /* 1 = masked */
    vc_norm        norm;
    const double  *lut;    /* maxcode + 1 decoded values */
    vc_frames      frames;
    vc_layer       layer;
} vc_vband;

/* One encoding of a channel and the quality the decoder will see. */
typedef struct vc_trial {
    double  q;             /* the qp or crf used */
    vc_buf  bits;          /* H.264 stream */
    vc_buf  res;           /* RES payload (empty: no residual) */
    vc_buf  exc;           /* EXC payload (empty: no exceptions) */
    vc_qacc acc;           /* quality of the final decoded values */
    int     exact;         /* every decoded sample equals its input sample */
    double  *base;         /* decoded values before the layer, when kept */
} vc_trial;

/* Total stream bytes a trial costs (payloads and their section overheads). */
VC_HIDDEN size_t vc_trial_bytes(const vc_trial *tr);

/* A channel as the layer sees it: original values and mask (T*Y*X), the
 * valid range (the decoder clamps to it) and the dtype. */
typedef struct vc_lband {
    vc_dtype       dtype;
    const double  *v;
    const uint8_t *m;
    size_t         n;
    double         min, max;
} vc_lband;

/* What the decoder has before the layer: an array of T*Y*X values, or a
 * video's reconstructed samples read through the decoder's table (so a
 * trial needs no array of doubles). */
typedef struct vc_basesrc {
    const double   *arr;     /* T*Y*X values; NULL: from the samples below */
    const uint16_t *recon;   /* T pictures of H x W samples */
    const double   *lut;     /* sample -> value */
    unsigned        maxcode;
    size_t          X, Y, W, H;
} vc_basesrc;

static inline double vc_base_at(const vc_basesrc *s, size_t i)
{
    if (s->arr)
        return s->arr[i];
    size_t x = i % s->X, y = (i / s->X) % s->Y, t = i / (s->X * s->Y);
    unsigned q = s->recon[(t * s->H + y) * s->W + x];
    return s->lut[q > s->maxcode ? s->maxcode : q];
}

/* Residual and exception payloads over the base values (valid entries
 * used), and the final quality; final (may be NULL) gets the values. */
VC_HIDDEN int vc_layer_encode(const vc_lband *lb, const vc_basesrc *base, const vc_layer *L,
                              vc_buf *res, vc_buf *exc, vc_qacc *acc, double *final);
/* Decoder side: dst holds the video values of channel c at valid positions. */
VC_HIDDEN int vc_layer_apply_residual(const vc_geom *g, size_t c, const uint8_t *m,
                                      const vc_norm *nm, const uint8_t *p, size_t n,
                                      void *dst);
/* The same for a plain array of n float64 values, none masked. */
VC_HIDDEN int vc_layer_apply_values(double *vals, size_t n, const vc_norm *nm,
                                    const uint8_t *p, size_t len);
VC_HIDDEN int vc_layer_apply_exceptions(const vc_geom *g, size_t c, const uint8_t *m,
                                        const uint8_t *p, size_t n, void *dst);

VC_HIDDEN int  vc_video_trial(const vc_vband *b, const vc_video_cfg *cfg,
                              vc_trial *tr, char *err, size_t errsz);
VC_HIDDEN void vc_trial_free(vc_trial *tr);
/* PSNR mode: the largest QP whose reconstruction meets target_db (or one
 * within a fraction of a dB of it). par: trials that may run at once. */
VC_HIDDEN int  vc_search_psnr(const vc_vband *b, vc_video_cfg cfg, double target_db,
                              int par, vc_trial *best, char *err, size_t errsz);
/* Bound modes: the QP whose video plus residual is smallest. */
VC_HIDDEN int  vc_search_smallest(const vc_vband *b, vc_video_cfg cfg, int par,
                                  vc_trial *best, char *err, size_t errsz);

/* ---- compress.c / band_encode.c / rate.c: the encoder's plan ---- */
#define BANDHDR_BYTES 43     /* payload of a BAND section */
typedef struct vc_job {
    vc_buf         out;          /* this channel's sections */
    size_t         nsec;         /* how many */
    vc_band_report rep;
    int            status;
    char           err[200];
} vc_job;

typedef struct vc_plan {
    const vc_params *p;
    vc_geom          g;
    const void      *src;
    vc_maskspec      ms;
    size_t           n, nbits;   /* pixels per channel, bytes of a bitmap */
    uint8_t         *bits;       /* C bitmaps */
    size_t          *n_masked;
    int             *ref;        /* channel with the identical bitmap, or -1 */
    int              par;        /* quantiser trials one channel may run at once */
    int             *rate_qp;    /* rate mode: QP per channel (rate.c) */
    double          *rate_step;  /* rate mode: residual step per channel, 0 = none */
    double          *rate_cover; /* rate mode: residual cover per channel */
    int             *xactive;    /* transform: channel's index in it, or -1 */
    vc_transform     xused;      /* the transform actually used */
    double           klt_link;   /* KLT: correlation that groups channels */
    vc_buf           xsec;       /* its XFRM and latent sections */
    size_t           xsec_n;     /* how many sections */
} vc_plan;

/* Bytes a channel of n values of esize bytes may take at most. */
VC_HIDDEN size_t vc_band_limit(size_t n, size_t esize);
/* Code channel c into job (status and message in the job). */
VC_HIDDEN void   vc_band_encode(const vc_plan *pl, size_t c, vc_job *job);
/* Channel c's values and mask (T*Y*X each) and its valid range. */
VC_HIDDEN void   vc_band_values(const vc_plan *pl, size_t c, double *v, uint8_t *m,
                                double *min, double *max, size_t *n_valid);
/* The layer a channel must honour under the plan's mode. */
VC_HIDDEN int    vc_band_layer(const vc_plan *pl, size_t c, double min, double max,
                               vc_layer *L, char *err, size_t errsz);
/* Normalise, in-paint (v is changed) and pad a channel for the codec. */
VC_HIDDEN int    vc_prepare_video_band(const vc_plan *pl, double *v, const uint8_t *m,
                                       double min, double max, vc_vband *vb);
VC_HIDDEN void   vc_release_video_band(vc_vband *vb);
/* The BAND section of channel c and, after it, MASK (when bh->has_mask),
 * RES and EXC (when not empty). */
VC_HIDDEN int    vc_band_sections(const vc_plan *pl, size_t c, vc_job *job,
                                  const vc_bandhdr *bh, const vc_buf *res, const vc_buf *exc);
/* Code the channels with a range through the band transform p->transform:
 * fills pl->xsec, pl->xactive, pl->xused and the jobs of those channels.
 * With fewer than two such channels nothing is done (xused stays NONE). */
VC_HIDDEN int    vc_xform_compress(vc_plan *pl, vc_job *jobs, int threads,
                                   char *err, size_t errsz);
/* The KLT mixes channels within groups whose pairs all correlate at least
 * this much, or all of them (0); which of the two is chosen by a sample. */
#define VC_KLT_LINK 0.99
/* The transform (and KLT grouping) that gives the smallest stream on a
 * sample: among none, KLT (both groupings) and WAE for "auto", among the two
 * KLT groupings for "klt". */
VC_HIDDEN vc_transform vc_xform_choose(const vc_plan *pl, int threads, double *link);
/* Rate mode: choose rate_qp and rate_step for every channel so that the
 * whole stream lands within 5 % under the budget of p->target bpppb. */
VC_HIDDEN int    vc_rate_plan(vc_plan *pl, size_t head_bytes, int threads,
                              char *err, size_t errsz);

#endif /* VC_INTERNAL_H */
