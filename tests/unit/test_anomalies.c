/* Anomalies: one small test per anomaly the tracker decides on a segment,
 * and the ones decided from a whole connection or a port reuse. */
#include "test_support.h"

static void test_established_no_anomaly(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    EXPECT_NO_ANOMALY(&r);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_NO_ANOMALY(&r);
}

static void test_syn_sent_syn_retransmission(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = 1001000000);
    EXPECT_ANOMALY_NUMBERS(&r, syn_retransmission, 2, 1000);
}

static void test_syn_sent_syn_new_isn(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = 3000);
    EXPECT_ANOMALY_NUMBERS(&r, syn_new_isn, 3000, CLIENT_ISN);
}

static void test_syn_sent_synack_bad_ack(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = 2001);
    EXPECT_ANOMALY_NUMBERS(&r, synack_bad_ack, 1001, 1);
    EXPECT_STATES(&r, TP_SYN_SENT, TP_SYN_RECEIVED);
}

static void test_syn_sent_rst_ack_rejected(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = 0, .ack = C_NXT);
    EXPECT_ANOMALY(&r, rejected);
}

static void test_syn_sent_fin_is_stray(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN, .seq = C_NXT);
    EXPECT_LABEL(&r, "Stray FIN");
    EXPECT_NO_STEP(&r);
    EXPECT_ANOMALY(&r, fin_without_handshake);
    EXPECT_STATES(&r, TP_SYN_SENT, TP_SYN_RECEIVED);
}

static void test_syn_received_syn_again_means_synack_lost(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    EXPECT_STATES(&r, TP_SYN_SENT, TP_SYN_RECEIVED);
    EXPECT_ANOMALY(&r, syn_retransmission);
}

static void test_syn_received_ack_out_of_window(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK | TP_PSH, .seq = C_NXT + 100000, .ack = S_NXT, .len = 11);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_SYN_RECEIVED);
    EXPECT_ANOMALY_NUMBERS(&r, handshake_ack_bad, 100001, 1);
    EXPECT_NO_STEP(&r);
}

static void test_syn_received_ack_wrong_ack(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = 9999);
    EXPECT_ANOMALY_NUMBERS(&r, handshake_ack_bad, 9999 - SERVER_ISN, 1);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_SYN_RECEIVED);
}

static void test_syn_received_data_completes(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK | TP_PSH, .seq = C_NXT, .ack = S_NXT, .len = 10);
    EXPECT_ANOMALY_NUMBERS(&r, handshake_completed_by_data, 10, 0);
}

static void test_syn_received_server_data_early(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK | TP_PSH, .seq = S_NXT, .ack = C_NXT, .len = 100);
    EXPECT_ANOMALY_NUMBERS(&r, data_before_established, 100, 0);
}

static void test_syn_sent_slow_handshake(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT, .time_ns = 1500000000);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .time_ns = 1510000000);
    EXPECT_ANOMALY_NUMBERS(&r, slow_handshake, 1509, 1);
}

/* Slow is judged from the client's first SYN: a quick SYN-ACK to the third
 * SYN after 2 s of retries is a slow connect (the numbers name the SYNs). */
static void test_slow_handshake_counts_from_first_syn(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = 1000000000);
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = 2000000000);
    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT, .time_ns = 2000100000);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .time_ns = 2000200000);
    EXPECT_ANOMALY_NUMBERS(&r, slow_handshake, 1999, 3);
    g_assert_cmpint(c.synack_time - c.syn_time, ==, 100000); /* the round trip stays the round trip */
}

/* slow_handshake 0 turns the check off: no handshake is slow. */
static void test_slow_handshake_zero_is_off(void)
{
    struct tp_config cfg = tp_config_default;
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    cfg.slow_handshake_ns = 0;
    FEED_CFG(&c, &cfg, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT, .time_ns = 1500000000);
    FEED_CFG(&c, &cfg, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .time_ns = 1510000000);
    g_assert_false(RAISED(&r, slow_handshake));
}

static void test_established_syn_challenge_ack(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = 7000);
    EXPECT_ANOMALY_NUMBERS(&r, syn_in_established, 7000, 0);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT);
    EXPECT_ANOMALY(&r, challenge_ack);
    /* the SYN's ISN moved nothing: the FIN at the old sequence is fine */
    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_NO_ANOMALY(&r);
}

