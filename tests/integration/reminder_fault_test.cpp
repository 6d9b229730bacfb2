// A run whose callback throws is released: it stops, its lease lapses, the
// next tick resumes it, and the worker goes on ticking and answering
// run-now. Before, the exception skipped the code that releases the run:
// that worker never ticked again and run-now answered "busy" forever.
//
// The failure is injected with WA_REPORT_TEST_FAULT (passed to the workers
// by nginx's `env` directive, read at worker start): the named callback
// throws the first time it is entered in that worker.
#include <string>
#include <vector>

#include "reminder_support.hpp"

namespace wa::itest {
namespace {

size_t count_of(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

StackOptions fault_stack(const std::string& point) {
    ReminderSettings s;
    // Past it, run-now answers 202: a run that is never released would.
    s.extra_http = "wa_report_run_now_timeout 20s;\n";
    StackOptions options = reminder_stack(s);
    options.nginx.main_extra += "env WA_REPORT_TEST_FAULT=" + point + ";\n";
    return options;
}

// The only [alert] is the exception's; it says where it was thrown.
void ExpectOneAlertFor(NginxServer& nginx, const std::string& point) {
    std::string problems = nginx.take_log_problems();
    EXPECT_EQ(1u, count_of(problems, "[alert]")) << problems;
    EXPECT_EQ(1u, count_of(problems, "wa_report: exception \"injected fault at " + point + "\""))
        << problems;
}

class ReminderBatchFaultTest : public ReminderTest<ReminderBatchFaultTest> {
public:
    static StackOptions stack_options() { return fault_stack("run_batch"); }
};

TEST_F(ReminderBatchFaultTest, AThrowingBatchCallbackStopsTheRunWhichIsResumedAtTheNextTick) {
    const size_t log_start = stack().nginx().error_log().size();
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1, 3, jakarta_today(), &due));

    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + jakarta_today(), &data)) << gateway().dump();
    std::string text = dump_json(data.get());
    EXPECT_EQ("3", json_member(text, "total_customers")) << text;
    EXPECT_EQ("3", json_member(text, "reminder_sent")) << text;
    json_t* details = details_of(data.get());
    ASSERT_EQ(3u, json_array_size(details)) << text;
    for (const Seeded& s : due) {
        EXPECT_TRUE(DetailIs(detail_for(details, s.vehicle.nopol),
                             {&s, 0, "sent", "", "Pesan berhasil dikirim"}));
        EXPECT_EQ(1, gateway().accepted_for(s.to)) << s.to << "\n" << gateway().dump();
        EXPECT_EQ(1, report_frequency(http(), s)) << s.to;
    }
    EXPECT_FALSE(redis().exists("{wa}:run:current"));
    EXPECT_FALSE(redis().exists("{wa}:run:lease"));
    std::string log = stack().nginx().error_log().substr(log_start);
    EXPECT_EQ(1u, count_of(log, "stopped \"internal error\"")) << log;
    EXPECT_EQ(1u, count_of(log, " (Asia/Jakarta) resumed")) << log;
    ExpectOneAlertFor(stack().nginx(), "run_batch");

    // The worker is free again: the next run-now is a run of its own.
    JsonPtr again;
    ASSERT_TRUE(RunNow(http(), "?date=" + jakarta_today(), &again)) << gateway().dump();
    text = dump_json(again.get());
    EXPECT_EQ("3", json_member(text, "total_customers")) << text;
    EXPECT_EQ("0", json_member(text, "reminder_sent")) << text;
    EXPECT_EQ(3, count_status(details_of(again.get()), "skipped")) << text;
    EXPECT_EQ(3u, gateway().request_count()) << gateway().dump();
}

class ReminderSendFaultTest : public ReminderTest<ReminderSendFaultTest> {
public:
    static StackOptions stack_options() { return fault_stack("gateway_answer"); }
};

// The send whose answer threw was accepted but not counted: its attempt mark
// stays, and the runner that resumes reports it as unknown instead of
// sending it again (at most one send per vehicle and visit).
TEST_F(ReminderSendFaultTest, AThrowingGatewayAnswerCallbackStopsTheRunWithoutASecondSend) {
    std::vector<Seeded> due;
    ASSERT_TRUE(SeedVehicles(http(), 1, 1, jakarta_today(), &due));

    JsonPtr data;
    ASSERT_TRUE(RunNow(http(), "?date=" + jakarta_today(), &data)) << gateway().dump();
    std::string text = dump_json(data.get());
    EXPECT_EQ("1", json_member(text, "total_customers")) << text;
    EXPECT_EQ("0", json_member(text, "reminder_sent")) << text;
    json_t* details = details_of(data.get());
    ASSERT_EQ(1u, json_array_size(details)) << text;
    EXPECT_TRUE(DetailIs(detail_for(details, due[0].vehicle.nopol), {&due[0], 0, "unknown"}));
    EXPECT_EQ(1u, gateway().request_count()) << gateway().dump();
    EXPECT_EQ(0, report_frequency(http(), due[0]));
    ExpectOneAlertFor(stack().nginx(), "gateway_answer");

    JsonPtr again;
    ASSERT_TRUE(RunNow(http(), "?date=" + jakarta_today(), &again)) << gateway().dump();
    EXPECT_EQ(1u, gateway().request_count()) << gateway().dump();
}

}  // namespace
}  // namespace wa::itest
