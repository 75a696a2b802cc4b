/* args.c — option matching, strict number parsing and usage errors. */
#include "cli/args.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

bool ng_arg_is(const ng_args *a, const char *long_name, const char *short_name)
{
    const char *arg = a->argv[a->i];
    if (short_name && !strcmp(arg, short_name))
        return true;
    size_t len = strlen(long_name);
    return !strncmp(arg, long_name, len) && (arg[len] == '\0' || arg[len] == '=');
}

const char *ng_arg_value(ng_args *a)
{
    const char *eq = strchr(a->argv[a->i], '=');
    if (eq && a->argv[a->i][0] == '-' && a->argv[a->i][1] == '-')
        return eq + 1;
    if (a->i + 1 < a->argc)
        return a->argv[++a->i];
    return NULL;
}

bool ng_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return s[0] && !*end && !errno && isfinite(*out);
}

bool ng_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!s[0] || s[0] == '-' || s[0] == '+')
        return false;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return !*end && !errno;
}

int ng_usage_error(const ng_args *a, const char *fmt, ...)
{
    fprintf(stderr, "necstgen %s: ", a->cmd);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (a->usage)
        a->usage(stderr);
    return 2;
}