static void test_established_rst_in_window_not_exact(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_RST | TP_ACK, .seq = C_NXT + 100, .ack = S_NXT);
    EXPECT_ANOMALY_NUMBERS(&r, rst_challenge_expected, 101, 1);
    EXPECT_STATES(&r, TP_CLOSED, TP_ESTABLISHED);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT);
    EXPECT_ANOMALY(&r, challenge_ack);
}

static void test_established_rst_outside_window(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = S_NXT + 10000000, .ack = C_NXT);
    EXPECT_ANOMALY(&r, rst_invalid);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
}

static void test_established_rst_then_traffic(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_RST | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_ANOMALY(&r, rst_abort);
    EXPECT_STATES(&r, TP_CLOSED, TP_CLOSED);
    FEED(&c, &r, S2C, .flags = TP_ACK | TP_PSH, .seq = S_NXT, .ack = C_NXT, .len = 100);
    EXPECT_ANOMALY_NUMBERS(&r, traffic_after_rst, 4, 0);
    EXPECT_STATES(&r, TP_CLOSED, TP_ESTABLISHED);
}

static void test_fin_wait_2_data_after_fin(void)
{
    struct tp_conn c = conn_fin_wait_2();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK | TP_PSH, .seq = C_NXT + 1, .ack = S_NXT, .len = 50);
    EXPECT_ANOMALY_NUMBERS(&r, data_after_fin, 50, 1);
}

static void test_fin_wait_1_ack_beyond_sent(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 2001);
    EXPECT_ANOMALY_NUMBERS(&r, close_ack_invalid, 2002, 2);
}

static void test_time_wait_rst_assassination(void)
{
    struct tp_conn c = conn_time_wait();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_RST, .seq = S_NXT + 1);
    EXPECT_ANOMALY(&r, time_wait_assassination);
    EXPECT_STATES(&r, TP_CLOSED, TP_CLOSED);
}

static void test_bad_flags_syn_fin(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN | TP_FIN, .seq = C_NXT);
    EXPECT_ANOMALY_NUMBERS(&r, illegal_flags, TP_SYN | TP_FIN, 0);
}

/* Once per connection: on the first SYN, with the number of SYNs and the
 * capture time after the first without an answer; not on the copies. */
static void test_later_syn_unanswered_once_on_first_syn(void)
{
    struct tp_conn c = {0};
    struct tp_result first, copy, later;

    FEED(&c, &first, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = 1000000);
    FEED(&c, &copy, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = 1001000000);
    memset(&later, 0, sizeof later);
    tp_later_anomalies(&c, &tp_config_default, &first, ENDED_AT(3001000000), &later);
    EXPECT_ANOMALY_NUMBERS(&later, syn_unanswered, 2, 3000);
    memset(&later, 0, sizeof later);
    tp_later_anomalies(&c, &tp_config_default, &copy, ENDED_AT(3001000000), &later);
    g_assert_false(RAISED(&later, syn_unanswered));
}

static void test_later_synack_unacked(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r, later;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    memset(&later, 0, sizeof later);
    tp_later_anomalies(&c, &tp_config_default, &r, ENDED_AT(0), &later);
    EXPECT_ANOMALY(&later, synack_unacked);
    g_assert_false(later.anomalies & TP_ANOMALY_BIT(syn_unanswered));
}

