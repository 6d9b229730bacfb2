// How a reminder run's callbacks (Store answers, gateway answers, timers)
// enter it, shared by the run and its sender.
//
// The run counts the callbacks still to come and is freed only when it has
// ended and none is left. Each counted callback gives its place back on
// every path out of it (a scope guard), and an exception that escapes any
// callback's body ends the run: it is logged, the run stops, its lease
// lapses, and the next tick resumes it. Without this, one exception left
// the run held forever: the worker never ticked again and run-now answered
// "busy" until a restart.
#pragma once

#include "ngx_wa.hpp"

#include <cstddef>

namespace wa {

// The most a run does in one pass of nginx's event loop: due rows classified
// (and their texts rendered), or message steps taken (a send started, a
// gateway request made, a gateway answer acted on). The rest waits for the
// next pass, so requests on the same worker wait behind a few steps of a
// run, not behind a whole batch or a burst of answers.
constexpr size_t run_steps_per_pass = 8;

class RunGuard {
public:
    using Fn = void (*)(void* run) noexcept;

    // fail: ends the run after an exception; settle: called after each
    // counted callback, to free the run once it has ended and none is left.
    RunGuard(ngx_log_t* log, Fn fail, Fn settle, void* run)
        : log_(log), fail_(fail), settle_(settle), run_(run) {}

    RunGuard(const RunGuard&) = delete;
    RunGuard& operator=(const RunGuard&) = delete;

    // A counted callback will come (a call was sent, a timer armed).
    void expect() { pending_++; }
    // It will not after all (its timer was canceled).
    void forget() { pending_--; }
    size_t pending() const { return pending_; }

    // The body of a counted callback.
    template <class F>
    void answer(F&& body) noexcept {
        Settle settle{*this};
        enter(body);
    }

    // The body of any other entry: a timer the run cancels when it ends,
    // or the engine starting the run.
    template <class F>
    void enter(F&& body) noexcept {
        if (!guard(log_, body)) {
            fail_(run_);
        }
    }

private:
    struct Settle {
        RunGuard& g;
        ~Settle() {
            g.pending_--;
            g.settle_(g.run_);
        }
    };

    ngx_log_t* log_;
    Fn fail_;
    Fn settle_;
    void* run_;
    size_t pending_ = 0;
};

}  // namespace wa
