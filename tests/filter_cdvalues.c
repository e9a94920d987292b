/* filter_cdvalues.c: what the filter stores and what it refuses, checked
 * on datasets created through the plugin (HDF5_PLUGIN_PATH):
 * - the filter's name and availability;
 * - set_local's words 10..19 (dtype, rank, chunk, the value to mask) and
 *   its canonical words 0..9 for a short prefix;
 * - set_local is idempotent: the 20 stored words fed back (as nccopy and
 *   h5repack do) give the same words, with a new chunk if rechunked;
 * - can_apply / set_local refuse what cannot work, with a message on the
 *   HDF5 error stack, so H5Dcreate fails before any chunk is written. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter_util.h"
#include "testutil.h"

#define FILE_NAME "filter_cdvalues.h5"

/* Create dataset `name` in fid with the filter; 0 or -1. When msg is not
 * NULL it receives HDF5's error stack right after H5Dcreate2 (the next
 * API call would clear it). */
static int create_msg(hid_t fid, const char *name, hid_t type, int rank, const hsize_t *dims,
                      const hsize_t *chunk, const unsigned int *cd, size_t ncd,
                      const void *fill, char *msg, size_t msg_size)
{
    hid_t space = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, rank, chunk);
    if (fill)
        H5Pset_fill_value(dcpl, type, fill);
    H5Pset_filter(dcpl, VC_H5Z_FILTER_ID, H5Z_FLAG_MANDATORY, ncd, cd);
    hid_t ds = H5Dcreate2(fid, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (msg)
        fu_error_stack(msg, msg_size);
    H5Pclose(dcpl);
    H5Sclose(space);
    return ds < 0 ? -1 : (H5Dclose(ds) < 0 ? -1 : 0);
}

static int create(hid_t fid, const char *name, hid_t type, int rank, const hsize_t *dims,
                  const hsize_t *chunk, const unsigned int *cd, size_t ncd, const void *fill)
{
    return create_msg(fid, name, type, rank, dims, chunk, cd, ncd, fill, NULL, 0);
}

/* The filter's stored words and name for dataset `name`; returns count. */
static size_t stored(hid_t fid, const char *name, unsigned int cd[32], char *fname, size_t fsize)
{
    size_t n = 32;
    unsigned flags, config;
    hid_t ds = H5Dopen2(fid, name, H5P_DEFAULT), dcpl = H5Dget_create_plist(ds);
    if (H5Pget_filter_by_id2(dcpl, VC_H5Z_FILTER_ID, &flags, &n, cd, fsize, fname, &config) < 0)
        n = 0;
    H5Pclose(dcpl);
    H5Dclose(ds);
    return n;
}

static const hsize_t T2M[3] = { 168, 33, 49 }, WHOLE[3] = { 24, 33, 49 }, EDGES[3] = { 24, 16, 16 };