static void test_later_half_closed_and_final_ack(void)
{
    struct tp_conn c = conn_fin_wait_2();
    struct tp_result fin1, fin2, later;

    c = conn_established();
    FEED(&c, &fin1, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    memset(&later, 0, sizeof later);
    tp_later_anomalies(&c, &tp_config_default, &fin1, ENDED_AT(0), &later);
    EXPECT_ANOMALY(&later, half_closed_at_end);
    FEED(&c, &fin2, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    memset(&later, 0, sizeof later);
    tp_later_anomalies(&c, &tp_config_default, &fin2, ENDED_AT(0), &later);
    EXPECT_ANOMALY(&later, final_ack_missing);
    memset(&later, 0, sizeof later);
    tp_later_anomalies(&c, &tp_config_default, &fin1, ENDED_AT(0), &later);
    EXPECT_NO_ANOMALY(&later);
}

/* While a live capture runs, a SYN is unanswered only once the handshake
 * timeout has passed in capture time: before, nobody checked. */
static void test_later_syn_unanswered_while_running_waits_for_the_timeout(void)
{
    struct tp_conn c = {0};
    struct tp_result syn, later;
    const int64_t timeout = tp_config_default.handshake_timeout_ns;

    FEED(&c, &syn, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = 1000000);
    memset(&later, 0, sizeof later);
    tp_later_anomalies(&c, &tp_config_default, &syn, RUNNING_AT(1000000 + 3 * TP_NS_PER_SEC), &later);
    g_assert_false(RAISED(&later, syn_unanswered));
    tp_later_anomalies(&c, &tp_config_default, &syn, RUNNING_AT(1000000 + timeout + TP_NS_PER_SEC), &later);
    EXPECT_ANOMALY_NUMBERS(&later, syn_unanswered, 1, (uint32_t)((timeout + TP_NS_PER_SEC) / TP_NS_PER_MS));
}

static void test_later_synack_unacked_while_running_waits_for_the_timeout(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r, later;
    const int64_t timeout = tp_config_default.handshake_timeout_ns;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT, .time_ns = 0);
    memset(&later, 0, sizeof later);
    tp_later_anomalies(&c, &tp_config_default, &r, RUNNING_AT(TP_NS_PER_SEC), &later);
    g_assert_false(RAISED(&later, synack_unacked));
    tp_later_anomalies(&c, &tp_config_default, &r, RUNNING_AT(timeout + TP_NS_PER_SEC), &later);
    EXPECT_ANOMALY(&later, synack_unacked);
}

/* "At the end of the capture" waits for the end: no deadline decides it. */
static void test_later_half_closed_and_final_ack_wait_for_the_end(void)
{
    struct tp_conn c = conn_established();
    struct tp_result fin1, fin2, later;

    FEED(&c, &fin1, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    memset(&later, 0, sizeof later);
    tp_later_anomalies(&c, &tp_config_default, &fin1, RUNNING_AT(INT64_MAX / 2), &later);
    g_assert_false(RAISED(&later, half_closed_at_end));
    FEED(&c, &fin2, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    tp_later_anomalies(&c, &tp_config_default, &fin2, RUNNING_AT(INT64_MAX / 2), &later);
    EXPECT_NO_ANOMALY(&later);
}

/* handshake_timeout 0 turns the timeout off: an answered SYN is never
 * unanswered, and a running capture waits for its end. */
static void test_later_handshake_timeout_zero_is_off(void)
{
    struct tp_config cfg = tp_config_default;
    struct tp_conn c = {0};
    struct tp_result syn, synack, later;

    cfg.handshake_timeout_ns = 0;
    FEED(&c, &syn, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = 0);
    memset(&later, 0, sizeof later);
    tp_later_anomalies(&c, &cfg, &syn, RUNNING_AT(3600 * TP_NS_PER_SEC), &later);
    g_assert_false(RAISED(&later, syn_unanswered));
    FEED_CFG(&c, &cfg, &synack, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT,
             .time_ns = 5 * TP_NS_PER_SEC);
    tp_later_anomalies(&c, &cfg, &syn, ENDED_AT(5 * TP_NS_PER_SEC), &later);
    g_assert_false(RAISED(&later, syn_unanswered));
}

static void test_reuse_in_time_wait(void)
{
    struct tp_conn old = conn_time_wait(); /* client TIME_WAIT since frame 7's time */
    struct tp_result r;
    struct tp_segment syn = {.frame = 20, .time_ns = 1000000000, .seq = 500, .flags = TP_SYN};

    g_assert_true(tp_starts_new_incarnation(&old, &syn));
    memset(&r, 0, sizeof r);
    tp_check_reuse(&old, &tp_config_default, C2S, 1, &syn, &r);
    EXPECT_ANOMALY_NUMBERS(&r, port_reuse, 1, 0);
    EXPECT_ANOMALY(&r, premature_reuse);
    EXPECT_ANOMALY(&r, time_wait_reuse_unsafe);
}

static void test_reuse_after_two_msl(void)
{
    struct tp_conn old = conn_time_wait();
    struct tp_result r;
    struct tp_segment syn = {.frame = 20, .time_ns = INT64_C(130) * 1000000000, .seq = 900000,
                             .flags = TP_SYN};

    memset(&r, 0, sizeof r);
    tp_check_reuse(&old, &tp_config_default, C2S, 1, &syn, &r);
    g_assert_true(r.anomalies == TP_ANOMALY_BIT(port_reuse));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/anomaly/established/none", test_established_no_anomaly);
    g_test_add_func("/anomaly/syn_sent/syn_retransmission", test_syn_sent_syn_retransmission);
    g_test_add_func("/anomaly/syn_sent/syn_new_isn", test_syn_sent_syn_new_isn);
    g_test_add_func("/anomaly/syn_sent/synack_bad_ack", test_syn_sent_synack_bad_ack);
    g_test_add_func("/anomaly/syn_sent/rst_ack_rejected", test_syn_sent_rst_ack_rejected);
    g_test_add_func("/anomaly/syn_sent/fin_is_stray", test_syn_sent_fin_is_stray);
    g_test_add_func("/anomaly/syn_received/syn_again", test_syn_received_syn_again_means_synack_lost);
    g_test_add_func("/anomaly/syn_received/ack_out_of_window", test_syn_received_ack_out_of_window);
    g_test_add_func("/anomaly/syn_received/ack_wrong_ack", test_syn_received_ack_wrong_ack);
    g_test_add_func("/anomaly/syn_received/data_completes", test_syn_received_data_completes);
    g_test_add_func("/anomaly/syn_received/server_data_early", test_syn_received_server_data_early);
    g_test_add_func("/anomaly/syn_sent/slow_handshake", test_syn_sent_slow_handshake);
    g_test_add_func("/anomaly/syn_sent/slow_handshake_zero_is_off", test_slow_handshake_zero_is_off);
    g_test_add_func("/anomaly/syn_sent/slow_handshake_counts_from_first_syn", test_slow_handshake_counts_from_first_syn);
    g_test_add_func("/anomaly/established/syn_challenge_ack", test_established_syn_challenge_ack);
    g_test_add_func("/anomaly/established/rst_in_window", test_established_rst_in_window_not_exact);
    g_test_add_func("/anomaly/established/rst_outside_window", test_established_rst_outside_window);
    g_test_add_func("/anomaly/established/rst_then_traffic", test_established_rst_then_traffic);
    g_test_add_func("/anomaly/fin_wait_2/data_after_fin", test_fin_wait_2_data_after_fin);
    g_test_add_func("/anomaly/fin_wait_1/ack_beyond_sent", test_fin_wait_1_ack_beyond_sent);
    g_test_add_func("/anomaly/time_wait/rst_assassination", test_time_wait_rst_assassination);
    g_test_add_func("/anomaly/flags/syn_fin", test_bad_flags_syn_fin);
    g_test_add_func("/anomaly/later/syn_unanswered_once_on_first_syn", test_later_syn_unanswered_once_on_first_syn);
    g_test_add_func("/anomaly/later/synack_unacked", test_later_synack_unacked);
    g_test_add_func("/anomaly/later/half_closed_and_final_ack", test_later_half_closed_and_final_ack);
    g_test_add_func("/anomaly/later/running/syn_unanswered_waits_for_the_timeout",
                    test_later_syn_unanswered_while_running_waits_for_the_timeout);
    g_test_add_func("/anomaly/later/running/synack_unacked_waits_for_the_timeout",
                    test_later_synack_unacked_while_running_waits_for_the_timeout);
    g_test_add_func("/anomaly/later/running/half_closed_and_final_ack_wait_for_the_end",
                    test_later_half_closed_and_final_ack_wait_for_the_end);
    g_test_add_func("/anomaly/later/handshake_timeout_zero_is_off", test_later_handshake_timeout_zero_is_off);
    g_test_add_func("/anomaly/reuse/in_time_wait", test_reuse_in_time_wait);
    g_test_add_func("/anomaly/reuse/after_two_msl", test_reuse_after_two_msl);
    return g_test_run();
}
