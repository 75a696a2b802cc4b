/* grow.h — growing a plain heap array by doubling.
 *
 *   T *items = NULL; size_t cap = 0;
 *   if (!ng_grow(&items, &cap, n + 1, sizeof *items)) ...out of memory...
 *
 * Makes room for at least `need` elements of `elem` bytes; the array moves, so
 * pointers into it are stale afterwards. On failure the array is left as it was. */
#ifndef NG_CORE_GROW_H
#define NG_CORE_GROW_H

#include <stdbool.h>
#include <stddef.h>

/* array_ptr is the address of the array pointer (T **). */
bool ng_grow(void *array_ptr, size_t *cap, size_t need, size_t elem);

#endif
