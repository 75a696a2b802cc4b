/* default_model.h — the model `necstgen generate` uses without -m, in one place.
 *
 * Lookup order: the file named by the environment variable NECSTGEN_MODEL, then the
 * copy of models/default.ngm built into the binary (cmake/embed_file.cmake; empty when
 * the file did not exist at build time). With neither, NG_EINVAL and the message
 * "no model given and no default model built in". */
#ifndef NG_CLI_DEFAULT_MODEL_H
#define NG_CLI_DEFAULT_MODEL_H

#include "core/error.h"
#include "model/model.h"

/* NECSTGEN_MODEL when set and not empty, else NULL (the built-in copy, if any). */
const char *ng_default_model_path(void);
ng_status ng_default_model_load(ng_model **out, ng_error *err);

#endif
