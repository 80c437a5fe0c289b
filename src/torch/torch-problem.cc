// The only translation unit that includes libtorch: built as a plugin that the core opens when a
// run asks for problem.type = torch (src/problem/torch-problem.cc).
#include "problem/torch-problem.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <ATen/record_function.h>

#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>

namespace airgrad {

namespace {

/// A network as the problem sees it: parameters in a fixed order, a forward pass.
class Net
{
  public:
    virtual ~Net() = default;
    virtual std::vector<torch::Tensor> Parameters() = 0;
    virtual torch::Tensor Forward(const torch::Tensor& inputs) = 0;
    /// The starting parameters for `seed`, in Parameters() order.
    virtual std::vector<torch::Tensor> Initial(uint64_t seed) = 0;
};

/// LeNet-5 (LeCun et al. 1998) with ReLU and max pooling, for C x S x S images: conv 6@5x5
/// (padding 2), pool 2, conv 16@5x5, pool 2, fully connected 120, 84, classes.
struct LeNet5Impl : torch::nn::Module
{
    LeNet5Impl(int64_t channels, int64_t side, int64_t classes)
        : conv1(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 6, 5).padding(2)))),
          conv2(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(6, 16, 5)))),
          fc1(register_module("fc1", torch::nn::Linear(16 * ((side / 2 - 4) / 2) * ((side / 2 - 4) / 2), 120))),
          fc2(register_module("fc2", torch::nn::Linear(120, 84))),
          fc3(register_module("fc3", torch::nn::Linear(84, classes)))
    {
    }
    torch::Tensor forward(torch::Tensor x)
    {
        x = torch::max_pool2d(torch::relu(conv1(x)), 2);
        x = torch::max_pool2d(torch::relu(conv2(x)), 2);
        x = torch::relu(fc1(x.flatten(1)));
        x = torch::relu(fc2(x));
        return fc3(x);
    }
    torch::nn::Conv2d conv1, conv2;
    torch::nn::Linear fc1, fc2, fc3;
};
TORCH_MODULE(LeNet5);

/// A wider conv net (the PyTorch MNIST example's shape): conv 32@3x3 and 64@3x3 (padding 1), each
/// followed by ReLU and pool 2, fully connected 256, classes. 824,458 parameters on 1 x 28 x 28.
struct CnnImpl : torch::nn::Module
{
    CnnImpl(int64_t channels, int64_t side, int64_t classes)
        : conv1(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 32, 3).padding(1)))),
          conv2(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).padding(1)))),
          fc1(register_module("fc1", torch::nn::Linear(64 * (side / 4) * (side / 4), 256))),
          fc2(register_module("fc2", torch::nn::Linear(256, classes)))
    {
    }
    torch::Tensor forward(torch::Tensor x)
    {
        x = torch::max_pool2d(torch::relu(conv1(x)), 2);
        x = torch::max_pool2d(torch::relu(conv2(x)), 2);
        return fc2(torch::relu(fc1(x.flatten(1))));
    }
    torch::nn::Conv2d conv1, conv2;
    torch::nn::Linear fc1, fc2;
};
TORCH_MODULE(Cnn);

constexpr int64_t kGroups = 8; ///< GroupNorm groups: statistics of each sample, no running state

torch::nn::Conv2d
Conv(int64_t in, int64_t out, int64_t kernel, int64_t stride)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

/// A basic residual block (He et al. 2016) with GroupNorm in place of BatchNorm; a strided 1x1
/// convolution on the shortcut when the shape changes.
struct BlockImpl : torch::nn::Module
{
    BlockImpl(int64_t in, int64_t out, int64_t stride)
        : conv1(register_module("conv1", Conv(in, out, 3, stride))),
          norm1(register_module("norm1", torch::nn::GroupNorm(kGroups, out))),
          conv2(register_module("conv2", Conv(out, out, 3, 1))),
          norm2(register_module("norm2", torch::nn::GroupNorm(kGroups, out)))
    {
        if (stride != 1 || in != out)
        {
            shortcut = register_module("shortcut", Conv(in, out, 1, stride));
            shortcutNorm = register_module("shortcut_norm", torch::nn::GroupNorm(kGroups, out));
        }
    }
    torch::Tensor forward(const torch::Tensor& x)
    {
        const torch::Tensor y = norm2(conv2(torch::relu(norm1(conv1(x)))));
        return torch::relu(y + (shortcut ? shortcutNorm(shortcut(x)) : x));
    }
    // in registration order: it is the parameter vector's order
    torch::nn::Conv2d conv1;
    torch::nn::GroupNorm norm1;
    torch::nn::Conv2d conv2;
    torch::nn::GroupNorm norm2;
    torch::nn::Conv2d shortcut{nullptr};
    torch::nn::GroupNorm shortcutNorm{nullptr};
};
TORCH_MODULE(Block);

