// Logs an admin can live with (issue 11, section 4): a run leaves a trace at
// Debian's default level `error` when its sends failed, a refusing Redis
// writes one line per cause and connection instead of one per retry or
// request, run lines say resumed or started, their counters and the zone of
// their day, phone numbers are masked and message texts left out, and a
// connect failure names what could not be reached.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

// One line of nginx's error log: "2026/11/30 10:00:00 [error] 42#42: text".
struct LogLine {
    std::string level;  // "error", "warn", "notice", ...
    std::string pid;
    std::string text;  // after "pid#tid: " and a request's connection number ("*12 ")
};

std::vector<LogLine> parse_log(const std::string& log) {
    std::vector<LogLine> lines;
    size_t at = 0;
    while (at < log.size()) {
        size_t end = log.find('\n', at);
        if (end == std::string::npos)
            end = log.size();
        std::string line = log.substr(at, end - at);
        at = end + 1;
        size_t open = line.find(" [");
        size_t close = line.find("] ", open == std::string::npos ? 0 : open);
        size_t hash = line.find('#', close == std::string::npos ? 0 : close);
        size_t colon = line.find(": ", hash == std::string::npos ? 0 : hash);
        if (open == std::string::npos || close == std::string::npos || hash == std::string::npos
            || colon == std::string::npos) {
            continue;
        }
        std::string text = line.substr(colon + 2);
        if (text.size() > 1 && text[0] == '*') {
            size_t space = text.find(' ');
            if (space != std::string::npos)
                text = text.substr(space + 1);
        }
        lines.push_back(LogLine{line.substr(open + 2, close - open - 2),
                                line.substr(close + 2, hash - close - 2), text});
    }
    return lines;
}

// The module's lines (text starting "wa_report: ") in `log`.
std::vector<LogLine> module_lines(const std::string& log) {
    std::vector<LogLine> out;
    for (LogLine& l : parse_log(log)) {
        if (l.text.rfind("wa_report: ", 0) == 0)
            out.push_back(std::move(l));
    }
    return out;
}

size_t count_containing(const std::vector<LogLine>& lines, const std::string& needle) {
    size_t n = 0;
    for (const LogLine& l : lines)
        n += l.text.find(needle) != std::string::npos ? 1 : 0;
    return n;
}

std::string describe_lines(const std::vector<LogLine>& lines) {
    std::string out;
    for (const LogLine& l : lines)
        out += "[" + l.level + "] " + l.pid + ": " + l.text + "\n";
    return out;
}

std::string tail_from(const std::string& text, size_t offset) {
    return offset < text.size() ? text.substr(offset) : std::string();
}

// Requests on fresh connections, so that every worker gets some, for `span`.
void requests_for(int port, Millis span) {
    poll_until(
        span,
        [&] {
            HttpClient c(port);
            c.set_timeout(Millis(2000));
            c.get(kBase + "/statistics");
            return false;
        },
        Millis(100));
}

// ---------------------------------------------------------------- run levels

// Besides the harness's info log, the two logs an admin would have: Debian's
// default (`error`) and `warn`.
class RunLogLevelTest : public ReminderTest<RunLogLevelTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.retries = 0;
        StackOptions options = reminder_stack(s);
        options.nginx.main_extra +=
            "error_log {prefix}/at-error.log error;\n"
            "error_log {prefix}/at-warn.log warn;\n";
        return options;
    }

protected:
    void SetUp() override {
        ReminderTest<RunLogLevelTest>::SetUp();
        at_error_ = read_file(log_path("at-error.log")).size();
        at_warn_ = read_file(log_path("at-warn.log")).size();
        info_ = stack().nginx().error_log().size();
    }

    static std::string log_path(const std::string& name) { return stack().prefix() + "/" + name; }
    std::vector<LogLine> new_at_error() const {
        return parse_log(tail_from(read_file(log_path("at-error.log")), at_error_));
    }
    std::vector<LogLine> new_at_warn() const {
        return parse_log(tail_from(read_file(log_path("at-warn.log")), at_warn_));
    }
    std::string new_info() const { return tail_from(stack().nginx().error_log(), info_); }

    static std::string last_run_id() {
        return redis().command({"HGET", "{wa}:run:last", "id"}).str;
    }

    size_t at_error_ = 0, at_warn_ = 0, info_ = 0;
};

