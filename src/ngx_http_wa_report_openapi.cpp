#include "ngx_http_wa_report_openapi.hpp"

#include "core/openapi.hpp"

namespace wa {

ngx_int_t send_openapi(ngx_http_request_t* r) {
    std::string_view doc = openapi_document();
    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = static_cast<off_t>(doc.size());
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = nullptr;

    ngx_int_t rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }
    ngx_buf_t* b = static_cast<ngx_buf_t*>(ngx_calloc_buf(r->pool));
    if (b == nullptr) {
        return NGX_ERROR;
    }
    // The document lives as long as the module: sent from where it is.
    auto* text = reinterpret_cast<u_char*>(const_cast<char*>(doc.data()));
    b->pos = text;
    b->last = text + doc.size();
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;
    ngx_chain_t out{b, nullptr};
    return ngx_http_output_filter(r, &out);
}

}  // namespace wa
