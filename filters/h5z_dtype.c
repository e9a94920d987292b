/* h5z_dtype.c: which HDF5 datatypes the filter codes. The filter sees a
 * chunk in the dataset's file datatype, byte for byte, so only types whose
 * layout equals a native C type the library knows are accepted; anything
 * else (64-bit integers, half floats, big-endian data, compounds, strings,
 * variable-length data) is refused with the reason. */
#include <stdio.h>

#include "h5z_internal.h"

static const char *class_name(H5T_class_t c)
{
    switch (c) {
    case H5T_INTEGER:   return "integer";
    case H5T_FLOAT:     return "floating-point";
    case H5T_TIME:      return "time";
    case H5T_STRING:    return "string";
    case H5T_BITFIELD:  return "bitfield";
    case H5T_OPAQUE:    return "opaque";
    case H5T_COMPOUND:  return "compound";
    case H5T_REFERENCE: return "reference";
    case H5T_ENUM:      return "enumerated";
    case H5T_VLEN:      return "variable-length";
    case H5T_ARRAY:     return "array";
    default:            return "unknown";
    }
}

int vc_h5z_dtype(hid_t type, vc_dtype *dtype, char *why, size_t why_size)
{
    const struct { hid_t native; vc_dtype dtype; } known[] = {
        { H5T_NATIVE_UINT8,  VC_UINT8 },  { H5T_NATIVE_INT8,   VC_INT8 },
        { H5T_NATIVE_UINT16, VC_UINT16 }, { H5T_NATIVE_INT16,  VC_INT16 },
        { H5T_NATIVE_UINT32, VC_UINT32 }, { H5T_NATIVE_INT32,  VC_INT32 },
        { H5T_NATIVE_FLOAT,  VC_FLOAT32 }, { H5T_NATIVE_DOUBLE, VC_FLOAT64 },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (H5Tequal(type, known[i].native) > 0) {
            *dtype = known[i].dtype;
            return 1;
        }

    H5T_class_t c = H5Tget_class(type);
    size_t size = H5Tget_size(type);
    if (c == H5T_STRING && H5Tis_variable_str(type) > 0)
        snprintf(why, why_size, "variable-length strings cannot be coded as video");
    else if (c != H5T_INTEGER && c != H5T_FLOAT)
        snprintf(why, why_size, "%s data cannot be coded as video: use integer or "
                 "floating-point datasets", class_name(c));
    else if (H5Tget_order(type) != H5Tget_order(H5T_NATIVE_INT))
        snprintf(why, why_size, "%zu-byte %s data in non-native byte order: create the "
                 "dataset with a native-order type", size, class_name(c));
    else if (c == H5T_INTEGER)
        snprintf(why, why_size, "%zu-byte integers (precision %zu bits) are not supported: "
                 "use 8, 16 or 32-bit integers", size, H5Tget_precision(type));
    else
        snprintf(why, why_size, "%zu-byte floats (precision %zu bits) are not supported: "
                 "use IEEE float32 or float64", size, H5Tget_precision(type));
    return 0;
}
