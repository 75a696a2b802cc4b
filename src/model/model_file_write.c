/* model_file_write.c — collecting a JSON header and named tensors, encoding them in
 * the model-file layout (model_file.h) and writing the file atomically. */
#include "model/model_file.h"

#include <errno.h>

#include <stdlib.h>
#include <string.h>

#include "core/outfile.h"
#include "model/model_file_format.h"

struct ng_model_writer {
    json_t *header;
    ng_model_tensor *tensors;
    size_t n, cap;
};

const char *ng_dtype_name(ng_dtype dtype)
{
    return dtype == NG_DTYPE_F32 ? "float32" : dtype == NG_DTYPE_F64 ? "float64" : "unknown";
}

ng_status ng_model_writer_new(ng_model_writer **out, ng_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return ng_fail(err, NG_ENOMEM, "model writer: out of memory");
    return NG_OK;
}

void ng_model_writer_free(ng_model_writer *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        free(w->tensors[i].name);
        free(w->tensors[i].data);
    }
    free(w->tensors);
    json_decref(w->header);
    free(w);
}

ng_status ng_model_writer_set_header(ng_model_writer *w, json_t *header, ng_error *err)
{
    if (!json_is_object(header))
        return ng_fail(err, NG_EINVAL, "model writer: the JSON header must be an object");
    json_decref(w->header);
    w->header = json_incref(header);
    return NG_OK;
}

static ng_status check_name(const ng_model_writer *w, const char *name, ng_error *err)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len > NG_TENSOR_MAX_NAME)
        return ng_fail(err, NG_EINVAL, "model writer: tensor name must be 1..%d bytes",
                       NG_TENSOR_MAX_NAME);
    for (size_t i = 0; i < len; i++)
        if (name[i] < 0x20 || name[i] > 0x7e)
            return ng_fail(err, NG_EINVAL, "model writer: tensor name '%s' has a "
                           "non-printable byte at %zu", name, i);
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->tensors[i].name, name) == 0)
            return ng_fail(err, NG_EINVAL, "model writer: tensor '%s' added twice", name);
    return NG_OK;
}

static ng_status add_tensor(ng_model_writer *w, const char *name, ng_dtype dtype,
                            uint32_t rank, const uint64_t *dims, const void *data,
                            ng_error *err)
{
    ng_status st = check_name(w, name, err);
    if (st != NG_OK)
        return st;
    if (rank > NG_TENSOR_MAX_RANK)
        return ng_fail(err, NG_EINVAL, "model writer: tensor '%s' has rank %u (max %d)",
                       name, rank, NG_TENSOR_MAX_RANK);
    ng_model_tensor t = {.dtype = dtype, .rank = rank, .count = 1};
    for (uint32_t i = 0; i < rank; i++) {
        t.dims[i] = dims[i];
        if (dims[i] && t.count > (SIZE_MAX / 8) / dims[i])
            return ng_fail(err, NG_EINVAL, "model writer: tensor '%s' is too large", name);
        t.count *= (size_t)dims[i];
    }
    size_t bytes = t.count * ng_dtype_size(dtype);
    t.name = strdup(name);
    t.data = malloc(bytes ? bytes : 1);
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 16;
        ng_model_tensor *grown = realloc(w->tensors, cap * sizeof *grown);
        if (grown) {
            w->tensors = grown;
            w->cap = cap;
        }
    }
    if (!t.name || !t.data || w->n == w->cap) {
        free(t.name);
        free(t.data);
        return ng_fail(err, NG_ENOMEM, "model writer: out of memory for tensor '%s'", name);
    }
    if (bytes)
        memcpy(t.data, data, bytes);
    w->tensors[w->n++] = t;
    return NG_OK;
}

ng_status ng_model_writer_add_f32(ng_model_writer *w, const char *name, uint32_t rank,
                                  const uint64_t *dims, const float *data, ng_error *err)
{
    return add_tensor(w, name, NG_DTYPE_F32, rank, dims, data, err);
}

