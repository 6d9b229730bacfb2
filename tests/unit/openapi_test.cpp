// The OpenAPI document (embedded as the module serves it) against the router:
// every route of core's tables is in the document with exactly its methods,
// and every path and method of the document is routed.
#include <gtest/gtest.h>
#include <jansson.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "core/openapi.hpp"
#include "core/routes.hpp"

namespace wa {
namespace {

constexpr const char* kReportPrefix = "/whatsapp-report";
constexpr const char* kSchedulerPrefix = "/scheduler/maintenance-reminder";

struct JsonFree {
    void operator()(json_t* j) const { json_decref(j); }
};
using Json = std::unique_ptr<json_t, JsonFree>;

Json load_document() {
    std::string_view text = openapi_document();
    json_error_t error;
    Json doc(json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &error));
    EXPECT_TRUE(doc) << "openapi.json line " << error.line << ": " << error.text;
    return doc;
}

std::string lower(const char* name) {
    std::string s(name);
    for (char& c : s) {
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return s;
}

std::string upper(std::string s) {
    for (char& c : s) {
        c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    return s;
}

const std::set<std::string> kOperations = {"get",     "put",  "post",  "delete",
                                           "options", "head", "patch", "trace"};

// path -> {directive, methods (lower case)}
struct PathItem {
    std::string directive;
    std::set<std::string> methods;
};

std::map<std::string, PathItem> document_paths(const json_t* doc) {
    std::map<std::string, PathItem> out;
    const json_t* paths = json_object_get(doc, "paths");
    const char* path;
    json_t* item;
    json_object_foreach(const_cast<json_t*>(paths), path, item) {
        PathItem& p = out[path];
        const char* key;
        json_t* value;
        json_object_foreach(item, key, value) {
            if (kOperations.count(key) != 0) {
                p.methods.insert(key);
            }
        }
        const json_t* directive = json_object_get(item, "x-wa-report-directive");
        p.directive = directive != nullptr ? json_string_value(directive) : "";
    }
    return out;
}

// A path of the document with each "{name}" replaced by a uuid, so that the
// router's own match (which checks ids) can be asked about it.
std::string concrete(const std::string& pattern) {
    std::string out;
    for (size_t i = 0; i < pattern.size(); i++) {
        if (pattern[i] != '{') {
            out.push_back(pattern[i]);
            continue;
        }
        out.append("19db3ad0-ddd1-4fb2-bb98-2ef8daf61a26");
        i = pattern.find('}', i);
    }
    return out;
}

TEST(OpenApiDocument, IsOpenApi31WithSecuritySchemes) {
    Json doc = load_document();
    ASSERT_TRUE(doc);
    EXPECT_STREQ("3.1.0", json_string_value(json_object_get(doc.get(), "openapi")));
    const json_t* schemes =
        json_object_get(json_object_get(doc.get(), "components"), "securitySchemes");
    EXPECT_NE(nullptr, json_object_get(schemes, "apiKey"));
    EXPECT_NE(nullptr, json_object_get(schemes, "jwt"));
}

TEST(OpenApiDocument, HasEveryReportRouteWithItsMethods) {
    Json doc = load_document();
    ASSERT_TRUE(doc);
    auto paths = document_paths(doc.get());
    for (const RouteSpec& spec : report_routes()) {
        std::string path = kReportPrefix + std::string(spec.pattern);
        auto it = paths.find(path);
        ASSERT_NE(it, paths.end()) << path << " is routed but not in openapi.json";
        EXPECT_EQ("wa_report", it->second.directive) << path;
        std::set<std::string> methods;
        for (Method m : spec.methods) {
            methods.insert(lower(method_name(m)));
        }
        EXPECT_EQ(methods, it->second.methods) << path;
    }
}

TEST(OpenApiDocument, HasEverySchedulerRouteWithItsMethod) {
    Json doc = load_document();
    ASSERT_TRUE(doc);
    auto paths = document_paths(doc.get());
    for (const SchedulerRouteSpec& spec : scheduler_routes()) {
        std::string path = kSchedulerPrefix + std::string(spec.path);
        auto it = paths.find(path);
        ASSERT_NE(it, paths.end()) << path << " is routed but not in openapi.json";
        EXPECT_EQ("wa_report_scheduler", it->second.directive) << path;
        EXPECT_EQ(std::set<std::string>{lower(method_name(spec.method))}, it->second.methods)
            << path;
    }
}

TEST(OpenApiDocument, EveryDocumentedOperationIsRouted) {
    Json doc = load_document();
    ASSERT_TRUE(doc);
    const std::string report = kReportPrefix;
    const std::string scheduler = kSchedulerPrefix;
    for (const auto& [path, item] : document_paths(doc.get())) {
        ASSERT_FALSE(item.methods.empty()) << path;
        if (item.directive == "wa_report") {
            ASSERT_EQ(0u, path.rfind(report, 0)) << path;
            std::string rest = concrete(path.substr(report.size()));
            for (const std::string& m : item.methods) {
                RouteMatch match = match_route(method_from_name(upper(m)), rest);
                EXPECT_NE(Route::not_found, match.route) << m << " " << path;
                EXPECT_NE(Route::method_not_allowed, match.route) << m << " " << path;
                EXPECT_NE(Route::redirect, match.route) << m << " " << path;
                EXPECT_NE(Route::invalid, match.route) << m << " " << path;
            }
        } else if (item.directive == "wa_report_scheduler") {
            ASSERT_EQ(0u, path.rfind(scheduler, 0)) << path;
            const SchedulerRouteSpec* spec = find_scheduler_route(path.substr(scheduler.size()));
            ASSERT_NE(nullptr, spec) << path << " is in openapi.json but not routed";
            EXPECT_EQ(std::set<std::string>{lower(method_name(spec->method))}, item.methods)
                << path;
        } else if (item.directive == "wa_report_webhook") {
            // The demo's webhook locations: Meta verifies with GET (HEAD) and
            // posts; Fonnte only posts.
            if (path == "/webhook/cloud-api") {
                EXPECT_EQ((std::set<std::string>{"get", "head", "post"}), item.methods) << path;
            } else {
                EXPECT_EQ("/webhook/fonnte", path);
                EXPECT_EQ(std::set<std::string>{"post"}, item.methods) << path;
            }
        } else {
            // A location of its own (location = /metrics { wa_report_metrics; }):
            // one path, answered to GET and HEAD.
            EXPECT_EQ("wa_report_metrics", item.directive) << path;
            EXPECT_EQ("/metrics", path);
            EXPECT_EQ((std::set<std::string>{"get", "head"}), item.methods) << path;
        }
    }
}

TEST(OpenApiRoute, AnswersGetAndHeadOnly) {
    EXPECT_EQ(Route::openapi, match_route(Method::get, "/openapi.json").route);
    EXPECT_EQ(Route::openapi, match_route(Method::head, "/openapi.json").route);
    for (Method m : {Method::post, Method::put}) {
        RouteMatch r = match_route(m, "/openapi.json");
        EXPECT_EQ(Route::method_not_allowed, r.route);
        EXPECT_EQ("GET, HEAD", r.allow);
    }
    // The first route matching path and method wins: a report id that is no uuid.
    EXPECT_EQ(Route::invalid, match_route(Method::delete_, "/openapi.json").route);
    EXPECT_EQ(Route::redirect, match_route(Method::get, "/openapi.json/").route);
}

}  // namespace
}  // namespace wa
