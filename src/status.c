/* status.c: versions and status messages. */
#include "vc_internal.h"

unsigned vc_version_number(void)    { return VC_VERSION_NUMBER; }
const char *vc_version_string(void) { return VC_VERSION_STRING; }
unsigned vc_stream_format(void)     { return VC_STREAM_FORMAT; }

const char *vc_strerror(int status)
{
    switch (status) {
    case VC_OK:              return "success";
    case VC_ERR_GENERIC:     return "internal error";
    case VC_ERR_PARAM:       return "invalid parameter";
    case VC_ERR_DTYPE:       return "unsupported data type";
    case VC_ERR_SHAPE:       return "invalid array shape or axis roles";
    case VC_ERR_NOMEM:       return "out of memory";
    case VC_ERR_DST_SIZE:    return "destination buffer too small";
    case VC_ERR_NOT_VIDCUBE: return "not a vidcube stream";
    case VC_ERR_VERSION:     return "stream format newer than this library";
    case VC_ERR_TRUNCATED:   return "stream is truncated";
    case VC_ERR_CORRUPT:     return "stream is corrupted (checksum or content mismatch)";
    case VC_ERR_CODEC:       return "video codec failure";
    case VC_ERR_TARGET:      return "quality target cannot be reached";
    case VC_ERR_UNSUPPORTED: return "not supported by this version";
    case VC_ERR_LIMIT:       return "size beyond the library's limits";
    case VC_ERR_NULL:        return "required pointer argument is NULL";
    case VC_ERR_IO:          return "reading or writing a file failed";
    default:                 return "unknown status code";
    }
}
