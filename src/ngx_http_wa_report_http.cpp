// libcurl multi on nginx's event loop.
//
// curl tells us which sockets it wants watched (on_socket) and when it next
// needs a timeout (on_timer); nginx tells curl when a socket is ready
// (on_io) or the timer fired (on_timeout). Each socket gets an nginx
// connection for its events; curl owns and closes the fd itself.
//
// The curl timer is not cancelable while transfers run, so a worker that is
// shutting down gracefully (reload, quit) finishes its in-flight sends
// (bounded by the per-send timeout) and counts them before it exits.

#include "ngx_http_wa_report_http.hpp"

#include <new>

namespace wa {

struct Transfer {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::string request_body;
    HttpResponse response;
    HttpDoneFn fn = nullptr;
    void* data = nullptr;
    char error[CURL_ERROR_SIZE] = {};

    ~Transfer() {
        if (headers != nullptr) {
            curl_slist_free_all(headers);
        }
        if (easy != nullptr) {
            curl_easy_cleanup(easy);
        }
    }
};

namespace {

constexpr size_t max_response = 256 * 1024;

size_t on_body(char* ptr, size_t size, size_t nmemb, void* userdata) noexcept {
    auto* t = static_cast<Transfer*>(userdata);
    size_t n = size * nmemb;
    if (t->response.body.size() + n > max_response) {
        return 0;  // a gateway answer this large is not an answer we read
    }
    bool ok = guard(ngx_cycle->log, [&] { t->response.body.append(ptr, n); });
    return ok ? n : 0;
}

size_t on_header(char* buffer, size_t size, size_t nitems, void* userdata) noexcept {
    auto* t = static_cast<Transfer*>(userdata);
    size_t n = size * nitems;
    std::string_view line(buffer, n);
    constexpr std::string_view name = "retry-after:";
    if (line.size() > name.size() && strncasecmp(line.data(), name.data(), name.size()) == 0) {
        line.remove_prefix(name.size());
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
            line.remove_prefix(1);
        }
        while (!line.empty()
               && (line.back() == '\r' || line.back() == '\n' || line.back() == ' ')) {
            line.remove_suffix(1);
        }
        if (!guard(ngx_cycle->log, [&] { t->response.retry_after.assign(line); })) {
            return 0;
        }
    }
    return n;
}

}  // namespace

bool gateway_url_ok(const std::string& url, std::string* why) {
    CURLU* u = curl_url();
    if (u == nullptr) {
        *why = "out of memory";
        return false;
    }
    bool ok = false;
    char* scheme = nullptr;
    char* host = nullptr;
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, url.c_str(), 0);
    if (rc != CURLUE_OK) {
        *why = curl_url_strerror(rc);
    } else if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK
               || (std::string_view(scheme) != "http" && std::string_view(scheme) != "https")) {
        *why = "the scheme must be http or https";
    } else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || *host == '\0') {
        *why = "no host";
    } else {
        ok = true;
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

HttpClient::HttpClient(ngx_log_t* log, ngx_msec_t timeout, size_t max_connections)
    : log_(log),
      timeout_(timeout),
      timer_(
          log, TimerIdent::gateway_client, false,
          [](void* data) noexcept {
              auto* self = static_cast<HttpClient*>(data);
              guard(self->log_, [&] { self->act(CURL_SOCKET_TIMEOUT, 0); });
          },
          this) {
    multi_ = curl_multi_init();
    if (multi_ == nullptr) {
        return;
    }
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    // Keep the gateway connections alive between sends: by default the
    // cache follows the number of transfers and shrinks between batches.
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(max_connections));
}

HttpClient::~HttpClient() {
    if (multi_ == nullptr) {
        return;
    }
    // Transfers still running are abandoned without their callbacks: this
    // only happens when the worker exits at once.
    for (Transfer* t : transfers_) {
        curl_multi_remove_handle(multi_, t->easy);
        delete t;
    }
    transfers_.clear();
    curl_multi_cleanup(multi_);
    // Last: the cleanup above may still move curl's timer.
    timer_.cancel();
}

