#include "harness.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace wa::itest {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    size_t at = 0;
    while ((at = text.find(from, at)) != std::string::npos) {
        text.replace(at, from.size(), to);
        at += to.size();
    }
    return text;
}

std::string indent(const std::string& text, const std::string& pad) {
    std::string out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        out += line.empty() ? "\n" : pad + line + "\n";
    return out;
}

std::string truncated(const std::string& text, size_t max = 4000) {
    if (text.size() <= max)
        return text;
    return text.substr(0, max) + "... (" + std::to_string(text.size()) + " bytes)";
}

std::string tail(const std::string& text, size_t max = 3000) {
    if (text.size() <= max)
        return text;
    return "..." + text.substr(text.size() - max);
}

long long remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    return left < 0 ? 0 : left;
}

}  // namespace

// ---------------------------------------------------------------- environment

std::string env_or(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::string absolute_path(const std::string& path) {
    std::error_code ec;
    fs::path absolute = fs::absolute(path, ec);
    return ec ? path : absolute.lexically_normal().string();
}

std::string module_path() {
    const char* value = std::getenv("WA_MODULE");
    if (value != nullptr && *value == '\0')
        return "";
    return absolute_path(env_or("WA_MODULE", "build/ngx_http_wa_report_module.so"));
}

// Reports go to files rather than nginx's stderr: a worker's report at exit
// would otherwise be lost among the tests' output, and a file per process
// tells the harness after each stop that something was found.
std::vector<std::string> nginx_sanitizer_env(const std::string& prefix) {
    // Workers run as an unprivileged user when the tests run as root: the
    // directory is writable by all, as /tmp is.
    std::string dir = prefix + "/sanitizer";
    std::error_code ec;
    fs::create_directories(dir, ec);
    ::chmod(dir.c_str(), 01777);
    std::string log = ":log_path=" + dir + "/report";
    // nginx reads NGINX as the sockets inherited in a binary upgrade.
    return {"ASAN_OPTIONS=" + env_or("ASAN_OPTIONS", "detect_leaks=1") + log,
            "UBSAN_OPTIONS=" + env_or("UBSAN_OPTIONS", "print_stacktrace=1") + log, "NGINX"};
}

namespace {

// nginx's main() returns (nginx -t, a refused configuration) without
// destroying the pool it made for its first cycle: LeakSanitizer reports it
// in every nginx build, so a report holding only that leak is nginx's, not
// the module's. Every other report counts.
bool only_nginx_init_pool(const std::string& report) {
    if (report.find("ERROR: LeakSanitizer") == std::string::npos
        || report.find("ERROR: AddressSanitizer") != std::string::npos
        || report.find("runtime error") != std::string::npos)
        return false;
    std::istringstream in(report);
    std::string line;
    bool in_leak = false;
    bool pool_frame = false;
    bool leak_is_pool = true;
    size_t leaks = 0;
    while (std::getline(in, line)) {
        if (line.find(" leak of ") != std::string::npos) {
            if (in_leak && !leak_is_pool)
                return false;
            in_leak = true;
            leak_is_pool = false;
            pool_frame = false;
            leaks++;
            continue;
        }
        if (!in_leak || line.find("    #") != 0)
            continue;
        if (pool_frame && line.find(" in main ") != std::string::npos)
            leak_is_pool = true;
        pool_frame = line.find(" in ngx_create_pool ") != std::string::npos;
    }
    return leaks > 0 && leak_is_pool;
}

}  // namespace

std::string take_sanitizer_reports(const std::string& prefix) {
    std::string reports;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(prefix + "/sanitizer", ec)) {
        std::string name = entry.path().filename().string();
        if (name.rfind("report.", 0) != 0)
            continue;
        std::string report = read_file(entry.path().string());
        if (!only_nginx_init_pool(report))
            reports += "sanitizer report " + entry.path().string() + ":\n" + report + "\n";
        fs::rename(entry.path(), entry.path().parent_path() / ("seen-" + name), ec);
    }
    return reports;
}

std::string nginx_binary() { return env_or("WA_NGINX", env_or("NGINX", "/usr/sbin/nginx")); }

std::string redis_binary() { return env_or("REDIS_SERVER", "redis-server"); }

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int port = 0;
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
}

bool port_open(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    return open;
}

size_t tcp_receive_queue(int port) {
    std::istringstream table(read_file("/proc/net/tcp"));
    std::string line;
    std::getline(table, line);  // header
    size_t total = 0;
    while (std::getline(table, line)) {
        // sl local_address rem_address st tx_queue:rx_queue ...
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues;
        fields >> slot >> local >> remote >> state >> queues;
        size_t colon = local.find(':');
        size_t queue_colon = queues.find(':');
        if (colon == std::string::npos || queue_colon == std::string::npos || state != "01")
            continue;
        if (std::strtol(local.c_str() + colon + 1, nullptr, 16) != port)
            continue;
        total += std::strtoul(queues.c_str() + queue_colon + 1, nullptr, 16);
    }
    return total;
}

bool poll_until(Millis timeout, const std::function<bool()>& ready, Millis step) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        if (ready())
            return true;
        if (Clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(step);
    }
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out);
}

// ---------------------------------------------------------------- temp dir

TempDir::TempDir(const std::string& tag) {
    std::string base = env_or("TMPDIR", "/tmp");
    std::string templ = base + "/wa-itest-" + tag + "-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) != nullptr) {
        path_ = buf.data();
        // nginx workers run as an unprivileged user when the tests run as root.
        ::chmod(path_.c_str(), 0755);
    }
}

TempDir::~TempDir() {
    if (path_.empty() || env_or("WA_KEEP_TMP", "") == "1")
        return;
    std::error_code ec;
    fs::remove_all(path_, ec);
}

// ---------------------------------------------------------------- processes

Child::~Child() { kill_now(); }

