/* cli_h5.c: what only HDF5 can say about a netCDF-4 file: how many bytes a
 * variable really takes on disk, and whether the vidcube filter can be
 * loaded. Files are opened read-only here only while netCDF does not have
 * them open (HDF5 refuses one file open twice with different settings). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

void cli_h5_quiet(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

int cli_h5_is_hdf5(const char *path)
{
    cli_h5_quiet();
    return H5Fis_hdf5(path) > 0;
}

/* netCDF-4 stores a variable that shares its name with a dimension but is
 * not its coordinate under a prefixed name. */
static hid_t open_dataset(hid_t file, const char *path)
{
    char name[1200];
    snprintf(name, sizeof name, "/%s", path);
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    if (d >= 0)
        return d;
    const char *base = cli_basename(path);
    snprintf(name, sizeof name, "/%.*s_nc4_non_coord_%s", (int)(base - path), path, base);
    return H5Dopen2(file, name, H5P_DEFAULT);
}

int cli_h5_storage(const char *file, char *const *paths, size_t n, double *bytes, cli_err *e)
{
    for (size_t i = 0; i < n; i++)
        bytes[i] = -1;
    if (!cli_h5_is_hdf5(file))
        return 0;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (f < 0)
        return cli_fail(e, CLI_EXIT_INPUT, "%s: HDF5 cannot open it to read storage sizes",
                        file);
    for (size_t i = 0; i < n; i++) {
        hid_t d = open_dataset(f, paths[i]);
        if (d >= 0) {
            bytes[i] = (double)H5Dget_storage_size(d);
            H5Dclose(d);
        }
    }
    H5Fclose(f);
    return 0;
}

int cli_h5_filter_available(void)
{
    cli_h5_quiet();
    /* Also looks in the plugin path, loading the plugin if it is there. */
    return H5Zfilter_avail(VC_H5Z_FILTER_ID) > 0;
}
