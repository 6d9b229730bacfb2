// Hearing back, joined end to end: a Cloud API run's messages, then one
// signed webhook POST (as Meta signs it) carrying their statuses out of
// order, a 131050 failure and a customer's STOP, applied by the module's own
// webhook location; the delivery records, the statistics, the customers'
// suppression and the next run all agree.
#include <string>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kDay = "2026-11-24";
const std::string kAppSecret = "hearing-back-app-secret-5e2d";

std::string status_json(const std::string& id, const std::string& status, long long at,
                        const std::string& to, const std::string& error = "") {
    return "{\"id\":\"" + id + "\",\"status\":\"" + status + "\",\"timestamp\":\""
        + std::to_string(at) + "\",\"recipient_id\":\"" + to + "\""
        + (error.empty() ? "" : ",\"errors\":[{\"code\":" + error + ",\"title\":\"Spam\"}]") + "}";
}

class HearingBackTest : public ReminderTest<HearingBackTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "cloud_api";
        StackOptions o = reminder_stack(s);
        o.nginx.server_extra += "location = /webhook/cloud-api {\n"
                                "    wa_report_webhook cloud_api;\n"
                                "    wa_report_webhook_verify_token_file "
            + secret_file("hb-verify", "verify-hb\n")
            + ";\n"
              "    wa_report_webhook_secret_file "
            + secret_file("hb-app-secret", kAppSecret + "\n") + ";\n}\n";
        return o;
    }
};

TEST_F(HearingBackTest, StatusesAndAStopThroughTheWebhookReachEveryReader) {
    Seeded reads, blocked;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &reads));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &blocked));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data));
    std::string id1 = gateway().requests_to(reads.to).back().message_id;
    std::string id2 = gateway().requests_to(blocked.to).back().message_id;
    ASSERT_NE("", id1);
    ASSERT_NE("", id2);

    const long long t = 1764547200;
    std::string body =
        R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[)"
        R"({"field":"messages","value":{"messaging_product":"whatsapp",)"
        R"("metadata":{"display_phone_number":"15550783881","phone_number_id":"1"},"statuses":[)"
        + status_json(id1, "read", t + 20, reads.to) + "," + status_json(id1, "sent", t, reads.to)
        + "," + status_json(id1, "delivered", t + 10, reads.to) + ","
        + status_json(id1, "read", t + 20, reads.to) + ","
        + status_json(id2, "failed", t + 5, blocked.to, "131050") + R"(],"messages":[{"from":")"
        + reads.to
        + R"(","id":"wamid.IN1","timestamp":"1764547300","type":"text","text":{"body":" stop "}}]}}]}]})";
    HttpResponse hook = http().request("POST", "/webhook/cloud-api", body,
                                       {{"Content-Type", "application/json"},
                                        {"X-Hub-Signature-256", meta_signature(body, kAppSecret)}});
    ASSERT_EQ(200, hook.status) << hook.body;
    EXPECT_EQ("{\"status\":\"ok\"}", hook.body);

    // The statistics: two accepted, one delivered and read, one failed by 131050.
    HttpResponse stats = http().get("/whatsapp-report/statistics/delivery");
    EXPECT_EQ(
        "{\"accepted\":2,\"delivered\":1,\"read\":1,\"failed\":1,\"delivery_rate\":0.5,"
        "\"read_rate\":0.5,\"failure_rate\":0.5,\"failures_by_code\":{\"131050\":1},"
        "\"from\":null,\"to\":null}",
        stats.body);

    // The history: the read message is read whatever the order of arrival.
    JsonPtr history = parse_json(http()
                                     .get("/whatsapp-report/customer/" + reads.customer.id
                                          + "/vehicle/" + reads.vehicle.id + "/messages")
                                     .body);
    ASSERT_TRUE(json_is_array(history.get()));
    ASSERT_EQ(1u, json_array_size(history.get()));
    json_t* m = json_array_get(history.get(), 0);
    EXPECT_STREQ(id1.c_str(), json_string_value(json_object_get(m, "message_id")));
    EXPECT_STREQ("read", json_string_value(json_object_get(m, "status")));

    // Both numbers are suppressed, each with its reason.
    EXPECT_EQ("stop_word", hgetall(redis(), "{wa}:optout:" + reads.to)["reason"]);
    EXPECT_EQ("error_131050", hgetall(redis(), "{wa}:optout:" + blocked.to)["reason"]);
    JsonPtr c1 = parse_json(http().get(reads.customer.path()).body);
    EXPECT_TRUE(json_is_true(json_object_get(c1.get(), "opted_out")));
    EXPECT_STREQ("stop_word", json_string_value(json_object_get(c1.get(), "opted_out_reason")));

    // The explanation reads the same suppression (its decision for today is
    // visit_passed: the test's visit lies in the past, and that rule comes
    // first).
    JsonPtr why = parse_json(http()
                                 .get("/whatsapp-report/customer/" + reads.customer.id + "/vehicle/"
                                      + reads.vehicle.id + "/reminder")
                                 .body);
    EXPECT_TRUE(json_is_true(json_object_get(why.get(), "opted_out")));
    json_t* decision = json_object_get(why.get(), "next_run");
    if (!json_is_object(decision))
        decision = json_object_get(why.get(), "if_run_today");
    EXPECT_STREQ("visit_passed", json_string_value(json_object_get(decision, "reason")));
    // And the delivery records: what became of each last reminder.
    EXPECT_EQ("{\"status\":\"read\",\"at\":\"" + json_member(dump_json(m), "status_at")
                  + "\",\"error\":null}",
              json_member(json_member(dump_json(why.get()), "last_reminder"), "delivery"));
    JsonPtr why_blocked = parse_json(http()
                                         .get("/whatsapp-report/customer/" + blocked.customer.id
                                              + "/vehicle/" + blocked.vehicle.id + "/reminder")
                                         .body);
    json_t* failed =
        json_object_get(json_object_get(why_blocked.get(), "last_reminder"), "delivery");
    EXPECT_STREQ("failed", json_string_value(json_object_get(failed, "status")));
    EXPECT_STREQ("131050",
                 json_string_value(json_object_get(json_object_get(failed, "error"), "code")));

    // The next day's run lists both as opted out and sends nothing.
    size_t before = gateway().request_count();
    JsonPtr next;
    ASSERT_TRUE(RunNow(http(), "?date=" + add_days(kDay, -1), &next));
    EXPECT_EQ(before, gateway().request_count()) << gateway().dump();
    json_t* details = details_of(next.get());
    for (const Seeded* s : {&reads, &blocked}) {
        json_t* d = detail_for(details, s->vehicle.nopol);
        ASSERT_NE(nullptr, d);
        EXPECT_STREQ("skipped", json_string_value(json_object_get(d, "status")));
        EXPECT_STREQ("customer berhenti berlangganan (opt-out)",
                     json_string_value(json_object_get(d, "reason")));
    }
}

}  // namespace
}  // namespace wa::itest
