/* sha256.h — SHA-256 (FIPS 180-4): model-file checksums and input provenance.
 *
 * Streaming (init / update / final) or one-shot; byte-order independent; no
 * allocation. ng_sha256_file hashes a whole file and names it in any error. */
#ifndef NG_CORE_SHA256_H
#define NG_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define NG_SHA256_LEN 32

typedef struct ng_sha256_ctx {
    uint32_t h[8];
    uint64_t total;      /* bytes hashed so far */
    uint8_t block[64];
    size_t fill;         /* bytes waiting in block */
} ng_sha256_ctx;

void ng_sha256_init(ng_sha256_ctx *s);
void ng_sha256_update(ng_sha256_ctx *s, const void *data, size_t len);
/* Write the digest; s must be re-initialised before reuse. */
void ng_sha256_final(ng_sha256_ctx *s, uint8_t digest[NG_SHA256_LEN]);

/* One shot. */
void ng_sha256(const void *data, size_t len, uint8_t digest[NG_SHA256_LEN]);
/* Lower-case hexadecimal, NUL-terminated (65 bytes). */
void ng_sha256_hex(const uint8_t digest[NG_SHA256_LEN], char hex[2 * NG_SHA256_LEN + 1]);
/* Digest of a file's contents. */
ng_status ng_sha256_file(const char *path, uint8_t digest[NG_SHA256_LEN], ng_error *err);

#endif
