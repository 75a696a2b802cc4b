/* train_config.c — defaults, JSON overrides, range checks and the JSON record of the
 * training hyperparameters.
 *
 * Each setting is described once in a table (key, type, location inside the struct,
 * allowed range), so reading, checking and writing JSON are three loops over it. */
#include "model/train_config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef enum { KIND_SIZE, KIND_FLOAT, KIND_DOUBLE, KIND_U64 } setting_kind;

typedef struct setting {
    const char *section; /* NULL: top level */
    const char *key;
    setting_kind kind;
    size_t offset;       /* into ng_train_config */
    double min, max;     /* KIND_U64: checked exactly against NG_TRAIN_CONFIG_U64_MAX */
} setting;

/* packet.gmm_max_points: 0 (all points) or at least this many. */
#define GMM_MIN_POINTS 100

#define AT(field) offsetof(ng_train_config, field)

static const setting settings[] = {
    {NULL, "seed", KIND_U64, AT(seed), 0, (double)INT64_MAX},
    {NULL, "validation_fraction", KIND_DOUBLE, AT(validation_fraction), 0.0, 0.5},
    {NULL, "patience", KIND_SIZE, AT(patience), 1, 1000},
    {NULL, "max_grad_norm", KIND_FLOAT, AT(max_grad_norm), 0.0, 1e6},
    {NULL, "flow_timeout_s", KIND_DOUBLE, AT(flow_timeout_s), 0.001, 1e7},
    {NULL, "max_packets", KIND_U64, AT(max_packets), 0, (double)INT64_MAX},
    {"packet", "latent", KIND_SIZE, AT(packet.latent), 1, 64},
    {"packet", "hidden1", KIND_SIZE, AT(packet.hidden[0]), 1, 1024},
    {"packet", "hidden2", KIND_SIZE, AT(packet.hidden[1]), 0, 1024},
    {"packet", "hidden3", KIND_SIZE, AT(packet.hidden[2]), 0, 1024},
    {"packet", "beta", KIND_FLOAT, AT(packet.beta), 0.0, 100.0},
    {"packet", "epochs", KIND_SIZE, AT(packet.epochs), 1, 100000},
    {"packet", "batch", KIND_SIZE, AT(packet.batch), 1, 65536},
    {"packet", "learning_rate", KIND_FLOAT, AT(packet.learning_rate), 1e-7, 1.0},
    {"packet", "k_min", KIND_SIZE, AT(packet.k_min), 1, 256},
    {"packet", "k_max", KIND_SIZE, AT(packet.k_max), 1, 256},
    {"packet", "gmm_max_points", KIND_SIZE, AT(packet.gmm_max_points), 0, 1e8},
    {"packet", "size_vocab", KIND_SIZE, AT(packet.size_vocab), 1, 1024},
    {"flow", "hidden", KIND_SIZE, AT(flow.hidden), 1, 1024},
    {"flow", "layers", KIND_SIZE, AT(flow.layers), 1, 4},
    {"flow", "max_steps", KIND_SIZE, AT(flow.max_steps), 2, 4096},
    {"flow", "epochs", KIND_SIZE, AT(flow.epochs), 1, 100000},
    {"flow", "batch", KIND_SIZE, AT(flow.batch), 1, 4096},
    {"flow", "learning_rate", KIND_FLOAT, AT(flow.learning_rate), 1e-7, 1.0},
    {"flow", "iat_mixture", KIND_SIZE, AT(flow.iat_mixture), 1, 32},
    {"flow", "max_flows", KIND_SIZE, AT(flow.max_flows), 0, 1e9},
    {"aggregate", "k_max", KIND_SIZE, AT(aggregate.k_max), 1, 64},
    {"aggregate", "gap_k_max", KIND_SIZE, AT(aggregate.gap_k_max), 1, 64},
    {"aggregate", "ngram_order", KIND_SIZE, AT(aggregate.ngram_order), 1, 8},
};
#define N_SETTINGS (sizeof settings / sizeof settings[0])

