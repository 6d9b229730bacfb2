// The reminder job against the test gateway speaking Meta's WhatsApp Cloud
// API: template messages with body parameters, the Bearer token, message ids,
// and the error codes (final, opted out, per-recipient and global rate limits).
#include <algorithm>
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kDay = "2026-11-24";

double ms_between(SteadyTime a, SteadyTime b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

class CloudApiReminderTest : public ReminderTest<CloudApiReminderTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "cloud_api";
        return reminder_stack(s);
    }

protected:
    static JsonPtr run(const std::string& date = kDay) {
        JsonPtr data;
        EXPECT_TRUE(RunNow(http(), "?date=" + date, &data));
        return data;
    }
};

TEST_F(CloudApiReminderTest, SendsATemplateMessage) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, add_days(kDay, 2), &s));
    JsonPtr data = run();
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol), {&s, 2, "sent"}));
    auto log = gateway().requests();
    ASSERT_EQ(1u, log.size()) << gateway().dump();
    const GatewayRequest& r = log[0];
    EXPECT_EQ("POST", r.method);
    EXPECT_EQ("/v20.0/123/messages", r.target);
    EXPECT_EQ("Bearer " + kCloudToken, r.header("Authorization"));
    // The default template's placeholders in order: name, plate, date, phone.
    auto param = [](const std::string& text) {
        return "{\"type\":\"text\",\"text\":" + json_quote(text) + "}";
    };
    EXPECT_EQ("{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"" +
                s.to + "\",\"type\":\"template\",\"template\":{\"name\":\"" + kCloudTemplate +
                "\",\"language\":{\"code\":\"id\"},\"components\":[{\"type\":\"body\","
                "\"parameters\":[" + param(s.customer.name) + "," + param(s.vehicle.nopol) + "," +
                param(dmy(s.vehicle.next_visit_date)) + "," + param(kServicePhone) + "]}]}}",
            r.body);
    EXPECT_EQ(1, report_frequency(http(), s));
    RedisReply stream = redis().command({"XRANGE", "{wa}:deliveries", "-", "+"});
    ASSERT_EQ(1u, stream.elements.size());
    std::string entry;
    for (const auto& e : stream.elements[0].elements[1].elements)
        entry += e.str + " ";
    EXPECT_NE(std::string::npos, entry.find(r.message_id + " ")) << entry;
    EXPECT_NE(std::string::npos, entry.find("cloud_api")) << entry;
}

TEST_F(CloudApiReminderTest, UndeliverableAndOutsideTheWindowAreFinal) {
    Seeded undeliverable, window, fine;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &undeliverable));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &window));
    ASSERT_TRUE(SeedVehicle(http(), 3, kDay, &fine));
    gateway().script_recipient(undeliverable.to, {"cloud error 131026", "accept"});
    gateway().script_recipient(window.to, {"cloud error 131047", "accept"});
    JsonPtr data = run();
    json_t* details = details_of(data.get());
    EXPECT_TRUE(
        DetailIs(detail_for(details, undeliverable.vehicle.nopol), {&undeliverable, 0, "failed"}));
    EXPECT_TRUE(DetailIs(detail_for(details, window.vehicle.nopol), {&window, 0, "failed"}));
    EXPECT_TRUE(DetailIs(detail_for(details, fine.vehicle.nopol), {&fine, 0, "sent"}));
    EXPECT_EQ(1, gateway().requests_for(undeliverable.to)) << gateway().dump();
    EXPECT_EQ(1, gateway().requests_for(window.to)) << gateway().dump();
    EXPECT_EQ(0, report_frequency(http(), undeliverable));
    EXPECT_EQ(0, report_frequency(http(), window));
    EXPECT_EQ(1, report_frequency(http(), fine));
    EXPECT_EQ("2", redis().command({"HGET", "{wa}:stats", "failures"}).str);
    auto v = hgetall(redis(), "{wa}:vehicle:" + undeliverable.vehicle.id);
    EXPECT_EQ("131026", v["last_error_code"]);
    EXPECT_NE("", v["last_error"]);
    EXPECT_EQ("131047", hgetall(redis(), "{wa}:vehicle:" + window.vehicle.id)["last_error_code"]);
}

