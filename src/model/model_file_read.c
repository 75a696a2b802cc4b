/* model_file_read.c — loading and validating a model file (layout in model_file.h).
 *
 * Order of checks, so that each kind of damage gets the message that explains it:
 * magic (foreign file), version, declared size against the real size (truncation or
 * junk appended; a truncated file is walked to say what it ends inside), checksum
 * (any other flipped byte), then the structure itself, every read bounds-checked. */
#include "model/model_file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/model_file_format.h"

/* A bounds-checked reader over [pos, end). `declared` is the size the header claims;
 * when the file is shorter (`truncated`), running out of bytes is reported as
 * truncation, otherwise as an inconsistent table. */
typedef struct cursor {
    const uint8_t *buf;
    size_t pos, end;
    const char *label;
    uint64_t declared;
    bool truncated;
} cursor;

static ng_status need(cursor *c, uint64_t bytes, const char *what, ng_error *err)
{
    if (bytes <= c->end - c->pos)
        return NG_OK;
    if (c->truncated)
        return ng_fail(err, NG_EFORMAT, "%s: truncated at byte %zu (header says %llu bytes): "
                       "expected %s", c->label, c->end, (unsigned long long)c->declared, what);
    return ng_fail(err, NG_EFORMAT, "%s: corrupt tensor table: %s at byte %zu runs past the "
                   "end of the table (byte %zu)", c->label, what, c->pos, c->end);
}

static uint64_t take(cursor *c, int bytes)
{
    uint64_t v = ng_get_le(c->buf + c->pos, bytes);
    c->pos += (size_t)bytes;
    return v;
}

void ng_model_file_free(ng_model_file *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_tensors; i++) {
        free(m->tensors[i].name);
        free(m->tensors[i].data);
    }
    free(m->tensors);
    json_decref(m->header);
    free(m->path);
    free(m);
}

static ng_status read_json(cursor *c, ng_model_file *m, ng_error *err)
{
    uint64_t json_len = ng_get_le(c->buf + 24, 8);
    ng_status st = need(c, json_len, "the JSON header", err);
    if (st != NG_OK)
        return st;
    if (c->truncated) { /* only the structure is being walked */
        c->pos += (size_t)json_len;
        return NG_OK;
    }
    json_error_t jerr;
    m->header = json_loadb((const char *)c->buf + c->pos, (size_t)json_len,
                           JSON_REJECT_DUPLICATES, &jerr);
    if (!m->header)
        return ng_fail(err, NG_EFORMAT, "%s: JSON header does not parse at its byte %d: %s",
                       c->label, jerr.position, jerr.text);
    if (!json_is_object(m->header))
        return ng_fail(err, NG_EFORMAT, "%s: JSON header is not an object", c->label);
    c->pos += (size_t)json_len;
    return NG_OK;
}

static ng_status read_name(cursor *c, ng_model_tensor *t, size_t index, ng_error *err)
{
    char what[96];
    snprintf(what, sizeof what, "the name of tensor %zu", index);
    ng_status st = need(c, 2, what, err);
    if (st != NG_OK)
        return st;
    size_t len = (size_t)take(c, 2);
    if (len == 0 || len > NG_TENSOR_MAX_NAME)
        return ng_fail(err, NG_EFORMAT, "%s: tensor %zu has a name of %zu bytes (1..%d "
                       "allowed) at byte %zu", c->label, index, len, NG_TENSOR_MAX_NAME,
                       c->pos - 2);
    if ((st = need(c, len, what, err)) != NG_OK)
        return st;
    for (size_t i = 0; i < len; i++)
        if (c->buf[c->pos + i] < 0x20 || c->buf[c->pos + i] > 0x7e)
            return ng_fail(err, NG_EFORMAT, "%s: tensor %zu name has a non-printable byte "
                           "at byte %zu", c->label, index, c->pos + i);
    t->name = malloc(len + 1);
    if (!t->name)
        return ng_fail(err, NG_ENOMEM, "%s: out of memory", c->label);
    memcpy(t->name, c->buf + c->pos, len);
    t->name[len] = '\0';
    c->pos += len;
    return NG_OK;
}

