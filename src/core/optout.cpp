#include "optout.hpp"

#include "text.hpp"

#include <algorithm>
#include <array>

namespace wa {

std::vector<std::string> default_stop_words() { return {"STOP", "BERHENTI", "UNSUBSCRIBE"}; }

std::vector<std::string> default_start_words() { return {"START", "MULAI"}; }

std::string fold_word(std::string_view word) {
    std::string out(word);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return out;
}

std::optional<std::string> opt_word_error(std::string_view word) {
    if (word.empty()) {
        return "an empty word";
    }
    if (word.size() > kMaxOptWordBytes) {
        return "a word longer than " + std::to_string(kMaxOptWordBytes) + " bytes";
    }
    // one_line changes a word when it holds a control character, ill-formed
    // UTF-8 or whitespace other than single inner spaces, which it keeps.
    const std::string line = one_line(word);
    if (line != word || line.find(' ') != std::string::npos) {
        return "a word with spaces, control characters or invalid UTF-8";
    }
    return std::nullopt;
}

OptChange inbound_opt_change(std::string_view text, const std::vector<std::string>& stop_words,
                             const std::vector<std::string>& start_words) {
    // one_line also joins inner whitespace into one space: a body of two
    // words keeps a space and matches no word.
    const std::string body = fold_word(one_line(text));
    if (body.empty()) {
        return OptChange::none;
    }
    auto in = [&body](const std::vector<std::string>& words) {
        return std::find(words.begin(), words.end(), body) != words.end();
    };
    if (in(stop_words)) {
        return OptChange::opt_out;
    }
    if (in(start_words)) {
        return OptChange::opt_in;
    }
    return OptChange::none;
}

bool valid_opt_reason(std::string_view reason) {
    static constexpr std::array<std::string_view, 5> kReasons = {
        "stop_word", "start_word", "user_preferences", "error_131050", "data_api"};
    return std::find(kReasons.begin(), kReasons.end(), reason) != kReasons.end();
}

}  // namespace wa
