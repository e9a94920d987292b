/* cli_filter.c: the vidcube filter inside this process.
 *
 * Built with the filter's convenience library, the CLI registers the filter
 * itself, so `vidcube compress` works without HDF5_PLUGIN_PATH (readers of
 * its output still need the plugin). Without it, HDF5 must find the plugin. */
#include "cli.h"

#include <string.h>

#ifdef HAVE_H5ZVC
#include "h5z_vidcube.h"
#endif

#ifdef HAVE_H5ZVC
/* The filter's callback has no user pointer, and each conversion runs in
 * its own worker process: what it coded is counted here, per process. */
static cli_encode_stats seen;

static void observe(const vc_ctx *ctx, const vc_array *chunk, size_t stream_size)
{
    (void)chunk;
    (void)stream_size;
    vc_transform used = VC_TRANSFORM_NONE;
    double fit = 0;
    if (vc_report_transform(ctx, &used, &fit) != VC_OK)
        return;
    if ((unsigned)used <= VC_TRANSFORM_AUTO)
        seen.chunks[used]++;
    seen.fit_seconds += fit;
}

static size_t observed_filter(unsigned int flags, size_t cd_nelmts, const unsigned int cd[],
                              size_t nbytes, size_t *buf_size, void **buf)
{
    return vc_h5z_filter_observed(flags, cd_nelmts, cd, nbytes, buf_size, buf, observe);
}
#endif

void cli_filter_take_stats(cli_encode_stats *out)
{
#ifdef HAVE_H5ZVC
    *out = seen;
    memset(&seen, 0, sizeof seen);
#else
    memset(out, 0, sizeof *out);
#endif
}

const char *cli_encode_stats_describe(const cli_encode_stats *s, char *out, size_t size)
{
    size_t kinds = 0, len = 0;
    out[0] = '\0';
    for (int t = 0; t <= VC_TRANSFORM_AUTO; t++)
        kinds += s->chunks[t] > 0;
    for (int t = 0; t <= VC_TRANSFORM_AUTO && len < size; t++) {
        if (!s->chunks[t])
            continue;
        int n = kinds > 1 ? snprintf(out + len, size - len, "%s%s %zu", len ? ", " : "",
                                     vc_transform_name((vc_transform)t), s->chunks[t])
                          : snprintf(out + len, size - len, "%s", vc_transform_name((vc_transform)t));
        len += n > 0 ? (size_t)n : 0;
    }
    return out;
}

const char *cli_plugin_hint(void)
{
    return "the vidcube HDF5 plugin (filter id 330, libh5z_vidcube.so) was not found: "
           "install it (make install) or set HDF5_PLUGIN_PATH to its directory";
}

int cli_filter_ensure(cli_err *e)
{
    cli_h5_quiet();
#ifdef HAVE_H5ZVC
    /* the filter's own class, its function observed */
    static H5Z_class2_t cls;
    cls = *vc_h5z_class();
    cls.filter = observed_filter;
    if (H5Zregister(&cls) < 0)
        return cli_fail(e, CLI_EXIT_FAILURE, "cannot register the vidcube HDF5 filter");
    return 0;
#else
    if (cli_h5_filter_available())
        return 0;
    return cli_fail(e, CLI_EXIT_FAILURE, "%s", cli_plugin_hint());
#endif
}
