/* context.c: the opaque context and its report of the last compression. */
#include "vc_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

vc_ctx *vc_ctx_create(const vc_params *params)
{
    vc_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    if (params)
        ctx->params = *params;
    else
        vc_params_init(&ctx->params);
    ctx->klt_link = -1;
    return ctx;
}

void vc_ctx_free(vc_ctx *ctx)
{
    if (!ctx)
        return;
    free(ctx->report);
    free(ctx);
}

int vc_ctx_set_params(vc_ctx *ctx, const vc_params *params)
{
    if (!ctx || !params)
        return VC_ERR_NULL;
    ctx->params = *params;
    return VC_OK;
}

const vc_params *vc_ctx_params(const vc_ctx *ctx)
{
    return ctx ? &ctx->params : NULL;
}

const char *vc_ctx_error(const vc_ctx *ctx)
{
    return ctx ? ctx->err : "no context";
}

int vc_fail(vc_ctx *ctx, int status, const char *fmt, ...)
{
    if (ctx) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ctx->err, sizeof ctx->err, fmt, ap);
        va_end(ap);
    }
    return status;
}

double vc_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int vc_ctx_threads(const vc_ctx *ctx)
{
    int n = ctx->params.threads;
    if (n <= 0) {
        const char *env = getenv("VIDCUBE_THREADS");
        n = env ? atoi(env) : 0;
    }
#ifdef _OPENMP
    if (n <= 0)
        n = omp_get_max_threads();
#endif
    return n > 0 ? n : 1;
}

size_t vc_report_nbands(const vc_ctx *ctx)
{
    return ctx ? ctx->nreport : 0;
}

int vc_report_band(const vc_ctx *ctx, size_t band, vc_band_report *out)
{
    if (!ctx || !out)
        return VC_ERR_NULL;
    if (band >= ctx->nreport)
        return VC_ERR_PARAM;
    *out = ctx->report[band];
    return VC_OK;
}

int vc_report_transform(const vc_ctx *ctx, vc_transform *used, double *fit_seconds)
{
    if (!ctx)
        return VC_ERR_NULL;
    if (used)
        *used = ctx->xused;
    if (fit_seconds)
        *fit_seconds = ctx->xseconds;
    return VC_OK;
}
