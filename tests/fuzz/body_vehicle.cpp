// PUT /data/vehicle/{id}: an accepted vehicle written back as JSON is
// accepted as the same vehicle; its dates are in the stored range.
#include "core/dates.hpp"
#include "core/input.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto in = wa::parse_vehicle(body);
    FUZZ_CHECK(in.value.has_value() == in.errors.empty());
    if (!in.value)
        return 0;
    const auto& v = *in.value;
    FUZZ_CHECK(wa::in_date_range(v.last_visit));
    FUZZ_CHECK(!v.next_visit || wa::in_date_range(*v.next_visit));
    std::string again = "{\"customer_id\":" + fuzz::json_string(v.customer_id)
        + ",\"model\":" + fuzz::json_string(v.model) + ",\"nopol\":" + fuzz::json_string(v.nopol)
        + ",\"last_visit_date\":\"" + wa::format_date(v.last_visit) + "\",\"next_visit_date\":"
        + (v.next_visit ? "\"" + wa::format_date(*v.next_visit) + "\"" : std::string("null")) + "}";
    auto round = wa::parse_vehicle(again);
    FUZZ_CHECK(round.value.has_value());
    FUZZ_CHECK(round.value->customer_id == v.customer_id);
    FUZZ_CHECK(round.value->model == v.model);
    FUZZ_CHECK(round.value->nopol == v.nopol);
    FUZZ_CHECK(round.value->last_visit == v.last_visit);
    FUZZ_CHECK(round.value->next_visit == v.next_visit);
    for (int months : {1, 6, 120}) {
        auto next = wa::next_visit_of(v, months);
        FUZZ_CHECK(next.value.has_value() == next.errors.empty());
        FUZZ_CHECK(!next.value || wa::in_date_range(*next.value));
    }
    return 0;
}
