// GET /whatsapp-report/due: the vehicles whose next visit falls in a window
// of days, read from the per-day due index ({wa}:due:<day>) by one script.
#include <algorithm>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "harness.hpp"
#include "seed.hpp"

namespace wa::itest {
namespace {

const std::string kDue = kBase + "/due";

// Days since 1970-01-01 of a YYYY-MM-DD date (the index's day numbers).
long long day_number(const std::string& date) {
    std::tm tm{};
    tm.tm_year = std::stoi(date.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(date.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(date.substr(8, 2));
    return static_cast<long long>(timegm(&tm)) / 86400;
}

std::string query_error(const std::string& field, const std::string& msg, const std::string& type) {
    return R"({"detail":[{"loc":["query",")" + field + R"("],"msg":")" + msg + R"(","type":")"
        + type + R"("}]})";
}

struct Seeded {
    Customer customer;
    Vehicle vehicle;
    std::string reminded_for;  // "" for null
};

std::string vehicle_json(const Seeded& s) {
    return R"({"id_vehicle":")" + s.vehicle.id + R"(","id_customer":")" + s.customer.id
        + R"(","nopol":)" + json_quote(s.vehicle.nopol) + R"(,"model":)"
        + json_quote(s.vehicle.model) + R"(,"next_visit_date":")" + s.vehicle.next_visit_date
        + R"(","customer_name":)" + json_quote(s.customer.name) + R"(,"customer_phone":)"
        + json_quote(s.customer.phone) + R"(,"reminded_for":)"
        + (s.reminded_for.empty() ? "null" : json_quote(s.reminded_for)) + "}";
}

std::string due_json(const std::string& from, int days, const std::vector<Seeded>& rows,
                     bool truncated) {
    std::string out =
        R"({"from":")" + from + R"(","days":)" + std::to_string(days) + R"(,"vehicles":[)";
    for (size_t i = 0; i < rows.size(); ++i) {
        out += (i > 0 ? "," : "") + vehicle_json(rows[i]);
    }
    return out + R"(],"truncated":)" + (truncated ? "true" : "false") + "}";
}

size_t vehicle_count(const std::string& body) {
    JsonPtr doc = parse_json(body);
    json_t* vehicles = doc ? json_object_get(doc.get(), "vehicles") : nullptr;
    return vehicles != nullptr ? json_array_size(vehicles) : 0;
}

class DueTest : public StackTest<DueTest> {
protected:
    // A customer of its own and one vehicle due on `next`, through the data API.
    Seeded seed(int n, const std::string& next) {
        Seeded s{make_customer(n), {}, ""};
        s.vehicle = make_vehicle(s.customer.id, n);
        s.vehicle.next_visit_date = next;
        EXPECT_TRUE(PutCustomer(http(), s.customer));
        EXPECT_TRUE(PutVehicle(http(), s.vehicle));
        return s;
    }

    // GET refused with exactly `body`, and Redis unchanged.
    void expect_refused(const std::string& query, const std::string& body) {
        const std::string before = redis().digest();
        EXPECT_TRUE(IsJsonBody(http().get(kDue + query), 422, body)) << query;
        EXPECT_EQ(before, redis().digest()) << query;
    }
};

TEST_F(DueTest, ListsTheWindowByDateThenVehicleId) {
    Seeded first = seed(1, "2026-12-01");
    Seeded third_a = seed(2, "2026-12-03");
    Seeded third_b = seed(3, "2026-12-03");
    Seeded last = seed(4, "2026-12-07");
    seed(5, "2026-12-08");  // the day after the window
    seed(6, "2026-11-30");  // the day before
    // A vehicle whose hash is gone but which the index still holds.
    Seeded gone = seed(7, "2026-12-02");
    ASSERT_EQ(1, redis().command({"DEL", "{wa}:vehicle:" + gone.vehicle.id}).integer);
    ASSERT_EQ(1,
              redis()
                  .command({"ZSCORE", "{wa}:due:" + std::to_string(day_number("2026-12-02")),
                            gone.vehicle.id})
                  .ok);
    // Reminded by an earlier run.
    ASSERT_TRUE(
        redis()
            .command({"HSET", "{wa}:vehicle:" + last.vehicle.id, "reminded_for", "2026-12-07"})
            .ok);
    last.reminded_for = "2026-12-07";

    std::vector<Seeded> third = {third_a, third_b};
    std::sort(third.begin(), third.end(),
              [](const Seeded& a, const Seeded& b) { return a.vehicle.id < b.vehicle.id; });
    const std::string before = redis().digest();
    EXPECT_TRUE(IsJsonBody(http().get(kDue + "?days=7&from=2026-12-01"), 200,
                           due_json("2026-12-01", 7, {first, third[0], third[1], last}, false)));
    EXPECT_EQ(before, redis().digest()) << "GET /due wrote to Redis";

    // days defaults to 7; a window of one day; a window with nothing due.
    EXPECT_TRUE(IsJsonBody(http().get(kDue + "?from=2026-12-01"), 200,
                           due_json("2026-12-01", 7, {first, third[0], third[1], last}, false)));
    EXPECT_TRUE(IsJsonBody(http().get(kDue + "?days=1&from=2026-12-03"), 200,
                           due_json("2026-12-03", 1, third, false)));
    EXPECT_TRUE(IsJsonBody(http().get(kDue + "?days=31&from=2027-01-01"), 200,
                           due_json("2027-01-01", 31, {}, false)));
}

