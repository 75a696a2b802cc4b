/* default_model.c — NECSTGEN_MODEL, else the embedded bytes (see default_model.h). */
#include "cli/default_model.h"

#include <stdlib.h>

/* Defined in the build's generated default_model.c (length 0 when no model was built in). */
extern const unsigned char ng_default_model[];
extern const size_t ng_default_model_len;

const char *ng_default_model_path(void)
{
    const char *env = getenv("NECSTGEN_MODEL");
    return env && env[0] ? env : NULL;
}

ng_status ng_default_model_load(ng_model **out, ng_error *err)
{
    const char *path = ng_default_model_path();
    if (path)
        return ng_model_load(path, out, err);
    if (ng_default_model_len > 0)
        return ng_model_load_bytes(ng_default_model, ng_default_model_len,
                                   "built-in default model", out, err);
    *out = NULL;
    return ng_fail(err, NG_EINVAL, "no model given and no default model built in "
                   "(use -m MODEL.ngm or set NECSTGEN_MODEL)");
}