TEST_F(CloudApiReminderTest, OptedOutCustomerIsNotContactedAgain) {
    Seeded s, other;
    ASSERT_TRUE(SeedVehicle(http(), 1, add_days(kDay, 2), &s));
    ASSERT_TRUE(SeedVehicle(http(), 2, add_days(kDay, 2), &other));
    gateway().script_recipient(s.to, {"cloud error 131050"});
    JsonPtr data = run();
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol), {&s, 2, "failed"}));
    EXPECT_EQ(1, gateway().requests_for(s.to));
    EXPECT_NE("", hgetall(redis(), "{wa}:vehicle:" + s.vehicle.id)["do_not_contact"]);
    EXPECT_EQ(0, report_frequency(http(), s));

    // Later runs skip it, with a reason, without calling the gateway.
    data = run(add_days(kDay, 1));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol), {&s, 1, "skipped"}));
    EXPECT_EQ(1, gateway().requests_for(s.to)) << gateway().dump();
    EXPECT_EQ(1, gateway().requests_for(other.to)) << "the other vehicle was reminded once";
}

TEST_F(CloudApiReminderTest, PairRateLimitRetriesThatRecipientOnly) {
    std::vector<Seeded> due(3);
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(SeedVehicle(http(), i + 1, kDay, &due[i]));
    // A day's vehicles go out in the order of their ids, which are random: the
    // one limited is the first sent, so the others are still to go when its
    // answer comes, whatever the ids.
    std::sort(due.begin(), due.end(),
              [](const Seeded& a, const Seeded& b) { return a.vehicle.id < b.vehicle.id; });
    const Seeded& limited = due[0];
    gateway().script_recipient(limited.to, {"cloud error 131056 Retry-After: 1", "accept"});
    JsonPtr data = run();
    json_t* details = details_of(data.get());
    for (const Seeded& s : due) {
        EXPECT_TRUE(DetailIs(detail_for(details, s.vehicle.nopol), {&s, 0, "sent"}));
    }
    ASSERT_EQ(4u, gateway().requests().size()) << gateway().dump();
    auto retried = gateway().requests_to(limited.to);
    ASSERT_EQ(2u, retried.size()) << gateway().dump();
    EXPECT_EQ(1, retried[0].number) << gateway().dump();
    EXPECT_GE(ms_between(retried[0].finished, retried[1].received), 950) << gateway().dump();
    // The others were not held back by that recipient's limit: both went out
    // while it waited for its second attempt.
    for (const Seeded* other : {&due[1], &due[2]}) {
        auto r = gateway().requests_to(other->to);
        ASSERT_EQ(1u, r.size()) << gateway().dump();
        EXPECT_LT(r[0].number, retried[1].number)
            << "other recipients wait for the pair rate limit\n"
            << gateway().dump();
    }
    EXPECT_EQ(1, report_frequency(http(), limited));
    EXPECT_EQ(3, total_messages_sent(http()));
}

TEST_F(CloudApiReminderTest, TooManyRequestsAndRateLimitErrorsHonourRetryAfter) {
    Seeded http429, code130429;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &http429));
    ASSERT_TRUE(SeedVehicle(http(), 2, add_days(kDay, 1), &code130429));
    gateway().script_recipient(http429.to, {"status 429 Retry-After: 1", "accept"});
    gateway().script_recipient(code130429.to, {"cloud error 130429 Retry-After: 1", "accept"});
    JsonPtr data = run();
    json_t* details = details_of(data.get());
    EXPECT_TRUE(DetailIs(detail_for(details, http429.vehicle.nopol), {&http429, 0, "sent"}));
    EXPECT_TRUE(DetailIs(detail_for(details, code130429.vehicle.nopol), {&code130429, 1, "sent"}));
    for (const Seeded* s : {&http429, &code130429}) {
        auto r = gateway().requests_to(s->to);
        ASSERT_EQ(2u, r.size()) << gateway().dump();
        EXPECT_GE(ms_between(r[0].finished, r[1].received), 950) << gateway().dump();
        EXPECT_EQ(1, report_frequency(http(), *s));
    }
}

