/* opcodes.h -- opcode numbers and instruction decoding (from opcodes.def). */
#ifndef DRIFT_OPCODES_H
#define DRIFT_OPCODES_H

#include "common.h"

enum {
#define OP(name, fmt, a, b, c, doc) OP_##name,
#include "opcodes.def"
#undef OP
  OP__COUNT
};

#define GET_OP(i)  ((i) & 0xffu)
#define GET_A(i)   (((i) >> 8) & 0xffu)
#define GET_B(i)   (((i) >> 16) & 0xffu)
#define GET_C(i)   ((i) >> 24)
#define GET_Bx(i)  ((i) >> 16)
#define GET_sBx(i) ((int32_t)((i) >> 16) - 32767)
#define GET_sJ(i)  ((int32_t)(i) >> 8)

#endif
