#include "optout.hpp"

#include "text.hpp"

#include <jansson.h>

#include <algorithm>
#include <iterator>
#include <memory>

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

const std::string_view kOptReasons[kOptReasonCount] = {
    "stop_word", "start_word", "user_preferences", "error_131050", "data_api"};

bool valid_opt_reason(std::string_view reason) {
    return std::find(std::begin(kOptReasons), std::end(kOptReasons), reason)
        != std::end(kOptReasons);
}

void append_customer_opt_out(std::string& out, const Customer& c, const std::optional<OptOut>& o) {
    append_customer(out, c);
    out.pop_back();  // append_customer's closing brace: three members follow
    out.append(",\"opted_out\":").append(o ? "true" : "false");
    out.append(",\"opted_out_at\":");
    if (o) {
        append_json_string(out, o->at);
    } else {
        out.append("null");
    }
    out.append(",\"opted_out_reason\":");
    if (o) {
        append_json_string(out, o->reason);
    } else {
        out.append("null");
    }
    out.push_back('}');
}

std::optional<FieldError> read_opted_out(std::string_view body, std::optional<bool>& out) {
    out = std::nullopt;
    struct Decref {
        void operator()(json_t* json) const { json_decref(json); }
    };
    std::unique_ptr<json_t, Decref> root(json_loadb(body.data(), body.size(), 0, nullptr));
    if (!root || !json_is_object(root.get())) {
        return std::nullopt;
    }
    const json_t* v = json_object_get(root.get(), "opted_out");
    if (v == nullptr || json_is_null(v)) {
        return std::nullopt;
    }
    if (!json_is_boolean(v)) {
        return FieldError{"body", "opted_out", "value is not a valid boolean",
                          "value_error.strictbool", 0};
    }
    out = json_is_true(v);
    return std::nullopt;
}

}  // namespace wa
