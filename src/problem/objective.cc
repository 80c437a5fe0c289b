#include "problem/objective.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace airgrad {

GlobalObjective::GlobalObjective(std::vector<const Problem*> shards, int threads)
    : m_shards(std::move(shards))
{
    if (threads <= 0)
    {
        threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    }
    threads = std::max(1, std::min<int>(threads, static_cast<int>(m_shards.size())));
    m_pool = std::make_unique<ThreadPool>(threads);
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
    m_buffers.resize(m_dim, threads);
    m_losses.resize(m_shards.size());
}

GlobalObjective::~GlobalObjective() = default;

void
GlobalObjective::MeanOverShards(const std::function<void(int, Eigen::Ref<Eigen::VectorXd>)>& op,
                                Eigen::Ref<Eigen::VectorXd> out) const
{
    const int shards = Shards();
    const auto width = static_cast<int>(m_buffers.cols());
    out.setZero();
    for (int first = 0; first < shards; first += width)
    {
        const int wave = std::min(width, shards - first);
        m_pool->ParallelFor(wave, [&](int t) { op(first + t, m_buffers.col(t)); });
        for (int t = 0; t < wave; ++t)
        {
            out += m_buffers.col(t);
        }
    }
    out /= static_cast<double>(shards);
}

double
GlobalObjective::Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const
{
    m_pool->ParallelFor(Shards(), [&](int m) { m_losses[static_cast<size_t>(m)] = m_shards[static_cast<size_t>(m)]->Loss(x); });
    double sum = 0.0;
    for (double loss : m_losses)
    {
        sum += loss;
    }
    return sum / static_cast<double>(m_shards.size());
}

void
GlobalObjective::Gradient(const Eigen::Ref<const Eigen::VectorXd>& x,
                          Eigen::Ref<Eigen::VectorXd> out) const
{
    MeanOverShards([&](int m, Eigen::Ref<Eigen::VectorXd> o) { m_shards[static_cast<size_t>(m)]->Gradient(x, o); }, out);
}

double
GlobalObjective::LossGradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const
{
    MeanOverShards(
        [&](int m, Eigen::Ref<Eigen::VectorXd> o) {
            m_losses[static_cast<size_t>(m)] = m_shards[static_cast<size_t>(m)]->LossGradient(x, o);
        },
        out);
    double sum = 0.0;
    for (double loss : m_losses)
    {
        sum += loss;
    }
    return sum / static_cast<double>(m_shards.size());
}

void
GlobalObjective::PrepareHessian(const Eigen::Ref<const Eigen::VectorXd>& x) const
{
    m_pool->ParallelFor(Shards(), [&](int m) { m_shards[static_cast<size_t>(m)]->PrepareHessian(x); });
}

void
GlobalObjective::ApplyHessian(const Eigen::Ref<const Eigen::VectorXd>& v, Eigen::Ref<Eigen::VectorXd> out) const
{
    MeanOverShards([&](int m, Eigen::Ref<Eigen::VectorXd> o) { m_shards[static_cast<size_t>(m)]->ApplyHessian(v, o); }, out);
}

double
GlobalObjective::SmoothnessL() const
{
    // Lanczos: the largest Ritz value converges to lambda_max in far fewer operator applications
    // than power iteration when the top eigengap is small.
    const Eigen::Index maxSteps = std::min<Eigen::Index>(m_dim, 200);
    const bool full = static_cast<double>(m_dim) * static_cast<double>(maxSteps) * sizeof(double) <= kLanczosBasisBytes;
    Eigen::MatrixXd basis(m_dim, full ? maxSteps : 2);
    const auto column = [&](Eigen::Index k) { return basis.col(full ? k : k % 2); };
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
        MeanOverShards([&](int m, Eigen::Ref<Eigen::VectorXd> o) { m_shards[static_cast<size_t>(m)]->ApplySmoothnessOperator(column(k), o); }, w);
        alpha(k) = column(k).dot(w);
        double next;
        if (full)
        {
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
            next = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(t, Eigen::EigenvaluesOnly).eigenvalues().maxCoeff();
        }
        else
        {
            // The three-term recurrence, then a second local pass against the two kept vectors.
            w -= alpha(k) * column(k);
            if (k > 0)
            {
                w -= beta(k - 1) * column(k - 1);
                w -= column(k - 1).dot(w) * column(k - 1);
            }
            w -= column(k).dot(w) * column(k);
            beta(k) = w.norm();
            Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver;
            const Eigen::VectorXd off = beta.head(std::max<Eigen::Index>(k, 0));
            Eigen::VectorXd diag = alpha.head(k + 1);
            solver.computeFromTridiagonal(diag, off, Eigen::EigenvaluesOnly);
            next = solver.eigenvalues().maxCoeff();
        }
        const bool converged = k > 0 && std::abs(next - ritz) <= 1e-14 * std::abs(next);
        ritz = next;
        if (converged || beta(k) <= 1e-14 * std::abs(ritz) || k + 1 == maxSteps)
        {
            break;
        }
        column(k + 1) = w / beta(k);
    }
    return ritz;
}

