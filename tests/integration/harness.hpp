// Integration-test harness: a private redis-server and the real nginx with the
// built module, each in its own temporary prefix on free loopback ports, plus
// a small HTTP/1.1 client, a sync Redis client for inspection, and JSON
// assertions.
//
// Environment: WA_MODULE (the .so, default build/ngx_http_wa_report_module.so
// relative to the working directory; set and empty: NGINX has the module
// built in and nginx.conf gets no load_module), WA_NGINX or NGINX (the
// binary, default /usr/sbin/nginx; never passed on, nginx reads NGINX itself),
// REDIS_SERVER (default redis-server), WA_KEEP_TMP=1 keeps the temporary
// prefixes for post-mortem inspection.
//
// The HTTP client is our own: Debian's cpp-httplib is split into a header and
// libcpp-httplib.so, and the integration build links only gtest, hiredis and
// jansson. Owning the client also lets the tests see the wire: chunked
// framing, HEAD without a body, chunked request bodies, per-request timing.
#pragma once

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace wa::itest {

using Millis = std::chrono::milliseconds;

// ---------------------------------------------------------------- environment

std::string env_or(const char* name, const std::string& fallback);
std::string absolute_path(const std::string& path);
std::string module_path();  // WA_MODULE, made absolute; "" for a built-in module

// A sanitized nginx (make asan) writes its ASan/UBSan/LSan reports into its
// prefix as sanitizer/report.<pid> (nginx_sanitizer_env); this returns their text
// and renames them so each is reported once. "" when there is none.
std::vector<std::string> nginx_sanitizer_env(const std::string& prefix);
std::string take_sanitizer_reports(const std::string& prefix);
std::string nginx_binary();  // NGINX
std::string redis_binary();  // REDIS_SERVER

// A loopback TCP port that was free a moment ago (bind port 0, read it back).
int free_port();

// True when something accepts TCP connections on 127.0.0.1:port.
bool port_open(int port);

// Bytes received but not yet read by the application, summed over the
// established IPv4 sockets whose local port is `port` (from /proc/net/tcp).
// Shows that a request reached a server that is not reading (SIGSTOPped).
size_t tcp_receive_queue(int port);

// Calls ready() every `step` until it returns true or `timeout` elapses.
// The only place where the tests sleep.
bool poll_until(Millis timeout, const std::function<bool()>& ready, Millis step = Millis(50));

std::string read_file(const std::string& path);
bool write_file(const std::string& path, const std::string& text);

// ---------------------------------------------------------------- temp dir

class TempDir {
public:
    explicit TempDir(const std::string& tag);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

// ---------------------------------------------------------------- processes

// A child process with stdout and stderr sent to a log file.
class Child {
public:
    Child() = default;
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // `env`: "NAME=value" entries set in the child on top of ours; a bare
    // "NAME" removes it.
    bool spawn(const std::vector<std::string>& argv, const std::string& log_path,
               std::string* error, const std::vector<std::string>& env = {});
    pid_t pid() const { return pid_; }
    bool running();  // reaps the child if it has exited

    // Sends `sig`, waits up to `grace` for the exit; returns false on timeout.
    bool signal_and_wait(int sig, Millis grace);

    // Waits up to `timeout` for the child to exit by itself.
    bool wait_exit(Millis timeout);

    // SIGKILL and reap; no-op if not running.
    void kill_now();

    // Exit description after the child has been reaped ("exit 1", "signal 9").
    std::string exit_description() const { return exit_; }

private:
    pid_t pid_ = -1;
    std::string exit_;
};

// Process ids whose parent is `parent` (read from /proc).
std::vector<pid_t> child_pids(pid_t parent);
bool pid_alive(pid_t pid);

// ---------------------------------------------------------------- redis

struct RedisReply {
    bool ok = false;  // false: connection/protocol failure or an error reply
    int type = 0;     // REDIS_REPLY_*
    long long integer = 0;
    std::string str;  // string, status or error text
    std::vector<RedisReply> elements;
};

// Synchronous hiredis client for test-side setup and inspection.
class RedisClient {
public:
    RedisClient() = default;
    ~RedisClient();
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;

    bool connect(int port, std::string* error);
    void disconnect();
    RedisReply command(const std::vector<std::string>& args);
    // Sends every command before reading any reply (bulk seeding); false when
    // one failed or the connection did.
    bool pipeline(const std::vector<std::vector<std::string>>& commands);

    bool flushall();
    long long dbsize();
    std::vector<std::string> keys(const std::string& pattern = "*");
    bool exists(const std::string& key);
    // DEBUG DIGEST: one hash of the whole data set ("writes nothing" checks).
    std::string digest();

private:
    redisContext* ctx_ = nullptr;
    int port_ = 0;
};

class RedisServer {
public:
    // Starts redis-server on 127.0.0.1:port with its files in `dir`.
    bool start(const std::string& dir, int port, std::string* error);
    bool restart(std::string* error);  // same port and dir
    void kill_now();                   // SIGKILL, as a crash would
    bool stop();                       // SIGTERM, then SIGKILL
    bool running() { return child_.running(); }
    int port() const { return port_; }
    pid_t pid() const { return child_.pid(); }
    std::string log_path() const { return dir_ + "/redis.log"; }

private:
    Child child_;
    std::string dir_;
    int port_ = 0;
};

// ---------------------------------------------------------------- nginx

// nginx.conf pieces. Every string may contain the placeholders {prefix},
// {port}, {redis_port} and {redis} (127.0.0.1:<redis port>), expanded when the
// file is written. Tests append directives with +=.
struct NginxConfig {
    bool load_module = true;
    int worker_processes = 1;
    // nginx does some work only to write a line at a level (it keeps a refused
    // request line when it logs the refusal at info); a test of what a user
    // sees runs at the level a user's configuration has.
    std::string error_log_level = "info";
    std::string listen_options;  // after "listen 127.0.0.1:{port}", e.g. "sndbuf=4k"
    std::string main_extra;      // main context, after load_module
    std::string http_extra;      // inside http {}, after the wa_report_* lines
    std::string server_extra;    // inside server {}, after the report location
    std::string location_extra;  // inside the report location

    // The module's http-level directives; replace to test other settings.
    std::string wa_http =
        "wa_report_redis {redis};\n"
        "wa_report_key_prefix wa;\n"
        "wa_report_timezone Asia/Jakarta;\n";

    // Empty: no report location.
    std::string report_location = "/whatsapp-report/";
    std::string report_directives =
        "wa_report;\n"
        "wa_report_max_body_size 4k;\n";

    // Further files written into the prefix before nginx reads its
    // configuration (name -> text; {prefix} and the others are replaced as in
    // nginx.conf), e.g. a file the configuration includes.
    std::map<std::string, std::string> files;

    std::string render(const std::string& prefix, int port, int redis_port,
                       const std::string& module) const;

    // Writes nginx.conf and `files` into prefix; false when one cannot be written.
    bool write(const std::string& prefix, int port, int redis_port, const std::string& module,
               std::string* error) const;
};

class NginxServer {
public:
    bool start(const std::string& prefix, const NginxConfig& config, int port, int redis_port,
               std::string* error);

    // SIGQUIT, wait, then SIGKILL (master and workers). Returns a description
    // of anything abnormal, empty when the quit was clean.
    std::string stop();
    bool reload(std::string* error);  // SIGHUP, wait for a new worker set

    bool running() { return master_.running(); }
    pid_t master_pid() const { return master_.pid(); }
    std::vector<pid_t> worker_pids() const;
    int port() const { return port_; }
    std::string error_log_path() const { return prefix_ + "/error.log"; }
    std::string error_log() const { return read_file(error_log_path()); }

    // Lines logged since the previous call whose level (their first bracketed
    // word) is [alert], [crit] or [emerg].
    std::string take_log_problems();

private:
    Child master_;
    std::string prefix_;
    int port_ = 0;
    size_t log_offset_ = 0;
};

// `nginx -t` on a rendered config in a fresh prefix: ok when it exits 0;
// output holds its stderr and error log.
struct ConfigCheck {
    bool ok = false;
    std::string output;
};
ConfigCheck nginx_check_config(const NginxConfig& config, int redis_port = 6379);

// ---------------------------------------------------------------- http

using Header = std::pair<std::string, std::string>;
using Headers = std::vector<Header>;

struct HttpResponse {
    int status = 0;  // 0: no response, see error
    std::string error;
    std::string reason;
    Headers headers;
    std::string body;
    bool chunked = false;  // body arrived with Transfer-Encoding: chunked
    size_t chunks = 0;     // number of non-empty chunks
    double seconds = 0;    // request sent to response complete
    std::string note;      // the harness's diagnosis of a suspicious answer

    // First header with that name (case-insensitive); "" when absent.
    std::string header(const std::string& name) const;
    bool has_header(const std::string& name) const;
    size_t header_count(const std::string& name) const;
};

void PrintTo(const HttpResponse& response, std::ostream* os);
std::string describe(const HttpResponse& response);

struct RequestOptions {
    bool chunked_body = false;  // send the body with Transfer-Encoding: chunked
    size_t chunk_size = 1024;
    // > 0: write the request this many bytes at a time, each once the server
    // has read the previous one (its socket's receive queue is empty), so that
    // the server sees them in separate reads; stops writing when the server
    // has answered.
    size_t write_piece = 0;
};

// Blocking HTTP/1.1 client with keep-alive to one 127.0.0.1 port.
class HttpClient {
public:
    explicit HttpClient(int port) : port_(port) {}
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    void set_timeout(Millis timeout) { timeout_ = timeout; }
    void close();

    HttpResponse request(const std::string& method, const std::string& target,
                         const std::string& body = "", const Headers& headers = {},
                         const RequestOptions& options = {});

    // Sends `wire` as it is (request line, headers, body: nothing added) and
    // reads one response; `method` tells whether it has a body (HEAD).
    HttpResponse raw_request(const std::string& method, const std::string& wire,
                             const RequestOptions& options = {});

    HttpResponse get(const std::string& target) { return request("GET", target); }
    HttpResponse head(const std::string& target) { return request("HEAD", target); }
    HttpResponse del(const std::string& target) { return request("DELETE", target); }
    HttpResponse put_json(const std::string& target, const std::string& body) {
        return request("PUT", target, body, {{"Content-Type", "application/json"}});
    }
    HttpResponse post_json(const std::string& target, const std::string& body) {
        return request("POST", target, body, {{"Content-Type", "application/json"}});
    }

private:
    bool ensure_connected(std::string* error);
    bool check_idle_connection(std::string* error);
    bool send_all(const std::string& data, std::chrono::steady_clock::time_point deadline,
                  std::string* error);
    bool send_in_pieces(const std::string& data, size_t piece,
                        std::chrono::steady_clock::time_point deadline, std::string* error);
    HttpResponse exchange(const std::string& method, const std::string& wire,
                          const std::string& body, const RequestOptions& options,
                          bool* nothing_received);

    int port_;
    int fd_ = -1;
    Millis timeout_ = Millis(10000);
    std::string buffer_;
    std::string last_request_;
};

std::string url_encode(const std::string& text);

// X-Hub-Signature-256 as Meta signs a webhook: "sha256=" and the lowercase
// hex HMAC-SHA256 of the exact body bytes with the app secret.
std::string meta_signature(const std::string& body, const std::string& secret);

// ---------------------------------------------------------------- the stack

struct StackOptions {
    NginxConfig nginx;
    // After the port answers, poll this path until it answers something other
    // than 502/503 (the module is connected to Redis). Empty: port only.
    std::string ready_path = "/whatsapp-report/statistics";
};

// redis-server + nginx with the module, in one temporary prefix.
class Stack {
public:
    Stack();
    ~Stack();

    bool start(const StackOptions& options, std::string* error);
    // Stops nginx and redis; returns problems (unclean quit, alert lines).
    std::string stop();

    const std::string& prefix() const { return tmp_->path(); }
    int port() const { return port_; }
    int redis_port() const { return redis_port_; }
    RedisServer& redis_server() { return redis_server_; }
    RedisClient& redis() { return redis_; }  // connected after start()
    NginxServer& nginx() { return nginx_; }
    HttpClient& http() { return *http_; }

    // FLUSHALL; restarts redis first when a test left it down, and then waits
    // until the module serves again.
    bool reset_data(std::string* error);
    // Polls StackOptions::ready_path until it answers other than 502/503 (10 s).
    bool wait_ready(std::string* error);
    // Restarts redis on its port and reconnects the inspection client.
    bool restart_redis(std::string* error);

private:
    std::unique_ptr<TempDir> tmp_;
    RedisServer redis_server_;
    RedisClient redis_;
    NginxServer nginx_;
    std::unique_ptr<HttpClient> http_;
    int port_ = 0;
    int redis_port_ = 0;
    bool started_ = false;
    std::string ready_path_;
};

// One stack per test suite; redis is flushed before every test, and every
// test ends by checking the error log for [alert]/[crit]/[emerg] and that the
// nginx master still runs. Suites customise the stack by defining
//   static wa::itest::StackOptions stack_options();
template <class Suite>
class StackTest : public ::testing::Test {
public:
    static StackOptions stack_options() { return {}; }

    static void SetUpTestSuite() {
        start_error_.clear();
        stack_ = std::make_unique<Stack>();
        if (!stack_->start(Suite::stack_options(), &start_error_)) {
            std::string problems = stack_->stop();
            if (!problems.empty())
                start_error_ += "\n" + problems;
        }
    }

    static void TearDownTestSuite() {
        if (!stack_)
            return;
        if (start_error_.empty()) {
            std::string problems = stack_->stop();
            if (!problems.empty())
                ADD_FAILURE() << "at nginx shutdown: " << problems;
        }
        stack_.reset();
    }

protected:
    void SetUp() override {
        ASSERT_TRUE(start_error_.empty()) << "stack did not start: " << start_error_;
        std::string error;
        ASSERT_TRUE(stack_->reset_data(&error)) << error;
    }

    void TearDown() override {
        if (!start_error_.empty())
            return;
        EXPECT_TRUE(stack_->nginx().running()) << "nginx master exited\n"
                                               << stack_->nginx().error_log();
        std::string problems = stack_->nginx().take_log_problems();
        EXPECT_EQ("", problems) << "error log has [alert]/[crit]/[emerg] lines";
    }

    static Stack& stack() { return *stack_; }
    static HttpClient& http() { return stack_->http(); }
    static RedisClient& redis() { return stack_->redis(); }

private:
    static inline std::unique_ptr<Stack> stack_;
    static inline std::string start_error_;
};

// ---------------------------------------------------------------- JSON

struct JsonDeleter {
    void operator()(json_t* json) const { json_decref(json); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;

// Parses any JSON value, keeping object key order; null on error.
JsonPtr parse_json(const std::string& text, std::string* error = nullptr);
std::string json_quote(const std::string& text);  // "..." with escapes
std::string dump_json(const json_t* json);        // compact, ordered

// Python's repr() of a float in [1e-4, 1e16): shortest round-trip, ".0".
std::string py_float_repr(double value);

// ---------------------------------------------------------------- assertions

// Status, Content-Type: application/json, and a body that parses as JSON.
::testing::AssertionResult IsJson(const HttpResponse& response, int status);

// Status, Content-Type: application/json, and exactly this body.
::testing::AssertionResult IsJsonBody(const HttpResponse& response, int status,
                                      const std::string& body);

// Exact comparison of long texts, reporting the first difference.
::testing::AssertionResult SameText(const std::string& actual, const std::string& expected);

// Matches `text` against `pattern`, literal except for these tokens, whose
// matches are appended to *captures:
//   <TS>    2026-01-05T10:30:00      <DATE>  2026-01-05
//   <UUID>  lowercase 8-4-4-4-12     <INT>   -?[0-9]+
//   <STR>   JSON string contents up to the next unescaped quote
::testing::AssertionResult MatchesPattern(const std::string& text, const std::string& pattern,
                                          std::vector<std::string>* captures = nullptr);

// IsJson + MatchesPattern on the body.
::testing::AssertionResult IsJsonLike(const HttpResponse& response, int status,
                                      const std::string& pattern,
                                      std::vector<std::string>* captures = nullptr);

// FastAPI validation error: 422, {"detail":[{"loc":[...],"msg":"...","type":"..."}, ...]}
// with an entry whose loc equals `loc` (empty: any entry). When `loc` is
// non-empty and `exact_single` is set, detail must hold exactly that entry.
::testing::AssertionResult IsValidationError(const HttpResponse& response,
                                             const std::vector<std::string>& loc,
                                             bool exact_single = false);

// {"detail":"<string>"} with that status (any text when detail is empty).
::testing::AssertionResult IsDetail(const HttpResponse& response, int status,
                                    const std::string& detail = "");

// ---------------------------------------------------------------- misc

std::string new_uuid();  // random v4, lowercase

// Local wall-clock time at a fixed UTC offset as 2026-01-05T10:30:00.
// Asia/Jakarta is UTC+7 all year.
std::string local_iso_now(int utc_offset_hours);
// Seconds since the epoch for a naive ISO timestamp at that offset.
std::optional<long long> parse_local_iso(const std::string& ts, int utc_offset_hours);
// ts is within `slack` seconds of now at that offset.
::testing::AssertionResult IsNearNow(const std::string& ts, int utc_offset_hours,
                                     int slack_seconds = 30);

constexpr int kJakartaOffset = 7;

}  // namespace wa::itest
