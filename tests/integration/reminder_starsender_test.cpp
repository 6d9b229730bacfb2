// The reminder job against the test gateway speaking StarSender: the exact
// requests, the due rule and the details, one reminder per visit cycle,
// skips, refusals, retries (5xx, timeouts, 429), the concurrency and rate
// limits, and counting each accepted send once as /record does.
#include <algorithm>
#include <future>
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kDay = "2026-11-24";  // the runs' date= in this suite

std::string run_query(const std::string& date = kDay) { return "?date=" + date; }

double ms_between(SteadyTime a, SteadyTime b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

class StarSenderReminderTest : public ReminderTest<StarSenderReminderTest> {
public:
    static StackOptions stack_options() { return reminder_stack(ReminderSettings{}); }
};

TEST_F(StarSenderReminderTest, SendsTheDueVehiclesInStarSendersFormat) {
    std::vector<Seeded> due(3);
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &due[0]));               // 0 days
    ASSERT_TRUE(SeedVehicle(http(), 2, add_days(kDay, 1), &due[1]));  // 1 day
    ASSERT_TRUE(SeedVehicle(http(), 3, add_days(kDay, 2), &due[2]));  // 2 days
    Seeded too_early, past;
    ASSERT_TRUE(SeedVehicle(http(), 4, add_days(kDay, 3), &too_early));  // 3 days: not yet
    ASSERT_TRUE(SeedVehicle(http(), 5, add_days(kDay, -1), &past));      // yesterday: missed
    ASSERT_TRUE(PutCustomer(http(), make_customer(6)));                  // no vehicle

    JsonPtr data;
    HttpResponse response;
    ASSERT_TRUE(RunNow(http(), run_query(), &data, &response));
    EXPECT_EQ("6", json_member(dump_json(data.get()), "total_customers")) << response.body;
    EXPECT_EQ("3", json_member(dump_json(data.get()), "reminder_sent")) << response.body;
    json_t* details = details_of(data.get());
    ASSERT_NE(nullptr, details) << response.body;
    ASSERT_EQ(3u, json_array_size(details)) << response.body;
    for (int i = 0; i < 3; ++i) {  // the order has its own test
        EXPECT_TRUE(DetailIs(detail_for(details, due[i].vehicle.nopol),
                             {&due[i], i, "sent", "", "Pesan berhasil dikirim"}));
    }
    EXPECT_EQ(nullptr, detail_for(details, too_early.vehicle.nopol));
    EXPECT_EQ(nullptr, detail_for(details, past.vehicle.nopol));

    // The exact requests.
    auto log = gateway().requests();
    ASSERT_EQ(3u, log.size()) << gateway().dump();
    for (const Seeded& s : due) {
        auto to_s = gateway().requests_to(s.to);
        ASSERT_EQ(1u, to_s.size()) << s.to << "\n" << gateway().dump();
        const GatewayRequest& r = to_s[0];
        EXPECT_EQ("POST", r.method);
        EXPECT_EQ("/api/send", r.target);
        EXPECT_EQ(kStarSenderKey, r.header("Authorization")) << "the key file's newline is trimmed";
        EXPECT_EQ("{\"messageType\":\"text\",\"to\":\"" + s.to + "\",\"body\":"
                      + json_quote(default_message(s.customer.name, s.vehicle.nopol,
                                                   s.vehicle.next_visit_date))
                      + "}",
                  r.body);
    }

    // Counted once each, as /record counts.
    for (const Seeded& s : due) {
        std::string report;
        EXPECT_EQ(1, report_frequency(http(), s, &report)) << report;
        EXPECT_TRUE(IsNearNow(json_member(report, "last_message_date"), kJakartaOffset)) << report;
    }
    EXPECT_EQ(0, report_frequency(http(), too_early));
    EXPECT_EQ(0, report_frequency(http(), past));
    EXPECT_EQ(3, total_messages_sent(http()));

    // The delivery log has the provider's message ids.
    RedisReply stream = redis().command({"XRANGE", "{wa}:deliveries", "-", "+"});
    ASSERT_EQ(3u, stream.elements.size()) << "entries in {wa}:deliveries";
    std::vector<std::string> logged_ids, gateway_ids;
    for (const auto& entry : stream.elements) {
        ASSERT_EQ(2u, entry.elements.size());
        std::map<std::string, std::string> fields;
        const auto& kv = entry.elements[1].elements;
        for (size_t i = 0; i + 1 < kv.size(); i += 2)
            fields[kv[i].str] = kv[i + 1].str;
        logged_ids.push_back(fields["message_id"]);
        EXPECT_EQ("starsender", fields["provider"]);
    }
    for (const auto& r : log)
        gateway_ids.push_back(r.message_id);
    std::sort(logged_ids.begin(), logged_ids.end());
    std::sort(gateway_ids.begin(), gateway_ids.end());
    EXPECT_EQ(gateway_ids, logged_ids);
}

