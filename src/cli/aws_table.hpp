#pragma once
// A plain-text table for `ccm aws` commands: columns padded to their widest cell, two spaces
// apart, an upper-case header row. Empty cells print as "-". Not thread-safe (one per command).
#include <ostream>
#include <string>
#include <vector>

namespace ccm::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // Missing trailing cells print as "-"; extra cells are dropped.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace ccm::cli
