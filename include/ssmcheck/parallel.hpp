// A minimal parallel-for over independent work items (rows of a claim). Results are written by index, so
// the output does not depend on the number of jobs.
#pragma once

#include <ssmcheck/scalar.hpp>

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ssmcheck {

template <class F> void parallel_for(std::size_t n, int jobs, F&& fn) {
  const std::size_t workers = std::max<std::size_t>(1, std::min<std::size_t>(n, jobs < 1 ? 1 : jobs));
  if (workers == 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  std::vector<std::thread> pool;
  for (std::size_t w = 0; w < workers; ++w)
    pool.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(1)) < n;) {
        try {
          fn(i);
        } catch (...) {
          std::lock_guard lock(error_mutex);
          if (!error) error = std::current_exception();
          next = n;
        }
      }
      release_thread_caches();
    });
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace ssmcheck
