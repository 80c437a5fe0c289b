#ifndef AIRGRAD_PROBLEM_PROBLEM_H
#define AIRGRAD_PROBLEM_PROBLEM_H

#include <Eigen/Dense>

#include <cstdint>
#include <optional>
#include <stdexcept>
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
    /// The loss at x and its gradient into `out`, from one pass over the data (Loss + Gradient fused).
    virtual double LossGradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const
    {
        Gradient(x, out);
        return Loss(x);
    }
    /// Whether PrepareHessian, ApplyHessian and HessianDiagonal exist (then f* is computed by Newton-CG).
    virtual bool HasHessian() const { return false; }
    /// Whether ApplySmoothnessOperator exists (then L is computed).
    virtual bool HasSmoothness() const { return true; }
    /// Fixes the point x of the Hessian that ApplyHessian multiplies by (one pass over the data).
    virtual void PrepareHessian(const Eigen::Ref<const Eigen::VectorXd>& x) const
    {
        (void)x;
        throw std::logic_error("this problem has no Hessian (HasHessian() is false)");
    }
    /// out = Hessian(x) v at the prepared x, without forming the d x d matrix (one pass: A v, A^T w).
    virtual void ApplyHessian(const Eigen::Ref<const Eigen::VectorXd>& v, Eigen::Ref<Eigen::VectorXd> out) const
    {
        (void)v;
        (void)out;
        throw std::logic_error("this problem has no Hessian (HasHessian() is false)");
    }
    /// The diagonal of Hessian(x) at the prepared x into `out` (a Jacobi preconditioner for CG).
    virtual void HessianDiagonal(Eigen::Ref<Eigen::VectorXd> out) const
    {
        (void)out;
        throw std::logic_error("this problem has no Hessian (HasHessian() is false)");
    }
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