bool HttpClient::post(const OutboundRequest& request, HttpDoneFn fn, void* data) {
    if (multi_ == nullptr) {
        return false;
    }
    auto* t = new (std::nothrow) Transfer();
    if (t == nullptr) {
        return false;
    }
    t->easy = curl_easy_init();
    if (t->easy == nullptr) {
        delete t;
        return false;
    }
    t->fn = fn;
    t->data = data;
    t->request_body = request.body;
    for (const auto& [k, v] : request.headers) {
        std::string line = k + ": " + v;
        curl_slist* next = curl_slist_append(t->headers, line.c_str());
        if (next == nullptr) {
            delete t;
            return false;
        }
        t->headers = next;
    }
    // Without this curl sends "Expect: 100-continue" for larger bodies and
    // waits a second for an answer some gateways never give.
    t->headers = curl_slist_append(t->headers, "Expect:");

    CURL* e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request_body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(t->request_body.size()));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_));
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "wa-report");

    if (curl_multi_add_handle(multi_, e) != CURLM_OK) {
        delete t;
        return false;
    }
    transfers_.insert(t);
    return true;
}

int HttpClient::on_socket(CURL*, curl_socket_t s, int what, void* userp, void* socketp) noexcept {
    auto* self = static_cast<HttpClient*>(userp);
    auto* c = static_cast<ngx_connection_t*>(socketp);

    if (what == CURL_POLL_REMOVE) {
        if (c == nullptr) {
            return 0;
        }
        release_borrowed_connection(c);  // curl closes the socket itself
        curl_multi_assign(self->multi_, s, nullptr);
        return 0;
    }

    if (c == nullptr) {
        c = ngx_get_connection(s, self->log_);
        if (c == nullptr) {
            return -1;
        }
        c->data = self;
        c->read->handler = on_io;
        c->write->handler = on_io;
        c->read->log = self->log_;
        c->write->log = self->log_;
        curl_multi_assign(self->multi_, s, c);
    }

    bool want_read = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
    bool want_write = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
    if (want_read && !c->read->active) {
        ngx_add_event(c->read, NGX_READ_EVENT, NGX_LEVEL_EVENT);
    } else if (!want_read && c->read->active) {
        ngx_del_event(c->read, NGX_READ_EVENT, 0);
    }
    if (want_write && !c->write->active) {
        ngx_add_event(c->write, NGX_WRITE_EVENT, NGX_LEVEL_EVENT);
    } else if (!want_write && c->write->active) {
        ngx_del_event(c->write, NGX_WRITE_EVENT, 0);
    }
    return 0;
}

int HttpClient::on_timer(CURLM*, long timeout_ms, void* userp) noexcept {
    auto* self = static_cast<HttpClient*>(userp);
    if (timeout_ms < 0) {
        self->timer_.cancel();
        return 0;
    }
    // Never call back into curl from here: the timer fires from the loop.
    self->timer_.arm(static_cast<ngx_msec_t>(timeout_ms));
    return 0;
}

void HttpClient::on_io(ngx_event_t* ev) noexcept {
    guard(ev->log, [&] {
        auto* c = static_cast<ngx_connection_t*>(ev->data);
        auto* self = static_cast<HttpClient*>(c->data);
        self->act(c->fd, ev->write ? CURL_CSELECT_OUT : CURL_CSELECT_IN);
    });
}

void HttpClient::act(curl_socket_t s, int action) {
    int running = 0;
    curl_multi_socket_action(multi_, s, action, &running);
    collect();
}

void HttpClient::collect() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
        if (msg->msg != CURLMSG_DONE) {
            continue;
        }
        CURL* e = msg->easy_handle;
        CURLcode result = msg->data.result;
        Transfer* t = nullptr;
        curl_easy_getinfo(e, CURLINFO_PRIVATE, &t);
        curl_multi_remove_handle(multi_, e);
        transfers_.erase(t);
        if (result == CURLE_OK) {
            curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &t->response.status);
        } else {
            t->response.status = 0;
            t->response.timed_out = result == CURLE_OPERATION_TIMEDOUT;
            t->response.error = t->error[0] ? t->error : curl_easy_strerror(result);
        }
        HttpDoneFn fn = t->fn;
        void* data = t->data;
        HttpResponse response = std::move(t->response);
        delete t;
        if (fn != nullptr) {
            fn(response, data);
        }
    }
}

}  // namespace wa
