// A test WhatsApp gateway on 127.0.0.1: an in-process HTTP/1.1 server (one
// thread per connection, keep-alive, Expect: 100-continue, chunked bodies)
// that speaks the two providers' wire formats the module talks to:
//
//   StarSender  POST /api/send
//               Authorization: <api key>, Content-Type: application/json
//               {"messageType":"text","to":"62...","body":"..."}
//               accept: 200 {"success":true,"data":{"id":"ss-<n>"},"message":"Pesan berhasil
//               dikirim"} refuse: 200 {"success":false,"message":"Device offline"}
//   Fonnte      POST /send
//               Authorization: <device token>, Content-Type: application/x-www-form-urlencoded
//               target=62...&message=...&countryCode=62
//               accept: 200 {"detail":"success! message in queue","id":["<n>"],
//               "process":"pending","requestid":<n>,"status":true,"target":["62..."]}
//               refuse: 200 {"reason":"...","status":false} (Fonnte's refusals are 200)
//   Cloud API   POST /v20.0/<phone_number_id>/messages
//               Authorization: Bearer <token>
//               {"messaging_product":"whatsapp","recipient_type":"individual","to":"62...",
//                "type":"template","template":{"name":"...","language":{"code":"id"},
//                "components":[{"type":"body","parameters":[{"type":"text","text":"..."}]}]}}
//               accept: 200
//               {"messaging_product":"whatsapp","contacts":[...],"messages":[{"id":"wamid.<n>"}]}
//               errors: 400
//               {"error":{"message":"...","type":"OAuthException","code":<code>,"fbtrace_id":"x"}}
//
// Every request is checked against the provider's format (exact JSON member
// order, headers, credentials); a request that is not what the provider
// expects is answered 400/401/404, never accepted, and its `problem` says why.
// Parameter text is checked as Meta does: a body parameter with a new-line or
// tab character or more than 4 consecutive spaces is refused with error
// 132018, an empty one with error 100. A StarSender text with a control
// character other than new-line is refused as an invalid request.
//
// Behaviour is scriptable per test, as text:
//   "accept"                       the provider's success answer
//   "refuse [message]"             StarSender 200 success:false ("Device offline");
//                                  Fonnte 200 status:false ("device disconnected");
//                                  Cloud API: error 131026
//   "status <n> [Retry-After: <v>]" HTTP <n> with the provider's error shape
//   "cloud error <code> [status <n>] [Retry-After: <v>]"
//                                  Cloud API error object (HTTP 400 unless given)
//   "echo key [after <n>]"         an error answer that repeats the request's
//                                  Authorization value in its message (after n
//                                  filler characters): StarSender 401
//                                  success:false; Cloud API 401 error 190
//   "echo key accepted"            an accepted answer whose message id and text
//                                  (StarSender data.id and "message", Cloud API
//                                  messages[0].id and message_status) repeat the
//                                  Authorization value
//   "hang"                         never answers; the connection stays open until
//                                  the client gives up (or reset()/stop())
//   "trickle"                      answers 200 with a large Content-Length, then one
//                                  body byte every 100 ms until the client gives up
// Retry-After: <v> takes the rest of the line as the header's value; the value
// "date+<n>" is written as the IMF-fixdate n seconds after the answer.
//   "delay <ms>ms then <behaviour>" waits, then behaves (the wait does not notice
//                                  a client that left: a real gateway delivers anyway)
// Rules are looked up in this order: the recipient's queue, the request number,
// the shared queue, the default ("accept").
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

namespace wa::itest {

struct GatewayBehaviour {
    enum class Kind { accept, refuse, status, cloud_error, hang, echo_key, trickle };
    Kind kind = Kind::accept;
    int delay_ms = 0;
    int status = 200;            // Kind::status: the status; Kind::cloud_error: HTTP status (400)
    int code = 0;                // Kind::cloud_error: error.code
    std::string retry_after;     // Retry-After header value; empty: none
    std::string message;         // Kind::refuse: StarSender's message
    int filler = 0;              // Kind::echo_key: characters before the echoed value
    bool echo_accepted = false;  // Kind::echo_key: an accepted answer

