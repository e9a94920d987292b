/* embed_writer_example.c: the time-step writer from outside the source
 * tree, against an installed copy:
 *
 *     cc embed_writer_example.c $(pkg-config --cflags --libs vidcube_nc) -o writer
 *     ./writer out.nc
 *
 * A model loop in miniature: 60 hourly steps of a 32 x 48 field appended one
 * at a time to an unlimited netCDF-4 variable in day-long chunks (the last,
 * 12 steps, written on close), then read back through the filter. Exit
 * status 0 when every chunk was written in one call and PSNR >= 45 dB. */
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <vidcube_writer.h>

#define NT 60
#define NY 32
#define NX 48

static int nc_check(int status, const char *what)
{
    if (status != NC_NOERR)
        fprintf(stderr, "%s: %s\n", what, nc_strerror(status));
    return status != NC_NOERR;
}

int main(int argc, char **argv)
{
    static float field[NT][NY][NX], back[NT][NY][NX];
    int ncid, dims[3], varid, rc;
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT.nc\n", argv[0]);
        return 2;
    }
    for (int t = 0; t < NT; t++)
        for (int y = 0; y < NY; y++)
            for (int x = 0; x < NX; x++)
                field[t][y][x] = 275.0f + 0.01f * (float)((x - t / 2) * (x - t / 2)) +
                                 0.1f * (float)y;

    vc_params p;
    vc_params_init(&p);
    p.mode = VC_MODE_PSNR;
    p.target = 45;
    vc_writer *w = vc_writer_create();
    if (!w || nc_check(nc_create(argv[1], NC_NETCDF4 | NC_CLOBBER, &ncid), "nc_create") ||
        nc_check(nc_def_dim(ncid, "time", NC_UNLIMITED, &dims[0]), "nc_def_dim") ||
        nc_check(nc_def_dim(ncid, "lat", NY, &dims[1]), "nc_def_dim") ||
        nc_check(nc_def_dim(ncid, "lon", NX, &dims[2]), "nc_def_dim") ||
        nc_check(nc_def_var(ncid, "tas", NC_FLOAT, 3, dims, &varid), "nc_def_var"))
        return 1;
    rc = vc_writer_def_nc(w, ncid, varid, 24, &p);
    if (rc == VC_OK && nc_check(nc_enddef(ncid), "nc_enddef"))
        return 1;
    if (rc == VC_OK)
        rc = vc_writer_open_nc(w, ncid, varid);
    for (int t = 0; rc == VC_OK && t < NT; t++)
        rc = vc_writer_append(w, VC_FLOAT32, field[t], 1);
    if (rc == VC_OK)
        rc = vc_writer_close(w);
    vc_writer_stats s;
    vc_writer_stats_get(w, &s);
    if (rc != VC_OK) {
        fprintf(stderr, "%s: %s\n", vc_strerror(rc), vc_writer_error(w));
        return 1;
    }
    vc_writer_free(w);
    if (nc_check(nc_close(ncid), "nc_close") ||         /* the filter may fail here */
        nc_check(nc_open(argv[1], NC_NOWRITE, &ncid), "nc_open") ||
        nc_check(nc_get_var_float(ncid, varid, &back[0][0][0]), "nc_get_var_float") ||
        nc_check(nc_close(ncid), "nc_close"))
        return 1;

    vc_array a = { .dtype = VC_FLOAT32, .rank = 3, .dims = { NT, NY, NX } };
    vc_quality q;
    vc_measure(&a, field, back, 0, 0, NULL, 0, &q);
    printf("%zu steps in %zu writes of whole chunks, PSNR %.2f dB\n", s.steps, s.writes, q.psnr_db);
    return s.steps == NT && s.writes == 3 && q.psnr_db >= 45 ? 0 : 1;
}
