// Outbound HTTP(S) for the gateway: libcurl's multi interface driven by
// nginx's events and timers, so a send never blocks the worker.
#pragma once

#include "ngx_http_wa_report_timer.hpp"
#include "ngx_wa.hpp"

#include "core/gateway.hpp"

#include <curl/curl.h>

#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace wa {

struct HttpResponse {
    long status = 0;  // 0 when the transfer failed
    std::string body;
    std::string retry_after;
    std::string error;  // curl's reason when status is 0
    bool timed_out = false;
};

using HttpDoneFn = void (*)(const HttpResponse& response, void* data);

// Whether `url` is one the gateway client can send to: parsed by libcurl's
// URL API (RFC 3986 as curl reads it), scheme http or https, a host. On
// false, *why says what is wrong.
bool gateway_url_ok(const std::string& url, std::string* why);

struct Transfer;

class HttpClient {
public:
    HttpClient(ngx_log_t* log, ngx_msec_t timeout, size_t max_connections);
    ~HttpClient();

    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    bool ok() const { return multi_ != nullptr; }

    // false when the transfer could not be started; fn is then not called.
    bool post(const OutboundRequest& request, HttpDoneFn fn, void* data);

    size_t active() const { return transfers_.size(); }

private:
    // Called by libcurl and nginx: noexcept.
    static int on_socket(CURL* easy, curl_socket_t s, int what, void* userp,
                         void* socketp) noexcept;
    static int on_timer(CURLM* multi, long timeout_ms, void* userp) noexcept;
    static void on_io(ngx_event_t* ev) noexcept;

    void act(curl_socket_t s, int action);
    void collect();

    ngx_log_t* log_;
    ngx_msec_t timeout_;
    CURLM* multi_ = nullptr;
    // Not cancelable while transfers run (see the .cpp).
    Timer timer_;
    std::unordered_set<Transfer*> transfers_;
};

}  // namespace wa
