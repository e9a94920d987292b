/* filter_compare.c: check a vidcube-filtered variable against the sample
 * it was made from, for the shell tests (h5repack, nccopy):
 *  - the variable carries the vidcube filter (a tool that cannot load the
 *    plugin may silently write it unfiltered);
 *  - what HDF5 decodes through the plugin equals the library's own decode
 *    of the stored chunks, bit for bit;
 *  - every band reaches TARGET dB (vc_measure; the sample's fill value and
 *    NaN excluded and restored exactly), or, for TARGET "exact", every
 *    value is bit-identical to the sample.
 *   filter_compare SAMPLE NEW VAR TARGET|exact [ROLES] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_util.h"

/* The dataset's user-defined fill value (not NaN): what netCDF readers
 * treat as missing. */
static int sample_fill(const char *file, const char *var, double *fill)
{
    H5D_fill_value_t status = H5D_FILL_VALUE_UNDEFINED;
    hid_t fid = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(fid, var, H5P_DEFAULT), dcpl = H5Dget_create_plist(ds);
    *fill = 0.0;
    H5Pfill_value_defined(dcpl, &status);
    if (status == H5D_FILL_VALUE_USER_DEFINED)
        H5Pget_fill_value(dcpl, H5T_NATIVE_DOUBLE, fill);
    H5Pclose(dcpl);
    H5Dclose(ds);
    H5Fclose(fid);
    return status == H5D_FILL_VALUE_USER_DEFINED && !isnan(*fill);
}

static int has_vidcube(const char *file, const char *var)
{
    unsigned flags, cd[VC_CD_NALL];
    size_t n = VC_CD_NALL;
    hid_t fid = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(fid, var, H5P_DEFAULT), dcpl = H5Dget_create_plist(ds);
    herr_t rc = H5Pget_filter_by_id2(dcpl, VC_H5Z_FILTER_ID, &flags, &n, cd, 0, NULL, NULL);
    H5Pclose(dcpl);
    H5Dclose(ds);
    H5Fclose(fid);
    return rc >= 0 && n == VC_CD_NALL;
}

/* Worst band PSNR; *ok cleared when a band misses target or a mask differs. */
static double worst_band(const fu_dataset *orig, const fu_dataset *dec, const char *roles,
                         int has_fill, double fill, double target, int *ok)
{
    vc_array a = orig->a;
    for (int i = 0; roles && i < a.rank; i++)
        a.roles[i] = (vc_axis)roles[i];
    if (vc_array_check(&a) != VC_OK) {
        *ok = 0;
        return NAN;
    }
    size_t nb = 1;
    for (int i = 0; i < a.rank; i++)
        nb *= a.roles[i] == VC_AXIS_CHANNEL ? a.dims[i] : 1;
    vc_quality *q = calloc(nb, sizeof *q), all;
    double worst = HUGE_VAL;
    if (!q || vc_measure(&a, orig->data, dec->data, has_fill, fill, q, nb, &all) != VC_OK)
        *ok = 0;
    for (size_t b = 0; q && *ok && b < nb; b++) {
        if (q[b].n_valid == 0)
            continue;
        worst = fmin(worst, q[b].psnr_db);
        if (q[b].psnr_db < target || !q[b].mask_exact)
            *ok = 0;
    }
    if (q && !all.mask_exact)
        *ok = 0;
    printf("%zu bands, worst %.2f dB (target %.1f), %zu masked\n", nb, worst, target,
           q ? all.n_masked : 0);
    free(q);
    return worst;
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 6) {
        fprintf(stderr, "usage: %s SAMPLE NEW VAR TARGET|exact [ROLES]\n", argv[0]);
        return 2;
    }
    const char *sample = argv[1], *file = argv[2], *var = argv[3];
    if (!has_vidcube(file, var)) {
        fprintf(stderr, "%s:%s does not carry the vidcube filter (id %d)\n", file, var,
                VC_H5Z_FILTER_ID);
        return 1;
    }
    fu_dataset orig, through, direct;
    char errors[2048];
    if (fu_read(sample, var, &orig, NULL, 0) != 0 ||
        fu_read(file, var, &through, errors, sizeof errors) != 0 ||
        fu_decode_chunks(file, var, &direct) != 0) {
        fprintf(stderr, "cannot read %s:%s (%s)\n", file, var, errors);
        return 1;
    }
    size_t bytes = orig.n * vc_dtype_size(orig.a.dtype);
    int ok = through.n == orig.n && memcmp(through.data, direct.data, bytes) == 0;
    if (!ok)
        fprintf(stderr, "HDF5's read differs from the library's decode of the chunks\n");
    if (!strcmp(argv[4], "exact")) {
        ok = ok && memcmp(orig.data, through.data, bytes) == 0;
        printf("%s\n", ok ? "bit-exact" : "NOT bit-exact");
    } else {
        double fill;
        int has_fill = sample_fill(sample, var, &fill);
        worst_band(&orig, &through, argc == 6 ? argv[5] : NULL, has_fill, fill,
                   atof(argv[4]), &ok);
    }
    fu_free(&orig);
    fu_free(&through);
    fu_free(&direct);
    return ok ? 0 : 1;
}
