// mmsim: the simulator's command line. sc_main dispatches the first
// argument to a subcommand (add a row to kCommands for a new one).
#include <systemc>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "commands.h"

namespace {

struct Command {
    const char *name;
    int (*run)(int argc, char **argv); // argv[0] is the subcommand name
    const char *usage;
};

const Command kCommands[] = {
    {"zoneinfo", cli_zoneinfo,
     "zoneinfo --ram SIZE [--layout single|x86_64] [--zone NAME:managed=PAGES[,spanned=PAGES]"
     "[,present=PAGES] ...] [--min-free-kbytes N] [--watermark-scale-factor N] [--thp always|never]"},
    {"run", cli_run, "run SCENARIO --out DIR [--seed N] [--set key=value ...] [--check[=N] | --no-check] [--quiet]"},
    {"sweep", cli_sweep,
     "sweep SWEEPFILE --out DIR [--jobs N] [--emit-jobs FILE] [--collect] [--quiet] [--no-plots]"},
};

void usage(FILE *f)
{
    std::fprintf(f, "usage: mmsim COMMAND [ARGS]\ncommands:\n");
    for (const Command &c : kCommands)
        std::fprintf(f, "  mmsim %s\n", c.usage);
}

} // namespace

int sc_main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "mmsim: missing command (allowed:");
        for (const Command &c : kCommands)
            std::fprintf(stderr, " %s", c.name);
        std::fprintf(stderr, ")\n");
        return 2;
    }
    if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    for (const Command &c : kCommands)
        if (!std::strcmp(argv[1], c.name))
            return c.run(argc - 1, argv + 1);
    std::fprintf(stderr, "mmsim: unknown command '%s' (allowed:", argv[1]);
    for (const Command &c : kCommands)
        std::fprintf(stderr, " %s", c.name);
    std::fprintf(stderr, ")\n");
    return 2;
}

// The process entry: SystemC's banner would otherwise precede every
// message on stderr; a user can still see it with
// SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=0.
int main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
