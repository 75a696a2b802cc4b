/* params_io.h — a network's parameters (nn/params.h) in a model file.
 *
 * Every tensor of an ng_params is stored as a float32 tensor under its own name; loading
 * fills an ng_params declared with the same architecture, checking each tensor's shape
 * against the declaration and refusing NaN or Inf values, with the file and tensor named. */
#ifndef NG_MODEL_PARAMS_IO_H
#define NG_MODEL_PARAMS_IO_H

#include "core/error.h"
#include "model/model_file.h"
#include "nn/params.h"

ng_status ng_params_io_add(ng_model_writer *w, const ng_params *p, ng_error *err);
ng_status ng_params_io_load(const ng_model_file *m, ng_params *p, ng_error *err);

#endif
