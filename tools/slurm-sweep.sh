#!/bin/bash
# Runs the sweep's runs as a Slurm job array: array task i runs line i of a jobs file written by
# `mmsim sweep SWEEPFILE --out DIR --emit-jobs FILE` (one shell command line per pending run, absolute
# paths). DIR must be on a file system every node sees, and mmsim at the same path on every node.
#
#   mmsim sweep study.toml --out /shared/study --emit-jobs /shared/study/jobs.txt
#   sbatch --array=1-$(wc -l < /shared/study/jobs.txt) tools/slurm-sweep.sh /shared/study/jobs.txt
#   # (add %N to the range, e.g. --array=1-64%16, to run at most N at a time)
#   # when the array has finished (or any time, for what has):
#   mmsim sweep study.toml --out /shared/study --collect
#
# A run's stderr goes to the task's Slurm output file; `--collect` lists the runs that did not finish,
# and `--emit-jobs` again writes only those. Plain bash; not tested on a Slurm cluster (written against
# sbatch's documented SLURM_ARRAY_TASK_ID), but a local `SLURM_ARRAY_TASK_ID=1 bash slurm-sweep.sh FILE`
# runs line 1 (the sweep's tests do that).
#SBATCH --job-name=mmsim-sweep
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output=mmsim-sweep-%A_%a.out
set -euo pipefail

jobs_file=${1:?usage: sbatch --array=1-N slurm-sweep.sh JOBS_FILE}
task=${SLURM_ARRAY_TASK_ID:?not a Slurm array task: submit with sbatch --array=1-N}
line=$(sed -n "${task}p" "$jobs_file")
if [ -z "$line" ]; then
    echo "slurm-sweep.sh: $jobs_file has no line $task" >&2
    exit 2
fi
exec bash -c "$line"
