// A mutating endpoint refuses a query parameter it does not take, or one it
// takes given twice, with 422 and changes nothing: a misspelt id_customer
// used to reset every report, a misspelt dry_run to send for real. Reading
// endpoints ignore what they do not know.
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

std::string extra(const std::string& name) {
    return "{\"detail\":[{\"loc\":[\"query\",\"" + name
        + "\"],\"msg\":\"extra fields not permitted\",\"type\":\"value_error.extra\"}]}";
}

std::string repeated(const std::string& name) {
    return "{\"detail\":[{\"loc\":[\"query\",\"" + name +
         "\"],\"msg\":\"query parameter given more than once\",\"type\":\"value_error.duplicate\"}]}";
}

class QueryParamsTest : public StackTest<QueryParamsTest> {
protected:
    void SetUp() override {
        StackTest<QueryParamsTest>::SetUp();
        if (HasFatalFailure())
            return;
        a_ = make_customer(1);
        b_ = make_customer(2);
        ASSERT_TRUE(PutCustomer(http(), a_));
        ASSERT_TRUE(PutCustomer(http(), b_));
        av_ = make_vehicle(a_.id, 1);
        bv_ = make_vehicle(b_.id, 2);
        ASSERT_TRUE(PutVehicle(http(), av_));
        ASSERT_TRUE(PutVehicle(http(), bv_));
        std::string report;
        ASSERT_TRUE(Record(http(), a_.id, av_.id, "m1"));
        ASSERT_TRUE(Record(http(), a_.id, av_.id, "m2", &report));
        ASSERT_TRUE(Record(http(), b_.id, bv_.id, "m3"));
        a_report_ = json_member(report, "id");
    }

    // The request is refused with exactly `body` and Redis is unchanged.
    void expect_refused(const std::string& method, const std::string& target,
                        const std::string& body, const std::string& expected) {
        const std::string before = redis().digest();
        HttpResponse r =
            http().request(method, target, body, {{"Content-Type", "application/json"}});
        EXPECT_TRUE(IsJsonBody(r, 422, expected)) << method << " " << target;
        EXPECT_EQ(before, redis().digest()) << method << " " << target << " wrote to Redis";
    }

    const std::string kStatistics =
        "{\"total_customers_with_vehicles\":2,\"total_messages_sent\":3,"
        "\"average_messages_per_customer\":1.5,\"customers_by_frequency\":{\"1\":1,\"2\":1}}";

    Customer a_, b_;
    Vehicle av_, bv_;
    std::string a_report_;
};

TEST_F(QueryParamsTest, MisspeltCustomerOnResetChangesNothing) {
    expect_refused("POST", kBase + "/reset-frequency?customer_id=" + a_.id, "",
                   extra("customer_id"));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/statistics"), 200, kStatistics));

    expect_refused("POST", kBase + "/reset-frequency?id_customer=" + a_.id + "&all=true", "",
                   extra("all"));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/statistics"), 200, kStatistics));

    // Spelt right, only that customer's reports are reset.
    EXPECT_TRUE(IsJsonBody(http().request("POST", kBase + "/reset-frequency?id_customer=" + a_.id),
                           200,
                           "{\"message\":\"Frequency untuk 1 report customer " + a_.id
                               + " berhasil direset\",\"count\":1}"));
    EXPECT_TRUE(IsJsonBody(
        http().get(kBase + "/statistics"), 200,
        "{\"total_customers_with_vehicles\":2,\"total_messages_sent\":1,"
        "\"average_messages_per_customer\":0.5,\"customers_by_frequency\":{\"0\":1,\"1\":1}}"));
}

TEST_F(QueryParamsTest, RepeatedIdCustomerIsAmbiguous) {
    expect_refused("POST",
                   kBase + "/reset-frequency?id_customer=" + a_.id + "&id_customer=" + b_.id, "",
                   repeated("id_customer"));
    expect_refused("POST",
                   kBase + "/reset-frequency?id_customer=" + a_.id + "&id_customer=" + a_.id, "",
                   repeated("id_customer"));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/statistics"), 200, kStatistics));
}

