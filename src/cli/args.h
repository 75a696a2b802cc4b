/* args.h — option parsing shared by the subcommands.
 *
 * Options take "--name VALUE", "--name=VALUE" or "-n VALUE"; numbers are parsed
 * strictly (the whole string, no overflow); usage errors print one line
 * "necstgen CMD: ..." followed by the command's usage, and return exit status 2. */
#ifndef NG_CLI_ARGS_H
#define NG_CLI_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct ng_args {
    int argc;
    char **argv;
    int i;              /* the argument being looked at */
    const char *cmd;    /* subcommand name, for messages */
    void (*usage)(FILE *out);
} ng_args;

/* True when argv[i] is --long_name (alone or with "=VALUE") or short_name (may be NULL). */
bool ng_arg_is(const ng_args *a, const char *long_name, const char *short_name);
/* The value of the option at argv[i]: after '=' or the next argument (consumed).
 * NULL when there is none. */
const char *ng_arg_value(ng_args *a);

bool ng_parse_double(const char *s, double *out);
bool ng_parse_u64(const char *s, uint64_t *out);

/* Print "necstgen CMD: <message>" and the usage to stderr; returns 2. */
int ng_usage_error(const ng_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
