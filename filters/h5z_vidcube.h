/*
 * h5z_vidcube.h: the vidcube HDF5 filter for programs that register it
 * in-process (the CLI links libh5zvc.la) instead of having HDF5 load the
 * plugin (libh5z_vidcube.so) from its plugin directory.
 *
 * The filter id (VC_H5Z_FILTER_ID) and the cd_values layout are in
 * vidcube_filter.h; vc_cd_pack() there builds the words a user passes.
 */
#ifndef H5Z_VIDCUBE_H
#define H5Z_VIDCUBE_H

#include <hdf5.h>

#include "vidcube.h"

/* The filter's class, as H5PLget_plugin_info hands it to HDF5. Its name
 * reads "vidcube <version> (format <stream format>)". */
const H5Z_class2_t *vc_h5z_class(void);

/* Register the filter with this process's HDF5 library. Returns 0, or a
 * negative value with the reason on HDF5's error stack. Registering again
 * (or when the plugin was already loaded) is harmless. */
int vc_h5z_register(void);

/* What an in-process caller may learn of each chunk the filter encodes:
 * the context after vc_compress (vc_report_* work on it) and the stream's
 * size. The plugin never calls one; HDF5's callback has no user pointer,
 * so the caller keeps its own state. */
typedef void (*vc_h5z_encode_observer)(const vc_ctx *ctx, const vc_array *chunk,
                                       size_t stream_size);

/* The filter function, calling `observe` (may be NULL) after each chunk it
 * encodes. A program wraps it in its own H5Z_class2_t (a copy of
 * vc_h5z_class() with .filter replaced) to register an observed filter. */
size_t vc_h5z_filter_observed(unsigned int flags, size_t cd_nelmts,
                              const unsigned int cd_values[], size_t nbytes,
                              size_t *buf_size, void **buf, vc_h5z_encode_observer observe);

#endif /* H5Z_VIDCUBE_H */
