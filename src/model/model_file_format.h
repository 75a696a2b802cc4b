/* model_file_format.h — constants and little-endian codecs shared by the model-file
 * writer and reader (internal to model/). Encoding goes through shifts, never
 * through the host's byte order. */
#ifndef NG_MODEL_MODEL_FILE_FORMAT_H
#define NG_MODEL_MODEL_FILE_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "model/model_file.h"

#define NG_MODEL_MAGIC "NGMODEL"        /* 7 characters + the NUL = 8 bytes */
#define NG_MODEL_MAGIC_LEN 8
#define NG_MODEL_FIXED_HEADER 32        /* magic, version, reserved, size, JSON length */
#define NG_MODEL_MIN_SIZE (NG_MODEL_FIXED_HEADER + 4 + NG_SHA256_LEN)

static inline size_t ng_dtype_size(ng_dtype t) { return t == NG_DTYPE_F64 ? 8 : 4; }

static inline void ng_put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t ng_get_le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static inline uint32_t ng_f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static inline uint64_t ng_f64_bits(double f)
{
    uint64_t u;
    memcpy(&u, &f, 8);
    return u;
}

static inline float ng_f32_from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline double ng_f64_from_bits(uint64_t u)
{
    double f;
    memcpy(&f, &u, 8);
    return f;
}

#endif
