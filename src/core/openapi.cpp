#include "openapi.hpp"

namespace wa {

namespace {

// Generated from openapi/openapi.json by tools/embed-openapi.sh, so a running
// worker never reads the document from disk and a changed document rebuilds.
constexpr char kDocument[] =
#include "wa_report_openapi.inc"
    ;

}  // namespace

std::string_view openapi_document() { return {kDocument, sizeof(kDocument) - 1}; }

}  // namespace wa
