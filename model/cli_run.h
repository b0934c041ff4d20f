/* `mmsim run SCENARIO --out DIR [--seed N] [--set key=value ...] [--quiet]` */
#ifndef MMSIM_MODEL_CLI_RUN_H
#define MMSIM_MODEL_CLI_RUN_H

namespace mmsim {

/* argv[0] is "run"; returns the exit code: 0 ok, 2 bad input, 1 failure, 130 interrupted. */
int cli_run(int argc, char **argv);

} // namespace mmsim

#endif
