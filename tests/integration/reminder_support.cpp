#include "reminder_support.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

namespace wa::itest {

namespace {

TempDir& secrets_dir() {
    static TempDir* dir = new TempDir("secrets");  // lives until the process ends
    return *dir;
}

std::string format_utc(long long unix_seconds, const char* format) {
    time_t t = static_cast<time_t>(unix_seconds);
    tm parts{};
    gmtime_r(&t, &parts);
    char buf[64];
    std::strftime(buf, sizeof(buf), format, &parts);
    return buf;
}

long long parse_date(const std::string& date) {
    tm parts{};
    if (std::sscanf(date.c_str(), "%d-%d-%d", &parts.tm_year, &parts.tm_mon, &parts.tm_mday) != 3) {
        return 0;
    }
    parts.tm_year -= 1900;
    parts.tm_mon -= 1;
    return static_cast<long long>(timegm(&parts));
}

std::string nginx_quote(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

const char* const kSecretNames[] = {"StarSender key", "Cloud API token", "JWT secret",
                                    "Fonnte token"};

}  // namespace

// ---------------------------------------------------------------- secrets

std::string secret_file(const std::string& name, const std::string& content) {
    std::string path = secrets_dir().file(name);
    write_file(path, content);
    ::chmod(path.c_str(), 0600);  // as an admin keeps them; nginx warns otherwise
    return path;
}

std::string starsender_key_file() {
    static const std::string path = secret_file("starsender.key", kStarSenderKey + "\n");
    return path;
}

std::string cloud_token_file() {
    static const std::string path = secret_file("cloud.token", kCloudToken + "\n");
    return path;
}

std::string fonnte_token_file() {
    static const std::string path = secret_file("fonnte.token", kFonnteToken + "\n");
    return path;
}

std::string jwt_secret_file() {
    static const std::string path = secret_file("jwt.secret", kJwtSecret);
    return path;
}

// ---------------------------------------------------------------- JWT

std::string base64url(const std::string& data) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    size_t i = 0;
    auto byte = [&](size_t k) {
        return static_cast<unsigned>(static_cast<unsigned char>(data[k]));
    };
    for (; i + 2 < data.size(); i += 3) {
        unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out += table[v >> 18 & 63];
        out += table[v >> 12 & 63];
        out += table[v >> 6 & 63];
        out += table[v & 63];
    }
    if (data.size() - i == 1) {
        unsigned v = byte(i) << 16;
        out += table[v >> 18 & 63];
        out += table[v >> 12 & 63];
    } else if (data.size() - i == 2) {
        unsigned v = byte(i) << 16 | byte(i + 1) << 8;
        out += table[v >> 18 & 63];
        out += table[v >> 12 & 63];
        out += table[v >> 6 & 63];
    }
    return out;
}

std::string sign_jwt(const std::string& header_json, const std::string& payload_json,
                     const std::string& secret) {
    std::string signing_input = base64url(header_json) + "." + base64url(payload_json);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
         &mac_len);
    return signing_input + "." + base64url(std::string(reinterpret_cast<char*>(mac), mac_len));
}

std::string make_token(long long ttl_seconds, const std::string& secret) {
    long long exp = static_cast<long long>(std::time(nullptr)) + ttl_seconds;
    return sign_jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                    "{\"sub\":\"operator\",\"exp\":" + std::to_string(exp) + "}", secret);
}

// ---------------------------------------------------------------- config

NginxConfig reminder_config(const ReminderSettings& s) {
    NginxConfig config;
    config.worker_processes = s.worker_processes;
    std::string& h = config.http_extra;
    const TestGateway& gw = shared_gateway();
    h += "wa_report_gateway " + s.provider + ";\n";
    if (s.with_url && s.provider != "log") {
        h += "wa_report_gateway_url "
            + (s.provider == "cloud_api"    ? gw.cloud_url()
                   : s.provider == "fonnte" ? gw.fonnte_url()
                                            : gw.starsender_url())
            + ";\n";
    }
    if (s.with_key_file && s.provider != "log") {
        h += "wa_report_gateway_key_file "
            + (s.provider == "cloud_api"    ? cloud_token_file()
                   : s.provider == "fonnte" ? fonnte_token_file()
                                            : starsender_key_file())
            + ";\n";
    }
    if (s.with_cloud_template && s.provider == "cloud_api") {
        h += "wa_report_gateway_template " + kCloudTemplate + " id;\n";
    }
    h += "wa_report_gateway_timeout " + s.timeout + ";\n";
    h += "wa_report_gateway_concurrency " + std::to_string(s.concurrency) + ";\n";
    h += "wa_report_gateway_rate " + std::to_string(s.rate) + ";\n";
    h += "wa_report_gateway_retries " + std::to_string(s.retries) + ";\n";
    if (!s.template_text.empty())
        h += "wa_report_template " + nginx_quote(s.template_text) + ";\n";
    h += "wa_report_service_phone " + kServicePhone + ";\n";
    h += "wa_report_lead_days " + std::to_string(s.lead_days) + ";\n";
    h += "wa_report_remind " + s.remind + ";\n";
    h += "wa_report_schedule " + s.schedule + ";\n";
    h += "wa_report_tick " + s.tick + ";\n";
    h += "wa_report_run_lease " + s.lease + ";\n";
    h += s.extra_http;
    config.server_extra += "location " + kSched + "/ {\n"
                         "    wa_report_scheduler;\n"
                         "    wa_report_jwt_secret_file " +
                         (s.jwt_file.empty() ? jwt_secret_file() : s.jwt_file) + ";\n}\n";
    return config;
}

