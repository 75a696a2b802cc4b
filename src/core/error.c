/* error.c — filling ng_error messages. Messages are one line: control bytes that reach
 * them from file contents or names (a newline in a config key, an escape sequence near a
 * JSON syntax error) are shown as '?'. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

ng_status ng_fail(ng_error *err, ng_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        for (char *c = err->msg; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
        err->code = code;
    }
    return code;
}

void ng_error_clear(ng_error *err)
{
    if (err) {
        err->code = NG_OK;
        err->msg[0] = '\0';
    }
}

const char *ng_status_name(ng_status code)
{
    switch (code) {
    case NG_OK: return "ok";
    case NG_EIO: return "I/O error";
    case NG_EFORMAT: return "format error";
    case NG_ENOMEM: return "out of memory";
    case NG_EINVAL: return "invalid argument";
    case NG_ENUMERIC: return "numerical error";
    case NG_EUNSUPPORTED: return "unsupported";
    case NG_EINTERRUPTED: return "interrupted";
    }
    return "unknown error";
}
