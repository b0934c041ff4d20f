// Helpers shared by the c_core reclaim tests (core_reclaim, core_writeback*, core_readahead,
// core_scenario): mm_check's message, and an owner that must be created.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "mmsim/mm.h"
#include "mmsim/reclaim.h"

// mm_check's first violation, or "" when the node is consistent.
inline std::string check(mm_node *n)
{
	char msg[256] = "";
	return mm_check(n, msg, sizeof(msg)) == 0 ? std::string() : std::string(msg);
}

inline uint32_t new_owner(mm_node *n, mm_owner_kind kind, int adj = 0)
{
	char err[200];
	uint32_t id = mm_owner_create(n, kind, adj, "o", err, sizeof(err));
	EXPECT_NE(id, MM_NIL) << err;
	return id;
}