bool Child::spawn(const std::vector<std::string>& argv, const std::string& log_path,
                  std::string* error, const std::vector<std::string>& env) {
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);

    // Built before fork: the child of a threaded process may not allocate.
    std::vector<char*> envp;
    for (char** e = environ; *e != nullptr; e++) {
        std::string_view entry(*e);
        bool replaced = std::any_of(env.begin(), env.end(), [&](const std::string& set) {
            return entry.substr(0, entry.find('=') + 1) == set.substr(0, set.find('=') + 1);
        });
        if (!replaced)
            envp.push_back(*e);
    }
    for (const auto& set : env)
        if (set.find('=') != std::string::npos)
            envp.push_back(const_cast<char*>(set.c_str()));
    envp.push_back(nullptr);

    int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        *error = "cannot open " + log_path + ": " + std::strerror(errno);
        return false;
    }
    int exec_pipe[2];
    if (::pipe2(exec_pipe, O_CLOEXEC) != 0) {
        ::close(log_fd);
        *error = std::string("pipe2: ") + std::strerror(errno);
        return false;
    }

    pid_t pid = ::fork();
    if (pid < 0) {
        *error = std::string("fork: ") + std::strerror(errno);
        ::close(log_fd);
        ::close(exec_pipe[0]);
        ::close(exec_pipe[1]);
        return false;
    }
    if (pid == 0) {
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            ::dup2(devnull, STDIN_FILENO);
        ::dup2(log_fd, STDOUT_FILENO);
        ::dup2(log_fd, STDERR_FILENO);
        ::signal(SIGPIPE, SIG_DFL);
        ::execvpe(args[0], args.data(), envp.data());
        int err = errno;
        ssize_t ignored = ::write(exec_pipe[1], &err, sizeof(err));
        (void)ignored;
        ::_exit(127);
    }

    ::close(log_fd);
    ::close(exec_pipe[1]);
    int exec_errno = 0;
    ssize_t n = ::read(exec_pipe[0], &exec_errno, sizeof(exec_errno));
    ::close(exec_pipe[0]);
    pid_ = pid;
    exit_.clear();
    if (n == static_cast<ssize_t>(sizeof(exec_errno))) {
        kill_now();
        *error = "cannot run " + argv[0] + ": " + std::strerror(exec_errno);
        return false;
    }
    return true;
}

bool Child::running() {
    if (pid_ <= 0)
        return false;
    int status = 0;
    pid_t got = ::waitpid(pid_, &status, WNOHANG);
    if (got == 0)
        return true;
    if (got == pid_) {
        if (WIFEXITED(status))
            exit_ = "exit " + std::to_string(WEXITSTATUS(status));
        if (WIFSIGNALED(status))
            exit_ = "signal " + std::to_string(WTERMSIG(status));
    }
    pid_ = -1;
    return false;
}

bool Child::signal_and_wait(int sig, Millis grace) {
    if (!running())
        return true;
    ::kill(pid_, sig);
    return poll_until(
        grace, [this] { return !running(); }, Millis(20));
}

bool Child::wait_exit(Millis timeout) {
    return poll_until(
        timeout, [this] { return !running(); }, Millis(10));
}

void Child::kill_now() {
    if (!running())
        return;
    ::kill(pid_, SIGKILL);
    poll_until(
        Millis(5000), [this] { return !running(); }, Millis(10));
}

std::vector<pid_t> child_pids(pid_t parent) {
    std::vector<pid_t> pids;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr)
        return pids;
    while (dirent* entry = ::readdir(proc)) {
        char* end = nullptr;
        long pid = std::strtol(entry->d_name, &end, 10);
        if (pid <= 0 || *end != '\0')
            continue;
        std::string stat = read_file("/proc/" + std::string(entry->d_name) + "/stat");
        // pid (comm) state ppid ...; comm may contain spaces and parentheses.
        size_t close_paren = stat.rfind(')');
        if (close_paren == std::string::npos)
            continue;
        std::istringstream rest(stat.substr(close_paren + 1));
        std::string state;
        long ppid = 0;
        rest >> state >> ppid;
        if (ppid == parent && state != "Z")
            pids.push_back(static_cast<pid_t>(pid));
    }
    ::closedir(proc);
    std::sort(pids.begin(), pids.end());
    return pids;
}

bool pid_alive(pid_t pid) {
    if (pid <= 0 || ::kill(pid, 0) != 0)
        return false;
    std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    size_t close_paren = stat.rfind(')');
    return close_paren != std::string::npos && stat.compare(close_paren + 1, 3, " Z ") != 0;
}

// ---------------------------------------------------------------- redis

namespace {

RedisReply convert(const redisReply* reply) {
    RedisReply out;
    out.type = reply->type;
    out.ok = reply->type != REDIS_REPLY_ERROR;
    switch (reply->type) {
    case REDIS_REPLY_INTEGER: out.integer = reply->integer; break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR: out.str.assign(reply->str, reply->len); break;
    case REDIS_REPLY_ARRAY:
        for (size_t i = 0; i < reply->elements; ++i)
            out.elements.push_back(convert(reply->element[i]));
        break;
    default: break;
    }
    return out;
}

}  // namespace

RedisClient::~RedisClient() { disconnect(); }

bool RedisClient::connect(int port, std::string* error) {
    disconnect();
    port_ = port;
    timeval timeout{2, 0};
    ctx_ = redisConnectWithTimeout("127.0.0.1", port, timeout);
    if (ctx_ == nullptr || ctx_->err != 0) {
        if (error != nullptr)
            *error = ctx_ != nullptr ? ctx_->errstr : "redisConnect failed";
        disconnect();
        return false;
    }
    redisSetTimeout(ctx_, timeval{10, 0});
    return true;
}

void RedisClient::disconnect() {
    if (ctx_ != nullptr)
        redisFree(ctx_);
    ctx_ = nullptr;
}

RedisReply RedisClient::command(const std::vector<std::string>& args) {
    RedisReply out;
    if (ctx_ == nullptr || ctx_->err != 0) {
        // One reconnect attempt: the server may have been restarted by the test.
        if (port_ == 0 || !connect(port_, &out.str)) {
            if (out.str.empty())
                out.str = "not connected";
            return out;
        }
    }
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& arg : args) {
        argv.push_back(arg.data());
        lens.push_back(arg.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (reply == nullptr) {
        out.str = ctx_->errstr;
        disconnect();
        return out;
    }
    out = convert(reply);
    freeReplyObject(reply);
    return out;
}

bool RedisClient::pipeline(const std::vector<std::vector<std::string>>& commands) {
    if ((ctx_ == nullptr || ctx_->err != 0) && (port_ == 0 || !connect(port_, nullptr)))
        return false;
    for (const auto& args : commands) {
        std::vector<const char*> argv;
        std::vector<size_t> lens;
        for (const auto& arg : args) {
            argv.push_back(arg.data());
            lens.push_back(arg.size());
        }
        if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data())
            != REDIS_OK) {
            return false;
        }
    }
    bool ok = true;
    for (size_t i = 0; i < commands.size(); ++i) {
        void* raw = nullptr;
        if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) {
            disconnect();
            return false;
        }
        auto* reply = static_cast<redisReply*>(raw);
        if (reply->type == REDIS_REPLY_ERROR)
            ok = false;
        freeReplyObject(reply);
    }
    return ok;
}