TEST_F(DueTest, FromDefaultsToTodayInTheTimezone) {
    // Asia/Jakarta has no daylight saving time: UTC+7 all year.
    std::time_t now = std::time(nullptr) + 7 * 3600;
    std::tm tm{};
    gmtime_r(&now, &tm);
    char today[16];
    std::strftime(today, sizeof today, "%Y-%m-%d", &tm);
    Seeded s = seed(1, today);
    EXPECT_TRUE(IsJsonBody(http().get(kDue + "?days=1"), 200, due_json(today, 1, {s}, false)));
    EXPECT_TRUE(IsJsonBody(http().get(kDue), 200, due_json(today, 7, {s}, false)));
}

TEST_F(DueTest, RefusesBadQueries) {
    seed(1, "2026-12-01");
    const std::string range = query_error("days", "ensure this value is between 1 and 31",
                                          "value_error.number.not_in_range");
    expect_refused("?days=0", range);
    expect_refused("?days=32", range);
    expect_refused("?days=seven",
                   query_error("days", "value is not a valid integer", "type_error.integer"));
    expect_refused("?from=2026-02-30",
                   query_error("from", "invalid date format", "value_error.date"));
    expect_refused("?from=1899-12-31",
                   query_error("from", "ensure this value is greater than or equal to 1900-01-01",
                               "value_error.number.not_ge"));
    expect_refused(
        "?from=9998-12-26",
        query_error("from", "ensure this value plus 6 days is less than or equal to 9998-12-31",
                    "value_error.number.not_le"));
    expect_refused("?days=7&limit=3",
                   query_error("limit", "extra fields not permitted", "value_error.extra"));
    expect_refused(
        "?days=7&days=8",
        query_error("days", "query parameter given more than once", "value_error.duplicate"));
    EXPECT_TRUE(
        IsJsonBody(http().request("POST", kDue), 405, R"({"detail":"Method Not Allowed"})"));
}

TEST_F(DueTest, StopsAtFiveHundredVehicles) {
    const std::string day = std::to_string(day_number("2026-12-05"));
    std::vector<std::vector<std::string>> commands = {
        {"HSET", "{wa}:customer:c1", "id", "c1", "name", "Budi", "phone", "628111"}};
    auto add = [&](int i) {
        char id[16];
        std::snprintf(id, sizeof id, "v%04d", i);
        commands.push_back({"HSET", std::string("{wa}:vehicle:") + id, "id", id, "customer_id",
                            "c1", "model", "Avanza", "nopol", "B 1", "next_visit_date",
                            "2026-12-05"});
        commands.push_back({"ZADD", "{wa}:due:" + day, "0", id});
    };
    for (int i = 0; i < 500; ++i) {
        add(i);
    }
    ASSERT_TRUE(redis().pipeline(commands));
    HttpResponse all = http().get(kDue + "?days=1&from=2026-12-05");
    ASSERT_TRUE(IsJson(all, 200));
    EXPECT_EQ(500u, vehicle_count(all.body));
    EXPECT_EQ("false", json_member(all.body, "truncated"));

    commands.clear();
    add(500);
    ASSERT_TRUE(redis().pipeline(commands));
    HttpResponse cut = http().get(kDue + "?days=1&from=2026-12-05");
    ASSERT_TRUE(IsJson(cut, 200));
    EXPECT_EQ(500u, vehicle_count(cut.body));
    EXPECT_EQ("true", json_member(cut.body, "truncated"));
    // The first 500 in id order: v0500 is the one left out.
    EXPECT_EQ(std::string::npos, cut.body.find("\"v0500\""));
    EXPECT_NE(std::string::npos, cut.body.find("\"v0499\""));
}

TEST_F(DueTest, HeadAnswersTheHeadersOnly) {
    Seeded s = seed(1, "2026-12-01");
    const std::string body = due_json("2026-12-01", 7, {s}, false);
    HttpResponse head = http().head(kDue + "?from=2026-12-01");
    EXPECT_EQ(200, head.status) << describe(head);
    EXPECT_EQ("application/json", head.header("Content-Type"));
    EXPECT_EQ(std::to_string(body.size()), head.header("Content-Length"));
    EXPECT_EQ("", head.body);
    EXPECT_TRUE(IsJsonBody(http().get(kDue + "?from=2026-12-01"), 200, body));
}

TEST_F(DueTest, RedisDownGives503) {
    seed(1, "2026-12-01");
    stack().redis_server().kill_now();
    EXPECT_TRUE(IsJsonBody(http().get(kDue + "?from=2026-12-01"), 503,
                           R"({"detail":"Redis unavailable"})"));
}

}  // namespace
}  // namespace wa::itest
