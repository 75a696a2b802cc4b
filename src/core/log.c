/* log.c — leveled logging to stderr or a user sink. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

static ng_log_level current_level = NG_LOG_INFO;
static ng_log_sink current_sink;
static void *current_user;

void ng_log_set_level(ng_log_level level) { current_level = level; }
ng_log_level ng_log_get_level(void) { return current_level; }

void ng_log_set_sink(ng_log_sink sink, void *user)
{
    current_sink = sink;
    current_user = user;
}

void ng_log(ng_log_level level, const char *fmt, ...)
{
    if (level > current_level)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (current_sink) {
        current_sink(level, line, current_user);
        return;
    }
    const char *prefix = level == NG_LOG_ERROR ? "error: " : level == NG_LOG_WARN ? "warning: " : "";
    fprintf(stderr, "necstgen: %s%s\n", prefix, line);
}
