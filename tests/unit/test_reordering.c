/* Handshake segments that reach the capture point out of order, twice, or
 * not at all before their answer (issue 13 rules 6-9): a copy is a copy, a
 * late segment is the same segment, and hindsight withdraws what it
 * disproves. */
#include "test_support.h"

/* The client took the SYN-ACK for ISN 1000; a SYN with ISN 3000 while the
 * server waits in SYN_RECEIVED is flagged and not adopted, so the server's
 * SYN-ACK resent for ISN 1000 is a plain retransmission. */
static void test_new_isn_after_synack_is_flagged_not_adopted(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = 3000);
    EXPECT_ANOMALY_NUMBERS(&r, syn_new_isn, 3000, CLIENT_ISN);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_SYN_RECEIVED);
    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    EXPECT_ANOMALY(&r, synack_retransmission);
    g_assert_false(RAISED(&r, synack_bad_ack));
}

/* A late copy of the SYN after the handshake completed (reordered, or the
 * capture holds it twice) changes nothing, and that SYN was answered. */
static void test_late_syn_copy_after_handshake_changes_nothing(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r, later = {0};

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    g_assert_true(r.retransmission);
    tp_later_anomalies(&c, &tp_config_default, &r, ENDED_AT(INT64_MAX / 2), &later);
    g_assert_false(RAISED(&later, syn_unanswered));
}

/* The same SYN again after the SYN-ACK but before the handshake completed
 * means the client did not take the SYN-ACK (sv-tcp-fastopen-10: a client
 * resending every 35 ms, so no timer tells a copy from a resend): it is back
 * in SYN_SENT. */
static void test_syn_resent_after_synack_returns_to_syn_sent(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    EXPECT_STATES(&r, TP_SYN_SENT, TP_SYN_RECEIVED);
}

/* A capture that starts at the SYN-ACK, then a copy of the SYN it answers:
 * that SYN was answered. */
static void test_syn_copy_after_captured_synack_is_answered(void)
{
    struct tp_conn c = {0};
    struct tp_result r, later = {0};

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT);
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    tp_later_anomalies(&c, &tp_config_default, &r, ENDED_AT(INT64_MAX / 2), &later);
    g_assert_false(RAISED(&later, syn_unanswered));
}

/* The third segment captured before the SYN-ACK it acknowledges: the
 * SYN-ACK that follows is the same SYN-ACK, late, not a changed one. */
static void test_synack_after_its_ack_is_the_same_synack(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    struct tp_result third;

    FEED(&c, &third, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_STATES(&third, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_ANOMALY(&third, synack_not_captured);
    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    EXPECT_NO_ANOMALY(&r);
    g_assert_false(r.retransmission);
    EXPECT_LABEL(&r, "Handshake 2/3: SYN-ACK");
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT);
    g_assert_false(r.retransmission); /* the late SYN-ACK was acknowledged before it came */
    tp_hindsight(&c, &third);
    g_assert_false(RAISED(&third, synack_not_captured)); /* it was captured after all */
}

/* SYN, SYN, SYN-ACK, ACK: once the handshake turned out split, hindsight
 * withdraws the simultaneous open flagged on the second SYN. */
static void test_split_handshake_withdraws_simultaneous_open(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result second_syn, r;

    FEED(&c, &second_syn, S2C, .flags = TP_SYN, .seq = SERVER_ISN);
    EXPECT_ANOMALY(&second_syn, simultaneous_open);
    FEED(&c, &r, C2S, .flags = TP_SYN | TP_ACK, .seq = CLIENT_ISN, .ack = S_NXT);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT);
    EXPECT_ANOMALY(&r, split_handshake);
    tp_hindsight(&c, &second_syn);
    g_assert_false(RAISED(&second_syn, simultaneous_open));
    for (unsigned i = 0; i < second_syn.hit_count; i++)
        g_assert_cmpuint(second_syn.hits[i].id, !=, TP_A_simultaneous_open);
}

/* A real simultaneous open (both send SYN-ACKs) keeps its note. */
static void test_simultaneous_open_kept_in_hindsight(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result second_syn, r;

    FEED(&c, &second_syn, S2C, .flags = TP_SYN, .seq = SERVER_ISN);
    FEED(&c, &r, C2S, .flags = TP_SYN | TP_ACK, .seq = CLIENT_ISN, .ack = S_NXT);
    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    tp_hindsight(&c, &second_syn);
    EXPECT_ANOMALY(&second_syn, simultaneous_open);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/reordering/new_isn_after_synack_is_flagged_not_adopted",
                    test_new_isn_after_synack_is_flagged_not_adopted);
    g_test_add_func("/reordering/late_syn_copy_after_handshake_changes_nothing",
                    test_late_syn_copy_after_handshake_changes_nothing);
    g_test_add_func("/reordering/syn_resent_after_synack_returns_to_syn_sent",
                    test_syn_resent_after_synack_returns_to_syn_sent);
    g_test_add_func("/reordering/syn_copy_after_captured_synack_is_answered",
                    test_syn_copy_after_captured_synack_is_answered);
    g_test_add_func("/reordering/synack_after_its_ack_is_the_same_synack",
                    test_synack_after_its_ack_is_the_same_synack);
    g_test_add_func("/reordering/split_handshake_withdraws_simultaneous_open",
                    test_split_handshake_withdraws_simultaneous_open);
    g_test_add_func("/reordering/simultaneous_open_kept_in_hindsight", test_simultaneous_open_kept_in_hindsight);
    return g_test_run();
}
