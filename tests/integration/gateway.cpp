#include "gateway.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <cstring>
#include <ctime>
#include <sstream>

namespace wa::itest {

namespace {

using Clock = std::chrono::steady_clock;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trim(const std::string& text) {
    size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return "";
    size_t end = text.find_last_not_of(" \t\r\n");
    return text.substr(begin, end - begin + 1);
}

std::vector<std::string> split_words(const std::string& text) {
    std::vector<std::string> words;
    std::istringstream in(text);
    std::string word;
    while (in >> word)
        words.push_back(word);
    return words;
}

bool parse_int(const std::string& text, int* value) {
    if (text.empty() || text.size() > 9)
        return false;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    *value = std::atoi(text.c_str());
    return true;
}

const char* reason_phrase(int status) {
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}

std::string cloud_error_text(int code) {
    switch (code) {
    case 100: return "Invalid parameter";
    case 190: return "Invalid OAuth access token";
    case 130429: return "Rate limit hit";
    case 131000: return "Something went wrong";
    case 131026: return "Message undeliverable";
    case 131047: return "Re-engagement message";
    case 131050:
        return "Unable to deliver the message. This recipient has chosen to stop receiving "
               "marketing messages on WhatsApp from your business";
    case 131056: return "(Business Account, Consumer Account) pair rate limit hit";
    case 132018: return "(#132018) There was an issue with the parameters in your template.";
    default: return "Error";
    }
}

// Meta's words for the parameter text it refuses (error 132018).
const char* const kParamTextRule =
    "param text can't have new-line/tab characters or more than 4 consecutive spaces";
const char* const kParamTextEmpty =
    "Parameter 'text' is mandatory for component parameter type 'text'";

std::string cloud_error_body(int code, const std::string& details = "") {
    std::string body = "{\"error\":{\"message\":" + json_quote(cloud_error_text(code))
        + ",\"type\":\"OAuthException\",\"code\":" + std::to_string(code);
    if (!details.empty()) {
        body += ",\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":"
            + json_quote(details) + "}";
    }
    return body + ",\"fbtrace_id\":\"x\"}}";
}

// "Sun, 06 Nov 1994 08:49:37 GMT" for now + seconds.
std::string http_date_in(long long seconds) {
    time_t t = std::time(nullptr) + static_cast<time_t>(seconds);
    tm parts{};
    gmtime_r(&t, &parts);
    char buf[64];
    std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &parts);
    return buf;
}

bool all_digits(const std::string& text) {
    if (text.empty())
        return false;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

std::string string_member(json_t* object, const char* key) {
    json_t* value = json_object_get(object, key);
    if (!json_is_string(value))
        return "";
    return std::string(json_string_value(value), json_string_length(value));
}

// Checks the StarSender request; fills request->to and ->text.
std::string check_starsender(GatewayRequest* request, const std::string& key) {
    std::string problems;
    if (request->method != "POST")
        problems += "method " + request->method + " (want POST); ";
    if (request->header_count("Authorization") != 1 || request->header("Authorization") != key) {
        problems += "Authorization header is not the API key ("
            + std::to_string(request->header_count("Authorization")) + " header(s)); ";
    }
    if (lower(request->header("Content-Type")).rfind("application/json", 0) != 0) {
        problems += "Content-Type \"" + request->header("Content-Type") + "\"; ";
    }
    std::string error;
    JsonPtr body = parse_json(request->body, &error);
    if (!json_is_object(body.get())) {
        return problems + "body is not a JSON object (" + error + ")";
    }
    request->to = string_member(body.get(), "to");
    request->text = string_member(body.get(), "body");
    std::string expected = "{\"messageType\":\"text\",\"to\":" + json_quote(request->to)
        + ",\"body\":" + json_quote(request->text) + "}";
    if (dump_json(body.get()) != expected) {
        problems += "body is not {\"messageType\":\"text\",\"to\":...,\"body\":...} in that order: "
            + request->body + "; ";
    }
    if (!all_digits(request->to) || request->to.rfind("62", 0) != 0 || request->to.size() < 10
        || request->to.size() > 15) {
        problems += "\"to\" is not an international number without +: \"" + request->to + "\"; ";
    }
    if (request->text.empty())
        problems += "empty \"body\"; ";
    for (unsigned char c : request->text) {
        if ((c < 0x20 && c != '\n') || c == 0x7f) {
            problems += "\"body\" has control characters; ";
            break;
        }
    }
    return problems;
}

// One application/x-www-form-urlencoded value ("+" is a space); nullopt
// when a "%" is not followed by two hex digits.
std::optional<std::string> form_decode(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); i++) {
        char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1]))
                || !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
                return std::nullopt;
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

