/*
 * mmsim c_core: read-only page-table look-ups for the embedder (the SystemC
 * layer writes a content tag into the frame a first touch allocated).
 */
#ifndef MMSIM_LOOKUP_H
#define MMSIM_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "mmsim/mm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The pfn that maps the process owner's vpn, or MM_NIL when not resident. */
uint32_t mm_anon_lookup(const struct mm_node *n, uint32_t owner, uint32_t vpn);

/* The owner and vpn / file index of the user folio at pfn; false when pfn holds none. */
bool mm_pfn_owner(const struct mm_node *n, uint32_t pfn, uint32_t *owner, uint32_t *index);

#ifdef __cplusplus
}
#endif

#endif /* MMSIM_LOOKUP_H */
