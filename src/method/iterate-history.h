#ifndef AIRGRAD_METHOD_ITERATE_HISTORY_H
#define AIRGRAD_METHOD_ITERATE_HISTORY_H

#include <Eigen/Core>

#include <vector>

namespace airgrad {

/**
 * \brief The squared changes of the last D models a worker received, for LAG-style thresholds
 * (sum_{d=1..D} ||x^{k+1-d} - x^{k-d}||^2). A fixed ring: nothing is allocated per round.
 */
class IterateHistory
{
  public:
    IterateHistory(Eigen::Index dim, int depth)
        : m_changes(static_cast<size_t>(depth), 0.0),
          m_previous(dim)
    {
    }
    /// Records the model of a new round (the first one only becomes the reference).
    void Observe(const Eigen::Ref<const Eigen::VectorXd>& model)
    {
        if (m_hasPrevious)
        {
            m_changes[m_next] = (model - m_previous).squaredNorm();
            m_next = (m_next + 1) % m_changes.size();
        }
        m_previous = model;
        m_hasPrevious = true;
    }
    /// The sum of the last D squared changes (fewer before D rounds have passed).
    double Sum() const
    {
        double sum = 0.0;
        for (double c : m_changes)
        {
            sum += c;
        }
        return sum;
    }

  private:
    std::vector<double> m_changes;
    size_t m_next = 0;
    Eigen::VectorXd m_previous;
    bool m_hasPrevious = false;
};

} // namespace airgrad

#endif