bool RedisClient::flushall() {
    RedisReply reply = command({"FLUSHALL"});
    return reply.ok && reply.str == "OK";
}

long long RedisClient::dbsize() {
    RedisReply reply = command({"DBSIZE"});
    return reply.ok ? reply.integer : -1;
}

std::vector<std::string> RedisClient::keys(const std::string& pattern) {
    std::vector<std::string> out;
    RedisReply reply = command({"KEYS", pattern});
    for (const auto& element : reply.elements)
        out.push_back(element.str);
    std::sort(out.begin(), out.end());
    return out;
}

bool RedisClient::exists(const std::string& key) {
    RedisReply reply = command({"EXISTS", key});
    return reply.ok && reply.integer == 1;
}

std::string RedisClient::digest() {
    RedisReply reply = command({"DEBUG", "DIGEST"});
    if (reply.ok)
        return reply.str;
    // DEBUG disabled: fall back to the key list and each key's DUMP.
    std::string summary;
    for (const auto& key : keys()) {
        summary += key + "=" + command({"DUMP", key}).str + "\n";
    }
    return summary;
}

bool RedisServer::start(const std::string& dir, int port, std::string* error) {
    dir_ = dir;
    port_ = port;
    return restart(error);
}

bool RedisServer::restart(std::string* error) {
    child_.kill_now();
    std::vector<std::string> argv = {redis_binary(),
                                     "--port",
                                     std::to_string(port_),
                                     "--bind",
                                     "127.0.0.1",
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "no",
                                     "--dir",
                                     dir_,
                                     "--logfile",
                                     log_path(),
                                     "--daemonize",
                                     "no",
                                     "--enable-debug-command",
                                     "local"};
    if (!child_.spawn(argv, dir_ + "/redis.stdout", error))
        return false;

    RedisClient probe;
    bool up = poll_until(Millis(10000), [&] {
        if (!child_.running())
            return true;
        std::string ignored;
        if (!probe.connect(port_, &ignored))
            return false;
        return probe.command({"PING"}).str == "PONG";
    });
    if (up && child_.running())
        return true;
    *error = "redis-server did not come up on port " + std::to_string(port_) + " ("
        + (child_.running() ? "timeout" : child_.exit_description()) + ")\n"
        + tail(read_file(log_path())) + tail(read_file(dir_ + "/redis.stdout"));
    child_.kill_now();
    return false;
}

void RedisServer::kill_now() { child_.kill_now(); }

bool RedisServer::stop() {
    if (child_.signal_and_wait(SIGTERM, Millis(5000)))
        return true;
    child_.kill_now();
    return false;
}

// ---------------------------------------------------------------- nginx

namespace {

std::string fill(std::string text, const std::string& prefix, int port, int redis_port) {
    text = replace_all(text, "{prefix}", prefix);
    text = replace_all(text, "{port}", std::to_string(port));
    text = replace_all(text, "{redis_port}", std::to_string(redis_port));
    text = replace_all(text, "{redis}", "127.0.0.1:" + std::to_string(redis_port));
    return text;
}

}  // namespace

std::string NginxConfig::render(const std::string& prefix, int port, int redis_port,
                                const std::string& module) const {
    std::string text;
    text += "daemon off;\n";
    text += "master_process on;\n";
    text += "worker_processes " + std::to_string(worker_processes) + ";\n";
    text += "error_log {prefix}/error.log " + error_log_level + ";\n";
    text += "pid {prefix}/nginx.pid;\n";
    if (load_module && !module.empty())
        text += "load_module " + module + ";\n";
    text += main_extra;
    text += "\nevents {\n    worker_connections 1024;\n}\n\n";
    text += "http {\n";
    text += "    access_log off;\n";
    text += "    client_body_temp_path {prefix}/client_body_temp;\n";
    text += "    proxy_temp_path {prefix}/proxy_temp;\n";
    text += "    fastcgi_temp_path {prefix}/fastcgi_temp;\n";
    text += "    uwsgi_temp_path {prefix}/uwsgi_temp;\n";
    text += "    scgi_temp_path {prefix}/scgi_temp;\n";
    text += indent(wa_http, "    ");
    text += indent(http_extra, "    ");
    text += "\n    server {\n";
    text += "        listen 127.0.0.1:{port}"
        + (listen_options.empty() ? std::string() : " " + listen_options) + ";\n";
    if (!report_location.empty()) {
        text += "\n        location " + report_location + " {\n";
        text += indent(report_directives, "            ");
        text += indent(location_extra, "            ");
        text += "        }\n";
    }
    text += indent(server_extra, "        ");
    text += "    }\n";
    text += "}\n";

    return fill(text, prefix, port, redis_port);
}

bool NginxConfig::write(const std::string& prefix, int port, int redis_port,
                        const std::string& module, std::string* error) const {
    std::string conf_path = prefix + "/nginx.conf";
    if (!write_file(conf_path, render(prefix, port, redis_port, module))) {
        *error = "cannot write " + conf_path;
        return false;
    }
    for (const auto& [name, text] : files) {
        if (!write_file(prefix + "/" + name, fill(text, prefix, port, redis_port))) {
            *error = "cannot write " + prefix + "/" + name;
            return false;
        }
    }
    return true;
}

bool NginxServer::start(const std::string& prefix, const NginxConfig& config, int port,
                        int redis_port, std::string* error) {
    prefix_ = prefix;
    port_ = port;
    log_offset_ = 0;
    std::string module = module_path();
    if (config.load_module && !module.empty() && ::access(module.c_str(), R_OK) != 0) {
        *error = "module not found: " + module + " (build it with `make module` or set WA_MODULE)";
        return false;
    }
    std::string conf_path = prefix + "/nginx.conf";
    if (!config.write(prefix, port, redis_port, module, error))
        return false;
    std::error_code ec;
    fs::create_directories(prefix + "/logs", ec);  // nginx -p insists on it

    std::vector<std::string> argv = {nginx_binary(), "-p", prefix + "/",    "-c",
                                     conf_path,      "-e", error_log_path()};
    if (!master_.spawn(argv, prefix + "/nginx.stderr", error, nginx_sanitizer_env(prefix)))
        return false;

    bool up = poll_until(Millis(10000), [&] { return !master_.running() || port_open(port); });
    if (up && master_.running())
        return true;
    *error = "nginx did not start ("
        + (master_.running() ? std::string("timeout") : master_.exit_description())
        + ")\nerror.log:\n" + tail(error_log()) + "\nstderr:\n"
        + tail(read_file(prefix + "/nginx.stderr")) + "\nnginx.conf:\n" + read_file(conf_path);
    master_.kill_now();
    return false;
}

