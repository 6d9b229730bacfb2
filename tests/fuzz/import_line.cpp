// One line of POST /data/import: an accepted line written back as NDJSON is
// accepted as the same line; its error text is one line.
#include "core/dates.hpp"
#include "core/input.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view line(reinterpret_cast<const char*>(data), size);
    auto in = wa::parse_import_line(line);
    FUZZ_CHECK(in.value.has_value() == in.errors.empty());
    if (!in.value) {
        std::string text = wa::errors_text(in.errors);
        FUZZ_CHECK(!text.empty());
        return 0;
    }
    const auto& l = *in.value;
    std::string again;
    if (l.kind == wa::ImportLine::Customer) {
        again = "{\"kind\":\"customer\",\"id\":" + fuzz::json_string(l.id)
            + ",\"name\":" + fuzz::json_string(l.customer.name)
            + ",\"phone\":" + fuzz::json_string(l.customer.phone)
            + ",\"address\":" + fuzz::json_string(l.customer.address) + "}";
    } else {
        const auto& v = l.vehicle;
        again = "{\"kind\":\"vehicle\",\"id\":" + fuzz::json_string(l.id) + ",\"customer_id\":"
            + fuzz::json_string(v.customer_id) + ",\"model\":" + fuzz::json_string(v.model)
            + ",\"nopol\":" + fuzz::json_string(v.nopol) + ",\"last_visit_date\":\""
            + wa::format_date(v.last_visit) + "\",\"next_visit_date\":"
            + (v.next_visit ? "\"" + wa::format_date(*v.next_visit) + "\"" : std::string("null"))
            + "}";
    }
    auto round = wa::parse_import_line(again);
    FUZZ_CHECK(round.value.has_value());
    FUZZ_CHECK(round.value->kind == l.kind);
    FUZZ_CHECK(round.value->id == l.id);
    if (l.kind == wa::ImportLine::Customer) {
        FUZZ_CHECK(round.value->customer.name == l.customer.name);
        FUZZ_CHECK(round.value->customer.phone == l.customer.phone);
        FUZZ_CHECK(round.value->customer.address == l.customer.address);
    } else {
        FUZZ_CHECK(round.value->vehicle.customer_id == l.vehicle.customer_id);
        FUZZ_CHECK(round.value->vehicle.model == l.vehicle.model);
        FUZZ_CHECK(round.value->vehicle.nopol == l.vehicle.nopol);
        FUZZ_CHECK(round.value->vehicle.last_visit == l.vehicle.last_visit);
        FUZZ_CHECK(round.value->vehicle.next_visit == l.vehicle.next_visit);
    }
    return 0;
}
