// hiredis's async API driven by nginx's events.
//
// The adapter wraps hiredis's socket in an nginx connection so that its read
// and write readiness arrives through the worker's event loop. Events are
// level-triggered: hiredis reads at most one 16 KB chunk per call and relies
// on being called again while data is pending. hiredis 0.14 has no timeouts
// of its own in async mode, so connect and command timeouts, and the
// reconnect backoff, are nginx timers owned by the Redis object.

#include "ngx_http_wa_report_redis.hpp"

#include "core/escape.hpp"
#include "core/phone.hpp"
#include "core/sha1.hpp"

#include <cstring>
#include <new>

namespace wa {

namespace {

// Indexed by Script: the same include, in the same order, as the enum.
#define WA_SCRIPT(name, text) text,
const char* const script_texts[] = {
#include "wa_report_scripts.inc"
};
#undef WA_SCRIPT

#define WA_SCRIPT(name, text) #name,
const char* const script_names[] = {
#include "wa_report_scripts.inc"
};
#undef WA_SCRIPT

const char* script_text(Script s) { return script_texts[static_cast<size_t>(s)]; }

// Redis states in which a connection serves nothing until it is set up
// again: the data set is still loading (each answer comes only when Redis
// finds time between loading steps), or the connection is not authenticated.
bool refuses_connection(const redisReply* reply) {
    return reply != nullptr && reply->type == REDIS_REPLY_ERROR
        && (std::strncmp(reply->str, "LOADING", 7) == 0
            || std::strncmp(reply->str, "NOAUTH", 6) == 0);
}

// A password sent to a Redis whose default user needs none: the connection
// is the default user's either way, as it was before a password was set, so
// it serves. Any other refused AUTH must not leave the connection running as
// someone else.
bool harmless_auth_error(const Call* call, const redisReply* reply, const std::string& user) {
    return user.empty() && std::strcmp(call->setup, "AUTH") == 0
        && std::strstr(reply->str, "without any password configured") != nullptr;
}

constexpr ngx_msec_t backoff_min = 100;
constexpr ngx_msec_t backoff_max = 3000;

// The nginx side of one hiredis connection. Owned by Redis, outlives the
// hiredis context: hiredis 0.14 may call cleanup twice and closes the fd
// itself afterwards, so cleanup only detaches.
struct Adapter {
    Redis* owner = nullptr;
    redisAsyncContext* ac = nullptr;
    ngx_connection_t* c = nullptr;
    bool writing = false;  // inside redisAsyncHandleWrite
    bool data = true;      // the data connection (a sentinel's bytes prove nothing of it)
};

void adapter_read(ngx_event_t* ev) {
    auto* c = static_cast<ngx_connection_t*>(ev->data);
    auto* a = static_cast<Adapter*>(c->data);
    if (a->data) {
        a->owner->heard();
    }
    redisAsyncHandleRead(a->ac);
}

void adapter_write(ngx_event_t* ev) {
    auto* c = static_cast<ngx_connection_t*>(ev->data);
    auto* a = static_cast<Adapter*>(c->data);
    a->writing = true;
    redisAsyncHandleWrite(a->ac);
    a->writing = false;
}

void adapter_add(void* data, bool write) {
    auto* a = static_cast<Adapter*>(data);
    if (a->c == nullptr) {
        return;
    }
    ngx_event_t* ev = write ? a->c->write : a->c->read;
    if (ev->active) {
        return;
    }
    // Commands queued while the worker handles one batch of events are
    // written together once the batch is done: a posted event, no epoll_ctl
    // round. Only a write the socket could not take waits for EPOLLOUT, and
    // only a connected socket (hiredis detects the connect by writability).
    if (write && !a->writing && (a->ac->c.flags & REDIS_CONNECTED)) {
        if (!ev->posted) {
            ngx_post_event(ev, &ngx_posted_events);
        }
        return;
    }
    if (ngx_add_event(ev, write ? NGX_WRITE_EVENT : NGX_READ_EVENT, NGX_LEVEL_EVENT) != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, a->c->log, 0, "wa_report: cannot add redis event");
    }
}

void adapter_del(void* data, bool write) {
    auto* a = static_cast<Adapter*>(data);
    if (a->c == nullptr) {
        return;
    }
    ngx_event_t* ev = write ? a->c->write : a->c->read;
    if (!ev->active) {
        return;
    }
    ngx_del_event(ev, write ? NGX_WRITE_EVENT : NGX_READ_EVENT, 0);
}

void adapter_add_read(void* data) { adapter_add(data, false); }
void adapter_del_read(void* data) { adapter_del(data, false); }
void adapter_add_write(void* data) { adapter_add(data, true); }
void adapter_del_write(void* data) { adapter_del(data, true); }

void adapter_cleanup(void* data) {
    auto* a = static_cast<Adapter*>(data);
    ngx_connection_t* c = a->c;
    if (c == nullptr) {
        return;
    }
    release_borrowed_connection(c);  // hiredis closes the socket itself
    a->c = nullptr;
}

bool adapter_attach(Adapter* a, Redis* owner, redisAsyncContext* ac, ngx_log_t* log) {
    ngx_connection_t* c = ngx_get_connection(ac->c.fd, log);
    if (c == nullptr) {
        return false;
    }
    a->owner = owner;
    a->ac = ac;
    a->c = c;
    c->data = a;
    c->read->handler = adapter_read;
    c->write->handler = adapter_write;
    c->read->log = log;
    c->write->log = log;

    ac->ev.data = a;
    ac->ev.addRead = adapter_add_read;
    ac->ev.delRead = adapter_del_read;
    ac->ev.addWrite = adapter_add_write;
    ac->ev.delWrite = adapter_del_write;
    ac->ev.cleanup = adapter_cleanup;
    return true;
}

// The steps of a question to a sentinel, told apart by their privdata.
const char sentinel_auth[] = "AUTH";
const char sentinel_master[] = "SENTINEL get-master-addr-by-name";
const char sentinel_subscribe[] = "SUBSCRIBE";

bool error_is(const redisReply* reply, const char* prefix) {
    return reply != nullptr && reply->type == REDIS_REPLY_ERROR
        && std::strncmp(reply->str, prefix, std::strlen(prefix)) == 0;
}

std::string reply_string(const redisReply* reply) {
    if (reply == nullptr
        || (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_STATUS)) {
        return {};
    }
    return std::string(reply->str, reply->len);
}

// Replaces the adapter in `slot` (its context is gone by now) with one for
// the new context ac, and hands ac its callbacks. data: the connection
// whose bytes count as Redis being heard. false: no adapter could be made
// or attached, and ac is freed.
bool attach_new(void*& slot, Redis* owner, redisAsyncContext* ac, ngx_log_t* log, bool data,
                redisConnectCallback* on_connect, redisDisconnectCallback* on_disconnect) {
    delete static_cast<Adapter*>(slot);
    auto* a = new (std::nothrow) Adapter();
    slot = a;
    if (a == nullptr || !adapter_attach(a, owner, ac, log)) {
        redisAsyncFree(ac);
        return false;
    }
    a->data = data;
    ac->data = owner;
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    return true;
}

}  // namespace

