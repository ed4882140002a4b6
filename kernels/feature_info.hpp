// One row of a family's feature table: the catalogue, the output columns and the tests are built from it.
#pragma once

namespace radcore {

struct feature_info {
  const char* name;       // PyRadiomics' feature name, e.g. "JointEnergy"
  bool deprecated;        // deprecated features are computed only when named explicitly
  const char* ibsi_code;  // IBSI 1 identifier, or "" where IBSI defines none
};

}  // namespace radcore
