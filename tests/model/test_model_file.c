/* test_model_file.c — the model file: exact round trip, byte-identical rewrites,
 * and refusal (never a crash) of every flipped byte, every truncation, foreign and
 * inconsistent files, with messages that name the file and the problem. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/sha256.h"
#include "model/model_file.h"

#define LABEL "model.ngm"
#define NG_MODEL_TEST_MIN 68 /* fixed header + tensor count + checksum */

static float enc_values[128];
static double cov_values[2 * 3 * 3];

static json_t *header_json(int reversed)
{
    json_t *h = json_object();
    /* Same content, different insertion order: the file must not care. */
    if (reversed) {
        json_object_set_new(h, "vocab", json_pack("[sss]", "tcp", "udp", "icmp"));
        json_object_set_new(h, "scale", json_real(0.1));
        json_object_set_new(h, "arch", json_pack("{s:i,s:s}", "latent", 8, "kind", "vae"));
    } else {
        json_object_set_new(h, "arch", json_pack("{s:s,s:i}", "kind", "vae", "latent", 8));
        json_object_set_new(h, "scale", json_real(0.1));
        json_object_set_new(h, "vocab", json_pack("[sss]", "tcp", "udp", "icmp"));
    }
    return h;
}

static ng_model_writer *build_writer(int reversed)
{
    for (int i = 0; i < 128; i++)
        enc_values[i] = (float)sin(i * 0.37) * 1e3f;
    enc_values[0] = -0.0f;
    enc_values[1] = 1e-42f; /* subnormal */
    enc_values[2] = INFINITY;
    for (int i = 0; i < 18; i++)
        cov_values[i] = 1.0 / (i + 3.0);
    ng_model_writer *w;
    assert_int_equal(ng_model_writer_new(&w, NULL), NG_OK);
    json_t *h = header_json(reversed);
    assert_int_equal(ng_model_writer_set_header(w, h, NULL), NG_OK);
    json_decref(h);
    uint64_t wd[2] = {32, 4}, cd[3] = {2, 3, 3}, empty[1] = {0};
    double scalar = 3.25;
    assert_int_equal(ng_model_writer_add_f32(w, "vae.enc0.w", 2, wd, enc_values, NULL), NG_OK);
    assert_int_equal(ng_model_writer_add_f64(w, "gmm.cov", 3, cd, cov_values, NULL), NG_OK);
    assert_int_equal(ng_model_writer_add_f64(w, "temperature", 0, NULL, &scalar, NULL), NG_OK);
    assert_int_equal(ng_model_writer_add_f32(w, "empty", 1, empty, NULL, NULL), NG_OK);
    return w;
}

static uint8_t *encoded(size_t *len)
{
    ng_model_writer *w = build_writer(0);
    uint8_t *bytes;
    assert_int_equal(ng_model_writer_encode(w, &bytes, len, NULL), NG_OK);
    ng_model_writer_free(w);
    return bytes;
}

static void test_round_trip_exact(void **state)
{
    (void)state;
    ng_test_tmpdir();
    const char *path = ng_test_tmp("model.ngm");
    ng_model_writer *w = build_writer(0);
    assert_int_equal(ng_model_writer_save(w, path, NULL), NG_OK);
    ng_model_writer_free(w);
    ng_model_file *m;
    ng_error err;
    assert_int_equal(ng_model_file_load(path, &m, &err), NG_OK);
    json_t *h = header_json(1);
    assert_true(json_equal(m->header, h));
    json_decref(h);
    assert_int_equal(m->n_tensors, 4);
    const ng_model_tensor *t;
    uint64_t wd[2] = {32, 4}, cd[3] = {2, 3, 3};
    assert_int_equal(ng_model_file_tensor(m, "vae.enc0.w", NG_DTYPE_F32, 2, wd, &t, &err), NG_OK);
    assert_memory_equal(t->data, enc_values, sizeof enc_values);
    assert_int_equal(ng_model_file_tensor(m, "gmm.cov", NG_DTYPE_F64, 3, cd, &t, &err), NG_OK);
    assert_memory_equal(t->data, cov_values, sizeof cov_values);
    assert_int_equal(ng_model_file_tensor(m, "temperature", NG_DTYPE_F64, 0, NULL, &t, &err), NG_OK);
    assert_true(*(const double *)t->data == 3.25);
    assert_int_equal(ng_model_file_tensor(m, "empty", NG_DTYPE_F32, 1, NULL, &t, &err), NG_OK);
    assert_int_equal(t->count, 0);
    /* The stored checksum is the SHA-256 of the file minus its last 32 bytes. */
    size_t len;
    uint8_t *bytes = ng_test_read_file(path, &len);
    uint8_t digest[NG_SHA256_LEN];
    ng_sha256(bytes, len - NG_SHA256_LEN, digest);
    assert_memory_equal(digest, m->checksum, NG_SHA256_LEN);
    free(bytes);
    ng_model_file_free(m);
    ng_test_cleanup_tmpdir();
}

