// wa_report_template and the values it is filled with: a template that
// parses renders without touching memory it does not own, and what the
// providers are sent keeps their rules (one line per Cloud API parameter,
// the text message within WhatsApp's length, no control characters).
#include "core/reminder.hpp"
#include "core/text.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Fields in(data, size);
    std::string_view text = in.next();
    wa::MessageFields fields;
    fields.customer_name = std::string(in.next());
    fields.vehicle_nopol = std::string(in.next());
    fields.vehicle_model = std::string(in.next());
    fields.service_phone = std::string(in.next());
    fields.next_visit = wa::Date{2026, 1, 31};

    std::string error;
    auto tpl = wa::Template::parse(text, &error);
    if (!tpl) {
        FUZZ_CHECK(!error.empty());
        return 0;
    }
    FUZZ_CHECK(error.empty());
    std::string rendered = tpl->render(fields);
    auto used = tpl->fields();
    FUZZ_CHECK(wa::template_parameters(*tpl, fields).size() == used.size());

    std::string message = wa::message_text(*tpl, fields);
    FUZZ_CHECK(wa::count_chars(message) <= wa::kTextMessageMaxChars);
    FUZZ_CHECK(!wa::find_control(message).has_value());
    FUZZ_CHECK(fuzz::valid_utf8(message));

    auto params = wa::cloud_parameters(*tpl, fields);
    FUZZ_CHECK(params.size() == used.size());
    for (const auto& p : params) {
        FUZZ_CHECK(!p.empty());
        FUZZ_CHECK(wa::count_chars(p) <= wa::kCloudParameterMaxChars);
        FUZZ_CHECK(p.find('\n') == std::string::npos && p.find('\t') == std::string::npos);
        FUZZ_CHECK(fuzz::no_control_chars(p));
    }
    return 0;
}
