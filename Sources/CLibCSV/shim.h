#ifndef CLIBCSV_SHIM_H
#define CLIBCSV_SHIM_H
#include <csv.h>
#endif
