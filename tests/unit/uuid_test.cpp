#include <gtest/gtest.h>

#include "core/uuid.hpp"

namespace wa {
namespace {

constexpr const char* kCanonical = "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26";

TEST(ParseUuid, AcceptsCanonicalForm) { EXPECT_EQ(parse_uuid(kCanonical), kCanonical); }

TEST(ParseUuid, LowercasesUppercaseAndMixedHex) {
    EXPECT_EQ(parse_uuid("19DB3AD0-DDD1-4FB2-BB98-2EF8DAF61A26"), kCanonical);
    EXPECT_EQ(parse_uuid("19dB3Ad0-dDd1-4Fb2-bB98-2eF8dAf61A26"), kCanonical);
}

TEST(ParseUuid, AcceptsBareHexDigits) {
    EXPECT_EQ(parse_uuid("19db3ad0ddd14fb2bb982ef8daf61a26"), kCanonical);
}

TEST(ParseUuid, AcceptsBracesAndUrnPrefix) {
    EXPECT_EQ(parse_uuid("{19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26}"), kCanonical);
    EXPECT_EQ(parse_uuid("{19db3ad0ddd14fb2bb982ef8daf61a26}"), kCanonical);
    EXPECT_EQ(parse_uuid("urn:uuid:19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26"), kCanonical);
    EXPECT_EQ(parse_uuid("urn:uuid:19db3ad0ddd14fb2bb982ef8daf61a26"), kCanonical);
    EXPECT_EQ(parse_uuid("urn:uuid:{19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26}"), kCanonical);
}

TEST(ParseUuid, AcceptsAnyVersionAndTheNilUuid) {
    EXPECT_EQ(parse_uuid("00000000-0000-0000-0000-000000000000"),
              "00000000-0000-0000-0000-000000000000");
    EXPECT_EQ(parse_uuid("ffffffff-ffff-1fff-0fff-ffffffffffff"),
              "ffffffff-ffff-1fff-0fff-ffffffffffff");
}

TEST(ParseUuid, RejectsMalformedInput) {
    const char* bad[] = {
        "",
        "not-a-uuid",
        "reset-frequency",
        "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a2",    // 31 digits
        "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a266",  // 33 digits
        "19db3ad0ddd1-4fb2-bb98-2ef8daf61a26-",   // hyphens misplaced
        "19db3ad0-ddd14fb2-bb98-2ef8daf61a26",    // a hyphen missing
        "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a2g",   // not hex
        "19db3ad0_ddd1_4fb2_bb98_2ef8daf61a26",
        " 19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26",  // whitespace
        "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26 ",
        "{19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26",  // unbalanced brace
        "19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26}",
        "URN:UUID:19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26",
        "uuid:19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26",
        "+9db3ad0-ddd1-4fb2-bb98-2ef8daf61a26",
    };
    for (const char* s : bad) {
        EXPECT_EQ(parse_uuid(s), std::nullopt) << s;
    }
}

TEST(ParseUuid, RejectsEmbeddedNul) {
    std::string s(kCanonical);
    s[3] = '\0';
    EXPECT_EQ(parse_uuid(s), std::nullopt);
}

TEST(FormatUuidV4, SetsVersionAndVariantBits) {
    EXPECT_EQ(format_uuid_v4(0, 0), "00000000-0000-4000-8000-000000000000");
    EXPECT_EQ(format_uuid_v4(~uint64_t{0}, ~uint64_t{0}), "ffffffff-ffff-4fff-bfff-ffffffffffff");
    EXPECT_EQ(format_uuid_v4(0x0123456789abcdefULL, 0xfedcba9876543210ULL),
              "01234567-89ab-4def-bedc-ba9876543210");
}

TEST(FormatUuidV4, RoundTripsThroughParse) {
    std::string id = format_uuid_v4(0x19db3ad0ddd14fb2ULL, 0xbb982ef8daf61a26ULL);
    EXPECT_EQ(id, kCanonical);
    EXPECT_EQ(parse_uuid(id), id);
}

}  // namespace
}  // namespace wa