ConfigCheck nginx_check_config(const NginxConfig& config, int redis_port) {
    ConfigCheck check;
    TempDir tmp("conf");
    std::error_code ec;
    fs::create_directories(tmp.file("logs"), ec);
    const std::string conf_path = tmp.file("nginx.conf");
    if (!config.write(tmp.path(), free_port(), redis_port, module_path(), &check.output)) {
        return check;
    }
    Child nginx;
    std::string error;
    if (!nginx.spawn({nginx_binary(), "-t", "-q", "-p", tmp.path() + "/", "-c", conf_path, "-e",
                      tmp.file("error.log")},
                     tmp.file("nginx.stderr"), &error, nginx_sanitizer_env(tmp.path()))) {
        check.output = error;
        return check;
    }
    if (!nginx.wait_exit(Millis(10000))) {
        nginx.kill_now();
        check.output = "nginx -t did not finish within 10 s";
        return check;
    }
    check.ok = nginx.exit_description() == "exit 0";
    check.output = nginx.exit_description() + "\n" + read_file(tmp.file("nginx.stderr"))
        + read_file(tmp.file("error.log"));
    std::string reports = take_sanitizer_reports(tmp.path());
    if (!reports.empty()) {
        ADD_FAILURE() << "nginx -t: " << reports;
        check.output += reports;
    }
    return check;
}

std::vector<pid_t> NginxServer::worker_pids() const {
    return master_.pid() > 0 ? child_pids(master_.pid()) : std::vector<pid_t>{};
}

std::string NginxServer::stop() {
    if (!master_.running()) {
        std::string problems = take_log_problems() + take_sanitizer_reports(prefix_);
        return master_.exit_description().empty() && problems.empty()
            ? ""
            : "nginx master had already exited (" + master_.exit_description() + ")\n" + problems;
    }
    std::vector<pid_t> workers = worker_pids();
    std::string problems;
    if (!master_.signal_and_wait(SIGQUIT, Millis(10000))) {
        problems += "nginx did not quit within 10 s of SIGQUIT; killed\n";
        master_.kill_now();
    }
    for (pid_t worker : workers) {
        if (pid_alive(worker)) {
            problems += "worker " + std::to_string(worker) + " outlived the master; killed\n";
            ::kill(worker, SIGKILL);
        }
    }
    problems += take_log_problems();
    problems += take_sanitizer_reports(prefix_);
    return problems;
}

bool NginxServer::reload(std::string* error) {
    std::vector<pid_t> before = worker_pids();
    ::kill(master_.pid(), SIGHUP);
    bool replaced = poll_until(Millis(10000), [&] {
        std::vector<pid_t> now = worker_pids();
        if (now.empty())
            return false;
        for (pid_t pid : now) {
            if (std::find(before.begin(), before.end(), pid) != before.end())
                return false;
        }
        return true;
    });
    if (!replaced)
        *error = "nginx workers were not replaced after SIGHUP\n" + tail(error_log());
    return replaced;
}

std::string NginxServer::take_log_problems() {
    std::string log = error_log();
    if (log.size() < log_offset_)
        log_offset_ = 0;
    std::string fresh = log.substr(log_offset_);
    // Only complete lines; a partial last line is looked at next time.
    size_t last_newline = fresh.rfind('\n');
    if (last_newline == std::string::npos)
        return "";
    fresh.resize(last_newline + 1);
    log_offset_ += fresh.size();

    std::string problems;
    std::istringstream in(fresh);
    std::string line;
    while (std::getline(in, line)) {
        // The level is the line's first bracketed word ("2026/11/24 10:00:00
        // [alert] ..."); a "[alert]" further on is part of a logged value.
        size_t open = line.find('[');
        std::string level = open == std::string::npos ? "" : line.substr(open, 7);
        if (level == "[alert]" || level.rfind("[crit]", 0) == 0 || level == "[emerg]") {
            problems += line + "\n";
        }
    }
    return problems;
}

// ---------------------------------------------------------------- http

std::string HttpResponse::header(const std::string& name) const {
    std::string wanted = lower(name);
    for (const auto& [key, value] : headers) {
        if (lower(key) == wanted)
            return value;
    }
    return "";
}

bool HttpResponse::has_header(const std::string& name) const { return header_count(name) > 0; }

size_t HttpResponse::header_count(const std::string& name) const {
    std::string wanted = lower(name);
    return static_cast<size_t>(std::count_if(
        headers.begin(), headers.end(), [&](const Header& h) { return lower(h.first) == wanted; }));
}

std::string describe(const HttpResponse& response) {
    std::ostringstream out;
    if (response.status == 0) {
        out << "no response: " << response.error;
        return out.str();
    }
    out << "HTTP " << response.status << " " << response.reason << " (" << response.seconds << " s"
        << (response.chunked ? ", chunked" : "") << ")\n";
    for (const auto& [key, value] : response.headers)
        out << key << ": " << value << "\n";
    out << "\n" << truncated(response.body);
    if (!response.note.empty())
        out << "\n(note: " << response.note << ")";
    return out.str();
}

void PrintTo(const HttpResponse& response, std::ostream* os) { *os << describe(response); }

HttpClient::~HttpClient() { close(); }

void HttpClient::close() {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
    buffer_.clear();
}

bool HttpClient::ensure_connected(std::string* error) {
    if (fd_ >= 0)
        return true;
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        *error = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        *error = "connect 127.0.0.1:" + std::to_string(port_) + ": " + std::strerror(errno);
        close();
        return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return true;
}

