/* sha256.h -- SHA-256 (FIPS 180-4), used to check a bytecode file's hash. */
#ifndef DRIFT_SHA256_H
#define DRIFT_SHA256_H
#include "common.h"
void sha256(const uint8_t *data, size_t len, uint8_t out[32]);
#endif
