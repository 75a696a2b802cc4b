/* params_io.c — ng_params to and from model-file tensors (see params_io.h). */
#include "model/params_io.h"

#include <math.h>
#include <string.h>

static void tensor_dims(const ng_tensor *t, uint64_t dims[NG_TENSOR_MAX_DIMS])
{
    for (int d = 0; d < t->ndim; d++)
        dims[d] = t->shape[d];
}

ng_status ng_params_io_add(ng_model_writer *w, const ng_params *p, ng_error *err)
{
    for (size_t i = 0; i < p->count; i++) {
        const ng_tensor *t = &p->tensors[i];
        uint64_t dims[NG_TENSOR_MAX_DIMS];
        tensor_dims(t, dims);
        ng_status st = ng_model_writer_add_f32(w, t->name, (uint32_t)t->ndim, dims, t->data, err);
        if (st != NG_OK)
            return st;
    }
    return NG_OK;
}

ng_status ng_params_io_load(const ng_model_file *m, ng_params *p, ng_error *err)
{
    for (size_t i = 0; i < p->count; i++) {
        ng_tensor *t = &p->tensors[i];
        uint64_t dims[NG_TENSOR_MAX_DIMS];
        tensor_dims(t, dims);
        const ng_model_tensor *stored;
        ng_status st = ng_model_file_tensor(m, t->name, NG_DTYPE_F32, (uint32_t)t->ndim, dims,
                                            &stored, err);
        if (st != NG_OK)
            return st;
        memcpy(t->data, stored->data, t->size * sizeof(float));
        for (size_t j = 0; j < t->size; j++)
            if (!isfinite(t->data[j]))
                return ng_fail(err, NG_EFORMAT, "%s: tensor '%s' holds a NaN or Inf at %zu",
                               m->path ? m->path : "model", t->name, j);
    }
    return NG_OK;
}
