// PUT /data/customer/{id}: a customer accepted once is accepted again, as it
// is, when written back as JSON (what the import and a client re-sending it
// do); a refused body names at least one error.
#include "core/input.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto in = wa::parse_customer(body);
    FUZZ_CHECK(in.value.has_value() == in.errors.empty());
    if (!in.value)
        return 0;
    const auto& c = *in.value;
    std::string again = "{\"name\":" + fuzz::json_string(c.name) + ",\"phone\":"
        + fuzz::json_string(c.phone) + ",\"address\":" + fuzz::json_string(c.address) + "}";
    auto round = wa::parse_customer(again);
    FUZZ_CHECK(round.value.has_value());
    FUZZ_CHECK(round.value->name == c.name);
    FUZZ_CHECK(round.value->phone == c.phone);
    FUZZ_CHECK(round.value->address == c.address);
    FUZZ_CHECK(fuzz::no_control_chars(c.name));
    return 0;
}
