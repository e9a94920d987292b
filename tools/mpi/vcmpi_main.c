/* vcmpi_main.c: vidcube-mpi, writing and reading a vidcube-compressed HDF5
 * dataset from many MPI ranks at once (parallel HDF5, the MPI build of the
 * filter plugin). See vcmpi.h and the README's "Scaling out" section.
 * Exit status: 0 success, 1 failure, 2 usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcmpi.h"

static const char usage[] =
    "usage: mpirun -n P vidcube-mpi write IN VAR OUT MODE [--roles TCYX..] [--split AXIS]\n"
    "                                [--chunk N,N,..] [--unaligned] [--independent]\n"
    "       mpirun -n P vidcube-mpi read FILE VAR [--raw OUT] [--split AXIS] [--unaligned]\n"
    "                                [--independent]\n"
    "  MODE: --psnr DB | --abs E | --rel R | --rate BITS | --qp N | --crf N | --lossless\n"
    "  --split AXIS  the axis divided among the ranks (default 0, the slowest)\n"
    "  --chunk       chunk extents, 0 = whole axis (default: the split axis divided\n"
    "                among the ranks, every other axis whole)\n"
    "  --unaligned   cut the split axis evenly, ignoring chunk boundaries\n"
    "  --independent independent transfers (HDF5 refuses them for filtered writes)\n"
    "  --raw OUT     save what was read, raw in native order (MPI-IO)\n"
    "The plugin is found through HDF5_PLUGIN_PATH (the MPI build,\n"
    "libh5z_vidcube_mpi.so); give it to remote ranks with mpirun -x.\n";

static const struct { const char *flag; vc_mode mode; } modes[] = {
    { "--psnr", VC_MODE_PSNR }, { "--abs", VC_MODE_ABS }, { "--rel", VC_MODE_REL },
    { "--rate", VC_MODE_RATE }, { "--qp", VC_MODE_QP },   { "--crf", VC_MODE_CRF },
};

/* A usage message, from rank 0 only. */
static int bad(const vcmpi_opts *o, const char *what, const char *arg)
{
    if (o->rank == 0)
        fprintf(stderr, "vidcube-mpi: %s%s%s\n%s", what, arg ? " " : "", arg ? arg : "", usage);
    return -1;
}

static int parse_chunk(vcmpi_opts *o, const char *text)
{
    char *end;
    o->nchunk = 0;
    for (const char *p = text; *p; p = end + (*end == ',')) {
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p || (*end && *end != ',') || o->nchunk == VC_MAX_RANK)
            return bad(o, "bad --chunk", text);
        o->chunk[o->nchunk++] = (hsize_t)v;
    }
    return o->nchunk ? 0 : bad(o, "bad --chunk", text);
}

static int parse_roles(const vcmpi_opts *o, const char *text, vc_axis *roles, int *nroles)
{
    *nroles = (int)strlen(text);
    if (*nroles < 1 || *nroles > VC_MAX_RANK || strspn(text, "TCYX") != strlen(text))
        return bad(o, "bad --roles (one of T C Y X per axis)", text);
    for (int i = 0; i < *nroles; i++)
        roles[i] = (vc_axis)text[i];
    return 0;
}

static int parse(int argc, char **argv, vcmpi_opts *o, int *writing)
{
    vc_params p;
    vc_axis roles[VC_MAX_RANK] = { VC_AXIS_DEFAULT };
    int nroles = 0, have_mode = 0, npos = 0;
    const char *pos[3] = { NULL };
    vc_params_init(&p);
    if (argc < 2 || (strcmp(argv[1], "write") && strcmp(argv[1], "read")))
        return bad(o, "expected a command, write or read", NULL);
    *writing = !strcmp(argv[1], "write");
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int mode = -1;
        for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
            if (!strcmp(a, modes[m].flag))
                mode = (int)m;
        if (mode >= 0 && *writing && v) {
            p.mode = modes[mode].mode;
            p.target = atof(v);
            have_mode++;
            i++;
        } else if (!strcmp(a, "--lossless") && *writing) {
            p.mode = VC_MODE_LOSSLESS;
            have_mode++;
        } else if (!strcmp(a, "--roles") && *writing && v) {
            if (parse_roles(o, argv[++i], roles, &nroles) < 0)
                return -1;
        } else if (!strcmp(a, "--chunk") && *writing && v) {
            if (parse_chunk(o, argv[++i]) < 0)
                return -1;
        } else if (!strcmp(a, "--split") && v) {
            o->split = atoi(argv[++i]);
            if (o->split < 0 || o->split >= VC_MAX_RANK)
                return bad(o, "bad --split", v);
        } else if (!strcmp(a, "--raw") && !*writing && v) {
            o->out = argv[++i];
        } else if (!strcmp(a, "--unaligned")) {
            o->unaligned = 1;
        } else if (!strcmp(a, "--independent")) {
            o->independent = 1;
        } else if (a[0] == '-' || npos == (*writing ? 3 : 2)) {
            return bad(o, "unexpected argument", a);
        } else {
            pos[npos++] = a;
        }
    }
    if (npos != (*writing ? 3 : 2))
        return bad(o, *writing ? "write needs IN VAR OUT" : "read needs FILE VAR", NULL);
    o->in = pos[0];
    o->var = pos[1];
    if (*writing) {
        o->out = pos[2];
        if (have_mode != 1)
            return bad(o, "write needs exactly one MODE", NULL);
        int rc = vc_cd_pack(&p, nroles ? roles : NULL, nroles, o->cd, VC_CD_NUSER, &o->ncd);
        if (rc != VC_OK)
            return bad(o, "bad filter parameters:", vc_strerror(rc));
    }
    return 0;
}

int main(int argc, char **argv)
{
    vcmpi_opts o;
    int writing = 0, rc = 2;
    memset(&o, 0, sizeof o);
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &o.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &o.nranks);
    /* Errors are printed with the rank (vcmpi_h5error), not once per HDF5
     * call by every rank. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (parse(argc, argv, &o, &writing) == 0)
        rc = (writing ? vcmpi_write(&o) : vcmpi_read(&o)) == 0 ? 0 : 1;
    /* Close HDF5 (and its MPI-IO files) before MPI goes away. */
    H5close();
    MPI_Finalize();
    return rc;
}
