#include <gtest/gtest.h>

#include "core/sha1.hpp"

namespace wa {
namespace {

TEST(Sha1Hex, MatchesKnownDigests) {
    EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(sha1_hex("return 1"), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

TEST(Sha1Hex, HashesBinaryData) {
    std::string with_nul("a\0b", 3);
    EXPECT_NE(sha1_hex(with_nul), sha1_hex("ab"));
    EXPECT_EQ(sha1_hex(with_nul).size(), 40u);
}

}  // namespace
}  // namespace wa
