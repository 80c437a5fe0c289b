#ifndef AIRGRAD_PROBLEM_OBJECTIVE_H
#define AIRGRAD_PROBLEM_OBJECTIVE_H

#include "problem/problem.h"

#include <vector>


namespace airgrad {

/// The minimum-norm element of grad f(x) + l1 d||x||_1 (zero exactly at the optimum).
void MinimumNormSubgradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                            const Eigen::Ref<const Eigen::VectorXd>& gradient,
                            double l1,
                            Eigen::Ref<Eigen::VectorXd> out);

/**
 * \brief The global objective f = (1/M) sum_m f_m over the workers' shards (non-owning).
 */
class GlobalObjective
{
  public:
    explicit GlobalObjective(std::vector<const Problem*> shards);

    Eigen::Index Dimension() const { return m_dim; }
    int Shards() const { return static_cast<int>(m_shards.size()); }
    double Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const;
    void Gradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const;

    /**
     * \brief Smoothness constant L of f: the largest eigenvalue of the mean smoothness operator,
     * by Lanczos (full reorthogonalisation, at most min(d, 200) operator applications) until the
     * largest Ritz value changes by less than 1e-14 relative.
     */
    double SmoothnessL() const;

    struct Optimum
    {
        Eigen::VectorXd x;
        double loss;         ///< f*
        double gradNorm;     ///< ||grad f(x*)||_2 reached
        int newtonSteps;
    };

    /**
     * \brief Minimiser of f by damped Newton (Armijo backtracking) from 0, until the gradient norm
     * is at most `gradTol` or stops decreasing. For least squares one step is the closed form.
     */
    Optimum Minimise(double gradTol = 1e-12) const;
    /**
     * \brief Minimiser of f + l1 ||x||_1 for a quadratic f (least squares): coordinate descent on
     * the exact quadratic model until no coordinate moves by 1e-15 relative, then one Newton solve
     * on the support with its signs fixed (kept when it does not change a sign). gradNorm is the
     * norm of the minimum-norm subgradient, see MinimumNormSubgradient.
     */
    Optimum MinimiseL1(double l1) const;

  private:
    std::vector<const Problem*> m_shards;

    Eigen::Index m_dim;
    mutable Eigen::VectorXd m_scratch;
};

} // namespace airgrad

#endif