// The example: a gateway that refuses every message. Before, the run
// left nothing at `error` (its summary was a NOTICE).
TEST_F(RunLogLevelTest, EveryFailedSendIsOneErrorLineAtLevelError) {
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1, 3, jakarta_today(), &due));
    gateway().set_default("refuse Device offline");
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "", &data));
    ASSERT_EQ(3, count_status(details_of(data.get()), "failed")) << dump_json(data.get());

    std::vector<LogLine> lines = new_at_error();
    ASSERT_EQ(1u, lines.size()) << describe_lines(lines);
    EXPECT_EQ("error", lines[0].level);
    EXPECT_EQ("wa_report: run \"" + last_run_id() + "\" for " + jakarta_today() +
                " (Asia/Jakarta) finished: 3 vehicles, 0 sent, 3 failed, 0 skipped, 0 unknown, "
                "0 dry run, last failure \"Device offline\"",
            lines[0].text);
    EXPECT_EQ(describe_lines(lines), describe_lines(new_at_warn()));
}

// Some sends failed, one was accepted: a [warn], nothing at `error`.
TEST_F(RunLogLevelTest, SomeFailedSendsAreOneWarnLine) {
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1, 3, jakarta_today(), &due));
    gateway().script_recipient(due[1].to, {"refuse Nomor tidak terdaftar"});
    gateway().script_recipient(due[2].to, {"status 400"});
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "", &data));
    ASSERT_EQ(2, count_status(details_of(data.get()), "failed")) << dump_json(data.get());

    std::vector<LogLine> warn = new_at_warn();
    ASSERT_EQ(1u, warn.size()) << describe_lines(warn);
    EXPECT_EQ("warn", warn[0].level);
    EXPECT_TRUE(MatchesPattern(warn[0].text,
                               "wa_report: run \"<UUID>\" for " + jakarta_today()
                                   + " (Asia/Jakarta) finished: 3 vehicles, 1 sent, 2 failed, "
                                     "0 skipped, 0 unknown, 0 dry run, last failure \"<STR>\""))
        << warn[0].text;
    EXPECT_EQ(0u, new_at_error().size()) << describe_lines(new_at_error());
}

// Everything accepted: nothing at `warn` or `error`; the summary is a NOTICE.
TEST_F(RunLogLevelTest, ACleanRunWritesNothingAtWarn) {
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1, 2, jakarta_today(), &due));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "", &data));
    EXPECT_EQ(0u, new_at_warn().size()) << describe_lines(new_at_warn());
    std::vector<LogLine> info = module_lines(new_info());
    EXPECT_EQ(1u,
              count_containing(info,
                               " (Asia/Jakarta) finished: 2 vehicles, 2 sent, 0 failed, "
                               "0 skipped, 0 unknown, 0 dry run"))
        << describe_lines(info);
}

// A gateway's refusal that repeats the recipient's number: the number is
// masked in the summary, and appears nowhere in the log.
TEST_F(RunLogLevelTest, APhoneInTheGatewaysAnswerIsMasked) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 7, jakarta_today(), &s));
    ASSERT_EQ("6281200000007", s.to);
    gateway().set_default("refuse Nomor 6281200000007 tidak terdaftar di WhatsApp");
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "", &data));
    ASSERT_EQ(1, count_status(details_of(data.get()), "failed")) << dump_json(data.get());

    std::vector<LogLine> lines = new_at_error();
    ASSERT_EQ(1u, lines.size()) << describe_lines(lines);
    EXPECT_NE(
        std::string::npos,
        lines[0].text.find("last failure \"Nomor 6281******007 tidak terdaftar di WhatsApp\""))
        << lines[0].text;
    EXPECT_EQ(std::string::npos, stack().nginx().error_log().find("6281200000007"));
}

// ---------------------------------------------------------------- run wording

// The `log` gateway with wa_report_log_messages at its default (off).
class RunLogWordingTest : public ReminderTest<RunLogWordingTest> {
public:
    static StackOptions stack_options() {
        ReminderSettings s;
        s.provider = "log";
        return reminder_stack(s);
    }

protected:
    void SetUp() override {
        ReminderTest<RunLogWordingTest>::SetUp();
        offset_ = stack().nginx().error_log().size();
    }
    std::vector<LogLine> new_lines() const {
        return module_lines(tail_from(stack().nginx().error_log(), offset_));
    }
    size_t offset_ = 0;
};

