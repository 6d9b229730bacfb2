// run-now answers for its run wherever the run finishes: a run handed over
// by `nginx -s reload`, or taken over after its runner lost the lease, is
// followed through Redis until it has finished, and the answer is the
// finished run's. Past wa_report_run_now_timeout the answer is 202 with the
// run's id, which /status's last_run shows once it has finished.
#include <future>
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

size_t count_of(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

std::future<HttpResponse> run_now_async(int port, const std::string& query) {
    return std::async(std::launch::async, [port, query] {
        HttpClient client(port);
        client.set_timeout(Millis(60000));
        return sched(client, "POST", "/run-now" + query);
    });
}

class RunNowFollowTest : public ReminderTest<RunNowFollowTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.rate = 1;  // one message a second: time to disturb the run in its middle
        return reminder_stack(s);
    }
};

// The example: the worker holding the run-now request is the one the
// reload retires. Before, it answered 503 "Job berhenti sebelum selesai"
// while the new worker resumed and finished the run.
TEST_F(RunNowFollowTest, RunNowInterruptedByAReloadAnswersTheFinishedRun) {
    const size_t log_start = stack().nginx().error_log().size();
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1, 5, jakarta_today(), &due));
    auto pending = run_now_async(stack().port(), "?date=" + jakarta_today());
    ASSERT_TRUE(gateway().wait_for_requests(2, Millis(15000))) << gateway().dump();
    std::string error;
    ASSERT_TRUE(stack().nginx().reload(&error)) << error;

    HttpResponse response = pending.get();
    ASSERT_TRUE(IsJson(response, 200)) << describe(response);
    JsonPtr root = parse_json(response.body);
    json_t* data = json_object_get(root.get(), "data");
    std::string text = dump_json(data);
    EXPECT_EQ("5", json_member(text, "total_customers")) << response.body;
    EXPECT_EQ("5", json_member(text, "reminder_sent")) << response.body;
    json_t* details = details_of(data);
    ASSERT_EQ(5u, json_array_size(details)) << response.body;
    for (const Seeded& s : due) {
        EXPECT_TRUE(DetailIs(detail_for(details, s.vehicle.nopol),
                             {&s, 0, "sent", "", "Pesan berhasil dikirim"}));
        EXPECT_EQ(1, gateway().accepted_for(s.to)) << s.to << "\n" << gateway().dump();
    }
    auto last = hgetall(redis(), "{wa}:run:last");
    EXPECT_EQ("5", last["sent"]);
    EXPECT_EQ("5", last["total"]);
    std::string log = stack().nginx().error_log().substr(log_start);
    EXPECT_EQ(1u, count_of(log, "handed over: worker is exiting")) << log;
    EXPECT_EQ(1u, count_of(log, " (Asia/Jakarta) resumed")) << log;
}

// A variant with another cause: the runner loses its lease (as when Redis
// stalls for longer than the lease), stops, and the run is resumed once the
// lease has lapsed. Before, run-now answered 503 at the loss.
TEST_F(RunNowFollowTest, RunNowWhoseRunnerLostTheLeaseAnswersWhenTheRunFinishes) {
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1, 5, jakarta_today(), &due));
    auto pending = run_now_async(stack().port(), "?date=" + jakarta_today());
    ASSERT_TRUE(gateway().wait_for_requests(2, Millis(15000))) << gateway().dump();
    ASSERT_TRUE(redis().command({"SET", "{wa}:run:lease", "another-runner", "PX", "1500"}).ok);

    HttpResponse response = pending.get();
    ASSERT_TRUE(IsJson(response, 200)) << describe(response);
    JsonPtr root = parse_json(response.body);
    json_t* data = json_object_get(root.get(), "data");
    std::string text = dump_json(data);
    auto last = hgetall(redis(), "{wa}:run:last");
    EXPECT_EQ("5", json_member(text, "total_customers")) << response.body;
    EXPECT_EQ(last["sent"], json_member(text, "reminder_sent")) << response.body;
    json_t* details = details_of(data);
    ASSERT_EQ(5u, json_array_size(details)) << response.body;
    // Sends the first runner counted but could not save in the run's details
    // are listed by the next runner as already reminded.
    EXPECT_EQ(std::stoi(last["sent"]), count_status(details, "sent")) << response.body;
    EXPECT_EQ(5, count_status(details, "sent") + count_status(details, "skipped")) << response.body;
    for (const Seeded& s : due) {
        EXPECT_NE(nullptr, detail_for(details, s.vehicle.nopol)) << s.vehicle.nopol;
        EXPECT_EQ(1, gateway().accepted_for(s.to)) << s.to << "\n" << gateway().dump();
        EXPECT_EQ(1, report_frequency(http(), s)) << s.to;
    }
    EXPECT_EQ("5", last["total"]);
    EXPECT_FALSE(redis().exists("{wa}:run:current"));
}

class RunNowTimeoutTest : public ReminderTest<RunNowTimeoutTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.rate = 1;
        s.extra_http = "wa_report_run_now_timeout 2s;\n";
        return reminder_stack(s);
    }
};

// A run longer than wa_report_run_now_timeout: 202 with its id, and the run
// goes on to its end, which /status's last_run names with the same id.
TEST_F(RunNowTimeoutTest, LongRunAnswers202WithTheRunsIdAndGoesOn) {
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1, 5, jakarta_today(), &due));
    HttpResponse response = sched(http(), "POST", "/run-now?date=" + jakarta_today());
    std::vector<std::string> id;
    ASSERT_TRUE(IsJsonLike(response, 202,
                           "{\"status\":\"success\",\"message\":\"Job masih berjalan\","
                           "\"data\":{\"run_id\":\"<UUID>\"}}",
                           &id));
    EXPECT_TRUE(redis().exists("{wa}:run:current")) << "the run goes on";
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(30000), &last_run)) << gateway().dump();
    EXPECT_EQ(id[0], json_member(last_run, "id")) << last_run;
    EXPECT_EQ("5", json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ(id[0], hgetall(redis(), "{wa}:run:last")["id"]);
    for (const Seeded& s : due)
        EXPECT_EQ(1, gateway().accepted_for(s.to)) << s.to;
}

// The same bound holds for a run that a reload handed over: the retiring
// worker answers 202 at the bound, then exits.
TEST_F(RunNowTimeoutTest, HandedOverRunPastTheBoundAnswers202) {
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1, 5, jakarta_today(), &due));
    auto pending = run_now_async(stack().port(), "?date=" + jakarta_today());
    ASSERT_TRUE(gateway().wait_for_requests(1, Millis(15000))) << gateway().dump();
    std::string error;
    ASSERT_TRUE(stack().nginx().reload(&error)) << error;
    HttpResponse response = pending.get();
    std::vector<std::string> id;
    ASSERT_TRUE(IsJsonLike(response, 202,
                           "{\"status\":\"success\",\"message\":\"Job masih berjalan\","
                           "\"data\":{\"run_id\":\"<UUID>\"}}",
                           &id));
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(30000), &last_run)) << gateway().dump();
    EXPECT_EQ(id[0], json_member(last_run, "id")) << last_run;
    EXPECT_EQ("5", json_member(last_run, "reminder_sent")) << last_run;
    EXPECT_EQ(id[0], hgetall(redis(), "{wa}:run:last")["id"]);
}

}  // namespace
}  // namespace wa::itest
