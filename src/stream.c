/* stream.c: the container. A stream is
 *
 *     "VCUB" | format (u8) | section ... | END section
 *
 * and every section is
 *
 *     tag (u8) | band (u16) | length (u32) | payload | CRC-32 (u32)
 *
 * with the CRC over tag, band, length and payload. The END section holds the
 * total stream size and the number of sections before it, so truncation,
 * appended bytes and any damaged byte are all detected before decoding.
 * All integers are little-endian; doubles are stored as their IEEE-754 bits. */
#include "vc_internal.h"

#include <math.h>
#include <string.h>

void vc_section_put(vc_buf *out, unsigned tag, unsigned band,
                    const void *payload, size_t n)
{
    if (n > UINT32_MAX) {
        out->failed = 1;          /* reported as out of memory: sections are bounded */
        return;
    }
    size_t start = out->n;
    vc_buf_u8(out, tag);
    vc_buf_u16(out, band);
    vc_buf_u32(out, (uint32_t)n);
    vc_buf_put(out, payload, n);
    if (out->failed)
        return;
    vc_buf_u32(out, vc_crc32(0, out->p + start, out->n - start));
}

int vc_walk_begin(vc_walk *w, const void *src, size_t n)
{
    memset(w, 0, sizeof *w);
    w->p = src;
    w->n = n;
    if (!src)
        return VC_ERR_NULL;
    if (n < 4)
        return n && memcmp(src, VC_MAGIC, n) == 0 ? VC_ERR_TRUNCATED : VC_ERR_NOT_VIDCUBE;
    if (memcmp(src, VC_MAGIC, 4) != 0)
        return VC_ERR_NOT_VIDCUBE;
    if (n < VC_PREAMBLE_SIZE)
        return VC_ERR_TRUNCATED;
    w->format = w->p[4];
    if (w->format == 0)
        return VC_ERR_CORRUPT;
    if (w->format > VC_STREAM_FORMAT)
        return VC_ERR_VERSION;
    w->pos = VC_PREAMBLE_SIZE;
    return VC_OK;
}

int vc_walk_next(vc_walk *w, vc_section *s)
{
    size_t left = w->n - w->pos;
    if (left < VC_SECTION_OVERHEAD)
        return VC_ERR_TRUNCATED;
    const uint8_t *h = w->p + w->pos;
    size_t len = vc_get_le32(h + 3);
    if (len > left - VC_SECTION_OVERHEAD)
        return VC_ERR_TRUNCATED;
    uint32_t crc = vc_get_le32(h + 7 + len);
    if (vc_crc32(0, h, 7 + len) != crc)
        return VC_ERR_CORRUPT;
    s->tag = h[0];
    s->band = (unsigned)h[1] | (unsigned)h[2] << 8;
    s->p = h + 7;
    s->n = len;
    w->pos += VC_SECTION_OVERHEAD + len;
    if (s->tag != VC_SEC_END) {
        w->count++;
        return 1;
    }
    vc_rd r;
    vc_rd_init(&r, s->p, s->n);
    uint64_t total = vc_rd_u64(&r);
    uint64_t count = vc_rd_u32(&r);
    if (r.err || r.pos != r.n || total != w->pos || count != w->count)
        return VC_ERR_CORRUPT;
    if (w->pos != w->n)
        return VC_ERR_CORRUPT;    /* bytes after the end */
    return 0;
}

void vc_header_put(vc_buf *out, const vc_header *h)
{
    vc_buf_u32(out, h->writer_version);
    vc_buf_u8(out, (unsigned)h->array.dtype);
    vc_buf_u8(out, (unsigned)h->array.rank);
    for (int i = 0; i < h->array.rank; i++) {
        vc_buf_u8(out, (unsigned)h->array.roles[i]);
        vc_buf_u64(out, h->array.dims[i]);
    }
    vc_buf_u8(out, (unsigned)h->mode);
    vc_buf_f64(out, h->target);
    vc_buf_u8(out, (unsigned)h->bit_depth);
    vc_buf_u8(out, (unsigned)h->preset);
    vc_buf_u8(out, (unsigned)h->transform);
    vc_buf_u8(out, (unsigned)h->has_fill);
    vc_buf_f64(out, h->fill);
}

