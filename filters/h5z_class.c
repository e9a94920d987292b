/* h5z_class.c: the filter's H5Z_class2_t and its in-process registration.
 *
 * The name is made from the version macros at compile time, not from
 * vc_version_string()/vc_stream_format() at run time: HDF5 keeps the
 * pointer for the life of the process, and a run-time string would need
 * mutable static storage. tests/filter_capi.c checks that the two agree. */
#include "h5z_vidcube.h"
#include "h5z_internal.h"

#define VC_H5Z_STR_(x) #x
#define VC_H5Z_STR(x) VC_H5Z_STR_(x)

static const H5Z_class2_t vidcube_class = {
    H5Z_CLASS_T_VERS,
    (H5Z_filter_t)VC_H5Z_FILTER_ID,
    1,                              /* encoder present */
    1,                              /* decoder present */
    "vidcube " VC_VERSION_STRING " (format " VC_H5Z_STR(VC_STREAM_FORMAT) ")",
    vc_h5z_can_apply,
    vc_h5z_set_local,
    vc_h5z_filter,
};

const H5Z_class2_t *vc_h5z_class(void)
{
    return &vidcube_class;
}

int vc_h5z_register(void)
{
    return H5Zregister(&vidcube_class) < 0 ? -1 : 0;
}