TEST_F(StarSenderReminderTest, DetailsAreOrderedByVisitDateThenVehicleId) {
    std::vector<Seeded> seeded;
    ASSERT_TRUE(SeedVehicles(http(), 10, 3, add_days(kDay, 1), &seeded));
    ASSERT_TRUE(SeedVehicles(http(), 20, 3, kDay, &seeded));
    ASSERT_TRUE(SeedVehicles(http(), 30, 2, add_days(kDay, 2), &seeded));
    std::vector<Seeded> expected = seeded;
    std::sort(expected.begin(), expected.end(), [](const Seeded& a, const Seeded& b) {
        return std::make_pair(a.vehicle.next_visit_date, a.vehicle.id)
            < std::make_pair(b.vehicle.next_visit_date, b.vehicle.id);
    });
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    json_t* details = details_of(data.get());
    ASSERT_EQ(expected.size(), json_array_size(details)) << dump_json(data.get());
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(expected[i].vehicle.nopol,
                  json_member(dump_json(json_array_get(details, i)), "no_pol"))
            << "item " << i;
    }
}

TEST_F(StarSenderReminderTest, OneReminderPerVisitCycle) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, add_days(kDay, 2), &s));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol),
                         {&s, 2, "sent", "", "Pesan berhasil dikirim"}));

    // Again the same day, and the next day: skipped, nothing sent.
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol), {&s, 2, "skipped"}));
    EXPECT_EQ("0", json_member(dump_json(data.get()), "reminder_sent"));
    ASSERT_TRUE(RunNow(http(), run_query(add_days(kDay, 1)), &data));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol), {&s, 1, "skipped"}));
    EXPECT_EQ(1u, gateway().request_count()) << gateway().dump();
    EXPECT_EQ(1, report_frequency(http(), s));

    // The visit happened; the next cycle gets its own reminder.
    s.vehicle.last_visit_date = add_days(kDay, 2);
    s.vehicle.next_visit_date = add_days(kDay, 120);
    ASSERT_TRUE(PutVehicle(http(), s.vehicle));
    ASSERT_TRUE(RunNow(http(), run_query(add_days(kDay, 119)), &data));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol),
                         {&s, 1, "sent", "", "Pesan berhasil dikirim"}));
    EXPECT_EQ(2u, gateway().request_count());
    EXPECT_EQ(2, report_frequency(http(), s));
}

