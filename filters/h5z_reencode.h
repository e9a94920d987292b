/*
 * h5z_reencode.h: noticing the slow path, where HDF5 decodes a partly
 * written chunk, patches new values into it and encodes it again (each
 * time losing quality in lossy modes). See h5z_reencode.c.
 */
#ifndef H5Z_REENCODE_H
#define H5Z_REENCODE_H

#include <stddef.h>

#include "vidcube.h"

/* After a chunk of description a was decoded into `decoded`: remember it. */
void vc_h5z_reencode_note(const vc_array *a, const void *decoded, size_t nbytes);
/* Before a chunk is encoded: warn (once per process, on stderr) when it
 * mixes values this process decoded with new ones. */
void vc_h5z_reencode_check(const vc_array *a, const void *input, size_t nbytes);

#endif /* H5Z_REENCODE_H */
