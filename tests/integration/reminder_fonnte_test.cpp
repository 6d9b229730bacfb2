// The reminder job against the test gateway speaking Fonnte's send API
// (https://docs.fonnte.com/api-send-message/): a form with target, message
// and countryCode, the raw device token, the message id from the answer's id
// array, and refusals that come as HTTP 200 with "status": false.
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kDay = "2026-11-24";

// The urlencoded form of a value, written here independently of the module.
std::string encoded(const std::string& text) {
    std::string out;
    char buf[4];
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_') {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            std::snprintf(buf, sizeof(buf), "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

class FonnteReminderTest : public ReminderTest<FonnteReminderTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "fonnte";
        s.retries = 2;
        return reminder_stack(s);
    }

protected:
    static JsonPtr run(const std::string& date = kDay) {
        JsonPtr data;
        EXPECT_TRUE(RunNow(http(), "?date=" + date, &data));
        return data;
    }
};

// The form's exact bytes: "&", "," and the new line of a name are encoded,
// so a customer's name cannot add a form field.
TEST_F(FonnteReminderTest, SendsAFormWithTheRawToken) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, add_days(kDay, 2), &s));
    JsonPtr data = run();
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol),
                         {&s, 2, "sent", "", "success! message in queue"}));
    auto log = gateway().requests();
    ASSERT_EQ(1u, log.size()) << gateway().dump();
    const GatewayRequest& r = log[0];
    EXPECT_EQ("POST", r.method);
    EXPECT_EQ("/send", r.target);
    EXPECT_EQ(kFonnteToken, r.header("Authorization"));
    EXPECT_EQ("application/x-www-form-urlencoded", r.header("Content-Type"));
    EXPECT_EQ(s.to, r.to);
    EXPECT_EQ("target=" + s.to + "&message=" + encoded(r.text) + "&countryCode=62", r.body);
    EXPECT_NE(std::string::npos, r.text.find(s.vehicle.nopol)) << r.text;
    EXPECT_EQ(1, report_frequency(http(), s));

    RedisReply stream = redis().command({"XRANGE", "{wa}:deliveries", "-", "+"});
    ASSERT_EQ(1u, stream.elements.size());
    std::vector<std::string> fields;
    for (const auto& e : stream.elements[0].elements[1].elements)
        fields.push_back(e.str);
    auto value = [&](const std::string& name) {
        for (size_t i = 0; i + 1 < fields.size(); i += 2)
            if (fields[i] == name)
                return fields[i + 1];
        return std::string("<none>");
    };
    EXPECT_EQ(r.message_id, value("message_id"));
    EXPECT_EQ("fonnte", value("provider"));
}

// Fonnte says no with HTTP 200: the send is failed, not counted, not retried.
TEST_F(FonnteReminderTest, StatusFalseIsAFailedSend) {
    Seeded refused, fine;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &refused));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &fine));
    gateway().script_recipient(refused.to, {"refuse target invalid"});
    JsonPtr data = run();
    json_t* details = details_of(data.get());
    EXPECT_TRUE(DetailIs(detail_for(details, refused.vehicle.nopol),
                         {&refused, 0, "failed", "", "target invalid"}));
    EXPECT_TRUE(DetailIs(detail_for(details, fine.vehicle.nopol), {&fine, 0, "sent"}));
    EXPECT_EQ(1, gateway().requests_for(refused.to)) << gateway().dump();
    EXPECT_EQ(0, report_frequency(http(), refused));
    EXPECT_EQ(1, report_frequency(http(), fine));
}

// A 5xx is retried; the second answer counts once.
TEST_F(FonnteReminderTest, ServerErrorIsRetried) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &s));
    gateway().script_recipient(s.to, {"status 502", "accept"});
    JsonPtr data = run();
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol), {&s, 0, "sent"}));
    EXPECT_EQ(2, gateway().requests_for(s.to)) << gateway().dump();
    EXPECT_EQ(1, gateway().accepted_for(s.to));
    EXPECT_EQ(1, report_frequency(http(), s));
}

// An answer repeating the token (refused, or accepted with the token as its
// id) leaves it nowhere: not in the run's answer (checked by RunNow), not in
// error.log (checked by the fixture), not in Redis.
TEST_F(FonnteReminderTest, TheTokenEchoedBackIsKeptOut) {
    Seeded refused, accepted;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &refused));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &accepted));
    gateway().script_recipient(refused.to, {"echo key"});
    gateway().script_recipient(accepted.to, {"echo key accepted"});
    JsonPtr data = run();
    json_t* details = details_of(data.get());
    EXPECT_TRUE(DetailIs(detail_for(details, refused.vehicle.nopol),
                         {&refused, 0, "failed", "", "token invalid: [redacted]"}));
    EXPECT_TRUE(DetailIs(detail_for(details, accepted.vehicle.nopol),
                         {&accepted, 0, "sent", "", "queued with [redacted]"}));
    RedisReply keys = redis().command({"KEYS", "*"});
    for (const auto& k : keys.elements) {
        EXPECT_EQ(std::string::npos, k.str.find(kFonnteToken)) << k.str;
        RedisReply dump = redis().command({"DUMP", k.str});
        EXPECT_EQ(std::string::npos, dump.str.find(kFonnteToken)) << k.str;
    }
}

}  // namespace
}  // namespace wa::itest