TEST_F(StarSenderReminderTest, IncompleteOrImplausibleDataIsSkipped) {
    std::vector<Seeded> s(5);
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(SeedVehicle(http(), i + 1, kDay, &s[i]));
    // Old data may be incomplete: change it behind the data API's back.
    ASSERT_TRUE(redis().command({"HSET", "{wa}:customer:" + s[0].customer.id, "phone", ""}).ok);
    s[0].customer.phone = "";
    ASSERT_TRUE(redis().command({"HSET", "{wa}:vehicle:" + s[1].vehicle.id, "nopol", ""}).ok);
    s[1].vehicle.nopol = "";
    ASSERT_TRUE(
        redis().command({"HSET", "{wa}:customer:" + s[2].customer.id, "phone", "12345"}).ok);
    s[2].customer.phone = "12345";
    // Forms people type, through the data API: normalised for the gateway.
    s[3].customer.phone = "0812-3456-7890";
    ASSERT_TRUE(PutCustomer(http(), s[3].customer));
    s[3].to = "6281234567890";
    s[4].customer.phone = "+62 812-3456-7891";
    ASSERT_TRUE(PutCustomer(http(), s[4].customer));
    s[4].to = "6281234567891";

    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    json_t* details = details_of(data.get());
    EXPECT_EQ(5u, json_array_size(details)) << dump_json(data.get());
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(DetailIs(detail_for(details, s[i].vehicle.nopol), {&s[i], 0, "skipped"}))
            << "vehicle " << i;
    }
    for (int i = 3; i < 5; ++i) {
        EXPECT_TRUE(DetailIs(detail_for(details, s[i].vehicle.nopol),
                             {&s[i], 0, "sent", "", "Pesan berhasil dikirim"}))
            << "vehicle " << i;
        EXPECT_EQ(1, gateway().accepted_for(s[i].to)) << gateway().dump();
    }
    EXPECT_EQ(2u, gateway().request_count()) << gateway().dump();
    EXPECT_EQ("2", json_member(dump_json(data.get()), "reminder_sent"));
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(0, report_frequency(http(), s[i])) << i;
}

// A landline is a valid number for the data API (a workshop's records hold
// them), but WhatsApp cannot reach it: the run skips it, saying why, and
// asks the gateway nothing.
TEST_F(StarSenderReminderTest, LandlinesAreSkippedNotSent) {
    Seeded home, mobile;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &home));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &mobile));
    home.customer.phone = "(021) 555-1234";
    ASSERT_TRUE(PutCustomer(http(), home.customer));

    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    json_t* details = details_of(data.get());
    ASSERT_EQ(2u, json_array_size(details)) << dump_json(data.get());
    std::string skipped = dump_json(detail_for(details, home.vehicle.nopol));
    EXPECT_EQ("skipped", json_member(skipped, "status")) << skipped;
    EXPECT_EQ("nomor HP bukan nomor seluler", json_member(skipped, "reason")) << skipped;
    EXPECT_EQ("(021) 555-1234", json_member(skipped, "customer_hp")) << skipped;
    EXPECT_EQ(1u, gateway().request_count()) << gateway().dump();
    EXPECT_EQ(1, gateway().accepted_for(mobile.to)) << gateway().dump();
    EXPECT_EQ(0, report_frequency(http(), home));
}

// The first vehicle in index order is skipped while the others are being
// sent: the run must still wait for those sends and list them.
TEST_F(StarSenderReminderTest, ASkipDoesNotEndTheRunEarly) {
    for (int round = 0; round < 10; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        std::string error;
        ASSERT_TRUE(stack().reset_data(&error)) << error;
        gateway().reset();
        std::vector<Seeded> seeded;
        ASSERT_TRUE(SeedVehicles(http(), 1, 5, kDay, &seeded));
        auto first = std::min_element(
            seeded.begin(), seeded.end(),
            [](const Seeded& a, const Seeded& b) { return a.vehicle.id < b.vehicle.id; });
        ASSERT_TRUE(
            redis().command({"HSET", "{wa}:customer:" + first->customer.id, "phone", ""}).ok);
        JsonPtr data;
        HttpResponse response;
        ASSERT_TRUE(RunNow(http(), run_query(), &data, &response));
        EXPECT_EQ(5u, json_array_size(details_of(data.get()))) << response.body;
        EXPECT_EQ("4", json_member(dump_json(data.get()), "reminder_sent")) << response.body;
        std::string last_run;
        ASSERT_TRUE(WaitLastRun(http(), Millis(5000), &last_run));
        EXPECT_EQ("4", json_member(last_run, "reminder_sent")) << last_run;
        EXPECT_EQ(4u, gateway().request_count());
        if (HasFailure())
            break;
    }
}