const char* script_name(Script s) { return script_names[static_cast<size_t>(s)]; }

std::string RedisSettings::address() const {
    if (!unix_path.empty()) {
        return "unix:" + unix_path;
    }
    bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Redis::Redis(RedisSettings settings, ngx_log_t* log, metrics::Connection connection)
    : settings_(std::move(settings)),
      log_(log),
      connection_(connection),
      timer_(
          log, TimerIdent::redis_timeout, false,
          [](void* data) noexcept {
              auto* self = static_cast<Redis*>(data);
              guard(self->log_, [&] { self->on_timer(); });
          },
          this),
      retry_(
          log, TimerIdent::redis_retry, true,
          [](void* data) noexcept {
              auto* self = static_cast<Redis*>(data);
              guard(self->log_, [&] { self->on_retry(); });
          },
          this),
      sentinel_timer_(
          log, TimerIdent::redis_timeout, true,
          [](void* data) noexcept {
              auto* self = static_cast<Redis*>(data);
              guard(self->log_, [&] { self->sentinel_failed("no answer in time"); });
          },
          this),
      sentinel_next_(
          log, TimerIdent::redis_retry, true,
          [](void* data) noexcept {
              auto* self = static_cast<Redis*>(data);
              guard(self->log_, [&] { self->resolve(); });
          },
          this) {
    for (size_t i = 0; i < static_cast<size_t>(Script::count_); i++) {
        shas_.push_back(sha1_hex(script_text(static_cast<Script>(i))));
    }
}

Redis::~Redis() {
    timer_.cancel();
    retry_.cancel();
    sentinel_timer_.cancel();
    sentinel_next_.cancel();
    close_sentinel();
    delete static_cast<Adapter*>(sentinel_adapter_);
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;
    state_ = State::down;
    if (ac != nullptr) {
        // Runs every pending callback with a NULL reply.
        redisAsyncFree(ac);
    }
    delete static_cast<Adapter*>(adapter_);
}

void Redis::start() { connect(); }

void Redis::connect() {
    if (settings_.sentinel() && !resolved_) {
        resolve();
        return;
    }
    redisAsyncContext* ac = settings_.unix_path.empty()
        ? redisAsyncConnect(settings_.host.c_str(), settings_.port)
        : redisAsyncConnectUnix(settings_.unix_path.c_str());
    if (ac == nullptr) {
        lost("out of memory");
        return;
    }
    if (ac->err) {
        // A Unix socket fails here, at once (EACCES for a worker outside the
        // socket's group); TCP fails later, in on_connect.
        connect_failed(ac->errstr);
        redisAsyncFree(ac);
        lost(nullptr);
        return;
    }

    if (!attach_new(adapter_, this, ac, log_, true, on_connect, on_disconnect)) {
        lost("no free connection for redis");
        return;
    }
    ac_ = ac;
    state_ = State::connecting;
    send_handshake();
    timer_.arm(settings_.connect_timeout);
}

// The setup steps go first in the pipeline, and hiredis keeps replies in
// order, so every later command runs authenticated on the right database.
// Every script is loaded up front, so that after a Redis restart no EVALSHA
// meets NOSCRIPT: the EVAL fallback would run after commands pipelined
// behind it, out of order. The connection is ready only once every step has
// succeeded; a refused step drops it and the reconnect backoff takes over
// (a connection left unauthenticated or on the wrong database would answer
// NOAUTH, or the wrong data, until something outside killed it).
void Redis::send_handshake() {
    setup_pending_ = 0;
    auto step = [this](const char* name, const std::vector<std::string>& argv) {
        auto* call = new (std::nothrow) Call();
        if (call == nullptr) {
            return;
        }
        call->setup = name;
        if (send(call, argv)) {
            setup_pending_++;
        }
    };
    if (!settings_.password.empty()) {
        std::vector<std::string> auth{"AUTH"};
        if (!settings_.user.empty()) {
            auth.push_back(settings_.user);
        }
        auth.push_back(settings_.password);
        step("AUTH", auth);
    }
    if (settings_.db != 0) {
        step("SELECT", {"SELECT", std::to_string(settings_.db)});
    }
    if (settings_.sentinel()) {
        // A sentinel's answer may be stale (a failover under way): only the
        // node itself can say it is the primary.
        step("ROLE", {"ROLE"});
    }
    for (size_t i = 0; i < static_cast<size_t>(Script::count_); i++) {
        step("SCRIPT LOAD", {"SCRIPT", "LOAD", script_text(static_cast<Script>(i))});
    }
}

// Names what could not be reached: "Permission denied" alone does not say
// which socket the worker's user may not open.
void Redis::connect_failed(const char* error) {
    log_outage(NGX_LOG_ERR,
               "wa_report: redis connect to \"" + log_value(settings_.address()) + "\" failed \""
                   + log_text(error) + "\"");
}

// A refused setup or a failed connect repeats at every reconnect (every 3 s
// at most) for as long as the cause lasts: each line is written when it is
// news, then once a minute.
void Redis::log_outage(ngx_uint_t level, const std::string& line) {
    if (outage_log_.allow(line, static_cast<int64_t>(ngx_current_msec))) {
        ngx_log_error(level, log_, 0, "%s", line.c_str());
    }
}

void Redis::setup_reply(const Call* call, const redisReply* reply) {
    if (reply == nullptr) {
        return;  // the connection is going away; lost() has it
    }
    if (reply->type == REDIS_REPLY_ERROR) {
        bool harmless = harmless_auth_error(call, reply, settings_.user);
        // The reply text never contains the password.
        log_outage(harmless ? NGX_LOG_WARN : NGX_LOG_ERR,
                   std::string("wa_report: redis ") + call->setup + " failed \"" + error_text(reply)
                       + "\"");
        if (!harmless) {
            drop(nullptr);
            return;
        }
    }
    if (std::strcmp(call->setup, "ROLE") == 0) {
        std::string role;
        if (reply->type == REDIS_REPLY_ARRAY && reply->elements > 0) {
            role = reply_string(reply->element[0]);
        }
        if (role != "master") {
            log_outage(NGX_LOG_ERR,
                       "wa_report: redis \"" + log_value(settings_.address())
                           + "\" is not the primary of \"" + log_value(settings_.master_name)
                           + "\" (role \"" + log_text(role) + "\")");
            drop(nullptr);
            return;
        }
    }
    if (setup_pending_ > 0 && --setup_pending_ == 0) {
        setup_succeeded();
    }
}

// Redis is back only now that it has answered: a TCP connect alone proves
// nothing (AUTH may still be refused, or the data set still loading).
void Redis::setup_succeeded() {
    state_ = State::ready;
    backoff_ = 0;
    publish();
    outage_log_.clear();
    if (logged_down_) {
        ngx_log_error(NGX_LOG_NOTICE, log_, 0, "wa_report: redis is back");
    }
    logged_down_ = false;
}

void Redis::on_connect(const redisAsyncContext* ac, int status) noexcept {
    guard(ngx_cycle->log, [&] {
        auto* self = static_cast<Redis*>(ac->data);
        if (self == nullptr) {
            return;
        }
        if (status != REDIS_OK) {
            // hiredis frees the context after this callback.
            self->connect_failed(ac->errstr);
            self->ac_ = nullptr;
            self->lost(nullptr);
            return;
        }
        self->timer_.cancel();
        self->state_ = State::setting_up;
        self->last_heard_ = ngx_current_msec;
        self->arm_timer();
        if (self->setup_pending_ == 0) {
            self->setup_succeeded();
        }
    });
}

void Redis::on_disconnect(const redisAsyncContext* ac, int status) noexcept {
    guard(ngx_cycle->log, [&] {
        auto* self = static_cast<Redis*>(ac->data);
        if (self == nullptr || self->ac_ != ac) {
            return;
        }
        self->ac_ = nullptr;
        self->lost(status == REDIS_OK ? "connection closed" : ac->errstr);
    });
}

// Closes the current connection: commands still waiting get a NULL reply
// (their requests answer 503) and the reconnect backoff starts. Safe inside a
// hiredis callback, where hiredis frees the context once the callback returns.
void Redis::drop(const char* why) {
    redisAsyncContext* ac = ac_;
    if (ac == nullptr) {
        return;
    }
    ac_ = nullptr;
    lost(why);
    redisAsyncFree(ac);
}

// Marks Redis down and schedules the reconnect. The caller has already
// detached ac_ (hiredis frees it, or the caller does).
void Redis::lost(const char* why) {
    // Whatever went wrong, the next connection asks the sentinels afresh.
    resolved_ = false;
    state_ = State::down;
    pending_ = 0;
    setup_pending_ = 0;
    publish();
    timer_.cancel();
    if (why != nullptr) {
        log_outage(NGX_LOG_ERR, "wa_report: redis unavailable \"" + log_text(why) + "\"");
    }
    logged_down_ = true;
    schedule_retry();
}

void Redis::schedule_retry() {
    if (worker_exiting()) {
        return;
    }
    backoff_ = backoff_ == 0 ? backoff_min : ngx_min(backoff_ * 2, backoff_max);
    if (!retry_.armed()) {
        retry_.arm(backoff_);
    }
}

void Redis::on_retry() {
    if (ac_ == nullptr) {
        metrics::redis_reconnect();
        connect();
    }
}

// One timer serves both the connect timeout and the command timeout. Redis
// answers in order, so "not a byte from Redis for command_timeout while
// commands are pending" means the connection is stuck. Silence is what
// counts: a long queue of commands that Redis keeps answering is no reason
// to fail the ones at its end.
void Redis::arm_timer() {
    if (state_ != State::setting_up && state_ != State::ready) {
        return;  // the connect timeout runs
    }
    if (pending_ == 0) {
        timer_.cancel();
        return;
    }
    if (!timer_.armed()) {
        timer_.arm(settings_.command_timeout);
    }
}

void Redis::on_timer() {
    if (ac_ == nullptr) {
        return;
    }
    if (state_ == State::connecting) {
        drop("connect timed out");
        return;
    }
    if (pending_ == 0) {
        return;
    }
    ngx_msec_t silent = ngx_current_msec - last_heard_;
    if (silent < settings_.command_timeout) {
        timer_.arm(settings_.command_timeout - silent);
        return;
    }
    metrics::redis_command_timeout();
    drop("command timed out");
}

std::string Redis::log_text(std::string_view text) const noexcept {
    try {
        return log_escape(mask_phones(redact(text, settings_.password)));
    } catch (...) {
        return std::string();
    }
}

std::string Redis::error_text(const redisReply* reply) const noexcept {
    if (reply == nullptr || reply->str == nullptr) {
        return std::string();
    }
    return log_text(std::string_view(reply->str, reply->len));
}

Call* Redis::command(const std::vector<std::string>& argv, ReplyFn fn, void* data) {
    if (!available()) {
        return nullptr;
    }
    auto* call = new (std::nothrow) Call();
    if (call == nullptr) {
        return nullptr;
    }
    call->fn = fn;
    call->data = data;
    if (!send(call, argv)) {
        return nullptr;
    }
    return call;
}

Call* Redis::script(Script s, const std::vector<std::string>& keys,
                    const std::vector<std::string>& args, ReplyFn fn, void* data) {
    if (!available()) {
        return nullptr;
    }
    auto* call = new (std::nothrow) Call();
    if (call == nullptr) {
        return nullptr;
    }
    call->fn = fn;
    call->data = data;
    call->script = s;
    call->counted_as = s;
    call->argv.reserve(keys.size() + args.size());
    call->argv.insert(call->argv.end(), keys.begin(), keys.end());
    call->argv.insert(call->argv.end(), args.begin(), args.end());

    std::vector<std::string> argv;
    argv.reserve(3 + call->argv.size());
    argv.push_back("EVALSHA");
    argv.push_back(shas_[static_cast<size_t>(s)]);
    argv.push_back(std::to_string(keys.size()));
    argv.insert(argv.end(), call->argv.begin(), call->argv.end());
    // Remember where the keys end for the EVAL fallback.
    call->argv.insert(call->argv.begin(), std::to_string(keys.size()));
    if (!send(call, argv)) {
        return nullptr;
    }
    return call;
}

// Takes ownership of call: on failure it is freed here.
bool Redis::send(Call* call, const std::vector<std::string>& argv) {
    if (ac_ == nullptr) {
        delete call;
        return false;
    }
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    ptrs.reserve(argv.size());
    lens.reserve(argv.size());
    for (const auto& a : argv) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
    }
    if (redisAsyncCommandArgv(ac_, on_reply, call, static_cast<int>(argv.size()), ptrs.data(),
                              lens.data())
        != REDIS_OK) {
        delete call;
        return false;
    }
    if (pending_ == 0) {
        last_heard_ = ngx_current_msec;  // silence counts from the first command on
    }
    pending_++;
    arm_timer();
    publish();
    return true;
}