// The example: the customer's number and the whole text were logged
// at NOTICE for every dry-run message.
TEST_F(RunLogWordingTest, DryRunLinesMaskThePhoneAndLeaveTheTextOut) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 1, jakarta_today(), &s));
    ASSERT_EQ("6281200000001", s.to);
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "", &data));
    json_t* details = details_of(data.get());
    ASSERT_EQ(1, count_status(details, "dry_run")) << dump_json(data.get());
    // The run's details keep the text: only the log leaves it out.
    EXPECT_TRUE(DetailIs(detail_for(details, s.vehicle.nopol), {&s, 0, "dry_run"}));

    std::vector<LogLine> lines = new_lines();
    EXPECT_EQ(1u,
              count_containing(lines,
                               "wa_report: dry run: message to \"6281******001\" for \""
                                   + s.vehicle.nopol + "\""))
        << describe_lines(lines);
    std::string log = stack().nginx().error_log();
    EXPECT_EQ(std::string::npos, log.find("6281200000001")) << log;
    EXPECT_EQ(std::string::npos, log.find(s.customer.name)) << log;
    EXPECT_EQ(std::string::npos, log.find("untuk nomor kendaraan")) << log;
}

// The run's own lines: started and finished say the day with its zone, and
// the finished line counts the dry runs.
TEST_F(RunLogWordingTest, StartedAndFinishedSayTheDayItsZoneAndTheDryRuns) {
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1, 2, jakarta_today(), &due));
    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "", &data));
    const std::string id = redis().command({"HGET", "{wa}:run:last", "id"}).str;
    const std::string run =
        "wa_report: run \"" + id + "\" for " + jakarta_today() + " (Asia/Jakarta)";

    std::vector<LogLine> lines = new_lines();
    std::vector<std::string> run_lines;
    for (const LogLine& l : lines) {
        if (l.text.rfind("wa_report: run ", 0) == 0)
            run_lines.push_back("[" + l.level + "] " + l.text);
    }
    EXPECT_EQ((std::vector<std::string>{"[notice] " + run + " started, dry run",
                                        "[notice] " + run
                                            + " finished: 2 vehicles, 0 sent, 0 failed, 0 skipped, "
                                              "0 unknown, 2 dry run"}),
              run_lines)
        << describe_lines(lines);
}

// A run whose runner died, resumed by a tick: "resumed", once, and no second
// "started".
TEST_F(RunLogWordingTest, AResumedRunSaysResumedNotStarted) {
    Seeded s;
    ASSERT_TRUE(SeedVehicle(http(), 3, jakarta_today(), &s));
    const std::string id = "run-resumed-7";
    ASSERT_TRUE(LeaveOrphanDryRun(redis(), id));
    std::string last_run;
    ASSERT_TRUE(WaitLastRun(http(), Millis(15000), &last_run));
    ASSERT_EQ(id, redis().command({"HGET", "{wa}:run:last", "id"}).str);

    const std::string run =
        "wa_report: run \"" + id + "\" for " + jakarta_today() + " (Asia/Jakarta)";
    std::vector<LogLine> lines = new_lines();
    EXPECT_EQ(1u, count_containing(lines, run + " resumed, dry run")) << describe_lines(lines);
    EXPECT_EQ(0u, count_containing(lines, "started")) << describe_lines(lines);
    EXPECT_EQ(0u, count_containing(lines, "resuming")) << describe_lines(lines);
    EXPECT_EQ(1u,
              count_containing(lines,
                               run
                                   + " finished: 1 vehicles, 0 sent, 0 failed, "
                                     "0 skipped, 0 unknown, 1 dry run"))
        << describe_lines(lines);
}

// ---------------------------------------------------------------- Redis refusing

const std::string kUser = "wa-logs";
const std::string kPassword = "logs-test-redis-pass-7a1c";
const std::string kOther = "logs-test-other-pass-90d2";

std::string user_password_file() {
    static const std::string path = secret_file("redis-logs-pass", kPassword + "\n");
    return path;
}

