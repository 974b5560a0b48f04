/* Closing a connection: four-way, three-segment, half and simultaneous close. */
#include "test_support.h"

static void test_established_fin(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_STATES(&r, TP_FIN_WAIT_1, TP_CLOSE_WAIT);
    EXPECT_TD_STEP(&r, 1);
    EXPECT_PHASE(&r, TP_PHASE_TEARDOWN);
    EXPECT_LABEL(&r, "Teardown 1/4: FIN");
    g_assert_false(r.retransmission);
}

static void test_established_fin_data(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_PSH | TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 50);
    EXPECT_TD_STEP(&r, 1);
    EXPECT_LABEL(&r, "Teardown 1/4: FIN (data)");
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 50 + 1);
    EXPECT_STATES(&r, TP_FIN_WAIT_2, TP_CLOSE_WAIT);
    EXPECT_TD_STEP(&r, 2);
}

static void test_fin_wait_1_ack(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    EXPECT_STATES(&r, TP_FIN_WAIT_2, TP_CLOSE_WAIT);
    EXPECT_TD_STEP(&r, 2);
    EXPECT_PHASE(&r, TP_PHASE_TEARDOWN);
    EXPECT_LABEL(&r, "Teardown 2/4: ACK");
    g_assert_cmpuint(r.fin_frame, ==, 4);
}

static void test_fin_wait_1_ack_not_covering_fin(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT);
    EXPECT_STATES(&r, TP_FIN_WAIT_1, TP_CLOSE_WAIT);
    EXPECT_NO_STEP(&r);
    EXPECT_PHASE(&r, TP_PHASE_TEARDOWN);
}

static void test_fin_wait_1_fin_retransmission(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_STATES(&r, TP_FIN_WAIT_1, TP_CLOSE_WAIT);
    EXPECT_TD_STEP(&r, 1);
    g_assert_true(r.retransmission);
    EXPECT_LABEL(&r, "Teardown 1/4: FIN (retransmission)");
}

/* The link from a FIN to the ACK that first acknowledged it. */
static void test_fin_is_linked_to_its_first_ack(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result fin, ack;

    FEED(&c, &fin, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    g_assert_cmpuint(tp_fin_acked_in(&c, &fin), ==, 0); /* not acknowledged yet */
    FEED(&c, &ack, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    g_assert_cmpuint(tp_fin_acked_in(&c, &fin), ==, c.segments);
    g_assert_cmpuint(tp_fin_acked_in(&c, &ack), ==, 0); /* the ACK sent no FIN */
}

/* A FIN sent again at another sequence number is not the FIN whose first
 * ACK the end's record holds: no link, before or after that ACK (one pass
 * and a replay after the whole capture must agree). */
static void test_fin_at_another_seq_is_linked_to_no_ack(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result again, ack;

    FEED(&c, &ack, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    g_assert_cmpuint(c.ep[C2S].fin_acked_in, !=, 0);
    FEED(&c, &again, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT + 7, .ack = S_NXT);
    EXPECT_ANOMALY(&again, fin_bad_seq);
    g_assert_true(again.retransmission);
    g_assert_cmpuint(tp_fin_acked_in(&c, &again), ==, 0);
    FEED(&c, &ack, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 8);
    g_assert_cmpuint(tp_fin_acked_in(&c, &again), ==, 0);
}

static void test_fin_wait_1_finack(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_LAST_ACK);
    EXPECT_TD_STEP(&r, 2, 3);
    EXPECT_LABEL(&r, "Teardown 2+3/4: FIN-ACK");
}

static void test_fin_wait_1_finack_then_ack(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 1, .ack = S_NXT + 1);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_CLOSED);
    EXPECT_TD_STEP(&r, 4);
    EXPECT_LABEL(&r, "Teardown 4/4: ACK");
}

static void test_fin_wait_1_fin_simultaneous(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT);
    EXPECT_STATES(&r, TP_CLOSING, TP_CLOSING);
    EXPECT_TD_STEP(&r, 3);
    EXPECT_LABEL(&r, "Teardown 3/4: FIN");
    g_assert_true(c.simultaneous_close);
}

static void test_closing_ack(void)
{
    struct tp_conn c = conn_closing();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 1, .ack = S_NXT + 1);
    EXPECT_STATES(&r, TP_CLOSING, TP_TIME_WAIT);
    EXPECT_TD_STEP(&r, 4);
}

static void test_closing_ack_both(void)
{
    struct tp_conn c = conn_closing();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 1, .ack = S_NXT + 1);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT + 1, .ack = C_NXT + 1);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_TIME_WAIT);
    EXPECT_TD_STEP(&r, 2);
    g_assert_true(tp_conn_finished(&c));
}

static void test_fin_wait_2_data(void)
{
    struct tp_conn c = conn_fin_wait_2();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_PSH | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1, .len = 100);
    EXPECT_STATES(&r, TP_FIN_WAIT_2, TP_CLOSE_WAIT);
    EXPECT_NO_STEP(&r);
    EXPECT_PHASE(&r, TP_PHASE_TEARDOWN);
    EXPECT_LABEL(&r, "Data");
}

static void test_fin_wait_2_fin(void)
{
    struct tp_conn c = conn_fin_wait_2();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_LAST_ACK);
    EXPECT_TD_STEP(&r, 3);
    EXPECT_PHASE(&r, TP_PHASE_TEARDOWN);
    EXPECT_LABEL(&r, "Teardown 3/4: FIN");
}

