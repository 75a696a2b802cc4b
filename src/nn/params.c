/* params.c — declaring named tensors and carving them out of one buffer. */
#include "nn/params.h"

#include <stdlib.h>
#include <string.h>

void ng_params_init(ng_params *p)
{
    memset(p, 0, sizeof *p);
}

void ng_params_free(ng_params *p)
{
    free(p->tensors);
    free(p->data);
    free(p->grad);
    ng_params_init(p);
}

static ng_status check_declaration(const ng_params *p, const char *name, int ndim,
                                   const size_t *shape, ng_error *err)
{
    if (p->data)
        return ng_fail(err, NG_EINVAL, "parameter '%s' declared after allocation", name);
    if (strlen(name) >= NG_TENSOR_NAME_MAX)
        return ng_fail(err, NG_EINVAL, "parameter name '%s' longer than %d characters", name,
                       NG_TENSOR_NAME_MAX - 1);
    if (ndim < 1 || ndim > NG_TENSOR_MAX_DIMS)
        return ng_fail(err, NG_EINVAL, "parameter '%s' has %d dimensions (1 to %d allowed)",
                       name, ndim, NG_TENSOR_MAX_DIMS);
    for (int d = 0; d < ndim; d++)
        if (shape[d] == 0)
            return ng_fail(err, NG_EINVAL, "parameter '%s' has an empty dimension %d", name, d);
    if (ng_params_find(p, name))
        return ng_fail(err, NG_EINVAL, "parameter '%s' declared twice", name);
    return NG_OK;
}

ng_status ng_params_declare(ng_params *p, const char *name, int ndim, const size_t *shape,
                            size_t *index, ng_error *err)
{
    ng_status st = check_declaration(p, name, ndim, shape, err);
    if (st)
        return st;
    if (p->count == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        ng_tensor *grown = realloc(p->tensors, cap * sizeof *grown);
        if (!grown)
            return ng_fail(err, NG_ENOMEM, "no memory for parameter '%s'", name);
        p->tensors = grown;
        p->cap = cap;
    }
    ng_tensor *t = &p->tensors[p->count];
    memset(t, 0, sizeof *t);
    strcpy(t->name, name);
    t->ndim = ndim;
    t->size = 1;
    for (int d = 0; d < ndim; d++) {
        t->shape[d] = shape[d];
        t->size *= shape[d];
    }
    t->offset = p->total;
    p->total += t->size;
    if (index)
        *index = p->count;
    p->count++;
    return NG_OK;
}

ng_status ng_params_alloc(ng_params *p, ng_error *err)
{
    if (p->data)
        return ng_fail(err, NG_EINVAL, "parameters allocated twice");
    size_t n = p->total ? p->total : 1;
    p->data = calloc(n, sizeof(float));
    p->grad = calloc(n, sizeof(float));
    if (!p->data || !p->grad) {
        free(p->data);
        free(p->grad);
        p->data = p->grad = NULL;
        return ng_fail(err, NG_ENOMEM, "no memory for %zu parameters", p->total);
    }
    for (size_t i = 0; i < p->count; i++) {
        p->tensors[i].data = p->data + p->tensors[i].offset;
        p->tensors[i].grad = p->grad + p->tensors[i].offset;
    }
    return NG_OK;
}

ng_tensor *ng_params_find(const ng_params *p, const char *name)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->tensors[i].name, name) == 0)
            return &p->tensors[i];
    return NULL;
}

void ng_params_zero_grad(ng_params *p)
{
    if (p->grad)
        memset(p->grad, 0, p->total * sizeof(float));
}
