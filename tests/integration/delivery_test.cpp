// Delivery records: a reminder sent through the test gateway (Cloud API,
// which gives message ids), statuses applied with the module's own
// status_apply.lua (EVALSHA of the script the module loaded: the webhook
// door that calls it is another room), then the history and the delivery
// statistics answered byte for byte; the old answers carry nothing new.
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kDay = "2026-11-24";
// 2025-12-01T02:03:10Z: 09:03:10 in Asia/Jakarta, the stack's zone.
constexpr long long kRead = 1764554590;

class DeliveryTest : public ReminderTest<DeliveryTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "cloud_api";
        return reminder_stack(s);
    }

protected:
    static std::string message_id_for(const Seeded& s) {
        auto sent = gateway().requests_to(s.to);
        return sent.empty() ? std::string() : sent.back().message_id;
    }

    // status_apply.lua as the Store sends it: EVALSHA of the loaded script.
    static std::string apply(const std::string& id, const std::string& state, long long at,
                             const std::string& code = "", const std::string& title = "",
                             const std::string& pricing = "") {
        std::string sha =
            redis().command({"SCRIPT", "LOAD", read_file("lua-compat/status_apply.lua")}).str;
        RedisReply r = redis().command(
            {"EVALSHA", sha, "4", "{wa}:message:" + id, "{wa}:message:" + id + ":reports",
             "{wa}:message:" + id + ":pending", "{wa}:stats:delivery", "{wa}", "status", state,
             std::to_string(at), code, title, pricing, "604800", "2026-11-24T10:00:00"});
        return r.str;
    }

    static std::string messages_path(const Seeded& s) {
        return "/whatsapp-report/customer/" + s.customer.id + "/vehicle/" + s.vehicle.id
            + "/messages";
    }

    static std::string report_path(const Seeded& s) {
        return "/whatsapp-report/customer/" + s.customer.id + "/vehicle/" + s.vehicle.id;
    }

    static std::string message_json(const std::string& id, const std::string& sent_at,
                                    const std::string& status, const std::string& status_at,
                                    const std::string& error, const std::string& pricing) {
        return "{\"message_id\":\"" + id + "\",\"provider\":\"cloud_api\",\"sent_at\":\"" + sent_at
            + "\",\"status\":\"" + status + "\",\"status_at\":" + status_at + ",\"error\":" + error
            + ",\"pricing_category\":" + pricing + "}";
    }
};

TEST_F(DeliveryTest, HistoryAndStatisticsFollowTheStatuses) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, add_days(kDay, 2), &s));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data));
    std::string id = message_id_for(s);
    ASSERT_NE("", id) << gateway().dump();
    HttpResponse report = http().get(report_path(s));
    ASSERT_EQ(200, report.status) << describe(report);
    std::string sent_at = json_member(report.body, "last_message_date");

    HttpResponse r = http().get(messages_path(s));
    EXPECT_EQ(200, r.status);
    EXPECT_EQ("[" + message_json(id, sent_at, "accepted", "null", "null", "null") + "]", r.body);
    EXPECT_EQ(
        "{\"accepted\":1,\"delivered\":0,\"read\":0,\"failed\":0,\"delivery_rate\":0.0,"
        "\"read_rate\":0.0,\"failure_rate\":0.0,\"failures_by_code\":{},\"from\":null,"
        "\"to\":null}",
        http().get("/whatsapp-report/statistics/delivery").body);

    EXPECT_EQ("applied", apply(id, "sent", kRead - 90));
    EXPECT_EQ("applied", apply(id, "delivered", kRead - 40, "", "", "utility"));
    EXPECT_EQ("applied", apply(id, "read", kRead));
    EXPECT_EQ("duplicate", apply(id, "delivered", kRead - 40));
    EXPECT_EQ("duplicate", apply(id, "sent", kRead - 90));

    r = http().get(messages_path(s));
    EXPECT_EQ(200, r.status);
    EXPECT_EQ(
        "[" + message_json(id, sent_at, "read", "\"2025-12-01T09:03:10\"", "null", "\"utility\"")
            + "]",
        r.body);
    const std::string all =
        "{\"accepted\":1,\"delivered\":1,\"read\":1,\"failed\":0,\"delivery_rate\":1.0,"
        "\"read_rate\":1.0,\"failure_rate\":0.0,\"failures_by_code\":{},";
    EXPECT_EQ(all + "\"from\":null,\"to\":null}",
              http().get("/whatsapp-report/statistics/delivery").body);
    EXPECT_EQ(
        all + "\"from\":\"" + kDay + "\",\"to\":\"" + add_days(kDay, 6) + "\"}",
        http()
            .get("/whatsapp-report/statistics/delivery?from=" + kDay + "&to=" + add_days(kDay, 6))
            .body);
    EXPECT_EQ(
        "{\"accepted\":0,\"delivered\":0,\"read\":0,\"failed\":0,\"delivery_rate\":0.0,"
        "\"read_rate\":0.0,\"failure_rate\":0.0,\"failures_by_code\":{},\"from\":\""
            + add_days(kDay, 1) + "\",\"to\":\"" + add_days(kDay, 1) + "\"}",
        http()
            .get("/whatsapp-report/statistics/delivery?from=" + add_days(kDay, 1)
                 + "&to=" + add_days(kDay, 1))
            .body);

    // The old answer is the same as before any status: no new field.
    HttpResponse after = http().get(report_path(s));
    EXPECT_EQ(report.body, after.body);
    EXPECT_EQ(std::string::npos, after.body.find("status")) << after.body;
    EXPECT_EQ("1", hgetall(redis(), "{wa}:stats")["messages"]);
}