// Checks the Fonnte request: a form of exactly target, message and
// countryCode, in that order; fills request->to and ->text.
std::string check_fonnte(GatewayRequest* request, const std::string& token) {
    std::string problems;
    if (request->method != "POST")
        problems += "method " + request->method + " (want POST); ";
    if (request->header_count("Authorization") != 1 || request->header("Authorization") != token) {
        problems += "Authorization header is not the device token ("
            + std::to_string(request->header_count("Authorization")) + " header(s)); ";
    }
    if (lower(request->header("Content-Type")).rfind("application/x-www-form-urlencoded", 0) != 0) {
        problems += "Content-Type \"" + request->header("Content-Type") + "\"; ";
    }
    std::vector<std::pair<std::string, std::string>> fields;
    size_t start = 0;
    while (start <= request->body.size()) {
        size_t end = request->body.find('&', start);
        if (end == std::string::npos)
            end = request->body.size();
        std::string pair = request->body.substr(start, end - start);
        size_t eq = pair.find('=');
        auto name = form_decode(pair.substr(0, eq));
        auto value = eq == std::string::npos ? std::optional<std::string>("")
                                             : form_decode(pair.substr(eq + 1));
        if (!name || !value)
            return problems + "body is not a valid form: " + request->body;
        fields.emplace_back(*name, *value);
        start = end + 1;
    }
    if (fields.size() != 3 || fields[0].first != "target" || fields[1].first != "message"
        || fields[2].first != "countryCode") {
        return problems
            + "form is not target, message, countryCode in that order: " + request->body;
    }
    request->to = fields[0].second;
    request->text = fields[1].second;
    if (fields[2].second != "62")
        problems += "countryCode is not 62; ";
    if (!all_digits(request->to) || request->to.rfind("62", 0) != 0 || request->to.size() < 10
        || request->to.size() > 15) {
        problems +=
            "\"target\" is not an international number without +: \"" + request->to + "\"; ";
    }
    if (request->text.empty())
        problems += "empty \"message\"; ";
    return problems;
}

std::string check_cloud(GatewayRequest* request, const std::string& token) {
    std::string problems;
    if (request->method != "POST")
        problems += "method " + request->method + " (want POST); ";
    if (request->path != std::string("/v20.0/") + TestGateway::kPhoneNumberId + "/messages") {
        problems += "path " + request->path + "; ";
    }
    if (request->header_count("Authorization") != 1
        || request->header("Authorization") != "Bearer " + token) {
        problems += "Authorization header is not \"Bearer <token>\" ("
            + std::to_string(request->header_count("Authorization")) + " header(s)); ";
    }
    if (lower(request->header("Content-Type")).rfind("application/json", 0) != 0) {
        problems += "Content-Type \"" + request->header("Content-Type") + "\"; ";
    }
    std::string error;
    JsonPtr body = parse_json(request->body, &error);
    if (!json_is_object(body.get())) {
        return problems + "body is not a JSON object (" + error + ")";
    }
    request->to = string_member(body.get(), "to");
    json_t* tpl = json_object_get(body.get(), "template");
    request->template_name = string_member(tpl, "name");
    request->template_language = string_member(json_object_get(tpl, "language"), "code");
    json_t* components = json_object_get(tpl, "components");
    std::string params_json;
    if (json_is_array(components) && json_array_size(components) == 1) {
        json_t* parameters = json_object_get(json_array_get(components, 0), "parameters");
        for (size_t i = 0; json_is_array(parameters) && i < json_array_size(parameters); ++i) {
            std::string text = string_member(json_array_get(parameters, i), "text");
            request->parameters.push_back(text);
            params_json +=
                std::string(i ? "," : "") + "{\"type\":\"text\",\"text\":" + json_quote(text) + "}";
        }
    }
    std::string expected =
        "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\","
        "\"to\":"
        + json_quote(request->to)
        + ",\"type\":\"template\",\"template\":{\"name\":" + json_quote(request->template_name)
        + ",\"language\":{\"code\":" + json_quote(request->template_language) + "}";
    if (components != nullptr) {
        expected += ",\"components\":[{\"type\":\"body\",\"parameters\":[" + params_json + "]}]";
    }
    expected += "}}";
    if (dump_json(body.get()) != expected) {
        problems += "body is not a Cloud API template message in the documented shape: "
            + request->body + "; ";
    }
    if (!all_digits(request->to) || request->to.rfind("62", 0) != 0) {
        problems += "\"to\" is not an international number without +: \"" + request->to + "\"; ";
    }
    if (request->template_name.empty())
        problems += "no template name; ";
    for (const std::string& text : request->parameters) {
        if (text.find_first_of("\n\t") != std::string::npos
            || text.find("     ") != std::string::npos) {
            problems += std::string(kParamTextRule) + ": " + json_quote(text) + "; ";
        } else if (text.empty()) {
            problems += std::string(kParamTextEmpty) + "; ";
        }
    }
    return problems;
}

