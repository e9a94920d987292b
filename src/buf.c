/* buf.c: a growable byte buffer for writing streams and a bounds-checked
 * reader for parsing them. All multi-byte values are little-endian on the
 * wire, whatever the host, and doubles travel as their IEEE-754 bits. */
#include "vc_internal.h"

#include <stdlib.h>
#include <string.h>

void vc_buf_init(vc_buf *b)
{
    memset(b, 0, sizeof *b);
}

void vc_buf_free(vc_buf *b)
{
    free(b->p);
    vc_buf_init(b);
}

int vc_buf_reserve(vc_buf *b, size_t extra)
{
    if (b->failed)
        return VC_ERR_NOMEM;
    if (extra <= b->cap - b->n)
        return VC_OK;
    size_t want = b->n + extra;
    if (want < b->n) {             /* overflow */
        b->failed = 1;
        return VC_ERR_NOMEM;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < want)
        cap = cap > SIZE_MAX / 2 ? want : cap * 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) {
        b->failed = 1;
        return VC_ERR_NOMEM;
    }
    b->p = p;
    b->cap = cap;
    return VC_OK;
}

void vc_buf_put(vc_buf *b, const void *src, size_t n)
{
    if (n == 0 || vc_buf_reserve(b, n) != VC_OK)
        return;
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void put_le(vc_buf *b, uint64_t v, int bytes)
{
    uint8_t tmp[8];
    for (int i = 0; i < bytes; i++)
        tmp[i] = (uint8_t)(v >> (8 * i));
    vc_buf_put(b, tmp, (size_t)bytes);
}

void vc_buf_u8(vc_buf *b, unsigned v)   { put_le(b, v, 1); }
void vc_buf_u16(vc_buf *b, unsigned v)  { put_le(b, v, 2); }
void vc_buf_u32(vc_buf *b, uint32_t v)  { put_le(b, v, 4); }
void vc_buf_u64(vc_buf *b, uint64_t v)  { put_le(b, v, 8); }

void vc_buf_f64(vc_buf *b, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_le(b, bits, 8);
}

void vc_rd_init(vc_rd *r, const void *p, size_t n)
{
    r->p = p;
    r->n = n;
    r->pos = 0;
    r->err = 0;
}

const uint8_t *vc_rd_bytes(vc_rd *r, size_t n)
{
    if (r->err || n > r->n - r->pos) {
        r->err = 1;
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

static uint64_t get_le(vc_rd *r, int bytes)
{
    const uint8_t *p = vc_rd_bytes(r, (size_t)bytes);
    uint64_t v = 0;
    if (!p)
        return 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

unsigned vc_rd_u8(vc_rd *r)  { return (unsigned)get_le(r, 1); }
unsigned vc_rd_u16(vc_rd *r) { return (unsigned)get_le(r, 2); }
uint32_t vc_rd_u32(vc_rd *r) { return (uint32_t)get_le(r, 4); }
uint64_t vc_rd_u64(vc_rd *r) { return get_le(r, 8); }

double vc_rd_f64(vc_rd *r)
{
    uint64_t bits = get_le(r, 8);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

void vc_put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t vc_get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}