TEST_F(CloudApiReminderTest, ServerErrorThenSuccessIsCountedOnce) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &s));
    gateway().script_recipient(s.to, {"status 500", "accept"});
    JsonPtr data = run();
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol), {&s, 0, "sent"}));
    EXPECT_EQ(2, gateway().requests_for(s.to));
    EXPECT_EQ(1, report_frequency(http(), s));
    EXPECT_EQ(1, total_messages_sent(http()));
}

// Throttling codes with a wait beyond wa_report_gateway_retry_after_max (30 s
// by default): that message fails for this run, the others go on at once.
TEST_F(CloudApiReminderTest, ThrottlingWithAWaitBeyondTheCapFailsThatMessage) {
    Seeded account, pair, fine;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &account));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &pair));
    ASSERT_TRUE(SeedVehicle(http(), 3, kDay, &fine));
    gateway().script_recipient(account.to, {"cloud error 130429 status 429 Retry-After: 3600"});
    gateway().script_recipient(pair.to, {"cloud error 131056 Retry-After: 86400"});
    HttpClient client(stack().port());
    client.set_timeout(Millis(20000));
    JsonPtr data;
    ASSERT_TRUE(RunNow(client, "?date=" + kDay, &data));
    json_t* details = details_of(data.get());
    json_t* item = detail_for(details, account.vehicle.nopol);
    EXPECT_TRUE(DetailIs(item, {&account, 0, "failed", "", "code 130429: Rate limit hit"}));
    EXPECT_EQ(
        "code 130429: Rate limit hit; the gateway asked to wait 3600 s, more than the 30 s "
        "allowed",
        json_member(dump_json(item), "reason"));
    item = detail_for(details, pair.vehicle.nopol);
    EXPECT_TRUE(
        DetailIs(item,
                 {&pair, 0, "failed", "",
                  "code 131056: (Business Account, Consumer Account) pair rate limit hit"}));
    EXPECT_EQ(
        "code 131056: (Business Account, Consumer Account) pair rate limit hit; the gateway "
        "asked to wait 86400 s, more than the 30 s allowed",
        json_member(dump_json(item), "reason"));
    EXPECT_TRUE(DetailIs(detail_for(details, fine.vehicle.nopol), {&fine, 0, "sent"}));
    EXPECT_EQ(3u, gateway().request_count()) << gateway().dump();
    auto v = hgetall(redis(), "{wa}:vehicle:" + account.vehicle.id);
    EXPECT_EQ("130429", v["last_error_code"]);
    EXPECT_EQ("131056", hgetall(redis(), "{wa}:vehicle:" + pair.vehicle.id)["last_error_code"]);
}

