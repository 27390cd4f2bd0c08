#ifndef KALAN_CLIBPQ_SHIM_H
#define KALAN_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
