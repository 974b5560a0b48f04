/* tcpphase.check: the numbers a tutorial teaches, checked on the
 * connection's own; one test per rule. */
#include "test_support.h"

static char text[320];

/* The check of the segment just fed (FEED numbers frames 1, 2, ...). */
static const char *check(const struct tp_conn *c, const struct tp_result *r)
{
    return tp_check_format(c, &tp_config_default, r, c->segments, text, sizeof text);
}

static void test_syn_states_the_client_isn(void)
{
    struct tp_conn c = {0};
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    g_assert_cmpstr(check(&c, &r), ==, "SYN: client ISN = 1000 (raw); relative numbers count from it, and the SYN takes one");
}

static void test_synack_acks_client_isn_plus_one(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    g_assert_cmpstr(check(&c, &r), ==, "ACK 1 = client ISN + 1 \u2713 (raw 1001 = 1000 + 1); server ISN = 5000 (raw)");
}

static void test_synack_with_a_wrong_ack_is_crossed(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = CLIENT_ISN + 4001);
    g_assert_cmpstr(check(&c, &r), ==, "ACK 4001, expected 1 = client ISN + 1 \u2717; server ISN = 5000 (raw)");
}

static void test_handshake_ack_acks_server_isn_plus_one(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT);
    g_assert_cmpstr(check(&c, &r), ==, "ACK 1 = server ISN + 1 \u2713 (raw 5001 = 5000 + 1)");
}

static void test_fin_takes_one_sequence_number(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    g_assert_cmpstr(check(&c, &r), ==, "FIN at seq 1 (raw 1001): it takes one sequence number, so its ACK is 2");
}

static void test_ack_of_fin_is_fin_seq_plus_one(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    g_assert_cmpstr(check(&c, &r), ==, "ACK 2 = client's FIN seq 1 + 1 \u2713 (raw 1002)");
}

static void test_time_wait_lasts_2msl(void)
{
    struct tp_conn c = conn_fin_wait_2();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    g_assert_nonnull(strstr(check(&c, &r), "client in TIME_WAIT for 2\u00d7MSL = 60.0 s"));
}

static void test_repeated_step_is_not_checked_again(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    g_assert_true(r.retransmission);
    g_assert_cmpstr(check(&c, &r), ==, "");
}

/* A FIN before its connection's SYN (reordered): what the FIN frame says
 * once the whole capture is known (-2, two_pass) is what one pass said of it
 * then, its sequence number raw: the ISN came later (issue 17, found by
 * tests/fuzz/mutate.py). */
static void test_fin_before_a_reordered_syn_stays_raw(void)
{
    struct tp_conn c = {0};
    struct tp_result fin, r;
    char then[sizeof text];

    FEED(&c, &fin, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT + 45, .ack = S_NXT);
    g_strlcpy(then, check(&c, &fin), sizeof then);
    g_assert_nonnull(strstr(then, "FIN at seq 1046 (raw 1046)"));
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    g_assert_cmpstr(tp_check_format(&c, &tp_config_default, &fin, 1, text, sizeof text), ==, then);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/check/syn_states_the_client_isn", test_syn_states_the_client_isn);
    g_test_add_func("/check/synack_acks_client_isn_plus_one", test_synack_acks_client_isn_plus_one);
    g_test_add_func("/check/synack_with_a_wrong_ack_is_crossed", test_synack_with_a_wrong_ack_is_crossed);
    g_test_add_func("/check/handshake_ack_acks_server_isn_plus_one", test_handshake_ack_acks_server_isn_plus_one);
    g_test_add_func("/check/fin_takes_one_sequence_number", test_fin_takes_one_sequence_number);
    g_test_add_func("/check/ack_of_fin_is_fin_seq_plus_one", test_ack_of_fin_is_fin_seq_plus_one);
    g_test_add_func("/check/time_wait_lasts_2msl", test_time_wait_lasts_2msl);
    g_test_add_func("/check/repeated_step_is_not_checked_again", test_repeated_step_is_not_checked_again);
    g_test_add_func("/check/fin_before_a_reordered_syn_stays_raw", test_fin_before_a_reordered_syn_stays_raw);
    return g_test_run();
}
