/* h5z_plugin.c: the only two symbols libh5z_vidcube.so exports. HDF5's
 * plugin loader (H5PL) dlopen()s every library in its plugin path and asks
 * each for its type and its filter class. */
#include <H5PLextern.h>

#include "h5z_vidcube.h"

H5PL_type_t H5PLget_plugin_type(void)
{
    return H5PL_TYPE_FILTER;
}

const void *H5PLget_plugin_info(void)
{
    return vc_h5z_class();
}