// The example: a customer name with a newline, a tab or more than 4
// spaces in a row, stored before the data API tidied names up (or by another
// writer), which Meta refuses (132018) on every run. Parameters go out on
// one line.
TEST_F(CloudApiReminderTest, ParametersMetaRefusesAreSentOnOneLine) {
    std::vector<Seeded> s(4);
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(SeedVehicle(http(), i + 1, kDay, &s[i]));
    const std::vector<std::pair<std::string, std::string>> names = {
        {"Budi\nSantoso", "Budi Santoso"},
        {"Siti\tRahayu", "Siti Rahayu"},
        {"Agus     Nugroho", "Agus Nugroho"},
        {" Dewi \r\n\t Lestari ", "Dewi Lestari"}};
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(
            redis()
                .command({"HSET", "{wa}:customer:" + s[i].customer.id, "name", names[i].first})
                .ok);
    }
    ASSERT_TRUE(
        redis().command({"HSET", "{wa}:vehicle:" + s[3].vehicle.id, "nopol", "B  1234\tXY"}).ok);
    JsonPtr data = run();
    json_t* details = details_of(data.get());
    for (int i = 0; i < 4; ++i) {
        SCOPED_TRACE(names[i].second);
        Seeded stored = s[i];
        stored.customer.name = names[i].first;  // run details show the data as stored
        std::string nopol = i == 3 ? "B 1234 XY" : s[i].vehicle.nopol;
        if (i == 3)
            stored.vehicle.nopol = "B  1234\tXY";
        EXPECT_TRUE(
            DetailIs(detail_for(details, stored.vehicle.nopol),
                     {&stored, 0, "sent",
                      default_message(names[i].second, nopol, s[i].vehicle.next_visit_date)}));
        auto r = gateway().requests_to(s[i].to);
        ASSERT_EQ(1u, r.size()) << gateway().dump();
        EXPECT_EQ((std::vector<std::string>{names[i].second, nopol,
                                            dmy(s[i].vehicle.next_visit_date), kServicePhone}),
                  r[0].parameters);
        EXPECT_TRUE(r[0].accepted);
        EXPECT_EQ(1, report_frequency(http(), s[i]));
    }
    EXPECT_EQ(4, total_messages_sent(http()));
    EXPECT_EQ("", redis().command({"HGET", "{wa}:stats", "failures"}).str);
}

// ---------------------------------------------------------------- own template

class CloudApiTemplateTest : public ReminderTest<CloudApiTemplateTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "cloud_api";
        s.template_text =
            "Halo {customer_name}, {vehicle_model} {vehicle_nopol} servis {next_visit_date}.";
        return reminder_stack(s);
    }
};

// A value that is empty (a vehicle without a model) is refused by Meta as
// well (error 100); it goes out as "-".
TEST_F(CloudApiTemplateTest, EmptyAndMultiLineValuesAreSentAsMetaAcceptsThem) {
    Seeded empty, tabbed;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &empty));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &tabbed));
    ASSERT_TRUE(redis().command({"HSET", "{wa}:vehicle:" + empty.vehicle.id, "model", ""}).ok);
    ASSERT_TRUE(redis()
                    .command({"HSET", "{wa}:vehicle:" + tabbed.vehicle.id, "model",
                              "Honda\tVario      125\n"})
                    .ok);
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + kDay, &data));
    json_t* details = details_of(data.get());
    EXPECT_TRUE(DetailIs(detail_for(details, empty.vehicle.nopol),
                         {&empty, 0, "sent",
                          "Halo " + empty.customer.name + ",  " + empty.vehicle.nopol + " servis "
                              + dmy(kDay) + "."}));
    EXPECT_TRUE(DetailIs(detail_for(details, tabbed.vehicle.nopol),
                         {&tabbed, 0, "sent",
                          "Halo " + tabbed.customer.name + ", Honda Vario 125 "
                              + tabbed.vehicle.nopol + " servis " + dmy(kDay) + "."}));
    auto r = gateway().requests_to(empty.to);
    ASSERT_EQ(1u, r.size()) << gateway().dump();
    EXPECT_EQ((std::vector<std::string>{empty.customer.name, "-", empty.vehicle.nopol, dmy(kDay)}),
              r[0].parameters);
    r = gateway().requests_to(tabbed.to);
    ASSERT_EQ(1u, r.size()) << gateway().dump();
    EXPECT_EQ((std::vector<std::string>{tabbed.customer.name, "Honda Vario 125",
                                        tabbed.vehicle.nopol, dmy(kDay)}),
              r[0].parameters);
    EXPECT_EQ(2, gateway().accepted_total());
}

}  // namespace
}  // namespace wa::itest