bool send_all(int fd, const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
        ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        sent += static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

// ---------------------------------------------------------------- behaviour

std::optional<GatewayBehaviour> GatewayBehaviour::parse(const std::string& text,
                                                        std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<GatewayBehaviour> {
        if (error != nullptr)
            *error = "bad gateway behaviour \"" + text + "\": " + why;
        return std::nullopt;
    };
    std::vector<std::string> words = split_words(text);
    if (words.empty())
        return fail("empty");
    GatewayBehaviour b;
    size_t i = 0;
    if (words[0] == "delay") {
        if (words.size() < 4 || words[2] != "then")
            return fail("want \"delay <n>ms then ...\"");
        std::string ms = words[1];
        if (ms.size() > 2 && ms.substr(ms.size() - 2) == "ms")
            ms.resize(ms.size() - 2);
        if (!parse_int(ms, &b.delay_ms))
            return fail("delay is not a number of ms");
        i = 3;
    }
    auto retry_after = [&](size_t at) -> bool {
        if (at == words.size())
            return true;
        if (lower(words[at]) != "retry-after:" || at + 1 >= words.size())
            return false;
        for (size_t k = at + 1; k < words.size(); ++k) {
            b.retry_after += (k > at + 1 ? " " : "") + words[k];
        }
        return true;
    };
    const std::string& verb = words[i];
    if (verb == "accept" && i + 1 == words.size()) {
        b.kind = Kind::accept;
    } else if (verb == "hang" && i + 1 == words.size()) {
        b.kind = Kind::hang;
    } else if (verb == "echo" && i + 1 < words.size() && words[i + 1] == "key") {
        b.kind = Kind::echo_key;
        size_t at = i + 2;
        if (at + 1 == words.size() && words[at] == "accepted") {
            b.echo_accepted = true;
        } else if (at + 2 == words.size() && words[at] == "after") {
            if (!parse_int(words[at + 1], &b.filler))
                return fail("echo key after <n>");
        } else if (at != words.size()) {
            return fail("want \"echo key [after <n> | accepted]\"");
        }
    } else if (verb == "trickle" && i + 1 == words.size()) {
        b.kind = Kind::trickle;
    } else if (verb == "refuse") {
        b.kind = Kind::refuse;
        for (size_t k = i + 1; k < words.size(); ++k)
            b.message += (k > i + 1 ? " " : "") + words[k];
    } else if (verb == "status") {
        b.kind = Kind::status;
        if (i + 1 >= words.size() || !parse_int(words[i + 1], &b.status))
            return fail("status <n>");
        if (!retry_after(i + 2))
            return fail("trailing words");
    } else if (verb == "cloud" && i + 2 < words.size() && words[i + 1] == "error") {
        b.kind = Kind::cloud_error;
        b.status = 400;
        if (!parse_int(words[i + 2], &b.code))
            return fail("cloud error <code>");
        size_t at = i + 3;
        if (at + 1 < words.size() && words[at] == "status") {
            if (!parse_int(words[at + 1], &b.status))
                return fail("status <n>");
            at += 2;
        }
        if (!retry_after(at))
            return fail("trailing words");
    } else {
        return fail("unknown");
    }
    return b;
}

std::string GatewayBehaviour::describe() const {
    std::string text = delay_ms > 0 ? "delay " + std::to_string(delay_ms) + "ms then " : "";
    switch (kind) {
    case Kind::accept: text += "accept"; break;
    case Kind::hang: text += "hang"; break;
    case Kind::echo_key:
        text += "echo key";
        if (echo_accepted)
            text += " accepted";
        if (filler > 0)
            text += " after " + std::to_string(filler);
        break;
    case Kind::trickle: text += "trickle"; break;
    case Kind::refuse: text += "refuse" + (message.empty() ? "" : " " + message); break;
    case Kind::status: text += "status " + std::to_string(status); break;
    case Kind::cloud_error:
        text += "cloud error " + std::to_string(code) + " status " + std::to_string(status);
        break;
    }
    if (!retry_after.empty())
        text += " Retry-After: " + retry_after;
    return text;
}

// ---------------------------------------------------------------- request

std::string GatewayRequest::header(const std::string& name) const {
    std::string wanted = lower(name);
    for (const auto& h : headers) {
        if (lower(h.first) == wanted)
            return h.second;
    }
    return "";
}

size_t GatewayRequest::header_count(const std::string& name) const {
    std::string wanted = lower(name);
    size_t count = 0;
    for (const auto& h : headers)
        count += lower(h.first) == wanted ? 1 : 0;
    return count;
}

// ---------------------------------------------------------------- gateway

TestGateway::TestGateway() : epoch_(Clock::now()), last_activity_(Clock::now()) {}

TestGateway::~TestGateway() { stop(); }

bool TestGateway::start(std::string* error, int port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) {
        *error = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    socklen_t len = sizeof(addr);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0
        || ::listen(listen_fd_, 128) != 0
        || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        *error = std::string("bind/listen: ") + std::strerror(errno);
        ::close(listen_fd_);
        listen_fd_ = -1;
        return false;
    }
    port_ = ntohs(addr.sin_port);
    stopping_ = false;
    accept_thread_ = std::thread([this] { accept_loop(); });
    return true;
}

