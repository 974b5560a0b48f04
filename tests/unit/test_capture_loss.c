/* Segments the capture lost, seen through the ACKs that acknowledge them
 * (issue 13 rule 10): the states move as if the segment had been seen, with
 * a note; an ACK past an end's own FIN is wrong, not a loss. */
#include "test_support.h"

/* Client FIN, server ACK, the server's FIN lost, the client's ACK of it. */
static void test_ack_of_uncaptured_fin_moves_both_ends(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    EXPECT_STATES(&r, TP_FIN_WAIT_2, TP_CLOSE_WAIT);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 1, .ack = S_NXT + 1);
    EXPECT_ANOMALY_NUMBERS(&r, fin_not_captured, 2, 1);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_CLOSED);
    EXPECT_TD_STEP(&r, 4);
}

/* An ACK past the FIN of its receiver acknowledges what was never sent:
 * the receiver drops it (close_ack_invalid) and stays in FIN_WAIT_1. */
static void test_ack_past_own_fin_is_invalid_and_dropped(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 2001);
    EXPECT_ANOMALY(&r, close_ack_invalid);
    EXPECT_STATES(&r, TP_FIN_WAIT_1, TP_CLOSE_WAIT);
    EXPECT_NO_STEP(&r);
}

/* The ACK acknowledged server data the capture lost, not a FIN: the data
 * that follows takes the inferred FIN back, with no data_after_fin. */
static void test_data_after_inferred_fin_retracts_it(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 1, .ack = S_NXT + 100);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_CLOSED);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT + 100, .ack = C_NXT + 1, .len = 50);
    g_assert_false(RAISED(&r, data_after_fin));
    EXPECT_STATES(&r, TP_FIN_WAIT_2, TP_CLOSE_WAIT);
}

/* A FIN inferred from the ACK that acknowledged it, then captured where it
 * was inferred, was sent: data past it does not take it back, and its ACK
 * stays the one that acknowledged it (fuzz seed 20261208 file 156: the
 * FIN linked to that ACK in one pass, to a later FIN's ACK after the whole
 * capture). */
static void test_captured_fin_confirms_the_inferred_one(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 1, .ack = S_NXT + 1, .frame = 40);
    EXPECT_ANOMALY(&r, fin_not_captured);
    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1, .frame = 41);
    EXPECT_ANOMALY(&r, fin_retransmission);
    EXPECT_TD_STEP(&r, 3);
    g_assert_cmpuint(tp_fin_acked_in(&c, &r), ==, 40);
    const struct tp_result fin = r;
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT + 1, .ack = C_NXT + 1, .len = 50, .frame = 42);
    EXPECT_ANOMALY(&r, data_after_fin);
    g_assert_cmpuint(r.why_server, !=, TP_WHY_FIN_TAKEN_BACK);
    g_assert_cmpuint(r.why_client, !=, TP_WHY_FIN_TAKEN_BACK);
    g_assert_cmpuint(tp_fin_acked_in(&c, &fin), ==, 40);
}

/* Lost data without a close in progress changes no state and raises
 * nothing of tcpphase's (Wireshark's TCP analysis reports it). */
static void test_ack_of_uncaptured_data_changes_nothing(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT + 500);
    EXPECT_NO_ANOMALY(&r);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
}

/* The client's ACK of a SYN-ACK the capture lacks completes the handshake,
 * with a note saying so. */
static void test_ack_of_uncaptured_synack_is_noted(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_ANOMALY_NUMBERS(&r, synack_not_captured, S_NXT, SERVER_ISN);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_HS_STEP(&r, 3);
}

/* After a handshake completed on an uncaptured SYN-ACK, a later SYN and
 * SYN-ACK (a stray attempt on the same 4-tuple) are not that handshake's:
 * its frames and timings stay (one pass and a replay after the whole
 * capture must agree; fuzz seed 20261207 file 8859). */
static void test_handshake_frames_stay_after_it_completed(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_ANOMALY(&r, synack_not_captured);
    const uint32_t ack_frame = c.hs_ack_frame;
    g_assert_cmpuint(c.syn_frame, ==, 1);
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN + 99, .ack = C_NXT);
    g_assert_cmpuint(c.syn_frame, ==, 1);
    g_assert_cmpuint(c.synack_frame, ==, 0);
    g_assert_cmpuint(c.hs_ack_frame, ==, ack_frame);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/capture_loss/ack_of_uncaptured_fin_moves_both_ends", test_ack_of_uncaptured_fin_moves_both_ends);
    g_test_add_func("/capture_loss/handshake_frames_stay_after_it_completed",
                    test_handshake_frames_stay_after_it_completed);
    g_test_add_func("/capture_loss/ack_past_own_fin_is_invalid_and_dropped",
                    test_ack_past_own_fin_is_invalid_and_dropped);
    g_test_add_func("/capture_loss/data_after_inferred_fin_retracts_it", test_data_after_inferred_fin_retracts_it);
    g_test_add_func("/capture_loss/captured_fin_confirms_the_inferred_one", test_captured_fin_confirms_the_inferred_one);
    g_test_add_func("/capture_loss/ack_of_uncaptured_data_changes_nothing",
                    test_ack_of_uncaptured_data_changes_nothing);
    g_test_add_func("/capture_loss/ack_of_uncaptured_synack_is_noted", test_ack_of_uncaptured_synack_is_noted);
    return g_test_run();
}
