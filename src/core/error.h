/* error.h — status codes and the error message every fallible call fills.
 *
 * Library functions return an ng_status and, on failure, write one line into an
 * ng_error naming the file, the packet number or byte offset and what was wrong.
 * The library never exits, aborts or prints on its own; the CLI prints err->msg. */
#ifndef NG_CORE_ERROR_H
#define NG_CORE_ERROR_H

typedef enum ng_status {
    NG_OK = 0,
    NG_EIO,          /* reading or writing a file failed */
    NG_EFORMAT,      /* input is not what it claims to be, or is corrupt */
    NG_ENOMEM,       /* allocation failed */
    NG_EINVAL,       /* an argument or option is impossible */
    NG_ENUMERIC,     /* NaN/Inf or divergence during a computation */
    NG_EUNSUPPORTED, /* valid but not handled (e.g. an unknown link type) */
    NG_EINTERRUPTED  /* stopped by a signal */
} ng_status;

#define NG_ERROR_MSG_MAX 512

typedef struct ng_error {
    ng_status code;
    char msg[NG_ERROR_MSG_MAX];
} ng_error;

/* Fill err (may be NULL) with a printf-style message and return code. */
ng_status ng_fail(ng_error *err, ng_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clear err to NG_OK with an empty message. */
void ng_error_clear(ng_error *err);

/* A short name for a status, e.g. "format error". */
const char *ng_status_name(ng_status code);

#endif
