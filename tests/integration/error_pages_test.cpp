// Errors nginx itself produces in the API's locations are JSON in the API's
// shape, {"detail":"..."} (issue 6, item 9), without any error_page rule:
// a body over client_max_body_size, a broken chunked body, deny, auth_basic,
// limit_req, `return 5xx`, and the errors nginx answers before it has chosen
// a location (TRACE, a missing Host, a bad Content-Length, a URI too long,
// a request line nginx refuses) for URIs under an API location, and the
// prefix without its slash. A server-wide error_page does not reach the
// API; one written in the location does.
#include <unistd.h>

#include <string>
#include <vector>

#include "harness.hpp"
#include "seed.hpp"

namespace wa::itest {
namespace {

const std::string kSched = "/scheduler/maintenance-reminder";

std::string temp_file(const std::string& tag) {
    return "/tmp/wa-itest-" + tag + "-" + std::to_string(::getpid());
}

::testing::AssertionResult IsNginxError(const HttpResponse& response, int status,
                                        const std::string& detail) {
    return IsJsonBody(response, status, "{\"detail\":\"" + detail + "\"}");
}

::testing::AssertionResult IsHtml(const HttpResponse& response, int status) {
    if (response.status != status || response.header("Content-Type") != "text/html") {
        return ::testing::AssertionFailure() << "expected nginx's HTML " << status << "\n"
                                             << describe(response);
    }
    return ::testing::AssertionSuccess();
}

class ErrorPagesTest : public StackTest<ErrorPagesTest> {
public:
    static StackOptions stack_options() {
        write_file(temp_file("jwt"), "error-pages-test-secret\n");
        // A user "u" whose password nobody sends.
        write_file(temp_file("htpasswd"), "u:$apr1$8f3a2c1b$0000000000000000000000\n");
        StackOptions options;
        NginxConfig& c = options.nginx;
        // The level of conf.d/: at info nginx keeps a refused request line for
        // its log line, which the JSON would otherwise quietly depend on.
        c.error_log_level = "notice";
        c.report_directives =
            "wa_report;\n"
            "wa_report_max_body_size 4k;\n"
            "client_max_body_size 8k;\n"
            "client_body_timeout 1s;\n"
            "if ($http_x_fail = 500) { return 500; }\n"
            "if ($http_x_fail = 502) { return 502; }\n"
            "if ($http_x_fail = 503) { return 503; }\n"
            "if ($http_x_fail = 504) { return 504; }\n";
        c.http_extra += "limit_req_zone $binary_remote_addr zone=wa_errors_one:1m rate=1r/m;\n";
        c.server_extra =
        // What a web site's server usually has; not for the API.
        "error_page 500 502 503 504 /50x.html;\n"
        "location = /50x.html { return 200 \"<html>50x</html>\"; }\n"
        "location " + kSched + "/ {\n"
        "    wa_report_scheduler;\n"
        "    wa_report_jwt_secret_file " + temp_file("jwt") + ";\n"
        "    client_max_body_size 1k;\n"
        "}\n"
        "location /denied/ { wa_report; deny all; }\n"
        "location /basic/ {\n"
        "    wa_report;\n"
        "    auth_basic \"wa\";\n"
        "    auth_basic_user_file " + temp_file("htpasswd") + ";\n"
        "}\n"
        "location /limited/ { wa_report; limit_req zone=wa_errors_one; }\n"
        // An error_page written in the API location itself is the user's choice.
        "location /custom/ { wa_report; error_page 403 /custom-403; deny all; }\n"
        "location = /custom-403 { return 200 \"custom\"; }\n"
        "location /elsewhere/ { return 200 \"ok\"; }\n";
        return options;
    }
};

TEST_F(ErrorPagesTest, BodiesOverClientMaxBodySizeAre413Json) {
    const std::string body(9000, 'x');
    const std::string detail = "Request body is larger than 8192 bytes";
    EXPECT_TRUE(IsNginxError(http().request("POST", kBase + "/data/import", body), 413, detail));
    RequestOptions chunked;
    chunked.chunked_body = true;
    EXPECT_TRUE(IsNginxError(http().request("POST", kBase + "/data/import", body, {}, chunked), 413,
                             detail));
    EXPECT_TRUE(IsNginxError(http().request("POST", kSched + "/start", std::string(2000, 'x')), 413,
                             "Request body is larger than 1024 bytes"));
}

TEST_F(ErrorPagesTest, BrokenChunkedBodyIs400Json) {
    const std::string broken = "Transfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n0\r\n\r\n";
    HttpClient client(stack().port());
    EXPECT_TRUE(IsNginxError(
        client.raw_request("GET", "GET " + kBase + "/statistics HTTP/1.1\r\nHost: x\r\n" + broken),
        400, "Bad Request"));
    HttpClient other(stack().port());
    EXPECT_TRUE(IsNginxError(
        other.raw_request("POST", "POST " + kBase + "/record HTTP/1.1\r\nHost: x\r\n" + broken),
        400, "Bad Request"));
}

TEST_F(ErrorPagesTest, FiveHundredsNginxAnswersAreJsonDespiteTheServersErrorPage) {
    for (const auto& [code, detail] :
         std::vector<std::pair<std::string, std::string>>{{"500", "Internal Server Error"},
                                                          {"502", "Bad Gateway"},
                                                          {"503", "Service Unavailable"},
                                                          {"504", "Gateway Timeout"}}) {
        SCOPED_TRACE(code);
        HttpResponse r = http().request("GET", kBase + "/statistics", "", {{"X-Fail", code}});
        EXPECT_TRUE(IsNginxError(r, std::stoi(code), detail));
        EXPECT_EQ(detail, r.reason);
    }
    // The server's error_page still serves the rest of the site.
    EXPECT_EQ("<html>50x</html>", http().get("/50x.html").body);
}

TEST_F(ErrorPagesTest, AccessRulesAndRateLimitsAnswerJson) {
    EXPECT_TRUE(IsNginxError(http().get("/denied/statistics"), 403, "Forbidden"));
    HttpResponse head = http().head("/denied/statistics");
    EXPECT_EQ(403, head.status);
    EXPECT_EQ("application/json", head.header("Content-Type"));
    EXPECT_EQ("22", head.header("Content-Length"));
    EXPECT_EQ("", head.body);

    HttpResponse basic = http().get("/basic/statistics");
    EXPECT_TRUE(IsNginxError(basic, 401, "Unauthorized"));
    EXPECT_EQ("Basic realm=\"wa\"", basic.header("WWW-Authenticate"));

    EXPECT_TRUE(IsJson(http().get("/limited/statistics"), 200));
    HttpResponse limited = http().get("/limited/statistics");
    EXPECT_TRUE(IsNginxError(limited, 503, "Service Unavailable"));
    EXPECT_EQ("Service Unavailable", limited.reason);

    HttpResponse custom = http().get("/custom/statistics");
    EXPECT_EQ(403, custom.status);
    EXPECT_EQ("custom", custom.body);
}

TEST_F(ErrorPagesTest, ErrorsBeforeALocationIsChosenAreJsonForApiUris) {
    HttpResponse trace = http().request("TRACE", kBase + "/statistics");
    EXPECT_TRUE(IsNginxError(trace, 405, "Method Not Allowed"));
    EXPECT_EQ("Method Not Allowed", trace.reason);
    EXPECT_TRUE(
        IsNginxError(http().request("TRACE", kSched + "/status"), 405, "Method Not Allowed"));
    EXPECT_TRUE(IsHtml(http().request("TRACE", "/elsewhere/x"), 405));

    HttpClient no_host(stack().port());
    EXPECT_TRUE(
        IsNginxError(no_host.raw_request("GET", "GET " + kBase + "/statistics HTTP/1.1\r\n\r\n"),
                     400, "Bad Request"));
    HttpClient bad_length(stack().port());
    EXPECT_TRUE(IsNginxError(
        bad_length.raw_request(
            "POST", "POST " + kBase + "/record HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"),
        400, "Bad Request"));

    const std::string long_tail(9000, 'a');
    EXPECT_TRUE(IsNginxError(http().get(kBase + "/" + long_tail), 414, "Request-URI Too Long"));
    EXPECT_TRUE(IsHtml(http().get("/elsewhere/" + long_tail), 414));
}

// nginx refuses some request lines before it keeps the URI: an HTTP version
// it does not speak (505), junk after the version, a space in the URI (400).
// The URI it read is under the API all the same. So is the location's prefix
// without its slash, which nginx gives to no location.
TEST_F(ErrorPagesTest, RefusedRequestLinesAndTheBarePrefixAreJsonForApiUris) {
    auto line = [&](const std::string& request_line) {
        HttpClient client(stack().port());
        return client.raw_request("GET", request_line + "\r\nHost: x\r\n\r\n");
    };
    HttpResponse version = line("GET " + kBase + "/statistics HTTP/2.0");
    EXPECT_TRUE(IsNginxError(version, 505, "HTTP Version Not Supported"));
    EXPECT_EQ("HTTP Version Not Supported", version.reason);
    EXPECT_TRUE(IsNginxError(line("GET " + kSched + "/status HTTP/3.0"), 505,
                             "HTTP Version Not Supported"));
    EXPECT_TRUE(IsNginxError(line("GET " + kBase + "/statistics HTTP/1.1 x"), 400, "Bad Request"));
    EXPECT_TRUE(IsNginxError(line("GET " + kBase + "/a b HTTP/1.1"), 400, "Bad Request"));
    EXPECT_TRUE(IsNginxError(line("GET http://x" + kBase + "/statistics HTTP/2.0"), 505,
                             "HTTP Version Not Supported"));
    EXPECT_TRUE(IsHtml(line("GET /elsewhere/x HTTP/2.0"), 505));
    EXPECT_TRUE(IsHtml(line("GET /elsewhere/a b HTTP/1.1"), 400));

    EXPECT_TRUE(IsNginxError(http().get(kBase), 404, "Not Found"));
    EXPECT_TRUE(IsNginxError(http().get(kSched), 404, "Not Found"));
    EXPECT_TRUE(IsHtml(http().get("/elsewhere"), 404));
    EXPECT_TRUE(IsHtml(http().get(kBase + "x"), 404));
}

// nginx sends no 408 page at all: a client that stops sending its body is
// disconnected without an answer, in the API's locations as anywhere.
TEST_F(ErrorPagesTest, BodyTimeoutClosesWithoutAnHtmlPage) {
    HttpClient client(stack().port());
    client.set_timeout(Millis(10000));
    HttpResponse r = client.raw_request(
        "POST",
        "POST " + kBase + "/record HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id");
    EXPECT_EQ(0, r.status) << describe(r);
    EXPECT_EQ("", r.body);
}

}  // namespace
}  // namespace wa::itest
