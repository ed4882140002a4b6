// Built when CMake finds no MPI (or RADCORE_WITH_MPI=OFF): cohort runs are single-process.
#include "host/cohort_mpi.hpp"
#include "kernels/error.hpp"

namespace radcore {

std::string mpi_build_description() { return "not built"; }

std::optional<int> run_cohort_if_distributed(const cohort_options&, std::ostream&) {
  const mpi_launch launch = detect_mpi_launch();
  // Several copies of a single-process run would all write the same store, so they are rejected.
  if (launch.launched && launch.processes != 1) {
    const std::string count = launch.processes > 1 ? std::to_string(launch.processes) : "several";
    throw input_error("this radcore is built without MPI, but it was started as one of " + count + " processes (" +
                      launch.variable +
                      " is set); rebuild with MPI (install libopenmpi-dev, "
                      "configure with -DRADCORE_WITH_MPI=ON) or start one process");
  }
  return std::nullopt;
}

}  // namespace radcore
