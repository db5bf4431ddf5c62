#pragma once
// Internal: "did you mean X?" hints for misspelt keys (Levenshtein edit distance).
#include <string>
#include <string_view>
#include <vector>

namespace ccm::config::internal {

// Number of single-character insertions, deletions and substitutions turning a into b.
size_t EditDistance(std::string_view a, std::string_view b);

// The closest candidate when it is close enough to be a likely typo (distance <= max(2, len/4),
// or one contains the other and the word has 4+ characters), else "". Ties go to the first.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// ", did you mean X?" or "" when nothing is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace ccm::config::internal