ng_status ng_model_writer_add_f64(ng_model_writer *w, const char *name, uint32_t rank,
                                  const uint64_t *dims, const double *data, ng_error *err)
{
    return add_tensor(w, name, NG_DTYPE_F64, rank, dims, data, err);
}

static size_t tensor_record_size(const ng_model_tensor *t)
{
    return 2 + strlen(t->name) + 2 + 8 * (size_t)t->rank + t->count * ng_dtype_size(t->dtype);
}

static uint8_t *encode_tensor(uint8_t *p, const ng_model_tensor *t)
{
    size_t name_len = strlen(t->name);
    ng_put_le(p, name_len, 2);
    memcpy(p + 2, t->name, name_len);
    p += 2 + name_len;
    *p++ = (uint8_t)t->dtype;
    *p++ = (uint8_t)t->rank;
    for (uint32_t i = 0; i < t->rank; i++, p += 8)
        ng_put_le(p, t->dims[i], 8);
    if (t->dtype == NG_DTYPE_F32) {
        const float *f = t->data;
        for (size_t i = 0; i < t->count; i++, p += 4)
            ng_put_le(p, ng_f32_bits(f[i]), 4);
    } else {
        const double *f = t->data;
        for (size_t i = 0; i < t->count; i++, p += 8)
            ng_put_le(p, ng_f64_bits(f[i]), 8);
    }
    return p;
}

ng_status ng_model_writer_encode(const ng_model_writer *w, uint8_t **bytes, size_t *len,
                                 ng_error *err)
{
    *bytes = NULL;
    *len = 0;
    json_t *empty = w->header ? NULL : json_object();
    char *json = json_dumps(w->header ? w->header : empty,
                            JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    json_decref(empty);
    if (!json)
        return ng_fail(err, NG_EINVAL, "model writer: the JSON header cannot be serialised");
    size_t json_len = strlen(json);
    size_t total = NG_MODEL_FIXED_HEADER + json_len + 4 + NG_SHA256_LEN;
    for (size_t i = 0; i < w->n; i++)
        total += tensor_record_size(&w->tensors[i]);
    uint8_t *buf = malloc(total);
    if (!buf) {
        free(json);
        return ng_fail(err, NG_ENOMEM, "model writer: out of memory for %zu bytes", total);
    }
    memcpy(buf, NG_MODEL_MAGIC, NG_MODEL_MAGIC_LEN); /* includes the NUL */
    ng_put_le(buf + 8, NG_MODEL_FORMAT_VERSION, 4);
    ng_put_le(buf + 12, 0, 4);
    ng_put_le(buf + 16, total, 8);
    ng_put_le(buf + 24, json_len, 8);
    memcpy(buf + NG_MODEL_FIXED_HEADER, json, json_len);
    free(json);
    uint8_t *p = buf + NG_MODEL_FIXED_HEADER + json_len;
    ng_put_le(p, w->n, 4);
    p += 4;
    for (size_t i = 0; i < w->n; i++)
        p = encode_tensor(p, &w->tensors[i]);
    ng_sha256(buf, total - NG_SHA256_LEN, p);
    *bytes = buf;
    *len = total;
    return NG_OK;
}

ng_status ng_model_writer_save(const ng_model_writer *w, const char *path, ng_error *err)
{
    uint8_t *bytes;
    size_t len;
    ng_status st = ng_model_writer_encode(w, &bytes, &len, err);
    if (st != NG_OK)
        return st;
    ng_outfile out;
    st = ng_outfile_open(&out, path, err);
    if (st == NG_OK) {
        if (fwrite(bytes, 1, len, out.fp) != len) {
            int e = errno;
            ng_outfile_abort(&out);
            st = ng_fail(err, NG_EIO, "%s: write failed: %s", path, strerror(e));
        } else {
            st = ng_outfile_commit(&out, err);
            if (st != NG_OK)
                ng_outfile_abort(&out);
        }
    }
    free(bytes);
    return st;
}
