// POST /record: an accepted record written back as JSON is accepted as the
// same record; ids are canonical UUIDs.
#include "core/input.hpp"
#include "core/uuid.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto in = wa::parse_record(body);
    FUZZ_CHECK(in.value.has_value() == in.errors.empty());
    if (!in.value)
        return 0;
    const auto& r = *in.value;
    FUZZ_CHECK(wa::parse_uuid(r.id_customer) == r.id_customer);
    FUZZ_CHECK(wa::parse_uuid(r.id_vehicle) == r.id_vehicle);
    std::string again = "{\"id_customer\":" + fuzz::json_string(r.id_customer)
        + ",\"id_vehicle\":" + fuzz::json_string(r.id_vehicle)
        + ",\"message_id\":" + fuzz::json_string(r.message_id) + "}";
    auto round = wa::parse_record(again);
    FUZZ_CHECK(round.value.has_value());
    FUZZ_CHECK(round.value->id_customer == r.id_customer);
    FUZZ_CHECK(round.value->id_vehicle == r.id_vehicle);
    FUZZ_CHECK(round.value->message_id == r.message_id);
    return 0;
}
