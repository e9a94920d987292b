/* fuzz_util.c: what the fuzz targets share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: broken promise: %s\n", file, line, what);
    abort();
}

/* CRC-32 (IEEE 802.3, reflected), as the stream's sections use. */
static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
    }
    return ~c;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

#define PREAMBLE 5          /* "VCUB", format */
#define OVERHEAD 11         /* tag u8, band u16, length u32, CRC u32 */
#define TAG_END 15

uint8_t *fuzz_repair(const uint8_t *in, size_t n, size_t *out_n)
{
    if (n < PREAMBLE)
        return NULL;
    uint8_t *out = malloc(n + OVERHEAD + 12);
    if (!out)
        return NULL;
    memcpy(out, in, n);
    size_t pos = PREAMBLE, count = 0;
    while (n - pos >= OVERHEAD) {
        uint8_t *h = out + pos;
        size_t len = (size_t)h[3] | (size_t)h[4] << 8 | (size_t)h[5] << 16 | (size_t)h[6] << 24;
        if (len > n - pos - OVERHEAD) {
            len = n - pos - OVERHEAD;
            put32(h + 3, (uint32_t)len);
        }
        if (h[0] == TAG_END)
            break;
        put32(h + 7 + len, crc32_ieee(h, 7 + len));
        pos += OVERHEAD + len;
        count++;
    }
    /* END: total size and the number of sections before it */
    uint8_t *e = out + pos;
    e[0] = TAG_END;
    e[1] = e[2] = 0;
    put32(e + 3, 12);
    uint64_t total = pos + OVERHEAD + 12;
    for (int i = 0; i < 8; i++)
        e[7 + i] = (uint8_t)(total >> (8 * i));
    put32(e + 15, (uint32_t)count);
    put32(e + 19, crc32_ieee(e, 19));
    *out_n = (size_t)total;
    return out;
}