/// ResNet-8: a 3x3 stem of 16 channels, three basic blocks of 16, 32 and 64 channels (the last
/// two halve the side), global average pooling, fully connected classes. 77,754 parameters on
/// 1 x 28 x 28.
struct ResNet8Impl : torch::nn::Module
{
    ResNet8Impl(int64_t channels, int64_t, int64_t classes)
        : stem(register_module("stem", Conv(channels, 16, 3, 1))),
          stemNorm(register_module("stem_norm", torch::nn::GroupNorm(kGroups, 16))),
          block1(register_module("block1", Block(16, 16, 1))),
          block2(register_module("block2", Block(16, 32, 2))),
          block3(register_module("block3", Block(32, 64, 2))),
          fc(register_module("fc", torch::nn::Linear(64, classes)))
    {
    }
    torch::Tensor forward(const torch::Tensor& x)
    {
        torch::Tensor y = block3(block2(block1(torch::relu(stemNorm(stem(x))))));
        return fc(y.mean({2, 3}));
    }
    torch::nn::Conv2d stem;
    torch::nn::GroupNorm stemNorm;
    Block block1, block2, block3;
    torch::nn::Linear fc;
};
TORCH_MODULE(ResNet8);

/// A built-in network for C x S x S images.
template <typename Module>
class BuiltinNet : public Net
{
  public:
    BuiltinNet(int64_t channels, int64_t side, int64_t classes, torch::Dtype dtype)
        : m_channels(channels),
          m_side(side),
          m_classes(classes),
          m_dtype(dtype),
          m_module(channels, side, classes)
    {
        m_module->to(dtype);
    }
    std::vector<torch::Tensor> Parameters() override { return m_module->parameters(); }
    torch::Tensor Forward(const torch::Tensor& inputs) override { return m_module->forward(inputs); }
    std::vector<torch::Tensor> Initial(uint64_t seed) override
    {
        torch::manual_seed(seed);
        Module fresh(m_channels, m_side, m_classes); // PyTorch's default initialisation
        fresh->to(m_dtype);
        return fresh->parameters();
    }

  private:
    int64_t m_channels, m_side, m_classes;
    torch::Dtype m_dtype;
    Module m_module;
};

template <typename Module>
std::unique_ptr<Net>
MakeBuiltin(int64_t channels, int64_t side, int64_t classes, torch::Dtype dtype)
{
    return std::make_unique<BuiltinNet<Module>>(channels, side, classes, dtype);
}

/// The built-in models by name (the core's TorchModelNames lists the same names).
const std::map<std::string, std::unique_ptr<Net> (*)(int64_t, int64_t, int64_t, torch::Dtype)> kBuiltins = {
    {"lenet5", MakeBuiltin<LeNet5>}, {"cnn", MakeBuiltin<Cnn>}, {"resnet8", MakeBuiltin<ResNet8>}};

/// Multiply-adds of the convolutions and matrix products that run on this thread while it
/// counts, from the shapes each sees (a RecordFunction observer: it works for any model, built in
/// or TorchScript). Element-wise work (activations, pooling, normalisation) is not counted.
class MacCounter
{
  public:
    MacCounter()
    {
        t_macs = 0.0;
        m_handle = at::addThreadLocalCallback(
            at::RecordFunctionCallback(Start, End).needsInputs(true).needsOutputs(true).scopes({at::RecordScope::FUNCTION}));
    }
    ~MacCounter() { at::removeCallback(m_handle); }
    double Macs() const { return t_macs; }

