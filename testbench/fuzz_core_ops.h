/* The c_core operation-sequence fuzzer's entry (testbench/fuzz_core_ops.c). */
#ifndef MMSIM_FUZZ_CORE_OPS_H
#define MMSIM_FUZZ_CORE_OPS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Runs the operations data encodes on a fresh small node; 0, or -1 with the first violation in msg. */
int fuzz_core_ops_run(const uint8_t *data, size_t size, char *msg, size_t msglen);

#ifdef __cplusplus
}
#endif

#endif