static void test_last_ack_ack(void)
{
    struct tp_conn c = conn_last_ack();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 1, .ack = S_NXT + 1);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_CLOSED);
    EXPECT_TD_STEP(&r, 4);
    EXPECT_PHASE(&r, TP_PHASE_TEARDOWN);
    EXPECT_LABEL(&r, "Teardown 4/4: ACK");
}

static void test_time_wait_ack(void)
{
    struct tp_conn c = conn_time_wait();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 1, .ack = S_NXT + 1);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_CLOSED);
    EXPECT_NO_STEP(&r);
    EXPECT_PHASE(&r, TP_PHASE_CLOSED);
}

static void test_established_fin_from_server(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT);
    EXPECT_STATES(&r, TP_CLOSE_WAIT, TP_FIN_WAIT_1);
    EXPECT_TD_STEP(&r, 1);
    EXPECT_LABEL(&r, "Teardown 1/4: FIN");
}

static void test_server_fin_wait_1_ack(void)
{
    struct tp_conn c = conn_server_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT + 1);
    EXPECT_STATES(&r, TP_CLOSE_WAIT, TP_FIN_WAIT_2);
    EXPECT_TD_STEP(&r, 2);
}

static void test_server_fin_wait_2_fin(void)
{
    struct tp_conn c = conn_server_fin_wait_2();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT + 1);
    EXPECT_STATES(&r, TP_LAST_ACK, TP_TIME_WAIT);
    EXPECT_TD_STEP(&r, 3);
    EXPECT_LABEL(&r, "Teardown 3/4: FIN");
}

static void test_client_last_ack_ack(void)
{
    struct tp_conn c = conn_client_last_ack();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT + 1, .ack = C_NXT + 1);
    EXPECT_STATES(&r, TP_CLOSED, TP_TIME_WAIT);
    EXPECT_TD_STEP(&r, 4);
    EXPECT_PHASE(&r, TP_PHASE_TEARDOWN);
    EXPECT_LABEL(&r, "Teardown 4/4: ACK");
}

/* A FIN sent again after its ACK was seen: that ACK was lost, so its
 * sender is back in LAST_ACK until the next ACK closes it. */
static void test_fin_again_after_its_ack_back_in_last_ack(void)
{
    struct tp_conn c = conn_time_wait(); /* TIME_WAIT / CLOSED */
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    EXPECT_ANOMALY(&r, fin_retransmission);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_LAST_ACK);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 1, .ack = S_NXT + 1);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_CLOSED);
}

/* The same from FIN_WAIT_2: back in FIN_WAIT_1. */
static void test_fin_again_after_its_ack_back_in_fin_wait_1(void)
{
    struct tp_conn c = conn_fin_wait_2(); /* FIN_WAIT_2 / CLOSE_WAIT */
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_STATES(&r, TP_FIN_WAIT_1, TP_CLOSE_WAIT);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();

    g_test_add_func("/teardown/established/fin", test_established_fin);
    g_test_add_func("/teardown/established/fin_data", test_established_fin_data);
    g_test_add_func("/teardown/fin_wait_1/ack", test_fin_wait_1_ack);
    g_test_add_func("/teardown/fin_wait_1/ack_not_covering_fin", test_fin_wait_1_ack_not_covering_fin);
    g_test_add_func("/teardown/fin_wait_1/fin_retransmission", test_fin_wait_1_fin_retransmission);
    g_test_add_func("/teardown/links/fin_is_linked_to_its_first_ack", test_fin_is_linked_to_its_first_ack);
    g_test_add_func("/teardown/links/fin_at_another_seq_is_linked_to_no_ack",
                    test_fin_at_another_seq_is_linked_to_no_ack);
    g_test_add_func("/teardown/fin_wait_1/finack", test_fin_wait_1_finack);
    g_test_add_func("/teardown/fin_wait_1/finack_then_ack", test_fin_wait_1_finack_then_ack);
    g_test_add_func("/teardown/fin_wait_1/fin_simultaneous", test_fin_wait_1_fin_simultaneous);
    g_test_add_func("/teardown/closing/ack", test_closing_ack);
    g_test_add_func("/teardown/closing/ack_both", test_closing_ack_both);
    g_test_add_func("/teardown/fin_wait_2/data", test_fin_wait_2_data);
    g_test_add_func("/teardown/fin_wait_2/fin", test_fin_wait_2_fin);
    g_test_add_func("/teardown/last_ack/ack", test_last_ack_ack);
    g_test_add_func("/teardown/time_wait/ack", test_time_wait_ack);
    g_test_add_func("/teardown/established/fin_from_server", test_established_fin_from_server);
    g_test_add_func("/teardown/server_fin_wait_1/ack", test_server_fin_wait_1_ack);
    g_test_add_func("/teardown/server_fin_wait_2/fin", test_server_fin_wait_2_fin);
    g_test_add_func("/teardown/client_last_ack/ack", test_client_last_ack_ack);
    g_test_add_func("/teardown/fin_again_after_its_ack/last_ack", test_fin_again_after_its_ack_back_in_last_ack);
    g_test_add_func("/teardown/fin_again_after_its_ack/fin_wait_1", test_fin_again_after_its_ack_back_in_fin_wait_1);
    return g_test_run();
}
