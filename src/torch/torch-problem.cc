// The only translation unit that includes libtorch: built as a plugin that the core opens when a
// run asks for problem.type = torch (src/problem/torch-problem.cc).
#include "problem/torch-problem.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <cmath>
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
    /// Multiply-adds of one sample's forward pass, from the layer shapes (0 when unknown).
    virtual double ForwardMacs() const = 0;
};

/// LeNet-5 (LeCun et al. 1998) with ReLU and max pooling, for C x S x S images: conv 6@5x5
/// (padding 2), pool 2, conv 16@5x5, pool 2, fully connected 120, 84, classes.
struct LeNet5Impl : torch::nn::Module
{
    LeNet5Impl(int64_t channels, int64_t side, int64_t classes)
        : pooled((side / 2 - 4) / 2),
          conv1(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 6, 5).padding(2)))),
          conv2(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(6, 16, 5)))),
          fc1(register_module("fc1", torch::nn::Linear(16 * pooled * pooled, 120))),
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
    int64_t pooled;
    torch::nn::Conv2d conv1;
    torch::nn::Conv2d conv2;
    torch::nn::Linear fc1, fc2, fc3;
};
TORCH_MODULE(LeNet5);

class LeNet5Net : public Net
{
  public:
    LeNet5Net(int64_t channels, int64_t side, int64_t classes, torch::Dtype dtype)
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
        LeNet5 fresh(m_channels, m_side, m_classes); // PyTorch's default initialisation
        fresh->to(m_dtype);
        return fresh->parameters();
    }
    double ForwardMacs() const override
    {
        const double s = static_cast<double>(m_side), p = static_cast<double>(m_module->pooled);
        const double c2 = s / 2 - 4;
        return s * s * 6 * m_channels * 25 + c2 * c2 * 16 * 6 * 25 + 16 * p * p * 120 + 120 * 84 +
               84.0 * m_classes;
    }

  private:
    int64_t m_channels, m_side, m_classes;
    torch::Dtype m_dtype;
    LeNet5 m_module;
};

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
    double ForwardMacs() const override { return 0.0; }

    static std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }
    static std::string Allowed() { return "lenet5 | a TorchScript file (torch.jit.script(model).save(FILE))"; }

  private:
    torch::jit::Module m_module;
    std::vector<torch::Tensor> m_initial;
};

constexpr int64_t kPassBatch = 1024; ///< samples per forward pass of a full-shard evaluation

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
        if (spec.model == "lenet5")
        {
            if (spec.inputShape.size() != 3 || spec.inputShape[1] != spec.inputShape[2] || spec.inputShape[1] < 12)
            {
                throw std::invalid_argument("problem.model = lenet5 needs square images of at least 12 x 12 "
                                            "pixels (problem.dataset = fashion-mnist: 1 x 28 x 28); this "
                                            "dataset has rows of " + std::to_string(features) + " features");
            }
            m_net = std::make_unique<LeNet5Net>(spec.inputShape[0], spec.inputShape[1], spec.classes, m_dtype);
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
        // forward and backward (about twice the forward), 2 flops per multiply-add; a file's model
        // counts one multiply-add per parameter
        const double macs = m_net->ForwardMacs() > 0.0 ? m_net->ForwardMacs() : static_cast<double>(m_dimension);
        return 6.0 * macs;
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
            out = m_net->Forward(m_inputs.narrow(0, 0, 1));
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
