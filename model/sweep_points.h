/*
 * A sweep's points: the cross product of its axes (first axis slowest) or
 * its explicit [[point]] tables, each with a stable, readable id derived
 * from its values (e.g. "swap_device-hdd_swappiness-60"), and the check
 * that every point's overrides are valid for the base scenario.
 */
#ifndef MMSIM_MODEL_SWEEP_POINTS_H
#define MMSIM_MODEL_SWEEP_POINTS_H

#include <string>
#include <vector>

#include "scenario.h"
#include "sweep_file.h"

namespace mmsim {

struct SweepPoint {
    std::string id;                   /* folder name under points/: unique, [A-Za-z0-9._+-] */
    std::vector<SweepAssign> assigns; /* the point's overrides in column order (after the fixed set) */
};

/* The summary's axis columns: the axis keys, or every key of the [[point]] tables in first-seen order. */
std::vector<std::string> sweep_columns(const SweepFile &sf);

/* The points in table order; a sweep with neither axes nor points has one point, "base". Throws SweepError
   when two explicit points are the same. */
std::vector<SweepPoint> expand_points(const SweepFile &sf);

/* Loads the base scenario and applies the fixed set and then each point's overrides in process, exactly as
   `mmsim run --set` will (apply_set + validate_scenario); throws SweepError naming the sweep file, the point,
   the key, the value and the loader's allowed range. Returns the base scenario with the fixed set applied. */
Scenario validate_points(const SweepFile &sf, const std::vector<SweepPoint> &points);

/* The seeds every point runs with: the sweep's, else the base scenario's. */
std::vector<uint64_t> sweep_seeds(const SweepFile &sf, const Scenario &base_with_set);

} // namespace mmsim

#endif
