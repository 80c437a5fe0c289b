#ifndef AIRGRAD_PROBLEM_LINEAR_PROBLEM_H
#define AIRGRAD_PROBLEM_LINEAR_PROBLEM_H

#include "data/dataset.h"
#include "problem/problem.h"

#include <memory>

namespace airgrad {

/**
 * \brief A loss of the linear predictions z = A x: f(x) = 1/n sum_i phi(z_i, y_i) + (l2/2) ||x||^2,
 * over dense or sparse (CSR) features through one code path.
 *
 * Every kernel is two passes over the data, A x and A^T w (Eigen's dense or sparse products);
 * a derived class says only what phi is, at whole-vector granularity: PredictionsToDerivatives
 * turns z into phi'(z) and returns sum phi, PredictionsToCurvature turns z into phi''(z).
 * Gradient A^T phi'(z) / n + l2 x; Hessian A^T diag(phi''(z)) A / n + l2 I; smoothness operator
 * A^T A * (c / n) + l2 I with c = SmoothnessFactor() >= sup phi''.
 *
 * The data are shared (std::shared_ptr), so problems that differ only in l2 hold them once.
 */
class LinearProblem : public Problem
{
  public:
    LinearProblem(std::shared_ptr<const Dataset> data, double l2);

    Eigen::Index Dimension() const override { return m_data->Features(); }
    Eigen::Index Samples() const override { return m_data->Samples(); }
    double Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const override;
    void Gradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const override;
    double LossGradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const override;
    void GradientRows(const Eigen::Ref<const Eigen::VectorXd>& x,
                      const std::vector<Eigen::Index>& rows,
                      Eigen::Ref<Eigen::VectorXd> out) const override;
    bool HasHessian() const override { return true; }
    void PrepareHessian(const Eigen::Ref<const Eigen::VectorXd>& x) const override;
    void ApplyHessian(const Eigen::Ref<const Eigen::VectorXd>& v, Eigen::Ref<Eigen::VectorXd> out) const override;
    void HessianDiagonal(Eigen::Ref<Eigen::VectorXd> out) const override;
    void ApplySmoothnessOperator(const Eigen::Ref<const Eigen::VectorXd>& v,
                                 Eigen::Ref<Eigen::VectorXd> out) const override;
    /// 4 x the stored values per sample: a multiply-add each in A x and in A^T w.
    double FlopsPerSample() const override;

    const Dataset& Data() const { return *m_data; }
    double L2() const { return m_l2; }

  protected:
    /// z = A x in, phi'(z_i, y_i) out; returns sum_i phi(z_i, y_i) when `loss`, else 0.
    virtual double PredictionsToDerivatives(const Eigen::Ref<const Eigen::VectorXd>& labels,
                                            Eigen::Ref<Eigen::VectorXd> z,
                                            bool loss) const = 0;
    /// z = A x in, phi''(z_i) out.
    virtual void PredictionsToCurvature(Eigen::Ref<Eigen::VectorXd> z) const = 0;
    /// A bound c >= sup phi'' (1 for least squares, 1/4 for logistic).
    virtual double SmoothnessFactor() const = 0;
    /// out = A x over the whole shard.
    void Predict(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const;

  private:
    /// The gradient on `data` (the shard or a gathered minibatch); returns the loss sum when `loss`.
    double GradientOn(const Dataset& data, const Eigen::Ref<const Eigen::VectorXd>& x,
                      Eigen::Ref<Eigen::VectorXd> scratch, Eigen::Ref<Eigen::VectorXd> out, bool loss) const;

    std::shared_ptr<const Dataset> m_data;
    double m_l2;
    mutable Eigen::VectorXd m_scratch;   ///< n: predictions, then derivatives
    mutable Eigen::VectorXd m_curvature; ///< n: phi''(z) at the prepared Hessian point
    mutable Dataset m_batch; ///< gathered minibatch rows (storage reused across rounds)
};

} // namespace airgrad

#endif
