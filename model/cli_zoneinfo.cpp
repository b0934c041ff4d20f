// mmsim zoneinfo: build a node from the command line and print
// min_free_kbytes and its /proc/zoneinfo, as the kernel would compute them.
#include <cstdio>
#include <string>
#include <vector>

#include "cli_args.h"
#include "commands.h"
#include "mmsim/mm.h"

namespace {

const char *const kZoneNames[MM_MAX_NR_ZONES] = {"DMA", "DMA32", "Normal", "Movable", "Device"};
constexpr uint64_t kMinRam = 4ull << 20, kMaxRam = 4ull << 40;

int bad(const std::string &line)
{
    std::fprintf(stderr, "mmsim zoneinfo: %s\n", line.c_str());
    return 2;
}

// NAME:key=PAGES[,key=PAGES...] with key in managed, spanned, present.
bool parse_zone_spec(const std::string &text, mm_config &cfg, std::string &why)
{
    size_t colon = text.find(':');
    if (colon == std::string::npos) {
        why = "missing ':'";
        return false;
    }
    std::string name = text.substr(0, colon);
    int zi = -1;
    for (int i = 0; i < MM_ZONE_DEVICE; i++)
        if (name == kZoneNames[i])
            zi = i;
    if (zi < 0) {
        why = "unknown zone '" + name + "'";
        return false;
    }
    std::string rest = text.substr(colon + 1);
    if (rest.empty()) {
        why = "no key=PAGES after ':'";
        return false;
    }
    size_t pos = 0;
    while (pos <= rest.size()) {
        size_t comma = rest.find(',', pos);
        std::string item = rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        size_t eq = item.find('=');
        uint64_t pages = 0;
        if (eq == std::string::npos || !parse_uint(item.substr(eq + 1), 1, 1ull << 30, pages)) {
            why = "'" + item + "' is not key=PAGES with PAGES in 1..1073741824";
            return false;
        }
        std::string key = item.substr(0, eq);
        if (key == "managed")
            cfg.zone[zi].managed = pages;
        else if (key == "spanned")
            cfg.zone[zi].spanned = pages;
        else if (key == "present")
            cfg.zone[zi].present = pages;
        else {
            why = "unknown key '" + key + "'";
            return false;
        }
        if (comma == std::string::npos)
            break;
        pos = comma + 1;
    }
    return true;
}

} // namespace

int cli_zoneinfo(int argc, char **argv)
{
    mm_config cfg;
    mm_config_default(&cfg, 0);
    bool have_ram = false;
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        auto value = [&](std::string &out) {
            if (i + 1 >= argc)
                return false;
            out = argv[++i];
            return true;
        };
        std::string v;
        if (arg == "--help" || arg == "-h") {
            std::printf("usage: mmsim zoneinfo --ram SIZE [--layout single|x86_64]\n"
                        "         [--zone NAME:managed=PAGES[,spanned=PAGES][,present=PAGES] ...]\n"
                        "         [--min-free-kbytes N] [--watermark-scale-factor N] [--thp always|never]\n"
                        "Prints min_free_kbytes and the node's /proc/zoneinfo as Linux 6.12 computes them.\n");
            return 0;
        }
        if (arg == "--ram") {
            uint64_t bytes = 0;
            if (!value(v))
                return bad("--ram: missing value (allowed 4M..4T, suffix K, M, G or T, a multiple of 4K)");
            if (!parse_size_bytes(v, bytes) || bytes < kMinRam || bytes > kMaxRam || bytes % MM_PAGE_SIZE)
                return bad("--ram: '" + v + "' is not allowed (allowed 4M..4T, suffix K, M, G or T, a multiple of 4K)");
            cfg.ram_pages = bytes / MM_PAGE_SIZE;
            have_ram = true;
        } else if (arg == "--layout") {
            if (!value(v) || (v != "single" && v != "x86_64"))
                return bad("--layout: '" + v + "' is not allowed (allowed single, x86_64)");
            cfg.layout = v == "single" ? MM_LAYOUT_SINGLE : MM_LAYOUT_X86_64;
        } else if (arg == "--zone") {
            std::string why;
            if (!value(v))
                return bad("--zone: missing value (allowed NAME:managed=PAGES[,spanned=PAGES][,present=PAGES], NAME one of DMA, DMA32, Normal, Movable)");
            if (!parse_zone_spec(v, cfg, why))
                return bad("--zone: '" + v + "': " + why + " (allowed NAME:managed=PAGES[,spanned=PAGES][,present=PAGES], NAME one of DMA, DMA32, Normal, Movable)");
        } else if (arg == "--min-free-kbytes") {
            uint64_t n = 0;
            if (!value(v) || !parse_uint(v, 0, 2147483647, n))
                return bad("--min-free-kbytes: '" + v + "' is not allowed (allowed 0..2147483647)");
            cfg.min_free_kbytes = static_cast<long>(n);
        } else if (arg == "--watermark-scale-factor") {
            uint64_t n = 0;
            if (!value(v) || !parse_uint(v, 1, 3000, n))
                return bad("--watermark-scale-factor: '" + v + "' is not allowed (allowed 1..3000)");
            cfg.watermark_scale_factor = static_cast<unsigned>(n);
        } else if (arg == "--thp") {
            if (!value(v) || (v != "always" && v != "never"))
                return bad("--thp: '" + v + "' is not allowed (allowed always, never)");
            cfg.thp_min_free = v == "always";
        } else {
            return bad("unknown argument '" + arg + "' (allowed --ram, --layout, --zone, --min-free-kbytes, --watermark-scale-factor, --thp)");
        }
    }
    if (!have_ram)
        return bad("--ram: missing (allowed 4M..4T, suffix K, M, G or T)");

    char err[256];
    mm_node *node = mm_node_create(&cfg, nullptr, err, sizeof err);
    if (!node)
        return bad(err);
    size_t need = mm_dump_zoneinfo(node, nullptr, 0);
    std::vector<char> buf(need + 1);
    mm_dump_zoneinfo(node, buf.data(), buf.size());
    std::printf("min_free_kbytes %ld\n", mm_min_free_kbytes(node));
    std::fputs(buf.data(), stdout);
    mm_node_destroy(node);
    return 0;
}
