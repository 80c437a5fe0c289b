#ifndef AIRGRAD_CORE_THREAD_POOL_H
#define AIRGRAD_CORE_THREAD_POOL_H

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace airgrad {

/**
 * \brief A fixed set of threads that run the iterations of a loop in parallel. Iterations must be
 * independent; which thread runs which iteration varies, so results must not depend on it.
 * With one thread everything runs on the caller.
 */
class ThreadPool
{
  public:
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;
    /// Runs body(0) .. body(n - 1) and returns when all are done; rethrows the first exception.
    void ParallelFor(int n, const std::function<void(int)>& body);

  private:
    void Loop();
    void RunIterations();

    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    const std::function<void(int)>* m_body = nullptr;
    int m_n = 0;
    int m_next = 0;
    int m_running = 0;
    unsigned long m_generation = 0;
    bool m_stop = false;
    std::exception_ptr m_error;
};

} // namespace airgrad

#endif
