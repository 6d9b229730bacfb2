// wa_report_group_by customer: one message per customer listing every
// vehicle of theirs due in the run's window; each vehicle's report counted
// once for it, each vehicle's detail its own; a webhook status of the
// message reaches every vehicle; nginx -t refuses templates that do not fit
// the grouping.
#include <algorithm>
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kDay = "2026-11-24";
const std::string kAppSecret = "group-by-app-secret-7c3a";

// A second vehicle of s's customer, due on next_visit.
::testing::AssertionResult SeedSecond(HttpClient& http, const Seeded& s, int n,
                                      const std::string& next_visit, Seeded* out) {
    Seeded second = s;
    second.vehicle = make_vehicle(s.customer.id, n);
    second.vehicle.last_visit_date = "2026-01-15";
    second.vehicle.next_visit_date = next_visit;
    *out = second;
    return PutVehicle(http, second.vehicle);
}

// The default line of a vehicle ("- B 1234 AB (Honda Vario): 24-11-2026").
std::string line(const Seeded& s) {
    return "- " + s.vehicle.nopol + " (" + s.vehicle.model + "): " + dmy(s.vehicle.next_visit_date);
}

// The default grouped text.
std::string grouped(const Seeded& s, const std::vector<std::string>& lines) {
    std::string list;
    for (const std::string& l : lines) {
        list += (list.empty() ? "" : "\n") + l;
    }
    return "Bapak " + s.customer.name
        + ", kendaraan berikut sebentar lagi tiba saat pemeliharaan rutin:\n" + list
        + "\nDaftarkan segera melalui nomor pelayanan kami " + kServicePhone;
}

std::string str_member(json_t* o, const char* key) {
    const char* v = json_string_value(json_object_get(o, key));
    return v == nullptr ? "<missing>" : v;
}

ReminderSettings grouped_settings(const std::string& provider) {
    ReminderSettings s;
    s.provider = provider;
    s.extra_http = "wa_report_group_by customer;\n";
    return s;
}

class GroupByTest : public ReminderTest<GroupByTest> {
public:
    static StackOptions stack_options() { return reminder_stack(grouped_settings("starsender")); }
};

TEST_F(GroupByTest, OneMessagePerCustomerListsEveryVehicleDueInTheWindow) {
    Seeded a1, a2, b;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &a1));
    ASSERT_TRUE(SeedSecond(http(), a1, 101, add_days(kDay, 2), &a2));
    ASSERT_TRUE(SeedVehicle(http(), 2, add_days(kDay, 1), &b));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data));

    // One message to each number: a's lists both vehicles.
    std::vector<GatewayRequest> to_a = gateway().requests_to(a1.to);
    ASSERT_EQ(1u, to_a.size()) << gateway().dump();
    EXPECT_EQ(grouped(a1, {line(a1), line(a2)}), to_a[0].text);
    std::vector<GatewayRequest> to_b = gateway().requests_to(b.to);
    ASSERT_EQ(1u, to_b.size()) << gateway().dump();
    EXPECT_EQ(grouped(b, {line(b)}), to_b[0].text);
    EXPECT_EQ(2u, gateway().request_count());

    // Each vehicle's report counted once.
    EXPECT_EQ(1, report_frequency(http(), a1));
    EXPECT_EQ(1, report_frequency(http(), a2));
    EXPECT_EQ(1, report_frequency(http(), b));
    EXPECT_EQ(3, total_messages_sent(http()));

    // The details: each vehicle sent, by the same message.
    json_t* details = details_of(data.get());
    ASSERT_TRUE(json_is_array(details));
    EXPECT_EQ(3u, json_array_size(details));
    EXPECT_EQ(3, count_status(details, "sent"));
    EXPECT_TRUE(DetailIs(detail_for(details, a1.vehicle.nopol),
                         {&a1, 0, "sent", grouped(a1, {line(a1), line(a2)})}));
    EXPECT_TRUE(DetailIs(detail_for(details, a2.vehicle.nopol),
                         {&a2, 2, "sent", grouped(a1, {line(a1), line(a2)})}));
    EXPECT_EQ(str_member(detail_for(details, a1.vehicle.nopol), "api_response"),
              str_member(detail_for(details, a2.vehicle.nopol), "api_response"));

    // One message record for both vehicles, in each vehicle's history.
    const std::string id = to_a[0].message_id;
    auto reports = hgetall(redis(), "{wa}:message:" + id + ":reports");
    EXPECT_EQ(2u, reports.size());
    EXPECT_EQ("accepted", reports[a1.customer.id + ":" + a1.vehicle.id]);
    EXPECT_EQ("accepted", reports[a2.customer.id + ":" + a2.vehicle.id]);
    for (const Seeded* s : {&a1, &a2}) {
        JsonPtr history = parse_json(http()
                                         .get("/whatsapp-report/customer/" + s->customer.id
                                              + "/vehicle/" + s->vehicle.id + "/messages")
                                         .body);
        ASSERT_EQ(1u, json_array_size(history.get())) << s->vehicle.nopol;
        EXPECT_EQ(id, str_member(json_array_get(history.get(), 0), "message_id"));
    }

    // A second run sends nothing more: every vehicle is reminded.
    JsonPtr again;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &again));
    EXPECT_EQ(2u, gateway().request_count()) << gateway().dump();
    EXPECT_EQ(3, count_status(details_of(again.get()), "skipped"));
    EXPECT_EQ(1, report_frequency(http(), a2));
}