  private:
    struct PerOutput : at::ObserverContext
    {
        explicit PerOutput(double m) : macs(m) {}
        double macs;
    };
    static double Numel(const c10::IValue& v) { return static_cast<double>(v.toTensor().numel()); }
    static double Size(const c10::IValue& v, int64_t dim) { return static_cast<double>(v.toTensor().size(dim)); }
    static std::unique_ptr<at::ObserverContext> Start(const at::RecordFunction& fn)
    {
        const std::string name = fn.name();
        const auto in = fn.inputs();
        if (name == "aten::convolution" && in.size() >= 7 && in[0].isTensor() && in[1].isTensor())
        {
            // weight: out x in/groups x k... (transposed: in x out/groups x k...)
            const double perElement = Numel(in[1]) / Size(in[1], 0);
            if (in[6].isBool() && in[6].toBool())
            {
                t_macs += Numel(in[0]) * perElement;
                return nullptr;
            }
            return std::make_unique<PerOutput>(perElement); // times the output's size, at the end
        }
        if (name == "aten::addmm" && in.size() >= 3 && in[1].isTensor() && in[2].isTensor())
        {
            t_macs += Numel(in[1]) * Size(in[2], 1);
        }
        else if ((name == "aten::mm" || name == "aten::bmm") && in.size() >= 2 && in[0].isTensor() && in[1].isTensor())
        {
            t_macs += Numel(in[0]) * Size(in[1], in[1].toTensor().dim() - 1);
        }
        return nullptr;
    }
    static void End(const at::RecordFunction& fn, at::ObserverContext* context)
    {
        if (context != nullptr && !fn.outputs().empty() && fn.outputs()[0].isTensor())
        {
            t_macs += static_cast<PerOutput*>(context)->macs * Numel(fn.outputs()[0]);
        }
    }
    static thread_local double t_macs;
    at::CallbackHandle m_handle;
};
thread_local double MacCounter::t_macs = 0.0;

/// A TorchScript model from a file (torch.jit.script(model).save(path)); starts from its saved
/// parameters.
class ScriptNet : public Net
{
  public:
    ScriptNet(const std::string& path, torch::Dtype dtype)
    {
        try
        {
            m_module = torch::jit::load(path);
        }
        catch (const std::exception& e)
        {
            throw std::invalid_argument("problem.model = '" + path + "' is not a TorchScript file that loads (" +
                                        FirstLine(e.what()) + "); allowed: " + Allowed());
        }
        if (m_module.buffers().size() > 0)
        {
            throw std::invalid_argument("problem.model = '" + path + "' has buffers (such as BatchNorm's running "
                                        "statistics), which workers cannot share through the parameter vector; "
                                        "allowed: a model whose state is its parameters (use GroupNorm)");
        }
        m_module.to(dtype);
        m_module.train();
        for (const auto& p : m_module.parameters())
        {
            m_initial.push_back(p.detach().clone());
        }
    }
    std::vector<torch::Tensor> Parameters() override
    {
        std::vector<torch::Tensor> out;
        for (const auto& p : m_module.parameters())
        {
            out.push_back(p);
        }
        return out;
    }
    torch::Tensor Forward(const torch::Tensor& inputs) override { return m_module.forward({inputs}).toTensor(); }
    std::vector<torch::Tensor> Initial(uint64_t) override { return m_initial; }

    static std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }
    static std::string Allowed()
    {
        std::string names;
        for (const auto& [name, make] : kBuiltins)
        {
            names += name + " | ";
        }
        return names + "a TorchScript file (torch.jit.script(model).save(FILE))";
    }

  private:
    torch::jit::Module m_module;
    std::vector<torch::Tensor> m_initial;
};

constexpr int64_t kPassBatch = 256; ///< samples per forward pass of a full-shard evaluation