void TestGateway::stop() {
    if (listen_fd_ < 0)
        return;
    stopping_ = true;
    if (accept_thread_.joinable())
        accept_thread_.join();
    ::close(listen_fd_);
    listen_fd_ = -1;
    reap_connections(true);
}

std::string TestGateway::starsender_url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/api/send";
}

std::string TestGateway::cloud_url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/v20.0/" + kPhoneNumberId + "/messages";
}

void TestGateway::expect_starsender_key(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    starsender_key_ = key;
}

std::string TestGateway::fonnte_url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/send";
}

void TestGateway::expect_fonnte_token(const std::string& token) {
    std::lock_guard<std::mutex> lock(mutex_);
    fonnte_token_ = token;
}

void TestGateway::expect_cloud_token(const std::string& token) {
    std::lock_guard<std::mutex> lock(mutex_);
    cloud_token_ = token;
}

void TestGateway::reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++generation_;
    log_.clear();
    queue_.clear();
    by_number_.clear();
    by_recipient_.clear();
    default_ = GatewayBehaviour{};
    accepted_serial_ = 0;
    epoch_ = Clock::now();
    last_activity_ = epoch_;
    changed_.notify_all();
}

std::optional<GatewayBehaviour> TestGateway::parse_or_fail(const std::string& text) {
    std::string error;
    auto b = GatewayBehaviour::parse(text, &error);
    if (!b)
        ADD_FAILURE() << error;
    return b;
}

void TestGateway::set_default(const std::string& behaviour) {
    auto b = parse_or_fail(behaviour);
    if (!b)
        return;
    std::lock_guard<std::mutex> lock(mutex_);
    default_ = *b;
}

void TestGateway::script(const std::vector<std::string>& behaviours) {
    for (const auto& text : behaviours) {
        auto b = parse_or_fail(text);
        if (!b)
            return;
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.push_back(*b);
    }
}

void TestGateway::script_request(int number, const std::string& behaviour) {
    auto b = parse_or_fail(behaviour);
    if (!b)
        return;
    std::lock_guard<std::mutex> lock(mutex_);
    by_number_[number] = *b;
}

