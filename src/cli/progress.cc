#include "cli/progress.h"

#include <unistd.h>

namespace airgrad {

ProgressReporter::ProgressReporter(int rounds, bool simulatedTime, std::FILE* out)
    : m_rounds(rounds),
      m_simulatedTime(simulatedTime),
      m_out(out),
      m_terminal(isatty(fileno(out)) != 0),
      m_started(std::chrono::steady_clock::now()),
      m_lastPrint(m_started)
{
}

void
ProgressReporter::OnRound(const RoundRecord& record)
{
    const auto now = std::chrono::steady_clock::now();
    const auto interval = m_terminal ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
    if (record.round == m_rounds || !m_printed || now - m_lastPrint >= interval)
    {
        m_lastPrint = now;
        Print(record);
    }
}

void
ProgressReporter::Print(const RoundRecord& r)
{
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    std::fprintf(m_out, "%sround %d/%d", m_terminal ? "\r\033[K" : "", r.round, m_rounds);
    if (m_simulatedTime)
    {
        std::fprintf(m_out, "  sim %.6g s", r.network.simTimeS);
    }
    std::fprintf(m_out, "  loss %.6g  gap %.3e  wall %.1f s%s", r.trainLoss, r.lossGap, wall,
                 m_terminal ? "" : "\n");
    std::fflush(m_out);
    m_printed = true;
}

void
ProgressReporter::Finish()
{
    if (m_terminal && m_printed)
    {
        std::fputc('\n', m_out);
    }
}

} // namespace airgrad
