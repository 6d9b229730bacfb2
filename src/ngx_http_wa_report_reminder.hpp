// The reminder engine: a worker timer that claims scheduled runs through
// Redis, and the run itself, which reads due vehicles in batches, sends
// through the gateway and counts each accepted send once.
#pragma once

#include "ngx_http_wa_report_http.hpp"
#include "ngx_http_wa_report_module.hpp"

#include "core/log_lines.hpp"
#include "core/schedule.hpp"

#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace wa {

class Run;

// Someone waiting for a run's end: the run-now request. cancel() detaches it.
struct RunWaiter {
    // How the wait ended in this worker.
    enum class End {
        finished,     // the run finished here
        busy,         // another run is in progress; nothing began
        not_started,  // it could not begin (error says why)
        // It did not finish here (handed over at a reload, lease lost,
        // stalled, Redis failing), or its begin's answer was lost (started
        // false): the run may go on elsewhere, and only Redis can tell.
        elsewhere,
    };
    using DoneFn = void (*)(RunWaiter* waiter, End end);
    DoneFn fn = nullptr;
    void* data = nullptr;
    std::string run_id;     // set when its begin is sent
    std::string error;      // not_started, or a lost begin: "redis unavailable", ...
    bool started = false;   // its begin was confirmed
    Run* run = nullptr;
};

class Reminder {
public:
    Reminder(Worker& worker, ngx_log_t* log);
    ~Reminder();

    Reminder(const Reminder&) = delete;
    Reminder& operator=(const Reminder&) = delete;

    void start();

    // A manual run (run-now). Answers through waiter->fn, at once when
    // another run is in progress here (busy) or Redis is down (not_started).
    void run_now(Date as_of, bool dry_run, RunWaiter* waiter);
    void cancel(RunWaiter* waiter);

    bool running() const { return run_ != nullptr; }

    // Used by Run.
    Worker& worker() { return worker_; }
    HttpClient& http() { return *http_; }
    Redis& redis() { return redis_; }
    Store& store() { return store_; }
    const std::string& owner() const { return owner_; }
    ngx_log_t* log() const { return log_; }
    void run_ended(Run* run);

private:
    static void on_tick(ngx_event_t* ev);
    static void on_tick_reply(redisReply* reply, void* data);
    static void on_schedule_applied(redisReply* reply, void* data);
    static void on_begin_reply(redisReply* reply, void* data);
    static void on_resume_reply(redisReply* reply, void* data);
    static void on_reap(ngx_event_t* ev);

    void arm_tick();
    void apply_schedule();
    void send_tick();
    void begin(Date as_of, bool dry_run, bool manual, int64_t next_run, RunWaiter* waiter);
    // An ERR line for what Redis refused (reply's error text, when it has
    // one), each at most once a minute.
    void log_refused(const char* what, const redisReply* reply);

    Worker& worker_;
    ngx_log_t* log_;
    std::unique_ptr<HttpClient> http_;
    std::string owner_;
    // The engine's own Redis connection: its batch scripts never queue in
    // front of the requests' commands on the requests' connection.
    Redis redis_;
    Store store_{redis_, worker_.config.keys};
    LogThrottle refusals_;
    ngx_event_t tick_{};
    ngx_event_t reap_{};
    Call* call_ = nullptr;              // schedule, tick or resume: one at a time
    // wa_report_schedule was compared with what Redis remembers (once per
    // worker, before its first tick; see schedule_apply.lua).
    bool schedule_checked_ = false;
    Call* begin_call_ = nullptr;        // run_begin, for pending_
    Run* run_ = nullptr;
    std::vector<Run*> draining_;        // ended runs, freed by on_reap

    // A begin in flight: its arguments, kept until Redis answers.
    struct Pending {
        std::string id;
        Date as_of;
        bool dry_run = false;
        bool manual = false;
        RunWaiter* waiter = nullptr;
    };
    std::unique_ptr<Pending> pending_;
};

}  // namespace wa