bool HttpClient::send_all(const std::string& data, Clock::time_point deadline, std::string* error) {
    size_t sent = 0;
    while (sent < data.size()) {
        pollfd pfd{fd_, POLLOUT, 0};
        int ready = ::poll(&pfd, 1, static_cast<int>(remaining_ms(deadline)));
        if (ready <= 0) {
            *error =
                ready == 0 ? "timeout while sending" : std::string("poll: ") + std::strerror(errno);
            return false;
        }
        ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            *error = std::string("send: ") + std::strerror(errno);
            return false;
        }
        sent += static_cast<size_t>(n);
    }
    return true;
}

bool HttpClient::send_in_pieces(const std::string& data, size_t piece, Clock::time_point deadline,
                                std::string* error) {
    for (size_t at = 0; at < data.size(); at += piece) {
        pollfd answered{fd_, POLLIN, 0};
        if (::poll(&answered, 1, 0) > 0)
            return true;  // the server answered early
        if (!send_all(data.substr(at, piece), deadline, error))
            return false;
        bool read = poll_until(
            Millis(std::max<long long>(remaining_ms(deadline), 0)),
            [&] {
                pollfd pfd{fd_, POLLIN, 0};
                return tcp_receive_queue(port_) == 0 || ::poll(&pfd, 1, 0) > 0;
            },
            Millis(1));
        if (!read) {
            *error = "the server did not read a piece of the request";
            return false;
        }
    }
    return true;
}

namespace {

// Reads from fd into buffer until `need` returns true; false on EOF, error or
// timeout (described in *error).
bool fill_until(int fd, std::string& buffer, Clock::time_point deadline,
                const std::function<bool()>& need, std::string* error, bool* eof) {
    *eof = false;
    while (!need()) {
        pollfd pfd{fd, POLLIN, 0};
        int ready = ::poll(&pfd, 1, static_cast<int>(remaining_ms(deadline)));
        if (ready == 0) {
            *error = "timeout waiting for the response";
            return false;
        }
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            *error = std::string("poll: ") + std::strerror(errno);
            return false;
        }
        char chunk[16384];
        ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            *error = std::string("recv: ") + std::strerror(errno);
            return false;
        }
        if (n == 0) {
            *eof = true;
            *error = "connection closed by the server";
            return false;
        }
        buffer.append(chunk, static_cast<size_t>(n));
    }
    return true;
}

}  // namespace

bool HttpClient::check_idle_connection(std::string* error) {
    // Anything the server sent after the previous response, unasked, means
    // that response was not framed right or a request body was not consumed
    // (nginx then parses the body as a pipelined request and answers 400).
    std::string extra;
    extra.swap(buffer_);
    pollfd pfd{fd_, POLLIN, 0};
    bool eof = false;
    while (::poll(&pfd, 1, 0) > 0) {
        char chunk[4096];
        ssize_t n = ::recv(fd_, chunk, sizeof(chunk), MSG_DONTWAIT);
        if (n <= 0) {
            eof = true;
            break;
        }
        extra.append(chunk, static_cast<size_t>(n));
    }
    if (!extra.empty()) {
        *error = "the server sent " + std::to_string(extra.size())
            + " unsolicited bytes after its answer to " + last_request_ + ":\n"
            + truncated(extra, 600);
        close();
        return false;
    }
    if (eof)
        close();  // an idle keep-alive connection the server closed
    return true;
}

HttpResponse HttpClient::exchange(const std::string& method, const std::string& wire,
                                  const std::string& body, const RequestOptions& options,
                                  bool* nothing_received) {
    HttpResponse response;
    *nothing_received = true;
    auto started = Clock::now();
    auto deadline = started + timeout_;

    if (fd_ >= 0 && !check_idle_connection(&response.error))
        return response;
    if (!ensure_connected(&response.error))
        return response;
    std::string payload = wire;
    if (options.chunked_body) {
        for (size_t at = 0; at < body.size(); at += options.chunk_size) {
            std::string piece = body.substr(at, options.chunk_size);
            char size_line[32];
            std::snprintf(size_line, sizeof(size_line), "%zx\r\n", piece.size());
            payload += size_line + piece + "\r\n";
        }
        payload += "0\r\n\r\n";
    } else {
        payload += body;
    }
    // A server may answer (413) before reading the whole body and close; still
    // read what it said.
    std::string send_error;
    bool sent = options.write_piece > 0
        ? send_in_pieces(payload, options.write_piece, deadline, &send_error)
        : send_all(payload, deadline, &send_error);

    bool eof = false;
    std::string error;
    size_t header_end = std::string::npos;
    auto have_headers = [&] {
        header_end = buffer_.find("\r\n\r\n");
        return header_end != std::string::npos;
    };
    if (!fill_until(fd_, buffer_, deadline, have_headers, &error, &eof)) {
        *nothing_received = buffer_.empty();
        response.error = sent ? error : send_error + "; then " + error;
        close();
        return response;
    }
    *nothing_received = false;

    std::istringstream head(buffer_.substr(0, header_end));
    std::string status_line;
    std::getline(head, status_line);
    if (!status_line.empty() && status_line.back() == '\r')
        status_line.pop_back();
    {
        std::istringstream parts(status_line);
        std::string version;
        parts >> version >> response.status;
        std::getline(parts, response.reason);
        if (!response.reason.empty() && response.reason.front() == ' ')
            response.reason.erase(0, 1);
    }
    std::string line;
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        size_t colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        std::string value = line.substr(colon + 1);
        size_t first = value.find_first_not_of(" \t");
        value = first == std::string::npos ? "" : value.substr(first);
        response.headers.emplace_back(line.substr(0, colon), value);
    }
    buffer_.erase(0, header_end + 4);

    bool no_body = method == "HEAD" || response.status == 204 || response.status == 304
        || (response.status >= 100 && response.status < 200);
    bool close_after = lower(response.header("Connection")) == "close";
    std::string transfer = lower(response.header("Transfer-Encoding"));
    std::string length_text = response.header("Content-Length");

    if (no_body) {
        // nothing
    } else if (transfer.find("chunked") != std::string::npos) {
        response.chunked = true;
        for (;;) {
            size_t line_end = std::string::npos;
            if (!fill_until(
                    fd_, buffer_, deadline,
                    [&] { return (line_end = buffer_.find("\r\n")) != std::string::npos; }, &error,
                    &eof)) {
                response.error = "in chunked body: " + error;
                response.status = 0;
                close();
                return response;
            }
            size_t chunk_size = std::strtoul(buffer_.substr(0, line_end).c_str(), nullptr, 16);
            buffer_.erase(0, line_end + 2);
            if (chunk_size == 0) {
                // Trailers (none expected) end with an empty line.
                size_t trailer_end = std::string::npos;
                if (!fill_until(
                        fd_, buffer_, deadline,
                        [&] { return (trailer_end = buffer_.find("\r\n")) != std::string::npos; },
                        &error, &eof)) {
                    response.error = "in chunked trailer: " + error;
                    response.status = 0;
                    close();
                    return response;
                }
                buffer_.erase(0, trailer_end + 2);
                break;
            }
            if (!fill_until(
                    fd_, buffer_, deadline, [&] { return buffer_.size() >= chunk_size + 2; },
                    &error, &eof)) {
                response.error = "in chunk data: " + error;
                response.status = 0;
                close();
                return response;
            }
            response.body.append(buffer_, 0, chunk_size);
            response.chunks++;
            buffer_.erase(0, chunk_size + 2);
        }
    } else if (!length_text.empty()) {
        size_t length = std::strtoul(length_text.c_str(), nullptr, 10);
        if (!fill_until(
                fd_, buffer_, deadline, [&] { return buffer_.size() >= length; }, &error, &eof)) {
            response.error = "in body: " + error;
            response.status = 0;
            close();
            return response;
        }
        response.body = buffer_.substr(0, length);
        buffer_.erase(0, length);
    } else {
        fill_until(
            fd_, buffer_, deadline, [] { return false; }, &error, &eof);
        response.body = buffer_;
        buffer_.clear();
        close_after = true;
        if (!eof) {
            response.error = "in body without length: " + error;
            response.status = 0;
        }
    }

    response.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (close_after || !sent)
        close();
    return response;
}

