// Access control on the HTTP side: the request's method and Authorization
// header go to core/access, a refusal becomes the API's 401.

#include "ngx_http_wa_report_access.hpp"

#include "ngx_http_wa_report_respond.hpp"

#include "core/escape.hpp"
#include "core/json.hpp"

#include <string>

namespace wa {

ngx_int_t check_bearer(ngx_http_request_t* r, const AuthSettings& settings) {
    std::optional<std::string_view> authorization;
    if (r->headers_in.authorization != nullptr) {
        authorization = sv(r->headers_in.authorization->value);
    }
    AuthDecision d = authorize(settings, authorization, static_cast<int64_t>(ngx_time()));
    if (d.allowed) {
        return NGX_DECLINED;
    }
    // The body is not for us; left unread it would be taken for the next
    // request on the connection.
    ngx_int_t discarded = ngx_http_discard_request_body(r);
    if (discarded != NGX_OK) {
        return discarded;
    }
    std::string reason = d.reason;
    if (!reason.empty() && log_now("bearer token refused " + reason)) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0, "wa_report: bearer token refused \"%s\"",
                      log_escape(reason).c_str());
    }
    return send_json_with(r, NGX_HTTP_UNAUTHORIZED, detail_error(d.detail), "WWW-Authenticate",
                          "Bearer");
}

ngx_int_t check_report_access(ngx_http_request_t* r) {
    const ngx_http_wa_report_loc_conf_t* lcf = loc_conf(r);
    AuthSettings s;
    s.mode = static_cast<AuthMode>(is_read_method(method_of(r)) ? lcf->auth_read : lcf->auth_write);
    if (s.mode == AuthMode::off) {
        return NGX_DECLINED;
    }
    s.jwt_secret = sv(lcf->auth_jwt_secret);
    s.jwt_max_lifetime = static_cast<int64_t>(lcf->jwt_max_lifetime);
    if (lcf->auth_keys != nullptr) {
        s.keys = static_cast<const ApiKeyDigest*>(lcf->auth_keys->elts);
        s.key_count = lcf->auth_keys->nelts;
    }
    return check_bearer(r, s);
}

}  // namespace wa
