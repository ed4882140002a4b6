// Version and build facts for `radcore --version` and provenance attributes.
#pragma once

#include <string>
#include <vector>

namespace radcore {

const char* version();
const char* git_revision();
// Backends built in, by their --device names.
std::vector<std::string> built_backends();

}  // namespace radcore
