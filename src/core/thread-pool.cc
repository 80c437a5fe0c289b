#include "core/thread-pool.h"

namespace airgrad {

ThreadPool::ThreadPool(int threads)
{
    for (int t = 1; t < threads; ++t) // the caller is the first thread
    {
        m_threads.emplace_back([this] { Loop(); });
    }
}

ThreadPool::~ThreadPool()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (auto& t : m_threads)
    {
        t.join();
    }
}

void
ThreadPool::RunIterations()
{
    for (;;)
    {
        int i;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_next >= m_n)
            {
                return;
            }
            i = m_next++;
        }
        try
        {
            (*m_body)(i);
        }
        catch (...)
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (!m_error)
            {
                m_error = std::current_exception();
            }
        }
    }
}

void
ThreadPool::Loop()
{
    unsigned long seen = 0;
    for (;;)
    {
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
            if (m_stop)
            {
                return;
            }
            seen = m_generation;
            ++m_running;
        }
        RunIterations();
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            --m_running;
        }
        m_done.notify_all();
    }
}

void
ThreadPool::ParallelFor(int n, const std::function<void(int)>& body)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_body = &body;
        m_n = n;
        m_next = 0;
        m_error = nullptr;
        ++m_generation;
    }
    m_wake.notify_all();
    RunIterations();
    std::unique_lock<std::mutex> lock(m_mutex);
    m_done.wait(lock, [&] { return m_next >= m_n && m_running == 0; });
    if (m_error)
    {
        std::rethrow_exception(m_error);
    }
}

} // namespace airgrad
