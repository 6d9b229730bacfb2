// The sending half of a reminder run: the queue of messages to send, the
// send rate and the concurrency slots, each message's attempt mark, the
// gateway call, the retries, and counting an accepted send (record.lua).
#pragma once

#include "ngx_http_wa_report_conf.hpp"
#include "ngx_http_wa_report_run_guard.hpp"
#include "ngx_http_wa_report_store.hpp"
#include "ngx_http_wa_report_timer.hpp"

#include "core/gateway.hpp"
#include "core/reminder.hpp"
#include "core/schedule.hpp"
#include "core/log_lines.hpp"
#include "core/pacing.hpp"
#include "core/send_rate.hpp"

#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wa {

class RunHost;
class Sender;
struct HttpResponse;

// What a send does once Redis's replicas confirmed its last write.
enum class AfterConfirm {
    post,    // the attempt is marked: send the message
    finish,  // the send is counted: the item is done
};

// One vehicle of a run's batch, and where its message stands.
struct Item {
    Item();
    ~Item();  // detaches its Store call; its retry timer goes with it

    Item(const Item&) = delete;
    Item& operator=(const Item&) = delete;

    std::string vehicle, customer, phone;
    std::string cycle;  // next_visit_date: the visit this reminder is for
    MessageFields fields;
    std::string text;
    RunDetail detail;
    SendResult result;
    int attempt = 0;
    long gateway_status = 0;   // the provider's last HTTP status (0: no answer)
    ngx_msec_t posted_at = 0;  // when the last request to the provider went out
    bool begun = false;        // the attempt is marked in Redis, by this runner
    bool slot = false;         // holds one of the gateway concurrency slots
    bool done = false;
    bool flushed = false;                      // its detail is saved in the run's list
    StoreCall* call = nullptr;                 // attempt_begin, record or attempt_fail in flight
    std::optional<Timer> retry;                // made at its first retry
    std::unique_ptr<HttpResponse> response;    // the gateway's answer, until acted on
    AfterConfirm then = AfterConfirm::finish;  // what follows its replicas' confirmation
    Sender* sender = nullptr;                  // set when queued

    // wa_report_group_by customer: the message of this item (the group's
    // lead, the one queued and sent) also lists the vehicles of `group`,
    // whose marks, counts and details follow this item's send; each of
    // them has `lead` set. `listed`: the vehicle is in the message (its
    // attempt is marked once the lead is begun).
    std::vector<Item*> group;
    Item* lead = nullptr;
    bool listed = false;
    size_t next_member = 0;   // the member the group's record or fail is at
    std::string fail_reason;  // a group's fail: what each member's attempt_fail gets
    bool fail_opted_out = false;
};

// A grouped message's members: the lead, then its group.
std::vector<Item*> group_members(Item& lead);

// Renders a grouped message (item.text, and each listed member's
// detail.message) from the vehicles still listed.
void render_group(Item& lead, const ReminderConfig& rc);

// What a sender needs from the run it sends for.
class SendOwner {
public:
    virtual bool ended() const = 0;
    // The item is finished: its detail says how (sent, failed, skipped,
    // unknown). Its slot is already given back.
    virtual void finished(Item& item) = 0;
    // The lease is lost or Redis failed: the run ends here (why is logged).
    virtual void stop(const std::string& why) = 0;
    // The worker is exiting, or the run paused (its send window closed), and
    // no send is in flight: time to hand over.
    virtual void idle_at_exit() = 0;
    // The send window closed: nothing new goes out; what was sent is counted.
    virtual bool paused() const = 0;

protected:
    ~SendOwner() = default;
};

class Sender {
public:
    Sender(RunHost& host, SendOwner& owner, RunGuard& guard, const std::string& run_id, Date as_of);
    ~Sender();

    Sender(const Sender&) = delete;
    Sender& operator=(const Sender&) = delete;

    // Queues an item to send; pump() starts it.
    void queue(Item& item);
    // Starts queued sends while slots, the rate and the gateway allow. A
    // worker that is shutting down starts nothing new.
    void pump();
    // The run ended: no send starts any more.
    void stop();
    // Messages this runner began but did not finish (waiting for a retry or
    // for the gateway's pause) give their attempt marks back, so that the
    // runner that carries the run on sends them; a send in flight is not
    // among them: its answer still arrives and is acted on.
    void release_unfinished(const std::vector<std::unique_ptr<Item>>& items);

    // Why this runner's last failed send failed ("" when none did).
    const std::string& last_failure() const { return last_failure_; }

private:
    // A release of attempt marks in flight (nothing waits on its answer but
    // the run's freeing).
    struct Release {
        Sender* sender = nullptr;
        StoreCall* call = nullptr;
    };

    // A message's next step, waiting for its turn in a pass of the loop.
    enum class Step {
        start,   // holds a slot: mark the attempt (or post, when marked)
        post,    // marked: make the gateway request
        answer,  // the gateway answered (item.response): act on it
    };
    struct Ready {
        Item* item;
        Step step;
    };

    void defer(Item& item, Step step);
    void take_steps();
    void take_step(Item& item, Step step);

    void begin(Item& item);
    // A grouped message's begin, count and failure: one step per member.
    void begin_group(Item& lead);
    void record_member(Item& lead);
    void fail_member(Item& lead);
    void post(Item& item);
    void answered(Item& item, const HttpResponse& response);
    void retry_later(Item& item, int64_t delay_ms, bool pause_all);
    void record(Item& item);
    void confirm(Item& item, AfterConfirm then);
    void confirmed(Item& item);
    void fail(Item& item, bool opted_out, const std::string& reason);
    void skip(Item& item, const char* status, std::string reason);
    void finish(Item& item);
    void release_attempts(const std::vector<Item*>& items);
    // Gives back the concurrency slot and the recipient the item holds, if
    // it holds them.
    void free_slot(Item& item);
    // The queued message to start first: the first whose recipient is free
    // (wa_report_recipient_interval); queue_.end() when none is, the pace
    // timer then armed for the earliest.
    std::deque<Item*>::iterator next_ready(int64_t now_ms);

    RunHost& host_;
    SendOwner& owner_;
    RunGuard& guard_;
    const std::string& run_id_;
    Date as_of_;
    std::deque<Item*> queue_;
    size_t active_ = 0;  // items holding a concurrency slot
    SendRate rate_;
    Timer rate_timer_;
    RecipientPacing pacing_;
    Timer pace_timer_;
    std::deque<Ready> ready_;  // each one a counted callback of the guard
    Timer steps_;              // the next pass's steps
    bool taking_ = false;      // inside take_steps: new steps wait for the next pass
    std::list<Release> releases_;
    std::string last_failure_;
    LogThrottle wait_log_;
    ngx_msec_t unconfirmed_until_ = 0;  // replicas missing: no WAIT until then
};

}  // namespace wa