static void test_same_content_same_bytes(void **state)
{
    (void)state;
    ng_test_tmpdir();
    ng_model_writer *a = build_writer(0), *b = build_writer(1);
    assert_int_equal(ng_model_writer_save(a, ng_test_tmp("a.ngm"), NULL), NG_OK);
    assert_int_equal(ng_model_writer_save(b, ng_test_tmp("b.ngm"), NULL), NG_OK);
    size_t la, lb, le;
    uint8_t *fa = ng_test_read_file(ng_test_tmp("a.ngm"), &la);
    uint8_t *fb = ng_test_read_file(ng_test_tmp("b.ngm"), &lb);
    uint8_t *e = encoded(&le);
    assert_int_equal(la, lb);
    assert_int_equal(la, le);
    assert_memory_equal(fa, fb, la);
    assert_memory_equal(fa, e, la);
    /* Explicit little-endian: the version field is 01 00 00 00 on any host. */
    assert_memory_equal(fa, "NGMODEL\0\x01\0\0\0\0\0\0\0", 16);
    free(fa);
    free(fb);
    free(e);
    ng_model_writer_free(a);
    ng_model_writer_free(b);
    ng_test_cleanup_tmpdir();
}

/* Decode a private, exactly sized copy so ASan catches any over-read. */
static ng_status decode_copy(const uint8_t *bytes, size_t len, ng_error *err)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, bytes, len);
    ng_model_file *m = NULL;
    ng_status st = ng_model_file_decode(copy, len, LABEL, &m, err);
    ng_model_file_free(m);
    free(copy);
    return st;
}

static void assert_refused(ng_status st, const ng_error *err)
{
    assert_true(st == NG_EFORMAT || st == NG_EUNSUPPORTED);
    assert_true(strncmp(err->msg, LABEL ": ", strlen(LABEL) + 2) == 0);
    assert_true(strlen(err->msg) > strlen(LABEL) + 10);
}

static void test_every_flipped_byte_refused(void **state)
{
    (void)state;
    size_t len;
    uint8_t *bytes = encoded(&len);
    static const uint8_t masks[] = {0x01, 0x80, 0xff};
    size_t checksum_msgs = 0;
    for (size_t i = 0; i < len; i++)
        for (size_t m = 0; m < sizeof masks; m++) {
            bytes[i] ^= masks[m];
            ng_error err = {0};
            assert_refused(decode_copy(bytes, len, &err), &err);
            checksum_msgs += strstr(err.msg, "checksum mismatch (file corrupted?)") != NULL;
            bytes[i] ^= masks[m];
        }
    /* Past the fixed header, damage is caught by the checksum. */
    assert_true(checksum_msgs >= 3 * (len - 32));
    free(bytes);
}

static void test_every_truncation_refused(void **state)
{
    (void)state;
    size_t len;
    uint8_t *bytes = encoded(&len);
    for (size_t cut = 0; cut < len; cut++) {
        ng_error err = {0};
        assert_refused(decode_copy(bytes, cut, &err), &err);
        if (cut > 0)
            assert_non_null(strstr(err.msg, "truncated at byte"));
    }
    free(bytes);
}

static void test_truncation_names_the_tensor(void **state)
{
    (void)state;
    size_t len;
    uint8_t *bytes = encoded(&len);
    /* The first tensor's data starts after its record header. */
    size_t json_len = (size_t)bytes[24] | (size_t)bytes[25] << 8;
    size_t data_at = 32 + json_len + 4 + 2 + strlen("vae.enc0.w") + 2 + 16;
    ng_error err;
    assert_int_equal(decode_copy(bytes, data_at + 100, &err), NG_EFORMAT);
    char expect[160];
    snprintf(expect, sizeof expect, LABEL ": truncated at byte %zu (header says %zu bytes): "
             "expected data of tensor 'vae.enc0.w' (512 bytes)", data_at + 100, len);
    assert_string_equal(err.msg, expect);
    assert_int_equal(decode_copy(bytes, len - 5, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "expected the checksum"));
    free(bytes);
}

