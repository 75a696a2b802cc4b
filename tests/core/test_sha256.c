/* test_sha256.c — SHA-256 against the NIST FIPS 180-4 example vectors, streaming
 * in odd-sized pieces, and hashing a file. */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"

static void assert_digest(const void *data, size_t len, const char *expect_hex)
{
    uint8_t digest[NG_SHA256_LEN];
    char hex[2 * NG_SHA256_LEN + 1];
    ng_sha256(data, len, digest);
    ng_sha256_hex(digest, hex);
    assert_string_equal(hex, expect_hex);
}

static void test_nist_vectors(void **state)
{
    (void)state;
    assert_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_digest(two_blocks, strlen(two_blocks),
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *long_msg = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                           "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    assert_digest(long_msg, strlen(long_msg),
                  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_million_a_streamed(void **state)
{
    (void)state;
    char *a = malloc(1000000);
    memset(a, 'a', 1000000);
    assert_digest(a, 1000000,
                  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* The same in pieces of awkward sizes (1, 63, 64, 65, 1000, …). */
    static const size_t pieces[] = {1, 63, 64, 65, 1000, 7, 55, 56, 57};
    ng_sha256_ctx s;
    ng_sha256_init(&s);
    size_t done = 0;
    for (size_t i = 0; done < 1000000; i++) {
        size_t take = pieces[i % 9];
        if (take > 1000000 - done)
            take = 1000000 - done;
        ng_sha256_update(&s, a + done, take);
        done += take;
    }
    uint8_t digest[NG_SHA256_LEN];
    char hex[65];
    ng_sha256_final(&s, digest);
    ng_sha256_hex(digest, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

static void test_padding_boundaries_match_oneshot(void **state)
{
    (void)state;
    /* Lengths around the 55/56/64-byte padding edges: streaming byte by byte
     * equals one shot. */
    uint8_t msg[130];
    for (int i = 0; i < 130; i++)
        msg[i] = (uint8_t)(i * 37 + 1);
    for (size_t len = 0; len <= 130; len++) {
        uint8_t a[NG_SHA256_LEN], b[NG_SHA256_LEN];
        ng_sha256(msg, len, a);
        ng_sha256_ctx s;
        ng_sha256_init(&s);
        for (size_t i = 0; i < len; i++)
            ng_sha256_update(&s, msg + i, 1);
        ng_sha256_final(&s, b);
        assert_memory_equal(a, b, NG_SHA256_LEN);
    }
}

static void test_file(void **state)
{
    (void)state;
    ng_test_tmpdir();
    const char *path = ng_test_tmp("abc.txt");
    ng_test_write_file(path, "abc", 3);
    uint8_t digest[NG_SHA256_LEN];
    char hex[65];
    assert_int_equal(ng_sha256_file(path, digest, NULL), NG_OK);
    ng_sha256_hex(digest, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ng_error err;
    assert_int_equal(ng_sha256_file(ng_test_tmp("missing"), digest, &err), NG_EIO);
    assert_non_null(strstr(err.msg, "missing"));
    ng_test_cleanup_tmpdir();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nist_vectors),
        cmocka_unit_test(test_million_a_streamed),
        cmocka_unit_test(test_padding_boundaries_match_oneshot),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
