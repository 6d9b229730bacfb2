#include "input.hpp"

#include <memory>

#include <jansson.h>

#include "keys.hpp"
#include "phone.hpp"
#include "text.hpp"
#include "uuid.hpp"

namespace wa {

namespace {

struct JsonDeleter {
    void operator()(json_t* json) const { json_decref(json); }
};

using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;

struct TextRule {
    size_t max_bytes;
    bool non_empty;
    // Names, plates and models are one line of text, as they are shown and
    // sent: every whitespace run becomes one space. An address keeps its
    // lines.
    bool one_line;
};

constexpr TextRule kNameRule{200, true, true};
constexpr TextRule kAddressRule{std::string::npos, false, false};
constexpr TextRule kModelRule{100, false, true};
constexpr TextRule kNopolRule{20, true, true};
constexpr TextRule kMessageIdRule{kMaxMessageIdBytes, true, false};

// Separators make a typed phone longer than its digits, but not this long.
constexpr size_t kMaxPhoneBytes = 32;

FieldError body_error(std::string field, std::string msg, std::string type) {
    FieldError e;
    e.where = "body";
    e.field = std::move(field);
    e.msg = std::move(msg);
    e.type = std::move(type);
    return e;
}

std::string_view trim(std::string_view s) {
    const char* space = " \t\r\n\f\v";
    size_t begin = s.find_first_not_of(space);
    if (begin == std::string_view::npos) {
        return std::string_view();
    }
    return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

struct Document {
    JsonPtr root;
    std::vector<FieldError> errors;
};

Document load_object(std::string_view body) {
    Document doc;

    // FastAPI reads an empty body as an absent one.
    if (trim(body).empty()) {
        doc.errors.push_back(body_error("", "field required", "value_error.missing"));
        return doc;
    }

    json_error_t error;
    doc.root.reset(
        json_loadb(body.data(), body.size(), JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &error));
    if (!doc.root) {
        doc.errors.push_back(
            body_error("", std::string("Invalid JSON: ") + error.text, "value_error.jsondecode"));
        return doc;
    }

    if (!json_is_object(doc.root.get())) {
        doc.root.reset();
        doc.errors.push_back(body_error("", "value is not a valid dict", "type_error.dict"));
    }
    return doc;
}

// Reads fields of one JSON object, collecting an error per bad field; the
// returned values of bad fields are placeholders.
class FieldReader {
public:
    explicit FieldReader(const json_t* object) : object_(object) {}

    std::string text(const char* name, const char* alias, TextRule rule) {
        const json_t* v = required(name, alias);
        return v == nullptr ? std::string() : checked_text(name, v, rule);
    }

    std::string optional_text(const char* name, const char* alias, TextRule rule) {
        const json_t* v = find(name, alias);
        if (v == nullptr || json_is_null(v)) {
            return std::string();
        }
        return checked_text(name, v, rule);
    }

    std::string phone(const char* name, const char* alias) {
        const json_t* v = required(name, alias);
        auto raw = v == nullptr ? std::nullopt : string_value(name, v);
        if (!raw || !free_of_controls(name, *raw)) {
            return std::string();
        }

        std::string typed = one_line(*raw);
        if (typed.size() > kMaxPhoneBytes || !normalize_phone(typed)) {
            fail(name, "value is not a plausible phone number", "value_error.phone");
        }
        return typed;
    }

    std::string uuid(const char* name) {
        const json_t* v = required(name, nullptr);
        if (v == nullptr) {
            return std::string();
        }

        auto id = json_is_string(v) ? parse_uuid(view(v)) : std::nullopt;
        if (!id) {
            errors_.push_back(uuid_error("body", name));
            return std::string();
        }
        return *id;
    }

    Date date(const char* name) {
        const json_t* v = required(name, nullptr);
        return v == nullptr ? Date{} : checked_date(name, v).value_or(Date{});
    }

    std::optional<Date> optional_date(const char* name) {
        const json_t* v = find(name, nullptr);
        if (v == nullptr || json_is_null(v)) {
            return std::nullopt;
        }
        return checked_date(name, v);
    }

    std::optional<ImportLine::Kind> kind(const char* name) {
        const json_t* v = required(name, nullptr);
        if (v == nullptr) {
            return std::nullopt;
        }

        std::string_view s = json_is_string(v) ? view(v) : std::string_view();
        if (s == "customer") {
            return ImportLine::Customer;
        }
        if (s == "vehicle") {
            return ImportLine::Vehicle;
        }
        fail(name, "unexpected value; permitted: 'customer', 'vehicle'", "value_error.const");
        return std::nullopt;
    }

    std::vector<FieldError> take_errors() { return std::move(errors_); }

private:
    static std::string_view view(const json_t* v) {
        return std::string_view(json_string_value(v), json_string_length(v));
    }

    const json_t* find(const char* name, const char* alias) const {
        const json_t* v = json_object_get(object_, name);
        if (v == nullptr && alias != nullptr) {
            v = json_object_get(object_, alias);
        }
        return v;
    }

    // Null when the field is absent or JSON null; the error is recorded.
    const json_t* required(const char* name, const char* alias) {
        const json_t* v = find(name, alias);
        if (v == nullptr) {
            fail(name, "field required", "value_error.missing");
            return nullptr;
        }
        if (json_is_null(v)) {
            fail(name, "none is not an allowed value", "type_error.none.not_allowed");
            return nullptr;
        }
        return v;
    }

    std::optional<std::string_view> string_value(const char* name, const json_t* v) {
        if (!json_is_string(v)) {
            fail(name, "str type expected", "type_error.str");
            return std::nullopt;
        }
        return view(v);
    }

    std::string checked_text(const char* name, const json_t* v, TextRule rule) {
        auto raw = string_value(name, v);
        if (!raw || !free_of_controls(name, *raw)) {
            return std::string();
        }

        std::string s = rule.one_line ? one_line(*raw) : std::string(trim(*raw));
        if (rule.non_empty && s.empty()) {
            fail(name, "ensure this value has at least 1 characters",
                 "value_error.any_str.min_length");
        } else if (s.size() > rule.max_bytes) {
            fail(name,
                 "ensure this value has at most " + std::to_string(rule.max_bytes) + " characters",
                 "value_error.any_str.max_length");
        }
        return s;
    }

    // Whitespace is tidied up; other control characters are refused: they
    // have no place in stored text, and providers refuse messages with them.
    bool free_of_controls(const char* name, std::string_view raw) {
        if (find_control(raw)) {
            fail(name, "value must not contain control characters", "value_error.str.control");
            return false;
        }
        return true;
    }

    std::optional<Date> checked_date(const char* name, const json_t* v) {
        auto date = json_is_string(v) ? parse_date(view(v)) : std::nullopt;
        if (!date) {
            fail(name, "invalid date format", "value_error.date");
            return date;
        }
        if (auto e = date_range_error(*date, "body", name)) {
            errors_.push_back(std::move(*e));
            return std::nullopt;
        }
        return date;
    }

    void fail(const char* name, std::string msg, const char* type) {
        errors_.push_back(body_error(name, std::move(msg), type));
    }

    const json_t* object_;
    std::vector<FieldError> errors_;
};

CustomerInput read_customer(FieldReader& r) {
    CustomerInput c;
    c.name = r.text("name", "nama", kNameRule);
    c.phone = r.phone("phone", "hp");
    c.address = r.optional_text("address", "alamat", kAddressRule);
    return c;
}

VehicleInput read_vehicle(FieldReader& r) {
    VehicleInput v;
    v.customer_id = r.uuid("customer_id");
    v.model = r.text("model", nullptr, kModelRule);
    v.nopol = r.text("nopol", "no_pol", kNopolRule);
    v.last_visit = r.date("last_visit_date");
    v.next_visit = r.optional_date("next_visit_date");
    return v;
}

RecordInput read_record(FieldReader& r) {
    RecordInput rec;
    rec.id_customer = r.uuid("id_customer");
    rec.id_vehicle = r.uuid("id_vehicle");
    rec.message_id = r.text("message_id", nullptr, kMessageIdRule);
    return rec;
}

ImportLine read_import_line(FieldReader& r) {
    ImportLine line;
    auto kind = r.kind("kind");
    line.id = r.uuid("id");

    if (kind == ImportLine::Customer) {
        line.customer = read_customer(r);
    } else if (kind == ImportLine::Vehicle) {
        line.vehicle = read_vehicle(r);
    }
    line.kind = kind.value_or(ImportLine::Customer);
    return line;
}

template <class T>
Parsed<T> parse_with(std::string_view body, T (*read)(FieldReader&)) {
    Parsed<T> parsed;
    Document doc = load_object(body);
    if (!doc.root) {
        parsed.errors = std::move(doc.errors);
        return parsed;
    }

    FieldReader reader(doc.root.get());
    T value = read(reader);
    parsed.errors = reader.take_errors();
    if (parsed.errors.empty()) {
        parsed.value = std::move(value);
    }
    return parsed;
}

}  // namespace

Parsed<CustomerInput> parse_customer(std::string_view body) {
    return parse_with(body, read_customer);
}

Parsed<VehicleInput> parse_vehicle(std::string_view body) { return parse_with(body, read_vehicle); }

Parsed<RecordInput> parse_record(std::string_view body) { return parse_with(body, read_record); }

Parsed<ImportLine> parse_import_line(std::string_view line) {
    return parse_with(line, read_import_line);
}

std::string errors_text(const std::vector<FieldError>& errors) {
    std::string text;
    for (const FieldError& e : errors) {
        if (!text.empty()) {
            text.append("; ");
        }
        if (!e.field.empty()) {
            text.append(e.field).append(": ");
        }
        text.append(e.msg);
    }
    return text;
}

std::optional<FieldError> date_range_error(Date date, const std::string& where,
                                           const std::string& field) {
    if (date < kFirstDate) {
        return FieldError{
            where, field,
            "ensure this value is greater than or equal to " + format_date(kFirstDate),
            "value_error.number.not_ge", 0};
    }
    if (kLastDate < date) {
        return FieldError{where, field,
                          "ensure this value is less than or equal to " + format_date(kLastDate),
                          "value_error.number.not_le", 0};
    }
    return std::nullopt;
}

Parsed<Date> parse_query_date(std::string_view text, const std::string& name) {
    Parsed<Date> parsed;
    auto date = parse_date(text);
    if (!date) {
        parsed.errors.push_back(
            FieldError{"query", name, "invalid date format", "value_error.date", 0});
    } else if (auto e = date_range_error(*date, "query", name)) {
        parsed.errors.push_back(std::move(*e));
    } else {
        parsed.value = *date;
    }
    return parsed;
}

Parsed<Date> next_visit_of(const VehicleInput& vehicle, int interval_months) {
    Parsed<Date> parsed;
    if (vehicle.next_visit) {
        parsed.value = *vehicle.next_visit;
        return parsed;
    }

    Date next = add_months(vehicle.last_visit, interval_months);
    if (!in_date_range(next)) {
        parsed.errors.push_back(
            FieldError{"body", "last_visit_date",
                       "ensure this value plus " + std::to_string(interval_months)
                           + " months is less than or equal to " + format_date(kLastDate),
                       "value_error.number.not_le", 0});
        return parsed;
    }
    parsed.value = next;
    return parsed;
}

}  // namespace wa