namespace {

// With WA_OPENAPI_RECORD set, every answer the tests receive is appended to
// that file, one JSON object a line (method, target, status, content_type,
// body), for tests/openapi/validate.py to check against the OpenAPI document.
// A body that is not UTF-8 is recorded as null with "binary":true.
void record_exchange(const std::string& method, const std::string& target,
                     const HttpResponse& response) {
    static const char* file = std::getenv("WA_OPENAPI_RECORD");
    if (file == nullptr || *file == '\0' || response.status == 0) {
        return;
    }
    JsonPtr line(json_object());
    json_object_set_new(line.get(), "method", json_string(method.c_str()));
    json_t* t = json_stringn(target.data(), target.size());
    json_object_set_new(line.get(), "target", t != nullptr ? t : json_string("(not UTF-8)"));
    json_object_set_new(line.get(), "status", json_integer(response.status));
    json_object_set_new(line.get(), "content_type",
                        json_string(response.header("Content-Type").c_str()));
    json_t* body = json_stringn(response.body.data(), response.body.size());
    json_object_set_new(line.get(), "binary", json_boolean(body == nullptr));
    json_object_set_new(line.get(), "body", body != nullptr ? body : json_null());
    char* text = json_dumps(line.get(), JSON_COMPACT);
    if (text == nullptr) {
        return;
    }
    std::string out = std::string(text) + "\n";
    std::free(text);
    int fd = ::open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
        // One write per line: O_APPEND keeps lines whole.
        ssize_t written = ::write(fd, out.data(), out.size());
        (void)written;
        ::close(fd);
    }
}

}  // namespace

HttpResponse HttpClient::raw_request(const std::string& method, const std::string& wire,
                                     const RequestOptions& options) {
    bool nothing_received = false;
    HttpResponse response = exchange(method, wire, "", options, &nothing_received);
    last_request_ = method + " (raw)";
    size_t start = wire.find(' ');
    size_t end = start == std::string::npos ? start : wire.find_first_of(" \r\n", start + 1);
    if (end != std::string::npos) {
        record_exchange(method, wire.substr(start + 1, end - start - 1), response);
    }
    return response;
}

HttpResponse HttpClient::request(const std::string& method, const std::string& target,
                                 const std::string& body, const Headers& headers,
                                 const RequestOptions& options) {
    std::string wire = method + " " + target + " HTTP/1.1\r\n";
    wire += "Host: 127.0.0.1:" + std::to_string(port_) + "\r\n";
    for (const auto& [key, value] : headers)
        wire += key + ": " + value + "\r\n";
    if (options.chunked_body) {
        wire += "Transfer-Encoding: chunked\r\n";
    } else if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        wire += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    wire += "\r\n";

    bool reused = fd_ >= 0;
    bool nothing_received = false;
    HttpResponse response = exchange(method, wire, body, options, &nothing_received);
    const std::string previous = last_request_;
    last_request_ = method + " " + target;
    if (response.status == 0 && response.error.find("unsolicited") != std::string::npos) {
        return response;
    }
    if (response.status == 0 && reused && nothing_received) {
        // The server closed an idle keep-alive connection; the request never
        // reached it, so sending it again on a fresh connection is safe.
        close();
        response = exchange(method, wire, body, options, &nothing_received);
    }
    if (reused && response.status == 400 && response.header("Content-Type") == "text/html") {
        response.note = "nginx's own 400 on a reused connection: the body of the previous request ("
            + previous + ") was probably not consumed and was parsed as a new request";
    }
    record_exchange(method, target, response);
    return response;
}

std::string url_encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// ---------------------------------------------------------------- the stack

Stack::Stack() = default;

Stack::~Stack() { stop(); }

bool Stack::start(const StackOptions& options, std::string* error) {
    tmp_ = std::make_unique<TempDir>("stack");
    if (tmp_->path().empty()) {
        *error = "mkdtemp failed";
        return false;
    }
    std::error_code ec;
    fs::create_directories(tmp_->file("redis"), ec);

    redis_port_ = free_port();
    port_ = free_port();
    while (port_ == redis_port_)
        port_ = free_port();
    if (port_ == 0 || redis_port_ == 0) {
        *error = "no free loopback port";
        return false;
    }
    if (!redis_server_.start(tmp_->file("redis"), redis_port_, error))
        return false;
    if (!redis_.connect(redis_port_, error))
        return false;
    if (!nginx_.start(tmp_->path(), options.nginx, port_, redis_port_, error))
        return false;
    http_ = std::make_unique<HttpClient>(port_);
    started_ = true;
    ready_path_ = options.ready_path;
    return wait_ready(error);
}