void ng_train_config_default(ng_train_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->seed = 1;
    cfg->validation_fraction = 0.1;
    cfg->patience = 25; /* with flow.epochs 300: more fidelity targets met (docs/FIDELITY.md) */
    cfg->max_grad_norm = 5.0f;
    cfg->flow_timeout_s = 120.0;
    cfg->packet = (ng_packet_level_config){
        .latent = 4, .hidden = {32, 16, 0}, .beta = 0.5f, .epochs = 30, .batch = 64,
        .learning_rate = 1e-3f, .k_min = 2, .k_max = 24, .gmm_max_points = 20000,
        .size_vocab = 48};
    cfg->flow = (ng_flow_level_config){
        .hidden = 32, .layers = 1, .max_steps = 64, .epochs = 300, .batch = 32,
        .learning_rate = 2e-3f, .iat_mixture = 4, .max_flows = 20000};
    cfg->aggregate = (ng_aggregate_config){.k_max = 8, .gap_k_max = 8, .ngram_order = 3};
}

static double get_value(const ng_train_config *cfg, const setting *s)
{
    const char *base = (const char *)cfg + s->offset;
    switch (s->kind) {
    case KIND_SIZE: return (double)*(const size_t *)base;
    case KIND_FLOAT: return *(const float *)base;
    case KIND_DOUBLE: return *(const double *)base;
    case KIND_U64: return (double)*(const uint64_t *)base;
    }
    return 0;
}

static void full_key(const setting *s, char *buf, size_t len)
{
    if (s->section)
        snprintf(buf, len, "%s.%s", s->section, s->key);
    else
        snprintf(buf, len, "%s", s->key);
}

static bool is_integral(const setting *s)
{
    return s->kind == KIND_SIZE || s->kind == KIND_U64;
}

/* Bounds of an integer setting, exact (a double cannot hold 2^63 - 1). */
static void int_bounds(const setting *s, uint64_t *min, uint64_t *max)
{
    *min = (uint64_t)s->min;
    *max = s->kind == KIND_U64 ? NG_TRAIN_CONFIG_U64_MAX : (uint64_t)s->max;
}

static ng_status set_integer(ng_train_config *cfg, const setting *s, const json_t *v,
                             const char *source, const char *name, ng_error *err)
{
    json_int_t n = json_integer_value(v);
    if (n < 0)
        return ng_fail(err, NG_EINVAL, "%s: '%s' must not be negative", source, name);
    uint64_t min, max, u = (uint64_t)n;
    int_bounds(s, &min, &max);
    if (u < min || u > max)
        return ng_fail(err, NG_EINVAL, "%s: '%s' = %" PRIu64 " is outside [%" PRIu64 ", %" PRIu64 "]",
                       source, name, u, min, max);
    char *base = (char *)cfg + s->offset;
    if (s->kind == KIND_SIZE)
        *(size_t *)base = (size_t)u;
    else
        *(uint64_t *)base = u;
    return NG_OK;
}

static ng_status set_value(ng_train_config *cfg, const setting *s, const json_t *v,
                           const char *source, ng_error *err)
{
    char name[64];
    full_key(s, name, sizeof name);
    bool integral = is_integral(s);
    if (integral ? !json_is_integer(v) : !json_is_number(v))
        return ng_fail(err, NG_EINVAL, "%s: '%s' must be %s", source, name,
                       integral ? "an integer" : "a number");
    if (integral)
        return set_integer(cfg, s, v, source, name, err);
    double x = json_number_value(v);
    if (!isfinite(x) || x < s->min || x > s->max)
        return ng_fail(err, NG_EINVAL, "%s: '%s' = %g is outside [%g, %g]", source, name, x,
                       s->min, s->max);
    char *base = (char *)cfg + s->offset;
    if (s->kind == KIND_FLOAT)
        *(float *)base = (float)x;
    else
        *(double *)base = x;
    return NG_OK;
}

static const setting *find_setting(const char *section, const char *key)
{
    for (size_t i = 0; i < N_SETTINGS; i++) {
        const setting *s = &settings[i];
        bool same_section = section ? s->section && !strcmp(s->section, section) : !s->section;
        if (same_section && !strcmp(s->key, key))
            return s;
    }
    return NULL;
}

