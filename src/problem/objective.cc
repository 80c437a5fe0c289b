#include "problem/objective.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace airgrad {

GlobalObjective::GlobalObjective(std::vector<const Problem*> shards)
    : m_shards(std::move(shards))
{
    if (m_shards.empty())
    {
        throw std::invalid_argument("objective: no shards");
    }
    m_dim = m_shards.front()->Dimension();
    for (const Problem* p : m_shards)
    {
        if (p->Dimension() != m_dim)
        {
            throw std::invalid_argument("objective: shards of different dimensions");
        }
    }
    m_scratch.resize(m_dim);
}

double
GlobalObjective::Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const
{
    double sum = 0.0;
    for (const Problem* p : m_shards)
    {
        sum += p->Loss(x);
    }
    return sum / static_cast<double>(m_shards.size());
}

void
GlobalObjective::Gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                          Eigen::Ref<Eigen::VectorXd> out) const
{
    out.setZero();
    for (const Problem* p : m_shards)
    {
        p->Gradient(x, m_scratch);
        out += m_scratch;
    }
    out /= static_cast<double>(m_shards.size());
}

double
GlobalObjective::SmoothnessL() const
{
    // Lanczos with full reorthogonalisation: the largest Ritz value converges to lambda_max in far
    // fewer operator applications than power iteration when the top eigengap is small.
    const Eigen::Index maxSteps = std::min<Eigen::Index>(m_dim, 200);
    Eigen::MatrixXd basis(m_dim, maxSteps);
    Eigen::VectorXd alpha(maxSteps), beta(maxSteps);
    // A fixed start vector: deterministic and, in practice, never orthogonal to the top eigenvector.
    for (Eigen::Index j = 0; j < m_dim; ++j)
    {
        basis(j, 0) = 1.0 + 0.5 * std::sin(1.0 + static_cast<double>(j));
    }
    basis.col(0).normalize();
    Eigen::VectorXd w(m_dim);
    double ritz = 0.0;
    for (Eigen::Index k = 0; k < maxSteps; ++k)
    {
        w.setZero();
        for (const Problem* p : m_shards)
        {
            p->ApplySmoothnessOperator(basis.col(k), m_scratch);
            w += m_scratch;
        }
        w /= static_cast<double>(m_shards.size());
        alpha(k) = basis.col(k).dot(w);
        for (int pass = 0; pass < 2; ++pass) // twice is enough (Kahan-Parlett)
        {
            w -= basis.leftCols(k + 1) * (basis.leftCols(k + 1).transpose() * w);
        }
        beta(k) = w.norm();
        Eigen::MatrixXd t = Eigen::MatrixXd::Zero(k + 1, k + 1);
        t.diagonal() = alpha.head(k + 1);
        for (Eigen::Index i = 0; i < k; ++i)
        {
            t(i + 1, i) = t(i, i + 1) = beta(i);
        }
        const double next = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(t, Eigen::EigenvaluesOnly)
                                .eigenvalues()
                                .maxCoeff();
        const bool converged = k > 0 && std::abs(next - ritz) <= 1e-14 * std::abs(next);
        ritz = next;
        if (converged || beta(k) <= 1e-14 * std::abs(ritz) || k + 1 == maxSteps)
        {
            break;
        }
        basis.col(k + 1) = w / beta(k);
    }
    return ritz;
}

GlobalObjective::Optimum
GlobalObjective::Minimise(double gradTol) const
{
    Optimum opt;
    opt.x = Eigen::VectorXd::Zero(m_dim);
    opt.loss = Loss(opt.x);
    opt.newtonSteps = 0;
    Eigen::VectorXd g(m_dim);
    Gradient(opt.x, g);
    opt.gradNorm = g.norm();
    Eigen::MatrixXd h(m_dim, m_dim);
    const double weight = 1.0 / static_cast<double>(m_shards.size());
    for (int step = 0; step < 100 && opt.gradNorm > gradTol; ++step)
    {
        h.setZero();
        for (const Problem* p : m_shards)
        {
            p->AddHessian(opt.x, weight, h);
        }
        const Eigen::VectorXd dx = h.ldlt().solve(-g);
        double t = 1.0;
        Eigen::VectorXd trial = opt.x + dx;
        double trialLoss = Loss(trial);
        // Armijo backtracking; near the optimum the full step is taken.
        while (trialLoss > opt.loss + 1e-4 * t * g.dot(dx) && t > 1e-10)
        {
            t *= 0.5;
            trial = opt.x + t * dx;
            trialLoss = Loss(trial);
        }
        Eigen::VectorXd gTrial(m_dim);
        Gradient(trial, gTrial);
        const double trialNorm = gTrial.norm();
        if (trialNorm >= opt.gradNorm && trialLoss >= opt.loss)
        {
            break; // rounding floor reached
        }
        opt.x = std::move(trial);
        opt.loss = trialLoss;
        g = std::move(gTrial);
        opt.gradNorm = trialNorm;
        opt.newtonSteps = step + 1;
    }
    return opt;
}

