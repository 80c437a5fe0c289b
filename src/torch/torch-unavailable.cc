// Linked when CMake found no libtorch: problem.type = torch is refused with what to install.
#include "problem/torch-problem.h"

#include <stdexcept>

namespace airgrad {

bool
TorchAvailable()
{
    return false;
}

std::vector<std::string>
TorchModelNames()
{
    return {"lenet5"};
}

std::unique_ptr<Problem>
MakeTorchProblem(std::shared_ptr<const Dataset>, const TorchModelSpec&)
{
    throw std::invalid_argument("problem.type = torch needs airgrad built with libtorch: install "
                                "libtorch-dev (scripts/setup) and rebuild (scripts/build)");
}

} // namespace airgrad