TEST_F(DeliveryTest, AFailureIsStickyAndCountedByCode) {
    Seeded ok, failing;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &ok));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &failing));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data));
    std::string ok_id = message_id_for(ok), failing_id = message_id_for(failing);
    ASSERT_NE("", ok_id);
    ASSERT_NE("", failing_id);
    EXPECT_EQ("applied", apply(ok_id, "delivered", kRead));
    EXPECT_EQ("applied", apply(failing_id, "delivered", kRead - 100));
    EXPECT_EQ("applied", apply(failing_id, "failed", kRead, "131026", "Message undeliverable"));
    EXPECT_EQ("stale", apply(failing_id, "read", kRead + 5));
    EXPECT_EQ("pending", apply("wamid.unknown", "read", kRead));

    std::string sent_at = json_member(http().get(report_path(failing)).body, "last_message_date");
    EXPECT_EQ(
        "["
            + message_json(failing_id, sent_at, "failed", "\"2025-12-01T09:03:10\"",
                           "{\"code\":\"131026\",\"title\":\"Message undeliverable\"}", "null")
            + "]",
        http().get(messages_path(failing)).body);
    EXPECT_EQ(
        "{\"accepted\":2,\"delivered\":1,\"read\":0,\"failed\":1,\"delivery_rate\":0.5,"
        "\"read_rate\":0.0,\"failure_rate\":0.5,\"failures_by_code\":{\"131026\":1},"
        "\"from\":\""
            + kDay + "\",\"to\":\"" + kDay + "\"}",
        http().get("/whatsapp-report/statistics/delivery?from=" + kDay + "&to=" + kDay).body);
    HttpResponse head = http().head(messages_path(failing));
    EXPECT_EQ(200, head.status);
    EXPECT_EQ("", head.body);
}

TEST_F(DeliveryTest, RefusesWhatItCannotAnswer) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, add_days(kDay, 30), &s));
    // A vehicle without a report: the detail endpoint's 404.
    HttpResponse r = http().get(messages_path(s));
    EXPECT_EQ(404, r.status);
    EXPECT_EQ("{\"detail\":\"Report tidak ditemukan\"}", r.body);
    r = http().get("/whatsapp-report/customer/x/vehicle/" + s.vehicle.id + "/messages");
    EXPECT_EQ(422, r.status);
    EXPECT_EQ(
        "{\"detail\":[{\"loc\":[\"path\",\"id_customer\"],\"msg\":\"value is not a valid "
        "uuid\",\"type\":\"type_error.uuid\"}]}",
        r.body);
    r = http().get("/whatsapp-report/statistics/delivery?from=2026-12-02&to=2026-12-01");
    EXPECT_EQ(422, r.status);
    EXPECT_EQ(
        "{\"detail\":[{\"loc\":[\"query\",\"to\"],\"msg\":\"ensure this value is greater "
        "than or equal to 2026-12-02\",\"type\":\"value_error.date.not_ge\"}]}",
        r.body);
    r = http().get("/whatsapp-report/statistics/delivery?days=7");
    EXPECT_EQ(422, r.status);
    EXPECT_EQ(
        "{\"detail\":[{\"loc\":[\"query\",\"days\"],\"msg\":\"extra fields not "
        "permitted\",\"type\":\"value_error.extra\"}]}",
        r.body);
    r = http().get("/whatsapp-report/statistics/delivery?from=2026-01-01&to=2027-01-02");
    EXPECT_EQ(422, r.status);
    EXPECT_EQ(
        "{\"detail\":[{\"loc\":[\"query\",\"to\"],\"msg\":\"ensure the range is at most "
        "366 days\",\"type\":\"value_error.date.range\"}]}",
        r.body);
}

}  // namespace
}  // namespace wa::itest
