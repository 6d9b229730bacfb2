#include "core/utf8.hpp"

#include <gtest/gtest.h>

namespace wa {
namespace {

TEST(Utf8Char, ReadsWellFormedCharactersOfEachLength) {
    std::string s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";  // a é € 😀
    Utf8Char c = utf8_char(s, 0);
    EXPECT_EQ(c.code_point, U'a');
    EXPECT_EQ(c.length, 1u);
    c = utf8_char(s, 1);
    EXPECT_EQ(c.code_point, 0xe9u);
    EXPECT_EQ(c.length, 2u);
    c = utf8_char(s, 3);
    EXPECT_EQ(c.code_point, 0x20acu);
    EXPECT_EQ(c.length, 3u);
    c = utf8_char(s, 6);
    EXPECT_EQ(c.code_point, 0x1f600u);
    EXPECT_EQ(c.length, 4u);
    EXPECT_TRUE(c.valid);
}

TEST(Utf8Char, IllFormedSequencesTakeTheirMaximalSubpart) {
    // Overlong, surrogate, above U+10FFFF, a lone continuation byte: one byte.
    for (std::string s : {"\xc0\xaf", "\xed\xa0\x80", "\xf5\x80\x80\x80", "\x80"}) {
        Utf8Char c = utf8_char(s, 0);
        EXPECT_FALSE(c.valid) << s;
        EXPECT_EQ(c.length, 1u) << s;
        EXPECT_EQ(c.code_point, kReplacementCharacter);
    }
    // A three-byte start cut short after one good continuation: two bytes.
    Utf8Char c = utf8_char(
        "\xe2\x82"
        "a",
        0);
    EXPECT_FALSE(c.valid);
    EXPECT_EQ(c.length, 2u);
    // Cut by the end of the text.
    c = utf8_char("\xf0\x9f", 0);
    EXPECT_FALSE(c.valid);
    EXPECT_EQ(c.length, 2u);
}

TEST(AppendUtf8, RoundTrips) {
    for (char32_t cp : {U'a', char32_t{0xe9}, char32_t{0x20ac}, char32_t{0x1f600}}) {
        std::string out;
        append_utf8(out, cp);
        Utf8Char c = utf8_char(out, 0);
        EXPECT_TRUE(c.valid);
        EXPECT_EQ(c.code_point, cp);
        EXPECT_EQ(c.length, out.size());
    }
}

}  // namespace
}  // namespace wa
