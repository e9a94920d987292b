/* cli_info.c: `vidcube info FILE`: per variable, its filters, the vidcube
 * parameters from cd_values, and the stream versions read from one raw
 * chunk (H5Dread_chunk, so no plugin is needed to look). A missing plugin
 * is named plainly: the file is then unreadable on this machine. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

static const char usage[] =
    "Usage: vidcube info FILE\n"
    "\n"
    "Show, per variable: type, shape, chunks, stored bytes and ratio, the\n"
    "filters; for vidcube-coded variables the parameters (cd_values) and the\n"
    "stream-format and writer versions of the first chunk's stream. Says so\n"
    "plainly when the vidcube HDF5 plugin cannot be found on this machine.\n"
    "\n"
    "Exit status: 0 shown, 3 input error.\n";

typedef struct info_ctx {
    int    plugin;           /* HDF5 can load the vidcube filter */
    size_t ncoded, nvars;
} info_ctx;

/* netCDF-4 keeps dimensions without coordinates as placeholder datasets. */
static int is_dimension_only(hid_t d)
{
    static const char tag[] = "This is a netCDF dimension but not a netCDF variable";
    if (H5Aexists(d, "NAME") <= 0)
        return 0;
    hid_t a = H5Aopen(d, "NAME", H5P_DEFAULT), t = H5Aget_type(a);
    int only = 0;
    if (H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t)) {
        size_t n = H5Tget_size(t);
        char *s = calloc(n + 1, 1);
        if (s && H5Aread(a, t, s) >= 0)
            only = strncmp(s, tag, sizeof tag - 1) == 0;
        free(s);
    }
    H5Tclose(t);
    H5Aclose(a);
    return only;
}

static const char *type_name(hid_t d, size_t *size)
{
    hid_t t = H5Dget_type(d);
    H5T_class_t cls = H5Tget_class(t);
    *size = H5Tget_size(t);
    int sign = cls == H5T_INTEGER && H5Tget_sign(t) == H5T_SGN_2;
    H5Tclose(t);
    if (cls == H5T_FLOAT)
        return *size == 4 ? "float32" : *size == 8 ? "float64" : "float";
    if (cls != H5T_INTEGER)
        return cls == H5T_STRING ? "string" : "other";
    static const char *names[2][4] = { { "uint8", "uint16", "uint32", "uint64" },
                                       { "int8", "int16", "int32", "int64" } };
    int k = *size == 1 ? 0 : *size == 2 ? 1 : *size == 4 ? 2 : 3;
    return names[sign][k];
}

static void show_cd(const unsigned *cd, size_t n)
{
    vc_params p;
    vc_axis roles[VC_MAX_RANK];
    vc_cd_local local;
    int has_local = 0;
    int rc = vc_cd_unpack(cd, n, &p, roles, &local, &has_local);
    if (rc != VC_OK) {
        printf("    parameters: unreadable cd_values (%zu words): %s\n", n, vc_strerror(rc));
        return;
    }
    char desc[64], r[32] = "default";
    if (roles[0] != VC_AXIS_DEFAULT && has_local)
        cli_roles_string(roles, local.rank, r, sizeof r);
    printf("    parameters: %s, %d-bit, preset %d, roles %s",
           cli_fidelity_describe(&p, desc, sizeof desc), p.bit_depth, p.preset, r);
    if (p.has_fill)
        printf(", fill %.17g", p.fill_value);
    printf("\n");
    if (has_local) {
        char shape[128];
        size_t dims[VC_MAX_RANK];
        for (int i = 0; i < local.rank; i++)
            dims[i] = local.chunk[i];
        printf("    set_local: %s chunk %s%s", vc_dtype_name(local.dtype),
               cli_shape_string(dims, local.rank, shape, sizeof shape),
               local.has_fill ? ", masks fill " : "");
        if (local.has_fill)
            printf("%.17g", local.fill);
        printf("\n");
    }
}

/* The band transform each chunk's stream was coded with ("auto" resolves
 * per chunk, and a transform may give way to plain coding where that is
 * smaller), from the headers of at most INFO_MAX_CHUNKS chunks: each read
 * costs the whole chunk. */
#define INFO_MAX_CHUNKS 256

