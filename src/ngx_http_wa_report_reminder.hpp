// The reminder engine: a worker timer that claims scheduled runs through
// Redis (the tick and the run's lease), resumes runs whose runner died, and
// begins run-now's runs. The runs themselves are ngx_http_wa_report_run's.
#pragma once

#include "ngx_http_wa_report_run.hpp"
#include "ngx_http_wa_report_store.hpp"
#include "ngx_http_wa_report_worker.hpp"
#include "ngx_http_wa_report_timer.hpp"

#include "core/log_lines.hpp"

#include <memory>
#include <string>
#include <vector>

namespace wa {

class HttpClient;

// What the runs of a worker share: the worker's Store on the engine's own
// Redis connection (its batch scripts never queue in front of the requests'
// commands), the gateway client, the owner token; and the runs themselves,
// the current one and the ended ones not yet freed.
class Engine final : public RunHost {
public:
    Engine(Worker& worker, ngx_log_t* log);
    ~Engine();

    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // false when the gateway client could not be made.
    bool start();

    // The run this worker works on, nullptr when none.
    Run* current() const { return current_.get(); }
    Run& adopt(std::unique_ptr<Run> run);

    // RunHost
    Store& store() override { return worker_.engine_store; }
    HttpClient& gateway() override { return *http_; }
    const Config& config() const override { return worker_.config; }
    ngx_log_t* log() const override { return log_; }
    const std::string& owner() const override { return owner_; }
    ngx_msec_t now_ms() const override { return ngx_current_msec; }
    std::string local_time() const override;
    uint64_t random() override { return worker_.rng(); }
    void run_ended(Run& run) noexcept override;
    void checkpoint(const char* point) override;

private:
    Worker& worker_;
    ngx_log_t* log_;
    std::unique_ptr<HttpClient> http_;
    std::string owner_;
    // WA_REPORT_TEST_FAULT at worker start: the point that throws, once.
    std::string fault_;
    // Runs go before the client: freeing one detaches its calls, and
    // dropping a transfer calls nothing back.
    std::unique_ptr<Run> current_;
    std::vector<std::unique_ptr<Run>> draining_;
    // Runs end from inside their own callbacks; they are freed from a posted
    // event, once nothing can call back into them.
    Timer reap_;
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

    bool running() const { return engine_.current() != nullptr; }

private:
    // A begin in flight: its arguments, kept until Redis answers.
    struct Pending {
        std::string id;
        Date as_of;
        bool dry_run = false;
        bool manual = false;
        RunWaiter* waiter = nullptr;
    };

    void arm_tick();
    void tick();
    void apply_schedule();
    void send_tick();
    void resume();
    void begin(Date as_of, bool dry_run, bool manual, int64_t next_run, RunWaiter* waiter);
    void begun(const Answer<RunStart>& answer);
    // An ERR line for what Redis refused (its reason, when it gave one),
    // each at most once a minute.
    void log_refused(const char* what, const std::string& reason);

    Engine engine_;
    LogThrottle refusals_;
    Timer tick_;
    StoreCall* call_ = nullptr;  // schedule, tick or resume: one at a time
    // wa_report_schedule was compared with what Redis remembers (once per
    // worker, before its first tick; see schedule_apply.lua).
    bool schedule_checked_ = false;
    StoreCall* begin_call_ = nullptr;  // run_begin, for pending_
    std::unique_ptr<Pending> pending_;
};

}  // namespace wa
