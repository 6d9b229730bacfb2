#include <gtest/gtest.h>

#include "core/messages.hpp"
#include "core/routes.hpp"

namespace wa {
namespace {

MessageRecord record(std::string id, std::string status, int64_t at) {
    MessageRecord m;
    m.message_id = std::move(id);
    m.provider = "cloud_api";
    m.sent_at = "2026-12-01T09:00:05";
    m.status = std::move(status);
    m.status_at = at;
    return m;
}

TEST(MessageHistoryJson, RendersEachStatusInTheZone) {
    Zone jakarta;
    ASSERT_TRUE(jakarta.load("Asia/Jakarta"));
    MessageRecord failed = record("wamid.2", "failed", 1764554590);  // 2025-12-01T02:03:10Z
    failed.error_code = "131026";
    failed.error_title = "Message \"undeliverable\"";
    MessageRecord read = record("wamid.1", "read", 1764554590);
    read.pricing_category = "utility";
    EXPECT_EQ(message_history_json({failed, read, record("wamid.0", "accepted", 0)}, jakarta),
              R"([{"message_id":"wamid.2","provider":"cloud_api","sent_at":"2026-12-01T09:00:05",)"
              R"("status":"failed","status_at":"2025-12-01T09:03:10","error":{"code":"131026",)"
              R"("title":"Message \"undeliverable\""},"pricing_category":null},)"
              R"({"message_id":"wamid.1","provider":"cloud_api","sent_at":"2026-12-01T09:00:05",)"
              R"("status":"read","status_at":"2025-12-01T09:03:10","error":null,)"
              R"("pricing_category":"utility"},)"
              R"({"message_id":"wamid.0","provider":"cloud_api","sent_at":"2026-12-01T09:00:05",)"
              R"("status":"accepted","status_at":null,"error":null,"pricing_category":null}])");
    EXPECT_EQ(message_history_json({}, jakarta), "[]");
}

TEST(DeliveryStats, SumsFieldsAndSortsCodes) {
    DeliveryStats s = delivery_stats_from_fields({{"accepted", "12"},
                                                  {"delivered", "9"},
                                                  {"failed", "3"},
                                                  {"failed:131049", "1"},
                                                  {"failed:131026", "2"},
                                                  {"failed:", "5"},
                                                  {"failed:470", "0"},
                                                  {"read", "x"},
                                                  {"other", "4"}});
    EXPECT_EQ(s.accepted, 12);
    EXPECT_EQ(s.delivered, 9);
    EXPECT_EQ(s.read, 0);
    EXPECT_EQ(s.failed, 3);
    ASSERT_EQ(s.failures_by_code.size(), 2u);
    EXPECT_EQ(s.failures_by_code[0], (std::pair<std::string, int64_t>{"131026", 2}));
    EXPECT_EQ(s.failures_by_code[1], (std::pair<std::string, int64_t>{"131049", 1}));
}

TEST(DeliveryStats, RatesRoundToFourDecimalsAndAreZeroWithoutSends) {
    EXPECT_DOUBLE_EQ(delivery_rate(2, 3), 0.6667);
    EXPECT_DOUBLE_EQ(delivery_rate(1, 8), 0.125);
    EXPECT_DOUBLE_EQ(delivery_rate(5, 0), 0.0);
    DeliveryStats s;
    s.accepted = 3;
    s.delivered = 2;
    s.read = 1;
    s.failed = 1;
    s.failures_by_code = {{"131026", 1}};
    EXPECT_EQ(delivery_stats_json(s, Date{2026, 11, 1}, Date{2026, 11, 30}),
              R"({"accepted":3,"delivered":2,"read":1,"failed":1,"delivery_rate":0.6667,)"
              R"("read_rate":0.3333,"failure_rate":0.3333,"failures_by_code":{"131026":1},)"
              R"("from":"2026-11-01","to":"2026-11-30"})");
    EXPECT_EQ(delivery_stats_json(DeliveryStats{}, std::nullopt, std::nullopt),
              R"({"accepted":0,"delivered":0,"read":0,"failed":0,"delivery_rate":0.0,)"
              R"("read_rate":0.0,"failure_rate":0.0,"failures_by_code":{},"from":null,"to":null})");
}

std::string range_errors(const std::string& query) {
    auto p = parse_delivery_range(query);
    EXPECT_FALSE(p.value.has_value()) << query;
    return validation_errors(p.errors);
}

TEST(DeliveryRange, TakesBothDatesOrNeither) {
    auto all = parse_delivery_range("");
    ASSERT_TRUE(all.value);
    EXPECT_FALSE(all.value->from);
    auto year = parse_delivery_range("from=2028-01-01&to=2028-12-31");  // 366 days
    ASSERT_TRUE(year.value);
    EXPECT_EQ(*year.value->from, (Date{2028, 1, 1}));
    EXPECT_EQ(*year.value->to, (Date{2028, 12, 31}));
    ASSERT_TRUE(parse_delivery_range("from=2026-11-30&to=2026-11-30").value);
}

TEST(DeliveryRange, RefusesBadDatesReversedAndLongRanges) {
    EXPECT_EQ(range_errors("from=2026-11-31&to=2026-12-01"),
              R"({"detail":[{"loc":["query","from"],"msg":"invalid date format",)"
              R"("type":"value_error.date"}]})");
    EXPECT_EQ(range_errors("from=2026-11-01"),
              R"({"detail":[{"loc":["query","to"],"msg":"field required",)"
              R"("type":"value_error.missing"}]})");
    EXPECT_EQ(range_errors("from=2026-12-02&to=2026-12-01"),
              R"({"detail":[{"loc":["query","to"],"msg":"ensure this value is greater than or )"
              R"(equal to 2026-12-02","type":"value_error.date.not_ge"}]})");
    EXPECT_EQ(range_errors("from=2026-01-01&to=2027-01-02"),
              R"({"detail":[{"loc":["query","to"],"msg":"ensure the range is at most 366 days",)"
              R"("type":"value_error.date.range"}]})");
}

TEST(DeliveryRoutes, AnswerGetAndHeadAndRefuseUnknownParameters) {
    const std::string c = "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26";
    const std::string v = "451b4cf3-6123-4df7-b656-af7229d4beef";
    RouteMatch m =
        match_request(Method::head, "/customer/" + c + "/vehicle/" + v + "/messages", "");
    EXPECT_EQ(m.route, Route::vehicle_messages);
    EXPECT_EQ(m.a, c);
    EXPECT_EQ(m.b, v);
    EXPECT_EQ(match_request(Method::get, "/customer/x/vehicle/" + v + "/messages", "").route,
              Route::invalid);
    EXPECT_EQ(
        match_request(Method::get, "/statistics/delivery", "from=2026-11-01&to=2026-11-02").route,
        Route::delivery_statistics);
    RouteMatch extra = match_request(Method::get, "/statistics/delivery", "form=2026-11-01");
    EXPECT_EQ(extra.route, Route::invalid);
    EXPECT_EQ(validation_errors(extra.errors),
              R"({"detail":[{"loc":["query","form"],"msg":"extra fields not permitted",)"
              R"("type":"value_error.extra"}]})");
    EXPECT_EQ(match_request(Method::post, "/statistics/delivery", "").allow, "GET, HEAD");
}

}  // namespace
}  // namespace wa
