// problem.type = torch without libtorch in every process: the torch problem is a plugin
// (src/torch/torch-problem.cc, built as a shared module when CMake finds libtorch), opened only
// when a run asks for it. Linking libtorch into the core made every process, tests and sweep
// points included, spend about 2 s loading it.
#include "problem/torch-problem.h"

#include <dlfcn.h>

#include <stdexcept>

namespace airgrad {

namespace {

using Factory = void (*)(const std::shared_ptr<const Dataset>*, const TorchModelSpec*, std::unique_ptr<Problem>*);

/// The plugin's factory, or null with `error` set.
Factory
Plugin(std::string& error)
{
    static std::string failure;
    static const Factory factory = []() -> Factory {
        const std::string name = AIRGRAD_TORCH_PLUGIN;
        if (name.empty())
        {
            failure = "this build has no libtorch: install libtorch-dev (scripts/setup) and rebuild (scripts/build)";
            return nullptr;
        }
        // The plugin lies next to this library (build tree and install prefix alike).
        Dl_info self{};
        std::string path = name;
        if (dladdr(reinterpret_cast<void*>(&TorchAvailable), &self) != 0 && self.dli_fname != nullptr)
        {
            const std::string library = self.dli_fname;
            path = library.substr(0, library.find_last_of('/') + 1) + name;
        }
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr)
        {
            failure = "cannot load " + path + " (" + dlerror() + ")";
            return nullptr;
        }
        auto* f = reinterpret_cast<Factory>(dlsym(handle, "airgrad_make_torch_problem"));
        if (f == nullptr)
        {
            failure = path + " has no airgrad_make_torch_problem";
        }
        return f;
    }();
    error = failure;
    return factory;
}

} // namespace

bool
TorchAvailable()
{
    return std::string(AIRGRAD_TORCH_PLUGIN).size() > 0;
}

std::vector<std::string>
TorchModelNames()
{
    return {"lenet5", "cnn", "resnet8"};
}

std::unique_ptr<Problem>
MakeTorchProblem(std::shared_ptr<const Dataset> data, const TorchModelSpec& spec)
{
    std::string error;
    const Factory factory = Plugin(error);
    if (factory == nullptr)
    {
        throw std::invalid_argument("problem.type = torch: " + error);
    }
    std::unique_ptr<Problem> problem;
    factory(&data, &spec, &problem);
    return problem;
}

} // namespace airgrad
