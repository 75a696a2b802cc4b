/* params.h — named parameter tensors living in one flat buffer, with a twin gradient buffer.
 *
 * A model declares its tensors (name and shape) into one ng_params, then allocates once:
 * every tensor is a slice of `data` and its gradient the same slice of `grad`. So Adam,
 * clipping, zeroing and saving are single loops over `total` floats, and a model file
 * writer iterates `tensors` to store {name, shape, data}. Layers keep the index returned
 * by ng_params_declare and look their slice up with ng_params_data/ng_params_grad after
 * ng_params_alloc (the buffers never move afterwards). Buffers start zeroed. */
#ifndef NG_NN_PARAMS_H
#define NG_NN_PARAMS_H

#include <stddef.h>

#include "core/error.h"

#define NG_TENSOR_MAX_DIMS 4
#define NG_TENSOR_NAME_MAX 64

typedef struct ng_tensor {
    char name[NG_TENSOR_NAME_MAX];
    int ndim;
    size_t shape[NG_TENSOR_MAX_DIMS];
    size_t size;   /* product of the shape */
    size_t offset; /* first element in the flat buffers */
    float *data;   /* params->data + offset, set by ng_params_alloc */
    float *grad;   /* params->grad + offset, set by ng_params_alloc */
} ng_tensor;

typedef struct ng_params {
    ng_tensor *tensors;
    size_t count, cap;
    float *data; /* all parameters, `total` floats (NULL before alloc) */
    float *grad; /* their gradients, same layout */
    size_t total;
} ng_params;

void ng_params_init(ng_params *p);
void ng_params_free(ng_params *p);

/* Add a tensor of the given shape; its index goes to *index. Fails after alloc, on a
 * duplicate or too long name, or a zero dimension. */
ng_status ng_params_declare(ng_params *p, const char *name, int ndim, const size_t *shape,
                            size_t *index, ng_error *err);
/* Allocate the zeroed data and grad buffers for everything declared so far. */
ng_status ng_params_alloc(ng_params *p, ng_error *err);

static inline float *ng_params_data(const ng_params *p, size_t index)
{
    return p->data + p->tensors[index].offset;
}
static inline float *ng_params_grad(const ng_params *p, size_t index)
{
    return p->grad + p->tensors[index].offset;
}

/* The tensor with this name, or NULL. */
ng_tensor *ng_params_find(const ng_params *p, const char *name);
void ng_params_zero_grad(ng_params *p);

#endif
