// The API's answers for errors raised outside its handlers: what FastAPI
// (Starlette) answered for them, {"detail":"<reason phrase>"}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wa {

// Python's http.HTTPStatus phrase for a status ("Not Found" for 404), which
// Starlette puts in "detail"; "Error" for a status Python does not name.
std::string_view reason_phrase(int status);

// {"detail":"Request body is larger than <limit> bytes"}: every 413, whether
// the module's limit or nginx's client_max_body_size was exceeded.
std::string body_too_large_json(uint64_t limit);

// The JSON body for an error status nginx produced in an API location:
// {"detail":"<reason phrase>"}, or body_too_large_json(body_limit) for 413.
std::string error_status_json(int status, uint64_t body_limit);

}  // namespace wa
