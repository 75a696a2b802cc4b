/* aggregate_json.h — checked reads from the aggregate level's JSON header.
 *
 * A reader carries the place being read ("model.ngm: header 'aggregate.classes[3]'")
 * and the first failure: once a read fails, later reads return 0/NULL and keep the
 * first message, so a loader can read many fields and check the status once. Every
 * message names the place and the key, and what was expected. */
#ifndef NG_MODEL_AGGREGATE_JSON_H
#define NG_MODEL_AGGREGATE_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"

typedef struct ng_json_reader {
    char where[384];
    ng_error *err;
    ng_status st;
} ng_json_reader;

void ng_json_reader_init(ng_json_reader *r, ng_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int64_t ng_json_read_int(ng_json_reader *r, const json_t *obj, const char *key, int64_t lo,
                         int64_t hi);
double ng_json_read_number(ng_json_reader *r, const json_t *obj, const char *key, double lo,
                           double hi);
/* The member as an object / array (NULL and a failure when missing or mistyped). */
const json_t *ng_json_read_object(ng_json_reader *r, const json_t *obj, const char *key);
const json_t *ng_json_read_array(ng_json_reader *r, const json_t *obj, const char *key);
/* Record a failure of the caller's own check (printf-style, after the place). */
void ng_json_reader_fail(ng_json_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
