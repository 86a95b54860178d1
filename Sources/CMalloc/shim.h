#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
// glibc's malloc_trim: hands the free pages inside malloc's heaps back to the kernel. Where there is no malloc.h (as
// on macOS) nothing is declared, and the period run does without it (Sources/Pipeline/Memory.swift).
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
#endif
