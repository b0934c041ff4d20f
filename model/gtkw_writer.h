/*
 * waves.gtkw: the GTKWave save file that opens waves.vcd (relative path)
 * with the signals grouped, counters drawn as analog steps and states shown
 * as words through translate filter files written beside it. Flag codes
 * from GTKWave's analyzer.h (docs/waves.md lists them).
 */
#ifndef MMSIM_MODEL_GTKW_WRITER_H
#define MMSIM_MODEL_GTKW_WRITER_H

#include <string>
#include <vector>

#include "vcd_tracer.h"

namespace mmsim {

/* Writes dir/waves.gtkw and the filter files dir/waves_*.txt; false on an I/O error. */
bool write_gtkw(const std::string &dir, const std::vector<wave_signal> &signals, double end_time_s);

} // namespace mmsim

#endif
