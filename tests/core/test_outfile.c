/* test_outfile.c — outputs appear whole or not at all: commit renames, abort and
 * write errors leave the previous file untouched and no temporary behind. */
#include "test_util.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/outfile.h"

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_commit_replaces_atomically(void **state)
{
    (void)state;
    const char *path = ng_test_tmp("out.txt");
    ng_test_write_file(path, "old", 3);
    ng_outfile out;
    ng_error err;
    assert_int_equal(ng_outfile_open(&out, path, &err), NG_OK);
    fputs("new contents", out.fp);
    size_t len;
    uint8_t *before = ng_test_read_file(path, &len);
    assert_int_equal(len, 3); /* the target is untouched until commit */
    free(before);
    assert_int_equal(ng_outfile_commit(&out, &err), NG_OK);
    uint8_t *after = ng_test_read_file(path, &len);
    assert_int_equal(len, 12);
    assert_memory_equal(after, "new contents", 12);
    free(after);
    assert_int_equal(count_entries(ng_test_tmpdir()), 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    ng_test_cleanup_tmpdir();
}

static void test_abort_keeps_old_file(void **state)
{
    (void)state;
    const char *path = ng_test_tmp("keep.txt");
    ng_test_write_file(path, "old", 3);
    ng_outfile out;
    ng_error err;
    assert_int_equal(ng_outfile_open(&out, path, &err), NG_OK);
    fputs("partial", out.fp);
    ng_outfile_abort(&out);
    size_t len;
    uint8_t *data = ng_test_read_file(path, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(data, "old", 3);
    free(data);
    assert_int_equal(count_entries(ng_test_tmpdir()), 1);
    ng_test_cleanup_tmpdir();
}

static void test_full_disk_is_an_error(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0) {
        skip();
        return;
    }
    ng_outfile out;
    ng_error err;
    assert_int_equal(ng_outfile_open(&out, "/dev/full", &err), NG_OK);
    for (int i = 0; i < 10000; i++)
        fputs("0123456789abcdef", out.fp);
    assert_int_equal(ng_outfile_commit(&out, &err), NG_EIO);
    assert_non_null(strstr(err.msg, "/dev/full"));
    assert_non_null(strstr(err.msg, "No space"));
    struct stat st;
    assert_int_equal(stat("/dev/full", &st), 0);
    assert_true(S_ISCHR(st.st_mode)); /* never renamed over */
}

static void test_unwritable_folder(void **state)
{
    (void)state;
    ng_outfile out;
    ng_error err;
    assert_int_equal(ng_outfile_open(&out, "/nonexistent-dir/x.pcap", &err), NG_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.pcap"));
}

static void test_mkdir_p(void **state)
{
    (void)state;
    ng_error err;
    const char *deep = ng_test_tmp("a/b/c");
    assert_int_equal(ng_mkdir_p(deep, &err), NG_OK);
    assert_int_equal(ng_mkdir_p(deep, &err), NG_OK);
    struct stat st;
    assert_int_equal(stat(deep, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    const char *file = ng_test_tmp("plain");
    ng_test_write_file(file, "x", 1);
    assert_int_equal(ng_mkdir_p(file, &err), NG_EIO);
    ng_test_cleanup_tmpdir();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit_replaces_atomically),
        cmocka_unit_test(test_abort_keeps_old_file),
        cmocka_unit_test(test_full_disk_is_an_error),
        cmocka_unit_test(test_unwritable_folder),
        cmocka_unit_test(test_mkdir_p),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
