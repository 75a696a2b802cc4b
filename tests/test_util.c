/* test_util.c — fixture paths, temporary directories and small file helpers. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char path_buf[8][4096];
static int path_slot;
static char tmpdir_path[256];

static char *next_buf(void)
{
    path_slot = (path_slot + 1) % 8;
    return path_buf[path_slot];
}

const char *ng_test_shared(const char *relpath)
{
    char *buf = next_buf();
    snprintf(buf, 4096, "%s/%s", NG_SHARED_DATA, relpath);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

const char *ng_test_data(const char *relpath)
{
    char *buf = next_buf();
    snprintf(buf, 4096, "%s/%s", NG_TEST_DATA, relpath);
    return buf;
}

const char *ng_test_tmpdir(void)
{
    if (!tmpdir_path[0]) {
        snprintf(tmpdir_path, sizeof tmpdir_path, "/tmp/ngtest.XXXXXX");
        if (!mkdtemp(tmpdir_path)) {
            perror("mkdtemp");
            abort();
        }
    }
    return tmpdir_path;
}

void ng_test_cleanup_tmpdir(void)
{
    if (tmpdir_path[0]) {
        ng_test_run("rm -rf '%s'", tmpdir_path);
        tmpdir_path[0] = '\0';
    }
}

const char *ng_test_tmp(const char *name)
{
    char *buf = next_buf();
    snprintf(buf, 4096, "%s/%s", ng_test_tmpdir(), name);
    return buf;
}

void ng_test_write_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

uint8_t *ng_test_read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, fp), (size_t)size);
    fclose(fp);
    *len = (size_t)size;
    return data;
}

bool ng_test_small(void)
{
    const char *v = getenv("NG_TEST_SMALL");
    return v && v[0] && strcmp(v, "0") != 0;
}

int ng_test_run(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int status = system(cmd);
    if (status == -1 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

long ng_test_tshark_errors(const char *path)
{
    if (ng_test_run("command -v tshark >/dev/null 2>&1") != 0) {
        printf("  tshark not installed: skipped\n");
        return -1;
    }
    char out[4096];
    snprintf(out, sizeof out, "%s", ng_test_tmp("tshark_errors.txt"));
    assert_int_equal(ng_test_run("tshark -n -r '%s' -o ip.check_checksum:TRUE "
                                 "-o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE "
                                 "-Y '_ws.malformed || _ws.expert.severity >= error' -T fields "
                                 "-e frame.number -e _ws.col.Protocol -e _ws.expert.message "
                                 ">'%s' 2>/dev/null", path, out), 0);
    size_t len;
    uint8_t *text = ng_test_read_file(out, &len);
    long lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    printf("  tshark: %ld malformed or error-level frames\n", lines);
    if (lines)
        printf("%.*s\n", (int)(len < 2000 ? len : 2000), (const char *)text);
    free(text);
    return lines;
}

const char *ng_test_binary(void)
{
    static char binary[4096];
    if (!binary[0]) {
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        assert_true(n > 0);
        self[n] = '\0';
        snprintf(binary, sizeof binary, "%s/necstgen", dirname(self));
    }
    return binary;
}
