#ifndef AIRGRAD_CLI_SWEEP_H
#define AIRGRAD_CLI_SWEEP_H

namespace airgrad {

/**
 * \brief `airgrad sweep SWEEP.ini [--jobs N] [--out DIR]`, `--emit-commands FILE`,
 * `--emit-slurm FILE` and `airgrad sweep --collect DIR`. Returns the process exit code.
 */
int RunSweepCommand(int argc, char** argv);

} // namespace airgrad

#endif
