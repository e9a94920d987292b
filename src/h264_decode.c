/* h264_decode.c: H.264 back to samples with libavcodec (x264 only encodes).
 * The stream is split into access units by av_parser_parse2 and fed one per
 * packet; the decoder runs single-threaded with error concealment off, so a
 * bad stream is an error, never a picture. A 4:0:0 stream may come out as
 * gray or as yuv420p with filler chroma: only plane 0 is read. */
#include "vc_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavutil/pixdesc.h>

typedef struct dec {
    AVCodecContext       *c;
    AVCodecParserContext *parser;
    AVPacket             *pkt;
    AVFrame              *frame;
    size_t                W, H, T, got;
    int                   bit_depth;
    uint16_t             *plane;    /* one picture: memory stays one frame */
    vc_frame_sink         sink;
    void                 *opaque;
    char                 *err;
    size_t                errsz;
} dec;

static int say(dec *d, int status, const char *what)
{
    if (d->err && d->errsz && !d->err[0])
        snprintf(d->err, d->errsz, "H.264 decoding: %s", what);
    return status;
}

static int take_frame(dec *d)
{
    const AVFrame *f = d->frame;
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(f->format);
    if (!desc || desc->comp[0].depth != d->bit_depth)
        return say(d, VC_ERR_CORRUPT, "unexpected pixel format");
    if ((size_t)f->width != d->W || (size_t)f->height != d->H)
        return say(d, VC_ERR_CORRUPT, "picture size differs from the header");
    if (d->got >= d->T)
        return say(d, VC_ERR_CORRUPT, "more pictures than the header declares");
    if (f->decode_error_flags || (f->flags & AV_FRAME_FLAG_CORRUPT))
        return say(d, VC_ERR_CORRUPT, "damaged picture");
    uint16_t *dst = d->plane;
    for (size_t y = 0; y < d->H; y++) {
        const uint8_t *row = f->data[0] + y * (size_t)f->linesize[0];
        if (d->bit_depth > 8)
            memcpy(dst + y * d->W, row, d->W * sizeof *dst);
        else
            for (size_t x = 0; x < d->W; x++)
                dst[y * d->W + x] = row[x];
    }
    return d->sink(d->opaque, d->got++, dst);
}

/* libavcodec's ENOMEM is ours to report as such, not as damage. */
static int failed(dec *d, int r, const char *what)
{
    if (r == AVERROR(ENOMEM))
        return say(d, VC_ERR_NOMEM, "out of memory");
    return say(d, VC_ERR_CORRUPT, what);
}

/* Send one packet (NULL flushes) and take every picture that is ready. */
static int feed(dec *d, AVPacket *pkt)
{
    int r = avcodec_send_packet(d->c, pkt);
    if (r < 0 && r != AVERROR_EOF)
        return failed(d, r, "the decoder rejected the stream");
    for (;;) {
        r = avcodec_receive_frame(d->c, d->frame);
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF)
            return VC_OK;
        if (r < 0)
            return failed(d, r, "the decoder failed on a picture");
        int rc = take_frame(d);
        av_frame_unref(d->frame);
        if (rc != VC_OK)
            return rc;
    }
}

static int run(dec *d, const uint8_t *bs, size_t n)
{
    int rc = VC_OK;
    /* The parser may read past the end: give it a zero-padded copy. */
    uint8_t *buf = malloc(n + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!buf)
        return VC_ERR_NOMEM;
    memcpy(buf, bs, n);
    memset(buf + n, 0, AV_INPUT_BUFFER_PADDING_SIZE);
    const uint8_t *p = buf;
    size_t left = n;
    int flushing = 0;
    while (rc == VC_OK) {
        int in = left > INT_MAX / 2 ? INT_MAX / 2 : (int)left;
        uint8_t *au = NULL;
        int au_size = 0;
        int used = av_parser_parse2(d->parser, d->c, &au, &au_size,
                                    flushing ? NULL : p, flushing ? 0 : in,
                                    AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
        if (used < 0) {
            rc = say(d, VC_ERR_CORRUPT, "the parser rejected the stream");
            break;
        }
        if (!flushing) {
            p += used;
            left -= (size_t)used;
        }
        /* The parser has read the sequence header: a picture larger than
         * the header's would make the decoder size its tables by it. */
        if (au_size > 0 && ((size_t)d->parser->coded_width > d->W ||
                            (size_t)d->parser->coded_height > d->H)) {
            rc = say(d, VC_ERR_CORRUPT, "picture size differs from the header");
            break;
        }
        if (au_size > 0) {
            d->pkt->data = au;
            d->pkt->size = au_size;
            rc = feed(d, d->pkt);
        } else if (flushing) {
            break;                       /* parser drained */
        }
        if (!flushing && left == 0)
            flushing = 1;
    }
    if (rc == VC_OK)
        rc = feed(d, NULL);
    free(buf);
    if (rc == VC_OK && d->got != d->T)
        rc = say(d, VC_ERR_CORRUPT, "fewer pictures than the header declares");
    return rc;
}

int vc_h264_decode(const uint8_t *bs, size_t n, size_t W, size_t H, size_t T,
                   int bit_depth, vc_frame_sink sink, void *opaque,
                   char *err, size_t errsz)
{
    dec d = { 0 };
    d.W = W; d.H = H; d.T = T;
    d.bit_depth = bit_depth;
    d.sink = sink;
    d.opaque = opaque;
    d.err = err;
    d.errsz = errsz;
    if (err && errsz)
        err[0] = '\0';
    if (W > VC_VIDEO_MAX_SIDE || H > VC_VIDEO_MAX_SIDE || T > INT32_MAX)
        return say(&d, VC_ERR_LIMIT, "pictures larger than x264 writes");
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    if (!codec)
        return say(&d, VC_ERR_CODEC, "libavcodec has no H.264 decoder");
    int rc = VC_ERR_NOMEM;
    d.c = avcodec_alloc_context3(codec);
    d.parser = av_parser_init(AV_CODEC_ID_H264);
    d.pkt = av_packet_alloc();
    d.frame = av_frame_alloc();
    d.plane = malloc(W * H * sizeof *d.plane);
    if (d.c && d.parser && d.pkt && d.frame && d.plane) {
        d.c->thread_count = 1;
        d.c->err_recognition = AV_EF_EXPLODE | AV_EF_BITSTREAM | AV_EF_BUFFER;
        /* Besides the parser's check in run(): libavcodec refuses pictures
         * larger than this (it counts rows padded to its stride alignment,
         * up to 64 samples, hence the margin). */
        d.c->max_pixels = (int64_t)(W + 128) * (int64_t)(H + 128);
        int r = avcodec_open2(d.c, codec, NULL);
        if (r < 0)
            rc = r == AVERROR(ENOMEM) ? say(&d, VC_ERR_NOMEM, "out of memory")
                                      : say(&d, VC_ERR_CODEC, "could not open the H.264 decoder");
        else
            rc = run(&d, bs, n);
    }
    free(d.plane);
    av_frame_free(&d.frame);
    av_packet_free(&d.pkt);
    if (d.parser)
        av_parser_close(d.parser);
    avcodec_free_context(&d.c);
    return rc;
}