TEST_F(GroupByTest, OnlyTheVehiclesThatWillSendAreListed) {
    Seeded a1, a2, c1, c2;
    ASSERT_TRUE(SeedVehicle(http(), 3, kDay, &a1));
    ASSERT_TRUE(SeedSecond(http(), a1, 103, add_days(kDay, 1), &a2));
    ASSERT_TRUE(SeedVehicle(http(), 4, kDay, &c1));
    ASSERT_TRUE(SeedSecond(http(), c1, 104, kDay, &c2));
    // a1 was reminded for this visit already; c's number is suppressed.
    redis().command({"HSET", "{wa}:vehicle:" + a1.vehicle.id, "reminded_for", kDay});
    redis().command({"HSET", "{wa}:optout:" + c1.to, "reason", "data_api", "opted_out_at",
                     "2026-11-20T10:00:00"});
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data));

    std::vector<GatewayRequest> to_a = gateway().requests_to(a1.to);
    ASSERT_EQ(1u, to_a.size()) << gateway().dump();
    EXPECT_EQ(grouped(a1, {line(a2)}), to_a[0].text);
    EXPECT_EQ(0, gateway().requests_for(c1.to));
    EXPECT_EQ(1u, gateway().request_count());

    json_t* details = details_of(data.get());
    EXPECT_EQ(4u, json_array_size(details));
    EXPECT_TRUE(
        DetailIs(detail_for(details, a2.vehicle.nopol), {&a2, 1, "sent", grouped(a1, {line(a2)})}));
    json_t* reminded = detail_for(details, a1.vehicle.nopol);
    EXPECT_EQ("skipped", str_member(reminded, "status"));
    EXPECT_EQ("sudah diingatkan untuk kunjungan " + kDay, str_member(reminded, "reason"));
    for (const Seeded* s : {&c1, &c2}) {
        json_t* d = detail_for(details, s->vehicle.nopol);
        EXPECT_EQ("skipped", str_member(d, "status")) << s->vehicle.nopol;
        EXPECT_EQ("customer berhenti berlangganan (opt-out)", str_member(d, "reason"));
    }
    EXPECT_EQ(0, report_frequency(http(), a1));
    EXPECT_EQ(1, report_frequency(http(), a2));
    EXPECT_EQ(0, report_frequency(http(), c1));
}

