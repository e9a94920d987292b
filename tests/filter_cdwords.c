/* filter_cdwords.c: print the filter id, or the user cd_values words
 * (0..9, comma-separated) for the shell tests' h5repack and nccopy
 * strings, built by the library's vc_cd_pack so no test hard-codes them.
 *   filter_cdwords id
 *   filter_cdwords psnr|qp|crf|lossless TARGET [fill=VALUE] [roles=TCYX..] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vidcube_filter.h"

static int mode_of(const char *name, vc_mode *m)
{
    static const struct { const char *name; vc_mode mode; } modes[] = {
        { "psnr", VC_MODE_PSNR }, { "qp", VC_MODE_QP }, { "crf", VC_MODE_CRF },
        { "lossless", VC_MODE_LOSSLESS },
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (!strcmp(name, modes[i].name)) {
            *m = modes[i].mode;
            return 0;
        }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "id")) {
        printf("%d\n", VC_H5Z_FILTER_ID);
        return 0;
    }
    vc_params p;
    vc_params_init(&p);
    vc_axis roles[VC_MAX_RANK] = { VC_AXIS_DEFAULT };
    int rank = 0;
    if (argc < 3 || mode_of(argv[1], &p.mode) != 0) {
        fprintf(stderr, "usage: %s id | psnr|qp|crf|lossless TARGET [fill=V] [roles=TCYX]\n",
                argv[0]);
        return 2;
    }
    p.target = atof(argv[2]);
    for (int i = 3; i < argc; i++) {
        if (!strncmp(argv[i], "fill=", 5)) {
            p.has_fill = 1;
            p.fill_value = atof(argv[i] + 5);
        } else if (!strncmp(argv[i], "roles=", 6) && strlen(argv[i] + 6) <= VC_MAX_RANK) {
            for (rank = 0; argv[i][6 + rank]; rank++)
                roles[rank] = (vc_axis)argv[i][6 + rank];
        } else {
            fprintf(stderr, "%s: unknown argument %s\n", argv[0], argv[i]);
            return 2;
        }
    }
    unsigned cd[VC_CD_NUSER];
    size_t n = 0;
    int rc = vc_cd_pack(&p, rank ? roles : NULL, rank, cd, VC_CD_NUSER, &n);
    if (rc != VC_OK) {
        fprintf(stderr, "%s: %s\n", argv[0], vc_strerror(rc));
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        printf("%s%u", i ? "," : "", cd[i]);
    printf("\n");
    return 0;
}