void Redis::on_reply(redisAsyncContext* ac, void* r, void* privdata) noexcept {
    auto* self = static_cast<Redis*>(ac->data);
    guard(self != nullptr ? self->log_ : ngx_cycle->log, [&] { handle_reply(ac, r, privdata); });
}

void Redis::handle_reply(redisAsyncContext* ac, void* r, void* privdata) {
    auto* call = static_cast<Call*>(privdata);
    auto* reply = static_cast<redisReply*>(r);
    auto* self = static_cast<Redis*>(ac->data);
    bool current = self != nullptr && self->ac_ == ac;

    if (current) {
        if (self->pending_ > 0) {
            self->pending_--;
        }
        self->publish();
        self->arm_timer();
    }

    if (call->setup != nullptr) {
        if (current) {
            self->setup_reply(call, reply);
        }
        delete call;
        return;
    }

    // The script cache is empty after a Redis restart or SCRIPT FLUSH: send
    // the text once; EVAL also caches it for the next EVALSHA.
    if (reply != nullptr && reply->type == REDIS_REPLY_ERROR && call->script != Script::count_
        && std::strncmp(reply->str, "NOSCRIPT", 8) == 0 && current) {
        std::vector<std::string> argv;
        argv.reserve(2 + call->argv.size());
        argv.push_back("EVAL");
        argv.push_back(script_text(call->script));
        argv.insert(argv.end(), call->argv.begin(), call->argv.end());
        call->script = Script::count_;
        ReplyFn fn = call->fn;
        void* data = call->data;
        if (!self->send(call, argv) && data != nullptr) {
            fn(nullptr, data);
        }
        return;
    }

    if (reply != nullptr && reply->type == REDIS_REPLY_ERROR
        && call->counted_as != Script::count_) {
        metrics::redis_script_error(static_cast<size_t>(call->counted_as));
    }
    if (call->data != nullptr) {
        call->fn(reply, call->data);
    }
    delete call;
    // The commands queued behind this one would meet the same answer, one
    // slow reply at a time; dropping the connection answers them at once and
    // sets the next one up again (AUTH included) through the backoff.
    if (current && self->ac_ == ac
        && (refuses_connection(reply)
            || (self->settings_.sentinel() && error_is(reply, "READONLY")))) {
        // READONLY: the node was made a replica behind our back (a
        // failover); the sentinels know the new primary.
        self->drop(reply->str);
    }
}