static void show_transforms(hid_t d, int filter_index, hsize_t nchunks)
{
    cli_encode_stats st = { { 0 }, 0 };
    hsize_t looked = nchunks < INFO_MAX_CHUNKS ? nchunks : INFO_MAX_CHUNKS, read = 0;
    hid_t space = H5Dget_space(d);
    for (hsize_t i = 0; i < looked; i++) {
        hsize_t offset[H5S_MAX_RANK], size = 0;
        unsigned mask = 0;
        haddr_t addr;
        if (H5Dget_chunk_info(d, space, i, offset, &mask, &addr, &size) < 0 ||
            (mask & (1u << filter_index)))
            continue;
        void *buf = malloc(size ? size : 1);
        uint32_t fmask = 0;
        vc_stream_info si;
        if (buf && H5Dread_chunk(d, H5P_DEFAULT, offset, &fmask, buf) >= 0 &&
            vc_stream_info_read(buf, size, &si) == VC_OK &&
            (unsigned)si.transform <= VC_TRANSFORM_AUTO) {
            st.chunks[si.transform]++;
            read++;
        }
        free(buf);
    }
    H5Sclose(space);
    char desc[64];
    printf("    transform: %s (%llu of %llu chunks read)\n",
           read ? cli_encode_stats_describe(&st, desc, sizeof desc) : "-",
           (unsigned long long)read, (unsigned long long)nchunks);
}

/* The stream header of the first stored chunk. */
static void show_stream(hid_t d, int filter_index, int last)
{
    hsize_t nchunks = 0, offset[H5S_MAX_RANK];
    unsigned mask = 0;
    haddr_t addr;
    hsize_t size = 0;
    /* HDF5 1.10 takes no H5S_ALL here: the whole dataspace, explicitly. */
    hid_t space = H5Dget_space(d);
    int found = H5Dget_num_chunks(d, space, &nchunks) >= 0 && nchunks > 0 &&
                H5Dget_chunk_info(d, space, 0, offset, &mask, &addr, &size) >= 0;
    H5Sclose(space);
    if (!found) {
        printf("    stream: no chunk stored\n");
        return;
    }
    if (mask & (1u << filter_index)) {
        printf("    stream: the first chunk is stored without vidcube coding (filter skipped)\n");
        return;
    }
    if (!last) {
        printf("    stream: not shown (other filters follow vidcube in the pipeline)\n");
        return;
    }
    void *buf = malloc(size ? size : 1);
    uint32_t fmask = 0;
    vc_stream_info si;
    int rc = buf && H5Dread_chunk(d, H5P_DEFAULT, offset, &fmask, buf) >= 0
                 ? vc_stream_info_read(buf, size, &si) : VC_ERR_GENERIC;
    free(buf);
    if (rc != VC_OK) {
        printf("    stream: first chunk unreadable: %s\n", vc_strerror(rc));
        return;
    }
    vc_params p;
    vc_params_init(&p);
    p.mode = si.mode;
    p.target = si.target;
    p.transform = si.transform;
    char desc[64], shape[128], roles[32];
    unsigned w = si.writer_version;
    printf("    stream: format %u (this library reads up to %u), written by libvidcube "
           "%u.%u.%u; %s %s (%s), %zu channel%s, %s, %d-bit\n",
           si.format, vc_stream_format(), w / 10000, w / 100 % 100, w % 100,
           vc_dtype_name(si.array.dtype),
           cli_shape_string(si.array.dims, si.array.rank, shape, sizeof shape),
           cli_roles_string(si.array.roles, si.array.rank, roles, sizeof roles), si.nbands,
           si.nbands == 1 ? "" : "s", cli_fidelity_describe(&p, desc, sizeof desc),
           si.bit_depth);
    show_transforms(d, filter_index, nchunks);
}

static void show_filters(hid_t d, hid_t dcpl, info_ctx *c)
{
    int n = H5Pget_nfilters(dcpl);
    for (int i = 0; i < n; i++) {
        unsigned flags, cd[64], config;
        size_t ncd = 64;
        char name[128] = "";
        H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, sizeof name, name,
                                         &config);
        if (id != VC_H5Z_FILTER_ID) {
            printf("  filter %d %s", (int)id, name);
            for (size_t k = 0; k < ncd && k < 8; k++)
                printf("%s%u", k ? "," : " (", cd[k]);
            printf("%s\n", ncd ? ")" : "");
            continue;
        }
        c->ncoded++;
        printf("  filter %d vidcube%s\n", (int)id,
               c->plugin ? "" : "  ** cannot be decoded here: plugin not found **");
        show_cd(cd, ncd);
        show_stream(d, i, i == n - 1);
    }
}

