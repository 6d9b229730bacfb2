#include "core/sentinel.hpp"

#include <gtest/gtest.h>

namespace wa {
namespace {

TEST(SentinelAddressTest, TakesIpLiteralsAndPorts) {
    auto a = sentinel_address("127.0.0.1", "6380");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 6380);
    auto b = sentinel_address("::1", "65535");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->host, "::1");
    EXPECT_EQ(b->port, 65535);
}

TEST(SentinelAddressTest, RefusesNamesAndBadPorts) {
    EXPECT_FALSE(sentinel_address("redis-1.example", "6379"));  // would need a DNS lookup
    EXPECT_FALSE(sentinel_address("", "6379"));
    EXPECT_FALSE(sentinel_address("127.0.0.1", "0"));
    EXPECT_FALSE(sentinel_address("127.0.0.1", "65536"));
    EXPECT_FALSE(sentinel_address("127.0.0.1", "-1"));
    EXPECT_FALSE(sentinel_address("127.0.0.1", "63 79"));
    EXPECT_FALSE(sentinel_address("127.0.0.1", ""));
    EXPECT_FALSE(sentinel_address("127.0.0.1", "000006379"));
    EXPECT_FALSE(sentinel_address(std::string_view("127.0.0.1\0x", 11), "6379"));
}

TEST(SwitchMasterTest, NewAddressOfItsMaster) {
    auto a = switch_master_address("wa 127.0.0.1 6379 127.0.0.1 6380", "wa");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 6380);
}

TEST(SwitchMasterTest, IgnoresOtherMastersAndOtherShapes) {
    EXPECT_FALSE(switch_master_address("other 127.0.0.1 6379 127.0.0.1 6380", "wa"));
    EXPECT_FALSE(switch_master_address("wa 127.0.0.1 6379 127.0.0.1", "wa"));
    EXPECT_FALSE(switch_master_address("wa 127.0.0.1 6379 127.0.0.1 6380 x", "wa"));
    EXPECT_FALSE(switch_master_address("wa 127.0.0.1 6379 host.example 6380", "wa"));
    EXPECT_FALSE(switch_master_address("", "wa"));
    EXPECT_FALSE(switch_master_address("wax 127.0.0.1 6379 127.0.0.1 6380", "wa"));
}

}  // namespace
}  // namespace wa
