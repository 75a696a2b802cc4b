/* model_file.h — the necstgen model file: one binary file holding a JSON header
 * and named tensors, protected by a SHA-256 checksum.
 *
 * Layout, format version 1 (every integer little-endian, whatever the host):
 *   offset 0   8 bytes  magic "NGMODEL\0"
 *          8   u32      format version (1)
 *         12   u32      reserved, 0
 *         16   u64      size of the whole file in bytes, checksum included
 *         24   u64      J, length of the JSON header
 *         32   J bytes  JSON object (architecture, scalers, vocabularies, provenance)
 *              u32      T, number of tensors; then T times:
 *                u16    name length (1..255); name (printable ASCII, unique)
 *                u8     dtype (1 = float32, 2 = float64); u8 rank (0..8)
 *                u64    dims[rank]
 *                       data: Π dims elements, IEEE-754 little-endian, row-major
 *   size − 32  32 bytes SHA-256 of every byte before it
 *
 * Writing is deterministic (JSON with sorted keys, tensors in insertion order), so the
 * same content gives a byte-identical file, and atomic (core/outfile.h). Loading
 * trusts nothing: magic, version, declared size against the real size, checksum, JSON,
 * every length and dimension product (overflow-checked) against the bytes present; a
 * bad file is refused with NG_EFORMAT (NG_EUNSUPPORTED for a newer version) and a
 * message naming the file and what is wrong, e.g.
 *   "model.ngm: checksum mismatch (file corrupted?)"
 *   "model.ngm: truncated at byte 1234 (header says 5678): expected data of tensor
 *    'vae.enc0.w' (512 bytes)". */
#ifndef NG_MODEL_MODEL_FILE_H
#define NG_MODEL_MODEL_FILE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/sha256.h"

#define NG_MODEL_FORMAT_VERSION 1u
#define NG_TENSOR_MAX_RANK 8
#define NG_TENSOR_MAX_NAME 255

typedef enum ng_dtype { NG_DTYPE_F32 = 1, NG_DTYPE_F64 = 2 } ng_dtype;

typedef struct ng_model_tensor {
    char *name;
    ng_dtype dtype;
    uint32_t rank;
    uint64_t dims[NG_TENSOR_MAX_RANK];
    size_t count; /* Π dims (1 for rank 0) */
    void *data;   /* host order: float[count] or double[count] */
} ng_model_tensor;

/* ---- writing ---- */

typedef struct ng_model_writer ng_model_writer;

ng_status ng_model_writer_new(ng_model_writer **out, ng_error *err);
void ng_model_writer_free(ng_model_writer *w);
/* The JSON header: an object. The writer takes a new reference (json_incref); the
 * caller keeps its own. Without one, the header is {}. */
ng_status ng_model_writer_set_header(ng_model_writer *w, json_t *header, ng_error *err);
/* Add a tensor (data copied). Names are unique, printable, 1..255 bytes; rank ≤ 8. */
ng_status ng_model_writer_add_f32(ng_model_writer *w, const char *name, uint32_t rank,
                                  const uint64_t *dims, const float *data, ng_error *err);
ng_status ng_model_writer_add_f64(ng_model_writer *w, const char *name, uint32_t rank,
                                  const uint64_t *dims, const double *data, ng_error *err);
/* The encoded file in memory (caller frees *bytes). */
ng_status ng_model_writer_encode(const ng_model_writer *w, uint8_t **bytes, size_t *len,
                                 ng_error *err);
/* Encode and write atomically to path ("-": standard output). */
ng_status ng_model_writer_save(const ng_model_writer *w, const char *path, ng_error *err);

/* ---- reading ---- */

typedef struct ng_model_file {
    char *path;        /* as given, used in messages */
    uint32_t version;
    json_t *header;    /* owned; a JSON object */
    size_t n_tensors;
    ng_model_tensor *tensors;
    uint8_t checksum[NG_SHA256_LEN];
} ng_model_file;

ng_status ng_model_file_load(const char *path, ng_model_file **out, ng_error *err);
/* Decode len bytes; `label` names the source in messages. */
ng_status ng_model_file_decode(const uint8_t *bytes, size_t len, const char *label,
                               ng_model_file **out, ng_error *err);
void ng_model_file_free(ng_model_file *m);

/* The tensor with this name, or NULL. */
const ng_model_tensor *ng_model_file_find(const ng_model_file *m, const char *name);
/* The tensor `name` with this dtype and rank, and, when dims is not NULL, exactly
 * these dimensions; otherwise NG_EFORMAT naming the file, the tensor, and the shape
 * found and expected (or that it is missing). */
ng_status ng_model_file_tensor(const ng_model_file *m, const char *name, ng_dtype dtype,
                               uint32_t rank, const uint64_t *dims, const ng_model_tensor **out,
                               ng_error *err);

/* "float32" / "float64". */
const char *ng_dtype_name(ng_dtype dtype);

#endif