static ng_status apply_apps(ng_train_config *cfg, const json_t *apps, const char *source,
                            ng_error *err)
{
    if (!json_is_array(apps))
        return ng_fail(err, NG_EINVAL, "%s: 'apps' must be an array of class names", source);
    memset(cfg->keep_class, 0, sizeof cfg->keep_class);
    cfg->filter_classes = json_array_size(apps) > 0;
    size_t i;
    json_t *name;
    json_array_foreach(apps, i, name) {
        int cls = json_is_string(name) ? ng_app_class_from_name(json_string_value(name)) : -1;
        if (cls < 0)
            return ng_fail(err, NG_EINVAL, "%s: 'apps'[%zu] is not a known application class",
                           source, i);
        cfg->keep_class[cls] = true;
    }
    return NG_OK;
}

/* A key as it may be shown in a one-line message: control bytes become '?', long keys
 * are cut. Keys come from the user's file and must not break the terminal line. */
static const char *printable_key(const char *key, char *buf, size_t len)
{
    size_t i = 0;
    for (; key[i] && i + 4 < len && i < 48; i++)
        buf[i] = (unsigned char)key[i] < 0x20 || key[i] == 0x7f ? '?' : key[i];
    if (key[i])
        buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
    buf[i] = '\0';
    return buf;
}

static bool is_section(const char *key)
{
    return !strcmp(key, "packet") || !strcmp(key, "flow") || !strcmp(key, "aggregate");
}

static ng_status apply_object(ng_train_config *cfg, const json_t *obj, const char *section,
                              const char *source, ng_error *err)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value) {
        ng_status st = NG_OK;
        const setting *s = find_setting(section, key);
        if (s)
            st = set_value(cfg, s, value, source, err);
        else if (!section && !strcmp(key, "apps"))
            st = apply_apps(cfg, value, source, err);
        else if (!section && is_section(key))
            st = json_is_object(value)
                     ? apply_object(cfg, value, key, source, err)
                     : ng_fail(err, NG_EINVAL, "%s: '%s' must be a JSON object", source, key);
        else {
            char shown[64];
            st = ng_fail(err, NG_EINVAL, "%s: unknown setting '%s%s%s'", source,
                         section ? section : "", section ? "." : "",
                         printable_key(key, shown, sizeof shown));
        }
        if (st != NG_OK)
            return st;
    }
    return NG_OK;
}

ng_status ng_train_config_apply_json(ng_train_config *cfg, const json_t *obj, const char *source,
                                     ng_error *err)
{
    if (!json_is_object(obj))
        return ng_fail(err, NG_EINVAL, "%s: the configuration must be a JSON object", source);
    ng_status st = apply_object(cfg, obj, NULL, source, err);
    if (st != NG_OK)
        return st;
    ng_error check;
    if ((st = ng_train_config_check(cfg, &check)) != NG_OK)
        ng_fail(err, st, "%s: %s", source, check.msg);
    return st;
}

/* Opened here rather than by jansson, whose message for a missing file carries a
 * meaningless "line -1, column -1". */
static FILE *open_config_file(const char *path, ng_error *err)
{
    FILE *fp = fopen(path, "rb");
    struct stat st;
    int e = errno;
    if (fp && fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        fp = NULL;
        e = EISDIR;
    }
    if (!fp)
        ng_fail(err, NG_EIO, "cannot open config file '%s': %s", path, strerror(e));
    return fp;
}

ng_status ng_train_config_load_file(ng_train_config *cfg, const char *path, ng_error *err)
{
    FILE *fp = open_config_file(path, err);
    if (!fp)
        return NG_EIO;
    json_error_t jerr;
    json_t *root = json_loadf(fp, JSON_REJECT_DUPLICATES, &jerr);
    fclose(fp);
    if (!root)
        return ng_fail(err, NG_EFORMAT, "%s: line %d, column %d: %s%s", path, jerr.line,
                       jerr.column, jerr.text,
                       !strncmp(jerr.text, "too big integer", 15)
                           ? " (integers are at most 9223372036854775807)" : "");
    ng_status st = ng_train_config_apply_json(cfg, root, path, err);
    json_decref(root);
    return st;
}

