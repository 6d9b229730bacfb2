#include "core/http_errors.hpp"

#include <gtest/gtest.h>

namespace wa {
namespace {

TEST(HttpErrors, PhrasesArePythons) {
    EXPECT_EQ("Bad Request", reason_phrase(400));
    EXPECT_EQ("Forbidden", reason_phrase(403));
    EXPECT_EQ("Method Not Allowed", reason_phrase(405));
    EXPECT_EQ("Request Timeout", reason_phrase(408));
    EXPECT_EQ("Request-URI Too Long", reason_phrase(414));
    EXPECT_EQ("Too Many Requests", reason_phrase(429));
    EXPECT_EQ("Internal Server Error", reason_phrase(500));
    EXPECT_EQ("Bad Gateway", reason_phrase(502));
    EXPECT_EQ("Service Unavailable", reason_phrase(503));
    EXPECT_EQ("Gateway Timeout", reason_phrase(504));
}

TEST(HttpErrors, UnnamedStatusesSayError) {
    EXPECT_EQ("Error", reason_phrase(494));
    EXPECT_EQ("Error", reason_phrase(599));
    EXPECT_EQ("Error", reason_phrase(200));
}

TEST(HttpErrors, BodiesAreDetailObjects) {
    EXPECT_EQ(R"({"detail":"Forbidden"})", error_status_json(403, 0));
    EXPECT_EQ(R"({"detail":"Service Unavailable"})", error_status_json(503, 1024));
    EXPECT_EQ(R"({"detail":"Request body is larger than 1048576 bytes"})",
              error_status_json(413, 1048576));
    EXPECT_EQ(R"({"detail":"Request body is larger than 4096 bytes"})", body_too_large_json(4096));
}

}  // namespace
}  // namespace wa
