#include <algorithm>
#include <cstdlib>
#include <string>

#include "host/cohort_mpi.hpp"

namespace radcore {
namespace {

// Returns the value of the environment variable `name` as a whole number >= 0, or -1 when it is unset
// or not such a number.
int environment_number(const char* name) {
  const char* value = std::getenv(name);
  if (!value) return -1;
  char* end = nullptr;
  const long number = std::strtol(value, &end, 10);
  return end != value && *end == '\0' && number >= 0 && number < 1 << 24 ? static_cast<int>(number) : -1;
}

}  // namespace

mpi_launch detect_mpi_launch() {
  // Open MPI's mpirun, then PMI (MPICH, Intel MPI, srun --mpi=pmi2), then srun's own step size.
  const char* const variables[][2] = {{"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"},
                                      {"PMI_SIZE", "PMI_RANK"},
                                      {"SLURM_STEP_NUM_TASKS", "SLURM_PROCID"}};
  for (const auto& [size_name, rank_name] : variables) {
    const int processes = environment_number(size_name);
    if (processes > 0) return {true, processes, std::max(environment_number(rank_name), 0), size_name};
  }
  // A PMIx server (srun --mpi=pmix, prterun) sets the rank and leaves the size to PMIx queries.
  const int pmix_rank = environment_number("PMIX_RANK");
  if (pmix_rank >= 0) return {true, 0, pmix_rank, "PMIX_RANK"};
  return {};
}

}  // namespace radcore