void TestGateway::script_recipient(const std::string& to,
                                   const std::vector<std::string>& behaviours) {
    for (const auto& text : behaviours) {
        auto b = parse_or_fail(text);
        if (!b)
            return;
        std::lock_guard<std::mutex> lock(mutex_);
        by_recipient_[to].push_back(*b);
    }
}

std::vector<GatewayRequest> TestGateway::requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return log_;
}

size_t TestGateway::request_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return log_.size();
}

std::vector<GatewayRequest> TestGateway::requests_to(const std::string& to) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<GatewayRequest> out;
    for (const auto& r : log_) {
        if (r.to == to)
            out.push_back(r);
    }
    return out;
}

int TestGateway::requests_for(const std::string& to) const {
    return static_cast<int>(requests_to(to).size());
}

int TestGateway::accepted_for(const std::string& to) const {
    std::lock_guard<std::mutex> lock(mutex_);
    int n = 0;
    for (const auto& r : log_)
        n += (r.to == to && r.accepted) ? 1 : 0;
    return n;
}

std::map<std::string, int> TestGateway::accepted_per_recipient() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::map<std::string, int> out;
    for (const auto& r : log_) {
        if (r.accepted)
            ++out[r.to];
    }
    return out;
}

int TestGateway::accepted_total() const {
    std::lock_guard<std::mutex> lock(mutex_);
    int n = 0;
    for (const auto& r : log_)
        n += r.accepted ? 1 : 0;
    return n;
}

int TestGateway::max_in_flight() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::pair<SteadyTime, int>> events;
    for (const auto& r : log_) {
        events.emplace_back(r.received, +1);
        events.emplace_back(r.pending ? SteadyTime::max() : r.finished, -1);
    }
    // At equal times, count the ends first.
    std::sort(events.begin(), events.end());
    int current = 0, best = 0;
    for (const auto& e : events) {
        current += e.second;
        best = std::max(best, current);
    }
    return best;
}

std::string TestGateway::problems() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    for (const auto& r : log_) {
        if (!r.problem.empty())
            out += "#" + std::to_string(r.number) + ": " + r.problem + "\n";
    }
    return out;
}

std::string TestGateway::dump() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::ostringstream out;
    out << "gateway log (" << log_.size() << " requests):\n";
    for (const auto& r : log_) {
        char at[32];
        std::snprintf(at, sizeof(at), "%8.1f", r.at_ms);
        out << "  #" << r.number << " +" << at << "ms conn " << r.connection << " " << r.method
            << " " << r.path << " to=" << r.to << " -> " << r.behaviour << " => "
            << (r.pending ? std::string("pending") : std::to_string(r.status))
            << (r.accepted ? " accepted " + r.message_id : "")
            << (r.problem.empty() ? "" : " PROBLEM: " + r.problem) << "\n";
    }
    return out.str();
}

bool TestGateway::wait_for_requests(size_t n, Millis timeout) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return log_.size() >= n; });
}

bool TestGateway::wait_idle(Millis quiet, Millis timeout) const {
    auto deadline = Clock::now() + timeout;
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
        bool pending = std::any_of(log_.begin(), log_.end(),
                                   [](const GatewayRequest& r) { return r.pending; });
        auto now = Clock::now();
        if (!pending && now - last_activity_ >= quiet)
            return true;
        if (now >= deadline)
            return false;
        changed_.wait_for(lock, Millis(20));
    }
}

void TestGateway::accept_loop() {
    while (!stopping_) {
        pollfd p{listen_fd_, POLLIN, 0};
        int ready = ::poll(&p, 1, 100);
        reap_connections(false);
        if (ready <= 0)
            continue;
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        auto connection = std::make_unique<Connection>();
        connection->fd = fd;
        Connection* raw = connection.get();
        {
            std::lock_guard<std::mutex> lock(connections_mutex_);
            connection->serial = ++next_connection_;
            connections_.push_back(std::move(connection));
        }
        raw->thread = std::thread([this, raw] {
            serve(raw);
            ::close(raw->fd);
            raw->done = true;
        });
    }
}