// Two workers, each with its two connections (requests, reminder engine),
// authenticated as an ACL user the tests change; the reminder ticks every
// 200 ms.
class RedisRefusalLogTest : public StackTest<RedisRefusalLogTest> {
public:
    static StackOptions stack_options() {
        StackOptions options;
        options.nginx.worker_processes = 2;
        options.nginx.http_extra += "wa_report_redis_user " + kUser + ";\n"
                                "wa_report_redis_password_file " + user_password_file() + ";\n"
                                "wa_report_tick 200ms;\n";
        options.ready_path = "";  // the user is made by SetUp
        return options;
    }

protected:
    void SetUp() override {
        StackTest<RedisRefusalLogTest>::SetUp();
        if (HasFatalFailure())
            return;
        ASSERT_TRUE(redis()
                        .command({"ACL", "SETUSER", kUser, "reset", "on", ">" + kPassword, "~*",
                                  "&*", "+@all"})
                        .ok);
        ASSERT_TRUE(poll_until(Millis(10000), [&] {
            return http().get(kBase + "/statistics").status == 200;
        })) << stack().nginx().error_log();
        // Both workers' connections are set up (each worker's first request
        // would otherwise wait behind its setup).
        requests_for(stack().port(), Millis(500));
        offset_ = stack().nginx().error_log().size();
    }

    void TearDown() override {
        redis().command(
            {"ACL", "SETUSER", kUser, "reset", "on", ">" + kPassword, "~*", "&*", "+@all"});
        poll_until(Millis(10000), [&] { return http().get(kBase + "/statistics").status == 200; });
        StackTest<RedisRefusalLogTest>::TearDown();
    }

    std::vector<LogLine> new_lines() const {
        return module_lines(tail_from(stack().nginx().error_log(), offset_));
    }

    size_t offset_ = 0;
};

// The example: a wrong password. Before the hardening, 403 lines in
// 25 s from 2 workers; now each of the 4 connections says once that it went
// away and once that AUTH is refused, however often it retries and however
// many requests and ticks meet it; "is back" only once AUTH succeeds.
TEST_F(RedisRefusalLogTest, WrongPasswordIsOneLinePerCausePerConnection) {
    ASSERT_TRUE(redis().command({"ACL", "SETUSER", kUser, "resetpass", ">" + kOther}).ok);
    ASSERT_TRUE(redis().command({"CLIENT", "KILL", "USER", kUser}).ok);
    ASSERT_TRUE(poll_until(Millis(10000), [&] {
        return count_containing(new_lines(), "wa_report: redis AUTH failed \"WRONGPASS") == 4;
    })) << describe_lines(new_lines());
    requests_for(stack().port(), Millis(3000));

    std::vector<LogLine> lines = new_lines();
    EXPECT_EQ(4u, count_containing(lines, "wa_report: redis AUTH failed \"WRONGPASS"))
        << describe_lines(lines);
    EXPECT_EQ(4u, count_containing(lines, "wa_report: redis unavailable \""))
        << describe_lines(lines);
    EXPECT_EQ(8u, lines.size()) << describe_lines(lines);
    std::map<std::string, int> per_worker;
    for (const LogLine& l : lines)
        per_worker[l.pid]++;
    EXPECT_EQ(2u, per_worker.size()) << describe_lines(lines);
    for (const auto& [pid, n] : per_worker)
        EXPECT_EQ(4, n) << pid << "\n" << describe_lines(lines);

    ASSERT_TRUE(redis().command({"ACL", "SETUSER", kUser, "resetpass", ">" + kPassword}).ok);
    ASSERT_TRUE(poll_until(Millis(10000), [&] {
        return count_containing(new_lines(), "wa_report: redis is back") == 4;
    })) << describe_lines(new_lines());
    EXPECT_EQ(12u, new_lines().size()) << describe_lines(new_lines());
}

// A refusal on a working connection (the user may no longer run scripts):
// every request and every tick meets it. Before, one "redis error" line per
// second per worker, and the ticks failed without a word (the scheduled run
// never came, and nothing said why).
TEST_F(RedisRefusalLogTest, RefusedCommandsAreOneLinePerCausePerWorker) {
    ASSERT_TRUE(redis().command({"ACL", "SETUSER", kUser, "-evalsha", "-eval"}).ok);
    requests_for(stack().port(), Millis(3000));

    std::vector<LogLine> lines = new_lines();
    std::map<std::string, int> request_lines, tick_lines;
    for (const LogLine& l : lines) {
        if (l.text.rfind("wa_report: redis error \"NOPERM", 0) == 0)
            request_lines[l.pid]++;
        if (l.text.rfind("wa_report: reminder tick failed \"NOPERM", 0) == 0)
            tick_lines[l.pid]++;
    }
    EXPECT_FALSE(request_lines.empty()) << describe_lines(lines);
    for (const auto& [pid, n] : request_lines)
        EXPECT_EQ(1, n) << pid << "\n" << describe_lines(lines);
    EXPECT_EQ(2u, tick_lines.size()) << describe_lines(lines);
    for (const auto& [pid, n] : tick_lines)
        EXPECT_EQ(1, n) << pid << "\n" << describe_lines(lines);
    EXPECT_EQ(request_lines.size() + tick_lines.size(), lines.size()) << describe_lines(lines);
}

