/* peer_bitround.c: what netCDF users already have: BitRound quantisation
 * (nc_def_var_quantize, netCDF >= 4.9) + shuffle + deflate level 4, the
 * way xarray writes with encoding={"quantize_mode": "BitRound", ...}.
 * A real netCDF-4 file is written and read back; the rate counts the
 * dataset's storage (H5Dget_storage_size), not the file's fixed metadata,
 * so small arrays are not charged for the HDF5 superblock.
 * NaN is the variable's _FillValue, which quantisation leaves alone. */
#include "bench.h"

#include <hdf5.h>
#include <math.h>
#include <netcdf.h>
#include <stdlib.h>
#include <string.h>

#define DEFLATE_LEVEL 4
#define CHUNK_VALUES  (256 * 1024)      /* 1 MiB of float32 */
#define VAR_NAME      "v"

static void file_path(const bench_env *env, char *path, size_t sz)
{
    snprintf(path, sz, "%s/bitround.nc", env->tmpdir);
}

/* Whole frames, then as many channels and time steps as fit in 1 MiB: a
 * frame-per-chunk layout would starve deflate on small frames. */
static void chunking(const bench_data *d, size_t *chunk)
{
    chunk[2] = d->Y;
    chunk[3] = d->X;
    size_t frame = d->Y * d->X, fit = frame < CHUNK_VALUES ? CHUNK_VALUES / frame : 1;
    chunk[1] = d->C < fit ? d->C : fit;
    fit = chunk[1] == d->C ? fit / d->C : 1;
    chunk[0] = d->T < fit ? d->T : (fit ? fit : 1);
}

static int nc_check(int st, const char *what, char *err, size_t errsz)
{
    if (st != NC_NOERR)
        snprintf(err, errsz, "netCDF %s: %s", what, nc_strerror(st));
    return st == NC_NOERR ? 0 : -1;
}

static int write_file(const char *path, const bench_data *d, int nsb,
                      char *err, size_t errsz)
{
    static const char *const names[4] = { "t", "c", "y", "x" };
    size_t len[4] = { d->T, d->C, d->Y, d->X }, chunk[4];
    int ncid, dims[4], varid, rc;
    chunking(d, chunk);
    if (nc_check(nc_create(path, NC_NETCDF4 | NC_CLOBBER, &ncid), "create", err, errsz))
        return -1;
    rc = 0;
    for (int k = 0; k < 4 && rc == 0; k++)
        rc = nc_check(nc_def_dim(ncid, names[k], len[k], &dims[k]), "def_dim", err, errsz);
    if (rc == 0)
        rc = nc_check(nc_def_var(ncid, VAR_NAME, NC_FLOAT, 4, dims, &varid), "def_var", err, errsz);
    if (rc == 0)
        rc = nc_check(nc_def_var_chunking(ncid, varid, NC_CHUNKED, chunk), "chunking", err, errsz);
    if (rc == 0 && d->n_masked) {
        float fill = NAN;
        rc = nc_check(nc_def_var_fill(ncid, varid, 0, &fill), "fill", err, errsz);
    }
    if (rc == 0)
        rc = nc_check(nc_def_var_deflate(ncid, varid, 1, 1, DEFLATE_LEVEL), "deflate", err, errsz);
    if (rc == 0)
        rc = nc_check(nc_def_var_quantize(ncid, varid, NC_QUANTIZE_BITROUND, nsb),
                      "quantize", err, errsz);
    if (rc == 0)
        rc = nc_check(nc_put_var_float(ncid, varid, d->v), "put_var", err, errsz);
    /* A failing filter only shows at close: check it. */
    int st = nc_close(ncid);
    if (rc == 0)
        rc = nc_check(st, "close", err, errsz);
    return rc;
}

static int storage_size(const char *path, size_t *bytes, char *err, size_t errsz)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = f >= 0 ? H5Dopen2(f, VAR_NAME, H5P_DEFAULT) : -1;
    *bytes = ds >= 0 ? (size_t)H5Dget_storage_size(ds) : 0;
    if (ds >= 0)
        H5Dclose(ds);
    if (f >= 0)
        H5Fclose(f);
    if (*bytes == 0)
        snprintf(err, errsz, "cannot read the storage size of %s", path);
    return *bytes ? 0 : -1;
}

static int encode(const bench_peer *p, const bench_env *env, const bench_data *d,
                  double setting, bench_blob *out, char *err, size_t errsz)
{
    char path[1100];
    file_path(env, path, sizeof path);
    if (write_file(path, d, (int)setting, err, errsz) != 0)
        return -1;
    (void)p;
    return storage_size(path, &out->stored, err, errsz);
}

static int decode(const bench_peer *p, const bench_env *env, const bench_data *d,
                  const bench_blob *in, float *out, char *err, size_t errsz)
{
    char path[1100];
    int ncid, varid;
    file_path(env, path, sizeof path);
    if (nc_check(nc_open(path, NC_NOWRITE, &ncid), "open", err, errsz))
        return -1;
    int rc = nc_check(nc_inq_varid(ncid, VAR_NAME, &varid), "inq_varid", err, errsz);
    if (rc == 0)
        rc = nc_check(nc_get_var_float(ncid, varid, out), "get_var", err, errsz);
    nc_close(ncid);
    (void)p;
    (void)d;
    (void)in;
    return rc;
}

/* Number of significant mantissa bits kept (float32 has 23). */
static const double nsb_sweep[] = {
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18, 20, 23
};

const bench_peer bench_peer_bitround = {
    .name = "bitround", .setting_name = "nsb (mantissa bits kept)",
    .about = "netCDF-4 BitRound + shuffle + deflate 4 (nc_def_var_quantize), chunks <= 1 MiB",
    .sweep = nsb_sweep, .nsweep = (int)(sizeof nsb_sweep / sizeof nsb_sweep[0]),
    .encode = encode, .decode = decode,
};
