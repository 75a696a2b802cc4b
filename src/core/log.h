/* log.h — the library's only way to print: leveled messages to stderr (or a sink).
 *
 * The CLI sets the level from -q/-v. Messages are one line each, prefixed with
 * "necstgen: " and, for warnings, "warning: ". */
#ifndef NG_CORE_LOG_H
#define NG_CORE_LOG_H

typedef enum ng_log_level {
    NG_LOG_ERROR = 0,
    NG_LOG_WARN = 1,
    NG_LOG_INFO = 2,
    NG_LOG_DEBUG = 3
} ng_log_level;

typedef void (*ng_log_sink)(ng_log_level level, const char *line, void *user);

void ng_log_set_level(ng_log_level level);
ng_log_level ng_log_get_level(void);
/* Route messages to sink instead of stderr (NULL restores stderr). */
void ng_log_set_sink(ng_log_sink sink, void *user);

void ng_log(ng_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define ng_error_log(...) ng_log(NG_LOG_ERROR, __VA_ARGS__)
#define ng_warn(...)      ng_log(NG_LOG_WARN, __VA_ARGS__)
#define ng_info(...)      ng_log(NG_LOG_INFO, __VA_ARGS__)
#define ng_debug(...)     ng_log(NG_LOG_DEBUG, __VA_ARGS__)

#endif
