#include "lines.hpp"

namespace wa {

void LineReader::drop_consumed() {
    // Erased lazily, so a line's text stays valid until the next call.
    if (consumed_ > 0) {
        pending_.erase(0, consumed_);
        consumed_ = 0;
        scanned_ = 0;
    }
}

LineEvent LineReader::next(size_t max_line_bytes) {
    drop_consumed();
    size_t nl = pending_.find('\n', scanned_);
    if (nl == std::string::npos) {
        scanned_ = pending_.size();
        LineEvent event;
        if (pending_.size() > max_line_bytes && !overlong_) {
            overlong_ = true;
            event.kind = LineEvent::too_long;
        }
        if (overlong_) {
            pending_.clear();
            scanned_ = 0;
        }
        return event;
    }
    consumed_ = nl + 1;
    LineEvent event;
    event.taken = true;
    if (overlong_) {
        overlong_ = false;
    } else if (nl > max_line_bytes) {
        event.kind = LineEvent::too_long;
    } else {
        event.kind = LineEvent::line;
        event.text = std::string_view(pending_).substr(0, nl);
    }
    return event;
}

LineEvent LineReader::finish(size_t max_line_bytes) {
    drop_consumed();
    LineEvent event;
    if (!pending_.empty() && !overlong_) {
        event.taken = true;
        if (pending_.size() > max_line_bytes) {
            event.kind = LineEvent::too_long;
        } else {
            event.kind = LineEvent::line;
            event.text = pending_;
        }
    }
    // The text stays valid until the next call: cleared then.
    consumed_ = pending_.size();
    overlong_ = false;
    return event;
}

}  // namespace wa