class TorchProblem final : public Problem
{
  public:
    TorchProblem(std::shared_ptr<const Dataset> data, const TorchModelSpec& spec)
        : m_dtype(spec.float64 ? torch::kFloat64 : torch::kFloat32),
          m_l2(spec.l2),
          m_samples(data->Samples())
    {
        // Bit-reproducible: one intra-op thread, deterministic kernels.
        torch::set_num_threads(1);
        at::globalContext().setDeterministicAlgorithms(true, false);
        const int64_t features = data->Features();
        int64_t volume = 1;
        for (int64_t s : spec.inputShape)
        {
            volume *= s;
        }
        if (volume != features || data->isSparse)
        {
            throw std::invalid_argument("problem.type = torch: the input shape does not match the data's " +
                                        std::to_string(features) + " dense features");
        }
        const auto builtin = kBuiltins.find(spec.model);
        if (builtin != kBuiltins.end())
        {
            if (spec.inputShape.size() != 3 || spec.inputShape[1] != spec.inputShape[2] || spec.inputShape[1] < 12)
            {
                throw std::invalid_argument("problem.model = " + spec.model + " needs square images of at least "
                                            "12 x 12 pixels (problem.dataset = fashion-mnist: 1 x 28 x 28); this "
                                            "dataset has rows of " + std::to_string(features) + " features");
            }
            m_net = builtin->second(spec.inputShape[0], spec.inputShape[1], spec.classes, m_dtype);
        }
        else
        {
            m_net = std::make_unique<ScriptNet>(spec.model, m_dtype);
        }
        // The parameters and their gradients become views into two contiguous vectors.
        m_params = m_net->Parameters();
        for (const auto& p : m_params)
        {
            m_dimension += p.numel();
        }
        m_flat = torch::empty({m_dimension}, m_dtype);
        m_flatGrad = torch::zeros({m_dimension}, m_dtype);
        int64_t offset = 0;
        for (auto& p : m_params)
        {
            const int64_t n = p.numel();
            m_flat.narrow(0, offset, n).copy_(p.detach().reshape({-1}));
            p.set_data(m_flat.narrow(0, offset, n).view(p.sizes()));
            p.mutable_grad() = m_flatGrad.narrow(0, offset, n).view(p.sizes());
            offset += n;
        }
        // The data, once, as a tensor of samples in the model's input shape.
        std::vector<int64_t> shape = {m_samples};
        shape.insert(shape.end(), spec.inputShape.begin(), spec.inputShape.end());
        m_inputs = torch::empty({m_samples, features}, m_dtype);
        if (spec.float64)
        {
            Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                m_inputs.data_ptr<double>(), m_samples, features) = data->features;
        }
        else
        {
            Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                m_inputs.data_ptr<float>(), m_samples, features) = data->features.cast<float>();
        }
        m_inputs = m_inputs.view(shape);
        m_labels = torch::empty({m_samples}, torch::kInt64);
        for (int64_t i = 0; i < m_samples; ++i)
        {
            const double y = data->labels(i);
            if (y < 0 || y >= spec.classes || y != std::floor(y))
            {
                throw std::invalid_argument("problem.type = torch: label " + std::to_string(y) +
                                            " is not a class in 0.." + std::to_string(spec.classes - 1));
            }
            m_labels[i] = static_cast<int64_t>(y);
        }
        CheckOutput(spec);
    }

    Eigen::Index Dimension() const override { return m_dimension; }
    Eigen::Index Samples() const override { return m_samples; }

    double Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const override
    {
        Load(x);
        torch::NoGradGuard noGrad;
        double sum = 0.0;
        for (int64_t at = 0; at < m_samples; at += kPassBatch)
        {
            const int64_t n = std::min(kPassBatch, m_samples - at);
            sum += torch::nn::functional::cross_entropy(
                       m_net->Forward(m_inputs.narrow(0, at, n)), m_labels.narrow(0, at, n),
                       torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        }
        return sum / static_cast<double>(m_samples) + 0.5 * m_l2 * x.squaredNorm();
    }

    void Gradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const override
    {
        LossGradient(x, out);
    }

    double LossGradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const override
    {
        Load(x);
        m_flatGrad.zero_();
        double sum = 0.0;
        for (int64_t at = 0; at < m_samples; at += kPassBatch)
        {
            const int64_t n = std::min(kPassBatch, m_samples - at);
            sum += Backward(m_inputs.narrow(0, at, n), m_labels.narrow(0, at, n), m_samples);
        }
        Store(x, out);
        return sum / static_cast<double>(m_samples) + 0.5 * m_l2 * x.squaredNorm();
    }

    void GradientRows(const Eigen::Ref<const Eigen::VectorXd>& x,
                      const std::vector<Eigen::Index>& rows,
                      Eigen::Ref<Eigen::VectorXd> out) const override
    {
        Load(x);
        m_flatGrad.zero_();
        m_rows.resize(rows.size());
        for (size_t i = 0; i < rows.size(); ++i)
        {
            m_rows[i] = static_cast<int64_t>(rows[i]);
        }
        const torch::Tensor index = torch::from_blob(m_rows.data(), {static_cast<int64_t>(m_rows.size())}, torch::kInt64);
        Backward(m_inputs.index_select(0, index), m_labels.index_select(0, index), static_cast<int64_t>(rows.size()));
        Store(x, out);
    }

    bool HasSmoothness() const override { return false; }
    void ApplySmoothnessOperator(const Eigen::Ref<const Eigen::VectorXd>&, Eigen::Ref<Eigen::VectorXd>) const override
    {
        throw std::logic_error("a torch model has no smoothness operator (HasSmoothness() is false)");
    }

    void InitialPoint(uint64_t seed, Eigen::Ref<Eigen::VectorXd> out) const override
    {
        Eigen::Index offset = 0;
        for (const auto& p : m_net->Initial(seed))
        {
            const torch::Tensor flat = p.detach().reshape({-1}).to(torch::kFloat64).contiguous();
            out.segment(offset, flat.numel()) =
                Eigen::Map<const Eigen::VectorXd>(flat.data_ptr<double>(), flat.numel());
            offset += flat.numel();
        }
    }

    double FlopsPerSample() const override
    {
        // forward and backward (about twice the forward), 2 flops per multiply-add
        return 6.0 * m_forwardMacs;
    }

    std::optional<double> Accuracy(const Eigen::Ref<const Eigen::VectorXd>& x) const override
    {
        Load(x);
        torch::NoGradGuard noGrad;
        int64_t correct = 0;
        for (int64_t at = 0; at < m_samples; at += kPassBatch)
        {
            const int64_t n = std::min(kPassBatch, m_samples - at);
            correct += m_net->Forward(m_inputs.narrow(0, at, n)).argmax(1).eq(m_labels.narrow(0, at, n)).sum().item<int64_t>();
        }
        return static_cast<double>(correct) / static_cast<double>(m_samples);
    }

  private:
    void CheckOutput(const TorchModelSpec& spec)
    {
        torch::NoGradGuard noGrad;
        torch::Tensor out;
        std::ostringstream shape;
        shape << m_inputs.narrow(0, 0, 1).sizes();
        try
        {
            MacCounter counter;
            out = m_net->Forward(m_inputs.narrow(0, 0, 1));
            m_forwardMacs = counter.Macs();
        }
        catch (const std::exception& e)
        {
            throw std::invalid_argument("problem.model = '" + spec.model + "' does not take inputs of shape " +
                                        shape.str() + " (" + ScriptNet::FirstLine(e.what()) + ")");
        }
        if (out.dim() != 2 || out.size(0) != 1 || out.size(1) != spec.classes)
        {
            std::ostringstream got;
            got << out.sizes();
            throw std::invalid_argument("problem.model = '" + spec.model + "' returns " + got.str() + " for inputs " +
                                        shape.str() + "; expected [1, " + std::to_string(spec.classes) +
                                        "] logits (one per class)");
        }
    }

    /// x into the parameters (one copy; the parameters are views of m_flat).
    void Load(const Eigen::Ref<const Eigen::VectorXd>& x) const
    {
        if (m_dtype == torch::kFloat64)
        {
            Eigen::Map<Eigen::VectorXd>(m_flat.data_ptr<double>(), m_dimension) = x;
        }
        else
        {
            Eigen::Map<Eigen::VectorXf>(m_flat.data_ptr<float>(), m_dimension) = x.cast<float>();
        }
    }

    /// Adds the gradient of (sum of the batch's losses) / `divisor` into m_flatGrad; returns the sum.
    double Backward(const torch::Tensor& inputs, const torch::Tensor& labels, int64_t divisor) const
    {
        const torch::Tensor sum = torch::nn::functional::cross_entropy(
            m_net->Forward(inputs), labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
        (sum / static_cast<double>(divisor)).backward();
        return sum.item<double>();
    }

    /// m_flatGrad plus the L2 term into `out`.
    void Store(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const
    {
        if (m_params.front().grad().data_ptr() != m_flatGrad.data_ptr())
        {
            throw std::logic_error("libtorch replaced a gradient instead of accumulating into it");
        }
        if (m_dtype == torch::kFloat64)
        {
            out = Eigen::Map<const Eigen::VectorXd>(m_flatGrad.data_ptr<double>(), m_dimension);
        }
        else
        {
            out = Eigen::Map<const Eigen::VectorXf>(m_flatGrad.data_ptr<float>(), m_dimension).cast<double>();
        }
        out += m_l2 * x;
    }

    torch::Dtype m_dtype;
    double m_l2;
    int64_t m_samples;
    int64_t m_dimension = 0;
    double m_forwardMacs = 0.0; ///< of one sample, counted in CheckOutput
    std::unique_ptr<Net> m_net;
    std::vector<torch::Tensor> m_params;
    torch::Tensor m_flat;     ///< the parameters, contiguous
    torch::Tensor m_flatGrad; ///< their gradients, contiguous
    torch::Tensor m_inputs;
    torch::Tensor m_labels;
    mutable std::vector<int64_t> m_rows;
};

} // namespace

} // namespace airgrad

/// The plugin's entry point (extern "C": found by name with dlsym).
extern "C" void
airgrad_make_torch_problem(const std::shared_ptr<const airgrad::Dataset>* data, const airgrad::TorchModelSpec* spec,
                           std::unique_ptr<airgrad::Problem>* out)
{
    *out = std::make_unique<airgrad::TorchProblem>(*data, *spec);
}
