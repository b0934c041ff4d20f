/*
 * mmsim c_core: read-only page-table look-ups for the embedder (the SystemC
 * layer writes a content tag into the frame a first touch allocated).
 */
#ifndef MMSIM_LOOKUP_H
#define MMSIM_LOOKUP_H

#include <stdint.h>

#include "mmsim/mm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The pfn that maps the process owner's vpn, or MM_NIL when not resident. */
uint32_t mm_anon_lookup(const struct mm_node *n, uint32_t owner, uint32_t vpn);

#ifdef __cplusplus
}
#endif

#endif /* MMSIM_LOOKUP_H */