std::string Stack::stop() {
    std::string problems;
    if (http_)
        http_->close();
    if (started_)
        problems = nginx_.stop();
    started_ = false;
    redis_.disconnect();
    redis_server_.stop();
    return problems;
}

bool Stack::reset_data(std::string* error) {
    bool restarted = false;
    if (!redis_server_.running()) {
        if (!restart_redis(error))
            return false;
        restarted = true;
    }
    if (!redis_.flushall()) {
        *error = "FLUSHALL failed";
        return false;
    }
    return !restarted || wait_ready(error);
}

bool Stack::wait_ready(std::string* error) {
    if (ready_path_.empty())
        return true;
    HttpResponse last;
    bool ready = poll_until(Millis(10000), [&] {
        last = http_->get(ready_path_);
        return last.status != 0 && last.status != 502 && last.status != 503;
    });
    if (!ready) {
        *error = "nginx did not answer " + ready_path_ + " without 502/503 within 10 s:\n"
            + describe(last) + "\nerror.log:\n" + tail(nginx_.error_log());
    }
    return ready;
}

bool Stack::restart_redis(std::string* error) {
    redis_.disconnect();
    if (!redis_server_.restart(error))
        return false;
    return redis_.connect(redis_port_, error);
}

// ---------------------------------------------------------------- JSON

JsonPtr parse_json(const std::string& text, std::string* error) {
    json_error_t err;
    json_t* json = json_loadb(text.data(), text.size(), JSON_DECODE_ANY, &err);
    if (json == nullptr && error != nullptr) {
        *error = std::string(err.text) + " at line " + std::to_string(err.line) + " column "
            + std::to_string(err.column);
    }
    return JsonPtr(json);
}

std::string json_quote(const std::string& text) {
    JsonPtr str(json_stringn(text.data(), text.size()));
    if (!str)
        return "\"\"";
    return dump_json(str.get());
}