int vc_header_get(const uint8_t *p, size_t n, vc_header *h)
{
    vc_rd r;
    vc_rd_init(&r, p, n);
    memset(h, 0, sizeof *h);
    h->writer_version = vc_rd_u32(&r);
    h->array.dtype = (vc_dtype)vc_rd_u8(&r);
    h->array.rank = (int)vc_rd_u8(&r);
    if (r.err || h->array.rank < 1 || h->array.rank > VC_MAX_RANK)
        return VC_ERR_CORRUPT;
    for (int i = 0; i < h->array.rank; i++) {
        h->array.roles[i] = (vc_axis)vc_rd_u8(&r);
        uint64_t d = vc_rd_u64(&r);
        if (d == 0 || d > VC_MAX_VALUES)
            return VC_ERR_CORRUPT;
        h->array.dims[i] = (size_t)d;
        if (h->array.roles[i] == VC_AXIS_DEFAULT)
            return VC_ERR_CORRUPT;
    }
    h->mode = (vc_mode)vc_rd_u8(&r);
    h->target = vc_rd_f64(&r);
    h->bit_depth = (int)vc_rd_u8(&r);
    h->preset = (int)vc_rd_u8(&r);
    h->transform = (vc_transform)vc_rd_u8(&r);
    h->has_fill = (int)vc_rd_u8(&r);
    h->fill = vc_rd_f64(&r);
    if (r.err || r.pos != r.n)
        return VC_ERR_CORRUPT;
    int rc = vc_array_check(&h->array);
    if (rc == VC_ERR_LIMIT)
        return rc;
    if (rc != VC_OK || h->mode < VC_MODE_PSNR || h->mode > VC_MODE_RATE ||
        (h->bit_depth != 8 && h->bit_depth != 10) || h->preset > 9 ||
        h->transform > VC_TRANSFORM_AUTO || h->has_fill > 1)
        return VC_ERR_CORRUPT;
    return VC_OK;
}

void vc_bandhdr_put(vc_buf *out, const vc_bandhdr *b)
{
    vc_buf_u8(out, (unsigned)b->coder);
    vc_buf_u8(out, (unsigned)b->has_mask);
    vc_buf_u8(out, b->qp < 0 ? 255u : (unsigned)b->qp);
    vc_buf_f64(out, b->norm.min);
    vc_buf_f64(out, b->norm.max);
    vc_buf_f64(out, b->norm.offset);
    vc_buf_f64(out, b->norm.scale);
    vc_buf_f64(out, b->constant);
}

int vc_bandhdr_get(const uint8_t *p, size_t n, vc_bandhdr *b)
{
    vc_rd r;
    vc_rd_init(&r, p, n);
    memset(b, 0, sizeof *b);
    b->coder = (vc_coder)vc_rd_u8(&r);
    b->has_mask = (int)vc_rd_u8(&r);
    unsigned qp = vc_rd_u8(&r);
    b->qp = qp == 255 ? -1 : (int)qp;
    b->norm.min = vc_rd_f64(&r);
    b->norm.max = vc_rd_f64(&r);
    b->norm.offset = vc_rd_f64(&r);
    b->norm.scale = vc_rd_f64(&r);
    b->constant = vc_rd_f64(&r);
    if (r.err || r.pos != r.n || b->coder > VC_CODER_TRANSFORM || b->has_mask > 1)
        return VC_ERR_CORRUPT;
    if (b->coder == VC_CODER_VIDEO &&
        (!isfinite(b->norm.offset) || !isfinite(b->norm.scale) ||
         !(b->norm.min <= b->norm.max) || b->qp < 0))
        return VC_ERR_CORRUPT;
    /* a transform's channel is rebuilt as min + (max - min) * x: a NaN or
     * infinite range would reach the integer conversion of the value */
    if (b->coder == VC_CODER_TRANSFORM &&
        (!isfinite(b->norm.min) || !isfinite(b->norm.max) || !(b->norm.min <= b->norm.max)))
        return VC_ERR_CORRUPT;
    return VC_OK;
}