// ---- Sentinel -------------------------------------------------------------------
//
// One sentinel at a time is asked for the primary's address; one that
// cannot answer (down, slow, does not know the master) passes the question
// to the next. When every one failed, the usual backoff runs and the round
// starts again. The sentinel that answered keeps the connection, subscribed
// to +switch-master, so a failover is heard at once rather than at the next
// failed command; its drop costs nothing but that early warning.

std::string Redis::sentinel_address() const {
    const HostPort& s = settings_.sentinels[sentinel_ % settings_.sentinels.size()];
    bool ipv6 = s.host.find(':') != std::string::npos;
    return (ipv6 ? "[" + s.host + "]" : s.host) + ":" + std::to_string(s.port);
}

void Redis::close_sentinel() {
    redisAsyncContext* sac = sac_;
    if (sac == nullptr) {
        return;
    }
    sac_ = nullptr;
    sac->data = nullptr;  // its pending callbacks land nowhere
    redisAsyncFree(sac);
}

void Redis::resolve() {
    close_sentinel();
    state_ = State::resolving;
    const HostPort& s = settings_.sentinels[sentinel_ % settings_.sentinels.size()];
    redisAsyncContext* sac = redisAsyncConnect(s.host.c_str(), s.port);
    if (sac == nullptr) {
        sentinel_failed("out of memory");
        return;
    }
    if (sac->err) {
        std::string why = sac->errstr;
        redisAsyncFree(sac);
        sentinel_failed(why);
        return;
    }
    if (!attach_new(sentinel_adapter_, this, sac, log_, false, on_sentinel_connect,
                    on_sentinel_disconnect)) {
        sentinel_failed("no free connection");
        return;
    }
    sac_ = sac;
    if (!settings_.sentinel_password.empty()) {
        const char* argv[] = {"AUTH", settings_.sentinel_password.c_str()};
        size_t lens[] = {4, settings_.sentinel_password.size()};
        redisAsyncCommandArgv(sac, on_sentinel_reply, const_cast<char*>(sentinel_auth), 2, argv,
                              lens);
    }
    const char* argv[] = {"SENTINEL", "get-master-addr-by-name", settings_.master_name.c_str()};
    size_t lens[] = {8, 23, settings_.master_name.size()};
    redisAsyncCommandArgv(sac, on_sentinel_reply, const_cast<char*>(sentinel_master), 3, argv,
                          lens);
    sentinel_timer_.arm(settings_.connect_timeout + settings_.command_timeout);
}

