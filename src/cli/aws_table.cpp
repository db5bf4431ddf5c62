#include "cli/aws_table.hpp"

#include <algorithm>
#include <iomanip>

namespace ccm::cli {

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  for (auto& c : cells) {
    if (c.empty()) c.push_back('-');  // not = "-": GCC 12 -Wrestrict false positive
  }
  rows_.push_back(std::move(cells));
}

void TextTable::Print(std::ostream& out) const {
  std::vector<size_t> widths(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i) widths[i] = headers_[i].size();
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i + 1 < cells.size()) {
        out << std::left << std::setw(static_cast<int>(widths[i] + 2)) << cells[i];
      } else {
        out << cells[i];
      }
    }
    out << "\n";
  };
  line(headers_);
  for (const auto& row : rows_) line(row);
}

}  // namespace ccm::cli
