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

/* The filter's class, as H5PLget_plugin_info hands it to HDF5. Its name
 * reads "vidcube <version> (format <stream format>)". */
const H5Z_class2_t *vc_h5z_class(void);

/* Register the filter with this process's HDF5 library. Returns 0, or a
 * negative value with the reason on HDF5's error stack. Registering again
 * (or when the plugin was already loaded) is harmless. */
int vc_h5z_register(void);

#endif /* H5Z_VIDCUBE_H */