static ng_status read_shape(cursor *c, ng_model_tensor *t, ng_error *err)
{
    char what[NG_TENSOR_MAX_NAME + 64];
    snprintf(what, sizeof what, "the shape of tensor '%s'", t->name);
    ng_status st = need(c, 2, what, err);
    if (st != NG_OK)
        return st;
    size_t at = c->pos;
    uint64_t dtype = take(c, 1), rank = take(c, 1);
    if (dtype != NG_DTYPE_F32 && dtype != NG_DTYPE_F64)
        return ng_fail(err, NG_EFORMAT, "%s: tensor '%s' has unknown dtype %llu at byte %zu",
                       c->label, t->name, (unsigned long long)dtype, at);
    if (rank > NG_TENSOR_MAX_RANK)
        return ng_fail(err, NG_EFORMAT, "%s: tensor '%s' has rank %llu (max %d) at byte %zu",
                       c->label, t->name, (unsigned long long)rank, NG_TENSOR_MAX_RANK, at + 1);
    t->dtype = (ng_dtype)dtype;
    t->rank = (uint32_t)rank;
    if ((st = need(c, 8 * rank, what, err)) != NG_OK)
        return st;
    /* The element count may not exceed what the rest of the file could hold. */
    uint64_t limit = (c->truncated ? c->declared : c->end) / ng_dtype_size(t->dtype);
    uint64_t count = 1;
    for (uint32_t i = 0; i < t->rank; i++) {
        t->dims[i] = take(c, 8);
        if (t->dims[i] != 0 && count > limit / t->dims[i])
            return ng_fail(err, NG_EFORMAT, "%s: tensor '%s' dimension %u (%llu) makes it "
                           "larger than the file", c->label, t->name, i,
                           (unsigned long long)t->dims[i]);
        count *= t->dims[i];
    }
    t->count = (size_t)count;
    return NG_OK;
}

static ng_status read_data(cursor *c, ng_model_tensor *t, ng_error *err)
{
    size_t size = ng_dtype_size(t->dtype), bytes = t->count * size;
    char what[NG_TENSOR_MAX_NAME + 64];
    snprintf(what, sizeof what, "data of tensor '%s' (%zu bytes)", t->name, bytes);
    ng_status st = need(c, bytes, what, err);
    if (st != NG_OK || c->truncated) {
        c->pos += st == NG_OK ? bytes : 0;
        return st;
    }
    t->data = malloc(bytes ? bytes : 1);
    if (!t->data)
        return ng_fail(err, NG_ENOMEM, "%s: out of memory for tensor '%s'", c->label, t->name);
    const uint8_t *p = c->buf + c->pos;
    if (t->dtype == NG_DTYPE_F32) {
        float *f = t->data;
        for (size_t i = 0; i < t->count; i++)
            f[i] = ng_f32_from_bits((uint32_t)ng_get_le(p + 4 * i, 4));
    } else {
        double *f = t->data;
        for (size_t i = 0; i < t->count; i++)
            f[i] = ng_f64_from_bits(ng_get_le(p + 8 * i, 8));
    }
    c->pos += bytes;
    return NG_OK;
}

static ng_status read_tensor(cursor *c, ng_model_tensor *t, size_t index, ng_error *err)
{
    ng_status st = read_name(c, t, index, err);
    if (st == NG_OK)
        st = read_shape(c, t, err);
    if (st == NG_OK)
        st = read_data(c, t, err);
    return st;
}

/* A truncated file: walk the records without keeping them, to find where it ends. */
static ng_status walk_tensors(cursor *c, uint64_t n, ng_error *err)
{
    ng_status st = NG_OK;
    for (uint64_t i = 0; st == NG_OK && i < n; i++) {
        ng_model_tensor t = {0};
        st = read_tensor(c, &t, (size_t)i, err);
        free(t.name);
    }
    return st;
}

