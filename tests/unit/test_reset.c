/* RST: refused connections, aborts, and RFC 5961 acceptance checks. */
#include "test_support.h"

static void test_syn_sent_rstack(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = 0, .ack = C_NXT);
    EXPECT_STATES(&r, TP_CLOSED, TP_CLOSED);
    EXPECT_PHASE(&r, TP_PHASE_RESET);
    EXPECT_LABEL(&r, "Reset: RST");
    g_assert_true(c.reset);
}

static void test_syn_sent_rstack_wrong_ack(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = 0, .ack = CLIENT_ISN + 500);
    EXPECT_STATES(&r, TP_SYN_SENT, TP_SYN_RECEIVED);
    /* a RST a SYN_SENT end must drop (RFC 9293 3.10.7.3) */
    EXPECT_ANOMALY_NUMBERS(&r, rst_invalid, 500, 1);
    EXPECT_PHASE(&r, TP_PHASE_RESET);
    EXPECT_LABEL(&r, "Reset: RST");
    g_assert_false(c.reset);
}

static void test_syn_received_rst(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    /* A passively opened end goes back to LISTEN (RFC 9293 3.10.7.4). */
    FEED(&c, &r, C2S, .flags = TP_RST, .seq = C_NXT);
    EXPECT_STATES(&r, TP_CLOSED, TP_LISTEN);
    EXPECT_PHASE(&r, TP_PHASE_RESET);
}

static void test_established_rst_exact(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_RST, .seq = C_NXT);
    EXPECT_STATES(&r, TP_CLOSED, TP_CLOSED);
    EXPECT_NO_STEP(&r);
    EXPECT_PHASE(&r, TP_PHASE_RESET);
    EXPECT_LABEL(&r, "Reset: RST");
}

static void test_established_rst_exact_from_server(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = S_NXT, .ack = C_NXT);
    EXPECT_STATES(&r, TP_CLOSED, TP_CLOSED);
    g_assert_cmpuint(r.sender_role, ==, TP_ROLE_SERVER);
}

static void test_established_rst_out_of_window(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_RST, .seq = C_NXT + 1000000);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_PHASE(&r, TP_PHASE_RESET);
    g_assert_false(c.reset);
}

static void test_established_rst_in_window(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    /* RFC 5961 3.2: the receiver challenges it; the sender has gone. */
    FEED(&c, &r, C2S, .flags = TP_RST, .seq = C_NXT + 100);
    EXPECT_STATES(&r, TP_CLOSED, TP_ESTABLISHED);
}

static void test_established_rst_data(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = S_NXT, .ack = C_NXT, .len = 20);
    EXPECT_STATES(&r, TP_CLOSED, TP_CLOSED);
    EXPECT_LABEL(&r, "Reset: RST (data)");
}

static void test_fin_wait_2_rst(void)
{
    struct tp_conn c = conn_fin_wait_2();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    EXPECT_STATES(&r, TP_CLOSED, TP_CLOSED);
    EXPECT_PHASE(&r, TP_PHASE_RESET);
    EXPECT_LABEL(&r, "Reset: RST");
}

static void test_last_ack_rst(void)
{
    struct tp_conn c = conn_last_ack();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_RST, .seq = C_NXT + 1);
    EXPECT_STATES(&r, TP_CLOSED, TP_CLOSED);
    EXPECT_PHASE(&r, TP_PHASE_RESET);
}

static void test_midstream_rst(void)
{
    struct tp_conn c = { 0 };
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_RST | TP_ACK, .seq = 70000, .ack = 90000);
    EXPECT_PHASE(&r, TP_PHASE_RESET);
    EXPECT_LABEL(&r, "Reset: RST");
    g_assert_true(c.midstream);
}

/* RFC 9293 3.10.7.3: a SYN_SENT end answers a SYN-ACK that acknowledges the
 * wrong number with <SEQ=SEG.ACK><CTL=RST> and stays in SYN_SENT; the
 * server, whose SYN-ACK it was, takes the RST and returns to LISTEN. */
static void test_rst_reply_to_unacceptable_keeps_sender(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT + 1000);
    EXPECT_ANOMALY(&r, synack_bad_ack);
    FEED(&c, &r, C2S, .flags = TP_RST, .seq = C_NXT + 1000);
    EXPECT_STATES(&r, TP_SYN_SENT, TP_LISTEN);
}

/* RFC 9293 3.10.7.4: a SYN_RECEIVED end answers a third handshake segment
 * with an unacceptable ACK with <SEQ=SEG.ACK><CTL=RST> and stays. */
static void test_rst_reply_in_syn_received_keeps_sender(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT + 700);
    FEED(&c, &r, S2C, .flags = TP_RST, .seq = S_NXT + 700);
    g_assert_cmpuint(c.ep[S2C].state, ==, TP_SYN_RECEIVED);
}

