// wa_report_stop_words and wa_report_start_words: the words an inbound
// message must be to stop or restart reminders (core/optout's rule), read
// and folded once here, so that a request compares without allocating.

#include "ngx_http_wa_report_conf.hpp"

#include "core/optout.hpp"

#include <algorithm>
#include <new>

namespace {

using Words = std::vector<std::string>;

void destroy_words(void* data) { static_cast<Words*>(data)->~Words(); }

// A list owned by the configuration's pool (freed with it at a reload).
const Words* pool_words(ngx_conf_t* cf, Words words) {
    ngx_pool_cleanup_t* cln = ngx_pool_cleanup_add(cf->pool, sizeof(Words));
    if (cln == nullptr) {
        return nullptr;
    }
    auto* v = new (cln->data) Words(std::move(words));
    cln->handler = destroy_words;
    return v;
}

// The first word of `a` that `b` also holds; nullptr when none.
const std::string* shared_word(const Words& a, const Words& b) {
    for (const std::string& word : a) {
        if (std::find(b.begin(), b.end(), word) != b.end()) {
            return &word;
        }
    }
    return nullptr;
}

char* both_lists(ngx_conf_t* cf, const std::string& word) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "wa_report: \"%s\" is in both \"wa_report_stop_words\" and "
                       "\"wa_report_start_words\"",
                       wa::log_value(word).c_str());
    return static_cast<char*>(NGX_CONF_ERROR);
}

}  // namespace

char* ngx_http_wa_report_set_opt_words(ngx_conf_t* cf, ngx_command_t* cmd, void* conf) {
    auto*& field = *reinterpret_cast<const Words**>(static_cast<char*>(conf) + cmd->offset);
    if (field != nullptr) {
        return const_cast<char*>("is duplicate");
    }
    auto* args = static_cast<ngx_str_t*>(cf->args->elts);
    try {
        Words words;
        for (ngx_uint_t i = 1; i < cf->args->nelts; i++) {
            std::string_view word(reinterpret_cast<const char*>(args[i].data), args[i].len);
            if (auto error = wa::opt_word_error(word)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: \"%V\" refuses %s \"%s\"",
                                   &cmd->name, error->c_str(), wa::log_value(word).c_str());
                return static_cast<char*>(NGX_CONF_ERROR);
            }
            words.push_back(wa::fold_word(word));
        }
        // The other list of this level, when it came first: the mistake is
        // reported at this line (across levels, the merge reports it).
        auto* lcf = static_cast<ngx_http_wa_report_loc_conf_t*>(conf);
        const Words* other = &field == &lcf->stop_words ? lcf->start_words : lcf->stop_words;
        if (other != nullptr) {
            if (const std::string* word = shared_word(words, *other)) {
                return both_lists(cf, *word);
            }
        }
        field = pool_words(cf, std::move(words));
    } catch (const std::exception& e) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: %s", e.what());
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    return field == nullptr ? static_cast<char*>(NGX_CONF_ERROR) : NGX_CONF_OK;
}

namespace wa {

char* merge_opt_words(ngx_conf_t* cf, ngx_http_wa_report_loc_conf_t* conf,
                      const ngx_http_wa_report_loc_conf_t* prev) {
    try {
        if (conf->stop_words == nullptr) {
            conf->stop_words = prev->stop_words != nullptr ? prev->stop_words
                                                           : pool_words(cf, default_stop_words());
        }
        if (conf->start_words == nullptr) {
            conf->start_words = prev->start_words != nullptr
                ? prev->start_words
                : pool_words(cf, default_start_words());
        }
        if (conf->stop_words == nullptr || conf->start_words == nullptr) {
            return static_cast<char*>(NGX_CONF_ERROR);
        }
        // A word in both lists would make one message mean two things.
        if (const std::string* word = shared_word(*conf->stop_words, *conf->start_words)) {
            return both_lists(cf, *word);
        }
    } catch (const std::exception& e) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "wa_report: %s", e.what());
        return static_cast<char*>(NGX_CONF_ERROR);
    }
    return NGX_CONF_OK;
}

}  // namespace wa