static bool in_range(const ng_train_config *cfg, const setting *s)
{
    if (s->kind == KIND_U64)
        return *(const uint64_t *)((const char *)cfg + s->offset) <= NG_TRAIN_CONFIG_U64_MAX;
    double x = get_value(cfg, s);
    return x >= s->min && x <= s->max;
}

static ng_status range_error(const ng_train_config *cfg, const setting *s, ng_error *err)
{
    char name[64];
    full_key(s, name, sizeof name);
    if (!is_integral(s))
        return ng_fail(err, NG_EINVAL, "setting '%s' = %g is outside [%g, %g]", name,
                       get_value(cfg, s), s->min, s->max);
    const char *base = (const char *)cfg + s->offset;
    uint64_t min, max;
    uint64_t u = s->kind == KIND_SIZE ? (uint64_t)*(const size_t *)base : *(const uint64_t *)base;
    int_bounds(s, &min, &max);
    return ng_fail(err, NG_EINVAL, "setting '%s' = %" PRIu64 " is outside [%" PRIu64 ", %" PRIu64 "]",
                   name, u, min, max);
}

ng_status ng_train_config_check(const ng_train_config *cfg, ng_error *err)
{
    for (size_t i = 0; i < N_SETTINGS; i++)
        if (!in_range(cfg, &settings[i]))
            return range_error(cfg, &settings[i], err);
    if (cfg->packet.k_min > cfg->packet.k_max)
        return ng_fail(err, NG_EINVAL, "packet.k_min (%zu) is larger than packet.k_max (%zu)",
                       cfg->packet.k_min, cfg->packet.k_max);
    if (cfg->packet.hidden[1] == 0 && cfg->packet.hidden[2] != 0)
        return ng_fail(err, NG_EINVAL, "packet.hidden3 is set but packet.hidden2 is 0");
    if (cfg->packet.gmm_max_points && cfg->packet.gmm_max_points < GMM_MIN_POINTS)
        return ng_fail(err, NG_EINVAL,
                       "packet.gmm_max_points (%zu) must be 0 (all points) or at least %d",
                       cfg->packet.gmm_max_points, GMM_MIN_POINTS);
    return NG_OK;
}

bool ng_train_config_int_range(const char *key, uint64_t *min, uint64_t *max)
{
    char section[16] = "";
    const char *dot = strchr(key, '.');
    if (dot && (size_t)(dot - key) < sizeof section)
        memcpy(section, key, (size_t)(dot - key));
    const setting *s = find_setting(dot ? section : NULL, dot ? dot + 1 : key);
    if (!s || !is_integral(s))
        return false;
    int_bounds(s, min, max);
    return true;
}

static json_t *number_json(const ng_train_config *cfg, const setting *s)
{
    const char *base = (const char *)cfg + s->offset;
    switch (s->kind) {
    case KIND_SIZE: return json_integer((json_int_t)*(const size_t *)base);
    case KIND_U64: return json_integer((json_int_t)*(const uint64_t *)base);
    case KIND_FLOAT: return json_real(*(const float *)base);
    case KIND_DOUBLE: return json_real(*(const double *)base);
    }
    return json_null();
}

json_t *ng_train_config_to_json(const ng_train_config *cfg)
{
    json_t *root = json_object();
    for (size_t i = 0; i < N_SETTINGS; i++) {
        const setting *s = &settings[i];
        json_t *target = root;
        if (s->section) {
            target = json_object_get(root, s->section);
            if (!target) {
                target = json_object();
                json_object_set_new(root, s->section, target);
            }
        }
        json_object_set_new(target, s->key, number_json(cfg, s));
    }
    json_t *apps = json_array();
    for (int c = 0; c < NG_APP_COUNT; c++)
        if (cfg->filter_classes && cfg->keep_class[c])
            json_array_append_new(apps, json_string(ng_app_class_name((ng_app_class)c)));
    json_object_set_new(root, "apps", apps);
    return root;
}
