// `nginx -t` tells the admin exactly what is wrong: a mistake in any of the
// module's directives is reported at that directive's own file and line,
// also when the directive sits in an included file, one message per
// directive.
#include <sys/stat.h>

#include <string>
#include <vector>

#include "harness.hpp"

namespace wa::itest {
namespace {

// http{} includes wa.conf and the report location includes loc.conf; the
// line under test is always line 3 of its file.
NginxConfig with_includes(const std::string& http_line, const std::string& loc_line) {
    NginxConfig config;
    config.wa_http = "include {prefix}/wa.conf;\n";
    config.report_directives = "include {prefix}/loc.conf;\n";
    config.files["wa.conf"] =
        "# the module's http-level directives\n"
        "# (line 3 is the one under test)\n"
        + http_line + "\n";
    config.files["loc.conf"] =
        "wa_report;\n"
        "wa_report_max_body_size 4k;\n"
        + loc_line + "\n";
    return config;
}

struct Case {
    std::string http_line;  // line 3 of wa.conf
    std::string loc_line;   // line 3 of loc.conf
    std::string where;      // "wa.conf:3" or "loc.conf:3"
    std::string says;       // a part of the message
};

std::string emerg_line(const std::string& output) {
    size_t at = output.find("[emerg]");
    if (at == std::string::npos)
        return "";
    return output.substr(at, output.find('\n', at) - at);
}

TEST(ConfigCheckTest, EveryMistakeIsReportedAtItsOwnLine) {
    const std::vector<Case> cases = {
        {"wa_report_redis 127.0.0.1:99999;", "", "wa.conf:3", "invalid redis address"},
        {"wa_report_redis_db 16;", "", "wa.conf:3", "between 0 and 15"},
        {"wa_report_redis_password_file /nonexistent/redis.pass;", "", "wa.conf:3",
         "cannot read redis password file"},
        {"wa_report_redis_connect_timeout 0;", "", "wa.conf:3",
         "\"wa_report_redis_connect_timeout\" must be at least 1ms"},
        {"wa_report_redis_timeout 0;", "", "wa.conf:3",
         "\"wa_report_redis_timeout\" must be at least 1ms"},
        {"wa_report_key_prefix \"wa{x}\";", "", "wa.conf:3", "invalid key prefix"},
        {"wa_report_timezone Mars/Olympus_Mons;", "", "wa.conf:3", "unknown time zone"},
        {"wa_report_visit_interval 121;", "", "wa.conf:3", "between 1 and 120"},
        {"wa_report_message_id_ttl 0;", "", "wa.conf:3",
         "\"wa_report_message_id_ttl\" must be at least 1s"},
        {"wa_report_tick 5ms;", "", "wa.conf:3", "\"wa_report_tick\" must be at least 10ms"},
        {"wa_report_run_lease 500ms;", "", "wa.conf:3",
         "\"wa_report_run_lease\" must be at least 1s"},
        {"wa_report_lead_days 0;", "", "wa.conf:3", "between 1 and 60"},
        {"wa_report_catch_up 32;", "", "wa.conf:3", "between 0 and 31"},
        {"wa_report_remind weekly;", "", "wa.conf:3", "invalid value \"weekly\""},
        {"wa_report_schedule 7:00;", "", "wa.conf:3", "invalid schedule time"},
        {"wa_report_template \"Bapak {nama}\";", "", "wa.conf:3", "nama"},
        {"wa_report_service_phone 12ab;", "", "wa.conf:3", "invalid service phone"},
        {"wa_report_gateway carrier_pigeon;", "", "wa.conf:3", "invalid value"},
        {"wa_report_gateway_url ftp://gateway.example/send;", "", "wa.conf:3",
         "the scheme must be http or https"},
        {"wa_report_gateway_url \"http://\";", "", "wa.conf:3", "invalid gateway url"},
        {"wa_report_gateway_key_file /nonexistent/gateway.key;", "", "wa.conf:3",
         "cannot read gateway key file"},
        {"wa_report_gateway starsender;", "", "wa.conf:3",
         "\"wa_report_gateway starsender\" needs \"wa_report_gateway_key_file\""},
        {"wa_report_gateway cloud_api;", "", "wa.conf:3",
         "\"wa_report_gateway cloud_api\" needs \"wa_report_gateway_url\""},
        {"wa_report_gateway_timeout 0;", "", "wa.conf:3",
         "\"wa_report_gateway_timeout\" must be at least 1ms"},
        {"wa_report_gateway_concurrency 0;", "", "wa.conf:3", "between 1 and 1024"},
        {"wa_report_gateway_rate -1;", "", "wa.conf:3", "invalid number"},
        {"wa_report_gateway_retries 21;", "", "wa.conf:3", "between 0 and 20"},
        {"wa_report_gateway_retry_after_max 2d;", "", "wa.conf:3",
         "\"wa_report_gateway_retry_after_max\" must be at most 1d"},
        {"wa_report_run_lease 400d;", "", "wa.conf:3",
         "\"wa_report_run_lease\" must be at most 365d"},
        {"wa_report_run_now_timeout 500ms;", "", "wa.conf:3",
         "\"wa_report_run_now_timeout\" must be at least 1s"},
        {"wa_report_run_now_timeout 2d;", "", "wa.conf:3",
         "\"wa_report_run_now_timeout\" must be at most 1d"},
        {"wa_report_message_id_ttl 101y;", "", "wa.conf:3",
         "\"wa_report_message_id_ttl\" must be at most 100y"},
        {"", "wa_report_page_size 0;", "loc.conf:3", "between 1 and 10000"},
        {"", "wa_report_page_size 10001;", "loc.conf:3", "between 1 and 10000"},
        {"", "wa_report_jwt_secret_file /nonexistent/jwt.secret;", "loc.conf:3",
         "cannot read JWT secret file"},
        {"", "wa_report_import_max_body_size 1x;", "loc.conf:3", "invalid value"},
        {"", "wa_report_jwt_max_lifetime 0;", "loc.conf:3",
         "\"wa_report_jwt_max_lifetime\" must be at least 1s"},
    };
    for (const Case& c : cases) {
        ConfigCheck check = nginx_check_config(with_includes(c.http_line, c.loc_line));
        std::string what = c.http_line + c.loc_line;
        EXPECT_FALSE(check.ok) << what << ": nginx -t accepted it\n" << check.output;
        std::string line = emerg_line(check.output);
        EXPECT_NE(std::string::npos, line.find(c.says)) << what << "\n" << check.output;
        EXPECT_NE(std::string::npos, line.find("/" + c.where)) << what << "\n" << check.output;
    }
}

TEST(ConfigCheckTest, SchedulerWithoutSecretIsReportedAtItsLine) {
    NginxConfig config = with_includes("", "");
    config.server_extra = "include {prefix}/scheduler.conf;\n";
    config.files["scheduler.conf"] =
        "location /scheduler/maintenance-reminder/ {\n"
        "    wa_report_scheduler;\n"
        "}\n";
    ConfigCheck check = nginx_check_config(config);
    EXPECT_FALSE(check.ok) << check.output;
    std::string line = emerg_line(check.output);
    EXPECT_NE(std::string::npos,
              line.find("\"wa_report_scheduler\" needs \"wa_report_jwt_secret_file\""))
        << check.output;
    EXPECT_NE(std::string::npos, line.find("/scheduler.conf:2")) << check.output;
}

TEST(ConfigCheckTest, SecretFilesOthersCanReadAreWarnedAbout) {
    TempDir dir("secrets");
    std::string open_secret = dir.file("jwt-open.secret");
    std::string closed_secret = dir.file("jwt-closed.secret");
    ASSERT_TRUE(write_file(open_secret, "s3cret-for-the-scheduler\n"));
    ASSERT_TRUE(write_file(closed_secret, "s3cret-for-the-scheduler\n"));
    ASSERT_EQ(0, ::chmod(open_secret.c_str(), 0644));
    ASSERT_EQ(0, ::chmod(closed_secret.c_str(), 0600));

    ConfigCheck open =
        nginx_check_config(with_includes("", "wa_report_jwt_secret_file " + open_secret + ";"));
    EXPECT_TRUE(open.ok) << open.output;
    EXPECT_NE(std::string::npos, open.output.find("[warn]")) << open.output;
    EXPECT_NE(std::string::npos,
              open.output.find("JWT secret file \"" + open_secret
                               + "\" is accessible by group or others (mode 644)"))
        << open.output;
    EXPECT_EQ(std::string::npos, open.output.find("s3cret")) << open.output;

    ConfigCheck closed =
        nginx_check_config(with_includes("", "wa_report_jwt_secret_file " + closed_secret + ";"));
    EXPECT_TRUE(closed.ok) << closed.output;
    EXPECT_EQ(std::string::npos, closed.output.find("[warn]")) << closed.output;
}

// The gateway key is sent in a header line as it is: a line break inside it
// would end the Authorization header and add one of the key file's choosing
// to every request to the provider. The value never appears in the output.
TEST(ConfigCheckTest, GatewayKeyWithALineBreakIsRefusedAtItsLine) {
    TempDir dir("gateway-key");
    const std::vector<std::string> keys = {"sk-live-123\r\nX-Injected: 1\n", "sk-live-123\nX: 1",
                                           std::string("sk-live\0-123\n", 13), "sk-live\x1b-123"};
    for (const std::string& key : keys) {
        std::string file = dir.file("gateway.key");
        ASSERT_TRUE(write_file(file, key));
        ASSERT_EQ(0, ::chmod(file.c_str(), 0600));
        ConfigCheck check =
            nginx_check_config(with_includes("wa_report_gateway_key_file " + file + ";", ""));
        EXPECT_FALSE(check.ok) << check.output;
        std::string line = emerg_line(check.output);
        EXPECT_NE(std::string::npos,
                  line.find("gateway key file \"" + file
                            + "\" holds a line break or another "
                              "control character"))
            << check.output;
        EXPECT_NE(std::string::npos, line.find("/wa.conf:3")) << check.output;
        EXPECT_EQ(std::string::npos, check.output.find("sk-live")) << check.output;
    }
    // Surrounding whitespace and a final line end are not part of what is sent.
    std::string file = dir.file("gateway.key");
    ASSERT_TRUE(write_file(file, " sk-live-123\t\r\n"));
    ASSERT_EQ(0, ::chmod(file.c_str(), 0600));
    ConfigCheck ok =
        nginx_check_config(with_includes("wa_report_gateway_key_file " + file + ";", ""));
    EXPECT_TRUE(ok.ok) << ok.output;
}

TEST(ConfigCheckTest, ValidValuesPass) {
    ConfigCheck check = nginx_check_config(with_includes(
        "wa_report_service_phone \"+62 812-3456-7890\";\n"
        "wa_report_gateway_url https://gateway.example:8443/api/send?x=1;\n"
        "wa_report_tick 10ms;\nwa_report_run_lease 1s;\nwa_report_schedule 07:05 on;\n"
        "wa_report_run_now_timeout 1d;",
        "wa_report_page_size 10000;"));
    EXPECT_TRUE(check.ok) << check.output;
}

}  // namespace
}  // namespace wa::itest
