#ifndef AIRGRAD_PROBLEM_TORCH_PROBLEM_H
#define AIRGRAD_PROBLEM_TORCH_PROBLEM_H

// No libtorch header here: only src/torch/torch-problem.cc includes them (they take about 30 s
// to compile); it is a plugin that MakeTorchProblem opens, so that only runs of a torch problem
// load libtorch.

#include "data/dataset.h"
#include "problem/problem.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace airgrad {

/// A deep model trained through libtorch (problem.type = torch).
struct TorchModelSpec
{
    std::string model = "lenet5";    ///< a built-in name (TorchModelNames) or a TorchScript file
    std::vector<int64_t> inputShape; ///< one sample's shape: {channels, height, width} or {features}
    int classes = 10;
    double l2 = 0.0;                 ///< (l2/2) ||x||^2, added to the mean cross-entropy
    bool float64 = false;            ///< compute in double (the finite-difference tests); else float
};

/// Whether this build has the libtorch plugin (problem.type = torch works).
bool TorchAvailable();
/// The built-in models problem.model names.
std::vector<std::string> TorchModelNames();

/**
 * \brief Softmax cross-entropy of a libtorch model over `data` (dense features, class labels
 * 0..C-1), as a Problem on one flat parameter vector: the model's parameters in registration
 * order, each flattened row-major (PyTorch's order). The parameters are views into one
 * contiguous tensor, and so are their gradients, so a step converts between the vector and the
 * tensors with one copy each way. No f*, no L, no Hessian.
 * Throws std::invalid_argument naming problem.model when the model does not fit the data.
 */
std::unique_ptr<Problem> MakeTorchProblem(std::shared_ptr<const Dataset> data, const TorchModelSpec& spec);

} // namespace airgrad

#endif
