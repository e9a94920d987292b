/* xform_decode.c: the decoder's half of the band transforms. The latent
 * videos are decoded in parallel into their values (the same sample ->
 * value table the encoder used), the stored decoder maps them back to
 * wavelet-packet features, and the inverse packet gives each channel's
 * normalised reconstruction; decompress.c turns those into values and
 * applies the residual layer. */
#include "vc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct latent_out {
    double       *z;            /* sites of one latent */
    const double *lut;
    unsigned      maxcode;
    size_t        cY, cX, W;
} latent_out;

static int put_latent(void *opaque, size_t t, const uint16_t *plane)
{
    const latent_out *o = opaque;
    for (size_t i = 0; i < o->cY; i++)
        for (size_t j = 0; j < o->cX; j++) {
            unsigned q = plane[i * o->W + j];
            if (q > o->maxcode)
                return VC_ERR_CORRUPT;
            o->z[(t * o->cY + i) * o->cX + j] = o->lut[q];
        }
    return VC_OK;
}

static int decode_latent(const vc_xform *xf, int bit_depth, const vc_section *hdr,
                         const vc_section *vid, const vc_section *res, double *z,
                         char *err, size_t errsz)
{
    vc_bandhdr bh;
    size_t sites = vc_xform_sites(xf);
    int rc = vc_bandhdr_get(hdr->p, hdr->n, &bh);
    if (rc != VC_OK)
        return rc;
    if (bh.coder == VC_CODER_NONE) {            /* dropped: its mean, zero */
        if (vid->p || res->p)
            return VC_ERR_CORRUPT;
        memset(z, 0, sites * sizeof *z);
        return VC_OK;
    }
    if (bh.coder != VC_CODER_VIDEO || !vid->p || bh.has_mask)
        return VC_ERR_CORRUPT;
    vc_norm nm = bh.norm;
    nm.maxcode = (1u << bit_depth) - 1;
    double *lut = malloc(((size_t)nm.maxcode + 1) * sizeof *lut);
    if (!lut)
        return VC_ERR_NOMEM;
    for (unsigned q = 0; q <= nm.maxcode; q++)
        lut[q] = vc_norm_value(&nm, VC_FLOAT64, q);
    vc_frames f;
    vc_frames_geometry(&f, xf->T, xf->cY, xf->cX);
    latent_out o = { z, lut, nm.maxcode, xf->cY, xf->cX, f.W };
    rc = vc_h264_decode(vid->p, vid->n, f.W, f.H, f.T, bit_depth, put_latent, &o, err, errsz);
    free(lut);
    if (rc == VC_OK && res->p)
        rc = vc_layer_apply_values(z, sites, &nm, res->p, res->n);
    return rc;
}

int vc_xform_decompress(const vc_geom *g, int bit_depth, const vc_section *xfrm,
                        const vc_section *lhdr, const vc_section *lvid, const vc_section *lres,
                        int threads, double ***xhat, char *err, size_t errsz)
{
    vc_xform xf;
    int rc = vc_xform_get(xfrm->p, xfrm->n, g, &xf);
    if (rc != VC_OK) {
        vc_xform_free(&xf);
        return rc;
    }
    size_t K = xf.K, sites = vc_xform_sites(&xf), n = g->T * g->Y * g->X;
    for (size_t k = 0; k < VC_MAX_LATENTS; k++)
        if ((k < K) != (lhdr[k].p != NULL) || (k >= K && (lvid[k].p || lres[k].p))) {
            vc_xform_free(&xf);
            return VC_ERR_CORRUPT;
        }
    double **z = calloc(K, sizeof *z), *U = malloc(sites * xf.d * sizeof *U);
    double **out = calloc(g->C, sizeof *out);
    rc = z && U && out ? VC_OK : VC_ERR_NOMEM;
    for (size_t k = 0; rc == VC_OK && k < K; k++)
        if (!(z[k] = malloc(sites * sizeof **z)))
            rc = VC_ERR_NOMEM;
    char errs[VC_MAX_LATENTS][120];
    int status[VC_MAX_LATENTS];
    if (rc == VC_OK) {
#pragma omp parallel for schedule(dynamic) num_threads(vc_team(threads, K))
        for (size_t k = 0; k < K; k++) {
            errs[k][0] = '\0';
            status[k] = decode_latent(&xf, bit_depth, &lhdr[k], &lvid[k], &lres[k], z[k],
                                      errs[k], sizeof errs[k]);
        }
        for (size_t k = 0; k < K && rc == VC_OK; k++)
            if (status[k] != VC_OK) {
                rc = status[k];
                snprintf(err, errsz, "latent %zu: %s", k, errs[k][0] ? errs[k] : vc_strerror(rc));
            }
    }
    if (rc == VC_OK)
        rc = vc_xform_decode(&xf, (const double *const *)z, U);
    for (size_t a = 0; rc == VC_OK && a < xf.Ca; a++)
        if (!(out[xf.band[a]] = malloc(n * sizeof **out)))
            rc = VC_ERR_NOMEM;
    if (rc == VC_OK) {
#pragma omp parallel for schedule(dynamic) num_threads(vc_team(threads, xf.Ca)) reduction(min:rc)
        for (size_t a = 0; a < xf.Ca; a++) {
            int r = vc_xform_unfeatures(&xf, U, a, out[xf.band[a]]);
            if (r != VC_OK)
                rc = r;
        }
    }
    for (size_t k = 0; z && k < K; k++)
        free(z[k]);
    free(z);
    free(U);
    if (rc != VC_OK) {
        for (size_t c = 0; out && c < g->C; c++)
            free(out[c]);
        free(out);
        out = NULL;
    }
    *xhat = out;
    vc_xform_free(&xf);
    return rc;
}