void Redis::on_sentinel_connect(const redisAsyncContext* ac, int status) noexcept {
    guard(ngx_cycle->log, [&] {
        auto* self = static_cast<Redis*>(ac->data);
        if (self == nullptr || self->sac_ != ac || status == REDIS_OK) {
            return;
        }
        // hiredis frees the context after this callback.
        self->sac_ = nullptr;
        self->sentinel_failed(ac->errstr);
    });
}

void Redis::on_sentinel_disconnect(const redisAsyncContext* ac, int status) noexcept {
    guard(ngx_cycle->log, [&] {
        auto* self = static_cast<Redis*>(ac->data);
        if (self == nullptr || self->sac_ != ac) {
            return;
        }
        self->sac_ = nullptr;
        if (self->state_ == State::resolving) {
            self->sentinel_failed(status == REDIS_OK ? "connection closed" : ac->errstr);
        }
    });
}

void Redis::on_sentinel_reply(redisAsyncContext* ac, void* reply, void* privdata) noexcept {
    auto* self = static_cast<Redis*>(ac->data);
    guard(self != nullptr ? self->log_ : ngx_cycle->log, [&] {
        if (self != nullptr && self->sac_ == ac) {
            self->sentinel_answer(ac, static_cast<const redisReply*>(reply),
                                  static_cast<const char*>(privdata));
        }
    });
}

