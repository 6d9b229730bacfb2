// A reminder run: reads the due vehicles of its window a batch at a time,
// decides for each (core's classify_due), hands what is to be sent to its
// sender, saves each batch's progress, and ends: finished, handed over to
// another worker (reload, quit), or stopped (lease lost, Redis failing,
// stalled, an exception), in which case whoever resumes it carries it on.
#pragma once

#include "ngx_http_wa_report_conf.hpp"
#include "ngx_http_wa_report_metrics.hpp"
#include "ngx_http_wa_report_run_guard.hpp"
#include "ngx_http_wa_report_sender.hpp"
#include "ngx_http_wa_report_timer.hpp"

#include "core/dates.hpp"
#include "core/log_lines.hpp"
#include "core/rows.hpp"
#include "core/run.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace wa {

class HttpClient;
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
        // It paused before sending all: the send window closed, or it began
        // outside (wa_report_send_window); it carries on at the opening.
        paused,
    };
    using DoneFn = void (*)(RunWaiter* waiter, End end);
    DoneFn fn = nullptr;
    void* data = nullptr;
    std::string run_id;    // set when its begin is sent
    std::string error;     // not_started, or a lost begin: "redis unavailable", ...
    bool started = false;  // its begin was confirmed
    Run* run = nullptr;
};

// What a run needs from the engine that runs it, and nothing more: a run
// never sees the tick, the schedule or run-now.
class RunHost {
public:
    // The engine's own Redis connection.
    virtual Store& store() = 0;
    virtual HttpClient& gateway() = 0;
    virtual const Config& config() const = 0;
    virtual ngx_log_t* log() const = 0;
    // This worker's token in the lease and the attempt marks.
    virtual const std::string& owner() const = 0;
    // The clock: nginx's cached time, in ms (for the rate) and as local time
    // in wa_report_timezone ("2026-11-25T07:00:00", what Redis stores).
    virtual ngx_msec_t now_ms() const = 0;
    virtual std::string local_time() const = 0;
    // For backoff jitter.
    virtual uint64_t random() = 0;
    // The run has ended and nothing can call back into it any more; the
    // engine frees it later, never from inside this call.
    virtual void run_ended(Run& run) noexcept = 0;
    // Throws where WA_REPORT_TEST_FAULT names `point` (the tests' way to
    // make a callback fail); nothing otherwise.
    virtual void checkpoint(const char* point) = 0;

protected:
    ~RunHost() = default;
};

class Run final : private SendOwner {
public:
    // window_from: the window's first day (as_of, or earlier for a run that
    // catches up days no run covered).
    Run(RunHost& host, std::string id, Date as_of, Date window_from, bool dry);
    ~Run();

    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    // resumed: the run was begun by another runner (its lease lapsed); the
    // cursor is where it saved its last batch ("" "" at the start).
    void start(std::string cursor_day, std::string cursor_member, bool resumed);

    // w learns how the run ended (RunWaiter::fn), unless removed before.
    void add_waiter(RunWaiter* w);
    void remove_waiter(RunWaiter* w);

    bool settled() const { return ended_ && guard_.pending() == 0; }

    // How it began, for the metrics (default: the schedule).
    void set_trigger(metrics::Trigger t) { trigger_ = t; }

    const std::string id;

private:
    class Lease;

    // SendOwner
    bool ended() const override { return ended_; }
    void finished(Item& item) override;
    void stop(const std::string& why) override;
    void idle_at_exit() override;
    bool paused() const override { return pausing_; }

    void issue(StoreCall* call);
    template <class T>
    bool answered(const Answer<T>& answer, const char* what);
    void fetch();
    void check_opt_outs();
    void classify_some();
    Item* add_item(const DueRow& row, DueDecision& d);
    void take(const DueRow& row);
    // wa_report_group_by customer: a row that would send starts reading
    // every vehicle of its customer due in the window (true: the read is on
    // its way, its answer takes them and carries the batch on).
    bool gather(const DueRow& row);
    void take_group(const std::vector<DueRow>& rows, bool opted_out);
    void save(bool last);
    void finish();
    void release();
    // wa_report_send_window: arms the close, or pauses a run begun outside
    // (false: paused, nothing more to do here).
    bool watch_window();
    // The window closed: nothing new goes out; the run hands itself over
    // with paused_until (release) once its sends in flight are counted.
    void close_window();
    bool window_applies() const;
    // why: the reason a run stopped before its end, logged; empty when it
    // ended as it should (finished, handed over).
    void end(bool ok, const std::string& why = std::string()) noexcept;

    RunHost& host_;
    Date as_of_;
    Date window_from_;
    bool dry_;
    std::string cursor_day_, cursor_member_;
    std::string next_day_, next_member_;
    bool window_done_ = false;
    bool ended_ = false;
    bool releasing_ = false;
    bool classifying_ = false;          // the batch's rows are still being read
    std::vector<DueRow> rows_;          // the batch as read
    std::vector<size_t> opt_out_rows_;  // the rows whose phones check_opt_outs asked about
    size_t next_row_ = 0;               // the first row not yet classified
    // wa_report_group_by customer: the vehicles this runner took (a grouped
    // message takes vehicles of later rows and batches), and the row whose
    // customer is being gathered.
    std::unordered_set<std::string> taken_;
    DueRow gathering_;
    metrics::Trigger trigger_ = metrics::Trigger::schedule;
    ngx_msec_t started_ = 0;  // its start or resumption in this worker

    RunGuard guard_;
    std::vector<std::unique_ptr<Item>> items_;  // the batch, in its order
    size_t open_items_ = 0;                     // items of the batch not yet finished
    RunCounts counts_;                          // what finished since the last save
    Sender sender_;
    StoreCall* call_ = nullptr;  // batch, save, finish or release
    std::unique_ptr<Lease> lease_;
    // Not cancelable: a worker that is shutting down waits for the run to
    // hand over (bounded by this timer) instead of dropping counts.
    Timer hold_;
    std::vector<RunWaiter*> waiters_;
    Timer classify_;  // the next pass's rows
    Timer window_;    // the send window's close
    bool pausing_ = false;
    int64_t closes_at_ = 0;     // the close the window timer is armed for (unix s)
    int64_t paused_until_ = 0;  // the next opening (unix s), once pausing
};

}  // namespace wa
