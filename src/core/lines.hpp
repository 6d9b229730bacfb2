// The NDJSON body of POST /data/import, split into lines as its pieces
// arrive from the client (memory buffers, file reads), whatever the pieces'
// boundaries: the same body gives the same lines cut anywhere.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wa {

struct LineEvent {
    enum Kind {
        none,      // nothing to report (taken: the rest of a too-long line was skipped)
        line,      // a complete line (without its '\n'), at most the limit long
        too_long,  // a line longer than the limit; counts as a line, its text is dropped
    };
    Kind kind = none;
    std::string_view text;  // for line: valid until the next call on the reader
    bool taken = false;     // whether a '\n' (or the body's end) was consumed
};

// A line longer than the limit is reported once, as soon as the buffered part
// of it passes the limit, and is not kept: the reader holds at most
// max_line_bytes plus one fed piece.
class LineReader {
public:
    void feed(std::string_view piece) { pending_.append(piece); }

    // The next line of what was fed, or {none, taken false} when a line is
    // still incomplete (feed more, or finish at the body's end).
    LineEvent next(size_t max_line_bytes);

    // At the body's end: its last line when it has no final '\n' (none when
    // empty or the rest of a too-long line); the reader is then empty.
    LineEvent finish(size_t max_line_bytes);

    size_t buffered() const { return pending_.size() - consumed_; }

private:
    void drop_consumed();

    std::string pending_;
    size_t consumed_ = 0;    // bytes of pending_ already given out as lines
    size_t scanned_ = 0;     // bytes of pending_ already searched for '\n'
    bool overlong_ = false;  // skipping the rest of a line that was too long
};

}  // namespace wa
