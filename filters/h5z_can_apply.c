/* h5z_can_apply.c: HDF5 asks, when a dataset is created, whether the
 * filter can code it. Refusing here (with the reason on the error stack)
 * makes H5Dcreate fail, long before a chunk is written. */
#include "h5z_internal.h"

htri_t vc_h5z_can_apply(hid_t dcpl, hid_t type, hid_t space)
{
    (void)space;   /* the chunk, not the dataset extent, is what gets coded */
    vc_h5z_setup s;
    int ok = vc_h5z_setup_read(dcpl, type, &s);
    if (ok == 0)
        VC_H5Z_PUSH(H5E_CANAPPLY, "cannot be applied to this dataset");
    return ok;
}
