#include "problem/objective.h"

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
    // A fixed, non-symmetric start vector: deterministic and never orthogonal to the top
    // eigenvector in practice.
    Eigen::VectorXd v(m_dim);
    for (Eigen::Index j = 0; j < m_dim; ++j)
    {
        v(j) = 1.0 + 0.5 * std::sin(1.0 + static_cast<double>(j));
    }
    v.normalize();
    Eigen::VectorXd w(m_dim);
    double lambda = 0.0;
    for (int it = 0; it < 5000; ++it)
    {
        w.setZero();
        for (const Problem* p : m_shards)
        {
            p->ApplySmoothnessOperator(v, m_scratch);
            w += m_scratch;
        }
        w /= static_cast<double>(m_shards.size());
        const double next = v.dot(w); // Rayleigh quotient, a lower bound that increases to lambda_max
        const double norm = w.norm();
        if (norm == 0.0)
        {
            return 0.0;
        }
        v = w / norm;
        if (it > 0 && std::abs(next - lambda) <= 1e-12 * std::abs(next))
        {
            return next;
        }
        lambda = next;
    }
    return lambda;
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

} // namespace airgrad