void Redis::sentinel_answer(redisAsyncContext* ac, const redisReply* reply, const char* step) {
    if (step == sentinel_subscribe) {
        // ["message", "+switch-master", "<name> <old ip> <old port> <new ip> <new port>"]
        if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3
            || reply_string(reply->element[0]) != "message") {
            return;
        }
        std::optional<HostPort> next =
            switch_master_address(reply_string(reply->element[2]), settings_.master_name);
        if (!next) {
            return;
        }
        ngx_log_error(NGX_LOG_NOTICE, log_, 0,
                      "wa_report: redis sentinel \"%s\" announced a new primary \"%s:%d\"",
                      log_value(sentinel_address()).c_str(), log_value(next->host).c_str(),
                      next->port);
        if (ac_ != nullptr && (next->host != settings_.host || next->port != settings_.port)) {
            drop("the primary moved");
        }
        return;
    }
    if (state_ != State::resolving) {
        return;
    }
    if (step == sentinel_auth) {
        if (reply != nullptr && reply->type == REDIS_REPLY_ERROR) {
            sentinel_failed("AUTH failed: " + std::string(reply->str, reply->len));
        }
        return;
    }
    // SENTINEL get-master-addr-by-name: [ip, port], or nil for an unknown master.
    std::optional<HostPort> primary;
    if (reply != nullptr && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2) {
        primary =
            wa::sentinel_address(reply_string(reply->element[0]), reply_string(reply->element[1]));
    }
    if (!primary) {
        std::string why = reply == nullptr     ? "connection lost"
            : reply->type == REDIS_REPLY_ERROR ? std::string(reply->str, reply->len)
            : reply->type == REDIS_REPLY_NIL
            ? "does not know master \"" + settings_.master_name + "\""
            : "an answer of another shape";
        sentinel_failed(why);
        return;
    }
    sentinel_timer_.cancel();
    sentinel_tries_ = 0;
    const char* argv[] = {"SUBSCRIBE", "+switch-master"};
    size_t lens[] = {9, 14};
    redisAsyncCommandArgv(ac, on_sentinel_reply, const_cast<char*>(sentinel_subscribe), 2, argv,
                          lens);
    settings_.host = primary->host;
    settings_.port = primary->port;
    settings_.unix_path.clear();
    resolved_ = true;
    state_ = State::down;
    connect();
}

void Redis::sentinel_failed(const std::string& why) {
    sentinel_timer_.cancel();
    log_outage(NGX_LOG_ERR,
               "wa_report: redis sentinel \"" + log_value(sentinel_address()) + "\" failed \""
                   + log_text(why) + "\"");
    close_sentinel();
    sentinel_ = (sentinel_ + 1) % settings_.sentinels.size();
    if (++sentinel_tries_ < settings_.sentinels.size()) {
        sentinel_next_.post();
        return;
    }
    sentinel_tries_ = 0;
    lost("no sentinel named the primary");
}

}  // namespace wa
