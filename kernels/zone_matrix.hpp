// Host storage for the marginals of a grey level x column matrix (GLSZM zone sizes, GLDM dependences),
// and the zone_matrix_view the shared formulas read.
#pragma once

#include <vector>

#include "kernels/glszm_formulas.hpp"

namespace radcore {

struct zone_matrix_marginals_storage {
  std::vector<double> row_sum;
  std::vector<double> column_sum;
  zone_matrix_view view;
};

// Computes the row and column sums of `counts` (rows x columns, row-major) and returns them with a view
// over the matrix. The view points into the arguments and into the returned storage.
inline zone_matrix_marginals_storage make_zone_matrix_view(const std::vector<double>& counts,
                                                           const std::vector<double>& row_value,
                                                           const std::vector<double>& column_value) {
  zone_matrix_marginals_storage out;
  const std::int64_t rows = std::int64_t(row_value.size());
  const std::int64_t columns = std::int64_t(column_value.size());
  out.row_sum.resize(row_value.size());
  out.column_sum.resize(column_value.size());
  zone_matrix_marginals(counts.data(), rows, columns, out.row_sum.data(), out.column_sum.data());
  out.view.counts = counts.data();
  out.view.row_value = row_value.data();
  out.view.column_value = column_value.data();
  out.view.rows = rows;
  out.view.columns = columns;
  out.view.row_sum = out.row_sum.data();
  out.view.column_sum = out.column_sum.data();
  return out;
}

}  // namespace radcore
