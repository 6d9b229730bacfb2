#include <gtest/gtest.h>

#include "core/keys.hpp"

namespace wa {
namespace {

TEST(Keys, NamesEveryKeyUnderOneHashTag) {
    Keys k("wa");
    EXPECT_EQ(k.tag(), "{wa}");
    EXPECT_EQ(k.customer("c1"), "{wa}:customer:c1");
    EXPECT_EQ(k.customer_vehicles("c1"), "{wa}:customer:c1:vehicles");
    EXPECT_EQ(k.customer_reports("c1"), "{wa}:customer:c1:reports");
    EXPECT_EQ(k.vehicle("v1"), "{wa}:vehicle:v1");
    EXPECT_EQ(k.due_day(20586), "{wa}:due:20586");
    EXPECT_EQ(k.attempt("v1"), "{wa}:attempt:v1");
    EXPECT_EQ(k.deliveries(), "{wa}:deliveries");
    EXPECT_EQ(k.schedule(), "{wa}:schedule");
    EXPECT_EQ(k.run_lease(), "{wa}:run:lease");
    EXPECT_EQ(k.run_current(), "{wa}:run:current");
    EXPECT_EQ(k.run_last(), "{wa}:run:last");
    EXPECT_EQ(k.run_details("r1"), "{wa}:run:r1:details");
    EXPECT_EQ(k.run_done("r1"), "{wa}:run:r1:done");
    EXPECT_EQ(k.run_result("r1"), "{wa}:run:r1:result");
    EXPECT_EQ(k.report("c1", "v1"), "{wa}:report:c1:v1");
    EXPECT_EQ(k.reports(), "{wa}:reports");
    EXPECT_EQ(k.report_ids(), "{wa}:report-ids");
    EXPECT_EQ(k.seq(), "{wa}:seq");
    EXPECT_EQ(k.stats(), "{wa}:stats");
    EXPECT_EQ(k.stats_freq(), "{wa}:stats:freq");
    EXPECT_EQ(k.message("wamid.ABC"), "{wa}:msg:wamid.ABC");
}

TEST(Keys, UsesTheConfiguredPrefix) {
    Keys k("shop-1:test");
    EXPECT_EQ(k.tag(), "{shop-1:test}");
    EXPECT_EQ(k.report("a", "b"), "{shop-1:test}:report:a:b");
}

TEST(ValidKeyPrefix, AcceptsAllowedCharacters) {
    EXPECT_TRUE(valid_key_prefix("wa"));
    EXPECT_TRUE(valid_key_prefix("A-Z_a.z:0-9"));
    EXPECT_TRUE(valid_key_prefix(std::string(64, 'x')));
}

TEST(ValidKeyPrefix, RejectsEmptyLongAndSpecialCharacters) {
    EXPECT_FALSE(valid_key_prefix(""));
    EXPECT_FALSE(valid_key_prefix(std::string(65, 'x')));
    EXPECT_FALSE(valid_key_prefix("{wa}"));
    EXPECT_FALSE(valid_key_prefix("w}a"));
    EXPECT_FALSE(valid_key_prefix("w a"));
    EXPECT_FALSE(valid_key_prefix("wa/x"));
    EXPECT_FALSE(valid_key_prefix("wa*"));
    EXPECT_FALSE(valid_key_prefix(std::string("w\0a", 3)));
    EXPECT_FALSE(valid_key_prefix("caf\xc3\xa9"));
}

}  // namespace
}  // namespace wa
