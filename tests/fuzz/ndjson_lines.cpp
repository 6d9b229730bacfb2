// The import's line reader: a body cut into pieces anywhere gives the lines
// (and the too-long reports) that splitting it whole at '\n' gives, and the
// reader never holds more than the limit plus one piece.
#include <vector>

#include "core/lines.hpp"
#include "fuzz.hpp"

namespace {

struct Seen {
    bool too_long;
    std::string text;
    bool operator==(const Seen& o) const { return too_long == o.too_long && text == o.text; }
};

void record(const wa::LineEvent& event, std::vector<Seen>& seen, size_t limit) {
    if (event.kind == wa::LineEvent::line) {
        FUZZ_CHECK(event.text.size() <= limit);
        FUZZ_CHECK(event.text.find('\n') == std::string_view::npos);
        seen.push_back({false, std::string(event.text)});
    } else if (event.kind == wa::LineEvent::too_long) {
        seen.push_back({true, ""});
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2)
        return 0;
    size_t limit = data[0] % 64;
    size_t piece = 1 + data[1] % 16;
    std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);

    // The model: split at '\n'; a last line without one counts when non-empty.
    std::vector<Seen> expected;
    for (size_t start = 0; start < body.size();) {
        size_t nl = body.find('\n', start);
        size_t end = nl == std::string_view::npos ? body.size() : nl;
        std::string_view line = body.substr(start, end - start);
        expected.push_back(line.size() > limit ? Seen{true, ""} : Seen{false, std::string(line)});
        start = end + 1;
    }

    // As the import reads: drain what is buffered, then feed the next piece.
    wa::LineReader reader;
    std::vector<Seen> seen;
    for (size_t at = 0; at <= body.size(); at += piece) {
        for (;;) {
            wa::LineEvent event = reader.next(limit);
            record(event, seen, limit);
            if (!event.taken)
                break;
        }
        FUZZ_CHECK(reader.buffered() <= limit + piece);
        if (at < body.size())
            reader.feed(body.substr(at, piece));
    }
    for (;;) {
        wa::LineEvent event = reader.next(limit);
        record(event, seen, limit);
        if (!event.taken)
            break;
    }
    record(reader.finish(limit), seen, limit);
    FUZZ_CHECK(reader.buffered() == 0);
    FUZZ_CHECK(seen == expected);
    return 0;
}
