// The subcommands of the mmsim CLI; main.cpp dispatches argv[1] through
// the table in main.cpp. Each returns the process exit status
// (0 ok, 2 bad input, 1 failure).
#pragma once

int cli_zoneinfo(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_sweep(int argc, char **argv);
