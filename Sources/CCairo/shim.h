#ifndef KALAN_CCAIRO_SHIM_H
#define KALAN_CCAIRO_SHIM_H
#include <cairo.h>
#include <cairo-pdf.h>
#endif
