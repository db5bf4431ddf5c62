#include "core/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ccm::metrics {
namespace {

bool ValidName(const std::string& n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string EscapeHelp(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::string LabelSet(const Labels& names, const Labels& values, const std::string& extra_name = "",
                     const std::string& extra_value = "") {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!out.empty()) out += ",";
    out += names[i] + "=\"" + EscapeLabel(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    if (!out.empty()) out += ",";
    out += extra_name + "=\"" + EscapeLabel(extra_value) + "\"";
  }
  return out.empty() ? "" : "{" + out + "}";
}

void AtomicAdd(std::atomic<double>& a, double v) {
  double cur = a.load();
  while (!a.compare_exchange_weak(cur, cur + v)) {
  }
}

template <typename T>
std::unique_ptr<T> MakeChild(const std::vector<double>&) {
  return std::make_unique<T>();
}
template <>
std::unique_ptr<Histogram> MakeChild<Histogram>(const std::vector<double>& bounds) {
  return std::make_unique<Histogram>(bounds);
}

template <typename T>
Family<T>& AddFamily(std::map<std::string, std::unique_ptr<Family<T>>>& map, std::mutex& mu,
                     const std::string& name, const std::string& help, const Labels& labels,
                     std::vector<double> bounds, std::unique_ptr<Family<T>> (*make)(
                         std::string, std::string, Labels, std::vector<double>)) {
  if (!ValidName(name)) throw std::logic_error("invalid metric name: " + name);
  for (const auto& l : labels) {
    if (!ValidName(l) || l.find(':') != std::string::npos || l == "le") {
      throw std::logic_error("invalid label name: " + l);
    }
  }
  std::lock_guard lock(mu);
  auto it = map.find(name);
  if (it != map.end()) return *it->second;
  auto [pos, _] = map.emplace(name, make(name, help, labels, std::move(bounds)));
  return *pos->second;
}

}  // namespace

void Counter::Inc(double v) {
  if (v < 0) throw std::logic_error("counter decrement");
  AtomicAdd(value_, v);
}

void Gauge::Inc(double v) { AtomicAdd(value_, v); }

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  std::lock_guard lock(mu_);
  counts_[i]++;
  sum_ += v;
  count_++;
}

Histogram::Snapshot Histogram::Read() const {
  std::lock_guard lock(mu_);
  Snapshot s{bounds_, {}, sum_, count_};
  uint64_t acc = 0;
  for (uint64_t c : counts_) {
    acc += c;
    s.cumulative.push_back(acc);
  }
  return s;
}

std::vector<double> DefaultSecondsBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

template <typename T>
T& Family<T>::WithLabels(const Labels& values) {
  if (values.size() != label_names_.size()) {
    throw std::logic_error("metric " + name_ + ": wrong number of label values");
  }
  std::lock_guard lock(mu_);
  auto it = children_.find(values);
  if (it != children_.end()) return *it->second;
  auto [pos, _] = children_.emplace(values, MakeChild<T>(bounds_));
  return *pos->second;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Family<Counter>& Registry::AddCounter(const std::string& name, const std::string& help,
                                      const Labels& label_names) {
  return AddFamily<Counter>(counters_, mu_, name, help, label_names, {}, +[](std::string n,
      std::string h, Labels l, std::vector<double> b) {
        return std::unique_ptr<Family<Counter>>(new Family<Counter>(n, h, l, b));
      });
}

Family<Gauge>& Registry::AddGauge(const std::string& name, const std::string& help,
                                  const Labels& label_names) {
  return AddFamily<Gauge>(gauges_, mu_, name, help, label_names, {}, +[](std::string n,
      std::string h, Labels l, std::vector<double> b) {
        return std::unique_ptr<Family<Gauge>>(new Family<Gauge>(n, h, l, b));
      });
}

Family<Histogram>& Registry::AddHistogram(const std::string& name, const std::string& help,
                                          const Labels& label_names, std::vector<double> bounds) {
  return AddFamily<Histogram>(histograms_, mu_, name, help, label_names, std::move(bounds),
      +[](std::string n, std::string h, Labels l, std::vector<double> b) {
        return std::unique_ptr<Family<Histogram>>(new Family<Histogram>(n, h, l, b));
      });
}

std::string Registry::Render() const {
  std::lock_guard lock(mu_);
  std::ostringstream out;
  auto header = [&](const std::string& name, const std::string& help, const char* type) {
    out << "# HELP " << name << " " << EscapeHelp(help) << "\n# TYPE " << name << " " << type
        << "\n";
  };
  for (const auto& [name, fam] : counters_) {
    header(name, fam->help_, "counter");
    std::lock_guard fl(fam->mu_);
    for (const auto& [values, c] : fam->children_) {
      out << name << LabelSet(fam->label_names_, values) << " " << FormatValue(c->Value()) << "\n";
    }
  }
  for (const auto& [name, fam] : gauges_) {
    header(name, fam->help_, "gauge");
    std::lock_guard fl(fam->mu_);
    for (const auto& [values, g] : fam->children_) {
      out << name << LabelSet(fam->label_names_, values) << " " << FormatValue(g->Value()) << "\n";
    }
  }
  for (const auto& [name, fam] : histograms_) {
    header(name, fam->help_, "histogram");
    std::lock_guard fl(fam->mu_);
    for (const auto& [values, h] : fam->children_) {
      Histogram::Snapshot s = h->Read();
      for (size_t i = 0; i < s.bounds.size(); ++i) {
        out << name << "_bucket" << LabelSet(fam->label_names_, values, "le", FormatValue(s.bounds[i]))
            << " " << s.cumulative[i] << "\n";
      }
      out << name << "_bucket" << LabelSet(fam->label_names_, values, "le", "+Inf") << " "
          << s.count << "\n";
      out << name << "_sum" << LabelSet(fam->label_names_, values) << " " << FormatValue(s.sum)
          << "\n";
      out << name << "_count" << LabelSet(fam->label_names_, values) << " " << s.count << "\n";
    }
  }
  return out.str();
}

Registry& Registry::Default() {
  static Registry* registry = new Registry();
  return *registry;
}

}  // namespace ccm::metrics
