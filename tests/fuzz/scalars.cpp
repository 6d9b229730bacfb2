// The small parsers of ids, dates and phones: each accepted value is already
// in its one spelling (parsing it again gives it back), and formatting a
// parsed value parses to the same value.
#include "core/dates.hpp"
#include "core/input.hpp"
#include "core/phone.hpp"
#include "core/uuid.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto id = wa::parse_uuid(text)) {
        FUZZ_CHECK(id->size() == 36);
        FUZZ_CHECK(wa::parse_uuid(*id) == id);
    }

    if (auto date = wa::parse_date(text)) {
        FUZZ_CHECK(date->m >= 1 && date->m <= 12);
        FUZZ_CHECK(date->d >= 1 && date->d <= wa::days_in_month(date->y, date->m));
        FUZZ_CHECK(wa::civil_from_days(wa::days_from_civil(*date)) == *date);
        if (wa::in_date_range(*date))
            FUZZ_CHECK(wa::parse_date(wa::format_date(*date)) == date);
        for (int months : {1, 12, 120}) {
            wa::Date later = wa::add_months(*date, months);
            FUZZ_CHECK(later.d >= 1 && later.d <= wa::days_in_month(later.y, later.m));
        }
    }
    auto query_date = wa::parse_query_date(text, "date");
    FUZZ_CHECK(query_date.value.has_value() == query_date.errors.empty());
    if (query_date.value)
        FUZZ_CHECK(wa::in_date_range(*query_date.value));

    if (auto phone = wa::normalize_phone(text)) {
        FUZZ_CHECK(!phone->empty());
        for (char c : *phone)
            FUZZ_CHECK(c >= '0' && c <= '9');
        FUZZ_CHECK(wa::normalize_phone("+" + *phone) == phone);
        wa::whatsapp_reachable(*phone);
    }
    std::string masked = wa::mask_phone(text);
    FUZZ_CHECK(masked.size() == text.size());
    std::string masked_text = wa::mask_phones(text);
    FUZZ_CHECK(masked_text.size() == text.size());
    return 0;
}