TEST_F(StarSenderReminderTest, RefusalIsAFailureAndIsNotCounted) {
    Seeded refused, fine;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &refused));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &fine));
    gateway().script_recipient(refused.to, {"refuse"});
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    json_t* details = details_of(data.get());
    EXPECT_TRUE(DetailIs(detail_for(details, refused.vehicle.nopol),
                         {&refused, 0, "failed", "", "Device offline"}));
    EXPECT_TRUE(DetailIs(detail_for(details, fine.vehicle.nopol),
                         {&fine, 0, "sent", "", "Pesan berhasil dikirim"}))
        << "a failure does not stop the run";
    EXPECT_EQ("1", json_member(dump_json(data.get()), "reminder_sent"));
    EXPECT_EQ(1, gateway().requests_for(refused.to)) << "a refusal is final\n" << gateway().dump();

    EXPECT_EQ(0, report_frequency(http(), refused));
    EXPECT_EQ(1, report_frequency(http(), fine));
    EXPECT_EQ(1, total_messages_sent(http()));
    auto vehicle = hgetall(redis(), "{wa}:vehicle:" + refused.vehicle.id);
    EXPECT_NE(std::string::npos, vehicle["last_error"].find("Device offline"))
        << "last_error: " << vehicle["last_error"];
    EXPECT_EQ("1", redis().command({"HGET", "{wa}:stats", "failures"}).str);
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(5000), &last_run));
    EXPECT_EQ("1", json_member(last_run, "failed")) << last_run;
    EXPECT_EQ("1", json_member(last_run, "reminder_sent")) << last_run;
}

TEST_F(StarSenderReminderTest, ServerErrorThenSuccessIsRetriedAndCountedOnce) {
    Seeded once, twice;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &once));
    ASSERT_TRUE(SeedVehicle(http(), 2, kDay, &twice));
    gateway().script_recipient(once.to, {"status 500", "accept"});
    gateway().script_recipient(twice.to, {"status 502", "status 503", "accept"});
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    json_t* details = details_of(data.get());
    EXPECT_TRUE(DetailIs(detail_for(details, once.vehicle.nopol),
                         {&once, 0, "sent", "", "Pesan berhasil dikirim"}));
    EXPECT_TRUE(DetailIs(detail_for(details, twice.vehicle.nopol),
                         {&twice, 0, "sent", "", "Pesan berhasil dikirim"}));
    EXPECT_EQ(2, gateway().requests_for(once.to)) << gateway().dump();
    EXPECT_EQ(3, gateway().requests_for(twice.to)) << gateway().dump();
    EXPECT_EQ(1, report_frequency(http(), once));
    EXPECT_EQ(1, report_frequency(http(), twice));
    EXPECT_EQ(2, total_messages_sent(http()));
    // Backoff: the retry is not immediate.
    auto r = gateway().requests_to(once.to);
    ASSERT_EQ(2u, r.size());
    EXPECT_GT(ms_between(r[0].finished, r[1].received), 0.5) << gateway().dump();
}

TEST_F(StarSenderReminderTest, RetriesAreBoundedThenItFails) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &s));
    gateway().script_recipient(s.to, {"status 500", "status 500", "status 500", "accept"});
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol), {&s, 0, "failed"}));
    EXPECT_EQ(3, gateway().requests_for(s.to)) << "1 attempt + wa_report_gateway_retries 2\n"
                                               << gateway().dump();
    EXPECT_EQ(0, report_frequency(http(), s));
    EXPECT_EQ("1", redis().command({"HGET", "{wa}:stats", "failures"}).str);
}

TEST_F(StarSenderReminderTest, ClientErrorIsFinal) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &s));
    gateway().script_recipient(s.to, {"status 400", "accept"});
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol), {&s, 0, "failed"}));
    EXPECT_EQ(1, gateway().requests_for(s.to)) << gateway().dump();
    EXPECT_EQ(0, report_frequency(http(), s));
}

