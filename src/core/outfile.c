/* outfile.c — atomic output files: write to a temporary beside the target, then
 * flush + fsync + rename; on error or on a fatal signal the temporary is deleted.
 *
 * Pending temporaries are kept in a small fixed table that the signal handler
 * walks with async-signal-safe calls only (unlink, signal, raise). */
#include "core/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PENDING 32

static char *volatile pending[MAX_PENDING];

static void pending_add(char *path)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (!pending[i]) {
            pending[i] = path;
            return;
        }
}

static void pending_remove(const char *path)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i] == path)
            pending[i] = NULL;
}

static void on_fatal_signal(int sig)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i])
            unlink(pending[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

void ng_outfile_install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a closed pipe shows up as a write error instead */
}

static bool is_existing_non_regular(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

static ng_status open_temporary(ng_outfile *out, const char *path, ng_error *err)
{
    size_t len = strlen(path);
    out->tmp_path = malloc(len + 16);
    if (!out->tmp_path)
        return ng_fail(err, NG_ENOMEM, "%s: out of memory", path);
    snprintf(out->tmp_path, len + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(out->tmp_path);
    if (fd < 0) {
        int e = errno;
        free(out->tmp_path);
        out->tmp_path = NULL;
        return ng_fail(err, NG_EIO, "%s: cannot create output file: %s", path, strerror(e));
    }
    fchmod(fd, 0644); /* mkstemp makes 0600; outputs are ordinary files */
    out->fp = fdopen(fd, "wb");
    if (!out->fp) {
        int e = errno;
        close(fd);
        unlink(out->tmp_path);
        free(out->tmp_path);
        out->tmp_path = NULL;
        return ng_fail(err, NG_EIO, "%s: cannot open output file: %s", path, strerror(e));
    }
    pending_add(out->tmp_path);
    return NG_OK;
}

ng_status ng_outfile_open(ng_outfile *out, const char *path, ng_error *err)
{
    memset(out, 0, sizeof *out);
    if (!strcmp(path, "-")) {
        out->fp = stdout;
        out->is_stdout = true;
        return NG_OK;
    }
    out->path = strdup(path);
    if (!out->path)
        return ng_fail(err, NG_ENOMEM, "%s: out of memory", path);
    if (is_existing_non_regular(path)) {
        out->fp = fopen(path, "wb");
        if (!out->fp) {
            ng_fail(err, NG_EIO, "%s: cannot open for writing: %s", path, strerror(errno));
            free(out->path);
            out->path = NULL;
            return NG_EIO;
        }
        return NG_OK;
    }
    ng_status st = open_temporary(out, path, err);
    if (st != NG_OK) {
        free(out->path);
        out->path = NULL;
    }
    return st;
}

static void release(ng_outfile *out)
{
    if (out->tmp_path) {
        pending_remove(out->tmp_path);
        free(out->tmp_path);
    }
    free(out->path);
    memset(out, 0, sizeof *out);
}

ng_status ng_outfile_commit(ng_outfile *out, ng_error *err)
{
    const char *name = out->is_stdout ? "standard output" : out->path;
    if (!out->fp)
        return ng_fail(err, NG_EIO, "%s: output already closed", name ? name : "?");
    bool failed = fflush(out->fp) != 0 || ferror(out->fp);
    int e = errno;
    if (out->is_stdout) {
        out->fp = NULL;
        release(out);
        return failed ? ng_fail(err, NG_EIO, "standard output: write failed: %s", strerror(e)) : NG_OK;
    }
    if (!failed && out->tmp_path && fsync(fileno(out->fp)) != 0 && errno != EINVAL) {
        failed = true;
        e = errno;
    }
    if (fclose(out->fp) != 0 && !failed) {
        failed = true;
        e = errno;
    }
    out->fp = NULL;
    if (failed) {
        ng_fail(err, NG_EIO, "%s: write failed: %s", out->path, strerror(e));
        ng_outfile_abort(out);
        return NG_EIO;
    }
    if (out->tmp_path && rename(out->tmp_path, out->path) != 0) {
        ng_fail(err, NG_EIO, "%s: cannot rename temporary into place: %s", out->path,
                strerror(errno));
        ng_outfile_abort(out);
        return NG_EIO;
    }
    release(out);
    return NG_OK;
}

void ng_outfile_abort(ng_outfile *out)
{
    if (out->fp && !out->is_stdout)
        fclose(out->fp);
    out->fp = NULL;
    if (out->tmp_path)
        unlink(out->tmp_path);
    release(out);
}

ng_status ng_mkdir_p(const char *path, ng_error *err)
{
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf)
        return ng_fail(err, NG_EINVAL, "%s: bad directory name", path);
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return ng_fail(err, NG_EIO, "%s: cannot create directory: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return ng_fail(err, NG_EIO, "%s: cannot create directory: %s", path, strerror(errno));
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
        return ng_fail(err, NG_EIO, "%s: not a directory", path);
    return NG_OK;
}
