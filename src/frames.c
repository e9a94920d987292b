/* frames.c: pictures as the codec wants them. H.264 codes 16x16
 * macroblocks, so frames are padded to multiples of 16 by replicating the
 * last row and column (which predicts for free) and cropped on decode. */
#include "vc_internal.h"

#include <string.h>

#define MB 16

void vc_frames_geometry(vc_frames *f, size_t T, size_t Y, size_t X)
{
    f->T = T;
    f->Y = Y;
    f->X = X;
    f->H = (Y + MB - 1) / MB * MB;
    f->W = (X + MB - 1) / MB * MB;
    f->s = NULL;
}

void vc_frames_pad(vc_frames *f, const uint16_t *q)
{
    for (size_t t = 0; t < f->T; t++) {
        uint16_t *dst = f->s + t * f->H * f->W;
        const uint16_t *src = q + t * f->Y * f->X;
        for (size_t y = 0; y < f->H; y++) {
            const uint16_t *row = src + (y < f->Y ? y : f->Y - 1) * f->X;
            uint16_t *out = dst + y * f->W;
            memcpy(out, row, f->X * sizeof *out);
            for (size_t x = f->X; x < f->W; x++)
                out[x] = row[f->X - 1];
        }
    }
}
