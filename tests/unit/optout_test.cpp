#include <gtest/gtest.h>

#include "core/optout.hpp"

namespace wa {
namespace {

OptChange change(std::string_view text) {
    return inbound_opt_change(text, default_stop_words(), default_start_words());
}

TEST(InboundOptChange, OneStopWordInAnyAsciiCase) {
    EXPECT_EQ(OptChange::opt_out, change("STOP"));
    EXPECT_EQ(OptChange::opt_out, change("stop"));
    EXPECT_EQ(OptChange::opt_out, change("Berhenti"));
    EXPECT_EQ(OptChange::opt_out, change("unsubscribe"));
}

TEST(InboundOptChange, OneStartWord) {
    EXPECT_EQ(OptChange::opt_in, change("START"));
    EXPECT_EQ(OptChange::opt_in, change("mulai"));
}

TEST(InboundOptChange, TrimsAsciiAndUnicodeWhitespace) {
    EXPECT_EQ(OptChange::opt_out, change("  stop\n"));
    EXPECT_EQ(OptChange::opt_out, change("\t STOP \r\n"));
    EXPECT_EQ(OptChange::opt_out, change("\xC2\xA0stop\xC2\xA0"));  // NBSP
    EXPECT_EQ(OptChange::opt_in, change("\xE3\x80\x80MULAI"));      // ideographic space
}

TEST(InboundOptChange, AnythingButExactlyOneWordIsNone) {
    EXPECT_EQ(OptChange::none, change("stop please"));
    EXPECT_EQ(OptChange::none, change("please stop"));
    EXPECT_EQ(OptChange::none, change("STOP!"));
    EXPECT_EQ(OptChange::none, change("s t o p"));
    EXPECT_EQ(OptChange::none, change("stopp"));
    EXPECT_EQ(OptChange::none, change(""));
    EXPECT_EQ(OptChange::none, change(" \n "));
    EXPECT_EQ(OptChange::none, change("terima kasih"));
}

TEST(InboundOptChange, NonAsciiLettersAreNotFolded) {
    // Only ASCII is folded: "stöp" is not "STÖP" (and neither is a stop word).
    std::vector<std::string> stop = {fold_word("HÄLT")};
    EXPECT_EQ(OptChange::opt_out, inbound_opt_change("hÄlt", stop, {}));
    EXPECT_EQ(OptChange::none, inbound_opt_change("hält", stop, {}));
}

TEST(InboundOptChange, ConfiguredListsReplaceTheDefaults) {
    std::vector<std::string> stop = {fold_word("stopp")};
    std::vector<std::string> start = {fold_word("Go")};
    EXPECT_EQ(OptChange::opt_out, inbound_opt_change("STOPP", stop, start));
    EXPECT_EQ(OptChange::none, inbound_opt_change("STOP", stop, start));
    EXPECT_EQ(OptChange::opt_in, inbound_opt_change("go", stop, start));
}

TEST(FoldWord, UpperCasesAsciiOnly) {
    EXPECT_EQ("BERHENTI", fold_word("berHenti"));
    EXPECT_EQ("\xC3\xA4X", fold_word("\xC3\xA4x"));
}

TEST(OptWordError, RefusesWhatCannotBeOneWord) {
    EXPECT_EQ(std::nullopt, opt_word_error("STOP"));
    EXPECT_EQ(std::nullopt, opt_word_error("BERHENTI"));
    EXPECT_EQ("an empty word", opt_word_error(""));
    EXPECT_EQ("a word with spaces, control characters or invalid UTF-8",
              opt_word_error("stop please"));
    EXPECT_EQ("a word with spaces, control characters or invalid UTF-8", opt_word_error(" STOP"));
    EXPECT_EQ("a word with spaces, control characters or invalid UTF-8",
              opt_word_error("ST\xC2\xA0OP"));
    EXPECT_EQ("a word with spaces, control characters or invalid UTF-8",
              opt_word_error("ST\x01OP"));
    EXPECT_EQ("a word with spaces, control characters or invalid UTF-8", opt_word_error("\xFF"));
    EXPECT_EQ("a word longer than 64 bytes", opt_word_error(std::string(65, 'A')));
    EXPECT_EQ(std::nullopt, opt_word_error(std::string(64, 'A')));
}

TEST(ValidOptReason, TheFiveReasons) {
    for (const char* r :
         {"stop_word", "start_word", "user_preferences", "error_131050", "data_api"}) {
        EXPECT_TRUE(valid_opt_reason(r)) << r;
    }
    EXPECT_FALSE(valid_opt_reason(""));
    EXPECT_FALSE(valid_opt_reason("STOP_WORD"));
    EXPECT_FALSE(valid_opt_reason("stop"));
}

}  // namespace
}  // namespace wa
