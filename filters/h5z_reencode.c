/* h5z_reencode.c: warn when a chunk is decoded and encoded again.
 *
 * When a time step is written into a chunk that HDF5 has already evicted
 * from its chunk cache, HDF5 reads the chunk back through the filter
 * (decode), patches the step in and hands it to the filter again (encode).
 * With a lossy mode every round trip loses quality (generation loss), and
 * every one costs a full decode and encode. HDF5 does not tell a filter
 * which chunk it is coding, so the filter recognises the pattern by
 * content: it keeps a fingerprint of every row (run along the last axis)
 * of the last few chunks it decoded. An encode whose chunk has the shape of
 * one of them, the same rows in the same places, and also rows that
 * differ, is that decoded chunk with new values patched in.
 *   - A chunk copied whole (h5repack, nccopy: one deliberate re-encode) has
 *     no differing rows and is not reported.
 *   - Constant rows (the fill value of steps not yet written) and rows
 *     shorter than 16 bytes are not compared.
 *   - The time axis must not be the last one (it is not, in CF order).
 *
 * This is the one piece of mutable process state in vidcube, and it lives
 * in the filter, never in libvidcube: the fingerprints of the last RECENT
 * decoded chunks and a "warned" flag, behind one mutex because HDF5 built
 * with thread safety may run filters from several threads. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5z_internal.h"
#include "h5z_reencode.h"

#define RECENT 8                  /* decoded chunks remembered */
#define MAX_ROWS ((size_t)1 << 18) /* larger chunks are not remembered: 2 MiB each */
#define MIN_ROW_BYTES 16

typedef struct decoded_chunk {
    vc_array  a;                  /* shape and dtype; rank 0: empty slot */
    size_t    nrows;
    uint64_t *row;                /* fingerprint per row, 0 for a constant row */
} decoded_chunk;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static decoded_chunk recent[RECENT];
static unsigned next_slot;
static int warned;

/* Bytes per row (the last axis), or 0 when rows are too short to tell
 * apart or the chunk is not what the description says. */
static size_t row_bytes(const vc_array *a, size_t nbytes)
{
    size_t esize = vc_dtype_size(a->dtype), row = a->dims[a->rank - 1] * esize;
    if (row < MIN_ROW_BYTES || nbytes != vc_array_nvalues(a) * esize || nbytes / row > MAX_ROWS)
        return 0;
    return row;
}

/* A 64-bit fingerprint, a word at a time; 0 for a constant row. */
static uint64_t fingerprint(const unsigned char *p, size_t n, size_t esize)
{
    if (memcmp(p, p + esize, n - esize) == 0)
        return 0;
    uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;
    for (; n >= 8; p += 8, n -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
    h ^= h >> 29;
    return h ? h : 1;
}

static uint64_t *fingerprints(const vc_array *a, const void *data, size_t nbytes, size_t *nrows)
{
    size_t row = row_bytes(a, nbytes), esize = vc_dtype_size(a->dtype);
    if (!row)
        return NULL;
    *nrows = nbytes / row;
    uint64_t *h = malloc(*nrows * sizeof *h);
    for (size_t i = 0; h && i < *nrows; i++)
        h[i] = fingerprint((const unsigned char *)data + i * row, row, esize);
    return h;
}

static int same_shape(const vc_array *x, const vc_array *y)
{
    return x->dtype == y->dtype && x->rank == y->rank &&
           !memcmp(x->dims, y->dims, (size_t)x->rank * sizeof x->dims[0]);
}

void vc_h5z_reencode_note(const vc_array *a, const void *decoded, size_t nbytes)
{
    size_t nrows = 0;
    uint64_t *h = fingerprints(a, decoded, nbytes, &nrows);
    if (!h)
        return;
    pthread_mutex_lock(&lock);
    decoded_chunk *slot = &recent[next_slot++ % RECENT];
    free(slot->row);
    *slot = (decoded_chunk){ *a, nrows, h };
    pthread_mutex_unlock(&lock);
}

/* Does the chunk about to be encoded (fingerprints h) look like decoded
 * chunk d with some rows replaced? */
static int patched(const decoded_chunk *d, const vc_array *a, const uint64_t *h, size_t nrows)
{
    size_t kept = 0, changed = 0;
    if (d->a.rank == 0 || !same_shape(&d->a, a) || d->nrows != nrows)
        return 0;
    for (size_t i = 0; i < nrows; i++)
        if (h[i] && h[i] == d->row[i])
            kept++;
        else if (h[i])
            changed++;
    return kept && changed;
}

void vc_h5z_reencode_check(const vc_array *a, const void *input, size_t nbytes)
{
    size_t nrows = 0;
    int tell = 0;
    pthread_mutex_lock(&lock);
    int done = warned;
    pthread_mutex_unlock(&lock);
    uint64_t *h = done ? NULL : fingerprints(a, input, nbytes, &nrows);
    if (!h)
        return;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < RECENT && !tell; i++)
        tell = patched(&recent[i], a, h, nrows);
    tell &= !warned;              /* another thread may have warned meanwhile */
    warned |= tell;
    pthread_mutex_unlock(&lock);
    free(h);
    if (tell) {
        char shape[128];
        fprintf(stderr,
                "vidcube filter: warning: a chunk (%s) that this process decoded is being "
                "encoded again with new values patched in. HDF5 evicted the partly written "
                "chunk from its chunk cache, so each further write into it costs a decode and "
                "an encode and, in lossy modes, loses quality again (generation loss). Write "
                "whole chunks (the vidcube time-step writer, vc_writer_append, does) or give "
                "the variable a chunk cache that holds every chunk being filled "
                "(nc_set_var_chunk_cache, H5Pset_chunk_cache). Reported once per process.\n",
                vc_h5z_describe(a, shape, sizeof shape));
    }
}

/* Give the fingerprints back when the process (or the plugin) goes. */
__attribute__((destructor)) static void forget_all(void)
{
    for (int i = 0; i < RECENT; i++) {
        free(recent[i].row);
        recent[i].row = NULL;
    }
}