StackOptions reminder_stack(const ReminderSettings& settings) {
    StackOptions options;
    options.nginx = reminder_config(settings);
    return options;
}

// ---------------------------------------------------------------- scheduler API

HttpResponse sched(HttpClient& http, const std::string& method, const std::string& path,
                   const std::string& token) {
    Headers headers;
    if (!token.empty())
        headers.emplace_back("Authorization", "Bearer " + token);
    HttpResponse response = http.request(method, kSched + path, "", headers);
    EXPECT_TRUE(NoSecrets(response.body, method + " " + path + " answer"));
    return response;
}

HttpResponse sched(HttpClient& http, const std::string& method, const std::string& path) {
    return sched(http, method, path, make_token());
}

::testing::AssertionResult RunNow(HttpClient& http, const std::string& query, JsonPtr* data,
                                  HttpResponse* response) {
    HttpResponse local = sched(http, "POST", "/run-now" + query);
    if (response != nullptr)
        *response = local;
    auto json = IsJson(local, 200);
    if (!json)
        return json << " (run-now" << query << ")";
    JsonPtr root = parse_json(local.body);
    if (json_member(local.body, "status") != "success"
        || json_member(local.body, "message") != "Success") {
        return ::testing::AssertionFailure() << "run-now is not a success envelope: " << local.body;
    }
    json_t* d = json_object_get(root.get(), "data");
    if (!json_is_object(d))
        return ::testing::AssertionFailure() << "no data: " << local.body;
    if (data != nullptr)
        *data = JsonPtr(json_incref(d));
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult WaitLastRun(HttpClient& http, Millis timeout, std::string* last_run) {
    HttpResponse last;
    std::string found;
    bool ok = poll_until(
        timeout,
        [&] {
            last = sched(http, "GET", "/status");
            if (last.status != 200)
                return false;
            JsonPtr root = parse_json(last.body);
            json_t* run = json_object_get(json_object_get(root.get(), "data"), "last_run");
            if (!json_is_object(run))
                return false;
            found = dump_json(run);
            return true;
        },
        Millis(100));
    if (!ok) {
        return ::testing::AssertionFailure() << "no last_run in /status within " << timeout.count()
                                             << " ms; last answer: " << describe(last);
    }
    if (last_run != nullptr)
        *last_run = found;
    return ::testing::AssertionSuccess();
}

std::string status_body(bool running, int hour, int minute, const std::string& source) {
    std::string h = std::to_string(hour), m = std::to_string(minute);
    std::string jobs = running ? "[{\"id\":\"maintenance_reminder_job\",\"name\":\"Maintenance "
                                 "Reminder WhatsApp\",\"next_run_time\":\""
            + next_run_time(hour, minute) + "\",\"trigger\":\"cron[hour='" + h + "', minute='" + m
            + "']\"}]"
                               : "[]";
    return "{\"status\":\"success\",\"message\":\"Success\",\"data\":{\"running\":"
        + std::string(running ? "true" : "false") + ",\"jobs\":" + jobs
        + ",\"schedule\":{\"hour\":" + h + ",\"minute\":" + m
        + ",\"enabled\":" + (running ? "true" : "false") + ",\"source\":\"" + source + "\"}}}";
}

::testing::AssertionResult MakeScheduleDue(HttpClient& http, RedisClient& redis) {
    long long now = static_cast<long long>(std::time(nullptr));
    long long two_hours_ago = now + 7 * 3600 - 2 * 3600;
    int hour = static_cast<int>(two_hours_ago / 3600 % 24);
    int minute = static_cast<int>(two_hours_ago / 60 % 60);
    HttpResponse started = sched(
        http, "POST", "/start?hour=" + std::to_string(hour) + "&minute=" + std::to_string(minute));
    if (started.status != 200) {
        return ::testing::AssertionFailure() << "start: " << describe(started);
    }
    RedisReply reply =
        redis.command({"HSET", "{wa}:schedule", "next_run", std::to_string(now), "enabled", "1"});
    if (!reply.ok)
        return ::testing::AssertionFailure() << "HSET {wa}:schedule: " << reply.str;
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult LeaveOrphanDryRun(RedisClient& redis, const std::string& id) {
    // Field, value pairs, a pair a line.
    // clang-format off
    RedisReply reply = redis.command({"HSET", "{wa}:run:current",
                                      "id", id,
                                      "as_of", jakarta_today(),
                                      "dry_run", "1",
                                      "manual", "0",
                                      "started_at", local_iso_now(7),
                                      "cursor_day", "",
                                      "cursor_member", "",
                                      "total", "0",
                                      "sent", "0",
                                      "failed", "0",
                                      "skipped", "0",
                                      "unknown", "0",
                                      "dry", "0"});
    // clang-format on
    if (!reply.ok)
        return ::testing::AssertionFailure() << "HSET {wa}:run:current: " << reply.str;
    return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------- dates

std::string jakarta_today(int add) {
    return format_utc(static_cast<long long>(std::time(nullptr)) + 7 * 3600 + add * 86400LL,
                      "%Y-%m-%d");
}

std::string add_days(const std::string& date, int days) {
    return format_utc(parse_date(date) + days * 86400LL, "%Y-%m-%d");
}

std::string dmy(const std::string& date) {
    if (date.size() != 10)
        return date;
    return date.substr(8, 2) + "-" + date.substr(5, 2) + "-" + date.substr(0, 4);
}

std::string next_run_time(int hour, int minute) {
    long long now = static_cast<long long>(std::time(nullptr)) + 7 * 3600;
    long long at = now / 86400 * 86400 + hour * 3600LL + minute * 60LL;
    if (at <= now)
        at += 86400;
    return format_utc(at, "%Y-%m-%dT%H:%M:00+07:00");
}

// ---------------------------------------------------------------- data

::testing::AssertionResult SeedVehicle(HttpClient& http, int n, const std::string& next_visit,
                                       Seeded* out) {
    Seeded s;
    s.customer = make_customer(n);
    s.vehicle = make_vehicle(s.customer.id, n);
    s.vehicle.last_visit_date = "2026-01-15";
    s.vehicle.next_visit_date = next_visit;
    s.to = normalised(s.customer.phone);
    auto c = PutCustomer(http, s.customer);
    if (!c)
        return c;
    auto v = PutVehicle(http, s.vehicle);
    if (!v)
        return v;
    *out = s;
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult SeedVehicles(HttpClient& http, int first, int count,
                                        const std::string& next_visit, std::vector<Seeded>* out) {
    for (int n = first; n < first + count; ++n) {
        Seeded s;
        auto ok = SeedVehicle(http, n, next_visit, &s);
        if (!ok)
            return ok;
        out->push_back(s);
    }
    return ::testing::AssertionSuccess();
}

std::string normalised(const std::string& phone) {
    std::string digits;
    for (char c : phone) {
        if (c >= '0' && c <= '9')
            digits += c;
    }
    if (!digits.empty() && digits[0] == '0')
        return "62" + digits.substr(1);
    return digits;
}

std::string default_message(const std::string& name, const std::string& nopol,
                            const std::string& next_visit) {
    return "Bapak " + name + " untuk nomor kendaraan " + nopol
        + " sebentar lagi tiba saat pemeliharaan rutin pada tanggal " + dmy(next_visit)
        + ", daftarkan segera melalui nomor pelayanan kami " + kServicePhone;
}

int report_frequency(HttpClient& http, const Seeded& s, std::string* report) {
    HttpResponse r = http.get(kBase + "/customer/" + s.customer.id + "/vehicle/" + s.vehicle.id);
    if (report != nullptr)
        *report = r.body;
    if (r.status == 404)
        return 0;
    if (r.status != 200)
        return -1;
    std::string f = json_member(r.body, "frequency");
    return f == "<missing>" ? -1 : std::atoi(f.c_str());
}

long long total_messages_sent(HttpClient& http) {
    HttpResponse r = http.get(kBase + "/statistics");
    if (r.status != 200)
        return -1;
    std::string v = json_member(r.body, "total_messages_sent");
    return v == "<missing>" ? -1 : std::atoll(v.c_str());
}

// ---------------------------------------------------------------- details

json_t* details_of(json_t* data) {
    json_t* details = json_object_get(data, "details");
    return json_is_array(details) ? details : nullptr;
}

json_t* detail_for(json_t* details, const std::string& nopol) {
    for (size_t i = 0; details != nullptr && i < json_array_size(details); ++i) {
        json_t* item = json_array_get(details, i);
        json_t* no_pol = json_object_get(item, "no_pol");
        if (json_is_string(no_pol) && nopol == json_string_value(no_pol))
            return item;
    }
    return nullptr;
}

int count_status(json_t* details, const std::string& status) {
    int n = 0;
    for (size_t i = 0; details != nullptr && i < json_array_size(details); ++i) {
        json_t* s = json_object_get(json_array_get(details, i), "status");
        n += (json_is_string(s) && status == json_string_value(s)) ? 1 : 0;
    }
    return n;
}

::testing::AssertionResult DetailIs(json_t* item, const ExpectedDetail& e) {
    if (item == nullptr) {
        return ::testing::AssertionFailure()
            << "no detail item for " << (e.seeded ? e.seeded->vehicle.nopol : "?");
    }
    const Seeded& s = *e.seeded;
    std::string text = dump_json(item);
    std::vector<std::string> keys = {"no_pol",          "customer_nama",    "customer_hp",
                                     "next_visit_date", "days_until_visit", "status"};
    bool has_message = e.status == "sent" || e.status == "failed" || e.status == "dry_run";
    bool has_api = e.status == "sent" || e.status == "failed";
    bool has_reason = e.status == "skipped" || e.status == "failed" || e.status == "unknown";
    if (has_message)
        keys.push_back("message");
    if (has_api)
        keys.push_back("api_response");
    if (has_reason)
        keys.push_back("reason");

    // The members in order (jansson keeps insertion order when dumping).
    std::vector<std::string> actual_keys;
    {
        // Walk the compact dump: top-level keys follow '{' or ',' at depth 1.
        int depth = 0;
        bool in_string = false;
        std::string current;
        bool expect_key = false;
        for (size_t i = 0; i < text.size(); ++i) {
            char c = text[i];
            if (in_string) {
                if (c == '\\') {
                    current += c;
                    if (i + 1 < text.size())
                        current += text[++i];
                } else if (c == '"') {
                    in_string = false;
                    if (expect_key)
                        actual_keys.push_back(current);
                } else {
                    current += c;
                }
                continue;
            }
            if (c == '"') {
                in_string = true;
                current.clear();
                expect_key = depth == 1 && (text[i - 1] == '{' || text[i - 1] == ',');
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                --depth;
            }
        }
    }
    if (actual_keys != keys) {
        std::string want, got;
        for (const auto& k : keys)
            want += k + " ";
        for (const auto& k : actual_keys)
            got += k + " ";
        return ::testing::AssertionFailure()
            << "detail members are [" << got << "], want [" << want << "]: " << text;
    }
    auto str = [&](const char* key) { return json_member(text, key); };
    std::string message = e.message.empty()
        ? default_message(s.customer.name, s.vehicle.nopol, s.vehicle.next_visit_date)
        : e.message;
    std::string problems;
    auto want = [&](const char* key, const std::string& value) {
        if (str(key) != value)
            problems += std::string(key) + " is " + str(key) + ", want " + value + "; ";
    };
    want("no_pol", s.vehicle.nopol);
    want("customer_nama", s.customer.name);
    want("customer_hp", s.customer.phone);
    want("next_visit_date", s.vehicle.next_visit_date);
    want("days_until_visit", std::to_string(e.days));
    want("status", e.status);
    if (has_message)
        want("message", message);
    if (has_api) {
        json_t* api = json_object_get(item, "api_response");
        if (!e.api_response.empty()) {
            want("api_response", e.api_response);
        } else if (!json_is_string(api) || json_string_length(api) == 0) {
            problems += "api_response is not a non-empty string; ";
        }
    }
    if (has_reason) {
        json_t* reason = json_object_get(item, "reason");
        if (!json_is_string(reason) || json_string_length(reason) == 0) {
            problems += "reason is not a non-empty string; ";
        }
    }
    if (!problems.empty())
        return ::testing::AssertionFailure() << problems << "in " << text;
    return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------- misc

::testing::AssertionResult NoSecrets(const std::string& text, const std::string& where) {
    const std::string secrets[] = {kStarSenderKey, kCloudToken, kJwtSecret, kFonnteToken};
    for (size_t i = 0; i < std::size(secrets); ++i) {
        size_t at = text.find(secrets[i]);
        if (at != std::string::npos) {
            size_t from = at > 200 ? at - 200 : 0;
            return ::testing::AssertionFailure()
                << "the " << kSecretNames[i] << " appears in " << where << ": ..."
                << text.substr(from, 400) << "...";
        }
    }
    return ::testing::AssertionSuccess();
}

std::string without_lines(const std::string& problems, const std::string& needle) {
    std::istringstream in(problems);
    std::string line, out;
    while (std::getline(in, line)) {
        if (line.find(needle) == std::string::npos)
            out += line + "\n";
    }
    return out;
}

pid_t pid_with_connection(const std::vector<pid_t>& pids, int local_port, int remote_port) {
    std::ifstream tcp("/proc/net/tcp");
    std::string line;
    std::getline(tcp, line);  // header
    std::string inode;
    while (std::getline(tcp, line)) {
        std::istringstream in(line);
        std::string sl, local, remote, st, queues, timer, retr, uid, timeout, node;
        in >> sl >> local >> remote >> st >> queues >> timer >> retr >> uid >> timeout >> node;
        auto port_of = [](const std::string& addr) {
            size_t colon = addr.find(':');
            return colon == std::string::npos
                ? -1
                : static_cast<int>(std::strtol(addr.c_str() + colon + 1, nullptr, 16));
        };
        if (port_of(local) == local_port && port_of(remote) == remote_port && node != "0") {
            inode = node;
            break;
        }
    }
    if (inode.empty())
        return -1;
    const std::string wanted = "socket:[" + inode + "]";
    for (pid_t pid : pids) {
        std::string dir = "/proc/" + std::to_string(pid) + "/fd";
        DIR* d = ::opendir(dir.c_str());
        if (d == nullptr)
            continue;
        bool found = false;
        while (dirent* entry = ::readdir(d)) {
            char target[256];
            std::string link = dir + "/" + entry->d_name;
            ssize_t n = ::readlink(link.c_str(), target, sizeof(target) - 1);
            if (n > 0 && std::string(target, static_cast<size_t>(n)) == wanted) {
                found = true;
                break;
            }
        }
        ::closedir(d);
        if (found)
            return pid;
    }
    return -1;
}

std::vector<JsonPtr> last_run_details(RedisClient& redis, std::string* run_id) {
    std::vector<JsonPtr> out;
    RedisReply id = redis.command({"HGET", "{wa}:run:last", "id"});
    if (run_id != nullptr)
        *run_id = id.str;
    if (!id.ok || id.str.empty())
        return out;
    RedisReply list = redis.command({"LRANGE", "{wa}:run:" + id.str + ":details", "0", "-1"});
    for (const auto& item : list.elements)
        out.push_back(parse_json(item.str));
    return out;
}

std::string redis_dump(RedisClient& redis) {
    std::string out;
    std::function<void(const RedisReply&)> add = [&](const RedisReply& r) {
        out += r.str + "\n";
        for (const auto& e : r.elements)
            add(e);
    };
    for (const std::string& key : redis.keys("*")) {
        out += key + "\n";
        std::string type = redis.command({"TYPE", key}).str;
        if (type == "string")
            add(redis.command({"GET", key}));
        if (type == "hash")
            add(redis.command({"HGETALL", key}));
        if (type == "list")
            add(redis.command({"LRANGE", key, "0", "-1"}));
        if (type == "set")
            add(redis.command({"SMEMBERS", key}));
        if (type == "zset")
            add(redis.command({"ZRANGE", key, "0", "-1"}));
        if (type == "stream")
            add(redis.command({"XRANGE", key, "-", "+"}));
    }
    return out;
}

bool ExtraNginx::start(const NginxConfig& config, int redis_port, std::string* error) {
    dir_ = std::make_unique<TempDir>("extra");
    int port = free_port();
    if (!nginx_.start(dir_->path(), config, port, redis_port, error))
        return false;
    started_ = true;
    http_ = std::make_unique<HttpClient>(port);
    http_->set_timeout(Millis(60000));
    HttpResponse last;
    bool ready = poll_until(Millis(10000), [&] {
        last = http_->get(kBase + "/statistics");
        return last.status != 0 && last.status != 502 && last.status != 503;
    });
    if (!ready)
        *error = "the extra nginx did not become ready: " + describe(last);
    return ready;
}

std::string ExtraNginx::stop() {
    if (!started_)
        return "";
    started_ = false;
    if (http_)
        http_->close();
    return nginx_.stop();
}

std::map<std::string, std::string> hgetall(RedisClient& redis, const std::string& key) {
    std::map<std::string, std::string> out;
    RedisReply reply = redis.command({"HGETALL", key});
    for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
        out[reply.elements[i].str] = reply.elements[i + 1].str;
    }
    return out;
}

}  // namespace wa::itest
