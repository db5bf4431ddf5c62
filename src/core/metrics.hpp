#pragma once
// In-process metrics registry rendering the Prometheus text exposition format (version 0.0.4).
// Families are created once (name, help, label names) and hand out children per label values.
// All operations are thread-safe; children live as long as the registry, so references to them
// may be cached. Names must match [a-zA-Z_:][a-zA-Z0-9_:]*; a family asked for twice with the same
// name returns the first one (type and labels must match, or std::logic_error is thrown).
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ccm::metrics {

using Labels = std::vector<std::string>;

class Counter {
 public:
  void Inc(double v = 1.0);
  double Value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v); }
  void Inc(double v = 1.0);
  void Dec(double v = 1.0) { Inc(-v); }
  double Value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  mutable std::mutex mu_;
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // per bucket (not cumulative), last is +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

// Default latency buckets in seconds: 1 ms .. 10 s.
std::vector<double> DefaultSecondsBuckets();

class Registry;

template <typename T>
class Family {
 public:
  // Label values in the order of the family's label names; a wrong count throws logic_error.
  T& WithLabels(const Labels& values);
  T& Get() { return WithLabels({}); }

 private:
  friend class Registry;
  Family(std::string name, std::string help, Labels label_names, std::vector<double> bounds)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)),
        bounds_(std::move(bounds)) {}
  std::string name_, help_;
  Labels label_names_;
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<Labels, std::unique_ptr<T>> children_;
};

class Registry {
 public:
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              const Labels& label_names = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help,
                          const Labels& label_names = {});
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  const Labels& label_names = {},
                                  std::vector<double> bounds = DefaultSecondsBuckets());
  std::string Render() const;

  // The process-wide registry that /metrics renders.
  static Registry& Default();

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family<Counter>>> counters_;
  std::map<std::string, std::unique_ptr<Family<Gauge>>> gauges_;
  std::map<std::string, std::unique_ptr<Family<Histogram>>> histograms_;
};

}  // namespace ccm::metrics