/* A RST with the ACK bit is no such reply: its sender closes. */
static void test_rst_with_ack_closes_sender(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT + 1000);
    FEED(&c, &r, C2S, .flags = TP_RST | TP_ACK, .seq = C_NXT + 1000, .ack = S_NXT);
    g_assert_cmpuint(c.ep[C2S].state, ==, TP_CLOSED);
}

/* An end that sent a RST and then sends again is traffic after its own RST:
 * it stays CLOSED (it is the receiver of a RST that ignoring it revives). */
static void test_traffic_after_own_rst_stays_closed(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_RST | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_STATES(&r, TP_CLOSED, TP_CLOSED);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 10);
    EXPECT_ANOMALY(&r, traffic_after_rst);
    EXPECT_STATES(&r, TP_CLOSED, TP_CLOSED);
    /* noted once */
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 10, .ack = S_NXT, .len = 10);
    g_assert_false(r.anomalies & TP_ANOMALY_BIT(traffic_after_rst));
}

/* The end that received the RST and sends on evidently ignored it: it is
 * back in the state the RST had closed. */
static void test_traffic_after_received_rst_revives_receiver(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_RST | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT, .len = 10);
    EXPECT_ANOMALY(&r, traffic_after_rst);
    EXPECT_STATES(&r, TP_CLOSED, TP_ESTABLISHED);
}

/* A segment from the RST's receiver sooner after the RST than the round
 * trip to that end (1 ms in the handshake here) was sent before the RST
 * reached it: they crossed; it is no traffic after the RST (zeek-tcp-qi,
 * frame 13). Later ones are. */
static void test_segment_crossing_rst_is_not_traffic_after_it(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_RST | TP_ACK, .seq = C_NXT, .ack = S_NXT, .time_ns = 100000000);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT, .len = 10, .time_ns = 100500000);
    g_assert_false(RAISED(&r, traffic_after_rst));
    EXPECT_STATES(&r, TP_CLOSED, TP_CLOSED);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT + 10, .ack = C_NXT, .len = 10, .time_ns = 200000000);
    EXPECT_ANOMALY(&r, traffic_after_rst);
}

/* Once the sender's FIN has been received, the receiver's RCV.NXT is past
 * it: a RST at the receiver's last ACK from before the FIN is not exact (it
 * is outside the window: ignored), and the receiver goes on. */
static void test_rst_before_received_fin_is_not_exact(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT, .len = 100); /* acks only up to the FIN */
    FEED(&c, &r, C2S, .flags = TP_RST, .seq = C_NXT);
    EXPECT_ANOMALY(&r, rst_invalid);
    g_assert_false(c.reset);
    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT + 100, .ack = C_NXT + 1);
    g_assert_false(r.anomalies & TP_ANOMALY_BIT(traffic_after_rst));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();

    g_test_add_func("/reset/syn_sent/rstack", test_syn_sent_rstack);
    g_test_add_func("/reset/syn_sent/rstack_wrong_ack", test_syn_sent_rstack_wrong_ack);
    g_test_add_func("/reset/syn_received/rst", test_syn_received_rst);
    g_test_add_func("/reset/established/rst_exact", test_established_rst_exact);
    g_test_add_func("/reset/established/rst_exact_from_server", test_established_rst_exact_from_server);
    g_test_add_func("/reset/established/rst_out_of_window", test_established_rst_out_of_window);
    g_test_add_func("/reset/established/rst_in_window", test_established_rst_in_window);
    g_test_add_func("/reset/established/rst_data", test_established_rst_data);
    g_test_add_func("/reset/fin_wait_2/rst", test_fin_wait_2_rst);
    g_test_add_func("/reset/last_ack/rst", test_last_ack_rst);
    g_test_add_func("/reset/midstream/rst", test_midstream_rst);
    g_test_add_func("/reset/reply_to_unacceptable_keeps_sender", test_rst_reply_to_unacceptable_keeps_sender);
    g_test_add_func("/reset/reply_in_syn_received_keeps_sender", test_rst_reply_in_syn_received_keeps_sender);
    g_test_add_func("/reset/rst_with_ack_closes_sender", test_rst_with_ack_closes_sender);
    g_test_add_func("/reset/rst_before_received_fin_is_not_exact", test_rst_before_received_fin_is_not_exact);
    g_test_add_func("/reset/traffic_after_own_rst_stays_closed", test_traffic_after_own_rst_stays_closed);
    g_test_add_func("/reset/segment_crossing_rst_is_not_traffic_after_it",
                    test_segment_crossing_rst_is_not_traffic_after_it);
    g_test_add_func("/reset/traffic_after_received_rst_revives_receiver",
                    test_traffic_after_received_rst_revives_receiver);
    return g_test_run();
}
