#ifndef KALAN_CQRENCODE_SHIM_H
#define KALAN_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
