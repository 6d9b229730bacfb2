#include <gtest/gtest.h>

#include "core/escape.hpp"

namespace wa {
namespace {

TEST(LogEscape, KeepsPlainTextAndUtf8) {
    EXPECT_EQ(log_escape(""), "");
    EXPECT_EQ(log_escape("Budi Santoso, B 1234 CD"), "Budi Santoso, B 1234 CD");
    EXPECT_EQ(log_escape("Ibu Dewi \xe2\x80\x94 caf\xc3\xa9 \xf0\x9f\x9a\x97"),
              "Ibu Dewi \xe2\x80\x94 caf\xc3\xa9 \xf0\x9f\x9a\x97");
}

TEST(LogEscape, QuotesAndBackslashesCannotEndTheValue) {
    EXPECT_EQ(log_escape(R"(a"b)"), R"(a\"b)");
    EXPECT_EQ(log_escape(R"(a\b)"), R"(a\\b)");
    // A value ending in a backslash cannot escape the closing quote.
    EXPECT_EQ(log_escape("x\\"), "x\\\\");
}

TEST(LogEscape, ControlCharactersBecomeHex) {
    EXPECT_EQ(log_escape("a\nb"), "a\\x0Ab");
    EXPECT_EQ(log_escape("a\r\nb"), "a\\x0D\\x0Ab");
    EXPECT_EQ(log_escape(std::string("a\0b", 3)), "a\\x00b");
    EXPECT_EQ(log_escape("\t\x1b[31m\x7f"), "\\x09\\x1B[31m\\x7F");
}

// The forged line of the issue: it stays inside one quoted value.
TEST(LogEscape, ForgedLogLineStaysOnOneLine) {
    std::string name =
        "Budi\n2026/11/24 10:00:00 [alert] 1#1: worker process 2 exited on signal 11";
    std::string out = log_escape(name);
    EXPECT_EQ(out.find('\n'), std::string::npos);
    EXPECT_EQ(out,
              "Budi\\x0A2026/11/24 10:00:00 [alert] 1#1: worker process 2 exited on signal 11");
}

TEST(LogEscape, UnicodeLineBreaksAndC1ControlsBecomeHex) {
    EXPECT_EQ(log_escape("a\xe2\x80\xa8"
                         "b\xe2\x80\xa9"
                         "c"),
              "a\\xE2\\x80\\xA8b\\xE2\\x80\\xA9c");
    EXPECT_EQ(log_escape("a\xc2\x85"
                         "b\xc2\x9b"
                         "c"),
              "a\\xC2\\x85b\\xC2\\x9Bc");
    EXPECT_EQ(log_escape("\xc2\xa0"), "\xc2\xa0");  // NBSP is text
}

TEST(LogEscape, IllFormedUtf8BecomesHex) {
    EXPECT_EQ(log_escape("a\xff"
                         "b"),
              "a\\xFFb");
    EXPECT_EQ(log_escape("\xc3"), "\\xC3");                             // truncated
    EXPECT_EQ(log_escape("\xc0\x8a"), "\\xC0\\x8A");                    // overlong newline
    EXPECT_EQ(log_escape("\xe0\x80\x8a"), "\\xE0\\x80\\x8A");           // overlong newline
    EXPECT_EQ(log_escape("\xed\xa0\x80"), "\\xED\\xA0\\x80");           // surrogate
    EXPECT_EQ(log_escape("\xf4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // above U+10FFFF
}

TEST(LogEscape, LongValuesAreCut) {
    std::string longer(kMaxLogValueBytes + 10, 'a');
    EXPECT_EQ(log_escape(longer), std::string(kMaxLogValueBytes, 'a') + "...");
    EXPECT_EQ(log_escape(std::string(kMaxLogValueBytes, 'a')), std::string(kMaxLogValueBytes, 'a'));

    // Not inside a character: "é" (2 bytes) straddling the limit is left out.
    std::string straddling = std::string(kMaxLogValueBytes - 1, 'a') + "\xc3\xa9" + "zz";
    EXPECT_EQ(log_escape(straddling), std::string(kMaxLogValueBytes - 1, 'a') + "...");
}

TEST(HeaderValueOk, RefusesWhatCouldEndTheHeader) {
    EXPECT_TRUE(header_value_ok(""));
    EXPECT_TRUE(header_value_ok("/whatsapp-report/detail?limit=2"));
    EXPECT_TRUE(header_value_ok("GET, PUT, DELETE"));
    EXPECT_TRUE(header_value_ok("a\tb \xc3\xa9"));
    EXPECT_FALSE(header_value_ok("x\r\nSet-Cookie: evil=1"));
    EXPECT_FALSE(header_value_ok("x\nSet-Cookie: evil=1"));
    EXPECT_FALSE(header_value_ok("x\r"));
    EXPECT_FALSE(header_value_ok(std::string("x\0y", 3)));
    EXPECT_FALSE(header_value_ok("\x1b"));
    EXPECT_FALSE(header_value_ok("\x7f"));
}

TEST(HeaderNameOk, TokensOnly) {
    EXPECT_TRUE(header_name_ok("X-Next-Cursor"));
    EXPECT_TRUE(header_name_ok("WWW-Authenticate"));
    EXPECT_FALSE(header_name_ok(""));
    EXPECT_FALSE(header_name_ok("Set-Cookie: a"));
    EXPECT_FALSE(header_name_ok("A\r\nB"));
}

TEST(Redact, ReplacesEveryOccurrence) {
    EXPECT_EQ(redact("key abc123 and abc123", "abc123"), "key [redacted] and [redacted]");
    EXPECT_EQ(redact("Authorization: Bearer EAAGtok", "EAAGtok"),
              "Authorization: Bearer [redacted]");
    EXPECT_EQ(redact("abc123abc123", "abc123"), "[redacted][redacted]");
    EXPECT_EQ(redact("nothing here", "abc123"), "nothing here");
}

TEST(Redact, TheSecretIsTrimmedAsWhenItIsSent) {
    EXPECT_EQ(redact("Invalid key abc123.", "abc123\n"), "Invalid key [redacted].");
    EXPECT_EQ(redact("Invalid key abc123.", "  abc123 \r\n"), "Invalid key [redacted].");
}

TEST(Redact, AnEmptySecretRemovesNothing) {
    EXPECT_EQ(redact("text", ""), "text");
    EXPECT_EQ(redact("text \n", " \n"), "text \n");
}

}  // namespace
}  // namespace wa
