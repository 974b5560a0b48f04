/* A connection-table allocator on malloc and free, for the unit tests and
 * the fuzzer (tables they free whole). */
#ifndef TCPPHASE_TESTS_HEAP_ALLOCATOR_H
#define TCPPHASE_TESTS_HEAP_ALLOCATOR_H

#include <stdlib.h>

#include "tcpphase/table.h"

static inline void *heap_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static inline void heap_release(void *ctx, void *block)
{
    (void)ctx;
    free(block);
}

static inline struct tp_allocator heap_allocator(void)
{
    return (struct tp_allocator){heap_alloc, heap_release, NULL};
}

#endif
