#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dates.hpp"
#include "json.hpp"

namespace wa {

// Request bodies are checked the way the old pydantic-1 models did: every
// field is checked and all problems are reported at once, with pydantic's
// messages and types. Non-empty errors means an empty value.
//
// Text fields: a control character other than whitespace (see text.hpp) is
// refused ("value must not contain control characters",
// "value_error.str.control"); surrounding whitespace is trimmed; names,
// plates, models and phones become one line (one_line: every whitespace run
// one space), an address keeps its inner whitespace. Lengths and emptiness
// are checked on the result.
template <class T>
struct Parsed {
    std::optional<T> value;
    std::vector<FieldError> errors;
};

struct CustomerInput {
    std::string name, phone, address;
};

// name (or "nama"), phone (or "hp"), address (or "alamat", may be absent).
// The phone is kept as typed (trimmed); it only has to normalise.
Parsed<CustomerInput> parse_customer(std::string_view body);

struct VehicleInput {
    std::string customer_id, model, nopol;
    Date last_visit;
    std::optional<Date> next_visit;
};

// customer_id, model, nopol (or "no_pol"), last_visit_date, next_visit_date
// (may be absent or null).
Parsed<VehicleInput> parse_vehicle(std::string_view body);

struct RecordInput {
    std::string id_customer, id_vehicle, message_id;
};

Parsed<RecordInput> parse_record(std::string_view body);

struct ImportLine {
    enum Kind { Customer, Vehicle } kind = Customer;
    std::string id;
    CustomerInput customer;  // set when kind == Customer
    VehicleInput vehicle;    // set when kind == Vehicle
};

// One NDJSON object: "kind" ("customer" or "vehicle"), "id", and the fields
// of parse_customer or parse_vehicle.
Parsed<ImportLine> parse_import_line(std::string_view line);

// "phone: value is not a plausible phone number; name: field required"
std::string errors_text(const std::vector<FieldError>& errors);

// Dates outside kFirstDate..kLastDate get pydantic's errors for a bounded
// value at where/field ("ensure this value is greater than or equal to
// 1900-01-01", type value_error.number.not_ge; "... less than or equal to
// 9998-12-31", value_error.number.not_le); nullopt inside the range. Body
// dates (last_visit_date, next_visit_date) are checked by parse_vehicle and
// parse_import_line.
std::optional<FieldError> date_range_error(Date date, const std::string& where,
                                           const std::string& field);

// A date query parameter (run-now's ?date=): "YYYY-MM-DD" inside the range.
// One error at ["query", name]: "invalid date format" (value_error.date) or
// the range errors above.
Parsed<Date> parse_query_date(std::string_view text, const std::string& name);

// The next visit a vehicle is stored with: its next_visit_date when given,
// else last_visit_date plus `interval_months` (1-120), the day clamped to the
// end of the month. A derived date after kLastDate is one error at
// ["body","last_visit_date"] ("ensure this value plus N months is less than
// or equal to 9998-12-31", value_error.number.not_le).
Parsed<Date> next_visit_of(const VehicleInput& vehicle, int interval_months);

}  // namespace wa
