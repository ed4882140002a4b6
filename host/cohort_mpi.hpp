// Distributed cohort runs over MPI. The definitions are in host/mpi/: cohort_mpi.cpp when CMake finds
// MPI (RADCORE_WITH_MPI), else cohort_no_mpi.cpp, which rejects a launch of several processes.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "host/cohort.hpp"

namespace radcore {

// The MPI library this radcore is built with, such as "Open MPI v4.1.4", or "not built".
std::string mpi_build_description();

// Runs the cohort over every process of an MPI launch (mpirun, mpiexec, srun) when this process is one
// of several. Rank 0 hands out manifest rows, writes the summary to `log` and merges the shards into
// options.store_path, and the other ranks extract. Returns this process's exit status (0, 2 when some ROIs
// failed, 1 on a worker rank when the run failed), or nothing when the process was not launched as one
// of several, so the caller runs the cohort alone. On rank 0, throws input_error as run_cohort does.
std::optional<int> run_cohort_if_distributed(const cohort_options& options, std::ostream& log);

// Environment of an MPI launch, read before MPI is initialised.
struct mpi_launch {
  bool launched = false;  // an MPI launcher started this process
  int processes = 0;      // processes of the launch, 0 when the launcher does not say
  int rank = 0;           // this process's rank as the launcher numbers it, 0 when it does not say
  std::string variable;   // the environment variable that showed the launch
};

// Reads the variables that Open MPI's mpirun, MPICH-style PMI and Slurm's srun set for each process.
mpi_launch detect_mpi_launch();

}  // namespace radcore
