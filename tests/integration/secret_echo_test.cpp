// A gateway that repeats the credential it was sent (issue 6, item 6): the
// answer's text reaches the run-now answer, the run's details, last_error in
// Redis (and so the AOF) and the logs only with the key or token replaced by
// "[redacted]", for both providers.
#include <filesystem>
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

const std::string kDay = "2026-11-24";

// Any 8 consecutive characters of the secret: a cut-off echo leaks too.
::testing::AssertionResult NoPieceOf(const std::string& text, const std::string& secret,
                                     const std::string& where) {
    constexpr size_t kPiece = 8;
    for (size_t i = 0; i + kPiece <= secret.size(); ++i) {
        size_t at = text.find(secret.substr(i, kPiece));
        if (at != std::string::npos) {
            size_t from = at > 100 ? at - 100 : 0;
            return ::testing::AssertionFailure()
                << "a piece of the secret (\"" << secret.substr(i, kPiece) << "\") appears in "
                << where << ": ..." << text.substr(from, 200) << "...";
        }
    }
    return ::testing::AssertionSuccess();
}

std::string info_field(RedisClient& redis, const std::string& field) {
    std::string info = redis.command({"INFO", "persistence"}).str;
    size_t at = info.find(field + ":");
    if (at == std::string::npos)
        return "";
    size_t end = info.find_first_of("\r\n", at);
    return info.substr(at + field.size() + 1, end - at - field.size() - 1);
}

template <class Suite>
class SecretEchoTest : public ReminderTest<Suite> {
protected:
    using Base = ReminderTest<Suite>;

    // The AOF is on for these tests: what Redis would write to disk is checked too.
    void SetUp() override {
        Base::SetUp();
        if (::testing::Test::HasFatalFailure())
            return;
        RedisClient& r = Base::redis();
        ASSERT_TRUE(r.command({"CONFIG", "SET", "appendonly", "yes"}).ok);
        ASSERT_TRUE(poll_until(Millis(10000), [&] {
            return info_field(r, "aof_enabled") == "1"
                && info_field(r, "aof_rewrite_in_progress") == "0"
                && info_field(r, "aof_rewrite_scheduled") == "0";
        })) << "the AOF did not start";
    }

    void TearDown() override {
        Base::redis().command({"CONFIG", "SET", "appendonly", "no"});
        Base::TearDown();
    }

    static std::string aof_text() {
        std::string out;
        std::error_code ec;
        for (const auto& entry :
             std::filesystem::recursive_directory_iterator(Base::stack().prefix() + "/redis", ec)) {
            if (entry.is_regular_file()
                && entry.path().string().find("appendonly") != std::string::npos) {
                out += read_file(entry.path().string());
            }
        }
        return out;
    }

    // The secret, whole or in pieces, is nowhere: the answer, Redis, the AOF,
    // error.log.
    static void expect_no_secret(const std::string& secret, const HttpResponse& response) {
        EXPECT_TRUE(NoPieceOf(response.body, secret, "the run-now answer"));
        std::string dump = redis_dump(Base::redis());
        EXPECT_TRUE(NoPieceOf(dump, secret, "Redis")) << dump;
        std::string aof = aof_text();
        EXPECT_FALSE(aof.empty()) << "no AOF written";
        EXPECT_TRUE(NoPieceOf(aof, secret, "the AOF"));
        EXPECT_TRUE(NoPieceOf(Base::stack().nginx().error_log(), secret, "error.log"));
        EXPECT_TRUE(NoPieceOf(sched(Base::http(), "GET", "/status").body, secret, "/status"));
    }

    // One due vehicle, the gateway answering `behaviour`; the run's only
    // detail must be `status` with exactly `api_response`.
    static void run_once(const std::string& behaviour, const std::string& status,
                         const std::string& api_response, const std::string& secret,
                         Seeded* seeded) {
        ASSERT_TRUE(SeedVehicle(Base::http(), 1, kDay, seeded));
        Base::gateway().set_default(behaviour);
        JsonPtr data;
        HttpResponse response;
        ASSERT_TRUE(RunNow(Base::http(), "?date=" + kDay, &data, &response));
        json_t* details = details_of(data.get());
        ASSERT_EQ(1u, json_array_size(details)) << response.body;
        EXPECT_TRUE(DetailIs(json_array_get(details, 0), {seeded, 0, status, "", api_response}));
        EXPECT_EQ(1u, Base::gateway().request_count()) << Base::gateway().dump();
        expect_no_secret(secret, response);
    }
};

