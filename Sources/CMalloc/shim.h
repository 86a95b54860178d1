#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
// glibc's malloc_trim: hands the free pages inside malloc's heaps back to the kernel.
#include <malloc.h>
#endif