void TestGateway::reap_connections(bool all) {
    std::list<std::unique_ptr<Connection>> finished;
    {
        std::lock_guard<std::mutex> lock(connections_mutex_);
        for (auto it = connections_.begin(); it != connections_.end();) {
            if (all || (*it)->done) {
                finished.push_back(std::move(*it));
                it = connections_.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& c : finished) {
        if (c->thread.joinable())
            c->thread.join();
    }
}

size_t TestGateway::admit(GatewayRequest request, GatewayBehaviour* behaviour,
                          uint64_t* generation) {
    std::lock_guard<std::mutex> lock(mutex_);
    *generation = generation_;
    request.number = static_cast<int>(log_.size()) + 1;
    request.at_ms = std::chrono::duration<double, std::milli>(request.received - epoch_).count();
    if (request.path == "/api/send") {
        request.api = "starsender";
        request.problem = check_starsender(&request, starsender_key_);
    } else if (request.path == "/send") {
        request.api = "fonnte";
        request.problem = check_fonnte(&request, fonnte_token_);
    } else if (request.path.rfind("/v20.0/", 0) == 0) {
        request.api = "cloud_api";
        request.problem = check_cloud(&request, cloud_token_);
    } else {
        request.problem = "unknown path " + request.path;
    }
    if (request.problem.empty()) {
        auto recipient = by_recipient_.find(request.to);
        auto numbered = by_number_.find(request.number);
        if (recipient != by_recipient_.end() && !recipient->second.empty()) {
            *behaviour = recipient->second.front();
            recipient->second.erase(recipient->second.begin());
        } else if (numbered != by_number_.end()) {
            *behaviour = numbered->second;
        } else if (!queue_.empty()) {
            *behaviour = queue_.front();
            queue_.erase(queue_.begin());
        } else {
            *behaviour = default_;
        }
        request.behaviour = behaviour->describe();
    } else {
        request.behaviour = "reject invalid request";
    }
    request.finished = request.received;
    log_.push_back(std::move(request));
    last_activity_ = Clock::now();
    changed_.notify_all();
    return log_.size() - 1;
}

void TestGateway::finish(size_t index, int status, const std::string& body, bool accepted,
                         const std::string& message_id, bool written) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (index >= log_.size())
        return;  // reset() in between
    GatewayRequest& r = log_[index];
    r.pending = false;
    r.finished = Clock::now();
    r.status = status;
    r.response_body = body;
    r.accepted = accepted;
    r.message_id = message_id;
    r.reply_written = written;
    last_activity_ = r.finished;
    changed_.notify_all();
}

void TestGateway::serve(Connection* connection) {
    const int fd = connection->fd;
    sockaddr_in peer{};
    socklen_t peer_len = sizeof(peer);
    int peer_port = 0;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0) {
        peer_port = ntohs(peer.sin_port);
    }
    std::string buffer;
    // Reads more into buffer; false when the client closed or we stop.
    auto fill = [&]() -> bool {
        while (!stopping_) {
            pollfd p{fd, POLLIN, 0};
            int ready = ::poll(&p, 1, 100);
            if (ready < 0 && errno != EINTR)
                return false;
            if (ready <= 0)
                continue;
            char chunk[16384];
            ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            buffer.append(chunk, static_cast<size_t>(n));
            return true;
        }
        return false;
    };

    while (!stopping_) {
        size_t header_end;
        while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
            if (!fill())
                return;
        }
        GatewayRequest request;
        request.peer_port = peer_port;
        request.connection = connection->serial;
        std::istringstream head(buffer.substr(0, header_end));
        std::string line;
        std::getline(head, line);
        line = trim(line);
        std::vector<std::string> parts = split_words(line);
        std::string version = parts.size() == 3 ? parts[2] : "HTTP/1.0";
        if (parts.size() >= 2) {
            request.method = parts[0];
            request.target = parts[1];
            request.path = request.target.substr(0, request.target.find('?'));
        }
        while (std::getline(head, line)) {
            size_t colon = line.find(':');
            if (colon == std::string::npos)
                continue;
            request.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
        }
        buffer.erase(0, header_end + 4);

        if (lower(request.header("Expect")) == "100-continue") {
            send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n");
        }
        if (lower(request.header("Transfer-Encoding")).find("chunked") != std::string::npos) {
            while (true) {
                size_t eol;
                while ((eol = buffer.find("\r\n")) == std::string::npos) {
                    if (!fill())
                        return;
                }
                size_t size = std::strtoul(buffer.substr(0, eol).c_str(), nullptr, 16);
                while (buffer.size() < eol + 2 + size + 2) {
                    if (!fill())
                        return;
                }
                request.body += buffer.substr(eol + 2, size);
                buffer.erase(0, eol + 2 + size + 2);
                if (size == 0)
                    break;  // no trailers expected
            }
        } else {
            size_t length = std::strtoul(request.header("Content-Length").c_str(), nullptr, 10);
            while (buffer.size() < length) {
                if (!fill())
                    return;
            }
            request.body = buffer.substr(0, length);
            buffer.erase(0, length);
        }
        request.received = Clock::now();
        bool keep_alive = version == "HTTP/1.1" && lower(request.header("Connection")) != "close";

        GatewayBehaviour behaviour;
        uint64_t generation = 0;
        std::string api;
        const size_t index = admit(std::move(request), &behaviour, &generation);
        std::string problem, to, authorization;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            api = log_[index].api;
            problem = log_[index].problem;
            to = log_[index].to;
            authorization = log_[index].header("Authorization");
        }

        int status = 200;
        std::string body;
        std::string extra_headers;
        bool accepted = false;
        std::string message_id;
        if (!problem.empty()) {
            bool auth = problem.find("Authorization") != std::string::npos;
            if (api == "starsender") {
                status = auth ? 401 : 400;
                body = std::string("{\"success\":false,\"message\":\"")
                    + (auth ? "Unauthorized" : "Invalid request") + "\"}";
            } else if (api == "fonnte") {
                // Fonnte refuses with 200 and status false.
                body = std::string("{\"reason\":\"") + (auth ? "token invalid" : "input invalid")
                    + "\",\"status\":false}";
            } else if (api == "cloud_api") {
                status = auth ? 401 : 400;
                if (auth) {
                    body = cloud_error_body(190);
                } else if (problem.find(kParamTextRule) != std::string::npos) {
                    body = cloud_error_body(132018, kParamTextRule);
                } else if (problem.find(kParamTextEmpty) != std::string::npos) {
                    body = cloud_error_body(100, kParamTextEmpty);
                } else {
                    body = cloud_error_body(100);
                }
            } else {
                status = 404;
                body = "{\"detail\":\"Not Found\"}";
            }
        } else {
            if (behaviour.delay_ms > 0) {
                auto until = Clock::now() + Millis(behaviour.delay_ms);
                while (!stopping_ && Clock::now() < until)
                    std::this_thread::sleep_for(Millis(5));
            }
            if (behaviour.kind == GatewayBehaviour::Kind::hang) {
                // Never answer: wait for the client to give up (or a reset/stop).
                char scratch[4096];
                while (!stopping_ && generation_ == generation) {
                    pollfd p{fd, POLLIN, 0};
                    int ready = ::poll(&p, 1, 50);
                    if (ready > 0) {
                        ssize_t n = ::recv(fd, scratch, sizeof(scratch), 0);
                        if (n <= 0)
                            break;
                    }
                }
                finish(index, 0, "", false, "", false);
                return;
            }
            if (behaviour.kind == GatewayBehaviour::Kind::trickle) {
                // Always something on the wire, never the end of the answer.
                bool written = send_all(fd,
                                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                        "Content-Length: 1000000\r\n\r\n{");
                while (written && !stopping_ && generation_ == generation) {
                    std::this_thread::sleep_for(Millis(100));
                    written = send_all(fd, " ");
                }
                finish(index, 0, "", false, "", false);
                return;
            }
            if (!behaviour.retry_after.empty()) {
                const std::string& v = behaviour.retry_after;
                extra_headers += "Retry-After: "
                    + (v.rfind("date+", 0) == 0 ? http_date_in(std::atoll(v.c_str() + 5)) : v)
                    + "\r\n";
            }
            switch (behaviour.kind) {
            case GatewayBehaviour::Kind::accept: {
                accepted = true;
                int serial;
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    serial = ++accepted_serial_;
                }
                if (api == "starsender") {
                    message_id = "ss-" + std::to_string(serial);
                    body = "{\"success\":true,\"data\":{\"id\":\"" + message_id
                        + "\"},\"message\":\"Pesan berhasil dikirim\"}";
                } else if (api == "fonnte") {
                    message_id = std::to_string(80000000 + serial);
                    body = "{\"detail\":\"success! message in queue\",\"id\":[\"" + message_id
                        + "\"],\"process\":\"pending\",\"requestid\":" + std::to_string(serial)
                        + ",\"status\":true,\"target\":[" + json_quote(to) + "]}";
                } else {
                    message_id = "wamid." + std::to_string(serial);
                    body = "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":"
                        + json_quote(to) + ",\"wa_id\":" + json_quote(to)
                        + "}],\"messages\":[{\"id\":\"" + message_id + "\"}]}";
                }
                break;
            }
            case GatewayBehaviour::Kind::refuse:
                if (api == "fonnte") {
                    body = "{\"reason\":"
                        + json_quote(behaviour.message.empty() ? "device disconnected"
                                                               : behaviour.message)
                        + ",\"status\":false}";
                } else if (api == "starsender") {
                    body = "{\"success\":false,\"message\":"
                        + json_quote(behaviour.message.empty() ? "Device offline"
                                                               : behaviour.message)
                        + "}";
                } else {
                    status = 400;
                    body = cloud_error_body(131026);
                }
                break;
            case GatewayBehaviour::Kind::status:
                status = behaviour.status;
                if (api == "starsender") {
                    body = std::string("{\"success\":false,\"message\":\"") + reason_phrase(status)
                        + "\"}";
                } else if (api == "fonnte") {
                    body = std::string("{\"reason\":\"") + reason_phrase(status)
                        + "\",\"status\":false}";
                } else {
                    body = cloud_error_body(status == 429 ? 130429 : status >= 500 ? 131000 : 100);
                }
                break;
            case GatewayBehaviour::Kind::cloud_error:
                status = behaviour.status;
                body = cloud_error_body(behaviour.code);
                break;
            case GatewayBehaviour::Kind::echo_key: {
                std::string echoed = std::string(static_cast<size_t>(behaviour.filler), 'x')
                    + (behaviour.filler > 0 ? " " : "") + authorization;
                if (behaviour.echo_accepted) {
                    accepted = true;
                    message_id = authorization;
                    if (api == "fonnte") {
                        body = "{\"detail\":" + json_quote("queued with " + echoed) + ",\"id\":["
                            + json_quote(authorization) + "],\"status\":true}";
                    } else if (api == "starsender") {
                        body = "{\"success\":true,\"data\":{\"id\":" + json_quote(authorization)
                            + "},\"message\":" + json_quote("Pesan terkirim dengan " + echoed)
                            + "}";
                    } else {
                        body = "{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":"
                            + json_quote(authorization)
                            + ",\"message_status\":" + json_quote("accepted for " + echoed) + "}]}";
                    }
                } else if (api == "fonnte") {
                    body = "{\"reason\":" + json_quote("token invalid: " + echoed)
                        + ",\"status\":false}";
                } else if (api == "starsender") {
                    status = 401;
                    body = "{\"success\":false,\"message\":"
                        + json_quote("Invalid API key: " + echoed) + "}";
                } else {
                    status = 401;
                    body = "{\"error\":{\"message\":"
                        + json_quote("Invalid OAuth access token - Cannot parse access token: "
                                     + echoed)
                        + ",\"type\":\"OAuthException\",\"code\":190,\"fbtrace_id\":\"x\"}}";
                }
                break;
            }
            case GatewayBehaviour::Kind::hang:
            case GatewayBehaviour::Kind::trickle: break;
            }
        }
        std::string response = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status)
            + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size())
            + "\r\n" + extra_headers + (keep_alive ? "" : "Connection: close\r\n") + "\r\n" + body;
        // Recorded before the answer leaves, so a client that has its answer
        // always finds it in the log.
        finish(index, status, body, accepted, message_id, false);
        bool written = send_all(fd, response);
        if (written) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (index < log_.size())
                log_[index].reply_written = true;
        }
        if (!written || !keep_alive)
            return;
    }
}

TestGateway& shared_gateway() {
    static TestGateway* gateway = [] {
        auto* g = new TestGateway();
        std::string error;
        if (!g->start(&error)) {
            std::fprintf(stderr, "test gateway did not start: %s\n", error.c_str());
            std::abort();
        }
        return g;
    }();
    return *gateway;
}

}  // namespace wa::itest
