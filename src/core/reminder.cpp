#include "reminder.hpp"

#include <cstdint>

#include "group.hpp"
#include "text.hpp"

#include <cstdint>

namespace wa {

namespace {

struct Placeholder {
    const char* name;
    Template::Field field;
};

constexpr Placeholder kPlaceholders[] = {
    {"customer_name", Template::Field::customer_name},
    {"vehicle_nopol", Template::Field::vehicle_nopol},
    {"vehicle_model", Template::Field::vehicle_model},
    {"next_visit_date", Template::Field::next_visit_date},
    {"service_phone", Template::Field::service_phone},
    {"vehicles", Template::Field::vehicles},
};

// An error message quotes at most this much of an unknown placeholder.
constexpr size_t kMaxQuoted = 40;

std::optional<Template::Field> find_placeholder(std::string_view name) {
    for (const Placeholder& p : kPlaceholders) {
        if (name == p.name) {
            return p.field;
        }
    }
    return std::nullopt;
}

void set_error(std::string* error, std::string message) {
    if (error != nullptr) {
        *error = std::move(message);
    }
}

}  // namespace

int days_between(Date from, Date to) {
    return static_cast<int>(days_from_civil(to) - days_from_civil(from));
}

const char* const default_template =
    "Bapak {customer_name} untuk nomor kendaraan {vehicle_nopol} sebentar lagi tiba saat "
    "pemeliharaan rutin pada tanggal {next_visit_date}, daftarkan segera melalui nomor "
    "pelayanan kami {service_phone}";

std::optional<Template> Template::parse(std::string_view text, std::string* error) {
    if (text.empty()) {
        set_error(error, "the template is empty");
        return std::nullopt;
    }

    Template tpl;
    std::string literal;

    auto flush_literal = [&]() {
        if (!literal.empty()) {
            Segment s;
            s.literal = std::move(literal);
            tpl.segments_.push_back(std::move(s));
            literal.clear();
        }
    };

    size_t i = 0;
    while (i < text.size()) {
        char c = text[i];

        if (c == '}') {
            if (i + 1 < text.size() && text[i + 1] == '}') {
                literal.push_back('}');
                i += 2;
                continue;
            }
            set_error(error,
                      "lone \"}\" at position " + std::to_string(i)
                          + " (write \"}}\" for a literal brace)");
            return std::nullopt;
        }

        if (c != '{') {
            literal.push_back(c);
            i++;
            continue;
        }

        if (i + 1 < text.size() && text[i + 1] == '{') {
            literal.push_back('{');
            i += 2;
            continue;
        }

        size_t close = text.find_first_of("{}", i + 1);
        if (close == std::string_view::npos || text[close] == '{') {
            set_error(error,
                      "unclosed \"{\" at position " + std::to_string(i)
                          + " (write \"{{\" for a literal brace)");
            return std::nullopt;
        }

        std::string_view name = text.substr(i + 1, close - i - 1);
        auto field = find_placeholder(name);
        if (!field) {
            std::string quoted = name.size() > kMaxQuoted
                ? std::string(name.substr(0, kMaxQuoted)) + "..."
                : std::string(name);
            std::string known;
            for (const Placeholder& p : kPlaceholders) {
                known += known.empty() ? "{" : ", {";
                known += p.name;
                known += "}";
            }
            set_error(error,
                      "unknown placeholder \"{" + quoted + "}\" at position " + std::to_string(i)
                          + " (known: " + known + ")");
            return std::nullopt;
        }

        flush_literal();
        Segment s;
        s.is_field = true;
        s.field = *field;
        tpl.segments_.push_back(std::move(s));
        i = close + 1;
    }
    flush_literal();

    return tpl;
}

std::string Template::render(const MessageFields& fields) const {
    std::string out;
    for (const Segment& s : segments_) {
        if (s.is_field) {
            out += field_value(s.field, fields);
        } else {
            out += s.literal;
        }
    }
    return out;
}

bool Template::uses(std::string_view placeholder) const {
    if (placeholder.size() >= 2 && placeholder.front() == '{' && placeholder.back() == '}') {
        placeholder = placeholder.substr(1, placeholder.size() - 2);
    }
    auto field = find_placeholder(placeholder);
    if (!field) {
        return false;
    }
    for (const Segment& s : segments_) {
        if (s.is_field && s.field == *field) {
            return true;
        }
    }
    return false;
}

std::vector<Template::Field> Template::fields() const {
    std::vector<Field> out;
    for (const Segment& s : segments_) {
        if (s.is_field) {
            out.push_back(s.field);
        }
    }
    return out;
}

std::string field_value(Template::Field field, const MessageFields& fields) {
    switch (field) {
    case Template::Field::customer_name: return fields.customer_name;
    case Template::Field::vehicle_nopol: return fields.vehicle_nopol;
    case Template::Field::vehicle_model: return fields.vehicle_model;
    case Template::Field::next_visit_date: return format_date_dmy(fields.next_visit);
    case Template::Field::service_phone: return fields.service_phone;
    case Template::Field::vehicles: return join_lines(fields.vehicle_lines, "\n");
    }
    return std::string();
}

std::vector<std::string> template_parameters(const Template& tpl, const MessageFields& fields) {
    std::vector<std::string> out;
    for (Template::Field f : tpl.fields()) {
        out.push_back(field_value(f, fields));
    }
    return out;
}

namespace {

// The values as message_text puts them: each on one line.
MessageFields one_line_fields(const MessageFields& fields) {
    MessageFields single = fields;
    single.customer_name = one_line(fields.customer_name);
    single.vehicle_nopol = one_line(fields.vehicle_nopol);
    single.vehicle_model = one_line(fields.vehicle_model);
    single.service_phone = one_line(fields.service_phone);
    return single;
}

size_t list_count(const Template& tpl) {
    size_t lists = 0;
    for (Template::Field f : tpl.fields()) {
        lists += f == Template::Field::vehicles ? 1 : 0;
    }
    return lists;
}

// The budget of one list, given the text rendered with a one-character list
// in each place: what the rest takes is measured as it is sent, with the line
// breaks around the list that multi_line would drop around an empty one.
size_t budget_of(const Template& tpl, const MessageFields& single, size_t lists) {
    MessageFields probe = single;
    probe.vehicle_lines = {"x"};
    size_t with_probe = count_chars(multi_line(tpl.render(probe)));
    size_t rest = with_probe > lists ? with_probe - lists : 0;
    return rest < kTextMessageMaxChars ? (kTextMessageMaxChars - rest) / lists : 0;
}

}  // namespace

size_t vehicle_list_budget(const Template& tpl, const MessageFields& fields) {
    size_t lists = list_count(tpl);
    if (lists == 0) {
        return SIZE_MAX;
    }
    return budget_of(tpl, one_line_fields(fields), lists);
}

std::string message_text(const Template& tpl, const MessageFields& fields) {
    MessageFields single = one_line_fields(fields);
    size_t lists = list_count(tpl);
    std::string text;
    if (lists > 0) {
        // The list gets what the rest of the text leaves of the limit: a
        // customer with many vehicles gets "dan N kendaraan lainnya", not a
        // message cut in the middle of a line. Should the text still be over
        // (a list that changes how the text around it is trimmed), the list
        // gives up the excess once more.
        size_t budget = budget_of(tpl, single, lists);
        for (int pass = 0; pass < 2; pass++) {
            single.vehicle_lines = {fit_lines(fields.vehicle_lines, "\n", budget)};
            text = multi_line(tpl.render(single));
            size_t chars = count_chars(text);
            if (chars <= kTextMessageMaxChars) {
                break;
            }
            size_t excess = (chars - kTextMessageMaxChars + lists - 1) / lists;
            budget = budget > excess ? budget - excess : 0;
        }
    } else {
        text = multi_line(tpl.render(single));
    }
    std::string_view cut = cut_chars(text, kTextMessageMaxChars);
    if (cut.size() < text.size()) {
        // A cut can leave the last line ending in a space.
        text = multi_line(cut);
    }
    return text;
}

std::vector<std::string> cloud_parameters(const Template& tpl, const MessageFields& fields) {
    std::vector<std::string> out;
    for (Template::Field f : tpl.fields()) {
        if (f == Template::Field::vehicles) {
            // Meta refuses a new-line in a parameter: the lines go "; "-joined.
            std::string list = fit_lines(fields.vehicle_lines, "; ", kCloudParameterMaxChars);
            out.push_back(list.empty() ? "-" : std::move(list));
            continue;
        }
        std::string line = one_line(field_value(f, fields));
        std::string_view cut = cut_chars(line, kCloudParameterMaxChars);
        std::string param = cut.size() < line.size() ? one_line(cut) : std::move(line);
        out.push_back(param.empty() ? "-" : std::move(param));
    }
    return out;
}

}  // namespace wa