void
MinimumNormSubgradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                       const Eigen::Ref<const Eigen::VectorXd>& gradient,
                       double l1,
                       Eigen::Ref<Eigen::VectorXd> out)
{
    for (Eigen::Index j = 0; j < x.size(); ++j)
    {
        const double g = gradient(j);
        if (x(j) != 0.0)
        {
            out(j) = g + (x(j) > 0.0 ? l1 : -l1);
        }
        else
        {
            out(j) = std::abs(g) <= l1 ? 0.0 : g - std::copysign(l1, g);
        }
    }
}

GlobalObjective::Optimum
GlobalObjective::MinimiseL1(double l1) const
{
    const Eigen::Index d = m_dim;
    Eigen::MatrixXd h = Eigen::MatrixXd::Zero(d, d);
    const double weight = 1.0 / static_cast<double>(m_shards.size());
    const Eigen::VectorXd zero = Eigen::VectorXd::Zero(d);
    for (const Problem* p : m_shards)
    {
        p->AddHessian(zero, weight, h);
    }
    Eigen::VectorXd g0(d);
    Gradient(zero, g0);
    auto composite = [&](const Eigen::VectorXd& x) { return Loss(x) + l1 * x.lpNorm<1>(); };
    auto subgradientNorm = [&](const Eigen::VectorXd& x) {
        Eigen::VectorXd g(d);
        Eigen::VectorXd s(d);
        Gradient(x, g);
        MinimumNormSubgradient(x, g, l1, s);
        return s.norm();
    };
    Eigen::VectorXd x = Eigen::VectorXd::Zero(d);
    Eigen::VectorXd hx = Eigen::VectorXd::Zero(d);
    int sweeps = 0;
    for (; sweeps < 100000; ++sweeps)
    {
        double largestMove = 0.0;
        double largestEntry = 0.0;
        for (Eigen::Index j = 0; j < d; ++j)
        {
            const double hjj = h(j, j);
            if (hjj <= 0.0)
            {
                continue;
            }
            const double z = x(j) - (g0(j) + hx(j)) / hjj;
            const double next = std::copysign(std::max(std::abs(z) - l1 / hjj, 0.0), z);
            const double move = next - x(j);
            if (move != 0.0)
            {
                hx += move * h.col(j);
                x(j) = next;
            }
            largestMove = std::max(largestMove, std::abs(move));
            largestEntry = std::max(largestEntry, std::abs(next));
        }
        if (largestMove <= 1e-15 * std::max(largestEntry, 1e-300))
        {
            break;
        }
    }
    // Newton on the support with the signs fixed: exact up to rounding when the support is right.
    std::vector<Eigen::Index> support;
    for (Eigen::Index j = 0; j < d; ++j)
    {
        if (x(j) != 0.0)
        {
            support.push_back(j);
        }
    }
    if (!support.empty())
    {
        const auto n = static_cast<Eigen::Index>(support.size());
        Eigen::MatrixXd hs(n, n);
        Eigen::VectorXd rhs(n);
        for (Eigen::Index a = 0; a < n; ++a)
        {
            rhs(a) = -(g0(support[a]) + std::copysign(l1, x(support[a])));
            for (Eigen::Index b = 0; b < n; ++b)
            {
                hs(a, b) = h(support[a], support[b]);
            }
        }
        const Eigen::VectorXd xs = hs.ldlt().solve(rhs);
        Eigen::VectorXd polished = Eigen::VectorXd::Zero(d);
        bool sameSigns = true;
        for (Eigen::Index a = 0; a < n; ++a)
        {
            sameSigns = sameSigns && (xs(a) > 0.0) == (x(support[a]) > 0.0) && xs(a) != 0.0;
            polished(support[a]) = xs(a);
        }
        if (sameSigns && subgradientNorm(polished) <= subgradientNorm(x))
        {
            x = polished;
        }
    }
    Optimum opt;
    opt.x = x;
    opt.loss = composite(x);
    opt.gradNorm = subgradientNorm(x);
    opt.newtonSteps = sweeps;
    return opt;
}

} // namespace airgrad
