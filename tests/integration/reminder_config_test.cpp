// The reminder engine's directives under `nginx -t`: the configurations the
// suites use pass, and mistakes are caught before nginx starts.
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

TEST(ReminderConfigTest, ProviderConfigsPass) {
    for (std::string provider : {"log", "starsender", "cloud_api", "fonnte"}) {
        ReminderSettings s;
        s.provider = provider;
        ConfigCheck check = nginx_check_config(reminder_config(s));
        EXPECT_TRUE(check.ok) << provider << "\n" << check.output;
    }
    ReminderSettings custom;
    custom.template_text =
        "Halo {customer_name}, {vehicle_model} {vehicle_nopol} servis {next_visit_date}. "
        "Info {service_phone} {{ok}}";
    custom.remind = "daily";
    custom.schedule = "23:59 on";
    custom.extra_http = "wa_report_jwt_max_lifetime 2h;\nwa_report_gateway_retry_after_max 5s;\n";
    ConfigCheck check = nginx_check_config(reminder_config(custom));
    EXPECT_TRUE(check.ok) << check.output;
}

TEST(ReminderConfigTest, MistakesFailNginxT) {
    struct Case {
        std::string what;
        ReminderSettings settings;
        std::string also;  // text nginx -t should mention ("" : only [emerg])
    };
    std::vector<Case> cases;
    {
        ReminderSettings s;
        s.template_text = "Bapak {nama} untuk {vehicle_nopol}";
        cases.push_back({"template with an unknown placeholder", s, "nama"});
    }
    {
        ReminderSettings s;
        s.template_text = "Bapak {customer_name";
        cases.push_back({"template with an unclosed brace", s, ""});
    }
    {
        ReminderSettings s;
        s.with_key_file = false;
        cases.push_back({"starsender without a key file", s, ""});
    }
    {
        ReminderSettings s;
        s.provider = "cloud_api";
        s.with_url = false;
        cases.push_back({"cloud_api without a url", s, ""});
    }
    {
        ReminderSettings s;
        s.provider = "cloud_api";
        s.with_cloud_template = false;
        cases.push_back({"cloud_api without a template", s, ""});
    }
    {
        ReminderSettings s;
        s.provider = "cloud_api";
        s.with_key_file = false;
        cases.push_back({"cloud_api without a token file", s, ""});
    }
    {
        ReminderSettings s;
        s.with_key_file = false;
        s.extra_http = "wa_report_gateway_key_file /nonexistent/wa-report/starsender.key;\n";
        cases.push_back({"unreadable key file", s, ""});
    }
    {
        ReminderSettings s;
        s.jwt_file = "/nonexistent/wa-report/jwt.secret";
        cases.push_back({"unreadable JWT secret file", s, ""});
    }
    {
        ReminderSettings s;
        s.jwt_file = secret_file("empty.secret", "");
        cases.push_back({"empty JWT secret file", s, ""});
    }
    {
        ReminderSettings s;
        s.provider = "carrier_pigeon";
        cases.push_back({"unknown provider", s, ""});
    }
    {
        ReminderSettings s;
        s.remind = "weekly";
        cases.push_back({"unknown remind mode", s, ""});
    }
    {
        ReminderSettings s;
        s.schedule = "24:00 off";
        cases.push_back({"schedule hour 24", s, ""});
    }
    {
        ReminderSettings s;
        s.extra_http = "wa_report_jwt_max_lifetime 0;\n";
        cases.push_back({"JWT max lifetime 0", s, "wa_report_jwt_max_lifetime"});
    }
    {
        ReminderSettings s;
        s.extra_http = "wa_report_jwt_max_lifetime forever;\n";
        cases.push_back({"JWT max lifetime not a time", s, ""});
    }
    {
        ReminderSettings s;
        s.extra_http = "wa_report_gateway_retry_after_max 2d;\n";
        cases.push_back(
            {"a Retry-After maximum over a day", s, "wa_report_gateway_retry_after_max"});
    }
    for (const auto& c : cases) {
        ConfigCheck check = nginx_check_config(reminder_config(c.settings));
        EXPECT_FALSE(check.ok) << c.what << ": nginx -t accepted it\n" << check.output;
        EXPECT_NE(std::string::npos, check.output.find("[emerg]")) << c.what << "\n"
                                                                   << check.output;
        if (!c.also.empty()) {
            EXPECT_NE(std::string::npos, check.output.find(c.also)) << c.what << "\n"
                                                                    << check.output;
        }
        EXPECT_TRUE(NoSecrets(check.output, "nginx -t output for " + c.what));
    }
}

TEST(ReminderConfigTest, SchedulerWithoutJwtSecretFails) {
    ReminderSettings s;
    NginxConfig config = reminder_config(s);
    size_t at = config.server_extra.find("    wa_report_jwt_secret_file");
    ASSERT_NE(std::string::npos, at);
    config.server_extra.erase(at, config.server_extra.find('\n', at) - at + 1);
    ConfigCheck check = nginx_check_config(config);
    EXPECT_FALSE(check.ok) << "wa_report_scheduler without wa_report_jwt_secret_file\n"
                           << check.output;
}

}  // namespace
}  // namespace wa::itest
