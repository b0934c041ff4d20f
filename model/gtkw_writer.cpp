#include "gtkw_writer.h"

#include <cmath>
#include <cstdio>
#include <fstream>

namespace mmsim {

namespace {
/* GTKWave TraceEntFlagBits */
constexpr unsigned F_DEC = 0x4, F_BIN = 0x8, F_RJUSTIFY = 0x20, F_BLANK = 0x200, F_FTRANSLATED = 0x2000,
                   F_ANALOG_STEP = 0x8000, F_ANALOG_BLANK_STRETCH = 0x20000, F_CLOSED = 0x400000,
                   F_GRP_BEGIN = 0x800000, F_GRP_END = 0x1000000, F_COLLAPSED = 0x1000;

const char *kswapd_filter = "waves_kswapd_state.txt";
const char *proc_filter = "waves_proc_state.txt";

std::string hex(unsigned v)
{
    char b[16];
    std::snprintf(b, sizeof b, "@%x", v);
    return b;
}

std::string vcd_name(const wave_signal &s)
{
    std::string n = "SystemC." + s.name;
    if (s.width > 1)
        n += "[" + std::to_string(s.width - 1) + ":0]";
    return n;
}

/* A trace row: leaf names repeat (zone_*.nr_free, proc.*.state), so every row gets an alias
   made of the last two name parts, e.g. +{zone_Normal:nr_free} (no '.': GTKWave shortens at dots) */
std::string trace_row(const wave_signal &s)
{
    size_t last = s.name.rfind('.');
    if (last == std::string::npos)
        return vcd_name(s);
    size_t prev = last == 0 ? std::string::npos : s.name.rfind('.', last - 1);
    std::string alias = s.name.substr(prev == std::string::npos ? 0 : prev + 1);
    alias[alias.find('.')] = ':';
    return "+{" + alias + "} " + vcd_name(s);
}
} // namespace

bool write_gtkw(const std::string &dir, const std::vector<wave_signal> &signals, double end_time_s)
{
    {
        std::ofstream k(dir + "/" + kswapd_filter);
        k << "0 sleeping\n1 running\n2 napping\n";
        std::ofstream p(dir + "/" + proc_filter);
        p << "0 not_started\n1 running\n2 ?red?stalled\n3 ?red?killed\n4 exited\n";
        if (!k || !p)
            return false;
    }
    std::ofstream g(dir + "/waves.gtkw");
    g << "[*] mmsim waves: gtkwave waves.gtkw (paths are relative to this file)\n";
    g << "[dumpfile] \"waves.vcd\"\n";
    g << "[savefile] \"waves.gtkw\"\n";
    g << "[timestart] 0\n";
    g << "[size] 1600 1000\n";
    g << "[pos] -1 -1\n";
    /* zoom so that the whole run fits the wave pane: measured under GTKWave 3.3.118 with a 1 ns
       timescale, zoom -30 draws about 180 pixels per simulated second and each step doubles it */
    double secs = end_time_s > 1e-9 ? end_time_s : 1e-9;
    int zoom = -30 + (int)std::floor(std::log2(1000.0 / (180.0 * secs)));
    g << "*" << zoom << ".000000 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1\n";
    g << "[treeopen] SystemC.\n";
    g << "[treeopen] SystemC.mm.\n";
    g << "[sst_width] 260\n";
    g << "[signals_width] 300\n";
    g << "[sst_expanded] 1\n";
    g << "[sst_vpaned_height] 300\n";
    std::string group;
    unsigned last_flags = 0;
    auto flags = [&](unsigned f) {
        if (f != last_flags)
            g << hex(f) << "\n";
        last_flags = f;
    };
    for (size_t i = 0; i < signals.size(); i++) {
        const wave_signal &s = signals[i];
        if (s.group != group) {
            if (!group.empty()) {
                flags(F_BLANK | F_GRP_END | (group == "Free blocks per order" ? F_CLOSED | F_COLLAPSED : 0));
                g << "-" << group << "\n";
            }
            group = s.group;
            flags(F_BLANK | F_GRP_BEGIN | (group == "Free blocks per order" ? F_CLOSED : 0));
            g << "-" << group << "\n";
        }
        switch (s.kind) {
        case wave_kind::analog:
            flags(F_ANALOG_STEP | F_DEC | F_RJUSTIFY);
            g << trace_row(s) << "\n";
            /* a blank stretch row makes the analog trace taller */
            flags(F_BLANK | F_ANALOG_BLANK_STRETCH);
            g << "-\n";
            break;
        case wave_kind::count:
            flags(F_DEC | F_RJUSTIFY);
            g << trace_row(s) << "\n";
            break;
        case wave_kind::pulse:
            flags(F_BIN | F_RJUSTIFY);
            g << "[color] 1\n" << trace_row(s) << "\n";
            break;
        case wave_kind::state_kswapd:
        case wave_kind::state_proc:
            flags(F_DEC | F_RJUSTIFY | F_FTRANSLATED);
            g << (s.kind == wave_kind::state_kswapd ? "^1 " : "^2 ") << (s.kind == wave_kind::state_kswapd ? kswapd_filter : proc_filter) << "\n";
            g << trace_row(s) << "\n";
            break;
        }
    }
    if (!group.empty()) {
        flags(F_BLANK | F_GRP_END | (group == "Free blocks per order" ? F_CLOSED | F_COLLAPSED : 0));
        g << "-" << group << "\n";
    }
    g << "[pattern_trace] 1\n[pattern_trace] 0\n";
    return (bool)g;
}

} // namespace mmsim
