/* tp_conn_story: the one line that says what became of a connection. */
#include "test_support.h"

#define SECOND INT64_C(1000000000)
#define EXPECT_STORY(c, want)                                   \
    do {                                                        \
        char story_[160];                                       \
        g_assert_cmpstr(tp_conn_story((c), tp_config_default.language, story_, sizeof story_), ==, (want)); \
    } while (0)

static void test_refused_counts_syns_and_time(void)
{
    struct tp_conn c = {0};
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = SECOND);
    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = 0, .ack = C_NXT, .time_ns = SECOND + 1000);
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = 2 * SECOND);
    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = 0, .ack = C_NXT, .time_ns = 2 * SECOND + 1000);
    EXPECT_STORY(&c, "refused: RST to 2 SYNs in 1.0 s");
}

static void test_unanswered_counts_syns_and_span(void)
{
    struct tp_conn c = {0};
    struct tp_result r;

    for (int i = 0; i < 6; i++)
        FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = SECOND + i * 6 * SECOND);
    EXPECT_STORY(&c, "no answer to 6 SYNs over 30.0 s");
}

static void test_reset_after_handshake_names_sender_and_delay(void)
{
    struct tp_conn c = conn_established(); /* step 3 at 3 ms */
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = S_NXT, .ack = C_NXT, .time_ns = 2103000000);
    EXPECT_STORY(&c, "connected, reset by the server 2.1 s after the handshake");
}

static void test_close_names_first_closer_and_lingering_end(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    EXPECT_STORY(&c, "connected, closed by the client first; server still in LAST_ACK at the end");
}

static void test_half_close_names_the_open_end(void)
{
    struct tp_conn c = conn_fin_wait_1();

    EXPECT_STORY(&c, "connected, closed by the client only; client still in FIN_WAIT_1 at the end; "
                     "server still in CLOSE_WAIT at the end");
}

static void test_slow_connect_says_wait_and_syns(void)
{
    struct tp_conn c = {0};
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = SECOND);
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = 2 * SECOND);
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = 3 * SECOND);
    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT, .time_ns = 3 * SECOND + 1000);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .time_ns = 3 * SECOND + 2000);
    EXPECT_STORY(&c, "connected after 2.0 s and 3 SYNs, open at the end");
}

static void test_midstream_open(void)
{
    struct tp_conn c = {0};
    struct tp_result r;

    FEED_PORTS(&c, &r, 40000, 80, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 10);
    EXPECT_STORY(&c, "picked up midstream, open at the end");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/story/refused_counts_syns_and_time", test_refused_counts_syns_and_time);
    g_test_add_func("/story/unanswered_counts_syns_and_span", test_unanswered_counts_syns_and_span);
    g_test_add_func("/story/reset_after_handshake_names_sender_and_delay",
                    test_reset_after_handshake_names_sender_and_delay);
    g_test_add_func("/story/close_names_first_closer_and_lingering_end", test_close_names_first_closer_and_lingering_end);
    g_test_add_func("/story/half_close_names_the_open_end", test_half_close_names_the_open_end);
    g_test_add_func("/story/slow_connect_says_wait_and_syns", test_slow_connect_says_wait_and_syns);
    g_test_add_func("/story/midstream_open", test_midstream_open);
    return g_test_run();
}