TEST_F(StarSenderReminderTest, TimeoutThenSuccessIsRetried) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &s));
    gateway().script_recipient(s.to, {"hang", "accept"});
    JsonPtr data;
    HttpResponse response;
    ASSERT_TRUE(RunNow(http(), run_query(), &data, &response));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol),
                         {&s, 0, "sent", "", "Pesan berhasil dikirim"}));
    auto r = gateway().requests_to(s.to);
    ASSERT_EQ(2u, r.size()) << gateway().dump();
    double gap = ms_between(r[0].received, r[1].received);
    EXPECT_GE(gap, 950) << "wa_report_gateway_timeout 1s";
    EXPECT_LT(gap, 5000);
    EXPECT_EQ(1, report_frequency(http(), s));
    EXPECT_LT(response.seconds, 10.0);
}

TEST_F(StarSenderReminderTest, TooManyRequestsHonoursRetryAfter) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &s));
    gateway().script_recipient(s.to, {"status 429 Retry-After: 1", "accept"});
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol),
                         {&s, 0, "sent", "", "Pesan berhasil dikirim"}));
    auto r = gateway().requests_to(s.to);
    ASSERT_EQ(2u, r.size()) << gateway().dump();
    EXPECT_GE(ms_between(r[0].finished, r[1].received), 950) << gateway().dump();
    EXPECT_EQ(1, report_frequency(http(), s));
    EXPECT_EQ(1, total_messages_sent(http()));
}

TEST_F(StarSenderReminderTest, TooManyRequestsPausesTheWholeGateway) {
    std::vector<Seeded> seeded;
    ASSERT_TRUE(SeedVehicles(http(), 1, 12, kDay, &seeded));
    gateway().script_request(1, "status 429 Retry-After: 1");
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    EXPECT_EQ("12", json_member(dump_json(data.get()), "reminder_sent")) << dump_json(data.get());
    auto log = gateway().requests();
    ASSERT_GE(log.size(), 13u) << gateway().dump();
    ASSERT_EQ(429, log[0].status);
    const SteadyTime limited = log[0].finished;
    for (const auto& r : log) {
        double after = ms_between(limited, r.received);
        EXPECT_FALSE(after > 150 && after < 900) << "request #" << r.number << " arrived " << after
                                                 << " ms after a 429 with Retry-After: 1\n"
                                                 << gateway().dump();
    }
    for (const Seeded& s : seeded)
        EXPECT_EQ(1, gateway().accepted_for(s.to)) << s.to;
}

TEST_F(StarSenderReminderTest, ConcurrencyIsBoundedAndTheLoopIsNotBlocked) {
    std::vector<Seeded> seeded;
    ASSERT_TRUE(SeedVehicles(http(), 1, 8, kDay, &seeded));
    gateway().set_default("delay 500ms then accept");
    auto run = std::async(std::launch::async, [&] {
        HttpClient client(stack().port());
        client.set_timeout(Millis(60000));
        return sched(client, "POST", "/run-now" + run_query());
    });
    ASSERT_TRUE(gateway().wait_for_requests(1, Millis(10000)));
    // nginx keeps answering while the worker waits on the gateway.
    for (int i = 0; i < 5; ++i) {
        HttpResponse r = http().get(kBase + "/statistics");
        EXPECT_EQ(200, r.status);
        EXPECT_LT(r.seconds, 0.3) << "a report request waited " << r.seconds << " s during the run";
    }
    HttpResponse done = run.get();
    ASSERT_TRUE(IsJson(done, 200));
    EXPECT_EQ("8", json_member(json_member(done.body, "data"), "reminder_sent"));
    EXPECT_LE(gateway().max_in_flight(), 4) << "wa_report_gateway_concurrency 4\n"
                                            << gateway().dump();
    EXPECT_GE(gateway().max_in_flight(), 2) << "sends run in parallel\n" << gateway().dump();
    EXPECT_EQ(8, total_messages_sent(http()));
}

