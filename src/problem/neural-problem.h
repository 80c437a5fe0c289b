#ifndef AIRGRAD_PROBLEM_NEURAL_PROBLEM_H
#define AIRGRAD_PROBLEM_NEURAL_PROBLEM_H

#include "data/dataset.h"
#include "problem/problem.h"

#include <vector>

namespace airgrad {

/**
 * \brief Softmax cross-entropy over a fully connected ReLU network: multinomial logistic
 * (softmax) regression when `hidden` is empty, an MLP otherwise.
 *
 * f(x) = 1/n sum_i -log softmax(z_i)_{y_i} + (l2/2) ||x||^2, z_i the output of the network for
 * sample i; labels are class numbers 0..C-1. Parameters, layer by layer: W_l (in x out,
 * column-major) then b_l (out). Softmax regression is convex with smoothness operator
 * (1/2n) [A 1]^T [A 1] (x) I_C + l2 I (softmax curvature is at most 1/2); the MLP has no known L.
 * Neither provides a Hessian, so f* is not computed for them.
 */
class NeuralProblem : public Problem
{
  public:
    NeuralProblem(Dataset data, int classes, std::vector<int> hidden, double l2);
    Eigen::Index Dimension() const override { return m_dimension; }
    Eigen::Index Samples() const override { return m_data.Samples(); }
    double Loss(const Eigen::Ref<const Eigen::VectorXd>& x) const override;
    void Gradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const override;
    double LossGradient(const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> out) const override;
    void GradientRows(const Eigen::Ref<const Eigen::VectorXd>& x,
                      const std::vector<Eigen::Index>& rows,
                      Eigen::Ref<Eigen::VectorXd> out) const override;
    bool HasSmoothness() const override { return m_hidden.empty(); }
    void ApplySmoothnessOperator(const Eigen::Ref<const Eigen::VectorXd>& v,
                                 Eigen::Ref<Eigen::VectorXd> out) const override;
    std::optional<double> Accuracy(const Eigen::Ref<const Eigen::VectorXd>& x) const override;
    /// He initialisation (weights N(0, 2/in), biases 0) for the MLP; zero for softmax regression.
    void InitialPoint(uint64_t seed, Eigen::Ref<Eigen::VectorXd> out) const override;
    double FlopsPerSample() const override;

  private:
    /// Loss on rows of `features`/`labels`; with `gradient` non-null also its gradient.
    double Evaluate(const Eigen::Ref<const Eigen::MatrixXd>& features,
                    const Eigen::Ref<const Eigen::VectorXd>& labels,
                    const Eigen::Ref<const Eigen::VectorXd>& x,
                    Eigen::VectorXd* gradient) const;

    Dataset m_data;
    int m_classes;
    std::vector<int> m_hidden;
    std::vector<int> m_widths; ///< d, hidden..., C
    double m_l2;
    Eigen::Index m_dimension;
    // Scratch sized for the whole shard, so no call allocates.
    mutable std::vector<Eigen::MatrixXd> m_z;   ///< per layer: pre-activations, then backprop signals
    mutable std::vector<Eigen::MatrixXd> m_a;   ///< per hidden layer: activations
    mutable Dataset m_batch; ///< gathered minibatch rows
    mutable Eigen::VectorXd m_gradient;
};

} // namespace airgrad

#endif