static void test_name(void)
{
    char want[64], name[128] = "";
    unsigned cd[32], cfg = 0;
    fu_cd_psnr(45, cd);
    snprintf(want, sizeof want, "vidcube %s (format %u)", vc_version_string(), vc_stream_format());
    hid_t fid = H5Fcreate(FILE_NAME, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CU_ASSERT_FATAL(create(fid, "v", H5T_NATIVE_FLOAT, 3, T2M, WHOLE, cd, 10, NULL) == 0);
    CU_ASSERT(stored(fid, "v", cd, name, sizeof name) == VC_CD_NALL);
    CU_ASSERT_STRING_EQUAL(name, want);
    CU_ASSERT(H5Zfilter_avail(VC_H5Z_FILTER_ID) > 0);
    CU_ASSERT(H5Zget_filter_info(VC_H5Z_FILTER_ID, &cfg) >= 0);
    CU_ASSERT(cfg & H5Z_FILTER_CONFIG_ENCODE_ENABLED);
    CU_ASSERT(cfg & H5Z_FILTER_CONFIG_DECODE_ENABLED);
    CU_ASSERT(H5Fclose(fid) >= 0);
    printf("\n    name \"%s\"", name);
}

/* Words 10..19 as vc_cd_unpack reads them back. */
static vc_cd_local local_of(const unsigned int *cd, size_t n)
{
    vc_params p;
    vc_cd_local l;
    int has = 0;
    memset(&l, 0, sizeof l);
    CU_ASSERT(vc_cd_unpack(cd, n, &p, NULL, &l, &has) == VC_OK);
    CU_ASSERT(has);
    return l;
}

static void test_local_words(void)
{
    unsigned user[10], cd[32];
    fu_cd_psnr(45, user);
    const short land = -32768;
    const float nan_fill = NAN;
    const hsize_t sst[3] = { 3, 180, 360 }, sst_chunk[3] = { 3, 64, 128 };
    hid_t fid = H5Fcreate(FILE_NAME, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CU_ASSERT_FATAL(create(fid, "nofill", H5T_NATIVE_FLOAT, 3, T2M, EDGES, user, 10, NULL) == 0);
    CU_ASSERT_FATAL(create(fid, "land", H5T_NATIVE_SHORT, 3, sst, sst_chunk, user, 10, &land) == 0);
    CU_ASSERT_FATAL(create(fid, "nan", H5T_NATIVE_FLOAT, 3, T2M, EDGES, user, 10, &nan_fill) == 0);

    CU_ASSERT_FATAL(stored(fid, "nofill", cd, NULL, 0) == VC_CD_NALL);
    CU_ASSERT(memcmp(cd, user, sizeof user) == 0);
    vc_cd_local l = local_of(cd, VC_CD_NALL);
    CU_ASSERT(l.dtype == VC_FLOAT32 && l.rank == 3);
    CU_ASSERT(l.chunk[0] == 24 && l.chunk[1] == 16 && l.chunk[2] == 16);
    CU_ASSERT(l.has_fill == 1 && l.fill == 0.0);        /* HDF5 pads with zeros */

    CU_ASSERT_FATAL(stored(fid, "land", cd, NULL, 0) == VC_CD_NALL);
    l = local_of(cd, VC_CD_NALL);
    CU_ASSERT(l.dtype == VC_INT16 && l.chunk[2] == 128);
    CU_ASSERT(l.has_fill == 1 && l.fill == -32768.0);   /* the dataset's fill */

    CU_ASSERT_FATAL(stored(fid, "nan", cd, NULL, 0) == VC_CD_NALL);
    l = local_of(cd, VC_CD_NALL);
    CU_ASSERT(l.has_fill == 0);                         /* NaN is always masked */
    CU_ASSERT(H5Fclose(fid) >= 0);
}

static void test_user_fill_wins(void)
{
    vc_params p;
    vc_params_init(&p);
    p.target = 45;
    p.has_fill = 1;
    p.fill_value = 280.5;
    unsigned user[10], cd[32];
    CU_ASSERT_FATAL(vc_cd_pack(&p, NULL, 0, user, 10, NULL) == VC_OK);
    const float dataset_fill = -1.0f;
    hid_t fid = H5Fcreate(FILE_NAME, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CU_ASSERT_FATAL(create(fid, "v", H5T_NATIVE_FLOAT, 3, T2M, WHOLE, user, 10, &dataset_fill) == 0);
    CU_ASSERT_FATAL(stored(fid, "v", cd, NULL, 0) == VC_CD_NALL);
    vc_cd_local l = local_of(cd, VC_CD_NALL);
    CU_ASSERT(l.has_fill == 1 && l.fill == 280.5);
    CU_ASSERT(H5Fclose(fid) >= 0);
}

static void test_short_prefix(void)
{
    unsigned full[10], cd[32];
    fu_cd_psnr(38.5, full);                 /* defaults packed by the library */
    hid_t fid = H5Fcreate(FILE_NAME, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CU_ASSERT_FATAL(create(fid, "v", H5T_NATIVE_FLOAT, 3, T2M, WHOLE, full, 4, NULL) == 0);
    CU_ASSERT_FATAL(stored(fid, "v", cd, NULL, 0) == VC_CD_NALL);
    CU_ASSERT(memcmp(cd, full, sizeof full) == 0);
    CU_ASSERT(H5Fclose(fid) >= 0);
}

/* Feed the stored words back, as nccopy and h5repack do, to datasets with
 * other fill settings (nccopy's copies have none): same chunk gives the
 * same words; a new chunk keeps words 0..9 and the masked value and
 * describes the new chunk. */
static void test_idempotent(void)
{
    unsigned user[10], a[32], b[32], c[32];
    const vc_axis roles[3] = { VC_AXIS_TIME, VC_AXIS_Y, VC_AXIS_X };
    const float fill_a = 250.0f, fill_c = -1.0f;
    vc_params p;
    vc_params_init(&p);
    p.target = 45;
    CU_ASSERT_FATAL(vc_cd_pack(&p, roles, 3, user, 10, NULL) == VC_OK);
    hid_t fid = H5Fcreate(FILE_NAME, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CU_ASSERT_FATAL(create(fid, "a", H5T_NATIVE_FLOAT, 3, T2M, WHOLE, user, 10, &fill_a) == 0);
    CU_ASSERT_FATAL(stored(fid, "a", a, NULL, 0) == VC_CD_NALL);
    CU_ASSERT_FATAL(create(fid, "b", H5T_NATIVE_FLOAT, 3, T2M, EDGES, a, VC_CD_NALL, NULL) == 0);
    CU_ASSERT_FATAL(create(fid, "c", H5T_NATIVE_FLOAT, 3, T2M, WHOLE, a, VC_CD_NALL, &fill_c) == 0);
    CU_ASSERT_FATAL(stored(fid, "b", b, NULL, 0) == VC_CD_NALL);
    CU_ASSERT_FATAL(stored(fid, "c", c, NULL, 0) == VC_CD_NALL);
    CU_ASSERT(memcmp(a, user, sizeof user) == 0);
    CU_ASSERT(local_of(a, VC_CD_NALL).fill == 250.0);
    CU_ASSERT(memcmp(c, a, VC_CD_NALL * sizeof *a) == 0);
    CU_ASSERT(memcmp(b, a, 12 * sizeof *a) == 0);           /* user words, dtype, rank */
    CU_ASSERT(b[12] == 24 && b[13] == 16 && b[14] == 16);
    CU_ASSERT(memcmp(b + 15, a + 15, 5 * sizeof *a) == 0);  /* the masked value travels */
    CU_ASSERT(H5Fclose(fid) >= 0);
}

/* ---- refusals ---- */

typedef struct {
    const char *what, *expect;    /* expect: a piece of the message; a leading
                                     '!' means HDF5 refuses before the filter
                                     is asked (variable-length data) */
    hid_t       type;             /* 0: native float */
    int         rank;             /* 0: 3 (t2m) */
    unsigned    cd[12];           /* all 0: valid words for 45 dB */
    size_t      ncd;              /* 0: 10 */
    unsigned    flags;            /* if not 0, replaces cd word 7 */
} refusal;

/* A 6-d extent and chunk for the rank test. */
static const hsize_t DIMS6[6] = { 2, 2, 2, 2, 16, 16 };

static void expect_refusal(const refusal *r)
{
    char msg[4096];
    hid_t fid = H5Fcreate(FILE_NAME, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    int rank = r->rank ? r->rank : 3;
    int rc = create_msg(fid, "v", r->type ? r->type : H5T_NATIVE_FLOAT, rank,
                        rank == 3 ? T2M : DIMS6, rank == 3 ? WHOLE : DIMS6, r->cd,
                        r->ncd ? r->ncd : 10, NULL, msg, sizeof msg);
    int by_hdf5 = r->expect[0] == '!';
    const char *expect = r->expect + by_hdf5;
    CU_ASSERT(rc < 0);
    CU_ASSERT(by_hdf5 || strstr(msg, "vidcube filter: ") != NULL);
    CU_ASSERT(strstr(msg, expect) != NULL);
    if (rc == 0 || !strstr(msg, expect) || getenv("VC_SHOW_MESSAGES"))
        printf("\n    %s: rc %d, stack: %s", r->what, rc, msg);
    CU_ASSERT(H5Fclose(fid) >= 0);
}

static void test_refusals(void)
{
    unsigned ok[10];
    fu_cd_psnr(45, ok);
    hid_t compound = H5Tcreate(H5T_COMPOUND, 8);
    H5Tinsert(compound, "a", 0, H5T_NATIVE_FLOAT);
    H5Tinsert(compound, "b", 4, H5T_NATIVE_FLOAT);
    hid_t vstring = H5Tcopy(H5T_C_S1);
    H5Tset_size(vstring, H5T_VARIABLE);
    hid_t vlen = H5Tvlen_create(H5T_NATIVE_FLOAT);

    refusal r[] = {
        { "compound", "compound data cannot be coded", compound, 0, { 0 }, 0, 0 },
        { "vlen string", "!not suitable for filters", vstring, 0, { 0 }, 0, 0 },
        { "vlen float", "!not suitable for filters", vlen, 0, { 0 }, 0, 0 },
        { "fixed string", "string data cannot be coded", H5T_C_S1, 0, { 0 }, 0, 0 },
        { "int64", "8-byte integers", H5T_NATIVE_INT64, 0, { 0 }, 0, 0 },
        { "big-endian", "non-native byte order", H5T_IEEE_F32BE, 0, { 0 }, 0, 0 },
        { "rank 6", "rank 6", 0, 6, { 0 }, 0, 0 },
        { "bad magic", "not the vidcube magic", 0, 0, { 0x12345678u, 1 }, 4, 0 },
        { "layout v2", "layout version 2", 0, 0, { (VC_CD_MAGIC << 16) | 2u, 1 }, 4, 0 },
        { "unknown mode", "unknown mode 99", 0, 0, { VC_CD_WORD0, 99 }, 4, 0 },
        { "PSNR 500", "out of range", 0, 0, { VC_CD_WORD0, 1, 0, 0x407f4000u }, 4, 0 },
        { "3 words", "3 cd_values words", 0, 0, { VC_CD_WORD0, 1, 0 }, 3, 0 },
        { "11 words", "11 cd_values words", 0, 0, { 0 }, 11, 0 },
        { "two Y axes", "cannot be coded", 0, 0, { 0 }, 10, 0x3u << 8 | 0x3u << 12 | 0x4u << 16 },
        { "role past rank", "role to axis 4", 0, 0, { 0 }, 10, 0x4u << (8 + 4 * 4) },
        { "fill flag, 8 words", "a fill value needs all 10", 0, 0, { 0 }, 8, VC_CD_FLAG_FILL },
    };
    size_t nr = sizeof r / sizeof r[0];
    for (size_t i = 0; i < nr; i++) {
        if (r[i].cd[0] == 0)
            memcpy(r[i].cd, ok, sizeof ok);
        if (r[i].flags)
            r[i].cd[7] = r[i].flags;
    }
    for (size_t i = 0; i < nr; i++)
        expect_refusal(&r[i]);
    H5Tclose(compound);
    H5Tclose(vstring);
    H5Tclose(vlen);
}

int main(void)
{
    fu_use_build_plugin();
    fu_quiet_errors();
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("cd_values, set_local, can_apply", NULL, NULL);
    CU_add_test(s, "name and availability", test_name);
    CU_add_test(s, "set_local adds dtype, rank, chunk, fill", test_local_words);
    CU_add_test(s, "the user's fill wins over the dataset's", test_user_fill_wins);
    CU_add_test(s, "a 4-word prefix is stored as 10 canonical words", test_short_prefix);
    CU_add_test(s, "set_local is idempotent", test_idempotent);
    CU_add_test(s, "can_apply refuses, with a message", test_refusals);
    int rc = tu_run_cunit();
    unlink(FILE_NAME);
    return rc;
}
