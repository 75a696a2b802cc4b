/* aggregate_json.c — checked JSON reads that remember the first failure (aggregate_json.h). */
#include "model/aggregate_json.h"

#include <stdarg.h>
#include <stdio.h>

void ng_json_reader_init(ng_json_reader *r, ng_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->where, sizeof r->where, fmt, ap);
    va_end(ap);
    r->err = err;
    r->st = NG_OK;
}

void ng_json_reader_fail(ng_json_reader *r, const char *fmt, ...)
{
    if (r->st)
        return;
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    r->st = ng_fail(r->err, NG_EFORMAT, "%s: %s", r->where, what);
}

int64_t ng_json_read_int(ng_json_reader *r, const json_t *obj, const char *key, int64_t lo,
                         int64_t hi)
{
    const json_t *v = json_object_get(obj, key);
    if (r->st)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        ng_json_reader_fail(r, "'%s' is missing or not an integer in [%lld, %lld]", key,
                            (long long)lo, (long long)hi);
        return 0;
    }
    return (int64_t)json_integer_value(v);
}

double ng_json_read_number(ng_json_reader *r, const json_t *obj, const char *key, double lo,
                           double hi)
{
    const json_t *v = json_object_get(obj, key);
    if (r->st)
        return 0.0;
    if (!json_is_number(v) || !(json_number_value(v) >= lo && json_number_value(v) <= hi)) {
        ng_json_reader_fail(r, "'%s' is missing or not a number in [%g, %g]", key, lo, hi);
        return 0.0;
    }
    return json_number_value(v);
}

const json_t *ng_json_read_object(ng_json_reader *r, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (r->st)
        return NULL;
    if (!json_is_object(v)) {
        ng_json_reader_fail(r, "'%s' is missing or not an object", key);
        return NULL;
    }
    return v;
}

const json_t *ng_json_read_array(ng_json_reader *r, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (r->st)
        return NULL;
    if (!json_is_array(v)) {
        ng_json_reader_fail(r, "'%s' is missing or not an array", key);
        return NULL;
    }
    return v;
}