// The run reads 50 due vehicles a batch: a customer's vehicle due two days
// later, many batches on, joins the message of their first.
TEST_F(GroupByTest, AVehicleInALaterBatchJoinsTheCustomersMessage) {
    Seeded a1, a2;
    ASSERT_TRUE(SeedVehicle(http(), 6, kDay, &a1));
    std::vector<Seeded> others;
    ASSERT_TRUE(SeedVehicles(http(), 200, 60, add_days(kDay, 1), &others));
    ASSERT_TRUE(SeedSecond(http(), a1, 106, add_days(kDay, 2), &a2));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data));

    std::vector<GatewayRequest> to_a = gateway().requests_to(a1.to);
    ASSERT_EQ(1u, to_a.size()) << gateway().dump();
    EXPECT_EQ(grouped(a1, {line(a1), line(a2)}), to_a[0].text);
    EXPECT_EQ(61u, gateway().request_count());
    EXPECT_EQ(62, count_status(details_of(data.get()), "sent"));
    EXPECT_EQ(62u, json_array_size(details_of(data.get())));
    EXPECT_EQ(1, report_frequency(http(), a2));
}

// The Cloud API: the list is one body parameter ("; "-joined: Meta refuses
// a new-line in a parameter), and a status of the message reaches both
// vehicles' reports.
class GroupByCloudTest : public ReminderTest<GroupByCloudTest> {
public:
    static StackOptions stack_options() {
        StackOptions o = reminder_stack(grouped_settings("cloud_api"));
        o.nginx.server_extra += "location = /webhook/cloud-api {\n"
                                "    wa_report_webhook cloud_api;\n"
                                "    wa_report_webhook_verify_token_file "
            + secret_file("gb-verify", "verify-gb\n")
            + ";\n"
              "    wa_report_webhook_secret_file "
            + secret_file("gb-app-secret", kAppSecret + "\n") + ";\n}\n";
        return o;
    }
};

TEST_F(GroupByCloudTest, TheListIsOneParameterAndAStatusReachesEveryVehicle) {
    Seeded a1, a2;
    ASSERT_TRUE(SeedVehicle(http(), 5, kDay, &a1));
    ASSERT_TRUE(SeedSecond(http(), a1, 105, add_days(kDay, 1), &a2));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data));
    std::vector<GatewayRequest> to_a = gateway().requests_to(a1.to);
    ASSERT_EQ(1u, to_a.size()) << gateway().dump();
    EXPECT_EQ(
        (std::vector<std::string>{a1.customer.name, line(a1) + "; " + line(a2), kServicePhone}),
        to_a[0].parameters);
    const std::string id = to_a[0].message_id;
    ASSERT_NE("", id);

    std::string body =
        R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[)"
        R"({"field":"messages","value":{"messaging_product":"whatsapp",)"
        R"("metadata":{"display_phone_number":"15550783881","phone_number_id":"1"},"statuses":[)"
        R"({"id":")"
        + id + R"(","status":"delivered","timestamp":"1764547210","recipient_id":")" + a1.to
        + R"("}]}}]}]})";
    HttpResponse hook = http().request("POST", "/webhook/cloud-api", body,
                                       {{"Content-Type", "application/json"},
                                        {"X-Hub-Signature-256", meta_signature(body, kAppSecret)}});
    ASSERT_EQ(200, hook.status) << hook.body;

    for (const Seeded* s : {&a1, &a2}) {
        std::string path =
            "/whatsapp-report/customer/" + s->customer.id + "/vehicle/" + s->vehicle.id;
        JsonPtr history = parse_json(http().get(path + "/messages").body);
        ASSERT_EQ(1u, json_array_size(history.get())) << s->vehicle.nopol;
        json_t* m = json_array_get(history.get(), 0);
        EXPECT_EQ(id, str_member(m, "message_id"));
        EXPECT_EQ("delivered", str_member(m, "status")) << s->vehicle.nopol;
        EXPECT_EQ(
            "delivered",
            hgetall(redis(), "{wa}:report:" + s->customer.id + ":" + s->vehicle.id)["last_status"]);
    }
    // Counted per report: one message, two vehicles delivered.
    HttpResponse stats = http().get("/whatsapp-report/statistics/delivery");
    EXPECT_EQ(
        "{\"accepted\":2,\"delivered\":2,\"read\":0,\"failed\":0,\"delivery_rate\":1.0,"
        "\"read_rate\":0.0,\"failure_rate\":0.0,\"failures_by_code\":{},"
        "\"from\":null,\"to\":null}",
        stats.body);
}

