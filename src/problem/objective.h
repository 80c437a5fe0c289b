#ifndef AIRGRAD_PROBLEM_OBJECTIVE_H
#define AIRGRAD_PROBLEM_OBJECTIVE_H

#include "problem/problem.h"

#include "core/thread-pool.h"

#include <functional>
#include <memory>
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
    /**
     * `threads` (0: the machine's cores) compute shards concurrently, each into its own buffer, and
     * the buffers are added in shard order: every result is bit-identical to one thread.
     */
    explicit GlobalObjective(std::vector<const Problem*> shards, int threads = 0);
    ~GlobalObjective();

    Eigen::Index Dimension() const { return m_dim; }
    int Shards() const { return static_cast<int>(m_shards.size()); }
    double Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const;
    void Gradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const;
    /// Loss(x), and Gradient(x) into `out`, from one pass per shard; the same bits as the two calls.
    double LossGradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const;
    /// Fixes every shard's Hessian point (the shards must have HasHessian()).
    void PrepareHessian(const Eigen::Ref<const Eigen::VectorXd>& x) const;
    /// out = Hessian(x) v, the mean of the shards' products at the prepared x.
    void ApplyHessian(const Eigen::Ref<const Eigen::VectorXd>& v, Eigen::Ref<Eigen::VectorXd> out) const;

    /**
     * \brief Smoothness constant L of f: the largest eigenvalue of the mean smoothness operator,
     * by Lanczos (at most min(d, 200) operator applications) until the largest Ritz value changes
     * by less than 1e-14 relative. The Lanczos vectors are reorthogonalised in full while they fit
     * in kLanczosBasisBytes; beyond, the three-term recurrence keeps two vectors (d x 16 bytes),
     * which still converges to the largest eigenvalue (lost orthogonality only repeats it).
     */
    double SmoothnessL() const;

    struct Optimum
    {
        Eigen::VectorXd x;
        double loss;         ///< f*
        double gradNorm;     ///< ||grad f(x*)||_2 reached
        int newtonSteps;     ///< outer iterations (Newton steps, or FISTA-and-polish rounds for l1)
        long long operatorProducts = 0; ///< Hessian-vector products and gradients (passes over the data / 2)
    };

    /**
     * \brief Minimiser of f by Newton-CG from 0: each step solves Hessian p = -grad by conjugate
     * gradients with a Jacobi preconditioner (Hessian-vector products, no d x d matrix) to the
     * residual min(0.1, ||g|| / ||g0||) ||g|| (quadratic convergence near the optimum), then Armijo
     * backtracking; until ||g|| <= gradTol ||g0||, or the gradient norm and the loss stop decreasing, or
     * (below 1e-8 ||g0||) a step no longer halves the gradient norm: the rounding floor.
     */
    Optimum Minimise(double gradTol = 1e-12) const;
    /**
     * \brief Minimiser of f + l1 ||x||_1 for a quadratic f (least squares), given f's smoothness
     * constant: FISTA with adaptive restart (proximal gradient steps 1/L) until the support is
     * stable, then conjugate gradients on the support with its signs fixed (kept when no sign
     * changes and the subgradient shrinks); repeated until the minimum-norm subgradient is at most
     * 1e-12 of its value at 0 or stops shrinking. gradNorm is the norm of that subgradient, see
     * MinimumNormSubgradient.
     */
    Optimum MinimiseL1(double l1, double smoothnessL) const;

    /// The memory the Lanczos basis may take before SmoothnessL switches to two vectors.
    static constexpr double kLanczosBasisBytes = 256.0 * 1024 * 1024;

  private:
    /// Solves (restricted) Hessian p = rhs by preconditioned CG from p's value to ||residual|| <= tol.
    /// `mask` (empty: none) restricts to coordinates with mask != 0. Returns the products used.
    int ConjugateGradient(const Eigen::VectorXd& rhs, const Eigen::VectorXd& preconditioner,
                          const Eigen::VectorXd& mask, double tol, int maxIterations, Eigen::VectorXd& p) const;

    /// out = mean_m of op(m, buffer), which writes shard m's vector into the buffer; summed in shard order.
    void MeanOverShards(const std::function<void(int, Eigen::Ref<Eigen::VectorXd>)>& op,
                        Eigen::Ref<Eigen::VectorXd> out) const;

    std::vector<const Problem*> m_shards;
    std::unique_ptr<ThreadPool> m_pool;
    mutable Eigen::MatrixXd m_buffers; ///< d x threads

    Eigen::Index m_dim;
    mutable std::vector<double> m_losses; ///< per shard
};

} // namespace airgrad

#endif
