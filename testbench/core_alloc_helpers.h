// Helpers for the c_core allocator tests: node construction and free-list views.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "../c_core/src/internal.h"

struct NodeDeleter {
    void operator()(mm_node *n) const { mm_node_destroy(n); }
};
using NodePtr = std::unique_ptr<mm_node, NodeDeleter>;

inline NodePtr make_node(const mm_config &cfg, const mm_host *host = nullptr)
{
    char err[256] = "";
    mm_node *n = mm_node_create(&cfg, host, err, sizeof err);
    EXPECT_NE(n, nullptr) << err;
    return NodePtr(n);
}

inline NodePtr make_single_node(uint64_t pages)
{
    mm_config cfg;
    mm_config_default(&cfg, pages);
    return make_node(cfg);
}

// The pfns on one free list, first to last.
inline std::vector<uint32_t> free_list(const mm_node *n, enum mm_zone_type zi, unsigned order, int mt)
{
    std::vector<uint32_t> out;
    for (uint32_t p = n->zones[zi].free_area[order].free_list[mt].first; p != MM_NIL; p = n->mem_map[p].next)
        out.push_back(p);
    return out;
}

// All free lists of one order, migratetypes concatenated (Unmovable, Movable, Reclaimable).
inline std::vector<uint32_t> free_blocks(const mm_node *n, enum mm_zone_type zi, unsigned order)
{
    std::vector<uint32_t> out;
    for (int mt = 0; mt < MM_MIGRATE_TYPES; mt++)
        for (uint32_t p : free_list(n, zi, order, mt))
            out.push_back(p);
    return out;
}

inline std::string check_msg(const mm_node *n)
{
    char msg[512] = "";
    return mm_check(n, msg, sizeof msg) == 0 ? std::string() : std::string(msg);
}

inline uint32_t alloc_or_die(mm_node *n, unsigned order, gfp_t gfp = GFP_KERNEL)
{
    mm_alloc_result r;
    mm_alloc_pages(n, nullptr, order, gfp, &r);
    EXPECT_EQ(r.status, MM_ALLOC_OK) << "order " << order;
    return r.pfn;
}