    // Parses the text forms above; nullopt (and *error) for anything else.
    static std::optional<GatewayBehaviour> parse(const std::string& text,
                                                 std::string* error = nullptr);
    std::string describe() const;
};

using SteadyTime = std::chrono::steady_clock::time_point;

struct GatewayRequest {
    int number = 0;       // 1-based arrival order since the last reset()
    SteadyTime received;  // the whole request had arrived
    SteadyTime finished;  // answered, or given up (hang); == received while pending
    bool pending = true;  // not yet answered nor abandoned
    double at_ms = 0;     // received, in ms since the last reset()
    std::string method;
    std::string target;
    std::string path;
    Headers headers;
    std::string body;
    int peer_port = 0;   // the client's source port (which process sent it)
    int connection = 0;  // serial of the TCP connection it came on
    std::string api;     // "starsender", "cloud_api", "fonnte", or "" (unknown path)
    std::string to;      // recipient from the body ("" when absent)
    std::string text;    // StarSender: "body"; Fonnte: "message"
    std::string template_name, template_language;  // Cloud API
    std::vector<std::string> parameters;           // Cloud API body parameters
    std::string behaviour;  // what the gateway did (GatewayBehaviour::describe)
    std::string problem;    // why this is not a valid provider request; "" when valid
    int status = 0;         // HTTP status answered; 0: not answered
    std::string response_body;
    bool accepted = false;       // the gateway accepted the message (counts as delivered,
                                 // even if the client had left before the answer)
    bool reply_written = false;  // the answer reached the socket without error
    std::string message_id;      // "ss-<n>" / "wamid.<n>" / "<n>" (Fonnte) when accepted

    std::string header(const std::string& name) const;  // "" when absent
    size_t header_count(const std::string& name) const;
};

class TestGateway {
public:
    TestGateway();
    ~TestGateway();
    TestGateway(const TestGateway&) = delete;
    TestGateway& operator=(const TestGateway&) = delete;

    // port 0: any free port; a port of its own again after stop() (connection
    // refused, then served again on the same URL).
    bool start(std::string* error, int port = 0);
    void stop();
    int port() const { return port_; }
    std::string starsender_url() const;  // http://127.0.0.1:<port>/api/send
    std::string cloud_url() const;       // http://127.0.0.1:<port>/v20.0/123/messages
    std::string fonnte_url() const;      // http://127.0.0.1:<port>/send
    static constexpr const char* kPhoneNumberId = "123";

    // Credentials a request must carry (exact header values after the scheme).
    void expect_starsender_key(const std::string& key);
    void expect_cloud_token(const std::string& token);
    void expect_fonnte_token(const std::string& token);

    // Forgets requests and scripts, sets the default back to "accept", and
    // closes connections left hanging by an earlier "hang".
    void reset();

    // Scripting; a bad behaviour text fails the calling test (ADD_FAILURE).
    void set_default(const std::string& behaviour);
    void script(const std::vector<std::string>& behaviours);  // next requests, in order
    void script_request(int number, const std::string& behaviour);
    void script_recipient(const std::string& to, const std::vector<std::string>& behaviours);

    // The log.
    std::vector<GatewayRequest> requests() const;
    size_t request_count() const;
    std::vector<GatewayRequest> requests_to(const std::string& to) const;
    int requests_for(const std::string& to) const;
    int accepted_for(const std::string& to) const;
    std::map<std::string, int> accepted_per_recipient() const;
    int accepted_total() const;
    // Most requests the gateway was working on at one time (received, not yet
    // answered or abandoned).
    int max_in_flight() const;
    // Problems of all requests, one per line ("" when every request was valid).
    std::string problems() const;
    // A readable summary of the log for failure messages.
    std::string dump() const;

    // Waits (bounded) until at least n requests arrived.
    bool wait_for_requests(size_t n, Millis timeout) const;
    // Waits until nothing is pending and nothing arrived for `quiet`.
    bool wait_idle(Millis quiet, Millis timeout) const;

private:
    struct Connection {
        std::thread thread;
        std::atomic<bool> done{false};
        int fd = -1;
        int serial = 0;
    };

    void accept_loop();
    void serve(Connection* connection);
    // Decides and records; returns the index in log_ and the behaviour.
    size_t admit(GatewayRequest request, GatewayBehaviour* behaviour, uint64_t* generation);
    std::string answer(size_t index, const GatewayBehaviour& behaviour, bool* keep_open);
    void finish(size_t index, int status, const std::string& body, bool accepted,
                const std::string& message_id, bool written);
    void reap_connections(bool all);

    std::optional<GatewayBehaviour> parse_or_fail(const std::string& text);

    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread accept_thread_;
    std::mutex connections_mutex_;
    std::list<std::unique_ptr<Connection>> connections_;
    int next_connection_ = 0;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::atomic<uint64_t> generation_{0};
    SteadyTime epoch_;
    std::vector<GatewayRequest> log_;
    std::string starsender_key_;
    std::string cloud_token_;
    std::string fonnte_token_;
    GatewayBehaviour default_;
    std::vector<GatewayBehaviour> queue_;
    std::map<int, GatewayBehaviour> by_number_;
    std::map<std::string, std::vector<GatewayBehaviour>> by_recipient_;
    int accepted_serial_ = 0;
    SteadyTime last_activity_;
};

// One gateway for the whole test binary, started on first use (its port goes
// into the suites' nginx.conf). Aborts the process if it cannot start.
TestGateway& shared_gateway();

}  // namespace wa::itest
