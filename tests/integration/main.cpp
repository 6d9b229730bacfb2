#include <gtest/gtest.h>
#include <signal.h>

int main(int argc, char** argv) {
    // A server closing a connection mid-request must fail the request, not the run.
    ::signal(SIGPIPE, SIG_IGN);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
