/* embed_count.h: how many times the vidcube filter encoded and decoded a
 * chunk in this process. A program linked with embed_count.c and
 * -export-dynamic interposes libvidcube's vc_compress and vc_decompress:
 * the filter's calls (from the plugin or from libvidcube_nc's in-process
 * copy) reach the counters first and are then forwarded to libvidcube. */
#ifndef EMBED_COUNT_H
#define EMBED_COUNT_H

unsigned long ec_encodes(void);
unsigned long ec_decodes(void);

#endif
