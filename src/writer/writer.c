/* writer.c: the time-step writer's buffering, independent of the file
 * format. Steps collect in memory until they fill one run of chunks along
 * time (chunk_steps steps, or what is left of a fixed-length axis); the run
 * is then handed to the back end in one write that covers whole chunks, so
 * HDF5 never has to read a chunk back, decode it and encode it again. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5z_vidcube.h"
#include "vidcube_filter.h"
#include "writer_internal.h"

vc_writer *vc_writer_create(void)
{
    return calloc(1, sizeof(vc_writer));
}

void vc_writer_free(vc_writer *w)
{
    if (!w)
        return;
    if (w->be)
        vc_writer_close(w);
    free(w->buffer);
    free(w);
}

const char *vc_writer_error(const vc_writer *w)
{
    return w ? w->err : "no writer (vc_writer_create returned NULL: out of memory)";
}

int writer_fail(vc_writer *w, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
    return status;
}

int writer_register(vc_writer *w)
{
    if (vc_h5z_register() < 0) {
        char why[512];
        return writer_fail(w, VC_ERR_GENERIC, "cannot register the vidcube HDF5 filter: %s",
                           writer_h5_reason(why, sizeof why));
    }
    return VC_OK;
}

int writer_cd(vc_writer *w, const vc_params *params, unsigned int *cd, size_t *n)
{
    char why[256];
    if (!params)
        return writer_fail(w, VC_ERR_NULL, "no parameters (vc_params_init fills the defaults)");
    if (vc_params_check(params, why, sizeof why) != VC_OK)
        return writer_fail(w, VC_ERR_PARAM, "bad parameters: %s", why);
    int rc = vc_cd_pack(params, NULL, 0, cd, VC_CD_NUSER, n);
    if (rc != VC_OK)
        return writer_fail(w, rc, "these parameters cannot be written as filter words: %s",
                           vc_strerror(rc));
    return VC_OK;
}

int writer_attach(vc_writer *w, const writer_backend *be, int rank, const size_t *dims,
                  vc_dtype dtype, size_t chunk_steps, size_t first, const char *what)
{
    size_t values = 1;
    for (int i = 1; i < rank; i++) {
        if (dims[i] && values > (size_t)-1 / dims[i])
            return writer_fail(w, VC_ERR_LIMIT, "%s: one time step has too many values", what);
        values *= dims[i];
    }
    size_t esize = vc_dtype_size(dtype);
    if (chunk_steps == 0 || values == 0 || values > (size_t)-1 / esize / chunk_steps)
        return writer_fail(w, VC_ERR_LIMIT, "%s: a run of %zu steps does not fit in memory",
                           what, chunk_steps);
    if (first % chunk_steps)
        return writer_fail(w, VC_ERR_PARAM,
                           "%s already has %zu steps, which ends inside a chunk of %zu steps: "
                           "appending would decode that chunk and encode it again (losing "
                           "quality). Start a new variable or file, or append to one whose "
                           "length is a multiple of %zu", what, first, chunk_steps, chunk_steps);
    free(w->buffer);
    w->buffer = NULL;
    w->be = be;
    w->rank = rank;
    memcpy(w->dims, dims, (size_t)rank * sizeof *dims);
    w->dtype = dtype;
    w->esize = esize;
    w->step_values = values;
    w->step_bytes = values * esize;
    w->chunk_steps = chunk_steps;
    w->first_step = w->run_start = first;
    w->nbuf = w->steps = w->writes = 0;
    w->err[0] = '\0';
    return VC_OK;
}

/* Steps in the run being filled: a whole chunk, or what is left of a fixed
 * time axis (HDF5 stores the edge chunk padded with the fill value). */
static size_t run_steps(const vc_writer *w)
{
    if (w->dims[0] && w->dims[0] - w->run_start < w->chunk_steps)
        return w->dims[0] - w->run_start;
    return w->chunk_steps;
}

static int write_run(vc_writer *w, size_t nsteps, const void *data)
{
    int rc = w->be->write(w, w->run_start, nsteps, data);
    if (rc != VC_OK)
        return rc;
    w->run_start += nsteps;
    w->writes++;
    return VC_OK;
}

int vc_writer_append(vc_writer *w, vc_dtype dtype, const void *data, size_t nsteps)
{
    if (!w)
        return VC_ERR_NULL;
    if (!w->be)
        return writer_fail(w, VC_ERR_PARAM, "the writer is not open: call vc_writer_open_nc "
                           "or vc_writer_open_h5 first");
    if (dtype != w->dtype)
        return writer_fail(w, VC_ERR_DTYPE, "steps of %s given, but the variable holds %s: "
                           "convert them first", vc_dtype_name(dtype), vc_dtype_name(w->dtype));
    if (nsteps && !data)
        return writer_fail(w, VC_ERR_NULL, "no data");
    size_t at = w->run_start + w->nbuf;
    if (w->dims[0] && nsteps > w->dims[0] - at)
        return writer_fail(w, VC_ERR_LIMIT, "%zu steps given, but the fixed time axis has room "
                           "for %zu more (of %zu): make it unlimited to append without end",
                           nsteps, w->dims[0] - at, w->dims[0]);
    const unsigned char *src = data;
    w->err[0] = '\0';
    while (nsteps) {
        size_t run = run_steps(w), take;
        int rc;
        if (w->nbuf == 0 && nsteps >= run) {        /* a whole run given: no copy */
            take = run;
            rc = write_run(w, run, src);
        } else {
            if (!w->buffer && !(w->buffer = malloc(w->chunk_steps * w->step_bytes)))
                return writer_fail(w, VC_ERR_NOMEM, "cannot allocate %zu bytes for %zu steps",
                                   w->chunk_steps * w->step_bytes, w->chunk_steps);
            take = run - w->nbuf < nsteps ? run - w->nbuf : nsteps;
            memcpy(w->buffer + w->nbuf * w->step_bytes, src, take * w->step_bytes);
            w->nbuf += take;
            rc = VC_OK;
            if (w->nbuf == run && (rc = write_run(w, run, w->buffer)) == VC_OK)
                w->nbuf = 0;
        }
        if (rc != VC_OK)
            return rc;
        w->steps += take;
        src += take * w->step_bytes;
        nsteps -= take;
    }
    return VC_OK;
}

int vc_writer_close(vc_writer *w)
{
    if (!w)
        return VC_ERR_NULL;
    if (!w->be)
        return VC_OK;
    int rc = VC_OK;
    if (w->nbuf && (rc = write_run(w, w->nbuf, w->buffer)) == VC_OK)
        w->nbuf = 0;
    w->be->release(w);
    w->be = NULL;
    w->nbuf = 0;                /* written, or lost with the failure reported */
    free(w->buffer);
    w->buffer = NULL;
    return rc;
}

int vc_writer_stats_get(const vc_writer *w, vc_writer_stats *s)
{
    if (!w || !s)
        return VC_ERR_NULL;
    memset(s, 0, sizeof *s);
    s->dtype = w->dtype;
    s->step_values = w->step_values;
    s->chunk_steps = w->chunk_steps;
    s->first_step = w->first_step;
    s->steps = w->steps;
    s->buffered = w->nbuf;
    s->writes = w->writes;
    s->buffer_bytes = w->buffer ? w->chunk_steps * w->step_bytes : 0;
    return VC_OK;
}
