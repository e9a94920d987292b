/* h5z_set_local.c: complete the user's cd_values with what the filter
 * function will need but cannot ask HDF5 for: dtype, rank, chunk dims and
 * the fill value to mask (words 10..19, vidcube_filter.h).
 *
 * Edge chunks reach the filter padded to full size with the dataset's fill
 * value, so that value must be masked (restored exactly, never coded as
 * data). netCDF-4 always sets one (its _FillValue or the type's default). */
#include <math.h>

#include "h5z_internal.h"

/* The dataset's own fill value, if the user defined one and it is not NaN
 * (NaN is always masked). 1 found, 0 none, -1 HDF5 failure. */
static int dataset_fill(hid_t dcpl, double *fill)
{
    H5D_fill_value_t status;
    if (H5Pfill_value_defined(dcpl, &status) < 0)
        return -1;
    if (status != H5D_FILL_VALUE_USER_DEFINED)
        return 0;
    if (H5Pget_fill_value(dcpl, H5T_NATIVE_DOUBLE, fill) < 0)
        return -1;
    return isnan(*fill) ? 0 : 1;
}

herr_t vc_h5z_set_local(hid_t dcpl, hid_t type, hid_t space)
{
    (void)space;
    vc_h5z_setup s;
    if (vc_h5z_setup_read(dcpl, type, &s) != 1)
        return -1;

    vc_cd_local local = { .dtype = s.chunk.dtype, .rank = s.chunk.rank };
    for (int i = 0; i < s.chunk.rank; i++)
        local.chunk[i] = s.chunk.dims[i];
    if (s.params.has_fill) {
        local.has_fill = 1;
        local.fill = s.params.fill_value;
    } else {
        int found = dataset_fill(dcpl, &local.fill);
        if (found < 0) {
            VC_H5Z_PUSH(H5E_SETLOCAL, "cannot read the dataset's fill value");
            return -1;
        }
        local.has_fill = found;
    }

    int rc = vc_cd_set_local(s.cd, &local);
    if (rc != VC_OK) {
        VC_H5Z_PUSH(H5E_SETLOCAL, "cannot complete cd_values: %s", vc_strerror(rc));
        return -1;
    }
    if (H5Pmodify_filter(dcpl, VC_H5Z_FILTER_ID, s.flags, VC_CD_NALL, s.cd) < 0) {
        VC_H5Z_PUSH(H5E_SETLOCAL, "cannot store the completed cd_values");
        return -1;
    }
    return 0;
}
