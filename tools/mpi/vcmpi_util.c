/* vcmpi_util.c: messages, HDF5 error stacks, agreeing on failure, and the
 * MPI-IO property lists (see vcmpi.h). */
#include <stdarg.h>
#include <stdio.h>

#include "vcmpi.h"

static void vmessage(const vcmpi_opts *o, const char *fmt, va_list ap)
{
    fprintf(stderr, "vidcube-mpi: rank %d: ", o->rank);
    vfprintf(stderr, fmt, ap);
}

int vcmpi_error(const vcmpi_opts *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(o, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

/* Print each entry's description: the filter puts its reason there
 * ("vidcube filter: ..."), HDF5 its own ("can't open directory", ...). */
static herr_t print_entry(unsigned n, const H5E_error2_t *e, void *data)
{
    (void)n;
    (void)data;
    if (e->desc && e->desc[0])
        fprintf(stderr, "  %s (%s)\n", e->desc, e->func_name ? e->func_name : "?");
    return 0;
}

int vcmpi_h5error(const vcmpi_opts *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(o, fmt, ap);
    va_end(ap);
    fputs(":\n", stderr);
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, print_entry, NULL);
    return -1;
}

int vcmpi_all_ok(int ok)
{
    int all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all;
}

hid_t vcmpi_fapl(void)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL) < 0) {
        H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    return fapl;
}

hid_t vcmpi_dxpl(int independent)
{
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (dxpl >= 0 &&
        H5Pset_dxpl_mpio(dxpl, independent ? H5FD_MPIO_INDEPENDENT : H5FD_MPIO_COLLECTIVE) < 0) {
        H5Pclose(dxpl);
        return H5I_INVALID_HID;
    }
    return dxpl;
}

const char *vcmpi_type_name(hid_t type, char *out, size_t size)
{
    size_t bits = 8 * H5Tget_size(type);
    switch (H5Tget_class(type)) {
    case H5T_FLOAT:
        snprintf(out, size, "float%zu", bits);
        break;
    case H5T_INTEGER:
        snprintf(out, size, "%sint%zu", H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "", bits);
        break;
    default:
        snprintf(out, size, "non-numeric type");
    }
    return out;
}

const char *vcmpi_dims_text(int ndims, const hsize_t *dims, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < ndims && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%llu", i ? "x" : "",
                                 (unsigned long long)dims[i]);
    return out;
}