TEST_F(QueryParamsTest, EveryMutatingEndpointRefusesUnknownParameters) {
    Customer c = make_customer(3);
    Vehicle v = make_vehicle(a_.id, 3);
    std::string line =
        "{\"kind\":\"customer\",\"id\":\"" + c.id + "\"," + c.body().substr(1) + "\n";

    expect_refused("DELETE", kBase + "/" + a_report_ + "?force=1", "", extra("force"));
    expect_refused("POST", kBase + "/record?dry_run=1", record_body(a_.id, av_.id, "m4"),
                   extra("dry_run"));
    expect_refused("PUT", c.path() + "?upsert=false", c.body(), extra("upsert"));
    expect_refused("DELETE", a_.path() + "?cascade=true", "", extra("cascade"));
    expect_refused("PUT", v.path() + "?x", v.body(), extra("x"));
    expect_refused("DELETE", av_.path() + "?keep_reports=0", "", extra("keep_reports"));
    expect_refused("POST", kBase + "/data/import?mode=replace", line, extra("mode"));

    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/statistics"), 200, kStatistics));
    EXPECT_TRUE(IsJson(http().get(av_.path()), 200));
    EXPECT_TRUE(IsJson(http().get(c.path()), 404));
    // The same requests without the parameter go through.
    EXPECT_TRUE(IsJsonBody(http().del(kBase + "/" + a_report_), 200,
                           "{\"message\":\"Report berhasil dihapus\"}"));
    EXPECT_TRUE(PutCustomer(http(), c));
}

TEST_F(QueryParamsTest, ReadingEndpointsStayLenient) {
    EXPECT_TRUE(
        IsJsonBody(http().get(kBase + "/statistics?verbose=1&verbose=2"), 200, kStatistics));
    HttpResponse list = http().get(kBase + "/?sort=desc");
    EXPECT_TRUE(IsJson(list, 200));
    EXPECT_EQ(list.body, http().get(kBase + "/").body);
    EXPECT_TRUE(IsJson(http().get(a_.path() + "?fields=name"), 200));
}

class QueryParamsSchedulerTest : public ReminderTest<QueryParamsSchedulerTest> {
public:
    static StackOptions stack_options() { return reminder_stack(ReminderSettings{}); }
};

TEST_F(QueryParamsSchedulerTest, MisspeltDryRunSendsNothing) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, jakarta_today(1), &s));
    const std::string before = redis().digest();
    EXPECT_TRUE(IsJsonBody(sched(http(), "POST", "/run-now?dryrun=true"), 422, extra("dryrun")));
    EXPECT_TRUE(IsJsonBody(sched(http(), "POST", "/run-now?dry_run=true&dry_run=false"), 422,
                           repeated("dry_run")));
    EXPECT_TRUE(IsJsonBody(
        sched(http(), "POST", "/run-now?date=" + jakarta_today() + "&date=" + jakarta_today(1)),
        422, repeated("date")));
    EXPECT_EQ(0u, gateway().request_count());
    EXPECT_EQ(before, redis().digest());
    EXPECT_EQ(0, report_frequency(http(), s));
}

TEST_F(QueryParamsSchedulerTest, StartAndStopRefuseUnknownParameters) {
    ASSERT_TRUE(IsJson(sched(http(), "POST", "/start?hour=9&minute=15"), 200));
    const std::string status = sched(http(), "GET", "/status").body;
    const std::string before = redis().digest();
    EXPECT_TRUE(
        IsJsonBody(sched(http(), "POST", "/start?hour=6&minutes=30"), 422, extra("minutes")));
    EXPECT_TRUE(IsJsonBody(sched(http(), "POST", "/start?hour=6&hour=7"), 422, repeated("hour")));
    EXPECT_TRUE(IsJsonBody(sched(http(), "POST", "/stop?at=tomorrow"), 422, extra("at")));
    EXPECT_EQ(before, redis().digest());
    EXPECT_TRUE(IsJsonBody(sched(http(), "GET", "/status?verbose=1"), 200, status));
}

TEST_F(QueryParamsSchedulerTest, TheTokenIsCheckedFirst) {
    HttpResponse r = sched(http(), "POST", "/stop?at=tomorrow", "");
    EXPECT_TRUE(IsJsonBody(r, 401, "{\"detail\":\"Not authenticated\"}"));
}

}  // namespace
}  // namespace wa::itest
