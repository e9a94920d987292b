/* h5z_set_local.c: complete the user's cd_values with what the filter
 * function will need but cannot ask HDF5 for: dtype, rank, chunk dims and
 * the value to mask (words 10..19, vidcube_filter.h).
 *
 * Partial edge chunks reach the filter padded to full size: with the
 * dataset's fill value when the user defined one, with zeros otherwise
 * (HDF5's default fill; also when the fill time is NEVER). Whatever the
 * padding is must be masked, or the codec spends its quality on it: a 0 K
 * border around 2 m temperatures cost 13 dB of a 45 dB target. HDF5 gives
 * set_local the chunk's dataspace, not the dataset's, so we cannot tell
 * whether any chunk will be partial; masking is exact (masked values come
 * back bit for bit), so masking a genuine value costs mask bits, never
 * accuracy. The value masked is:
 *   1. the user's fill (cd word 7 bit 0, words 8-9), else
 *   2. the value masked before, when all 20 words come back: a copy
 *      (nccopy, h5repack) carries the old data, missing-value markers
 *      included, and nccopy writes NOFILL datasets that have no fill value
 *      of their own (OSTIA's -32768 land would be coded as data: 28.7 dB
 *      instead of 45), else
 *   3. the dataset's user-defined fill value (netCDF-4 sets it from
 *      _FillValue or the type's default fill), else
 *   4. zero, HDF5's default fill value.
 * A NaN fill needs no entry: the library always masks NaN. */
#include <math.h>

#include "h5z_internal.h"

/* Rules 3 and 4. Returns 0, or -1 on an HDF5 failure. */
static int dataset_fill(hid_t dcpl, vc_cd_local *local)
{
    H5D_fill_value_t status;
    double fill = 0.0;
    if (H5Pfill_value_defined(dcpl, &status) < 0)
        return -1;
    if (status == H5D_FILL_VALUE_USER_DEFINED &&
        H5Pget_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) < 0)
        return -1;
    local->has_fill = !isnan(fill);
    local->fill = isnan(fill) ? 0.0 : fill;
    return 0;
}

herr_t vc_h5z_set_local(hid_t dcpl, hid_t type, hid_t space)
{
    (void)space;   /* the chunk's extent, not the dataset's (HDF5 1.10) */
    vc_h5z_setup s;
    if (vc_h5z_setup_read(dcpl, type, &s) != 1)
        return -1;

    vc_cd_local local = { .dtype = s.chunk.dtype, .rank = s.chunk.rank };
    for (int i = 0; i < s.chunk.rank; i++)
        local.chunk[i] = s.chunk.dims[i];
    if (s.params.has_fill) {
        local.has_fill = 1;
        local.fill = s.params.fill_value;
    } else if (s.has_local) {
        local.has_fill = s.local.has_fill;
        local.fill = s.local.fill;
    } else if (dataset_fill(dcpl, &local) < 0) {
        VC_H5Z_PUSH(H5E_SETLOCAL, "cannot read the dataset's fill value");
        return -1;
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