TEST_F(StarSenderReminderTest, DryRunSendsAndCountsNothing) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, add_days(kDay, 1), &s));
    std::string stats_before = http().get(kBase + "/statistics").body;
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query() + "&dry_run=true", &data));
    EXPECT_EQ("0", json_member(dump_json(data.get()), "reminder_sent"));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol), {&s, 1, "dry_run"}));
    EXPECT_EQ(0u, gateway().request_count());
    EXPECT_EQ(0, report_frequency(http(), s));
    EXPECT_EQ(stats_before, http().get(kBase + "/statistics").body);
    // A dry run does not use up the cycle's reminder.
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol),
                         {&s, 1, "sent", "", "Pesan berhasil dikirim"}));
    EXPECT_EQ(1, report_frequency(http(), s));
}

TEST_F(StarSenderReminderTest, CountsLikeTheRecordEndpoint) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &s));
    ASSERT_TRUE(Record(http(), s.customer.id, s.vehicle.id, "manual-1"));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    EXPECT_EQ(2, report_frequency(http(), s));
    HttpResponse stats = http().get(kBase + "/statistics");
    EXPECT_TRUE(
        IsJsonBody(stats, 200,
                   "{\"total_customers_with_vehicles\":1,\"total_messages_sent\":2,"
                   "\"average_messages_per_customer\":2.0,\"customers_by_frequency\":{\"2\":1}}"));
    HttpResponse list = http().get(kBase + "/");
    EXPECT_TRUE(IsJson(list, 200));
    EXPECT_NE(std::string::npos, list.body.find("\"frequency\":2")) << list.body;
}

TEST_F(StarSenderReminderTest, SecretsStayOutOfLogsAnswersAndRedis) {
    std::vector<Seeded> seeded;
    ASSERT_TRUE(SeedVehicles(http(), 1, 5, kDay, &seeded));
    gateway().script_recipient(seeded[0].to, {"status 401"});
    gateway().script_recipient(seeded[1].to, {"refuse Invalid API key"});
    gateway().script_recipient(seeded[2].to, {"hang", "hang", "hang"});
    gateway().script_recipient(seeded[3].to, {"status 500", "status 500", "status 500"});
    JsonPtr data;
    HttpResponse response;
    ASSERT_TRUE(RunNow(http(), run_query(), &data, &response));
    EXPECT_TRUE(NoSecrets(response.body, "run-now answer"));
    EXPECT_TRUE(NoSecrets(sched(http(), "GET", "/status").body, "status answer"));
    EXPECT_TRUE(NoSecrets(redis_dump(redis()), "Redis"));
    EXPECT_TRUE(NoSecrets(stack().nginx().error_log(), "error.log"));
    EXPECT_EQ(4, count_status(details_of(data.get()), "failed")) << response.body;
}

// Stored names and plates with line breaks, tabs, runs of spaces or other
// control characters (kept from before the data API tidied them up, or
// written by another program): the message keeps one line per value and no
// control character but the template's own newlines.
TEST_F(StarSenderReminderTest, MessageTextHasNoControlCharacters) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &s));
    ASSERT_TRUE(redis()
                    .command({"HSET", "{wa}:customer:" + s.customer.id, "name",
                              "Budi\r\nSantoso\x07\x1b[2J"})
                    .ok);
    ASSERT_TRUE(
        redis().command({"HSET", "{wa}:vehicle:" + s.vehicle.id, "nopol", "B\t1234     CD"}).ok);
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    const std::string text = default_message("Budi Santoso[2J", "B 1234 CD", kDay);
    Seeded stored = s;
    stored.customer.name = "Budi\r\nSantoso\x07\x1b[2J";
    stored.vehicle.nopol = "B\t1234     CD";
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), stored.vehicle.nopol),
                         {&stored, 0, "sent", text, "Pesan berhasil dikirim"}));
    auto r = gateway().requests_to(s.to);
    ASSERT_EQ(1u, r.size()) << gateway().dump();
    EXPECT_EQ(text, r[0].text);
    EXPECT_TRUE(r[0].accepted);
}

// ---------------------------------------------------------------- rate limit

class StarSenderRateTest : public ReminderTest<StarSenderRateTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.rate = 5;
        return reminder_stack(s);
    }
};

