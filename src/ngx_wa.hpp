// The one place nginx's C headers enter the C++ code.
#pragma once

extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>
#include <ngx_http.h>
}

#include "core/escape.hpp"

#include <string>
#include <string_view>

namespace wa {

// A value from a request, Redis or a gateway, made safe for the quoted part
// of a log line (log_escape); noexcept, so it may be used in a catch block
// ("" when even that fails for want of memory).
inline std::string log_value(std::string_view value) noexcept {
    try {
        return log_escape(value);
    } catch (...) {
        return std::string();
    }
}

// FastAPI's status for invalid input; nginx has no name for it.
constexpr ngx_uint_t http_unprocessable = 422;

// No exception may unwind into nginx, hiredis or curl: every entry point
// they call is noexcept and runs its body through guard(). false: it threw
// (logged). A statement where nothing more is to be done; its bool is for
// callers that must do something on failure (answer 500, refuse a buffer).
template <class F>
bool guard(ngx_log_t* log, F&& f) noexcept {
    try {
        f();
        return true;
    } catch (const std::exception& e) {
        ngx_log_error(NGX_LOG_ALERT, log, 0, "wa_report: exception \"%s\"",
                      log_value(e.what()).c_str());
    } catch (...) {
        ngx_log_error(NGX_LOG_ALERT, log, 0, "wa_report: unknown exception");
    }
    return false;
}

// The worker is shutting down (reload, quit): start nothing new.
inline bool worker_exiting() { return ngx_exiting || ngx_quit || ngx_terminate; }

inline std::string_view sv(const ngx_str_t& s) {
    return {reinterpret_cast<const char*>(s.data), s.len};
}

inline std::string str(const ngx_str_t& s) { return std::string(sv(s)); }

// Gives back an nginx connection that wraps a socket another library owns
// (hiredis, libcurl): its events leave the event loop and the posted queue,
// and the connection is freed without closing the fd, which its library
// closes itself.
inline void release_borrowed_connection(ngx_connection_t* c) {
    if (c->read->active) {
        ngx_del_event(c->read, NGX_READ_EVENT, 0);
    }
    if (c->write->active) {
        ngx_del_event(c->write, NGX_WRITE_EVENT, 0);
    }
    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }
    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }
    c->fd = (ngx_socket_t)-1;
    ngx_free_connection(c);
}

}  // namespace wa