static ng_status read_tensors(cursor *c, ng_model_file *m, ng_error *err)
{
    ng_status st = need(c, 4, "the tensor count", err);
    if (st != NG_OK)
        return st;
    uint64_t n = take(c, 4);
    if (c->truncated)
        return walk_tensors(c, n, err);
    /* Each tensor record takes at least 5 bytes (name length, a name byte, dtype, rank). */
    if (n > (c->end - c->pos) / 5)
        return ng_fail(err, NG_EFORMAT, "%s: tensor count %llu cannot fit in the %zu bytes of "
                       "the table", c->label, (unsigned long long)n, c->end - c->pos);
    m->tensors = calloc(n ? (size_t)n : 1, sizeof *m->tensors);
    if (!m->tensors)
        return ng_fail(err, NG_ENOMEM, "%s: out of memory for %llu tensors", c->label,
                       (unsigned long long)n);
    for (size_t i = 0; i < (size_t)n; i++) {
        ng_model_tensor *t = &m->tensors[i];
        m->n_tensors = i + 1;
        if ((st = read_tensor(c, t, i, err)) != NG_OK)
            return st;
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->tensors[j].name, t->name) == 0)
                return ng_fail(err, NG_EFORMAT, "%s: tensor '%s' appears twice", c->label,
                               t->name);
    }
    return NG_OK;
}

/* Walk the structure of a file shorter than declared to say where it breaks. */
static ng_status explain_truncation(const uint8_t *bytes, size_t len, uint64_t declared,
                                    const char *label, ng_error *err)
{
    ng_model_file scratch = {0};
    cursor c = {bytes, NG_MODEL_FIXED_HEADER, len, label, declared, true};
    ng_status st = read_json(&c, &scratch, err);
    if (st == NG_OK)
        st = read_tensors(&c, &scratch, err);
    if (st == NG_OK && c.pos + NG_SHA256_LEN == len)
        st = ng_fail(err, NG_EFORMAT, "%s: header says %llu bytes but the file holds %zu and "
                     "its contents end there (size field corrupted?)", label,
                     (unsigned long long)declared, len);
    else if (st == NG_OK)
        st = ng_fail(err, NG_EFORMAT, "%s: truncated at byte %zu (header says %llu bytes): "
                     "expected the checksum", label, len, (unsigned long long)declared);
    return st;
}

static ng_status check_fixed_header(const uint8_t *bytes, size_t len, const char *label,
                                    ng_error *err)
{
    size_t cmp = len < NG_MODEL_MAGIC_LEN ? len : NG_MODEL_MAGIC_LEN;
    if (len == 0)
        return ng_fail(err, NG_EFORMAT, "%s: empty file, not a necstgen model", label);
    if (memcmp(bytes, NG_MODEL_MAGIC, cmp) != 0)
        return ng_fail(err, NG_EFORMAT, "%s: not a necstgen model file (bad magic)", label);
    if (len < NG_MODEL_FIXED_HEADER)
        return ng_fail(err, NG_EFORMAT, "%s: truncated at byte %zu: expected the %d-byte "
                       "header", label, len, NG_MODEL_FIXED_HEADER);
    uint64_t version = ng_get_le(bytes + 8, 4), reserved = ng_get_le(bytes + 12, 4);
    if (version != NG_MODEL_FORMAT_VERSION)
        return ng_fail(err, version > NG_MODEL_FORMAT_VERSION ? NG_EUNSUPPORTED : NG_EFORMAT,
                       "%s: model format version %llu is not supported (this build reads "
                       "version %u)", label, (unsigned long long)version,
                       NG_MODEL_FORMAT_VERSION);
    if (reserved != 0)
        return ng_fail(err, NG_EFORMAT, "%s: reserved header field is %llu, expected 0 "
                       "(file corrupted?)", label, (unsigned long long)reserved);
    uint64_t declared = ng_get_le(bytes + 16, 8);
    if (declared < NG_MODEL_MIN_SIZE)
        return ng_fail(err, NG_EFORMAT, "%s: header declares an impossible size of %llu "
                       "bytes (file corrupted?)", label, (unsigned long long)declared);
    if (declared > len)
        return explain_truncation(bytes, len, declared, label, err);
    if (declared < len)
        return ng_fail(err, NG_EFORMAT, "%s: %llu unexpected bytes after the end declared "
                       "at byte %llu (file corrupted?)", label,
                       (unsigned long long)(len - declared), (unsigned long long)declared);
    return NG_OK;
}