// wa_report_gateway log: a dry run lists every vehicle as dry_run with the
// one message's text, and counts nothing.
class GroupByDryRunTest : public ReminderTest<GroupByDryRunTest> {
public:
    static StackOptions stack_options() { return reminder_stack(grouped_settings("log")); }
};

TEST_F(GroupByDryRunTest, EveryVehicleShowsTheOneMessage) {
    Seeded a1, a2;
    ASSERT_TRUE(SeedVehicle(http(), 8, kDay, &a1));
    ASSERT_TRUE(SeedSecond(http(), a1, 108, add_days(kDay, 1), &a2));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data));
    json_t* details = details_of(data.get());
    EXPECT_EQ(2u, json_array_size(details));
    const std::string text = grouped(a1, {line(a1), line(a2)});
    EXPECT_TRUE(DetailIs(detail_for(details, a1.vehicle.nopol), {&a1, 0, "dry_run", text}));
    EXPECT_TRUE(DetailIs(detail_for(details, a2.vehicle.nopol), {&a2, 1, "dry_run", text}));
    EXPECT_EQ(0u, gateway().request_count());
    EXPECT_EQ(0, report_frequency(http(), a1));
}

// A grouped message accepted but not counted (the answer's callback throws,
// WA_REPORT_TEST_FAULT, as reminder_fault_test does for one vehicle): every
// listed vehicle's attempt mark stays, and the runner that resumes the run
// reports each one unknown instead of sending the message again.
class GroupBySendFaultTest : public ReminderTest<GroupBySendFaultTest> {
public:
    static StackOptions stack_options() {
        StackOptions o = reminder_stack(grouped_settings("starsender"));
        o.nginx.main_extra += "env WA_REPORT_TEST_FAULT=gateway_answer;\n";
        return o;
    }
};

TEST_F(GroupBySendFaultTest, AMessageLostBeforeItsCountIsNeverSentAgain) {
    Seeded a1, a2;
    ASSERT_TRUE(SeedVehicle(http(), 7, jakarta_today(), &a1));
    ASSERT_TRUE(SeedSecond(http(), a1, 107, jakarta_today(1), &a2));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + jakarta_today(), &data)) << gateway().dump();
    EXPECT_EQ(1u, gateway().request_count()) << gateway().dump();
    json_t* details = details_of(data.get());
    EXPECT_EQ(2u, json_array_size(details));
    EXPECT_EQ(2, count_status(details, "unknown"));
    EXPECT_EQ(0, report_frequency(http(), a1));
    EXPECT_EQ(0, report_frequency(http(), a2));
    std::string problems = stack().nginx().take_log_problems();
    EXPECT_NE(std::string::npos,
              problems.find("wa_report: exception \"injected fault at gateway_answer\""))
        << problems;

    JsonPtr again;
    ASSERT_TRUE(RunNow(http(), "?date=" + jakarta_today(), &again)) << gateway().dump();
    EXPECT_EQ(1u, gateway().request_count()) << gateway().dump();
    EXPECT_EQ(2, count_status(details_of(again.get()), "unknown"));
}

