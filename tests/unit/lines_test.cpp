#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/lines.hpp"

namespace wa {
namespace {

// Feeds `body` in pieces of `piece` bytes as the import reads it and writes
// what the reader reports: a line as its text, a too-long line as "!".
std::vector<std::string> read_lines(std::string_view body, size_t piece, size_t limit) {
    LineReader reader;
    std::vector<std::string> out;
    auto drain = [&] {
        for (;;) {
            LineEvent e = reader.next(limit);
            if (e.kind == LineEvent::line)
                out.emplace_back(e.text);
            else if (e.kind == LineEvent::too_long)
                out.emplace_back("!");
            if (!e.taken)
                return;
        }
    };
    for (size_t at = 0; at < body.size(); at += piece) {
        reader.feed(body.substr(at, piece));
        drain();
    }
    drain();
    LineEvent last = reader.finish(limit);
    if (last.kind == LineEvent::line)
        out.emplace_back(last.text);
    else if (last.kind == LineEvent::too_long)
        out.emplace_back("!");
    return out;
}

TEST(LineReader, SplitsAtNewlinesWhateverThePieces) {
    std::vector<std::string> want = {"a", "", "bc", "d"};
    for (size_t piece : {1, 2, 3, 100})
        EXPECT_EQ(read_lines("a\n\nbc\nd", piece, 10), want) << piece;
}

TEST(LineReader, NoLineAfterAFinalNewline) {
    EXPECT_EQ(read_lines("a\nb\n", 1, 10), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(read_lines("", 1, 10), std::vector<std::string>{});
}

TEST(LineReader, ReportsATooLongLineOnceAndKeepsNone) {
    std::vector<std::string> want = {"ok", "!", "12345", "!"};
    for (size_t piece : {1, 4, 100})
        EXPECT_EQ(read_lines("ok\n123456789\n12345\n123456", piece, 5), want) << piece;
}

TEST(LineReader, HoldsAtMostTheLimitAndOnePiece) {
    LineReader reader;
    reader.feed("1234");
    EXPECT_EQ(reader.next(5).kind, LineEvent::none);
    reader.feed("5678");
    LineEvent e = reader.next(5);
    EXPECT_EQ(e.kind, LineEvent::too_long);
    EXPECT_FALSE(e.taken);
    EXPECT_EQ(reader.buffered(), 0u);
    reader.feed("9\nx");
    e = reader.next(5);
    EXPECT_EQ(e.kind, LineEvent::none);
    EXPECT_TRUE(e.taken);
    e = reader.next(5);
    EXPECT_EQ(e.kind, LineEvent::none);
    EXPECT_FALSE(e.taken);
    e = reader.finish(5);
    EXPECT_EQ(e.kind, LineEvent::line);
    EXPECT_EQ(e.text, "x");
}

}  // namespace
}  // namespace wa
