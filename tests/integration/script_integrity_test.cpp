// Reports whose frequency was reset to 0 are deleted whole: the delete
// script used to pass Lua's -0 to HINCRBY, which Redis refuses after the
// report was already gone, leaving the statistics and indexes half-updated.
#include <string>
#include <vector>

#include "harness.hpp"
#include "seed.hpp"

namespace wa::itest {
namespace {

const std::string kDeleted = "{\"message\":\"Report berhasil dihapus\"}";
const std::string kReportNotFound = "{\"detail\":\"Report tidak ditemukan\"}";

// The statistics body; `histogram` is customers_by_frequency's inside, in
// ascending order of frequency.
std::string statistics(long total, long messages, const std::string& average,
                       const std::string& histogram) {
    return "{\"total_customers_with_vehicles\":" + std::to_string(total)
        + ",\"total_messages_sent\":" + std::to_string(messages)
        + ",\"average_messages_per_customer\":" + average + ",\"customers_by_frequency\":{"
        + histogram + "}}";
}

class ScriptIntegrityTest : public StackTest<ScriptIntegrityTest> {
protected:
    struct Owner {
        Customer customer;
        std::vector<Vehicle> vehicles;
    };

    void add_owner(int n, int count, Owner* owner) {
        owner->customer = make_customer(n);
        ASSERT_TRUE(PutCustomer(http(), owner->customer));
        for (int i = 0; i < count; ++i) {
            owner->vehicles.push_back(make_vehicle(owner->customer.id, n * 100 + i));
            ASSERT_TRUE(PutVehicle(http(), owner->vehicles.back()));
        }
    }

    // Records `times` messages for the vehicle; *id gets the report's id.
    void record(const Owner& owner, size_t vehicle, int times, std::string* id) {
        std::string report;
        for (int i = 0; i < times; ++i) {
            ASSERT_TRUE(Record(http(), owner.customer.id, owner.vehicles.at(vehicle).id, new_uuid(),
                               &report));
        }
        *id = json_member(report, "id");
    }

    static std::string report_of(const Owner& owner, size_t vehicle) {
        HttpResponse r = http().get(kBase + "/customer/" + owner.customer.id + "/vehicle/"
                                    + owner.vehicles.at(vehicle).id);
        EXPECT_TRUE(IsJson(r, 200));
        return r.body;
    }

    static long long count(const std::string& command, const std::string& key) {
        return redis().command({command, key}).integer;
    }
};

TEST_F(ScriptIntegrityTest, DeleteAfterCustomerResetKeepsStatisticsExact) {
    Owner a, b;
    ASSERT_NO_FATAL_FAILURE(add_owner(1, 2, &a));
    ASSERT_NO_FATAL_FAILURE(add_owner(2, 1, &b));
    std::string a0, a1, b0;
    ASSERT_NO_FATAL_FAILURE(record(a, 0, 2, &a0));
    ASSERT_NO_FATAL_FAILURE(record(a, 1, 1, &a1));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, 1, &b0));

    ASSERT_TRUE(IsJsonBody(
        http().request("POST", kBase + "/reset-frequency?id_customer=" + a.customer.id), 200,
        "{\"message\":\"Frequency untuk 2 report customer " + a.customer.id
            + " berhasil direset\",\"count\":2}"));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/statistics"), 200,
                           statistics(3, 1, "0.3333333333333333", "\"0\":2,\"1\":1")));

    EXPECT_TRUE(IsJsonBody(http().del(kBase + "/" + a0), 200, kDeleted));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/statistics"), 200,
                           statistics(2, 1, "0.5", "\"0\":1,\"1\":1")));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/customer/" + a.customer.id), 200,
                           "[" + report_of(a, 1) + "]"));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/"), 200,
                           "[" + report_of(a, 1) + "," + report_of(b, 0) + "]"));
    EXPECT_EQ(2, count("HLEN", "{wa}:report-ids"));
    EXPECT_EQ(2, count("ZCARD", "{wa}:reports"));
    EXPECT_EQ(1, count("ZCARD", "{wa}:customer:" + a.customer.id + ":reports"));

    // A retry finds nothing, and the statistics stay as they are.
    EXPECT_TRUE(IsJsonBody(http().del(kBase + "/" + a0), 404, kReportNotFound));
    EXPECT_TRUE(IsJsonBody(http().del(kBase + "/" + a1), 200, kDeleted));
    EXPECT_TRUE(
        IsJsonBody(http().get(kBase + "/statistics"), 200, statistics(1, 1, "1.0", "\"1\":1")));
    EXPECT_FALSE(redis().exists("{wa}:customer:" + a.customer.id + ":reports"));
}