// ---------------------------------------------------------------- StarSender

class StarSenderEchoTest : public SecretEchoTest<StarSenderEchoTest> {
public:
    static StackOptions stack_options() { return reminder_stack(ReminderSettings{}); }
};

// The example: an error answer that repeats the Authorization value.
TEST_F(StarSenderEchoTest, EchoedKeyInAnErrorIsRedacted) {
    const std::string detail = "HTTP 401: Invalid API key: [redacted]";
    Seeded s;
    ASSERT_NO_FATAL_FAILURE(run_once("echo key", "failed", detail, kStarSenderKey, &s));
    auto vehicle = hgetall(redis(), "{wa}:vehicle:" + s.vehicle.id);
    EXPECT_EQ(detail, vehicle["last_error"]);
    EXPECT_EQ("1", redis().command({"HGET", "{wa}:stats", "failures"}).str);
    EXPECT_EQ(0, report_frequency(http(), s));
}

// The echo where the detail's 200-byte cut would fall inside the key: it is
// redacted before the cut, so no piece of it is left either.
TEST_F(StarSenderEchoTest, EchoCutByTheDetailLimitLeavesNoPiece) {
    const std::string detail =
        "HTTP 401: Invalid API key: " + std::string(160, 'x') + " [redacted]";
    Seeded s;
    ASSERT_NO_FATAL_FAILURE(run_once("echo key after 160", "failed", detail, kStarSenderKey, &s));
    EXPECT_EQ(detail, hgetall(redis(), "{wa}:vehicle:" + s.vehicle.id)["last_error"]);
}

// An accepted answer whose message id and text repeat the key: counted, the
// text redacted, the id (which would be stored) not used.
TEST_F(StarSenderEchoTest, EchoedKeyInAnAcceptedAnswerIsNotStored) {
    Seeded s;
    ASSERT_NO_FATAL_FAILURE(run_once("echo key accepted", "sent",
                                     "Pesan terkirim dengan [redacted]", kStarSenderKey, &s));
    EXPECT_EQ(1, report_frequency(http(), s));
    RedisReply stream = redis().command({"XRANGE", "{wa}:deliveries", "-", "+"});
    EXPECT_EQ(1u, stream.elements.size());
}

// ---------------------------------------------------------------- Cloud API

class CloudEchoTest : public SecretEchoTest<CloudEchoTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "cloud_api";
        return reminder_stack(s);
    }
};

TEST_F(CloudEchoTest, EchoedTokenInAnErrorIsRedacted) {
    const std::string detail =
        "code 190: Invalid OAuth access token - Cannot parse access token: Bearer [redacted]";
    Seeded s;
    ASSERT_NO_FATAL_FAILURE(run_once("echo key", "failed", detail, kCloudToken, &s));
    auto vehicle = hgetall(redis(), "{wa}:vehicle:" + s.vehicle.id);
    EXPECT_EQ(detail, vehicle["last_error"]);
    EXPECT_EQ("190", vehicle["last_error_code"]);
    EXPECT_EQ("1", redis().command({"HGET", "{wa}:stats", "failures"}).str);
}

TEST_F(CloudEchoTest, EchoCutByTheDetailLimitLeavesNoPiece) {
    const std::string detail = "code 190: Invalid OAuth access token - Cannot parse access token: "
        + std::string(110, 'x') + " Bearer [redacted]";
    Seeded s;
    ASSERT_NO_FATAL_FAILURE(run_once("echo key after 110", "failed", detail, kCloudToken, &s));
    EXPECT_EQ(detail, hgetall(redis(), "{wa}:vehicle:" + s.vehicle.id)["last_error"]);
}

TEST_F(CloudEchoTest, EchoedTokenInAnAcceptedAnswerIsNotStored) {
    Seeded s;
    ASSERT_NO_FATAL_FAILURE(
        run_once("echo key accepted", "sent", "accepted for Bearer [redacted]", kCloudToken, &s));
    EXPECT_EQ(1, report_frequency(http(), s));
}

}  // namespace
}  // namespace wa::itest
