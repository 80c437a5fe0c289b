#ifndef AIRGRAD_CLI_PROGRESS_H
#define AIRGRAD_CLI_PROGRESS_H

#include "round/round-record.h"

#include <chrono>
#include <cstdio>

namespace airgrad {

/**
 * \brief Progress on stderr: round i/N, simulated time, loss gap. On a terminal one line is
 * rewritten in place (at most 10 times a second); otherwise a line every few seconds and at the end.
 */
class ProgressReporter : public RoundObserver
{
  public:
    ProgressReporter(int rounds, bool simulatedTime, std::FILE* out = stderr);
    void OnRound(const RoundRecord& record) override;
    /// Ends the display (the newline after an in-place line).
    void Finish();

  private:
    void Print(const RoundRecord& record);

    int m_rounds;
    bool m_simulatedTime;
    std::FILE* m_out;
    bool m_terminal;
    std::chrono::steady_clock::time_point m_started;
    std::chrono::steady_clock::time_point m_lastPrint;
    bool m_printed = false;
};

} // namespace airgrad

#endif