std::string dump_json(const json_t* json) {
    char* text = json_dumps(json, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (text == nullptr)
        return "";
    std::string out(text);
    std::free(text);
    return out;
}

std::string py_float_repr(double value) {
    char buf[64];
    for (int decimals = 1; decimals <= 20; ++decimals) {
        std::snprintf(buf, sizeof(buf), "%.*f", decimals, value);
        if (std::strtod(buf, nullptr) == value)
            break;
    }
    return buf;
}

// ---------------------------------------------------------------- assertions

namespace {

::testing::AssertionResult check_json_head(const HttpResponse& response, int status) {
    if (response.status != status) {
        return ::testing::AssertionFailure() << "expected status " << status << ", got:\n"
                                             << describe(response);
    }
    std::string content_type = response.header("Content-Type");
    if (content_type != "application/json") {
        return ::testing::AssertionFailure()
            << "expected Content-Type: application/json, got \"" << content_type << "\":\n"
            << describe(response);
    }
    return ::testing::AssertionSuccess();
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_lower_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

// Shape check with '9' = digit, 'x' = lowercase hex, anything else literal.
bool matches_shape(const std::string& text, size_t at, const std::string& shape) {
    if (text.size() < at + shape.size())
        return false;
    for (size_t i = 0; i < shape.size(); ++i) {
        char c = text[at + i];
        if (shape[i] == '9' && !is_digit(c))
            return false;
        if (shape[i] == 'x' && !is_lower_hex(c))
            return false;
        if (shape[i] != '9' && shape[i] != 'x' && shape[i] != c)
            return false;
    }
    return true;
}

std::string context_at(const std::string& text, size_t at) {
    size_t from = at > 60 ? at - 60 : 0;
    return "..." + text.substr(from, at - from) + "<<HERE>>" + text.substr(at, 60) + "...";
}

}  // namespace

::testing::AssertionResult IsJson(const HttpResponse& response, int status) {
    auto head = check_json_head(response, status);
    if (!head)
        return head;
    std::string error;
    if (!parse_json(response.body, &error)) {
        return ::testing::AssertionFailure() << "body is not JSON (" << error << "):\n"
                                             << describe(response);
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsJsonBody(const HttpResponse& response, int status,
                                      const std::string& body) {
    auto head = check_json_head(response, status);
    if (!head)
        return head;
    auto same = SameText(response.body, body);
    if (!same)
        return ::testing::AssertionFailure() << same.message() << "\n" << describe(response);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult SameText(const std::string& actual, const std::string& expected) {
    if (actual == expected)
        return ::testing::AssertionSuccess();
    size_t at = 0;
    while (at < actual.size() && at < expected.size() && actual[at] == expected[at])
        ++at;
    auto failure = ::testing::AssertionFailure();
    failure << "texts differ at byte " << at << " (actual " << actual.size() << " bytes, expected "
            << expected.size() << " bytes)\n  actual:   " << context_at(actual, at)
            << "\n  expected: " << context_at(expected, at);
    if (actual.size() <= 2000 && expected.size() <= 2000) {
        failure << "\n  actual whole:   " << actual << "\n  expected whole: " << expected;
    }
    return failure;
}

::testing::AssertionResult MatchesPattern(const std::string& text, const std::string& pattern,
                                          std::vector<std::string>* captures) {
    struct Token {
        const char* name;
        const char* shape;  // fixed-width shape, or nullptr
    };
    static const Token tokens[] = {{"<TS>", "9999-99-99T99:99:99"},
                                   {"<DATE>", "9999-99-99"},
                                   {"<UUID>", "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"},
                                   {"<INT>", nullptr},
                                   {"<STR>", nullptr}};
    std::vector<std::string> found;
    size_t t = 0;  // in text
    size_t p = 0;  // in pattern
    auto fail = [&](const std::string& why) {
        return ::testing::AssertionFailure()
            << why << "\n  text:    " << context_at(text, t)
            << "\n  pattern: " << context_at(pattern, p)
            << (text.size() <= 2000 ? "\n  whole text:    " + text : std::string())
            << (pattern.size() <= 2000 ? "\n  whole pattern: " + pattern : std::string());
    };
    while (p < pattern.size()) {
        const Token* token = nullptr;
        if (pattern[p] == '<') {
            for (const auto& candidate : tokens) {
                if (pattern.compare(p, std::strlen(candidate.name), candidate.name) == 0)
                    token = &candidate;
            }
        }
        if (token == nullptr) {
            if (t >= text.size() || text[t] != pattern[p])
                return fail("text does not match the pattern");
            ++t;
            ++p;
            continue;
        }
        size_t start = t;
        std::string name = token->name;
        if (token->shape != nullptr) {
            if (!matches_shape(text, t, token->shape))
                return fail("expected " + name);
            t += std::strlen(token->shape);
        } else if (name == "<INT>") {
            if (t < text.size() && text[t] == '-')
                ++t;
            size_t digits = t;
            while (t < text.size() && is_digit(text[t]))
                ++t;
            if (t == digits)
                return fail("expected <INT>");
        } else {  // <STR>
            while (t < text.size() && text[t] != '"')
                t += text[t] == '\\' ? 2 : 1;
            if (t > text.size())
                t = text.size();
        }
        found.push_back(text.substr(start, t - start));
        p += name.size();
    }
    if (t != text.size())
        return fail("text has more after the pattern ended");
    if (captures != nullptr)
        captures->insert(captures->end(), found.begin(), found.end());
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsJsonLike(const HttpResponse& response, int status,
                                      const std::string& pattern,
                                      std::vector<std::string>* captures) {
    auto head = check_json_head(response, status);
    if (!head)
        return head;
    auto match = MatchesPattern(response.body, pattern, captures);
    if (!match)
        return ::testing::AssertionFailure() << match.message() << "\n" << describe(response);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsValidationError(const HttpResponse& response,
                                             const std::vector<std::string>& loc,
                                             bool exact_single) {
    auto json_ok = IsJson(response, 422);
    if (!json_ok)
        return json_ok;
    auto fail = [&](const std::string& why) {
        return ::testing::AssertionFailure() << why << "\n" << describe(response);
    };
    JsonPtr root = parse_json(response.body);
    if (!json_is_object(root.get()) || json_object_size(root.get()) != 1) {
        return fail("expected an object with only \"detail\"");
    }
    json_t* detail = json_object_get(root.get(), "detail");
    if (!json_is_array(detail) || json_array_size(detail) == 0) {
        return fail("expected \"detail\" to be a non-empty array");
    }
    if (exact_single && json_array_size(detail) != 1)
        return fail("expected exactly one detail entry");

    std::string wanted;
    for (const auto& part : loc)
        wanted += (wanted.empty() ? "" : ",") + json_quote(part);
    wanted = "[" + wanted + "]";

    bool found = loc.empty();
    size_t index;
    json_t* entry;
    json_array_foreach(detail, index, entry) {
        json_t* entry_loc = json_object_get(entry, "loc");
        if (!json_is_object(entry) || !json_is_array(entry_loc)
            || !json_is_string(json_object_get(entry, "msg"))
            || !json_is_string(json_object_get(entry, "type"))) {
            return fail("detail entry " + std::to_string(index)
                        + " lacks loc (array), msg (string) or type (string)");
        }
        std::string keys;
        const char* key;
        json_t* value;
        json_object_foreach(entry, key, value) keys += std::string(keys.empty() ? "" : ",") + key;
        if (keys.rfind("loc,msg,type", 0) != 0) {
            return fail("detail entry keys should start loc,msg,type in that order, got " + keys);
        }
        if (json_array_size(entry_loc) == 0 || !json_is_string(json_array_get(entry_loc, 0))) {
            return fail("loc must start with \"body\", \"path\" or \"query\"");
        }
        if (dump_json(entry_loc) == wanted)
            found = true;
    }
    if (!found)
        return fail("no detail entry has loc " + wanted);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsDetail(const HttpResponse& response, int status,
                                    const std::string& detail) {
    if (!detail.empty())
        return IsJsonBody(response, status, "{\"detail\":" + json_quote(detail) + "}");
    auto json_ok = IsJson(response, status);
    if (!json_ok)
        return json_ok;
    JsonPtr root = parse_json(response.body);
    json_t* text = json_object_get(root.get(), "detail");
    if (!json_is_object(root.get()) || json_object_size(root.get()) != 1 || !json_is_string(text)
        || json_string_length(text) == 0) {
        return ::testing::AssertionFailure() << "expected {\"detail\":\"<non-empty string>\"}:\n"
                                             << describe(response);
    }
    return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------- misc

std::string new_uuid() {
    static std::mt19937_64 rng{std::random_device{}()};
    uint64_t hi = rng();
    uint64_t lo = rng();
    hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
    lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%08llx-%04llx-%04llx-%04llx-%012llx",
                  static_cast<unsigned long long>(hi >> 32),
                  static_cast<unsigned long long>((hi >> 16) & 0xffff),
                  static_cast<unsigned long long>(hi & 0xffff),
                  static_cast<unsigned long long>(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xffffffffffffULL));
    return buf;
}

std::string local_iso_now(int utc_offset_hours) {
    std::time_t now = std::time(nullptr) + static_cast<std::time_t>(utc_offset_hours) * 3600;
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

std::optional<long long> parse_local_iso(const std::string& ts, int utc_offset_hours) {
    if (!matches_shape(ts, 0, "9999-99-99T99:99:99") || ts.size() != 19)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = std::stoi(ts.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(ts.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(ts.substr(8, 2));
    tm.tm_hour = std::stoi(ts.substr(11, 2));
    tm.tm_min = std::stoi(ts.substr(14, 2));
    tm.tm_sec = std::stoi(ts.substr(17, 2));
    return static_cast<long long>(timegm(&tm)) - static_cast<long long>(utc_offset_hours) * 3600;
}

::testing::AssertionResult IsNearNow(const std::string& ts, int utc_offset_hours,
                                     int slack_seconds) {
    auto when = parse_local_iso(ts, utc_offset_hours);
    if (!when)
        return ::testing::AssertionFailure() << "not a naive ISO timestamp: \"" << ts << "\"";
    long long diff = *when - static_cast<long long>(std::time(nullptr));
    if (std::llabs(diff) > slack_seconds) {
        return ::testing::AssertionFailure()
            << "\"" << ts << "\" is " << diff << " s away from now at UTC+" << utc_offset_hours
            << " (" << local_iso_now(utc_offset_hours) << ")";
    }
    return ::testing::AssertionSuccess();
}

std::string meta_signature(const std::string& body, const std::string& secret) {
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
    static const char digits[] = "0123456789abcdef";
    std::string out = "sha256=";
    for (unsigned i = 0; i < len; i++) {
        out += digits[mac[i] >> 4];
        out += digits[mac[i] & 15];
    }
    return out;
}

}  // namespace wa::itest
