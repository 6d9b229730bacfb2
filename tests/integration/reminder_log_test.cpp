// The `log` provider (what `make run` uses): every message is a dry run,
// written to error.log and to the details, nothing leaves the machine and
// nothing is counted. Also a custom template, and a JWT secret file that ends
// with a newline (as editors write it; tools/jwt.sh trims it).
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kDay = "2026-11-24";
const std::string kTemplate =
    "Halo {customer_name}, {vehicle_model} {vehicle_nopol} jadwal servis {next_visit_date}. "
    "Info: {service_phone} {{promo}}";

std::string custom_message(const Seeded& s) {
    return "Halo " + s.customer.name + ", " + s.vehicle.model + " " + s.vehicle.nopol
        + " jadwal servis " + dmy(s.vehicle.next_visit_date) + ". Info: " + kServicePhone
        + " {promo}";
}

class LogGatewayTest : public ReminderTest<LogGatewayTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "log";
        s.template_text = kTemplate;
        s.extra_http = "wa_report_log_messages on;\n";
        return reminder_stack(s);
    }
};

TEST_F(LogGatewayTest, RunIsADryRunInTheErrorLog) {
    std::vector<Seeded> seeded(3);
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(SeedVehicle(http(), i + 1, add_days(kDay, i), &seeded[i]));
    std::string stats_before = http().get(kBase + "/statistics").body;
    JsonPtr data;
    HttpResponse response;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data, &response));
    EXPECT_EQ("3", json_member(dump_json(data.get()), "total_customers"));
    EXPECT_EQ("0", json_member(dump_json(data.get()), "reminder_sent"));
    json_t* details = details_of(data.get());
    ASSERT_EQ(3u, json_array_size(details)) << response.body;
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(DetailIs(detail_for(details, seeded[i].vehicle.nopol),
                             {&seeded[i], i, "dry_run", custom_message(seeded[i])}));
        EXPECT_EQ(0, report_frequency(http(), seeded[i]));
    }
    EXPECT_EQ(0u, gateway().request_count());
    EXPECT_EQ(stats_before, http().get(kBase + "/statistics").body);
    std::string log = stack().nginx().error_log();
    for (const Seeded& s : seeded) {
        EXPECT_NE(std::string::npos, log.find(custom_message(s)))
            << "the message is written to error.log";
        EXPECT_NE(std::string::npos,
                  log.find("wa_report: dry run: message to \"" + s.to + "\" for \""
                           + s.vehicle.nopol + "\": \"" + custom_message(s) + "\""))
            << "wa_report_log_messages on: the whole number and text\n"
            << log;
    }
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(5000), &last_run));
    EXPECT_EQ("true", json_member(last_run, "dry_run")) << last_run;
    EXPECT_EQ("0", json_member(last_run, "reminder_sent")) << last_run;

    // Dry runs use nothing up: the same day again lists them again.
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay + "&dry_run=true", &data));
    EXPECT_EQ(3, count_status(details_of(data.get()), "dry_run")) << dump_json(data.get());
}

TEST_F(LogGatewayTest, ScheduledRunAlsoOnlyLogs) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, jakarta_today(1), &s));
    ASSERT_TRUE(MakeScheduleDue(http(), redis()));
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(15000), &last_run));
    EXPECT_EQ("true", json_member(last_run, "dry_run")) << last_run;
    EXPECT_EQ("0", json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ(0u, gateway().request_count());
    EXPECT_EQ(0, report_frequency(http(), s));
    EXPECT_NE(std::string::npos, stack().nginx().error_log().find(custom_message(s)));
    // The next run is tomorrow at the schedule's time.
    long long next_run =
        std::atoll(redis().command({"HGET", "{wa}:schedule", "next_run"}).str.c_str());
    EXPECT_GT(next_run, static_cast<long long>(std::time(nullptr)) + 3600);
}

// ---------------------------------------------------------------- JWT secret with newline

class JwtSecretNewlineTest : public ReminderTest<JwtSecretNewlineTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "log";
        s.jwt_file = secret_file("jwt-newline.secret", kJwtSecret + "\n");
        return reminder_stack(s);
    }
};

TEST_F(JwtSecretNewlineTest, TrailingNewlineIsNotPartOfTheSecret) {
    HttpResponse r = sched(http(), "GET", "/status", make_token(3600, kJwtSecret));
    EXPECT_EQ(200, r.status) << "a token made by tools/jwt.sh from this file\n" << describe(r);
}

// ---------------------------------------------------------------- tools/jwt.sh

// Any bytes but trailing line ends are the secret, NUL and inner newline
// included; tools/jwt.sh must sign with exactly the bytes the module uses.
const std::string kOddSecret = std::string("odd\0secret\nwith bytes\x01\xff", 24);

std::string odd_secret_file() {
    static const std::string path = secret_file("jwt-odd.secret", kOddSecret + "\r\n");
    return path;
}

class JwtToolTest : public ReminderTest<JwtToolTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "log";
        s.jwt_file = odd_secret_file();
        return reminder_stack(s);
    }
};

std::string command_output(const std::string& command) {
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    if (p == nullptr)
        return out;
    char buf[512];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0)
        out.append(buf, n);
    ::pclose(p);
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

TEST_F(JwtToolTest, SignsWithTheBytesTheModuleReads) {
    ASSERT_EQ(24u, kOddSecret.size());
    std::string token = command_output("tools/jwt.sh " + odd_secret_file() + " operator");
    ASSERT_FALSE(token.empty());
    EXPECT_EQ(make_token(3600, kOddSecret).substr(0, 36), token.substr(0, 36));
    HttpResponse r = sched(http(), "GET", "/status", token);
    EXPECT_EQ(200, r.status) << token << "\n" << describe(r);
    // A token signed without the NUL's tail (what a shell variable would hold)
    // is refused: the secret really is all 24 bytes.
    r = sched(http(), "GET", "/status", make_token(3600, "odd"));
    EXPECT_EQ(401, r.status) << describe(r);
}

}  // namespace
}  // namespace wa::itest
