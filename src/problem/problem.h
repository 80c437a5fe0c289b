#ifndef AIRGRAD_PROBLEM_PROBLEM_H
#define AIRGRAD_PROBLEM_PROBLEM_H

#include <Eigen/Dense>

#include <cstdint>
#include <optional>
#include <vector>

namespace airgrad {

/**
 * \brief One worker's smooth objective f_m over its data shard.
 *
 * Implementations keep scratch buffers sized at construction, so calls do not allocate; they are
 * therefore not safe to call concurrently on the same object.
 */
class Problem
{
  public:
    virtual ~Problem() = default;

    virtual Eigen::Index Dimension() const = 0;
    virtual Eigen::Index Samples() const = 0;
    virtual double Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const = 0;
    virtual void Gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                          Eigen::Ref<Eigen::VectorXd> out) const = 0;
    /// The gradient of the mean loss over the samples `rows` (a minibatch), plus the regulariser.
    virtual void GradientRows(const Eigen::Ref<const Eigen::VectorXd>& x,
                              const std::vector<Eigen::Index>& rows,
                              Eigen::Ref<Eigen::VectorXd> out) const = 0;
    /// Whether AddHessian exists (then f* is computed by Newton).
    virtual bool HasHessian() const { return true; }
    /// Whether ApplySmoothnessOperator exists (then L is computed).
    virtual bool HasSmoothness() const { return true; }
    /// Adds weight * Hessian(x) to `out` (d x d), for the Newton solver of f*.
    virtual void AddHessian(const Eigen::Ref<const Eigen::VectorXd>& x,
                            double weight,
                            Eigen::Ref<Eigen::MatrixXd> out) const = 0;
    /// out = B v for the PSD matrix B whose largest eigenvalue is this f_m's smoothness constant.
    virtual void ApplySmoothnessOperator(const Eigen::Ref<const Eigen::VectorXd>& v,
                                         Eigen::Ref<Eigen::VectorXd> out) const = 0;
    /// The starting model of a run (zero unless the problem needs symmetry breaking).
    virtual void InitialPoint(uint64_t seed, Eigen::Ref<Eigen::VectorXd> out) const
    {
        (void)seed;
        out.setZero();
    }
    /// Floating-point operations of one sample's gradient (a count of the kernel's multiply-adds).
    virtual double FlopsPerSample() const { return 4.0 * static_cast<double>(Dimension()); }
    /// Fraction of samples classified correctly, or nothing for a regression problem.
    virtual std::optional<double> Accuracy(const Eigen::Ref<const Eigen::VectorXd>& x) const
    {
        (void)x;
        return std::nullopt;
    }
};

} // namespace airgrad

#endif