ng_status ng_model_file_decode(const uint8_t *bytes, size_t len, const char *label,
                               ng_model_file **out, ng_error *err)
{
    *out = NULL;
    ng_status st = check_fixed_header(bytes, len, label, err);
    if (st != NG_OK)
        return st;
    uint8_t digest[NG_SHA256_LEN];
    ng_sha256(bytes, len - NG_SHA256_LEN, digest);
    if (memcmp(digest, bytes + len - NG_SHA256_LEN, NG_SHA256_LEN) != 0)
        return ng_fail(err, NG_EFORMAT, "%s: checksum mismatch (file corrupted?)", label);
    ng_model_file *m = calloc(1, sizeof *m);
    if (!m || !(m->path = strdup(label))) {
        free(m);
        return ng_fail(err, NG_ENOMEM, "%s: out of memory", label);
    }
    m->version = NG_MODEL_FORMAT_VERSION;
    memcpy(m->checksum, digest, NG_SHA256_LEN);
    cursor c = {bytes, NG_MODEL_FIXED_HEADER, len - NG_SHA256_LEN, label, len, false};
    st = read_json(&c, m, err);
    if (st == NG_OK)
        st = read_tensors(&c, m, err);
    if (st == NG_OK && c.pos != c.end)
        st = ng_fail(err, NG_EFORMAT, "%s: %zu unexpected bytes after the last tensor "
                     "(byte %zu)", label, c.end - c.pos, c.pos);
    if (st != NG_OK) {
        ng_model_file_free(m);
        return st;
    }
    *out = m;
    return NG_OK;
}

static ng_status read_whole_file(const char *path, uint8_t **bytes, size_t *len,
                                 ng_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ng_fail(err, NG_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return ng_fail(err, NG_EIO, "%s: not a regular file", path);
    }
    if ((uint64_t)sb.st_size > ((uint64_t)1 << 34)) {
        fclose(f);
        return ng_fail(err, NG_EFORMAT, "%s: %lld bytes is too large for a model file", path,
                       (long long)sb.st_size);
    }
    size_t size = (size_t)sb.st_size;
    *bytes = malloc(size ? size : 1);
    if (!*bytes) {
        fclose(f);
        return ng_fail(err, NG_ENOMEM, "%s: out of memory for %zu bytes", path, size);
    }
    *len = fread(*bytes, 1, size, f);
    int bad = ferror(f) || *len != size;
    fclose(f);
    if (bad) {
        free(*bytes);
        *bytes = NULL;
        return ng_fail(err, NG_EIO, "%s: read error at byte %zu", path, *len);
    }
    return NG_OK;
}

ng_status ng_model_file_load(const char *path, ng_model_file **out, ng_error *err)
{
    *out = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    ng_status st = read_whole_file(path, &bytes, &len, err);
    if (st != NG_OK)
        return st;
    st = ng_model_file_decode(bytes, len, path, out, err);
    free(bytes);
    return st;
}

const ng_model_tensor *ng_model_file_find(const ng_model_file *m, const char *name)
{
    for (size_t i = 0; i < m->n_tensors; i++)
        if (strcmp(m->tensors[i].name, name) == 0)
            return &m->tensors[i];
    return NULL;
}

static void format_shape(char *buf, size_t size, uint32_t rank, const uint64_t *dims)
{
    size_t used = (size_t)snprintf(buf, size, "[");
    for (uint32_t i = 0; i < rank && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%llu", i ? "," : "",
                                 (unsigned long long)dims[i]);
    if (used < size)
        snprintf(buf + used, size - used, "]");
}

ng_status ng_model_file_tensor(const ng_model_file *m, const char *name, ng_dtype dtype,
                               uint32_t rank, const uint64_t *dims, const ng_model_tensor **out,
                               ng_error *err)
{
    *out = NULL;
    const ng_model_tensor *t = ng_model_file_find(m, name);
    if (!t)
        return ng_fail(err, NG_EFORMAT, "%s: tensor '%s' is missing", m->path, name);
    if (t->dtype != dtype)
        return ng_fail(err, NG_EFORMAT, "%s: tensor '%s' is %s, expected %s", m->path, name,
                       ng_dtype_name(t->dtype), ng_dtype_name(dtype));
    bool same = t->rank == rank;
    for (uint32_t i = 0; same && dims && i < rank; i++)
        same = t->dims[i] == dims[i];
    if (!same) {
        char found[128], want[128];
        format_shape(found, sizeof found, t->rank, t->dims);
        if (dims)
            format_shape(want, sizeof want, rank, dims);
        else
            snprintf(want, sizeof want, "rank %u", rank);
        return ng_fail(err, NG_EFORMAT, "%s: tensor '%s' has shape %s, expected %s", m->path,
                       name, found, want);
    }
    *out = t;
    return NG_OK;
}