// nginx -t: the templates must fit the grouping.
TEST(GroupByConfigTest, TemplatesThatDoNotFitTheGroupingFailNginxT) {
    struct Case {
        std::string what;
        std::string extra;
        std::string template_text;
        std::string says;
    };
    const std::vector<Case> cases = {
        {"{vehicles} without grouping", "", "Bapak {customer_name}: {vehicles}",
         "wa_report: invalid template: the placeholder \"{vehicles}\" needs "
         "\"wa_report_group_by customer\" in "},
        {"one vehicle's placeholder under customer", "wa_report_group_by customer;\n",
         "{vehicles} {vehicle_nopol}",
         "wa_report: invalid template: the placeholder \"{vehicle_nopol}\" names one vehicle, "
         "but \"wa_report_group_by customer\" lists several: put it in "
         "wa_report_vehicle_line_template in "},
        {"the old default under customer", "wa_report_group_by customer;\n",
         "Bapak {customer_name} untuk {vehicle_nopol}", "names one vehicle"},
        {"no list under customer", "wa_report_group_by customer;\n", "Bapak {customer_name}",
         "needs the placeholder \"{vehicles}\""},
        {"the list in a line", "wa_report_vehicle_line_template \"- {vehicles}\";\n", "",
         "wa_report: invalid vehicle line template: the placeholder \"{vehicles}\" cannot be "
         "used in the vehicle line template"},
        {"a bad line", "wa_report_vehicle_line_template \"- {plat}\";\n", "",
         "unknown placeholder \"{plat}\""},
        {"an unknown grouping", "wa_report_group_by fleet;\n", "",
         "invalid value \"fleet\", want vehicle or customer"},
        {"twice", "wa_report_group_by customer;\nwa_report_group_by customer;\n", "",
         "\"wa_report_group_by\" directive is duplicate"},
    };
    for (const Case& c : cases) {
        ReminderSettings s;
        s.extra_http = c.extra;
        s.template_text = c.template_text;
        ConfigCheck check = nginx_check_config(reminder_config(s));
        EXPECT_FALSE(check.ok) << c.what;
        EXPECT_NE(std::string::npos, check.output.find(c.says)) << c.what << "\n" << check.output;
    }
}

TEST(GroupByConfigTest, GroupedConfigsPass) {
    for (std::string provider : {"log", "starsender", "cloud_api", "fonnte"}) {
        ConfigCheck check = nginx_check_config(reminder_config(grouped_settings(provider)));
        EXPECT_TRUE(check.ok) << provider << "\n" << check.output;
    }
    ReminderSettings custom = grouped_settings("starsender");
    custom.template_text = "Halo {customer_name}: {vehicles}. Info {service_phone}";
    custom.extra_http += "wa_report_vehicle_line_template \"{vehicle_nopol} {next_visit_date}\";\n";
    ConfigCheck check = nginx_check_config(reminder_config(custom));
    EXPECT_TRUE(check.ok) << check.output;
}

// A line template so long that one message names one vehicle in full: the
// second vehicle is not counted for a message that would only say "and 1
// more"; it gets a message of its own.
const std::string kLongLine = std::string(2500, '=') + " {vehicle_nopol}";

class GroupByLongLineTest : public ReminderTest<GroupByLongLineTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s = grouped_settings("starsender");
        s.extra_http += "wa_report_vehicle_line_template \"" + kLongLine
            + "\";\nwa_report_recipient_interval 0;\n";
        return reminder_stack(s);
    }
};

TEST_F(GroupByLongLineTest, AVehicleTheMessageCannotNameGetsItsOwn) {
    Seeded a1, a2;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &a1));
    ASSERT_TRUE(SeedSecond(http(), a1, 101, kDay, &a2));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data));
    std::vector<GatewayRequest> to_a = gateway().requests_to(a1.to);
    ASSERT_EQ(2u, to_a.size()) << gateway().dump();
    std::vector<std::string> named;
    for (const GatewayRequest& g : to_a) {
        EXPECT_EQ(std::string::npos, g.text.find("lainnya")) << g.text.substr(2400);
        for (const Seeded* s : {&a1, &a2}) {
            if (g.text.find(std::string(2500, '=') + " " + s->vehicle.nopol + "\n")
                != std::string::npos)
                named.push_back(s->vehicle.nopol);
        }
    }
    std::sort(named.begin(), named.end());
    std::vector<std::string> both{a1.vehicle.nopol, a2.vehicle.nopol};
    std::sort(both.begin(), both.end());
    EXPECT_EQ(both, named) << "each message names its one vehicle";
    EXPECT_EQ(1, report_frequency(http(), a1));
    EXPECT_EQ(1, report_frequency(http(), a2));
    EXPECT_EQ(2, count_status(details_of(data.get()), "sent"));
}

}  // namespace
}  // namespace wa::itest