static void show_dataset(hid_t d, const char *name, info_ctx *c)
{
    char shown[1024], shape[256], chunk[256] = "";
    const char *base = cli_basename(name), *tag = "_nc4_non_coord_";
    if (strncmp(base, tag, strlen(tag)) == 0)
        snprintf(shown, sizeof shown, "%.*s%s", (int)(base - name), name, base + strlen(tag));
    else
        snprintf(shown, sizeof shown, "%s", name);
    size_t elem, dims[H5S_MAX_RANK], cdims[H5S_MAX_RANK];
    const char *type = type_name(d, &elem);
    hid_t space = H5Dget_space(d), dcpl = H5Dget_create_plist(d);
    hsize_t h[H5S_MAX_RANK];
    int rank = H5Sget_simple_extent_dims(space, h, NULL);
    double nvalues = 1;
    for (int i = 0; i < rank; i++)
        nvalues *= (double)(dims[i] = (size_t)h[i]);
    if (H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_chunk(dcpl, H5S_MAX_RANK, h) == rank) {
        for (int i = 0; i < rank; i++)
            cdims[i] = (size_t)h[i];
        strcpy(chunk, "chunks ");
        cli_shape_string(cdims, rank, chunk + 7, sizeof chunk - 7);
    } else {
        strcpy(chunk, H5Pget_layout(dcpl) == H5D_COMPACT ? "compact" : "contiguous");
    }
    double stored = (double)H5Dget_storage_size(d);
    char sb[32];
    printf("%s  %s %s  %s  %s stored", shown, type,
           cli_shape_string(dims, rank < 0 ? 0 : rank, shape, sizeof shape), chunk,
           cli_bytes(stored, sb, sizeof sb));
    if (stored > 0)
        printf(", ratio %.2f", nvalues * (double)elem / stored);
    printf("\n");
    show_filters(d, dcpl, c);
    c->nvars++;
    H5Pclose(dcpl);
    H5Sclose(space);
}

static herr_t visit(hid_t root, const char *name, const H5L_info_t *li, void *ud)
{
    if (li->type != H5L_TYPE_HARD)
        return 0;
    hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
    if (obj < 0)
        return 0;
    if (H5Iget_type(obj) == H5I_DATASET && !is_dimension_only(obj))
        show_dataset(obj, name, ud);
    H5Oclose(obj);
    return 0;
}

int cmd_info(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return CLI_EXIT_OK;
    }
    if (argc != 2 || argv[1][0] == '-') {
        cli_error("expected one FILE. Try 'vidcube info --help'.");
        return CLI_EXIT_USAGE;
    }
    const char *path = argv[1];
    int kind = cli_sniff(path);
    if (kind <= 0) {
        cli_error("%s: %s", path, kind < 0 ? "cannot read it" : "not a netCDF or HDF5 file");
        return CLI_EXIT_INPUT;
    }
    if (kind == 1) {
        printf("%s: netCDF classic format: no HDF5 filters, nothing coded by vidcube\n", path);
        return CLI_EXIT_OK;
    }
    info_ctx c = { cli_h5_filter_available(), 0, 0 };
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (f < 0) {
        cli_error("%s: HDF5 cannot open it (truncated or damaged?)", path);
        return CLI_EXIT_INPUT;
    }
    printf("%s\nvidcube filter (HDF5 id %d): %s; libvidcube %s reads stream formats 1..%u\n",
           path, VC_H5Z_FILTER_ID, c.plugin ? "available" : "NOT FOUND", vc_version_string(),
           vc_stream_format());
    if (H5Lvisit(f, H5_INDEX_CRT_ORDER, H5_ITER_INC, visit, &c) < 0)
        H5Lvisit(f, H5_INDEX_NAME, H5_ITER_INC, visit, &c);
    H5Fclose(f);
    if (c.ncoded && !c.plugin)
        cli_warn("%zu variable%s of %s use%s the vidcube filter, but %s", c.ncoded,
                 c.ncoded == 1 ? "" : "s", path, c.ncoded == 1 ? "s" : "", cli_plugin_hint());
    return CLI_EXIT_OK;
}