int
GlobalObjective::ConjugateGradient(const Eigen::VectorXd& rhs, const Eigen::VectorXd& preconditioner,
                                   const Eigen::VectorXd& mask, double tol, int maxIterations,
                                   Eigen::VectorXd& p) const
{
    const bool masked = mask.size() > 0;
    Eigen::VectorXd hp(m_dim);
    ApplyHessian(p, hp);
    Eigen::VectorXd r = rhs - hp;
    if (masked)
    {
        r.array() *= mask.array();
    }
    Eigen::VectorXd z = r.cwiseQuotient(preconditioner);
    Eigen::VectorXd dir = z;
    double rz = r.dot(z);
    int products = 1;
    for (int it = 0; it < maxIterations && r.norm() > tol; ++it)
    {
        ApplyHessian(dir, hp);
        ++products;
        if (masked)
        {
            hp.array() *= mask.array();
        }
        const double curvature = dir.dot(hp);
        if (!(curvature > 0.0))
        {
            break; // no descent left along dir (rounding): the iterate so far is the answer
        }
        const double a = rz / curvature;
        p += a * dir;
        r -= a * hp;
        z = r.cwiseQuotient(preconditioner);
        const double rzNext = r.dot(z);
        dir = z + (rzNext / rz) * dir;
        rz = rzNext;
    }
    return products;
}

