/* The Zeek conn_state a connection ends with (Zeek's endpoint state machine,
 * TCPSessionAdapter, and conn_state() in base/protocols/conn/main.zeek). */
#include "test_support.h"

#define EXPECT_OUTCOME(c, code) g_assert_cmpstr(tp_outcome_code(tp_conn_outcome(c)), ==, #code)

/* Midstream: an end seen without a SYN or SYN-ACK stays "partial" however
 * much it sends, and two partial ends are OTH, never S1. */
static void test_midstream_without_close_is_oth(void)
{
    struct tp_conn c = {0};
    struct tp_result r;

    FEED_PORTS(&c, &r, 40000, 80, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 100);
    FEED_PORTS(&c, &r, 40000, 80, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 100, .len = 200);
    FEED_PORTS(&c, &r, 40000, 80, C2S, .flags = TP_ACK, .seq = C_NXT + 100, .ack = S_NXT + 200);
    EXPECT_OUTCOME(&c, OTH);
}

/* A RST after both FINs changes nothing: the FIN exchange had ended it (SF). */
static void test_rst_after_both_fins_stays_sf(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT, .frame = 10);
    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1, .frame = 11);
    FEED(&c, &r, C2S, .flags = TP_RST, .seq = C_NXT + 1, .frame = 12);
    EXPECT_OUTCOME(&c, SF);
}

/* FIN, RST from the same end, then the peer's FIN: a normal termination
 * after all (Zeek turns the RST end back into closed): SF. */
static void test_fin_rst_then_peer_fin_is_sf(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT, .frame = 10);
    FEED(&c, &r, C2S, .flags = TP_RST, .seq = C_NXT + 1, .frame = 11);
    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1, .frame = 12);
    EXPECT_OUTCOME(&c, SF);
}

/* An end that sent a RST stays reset: its later FIN does not make the
 * connection a normal close (RSTO, not S2). */
static void test_reset_end_stays_reset(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_RST | TP_ACK, .seq = C_NXT, .ack = S_NXT, .frame = 10);
    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT, .frame = 11);
    EXPECT_OUTCOME(&c, RSTO);
}

/* A RST after only one FIN still resets the connection (RSTR). */
static void test_rst_after_one_fin_is_rstr(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT, .frame = 10);
    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1, .frame = 11);
    EXPECT_OUTCOME(&c, RSTR);
}

/* The outcome is fixed at the first accepted RST that closes both ends: the
 * peer's RST that crosses it is no new "rejected" attempt (Zeek would turn
 * RSTR into REJ here, two resets and no byte). */
static void test_outcome_fixed_at_first_accepted_rst(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = S_NXT, .ack = C_NXT, .frame = 10);
    EXPECT_OUTCOME(&c, RSTR);
    FEED(&c, &r, C2S, .flags = TP_RST, .seq = C_NXT, .frame = 11);
    EXPECT_OUTCOME(&c, RSTR);
}

/* The receiver of a RST that sends on ignored it: the outcome is no longer
 * fixed by it (FIN, own RST, peer's FIN: SF). */
static void test_ignored_rst_does_not_fix_outcome(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_RST | TP_ACK, .seq = C_NXT, .ack = S_NXT, .frame = 10);
    EXPECT_OUTCOME(&c, RSTO);
    g_assert_true(c.outcome_fixed);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT, .len = 10, .frame = 11);
    g_assert_false(c.outcome_fixed);
    EXPECT_OUTCOME(&c, RSTO);
}

/* A connection without any SYN attempted nothing: two resets and no byte
 * are not REJ. Here the client's RST is out of the window (ignored, though
 * Zeek's endpoint is reset by it) and the server's closes both. */
static void test_connection_without_syn_is_never_rej(void)
{
    struct tp_conn c = {0};
    struct tp_result r;

    FEED_PORTS(&c, &r, 40000, 80, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .win = 1000);
    FEED_PORTS(&c, &r, 40000, 80, C2S, .flags = TP_RST, .seq = C_NXT + 100000);
    FEED_PORTS(&c, &r, 40000, 80, S2C, .flags = TP_RST, .seq = S_NXT);
    g_assert_true(c.reset);
    EXPECT_OUTCOME(&c, OTH);
}

/* FIN, RST, then the peer's FIN crossing that RST on the wire (sooner than
 * a round trip: irc-starttls in Zeek's traces): SF, as for Zeek. */
static void test_peer_fin_crossing_rst_after_fin_is_sf(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT, .time_ns = 100000000);
    FEED(&c, &r, C2S, .flags = TP_RST, .seq = C_NXT + 1, .time_ns = 100100000);
    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1, .time_ns = 100200000);
    EXPECT_OUTCOME(&c, SF);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/outcome/midstream_without_close_is_oth", test_midstream_without_close_is_oth);
    g_test_add_func("/outcome/rst_after_both_fins_stays_sf", test_rst_after_both_fins_stays_sf);
    g_test_add_func("/outcome/fin_rst_then_peer_fin_is_sf", test_fin_rst_then_peer_fin_is_sf);
    g_test_add_func("/outcome/reset_end_stays_reset", test_reset_end_stays_reset);
    g_test_add_func("/outcome/rst_after_one_fin_is_rstr", test_rst_after_one_fin_is_rstr);
    g_test_add_func("/outcome/outcome_fixed_at_first_accepted_rst", test_outcome_fixed_at_first_accepted_rst);
    g_test_add_func("/outcome/ignored_rst_does_not_fix_outcome", test_ignored_rst_does_not_fix_outcome);
    g_test_add_func("/outcome/connection_without_syn_is_never_rej", test_connection_without_syn_is_never_rej);
    g_test_add_func("/outcome/peer_fin_crossing_rst_after_fin_is_sf", test_peer_fin_crossing_rst_after_fin_is_sf);
    return g_test_run();
}
