/* test_util.h — helpers shared by the cmocka tests: fixture paths, temp dirs. */
#ifndef NG_TEST_UTIL_H
#define NG_TEST_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

/* Path of a file under ../shared/data, or NULL when that folder (or file) is absent:
 * callers then skip() so a user's clone without shared/ still passes. */
const char *ng_test_shared(const char *relpath);
/* Path of a file under tests/data (always present). */
const char *ng_test_data(const char *relpath);
/* A fresh empty temporary directory (removed by ng_test_cleanup_tmpdir). */
const char *ng_test_tmpdir(void);
void ng_test_cleanup_tmpdir(void);
/* Path joined into the temporary directory. */
const char *ng_test_tmp(const char *name);
/* Write len bytes to path; asserts on failure. */
void ng_test_write_file(const char *path, const void *data, size_t len);
/* Read a whole file (caller frees); asserts on failure. */
uint8_t *ng_test_read_file(const char *path, size_t *len);
/* Path of the necstgen binary, built next to the test executables. */
const char *ng_test_binary(void);
/* Small mode: NG_TEST_SMALL set and not "0" (scripts/valgrind-tests.sh --small sets
 * it). Tests that train or sample networks then shrink their data, epochs and sample
 * counts so the whole suite runs under valgrind in minutes: every code path (each
 * layer's forward and backward, save/load, generate) still runs, and the assertions
 * about how well a model learned are relaxed to what a briefly trained one meets. */
bool ng_test_small(void);
/* Run a shell command, return its exit status (or -1). */
int ng_test_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Frames of the capture at path that tshark, validating IP/TCP/UDP checksums, calls
 * malformed or error-level (they are printed, up to 2000 bytes); -1 when tshark is not
 * installed (callers then skip that check). Asserts tshark itself ran. */
long ng_test_tshark_errors(const char *path);

/* Skip the current test unless the shared file exists; yields its path. */
#define NG_REQUIRE_SHARED(var, rel) \
    const char *var = ng_test_shared(rel); \
    if (!var) { skip(); return; }

#endif