static void refix_checksum(uint8_t *bytes, size_t len)
{
    ng_sha256(bytes, len - NG_SHA256_LEN, bytes + len - NG_SHA256_LEN);
}

static void test_foreign_and_inconsistent_files(void **state)
{
    (void)state;
    ng_error err;
    const char png[] = "\x89PNG\r\n\x1a\n0000000000000000000000000000000000000000000000000000000";
    assert_int_equal(decode_copy((const uint8_t *)png, sizeof png, &err), NG_EFORMAT);
    assert_string_equal(err.msg, LABEL ": not a necstgen model file (bad magic)");
    assert_int_equal(decode_copy((const uint8_t *)"", 0, &err), NG_EFORMAT);

    size_t len;
    uint8_t *bytes = encoded(&len);
    uint8_t *b = malloc(len + 8);
    /* A newer format version is "unsupported", not "corrupt". */
    memcpy(b, bytes, len);
    b[8] = 2;
    refix_checksum(b, len);
    assert_int_equal(decode_copy(b, len, &err), NG_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "version 2 is not supported"));
    /* Junk appended. */
    memcpy(b, bytes, len);
    memset(b + len, 0, 8);
    assert_int_equal(decode_copy(b, len + 8, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "8 unexpected bytes"));
    /* Structural damage behind a valid checksum: dims whose product overflows. */
    size_t json_len = (size_t)bytes[24] | (size_t)bytes[25] << 8;
    size_t dims_at = 32 + json_len + 4 + 2 + strlen("vae.enc0.w") + 2;
    memcpy(b, bytes, len);
    memset(b + dims_at, 0xff, 16);
    refix_checksum(b, len);
    assert_int_equal(decode_copy(b, len, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "larger than the file"));
    /* A huge tensor count. */
    memcpy(b, bytes, len);
    memset(b + 32 + json_len, 0xff, 4);
    refix_checksum(b, len);
    assert_int_equal(decode_copy(b, len, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "tensor count"));
    /* JSON that is not an object, and JSON that does not parse. */
    memcpy(b, bytes, len);
    b[32] = '[';
    refix_checksum(b, len);
    assert_int_equal(decode_copy(b, len, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "JSON header"));
    /* A duplicated tensor name: "ab1" and "ab2", then the 2 becomes a 1. */
    ng_model_writer *w;
    assert_int_equal(ng_model_writer_new(&w, NULL), NG_OK);
    float v = 1.0f;
    uint64_t one[1] = {1};
    assert_int_equal(ng_model_writer_add_f32(w, "ab1", 1, one, &v, NULL), NG_OK);
    assert_int_equal(ng_model_writer_add_f32(w, "ab2", 1, one, &v, NULL), NG_OK);
    uint8_t *d;
    size_t dlen;
    assert_int_equal(ng_model_writer_encode(w, &d, &dlen, NULL), NG_OK);
    ng_model_writer_free(w);
    size_t at = 0;
    for (size_t i = 0; i + 3 <= dlen; i++)
        if (memcmp(d + i, "ab2", 3) == 0)
            at = i;
    assert_true(at > 0);
    d[at + 2] = '1';
    refix_checksum(d, dlen);
    assert_int_equal(decode_copy(d, dlen, &err), NG_EFORMAT);
    assert_string_equal(err.msg, LABEL ": tensor 'ab1' appears twice");
    /* A zero-length name. */
    d[at - 2] = 0;
    refix_checksum(d, dlen);
    assert_int_equal(decode_copy(d, dlen, &err), NG_EFORMAT);
    assert_non_null(strstr(err.msg, "name of 0 bytes"));
    free(d);
    free(b);
    free(bytes);
}

/* Adversarial files: a valid fixed header and checksum around random or randomly
 * mutated structure. Never a crash or over-read; only NG_OK or NG_EFORMAT. */
