/* grow.c — doubling growth for plain arrays (see grow.h). */
#include "core/grow.h"

#include <stdint.h>
#include <stdlib.h>

#define FIRST_CAPACITY 64

bool ng_grow(void *array_ptr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t new_cap = *cap ? *cap : FIRST_CAPACITY;
    while (new_cap < need) {
        if (new_cap > SIZE_MAX / 2)
            return false;
        new_cap *= 2;
    }
    if (elem && new_cap > SIZE_MAX / elem)
        return false;
    void **array = array_ptr;
    void *p = realloc(*array, new_cap * elem);
    if (!p)
        return false;
    *array = p;
    *cap = new_cap;
    return true;
}
