// A worker timer as an object: armed, cancelable, removed by its destructor.
//
// nginx's debug log names an event by `((ngx_connection_t *) ev->data)->fd`
// ("event timer add: <ident>: ..."), so ev->data must point at something
// laid out like a connection's first words; like nginx's resolver, the
// object starts with three pointers and then its ident, a negative number
// per kind of timer (TimerIdent). A handler finds its object back through
// ev->data.
#pragma once

#include "ngx_wa.hpp"

#include <cstddef>

namespace wa {

// The ident nginx's debug log shows for each of the module's timers.
enum class TimerIdent : ngx_int_t {
    reminder_tick = -101,   // the engine's tick
    reminder_reap = -102,   // frees ended runs (a posted event)
    run_lease = -103,       // renews a run's lease
    run_hold = -104,        // ends a run that makes no progress
    send_rate = -105,       // the next send the rate allows
    send_retry = -106,      // one message's next attempt
    redis_timeout = -107,   // connect and command timeouts
    redis_retry = -108,     // reconnect backoff
    gateway_client = -109,  // libcurl's timeouts
    run_slice = -110,       // a run's next slice of work (a posted event)
    recipient_pace = -111,  // the next send wa_report_recipient_interval allows
    send_window = -112,     // the close of wa_report_send_window
};

class Timer {
public:
    using Fn = void (*)(void* data) noexcept;

    // cancelable: a worker that is shutting down exits without waiting for
    // it. One that is not keeps a shutting-down worker until it has fired:
    // for timers that bound a wait the worker must see to its end.
    Timer(ngx_log_t* log, TimerIdent ident, bool cancelable, Fn fn, void* data);
    ~Timer();

    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    // Fires once, ms from now; an armed timer is moved.
    void arm(ngx_msec_t ms);
    // Fires once from nginx's posted events, after the current event's work.
    void post();
    // Fires at the next pass of the event loop, after nginx has looked at
    // the connections again (ngx_posted_next_events): how long work yields.
    void post_next();
    void cancel();
    bool armed() const { return ev_.timer_set || ev_.posted; }

private:
    static void on_event(ngx_event_t* ev);

    // Read by nginx's debug log as a connection's data, read, write and fd.
    void* unused_[3] = {};
    ngx_int_t ident_;
    ngx_event_t ev_{};
    Fn fn_;
    void* data_;
};

}  // namespace wa
