#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dates.hpp"

namespace wa {

// to - from, in calendar days (negative when `to` is earlier).
int days_between(Date from, Date to);

// The old system's rule: a vehicle is due when 0 <= days until its next
// visit < lead_days (lead 3: the visit day and the two days before it).
bool is_due(Date today, Date next_visit, int lead_days);

struct MessageFields {
    std::string customer_name, vehicle_nopol, vehicle_model, service_phone;
    Date next_visit;
};

// A reminder text with placeholders {customer_name}, {vehicle_nopol},
// {vehicle_model}, {next_visit_date} (rendered DD-MM-YYYY) and
// {service_phone}. "{{" and "}}" stand for literal braces. Values are inserted
// as they are: the template is not re-scanned after substitution.
class Template {
public:
    enum class Field { customer_name, vehicle_nopol, vehicle_model, next_visit_date, service_phone };

    // Errors (for nginx -t): an empty template, an unknown placeholder
    // (`unknown placeholder "{nama}"`), an unclosed "{" or a lone "}", each
    // with its byte position. `error` may be null.
    static std::optional<Template> parse(std::string_view text, std::string* error);

    std::string render(const MessageFields& fields) const;

    // `placeholder` may be given as "service_phone" or "{service_phone}".
    bool uses(std::string_view placeholder) const;

    // The placeholders in order of appearance, repeats included.
    std::vector<Field> fields() const;

private:
    struct Segment {
        bool is_field = false;
        Field field = Field::customer_name;
        std::string literal;  // when !is_field, braces already unescaped
    };

    std::vector<Segment> segments_;
};

// The old system's message text.
extern const char* const default_template;

// The value of one placeholder ({next_visit_date} as DD-MM-YYYY).
std::string field_value(Template::Field field, const MessageFields& fields);

// The placeholder values in order of appearance, repeats included: the body
// parameters {{1}}, {{2}}, ... of a Cloud API template message.
std::vector<std::string> template_parameters(const Template& tpl, const MessageFields& fields);

}  // namespace wa