GlobalObjective::Optimum
GlobalObjective::Minimise(double gradTol) const
{
    Optimum opt;
    opt.x = Eigen::VectorXd::Zero(m_dim);
    Eigen::VectorXd g(m_dim);
    opt.loss = LossGradient(opt.x, g);
    opt.gradNorm = g.norm();
    opt.newtonSteps = 0;
    opt.operatorProducts = 1;
    const double startNorm = opt.gradNorm;
    Eigen::VectorXd diagonal(m_dim), dx(m_dim), trial(m_dim), gTrial(m_dim);
    const Eigen::VectorXd noMask;
    const int maxCg = static_cast<int>(std::min<Eigen::Index>(2 * m_dim + 10, 2000));
    for (int step = 0; step < 100 && opt.gradNorm > gradTol * startNorm; ++step)
    {
        PrepareHessian(opt.x);
        MeanOverShards([&](int m, Eigen::Ref<Eigen::VectorXd> o) { m_shards[static_cast<size_t>(m)]->HessianDiagonal(o); }, diagonal);
        const double forcing = std::min(0.1, opt.gradNorm / startNorm); // quadratic convergence
        dx.setZero();
        opt.operatorProducts += ConjugateGradient(-g, diagonal, noMask, forcing * opt.gradNorm, maxCg, dx);
        double t = 1.0;
        trial = opt.x + dx;
        double trialLoss = Loss(trial);
        // Armijo backtracking; near the optimum the full step is taken.
        while (trialLoss > opt.loss + 1e-4 * t * g.dot(dx) && t > 1e-10)
        {
            t *= 0.5;
            trial = opt.x + t * dx;
            trialLoss = Loss(trial);
        }
        Gradient(trial, gTrial);
        ++opt.operatorProducts;
        const double trialNorm = gTrial.norm();
        if (trialNorm >= opt.gradNorm && trialLoss >= opt.loss)
        {
            break; // rounding floor reached
        }
        // In the quadratic phase a step shrinks the gradient by orders of magnitude; close to the
        // optimum a step that does not halve it has met the rounding floor.
        const bool floor = trialNorm > 0.5 * opt.gradNorm && opt.gradNorm < 1e-8 * startNorm;
        opt.x.swap(trial);
        opt.loss = trialLoss;
        g.swap(gTrial);
        opt.gradNorm = trialNorm;
        opt.newtonSteps = step + 1;
        if (floor)
        {
            break;
        }
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
GlobalObjective::MinimiseL1(double l1, double smoothnessL) const
{
    const Eigen::Index d = m_dim;
    Eigen::VectorXd g(d), s(d);
    Optimum opt;
    const auto subgradientNorm = [&](const Eigen::VectorXd& x) {
        Gradient(x, g);
        ++opt.operatorProducts;
        MinimumNormSubgradient(x, g, l1, s);
        return s.norm();
    };
    const auto soft = [](const Eigen::VectorXd& v, double t) -> Eigen::VectorXd {
        return v.array().sign() * (v.array().abs() - t).max(0.0);
    };
    PrepareHessian(Eigen::VectorXd::Zero(d)); // f is quadratic: one Hessian everywhere
    const Eigen::VectorXd ones = Eigen::VectorXd::Ones(d);
    const double step = 1.0 / smoothnessL;
    Eigen::VectorXd x = Eigen::VectorXd::Zero(d);
    const double startNorm = subgradientNorm(x);
    double norm = startNorm;
    Eigen::VectorXd y = x, next(d), mask(d), polished(d);
    Eigen::VectorXd gradientAtZero(d);
    Gradient(x, gradientAtZero); // the linear term of the quadratic, for the support solves
    int rounds = 0;
    for (; rounds < 100 && norm > 1e-12 * startNorm; ++rounds)
    {
        // FISTA with gradient restart (O'Donoghue and Candes) until the support holds for 20 steps.
        const Eigen::VectorXd previous = x;
        double momentum = 1.0;
        y = x;
        int stable = 0;
        for (int it = 0; it < 5000 && stable < 20; ++it)
        {
            Gradient(y, g);
            ++opt.operatorProducts;
            next = soft(y - step * g, step * l1);
            const bool sameSupport = ((next.array() != 0.0) == (x.array() != 0.0)).all() &&
                                     ((next.array() > 0.0) == (x.array() > 0.0)).all();
            stable = sameSupport ? stable + 1 : 0;
            if ((y - next).dot(next - x) > 0.0)
            {
                momentum = 1.0;
            }
            const double momentumNext = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * momentum * momentum));
            y = next + ((momentum - 1.0) / momentumNext) * (next - x);
            x.swap(next);
            momentum = momentumNext;
        }
        // Newton on the support with the signs fixed: H_SS x_S = -(grad f(0)_S + l1 sign(x_S)),
        // by CG from x (masked Hessian products); exact up to rounding when the support is right.
        mask = (x.array() != 0.0).cast<double>();
        const Eigen::VectorXd rhs = (-(gradientAtZero.array() + l1 * x.array().sign()) * mask.array()).matrix();
        polished = x;
        opt.operatorProducts += ConjugateGradient(rhs, ones, mask, 1e-15 * rhs.norm(), 2000, polished);
        const bool sameSigns = ((polished.array() * x.array()) > 0.0 || mask.array() == 0.0).all();
        const double current = subgradientNorm(x);
        if (sameSigns)
        {
            polished.array() *= mask.array();
            const double polishedNorm = subgradientNorm(polished);
            if (polishedNorm <= current)
            {
                x = polished;
            }
        }
        const double reached = subgradientNorm(x);
        if (reached >= norm)
        {
            x = previous;
            break; // no progress: the rounding floor
        }
        norm = reached;
    }
    opt.x = x;
    opt.loss = Loss(x) + l1 * x.lpNorm<1>();
    opt.gradNorm = subgradientNorm(x);
    opt.newtonSteps = rounds;
    return opt;
}

} // namespace airgrad
