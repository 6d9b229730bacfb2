#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dates.hpp"

namespace wa {

// to - from, in calendar days (negative when `to` is earlier).
int days_between(Date from, Date to);

struct MessageFields {
    std::string customer_name, vehicle_nopol, vehicle_model, service_phone;
    Date next_visit;
    // {vehicles} (wa_report_group_by customer): one rendered line per vehicle
    // of the message (vehicle_line), in the order listed.
    std::vector<std::string> vehicle_lines;
};

// A reminder text with placeholders {customer_name}, {vehicle_nopol},
// {vehicle_model}, {next_visit_date} (rendered DD-MM-YYYY) and
// {service_phone}, and {vehicles}: the list of a grouped message's vehicles
// (see core/group.hpp for where each may be used). "{{" and "}}" stand for
// literal braces. Values are inserted
// as they are: the template is not re-scanned after substitution.
class Template {
public:
    enum class Field {
        customer_name,
        vehicle_nopol,
        vehicle_model,
        next_visit_date,
        service_phone,
        vehicles,
    };

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
// parameters {{1}}, {{2}}, ... of a Cloud API template message, as stored
// (see cloud_parameters for what is sent).
std::vector<std::string> template_parameters(const Template& tpl, const MessageFields& fields);

// What the providers accept as text. Values come from stored data, which may
// predate the data API's normalisation or come from another writer.

// WhatsApp's limit for a text message body, in characters.
constexpr size_t kTextMessageMaxChars = 4096;

// Meta's limit for one body parameter of a template message that has other
// components (header, buttons); 32768 when the body is the only one. The
// module does not know the template's components, so it keeps to the lower.
constexpr size_t kCloudParameterMaxChars = 1024;

// The message text: the template rendered with each value on one line
// (one_line: a newline in a name must not break the message's layout), then
// multi_line (the template's own line breaks stay; tabs become spaces; other
// control characters go), cut at kTextMessageMaxChars. {vehicles} puts one
// vehicle_lines entry a line, as many as fit (fit_lines) in what the rest
// of the text leaves of kTextMessageMaxChars. What StarSender gets
// and what run details show as "message".
std::string message_text(const Template& tpl, const MessageFields& fields);

// The characters one {vehicles} list may take in message_text: what the
// rest of the text (the template with `fields`' other values) leaves of
// kTextMessageMaxChars, shared by each {vehicles} in it; 0 when the rest
// alone fills it; SIZE_MAX for a template without {vehicles}.
size_t vehicle_list_budget(const Template& tpl, const MessageFields& fields);

// The Cloud API body parameters: template_parameters, each one_line (Meta
// refuses a parameter with a new-line or tab character or more than 4
// consecutive spaces: error 132018), cut at kCloudParameterMaxChars, and "-"
// for a value that is empty (Meta refuses an empty text parameter: error 100). The
// {vehicles} list is one parameter: its lines joined with "; ", fitted to the
// same limit (fit_lines).
std::vector<std::string> cloud_parameters(const Template& tpl, const MessageFields& fields);

}  // namespace wa