TEST_F(ScriptIntegrityTest, DeleteAfterFullResetAndAfterCountingAgain) {
    Owner a, b;
    ASSERT_NO_FATAL_FAILURE(add_owner(3, 1, &a));
    ASSERT_NO_FATAL_FAILURE(add_owner(4, 2, &b));
    std::string a0, b0, b1;
    ASSERT_NO_FATAL_FAILURE(record(a, 0, 3, &a0));
    ASSERT_NO_FATAL_FAILURE(record(b, 0, 1, &b0));
    ASSERT_NO_FATAL_FAILURE(record(b, 1, 2, &b1));

    ASSERT_TRUE(
        IsJsonBody(http().request("POST", kBase + "/reset-frequency"), 200,
                   "{\"message\":\"Frequency untuk 3 report berhasil direset\",\"count\":3}"));
    // Counted again after the reset (0 -> 1), then deleted.
    ASSERT_NO_FATAL_FAILURE(record(b, 1, 1, &b1));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/statistics"), 200,
                           statistics(3, 1, "0.3333333333333333", "\"0\":2,\"1\":1")));
    EXPECT_TRUE(IsJsonBody(http().del(kBase + "/" + b1), 200, kDeleted));
    EXPECT_TRUE(
        IsJsonBody(http().get(kBase + "/statistics"), 200, statistics(2, 0, "0.0", "\"0\":2")));

    EXPECT_TRUE(IsJsonBody(http().del(kBase + "/" + a0), 200, kDeleted));
    EXPECT_TRUE(IsJsonBody(http().del(kBase + "/" + b0), 200, kDeleted));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/statistics"), 200, statistics(0, 0, "0.0", "")));
    EXPECT_TRUE(IsJsonBody(http().get(kBase + "/"), 200, "[]"));
    EXPECT_EQ(0, count("HLEN", "{wa}:report-ids"));
    EXPECT_FALSE(redis().exists("{wa}:stats:freq"));
    EXPECT_EQ("0", redis().command({"HGET", "{wa}:stats", "reports"}).str);
    EXPECT_EQ("0", redis().command({"HGET", "{wa}:stats", "messages"}).str);

    // The pair starts over as a new report.
    std::string again;
    ASSERT_NO_FATAL_FAILURE(record(a, 0, 1, &again));
    EXPECT_NE(a0, again);
    EXPECT_TRUE(
        IsJsonBody(http().get(kBase + "/statistics"), 200, statistics(1, 1, "1.0", "\"1\":1")));
}

// record.lua takes a mark TTL of at most 12 digits; nginx -t catches a
// configuration that would make every count fail.
TEST(ScriptIntegrityConfig, MessageIdTtlBeyondWhatTheScriptTakesFailsNginxT) {
    NginxConfig config;
    config.http_extra = "wa_report_message_id_ttl 100y;\n";
    ConfigCheck check = nginx_check_config(config);
    EXPECT_TRUE(check.ok) << check.output;

    config.http_extra = "wa_report_message_id_ttl 101y;\n";
    check = nginx_check_config(config);
    EXPECT_FALSE(check.ok) << "nginx -t accepted it\n" << check.output;
    EXPECT_NE(std::string::npos,
              check.output.find("\"wa_report_message_id_ttl\" must be at most 100y"))
        << check.output;
}

TEST(ScriptIntegrityConfig, RunLeaseBeyondWhatTheScriptsTakeFailsNginxT) {
    NginxConfig config;
    config.http_extra = "wa_report_run_lease 365d;\n";
    ConfigCheck check = nginx_check_config(config);
    EXPECT_TRUE(check.ok) << check.output;

    config.http_extra = "wa_report_run_lease 366d;\n";
    check = nginx_check_config(config);
    EXPECT_FALSE(check.ok) << "nginx -t accepted it\n" << check.output;
    EXPECT_NE(std::string::npos, check.output.find("\"wa_report_run_lease\" must be at most 365d"))
        << check.output;
}

}  // namespace
}  // namespace wa::itest
