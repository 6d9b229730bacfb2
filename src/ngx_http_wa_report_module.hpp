// Kept while the reminder engine's files still include it: the
// configuration, the worker, and the Redis glue they use.
#pragma once

#include "ngx_http_wa_report_conf.hpp"
#include "ngx_http_wa_report_redis.hpp"
#include "ngx_http_wa_report_store.hpp"
#include "ngx_http_wa_report_worker.hpp"
