// One Redis connection of the worker: hiredis's async API on nginx's event
// loop. With wa_report_redis_sentinel, the primary's address is asked of the
// sentinels first, and asked again whenever the connection is lost, the node
// answers that it is not the primary (ROLE at set-up, READONLY later), or a
// sentinel announces +switch-master.
#pragma once

#include "ngx_http_wa_report_conf.hpp"
#include "ngx_http_wa_report_metrics.hpp"
#include "ngx_http_wa_report_timer.hpp"

#include "core/log_lines.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <string>
#include <vector>

namespace wa {

// One per lua-compat/*.lua file, in the files' order: the list is written
// once, by the files themselves (tools/embed-lua.sh makes the include file).
enum class Script {
#define WA_SCRIPT(name, text) name,
#include "wa_report_scripts.inc"
#undef WA_SCRIPT
    count_
};

// reply is nullptr when the command could not complete (connection lost,
// timed out); the callback must not free it.
using ReplyFn = void (*)(redisReply* reply, void* data);

// One command in flight. The issuer may cancel() it (a client that went
// away): the answer then lands nowhere.
struct Call {
    ReplyFn fn = nullptr;
    void* data = nullptr;
    Script script = Script::count_;
    Script counted_as = Script::count_;  // the script, for its error metric (also after EVAL)
    std::vector<std::string> argv;       // kept only for scripts: EVAL after NOSCRIPT
    const char* setup = nullptr;         // a connection setup step ("AUTH", ...): no caller

    void cancel() { data = nullptr; }
};

class Redis {
public:
    Redis(RedisSettings settings, ngx_log_t* log,
          metrics::Connection connection = metrics::Connection::requests);
    ~Redis();

    Redis(const Redis&) = delete;
    Redis& operator=(const Redis&) = delete;

    void start();

    // false: Redis is down, or not yet proven back after being down (its
    // connection is still being set up); the caller answers 503 at once.
    // While the worker's first connection is set up, commands wait behind
    // the setup instead.
    bool available() const {
        return state_ == State::ready || (state_ != State::down && !logged_down_);
    }

    // The adapter calls this whenever bytes arrive: the command timeout
    // counts Redis's silence, not how long the queue ahead of a command is.
    void heard() { last_heard_ = ngx_current_msec; }

    // nullptr when the command cannot be queued.
    Call* command(const std::vector<std::string>& argv, ReplyFn fn, void* data);
    Call* script(Script s, const std::vector<std::string>& keys,
                 const std::vector<std::string>& args, ReplyFn fn, void* data);

    // A text Redis or hiredis produced (an error reply, a connection error),
    // ready for the quoted part of a log line: escaped, with the password
    // removed should a server or proxy ever repeat it, and phone numbers
    // masked should a script's error ever carry one.
    std::string log_text(std::string_view text) const noexcept;
    std::string error_text(const redisReply* reply) const noexcept;

private:
    // resolving: asking a sentinel for the primary; connecting: TCP connect
    // in progress; setting_up: connected, AUTH, SELECT, ROLE and SCRIPT LOAD
    // not all answered yet; ready: all succeeded.
    enum class State { down, resolving, connecting, setting_up, ready };

    // Called by hiredis and nginx: noexcept, each body under guard().
    static void on_connect(const redisAsyncContext* ac, int status) noexcept;
    static void on_disconnect(const redisAsyncContext* ac, int status) noexcept;
    static void on_reply(redisAsyncContext* ac, void* reply, void* privdata) noexcept;
    static void handle_reply(redisAsyncContext* ac, void* reply, void* privdata);
    void on_timer();
    void on_retry();

    // The sentinel side (wa_report_redis_sentinel).
    static void on_sentinel_connect(const redisAsyncContext* ac, int status) noexcept;
    static void on_sentinel_disconnect(const redisAsyncContext* ac, int status) noexcept;
    static void on_sentinel_reply(redisAsyncContext* ac, void* reply, void* privdata) noexcept;
    void resolve();
    void sentinel_answer(redisAsyncContext* ac, const redisReply* reply, const char* step);
    void sentinel_failed(const std::string& why);
    void close_sentinel();
    std::string sentinel_address() const;

    void connect();
    void connect_failed(const char* error);
    void log_outage(ngx_uint_t level, const std::string& line);
    void drop(const char* why);
    void lost(const char* why);
    void setup_reply(const Call* call, const redisReply* reply);
    void setup_succeeded();
    void schedule_retry();
    bool send(Call* call, const std::vector<std::string>& argv);
    void arm_timer();
    void send_handshake();
    void send_auth_and_select();
    // This connection's state and commands in flight, for the metrics.
    void publish() const { metrics::redis_state(connection_, state_ == State::ready, pending_); }

    RedisSettings settings_;
    ngx_log_t* log_;
    metrics::Connection connection_;
    redisAsyncContext* ac_ = nullptr;
    State state_ = State::down;
    ngx_uint_t pending_ = 0;
    ngx_uint_t setup_pending_ = 0;  // setup steps not answered yet
    ngx_msec_t last_heard_ = 0;     // when Redis last sent a byte
    ngx_msec_t backoff_ = 0;
    // Not cancelable: it runs only while commands wait for Redis, and a
    // worker that is shutting down must wait for their answers (at most the
    // timeout) instead of failing the requests behind them.
    Timer timer_;  // connect timeout, then "no answer for too long"
    Timer retry_;  // reconnect backoff
    std::vector<std::string> shas_;
    void* adapter_ = nullptr;           // the nginx side of the current connection
    redisAsyncContext* sac_ = nullptr;  // to a sentinel: asking, then subscribed
    void* sentinel_adapter_ = nullptr;
    size_t sentinel_ = 0;        // the sentinel asked last (index in settings_.sentinels)
    size_t sentinel_tries_ = 0;  // sentinels asked in this round
    bool resolved_ = false;      // settings_.host/port is what a sentinel answered
    Timer sentinel_timer_;       // bounds the question to one sentinel
    // Asks the next sentinel from a posted event: a failed sentinel's context
    // is freed by hiredis only once its callback returns, and its adapter
    // must outlive it.
    Timer sentinel_next_;
    bool logged_down_ = false;
    // The outage's lines: each cause once, then at most once a minute while
    // the outage lasts; a reconnect every few seconds repeats none of them.
    LogThrottle outage_log_;
};

const char* script_name(Script s);

}  // namespace wa
