/* format.h -- bytecode file constants and field readers (from format.def). */
#ifndef DRIFT_FORMAT_H
#define DRIFT_FORMAT_H

#include "common.h"

enum {
#define CONST(name, value) FMT_##name = value,
#define FIELD(rec, name, type, off) rec##_##name = off,
#define SECTION(name, value) SEC_##name = value,
#define CTAG(name, value) CT_##name = value,
#include "format.def"
#undef CONST
#undef FIELD
#undef SECTION
#undef CTAG
};

#endif