// ---------------------------------------------------------------- connect failures

std::string denied_socket_path() {
    return "/tmp/wa-itest-denied-" + std::to_string(::getpid()) + ".sock";
}

// A listening Unix socket nobody but root may connect to (mode 000), as
// Debian's redis socket is for a www-data worker outside group redis.
int listen_denied_socket() {
    std::string path = denied_socket_path();
    ::unlink(path.c_str());
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 8) != 0
        || ::chmod(path.c_str(), 0) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

class RedisSocketDeniedTest : public StackTest<RedisSocketDeniedTest> {
public:
    static StackOptions stack_options() {
        socket_fd_ = listen_denied_socket();
        StackOptions options;
        options.nginx.wa_http = "wa_report_redis unix:" + denied_socket_path() + ";\n"
                            "wa_report_key_prefix wa;\n"
                            "wa_report_timezone Asia/Jakarta;\n";
        options.ready_path = "";
        return options;
    }

    static void TearDownTestSuite() {
        StackTest<RedisSocketDeniedTest>::TearDownTestSuite();
        if (socket_fd_ >= 0)
            ::close(socket_fd_);
        ::unlink(denied_socket_path().c_str());
    }

protected:
    static inline int socket_fd_ = -1;
};

// The example: "Permission denied" without the path. The line names
// the socket, once per connection (requests, reminder engine) however often
// the worker retries.
TEST_F(RedisSocketDeniedTest, PermissionDeniedNamesTheSocket) {
    ASSERT_GE(socket_fd_, 0) << "cannot make the socket";
    const std::string line = "wa_report: redis connect to \"unix:" + denied_socket_path()
        + "\" failed \"Permission denied\"";
    ASSERT_TRUE(poll_until(Millis(10000), [&] {
        return count_containing(module_lines(stack().nginx().error_log()), line) == 2;
    })) << stack().nginx().error_log();
    requests_for(stack().port(), Millis(2000));
    EXPECT_TRUE(IsDetail(http().get(kBase + "/statistics"), 503, "Redis unavailable"));
    std::vector<LogLine> lines = module_lines(stack().nginx().error_log());
    EXPECT_EQ(2u, count_containing(lines, line)) << describe_lines(lines);
    EXPECT_EQ(2u, lines.size()) << describe_lines(lines);
}

int closed_port() {
    static const int port = free_port();
    return port;
}

class RedisRefusedTest : public StackTest<RedisRefusedTest> {
public:
    static StackOptions stack_options() {
        StackOptions options;
        options.nginx.wa_http = "wa_report_redis 127.0.0.1:" + std::to_string(closed_port()) + ";\n"
                            "wa_report_key_prefix wa;\n"
                            "wa_report_timezone Asia/Jakarta;\n";
        options.ready_path = "";
        return options;
    }
};

// The variant over TCP: the address that refused.
TEST_F(RedisRefusedTest, ConnectionRefusedNamesTheAddress) {
    const std::string line = "wa_report: redis connect to \"127.0.0.1:"
        + std::to_string(closed_port()) + "\" failed \"Connection refused\"";
    ASSERT_TRUE(poll_until(Millis(10000), [&] {
        return count_containing(module_lines(stack().nginx().error_log()), line) == 2;
    })) << stack().nginx().error_log();
    requests_for(stack().port(), Millis(2000));
    std::vector<LogLine> lines = module_lines(stack().nginx().error_log());
    EXPECT_EQ(2u, count_containing(lines, line)) << describe_lines(lines);
    EXPECT_EQ(2u, lines.size()) << describe_lines(lines);
}

}  // namespace
}  // namespace wa::itest
