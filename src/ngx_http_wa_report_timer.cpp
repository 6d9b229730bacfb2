#include "ngx_http_wa_report_timer.hpp"

namespace wa {

Timer::Timer(ngx_log_t* log, TimerIdent ident, bool cancelable, Fn fn, void* data)
    : ident_(static_cast<ngx_int_t>(ident)), fn_(fn), data_(data) {
    static_assert(offsetof(Timer, ident_) == offsetof(ngx_connection_t, fd),
                  "nginx reads an event's ident where a connection keeps its fd");
    ev_.handler = on_event;
    ev_.data = this;
    ev_.log = log;
    ev_.cancelable = cancelable ? 1 : 0;
}

Timer::~Timer() { cancel(); }

void Timer::arm(ngx_msec_t ms) { ngx_add_timer(&ev_, ms); }

void Timer::post() {
    if (!ev_.posted) {
        ngx_post_event(&ev_, &ngx_posted_events);
    }
}

void Timer::post_next() {
    if (!ev_.posted) {
        ngx_post_event(&ev_, &ngx_posted_next_events);
    }
}

void Timer::cancel() {
    if (ev_.timer_set) {
        ngx_del_timer(&ev_);
    }
    if (ev_.posted) {
        ngx_delete_posted_event(&ev_);
    }
}

void Timer::on_event(ngx_event_t* ev) {
    auto* self = static_cast<Timer*>(ev->data);
    self->fn_(self->data_);
}

}  // namespace wa