static void test_random_structure_behind_valid_checksum(void **state)
{
    (void)state;
    size_t len;
    uint8_t *good = encoded(&len);
    ng_rng rng;
    ng_rng_seed(&rng, 2024);
    size_t accepted = 0;
    for (int trial = 0; trial < 3000; trial++) {
        size_t n = trial % 2 ? len : NG_MODEL_TEST_MIN + (size_t)ng_rng_below(&rng, 200);
        uint8_t *b = malloc(n);
        if (trial % 2) {
            memcpy(b, good, len);
            for (int m = 0; m < 4; m++) /* mutate a few bytes past the fixed header */
                b[32 + ng_rng_below(&rng, len - 64)] = (uint8_t)ng_rng_u64(&rng);
        } else {
            for (size_t i = 0; i < n; i++)
                b[i] = (uint8_t)(ng_rng_below(&rng, 4) ? ng_rng_below(&rng, 8) : ng_rng_u64(&rng));
            memcpy(b, good, 24);
            for (int i = 0; i < 8; i++)
                b[16 + i] = (uint8_t)((uint64_t)n >> (8 * i));
            b[24] = (uint8_t)ng_rng_below(&rng, 8); /* small JSON lengths, sometimes valid */
            memset(b + 25, 0, 7);
            memcpy(b + 32, "{}      ", b[24] < 8 ? b[24] : 8);
        }
        refix_checksum(b, n);
        ng_error err = {0};
        ng_status st = decode_copy(b, n, &err);
        assert_true(st == NG_OK || st == NG_EFORMAT);
        if (st != NG_OK)
            assert_true(strncmp(err.msg, LABEL ": ", strlen(LABEL) + 2) == 0);
        accepted += st == NG_OK;
        free(b);
    }
    assert_true(accepted < 3000);
    free(good);
}

static void test_lookup_and_writer_checks(void **state)
{
    (void)state;
    size_t len;
    uint8_t *bytes = encoded(&len);
    ng_model_file *m;
    ng_error err;
    assert_int_equal(ng_model_file_decode(bytes, len, LABEL, &m, &err), NG_OK);
    const ng_model_tensor *t;
    uint64_t wrong[2] = {4, 32};
    assert_int_equal(ng_model_file_tensor(m, "vae.enc0.w", NG_DTYPE_F32, 2, wrong, &t, &err),
                     NG_EFORMAT);
    assert_string_equal(err.msg, LABEL ": tensor 'vae.enc0.w' has shape [32,4], expected [4,32]");
    assert_null(t);
    assert_int_equal(ng_model_file_tensor(m, "vae.enc0.w", NG_DTYPE_F64, 2, NULL, &t, &err),
                     NG_EFORMAT);
    assert_non_null(strstr(err.msg, "is float32, expected float64"));
    assert_int_equal(ng_model_file_tensor(m, "nope", NG_DTYPE_F32, 1, NULL, &t, &err),
                     NG_EFORMAT);
    assert_string_equal(err.msg, LABEL ": tensor 'nope' is missing");
    ng_model_file_free(m);
    free(bytes);

    ng_model_writer *w = build_writer(0);
    float f = 1.0f;
    uint64_t one[1] = {1}, nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    assert_int_equal(ng_model_writer_add_f32(w, "vae.enc0.w", 1, one, &f, &err), NG_EINVAL);
    assert_int_equal(ng_model_writer_add_f32(w, "", 1, one, &f, &err), NG_EINVAL);
    assert_int_equal(ng_model_writer_add_f32(w, "bad\nname", 1, one, &f, &err), NG_EINVAL);
    assert_int_equal(ng_model_writer_add_f32(w, "deep", 9, nine, &f, &err), NG_EINVAL);
    json_t *arr = json_array();
    assert_int_equal(ng_model_writer_set_header(w, arr, &err), NG_EINVAL);
    json_decref(arr);
    assert_int_not_equal(ng_model_writer_save(w, "/nonexistent-dir/x/model.ngm", &err), NG_OK);
    ng_model_writer_free(w);
    assert_int_equal(ng_model_file_load("/nonexistent-dir/model.ngm", &m, &err), NG_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/model.ngm"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_exact),
        cmocka_unit_test(test_same_content_same_bytes),
        cmocka_unit_test(test_every_flipped_byte_refused),
        cmocka_unit_test(test_every_truncation_refused),
        cmocka_unit_test(test_truncation_names_the_tensor),
        cmocka_unit_test(test_foreign_and_inconsistent_files),
        cmocka_unit_test(test_random_structure_behind_valid_checksum),
        cmocka_unit_test(test_lookup_and_writer_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
