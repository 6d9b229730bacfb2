#include <gtest/gtest.h>

#include "core/text.hpp"

namespace wa {
namespace {

TEST(FindControl, FindsControlsButNotWhitespace) {
    EXPECT_EQ(find_control("Budi Santoso"), std::nullopt);
    EXPECT_EQ(find_control(" \t\n\v\f\r Budi"), std::nullopt);
    EXPECT_EQ(find_control("Budi\xc2\x85Santoso"), std::nullopt) << "U+0085 is whitespace";
    EXPECT_EQ(find_control("Budi\xc2\xa0\xe3\x80\x80 Santoso"), std::nullopt);
    EXPECT_EQ(find_control("Budi\x07"), 4u);
    EXPECT_EQ(find_control(std::string_view("A\0B", 3)), 1u);
    EXPECT_EQ(find_control("A\x1b[31m"), 1u);
    EXPECT_EQ(find_control("Jos\xc3\xa9\x7f"), 5u);
    EXPECT_EQ(find_control("x\xc2\x9b"), 1u) << "C1 controls too";
    EXPECT_EQ(find_control("\xff\xfe"), std::nullopt) << "ill-formed is not a control";
    EXPECT_EQ(find_control(""), std::nullopt);
}

// The example: Meta refuses a parameter with a newline, a tab or
// more than 4 spaces in a row.
TEST(OneLine, CollapsesWhitespaceRunsAndTrims) {
    EXPECT_EQ(one_line("Budi\nSantoso"), "Budi Santoso");
    EXPECT_EQ(one_line("Budi\tSantoso"), "Budi Santoso");
    EXPECT_EQ(one_line("Budi     Santoso"), "Budi Santoso");
    EXPECT_EQ(one_line("  \r\n Budi \t\n  Santoso \n"), "Budi Santoso");
    EXPECT_EQ(one_line("B\xc2\xa0\xc2\xa0\xe2\x80\xa8"
                       "1234\xe3\x80\x80"
                       "CD"),
              "B 1234 CD");
    EXPECT_EQ(one_line("Budi\x07\x1b Santoso\x7f"), "Budi Santoso") << "controls are dropped";
    EXPECT_EQ(one_line("Bu\x07"
                       "di"),
              "Budi");
    EXPECT_EQ(one_line(" \t\n"), "");
    EXPECT_EQ(one_line(""), "");
    EXPECT_EQ(one_line("Jos\xc3\xa9 \xf0\x9f\x9a\x97"), "Jos\xc3\xa9 \xf0\x9f\x9a\x97");
    EXPECT_EQ(one_line("a\xff"
                       "b\xe2\x82"),
              "a\xef\xbf\xbd"
              "b\xef\xbf\xbd");
}

TEST(MultiLine, KeepsLinesAndDropsControls) {
    EXPECT_EQ(multi_line("Halo Budi,\r\nservis besok.\rTerima kasih"),
              "Halo Budi,\nservis besok.\nTerima kasih");
    EXPECT_EQ(multi_line("a\tb\vc\fd"), "a b c d");
    EXPECT_EQ(multi_line("a  b"), "a  b") << "the writer's layout stays";
    EXPECT_EQ(multi_line("\n\n Halo \n\n"), "Halo") << "trimmed at both ends";
    EXPECT_EQ(multi_line("a\x07\x1b"
                         "b\x7f"),
              "ab");
    EXPECT_EQ(multi_line("a\xe2\x80\xa8"
                         "b"),
              "a\nb");
    EXPECT_EQ(multi_line("a\xff"), "a\xef\xbf\xbd");
}

TEST(CutChars, CutsAtCharacterBoundaries) {
    EXPECT_EQ(cut_chars("Budi", 2), "Bu");
    EXPECT_EQ(cut_chars("Budi", 10), "Budi");
    EXPECT_EQ(cut_chars("Jos\xc3\xa9", 4), "Jos\xc3\xa9");
    EXPECT_EQ(cut_chars("Jos\xc3\xa9!", 4), "Jos\xc3\xa9");
    EXPECT_EQ(cut_chars("\xf0\x9f\x9a\x97\xf0\x9f\x9a\x97", 1), "\xf0\x9f\x9a\x97");
    EXPECT_EQ(cut_chars("abc", 0), "");
    EXPECT_EQ(count_chars("Jos\xc3\xa9 \xf0\x9f\x9a\x97"), 6u);
    EXPECT_EQ(count_chars("\xff\xe2\x82"), 2u);
    EXPECT_EQ(count_chars(""), 0u);
}

}  // namespace
}  // namespace wa