TEST_F(StarSenderRateTest, TenSendsAtFivePerSecondTakeAtLeastTwoSeconds) {
    std::vector<Seeded> seeded;
    ASSERT_TRUE(SeedVehicles(http(), 1, 10, kDay, &seeded));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    EXPECT_EQ("10", json_member(dump_json(data.get()), "reminder_sent"));
    auto log = gateway().requests();
    ASSERT_EQ(10u, log.size()) << gateway().dump();
    double span = ms_between(log.front().received, log.back().received);
    EXPECT_GE(span, 1700) << "wa_report_gateway_rate 5\n" << gateway().dump();
    EXPECT_LT(span, 6000) << gateway().dump();
    // No second holds more than 5 (+1 for the boundary) requests.
    for (size_t i = 0; i < log.size(); ++i) {
        int in_window = 0;
        for (size_t j = i; j < log.size(); ++j) {
            if (ms_between(log[i].received, log[j].received) < 1000)
                ++in_window;
        }
        EXPECT_LE(in_window, 6) << "from request #" << log[i].number << "\n" << gateway().dump();
    }
}

// ---------------------------------------------------------------- own template

class StarSenderTemplateTest : public ReminderTest<StarSenderTemplateTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        // nginx reads \r, \n and \t in a quoted string as those characters.
        s.extra_http =
            "wa_report_template \"Halo {customer_name},\\r\\n\\tservis {vehicle_model} "
            "{vehicle_nopol}\\ntanggal {next_visit_date}.\\n\";\n";
        return reminder_stack(s);
    }
};

// The template's own line breaks stay (as LF); its tabs become spaces.
TEST_F(StarSenderTemplateTest, TemplateLinesStayAsLineFeeds) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, kDay, &s));
    ASSERT_TRUE(
        redis().command({"HSET", "{wa}:vehicle:" + s.vehicle.id, "model", "Avanza\n1.3 G"}).ok);
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(), &data));
    const std::string text = "Halo " + s.customer.name + ",\n servis Avanza 1.3 G "
        + s.vehicle.nopol + "\ntanggal " + dmy(kDay) + ".";
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol),
                         {&s, 0, "sent", text, "Pesan berhasil dikirim"}));
    auto r = gateway().requests_to(s.to);
    ASSERT_EQ(1u, r.size()) << gateway().dump();
    EXPECT_EQ(text, r[0].text);
}

// ---------------------------------------------------------------- daily

class StarSenderDailyTest : public ReminderTest<StarSenderDailyTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.remind = "daily";
        return reminder_stack(s);
    }
};

TEST_F(StarSenderDailyTest, OnePerDayOfTheWindowNeverTwiceADay) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, add_days(kDay, 2), &s));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), run_query(kDay), &data));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol),
                         {&s, 2, "sent", "", "Pesan berhasil dikirim"}));
    ASSERT_TRUE(RunNow(http(), run_query(kDay), &data));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol), {&s, 2, "skipped"}))
        << "never twice on one day";
    ASSERT_TRUE(RunNow(http(), run_query(add_days(kDay, 1)), &data));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol),
                         {&s, 1, "sent", "", "Pesan berhasil dikirim"}));
    ASSERT_TRUE(RunNow(http(), run_query(add_days(kDay, 2)), &data));
    EXPECT_TRUE(DetailIs(detail_for(details_of(data.get()), s.vehicle.nopol),
                         {&s, 0, "sent", "", "Pesan berhasil dikirim"}));
    ASSERT_TRUE(RunNow(http(), run_query(add_days(kDay, 3)), &data));
    EXPECT_EQ(nullptr, detail_for(details_of(data.get()), s.vehicle.nopol))
        << "the visit has passed";
    EXPECT_EQ(3, gateway().accepted_for(s.to)) << gateway().dump();
    EXPECT_EQ(3u, gateway().request_count());
    EXPECT_EQ(3, report_frequency(http(), s));
    EXPECT_EQ(3, total_messages_sent(http()));
}

}  // namespace
}  // namespace wa::itest
