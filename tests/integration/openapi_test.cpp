// GET /whatsapp-report/openapi.json: the document of openapi/openapi.json as
// it was built in, to GET and HEAD; other methods 405 as the API answers
// them; served without Redis.
#include <string>

#include "harness.hpp"

namespace wa::itest {
namespace {

const std::string kDoc = "/whatsapp-report/openapi.json";

// The document in the source tree (the tests run from the repository's top).
std::string source_document() { return read_file(env_or("WA_OPENAPI", "openapi/openapi.json")); }

class OpenApiTest : public StackTest<OpenApiTest> {};

TEST_F(OpenApiTest, GetAnswersTheDocumentAsBuilt) {
    std::string expected = source_document();
    ASSERT_FALSE(expected.empty());
    HttpResponse doc = http().get(kDoc);
    EXPECT_TRUE(IsJsonBody(doc, 200, expected));
    EXPECT_EQ(std::to_string(expected.size()), doc.header("Content-Length")) << describe(doc);
}

TEST_F(OpenApiTest, HeadAnswersTheHeadersOnly) {
    HttpResponse head = http().head(kDoc);
    EXPECT_EQ(200, head.status) << describe(head);
    EXPECT_EQ("application/json", head.header("Content-Type"));
    EXPECT_EQ(std::to_string(source_document().size()), head.header("Content-Length"));
    EXPECT_EQ("", head.body);
    // The connection is still usable after a HEAD without a body.
    EXPECT_TRUE(IsJson(http().get("/whatsapp-report/statistics"), 200));
}

TEST_F(OpenApiTest, OtherMethodsGive405WithAllowAndChangeNothing) {
    std::string before = redis().digest();
    for (const char* method : {"POST", "PUT"}) {
        HttpResponse r = http().request(method, kDoc, "{}");
        EXPECT_TRUE(IsJsonBody(r, 405, "{\"detail\":\"Method Not Allowed\"}")) << method;
        EXPECT_EQ("GET, HEAD", r.header("Allow")) << method;
    }
    // DELETE /{report_id} matches path and method, so it is chosen first, as
    // Starlette chooses: "openapi.json" is not a report id.
    EXPECT_TRUE(
        IsJsonBody(http().del(kDoc), 422,
                   "{\"detail\":[{\"loc\":[\"path\",\"report_id\"],\"msg\":\"value is not a "
                   "valid uuid\",\"type\":\"type_error.uuid\"}]}"));
    EXPECT_EQ(before, redis().digest());
}

TEST_F(OpenApiTest, TrailingSlashRedirects) {
    HttpResponse r = http().get(kDoc + "/");
    EXPECT_EQ(307, r.status) << describe(r);
    EXPECT_EQ("http://127.0.0.1:" + std::to_string(stack().port()) + kDoc, r.header("Location"));
}

TEST_F(OpenApiTest, ServedWhileRedisIsDown) {
    stack().redis_server().kill_now();
    EXPECT_TRUE(IsJsonBody(http().get("/whatsapp-report/statistics"), 503,
                           "{\"detail\":\"Redis unavailable\"}"));
    EXPECT_TRUE(IsJsonBody(http().get(kDoc), 200, source_document()));
}

}  // namespace
}  // namespace wa::itest
