/* Multi-step stories, port reuse, invalid flags and sequence number wrap. */
#include "test_support.h"

static void test_story_client_close(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_PSH | TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 200);
    EXPECT_PHASE(&r, TP_PHASE_ESTABLISHED);
    FEED(&c, &r, S2C, .flags = TP_PSH | TP_ACK, .seq = S_NXT, .ack = C_NXT + 200, .len = 1000);
    EXPECT_PHASE(&r, TP_PHASE_ESTABLISHED);
    EXPECT_LABEL(&r, "Data");
    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT + 200, .ack = S_NXT + 1000);
    EXPECT_TD_STEP(&r, 1);
    EXPECT_STATES(&r, TP_FIN_WAIT_1, TP_CLOSE_WAIT);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT + 1000, .ack = C_NXT + 201);
    EXPECT_TD_STEP(&r, 2);
    EXPECT_STATES(&r, TP_FIN_WAIT_2, TP_CLOSE_WAIT);
    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT + 1000, .ack = C_NXT + 201);
    EXPECT_TD_STEP(&r, 3);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_LAST_ACK);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 201, .ack = S_NXT + 1001);
    EXPECT_TD_STEP(&r, 4);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_CLOSED);
    EXPECT_PHASE(&r, TP_PHASE_TEARDOWN);
    g_assert_true(tp_conn_finished(&c));
}

static void test_story_handshake_ack_lost(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_PSH | TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 300);
    EXPECT_HS_STEP(&r, 3);
    EXPECT_LABEL(&r, "Handshake 3/3: ACK (data)");
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 300);
    EXPECT_NO_STEP(&r);
    EXPECT_PHASE(&r, TP_PHASE_ESTABLISHED);
    EXPECT_LABEL(&r, "ACK");
}

static void test_story_refused_then_retry(void)
{
    const struct tp_segment retry = { .flags = TP_SYN, .seq = CLIENT_ISN + 3000, .from = C2S };
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = 0, .ack = C_NXT);
    EXPECT_STATES(&r, TP_CLOSED, TP_CLOSED);
    g_assert_true(tp_conn_finished(&c));
    g_assert_true(tp_starts_new_incarnation(&c, &retry));
}

static void test_story_port_reuse(void)
{
    const struct tp_conn old = conn_time_wait();
    const struct tp_segment syn = { .flags = TP_SYN, .seq = CLIENT_ISN + 100000, .from = C2S };
    struct tp_conn c = { 0 };
    struct tp_result r;

    g_assert_true(tp_starts_new_incarnation(&old, &syn));
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = syn.seq);
    EXPECT_STATES(&r, TP_SYN_SENT, TP_SYN_RECEIVED);
    EXPECT_LABEL(&r, "Handshake 1/3: SYN");
    g_assert_false(r.retransmission);
}

static void test_story_seq_wrap(void)
{
    const uint32_t cisn = 0xFFFFFF00u, sisn = 0xFFFFFFF0u;
    const uint32_t c_fin = cisn + 1 + 0x200, s_fin = sisn + 1 + 0x100; /* both past 2^32 */
    struct tp_conn c = { 0 };
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = cisn);
    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = sisn, .ack = cisn + 1);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = cisn + 1, .ack = sisn + 1);
    EXPECT_HS_STEP(&r, 3);
    FEED(&c, &r, C2S, .flags = TP_PSH | TP_ACK, .seq = cisn + 1, .ack = sisn + 1, .len = 0x200);
    FEED(&c, &r, S2C, .flags = TP_PSH | TP_ACK, .seq = sisn + 1, .ack = c_fin, .len = 0x100);
    EXPECT_PHASE(&r, TP_PHASE_ESTABLISHED);
    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = c_fin, .ack = s_fin);
    EXPECT_TD_STEP(&r, 1);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = s_fin, .ack = c_fin + 1);
    EXPECT_TD_STEP(&r, 2);
    EXPECT_STATES(&r, TP_FIN_WAIT_2, TP_CLOSE_WAIT);
    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = s_fin, .ack = c_fin + 1);
    EXPECT_TD_STEP(&r, 3);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = c_fin + 1, .ack = s_fin + 1);
    EXPECT_TD_STEP(&r, 4);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_CLOSED);
}

static void test_time_wait_syn_new_incarnation(void)
{
    const struct tp_conn c = conn_time_wait();
    const struct tp_segment syn = { .flags = TP_SYN, .seq = CLIENT_ISN + 100000, .from = C2S };

    g_assert_true(tp_starts_new_incarnation(&c, &syn));
}

static void test_syn_sent_syn_not_new_incarnation(void)
{
    const struct tp_conn c = conn_syn_sent();
    const struct tp_segment syn = { .flags = TP_SYN, .seq = CLIENT_ISN, .from = C2S };

    g_assert_false(tp_starts_new_incarnation(&c, &syn));
}

static void test_established_syn(void)
{
    struct tp_conn c = conn_established();
    const struct tp_segment syn = { .flags = TP_SYN, .seq = CLIENT_ISN + 100000, .from = C2S };
    struct tp_result r;

    g_assert_false(tp_starts_new_incarnation(&c, &syn));
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN + 100000);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_HS_STEP(&r, 1);
    EXPECT_LABEL(&r, "Handshake 1/3: SYN");
}

static void test_established_syn_fin(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN | TP_FIN, .seq = C_NXT, .ack = S_NXT);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_NO_STEP(&r);
    EXPECT_LABEL(&r, "Invalid flags");
}

static void test_established_no_flags(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = 0, .seq = C_NXT, .ack = S_NXT);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_LABEL(&r, "Invalid flags");
}

static void test_established_all_flags(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = 0xFF, .seq = C_NXT, .ack = S_NXT);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_LABEL(&r, "Invalid flags");
    g_assert_cmpuint(r.phase, !=, TP_PHASE_RESET);
}

static void test_closed_syn_fin(void)
{
    struct tp_conn c = { 0 };
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN | TP_FIN, .seq = CLIENT_ISN);
    EXPECT_STATES(&r, TP_CLOSED, TP_LISTEN);
    EXPECT_LABEL(&r, "Invalid flags");
}

static void test_fin_wait_1_fin_retransmission_data(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_PSH | TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 40);
    FEED(&c, &r, C2S, .flags = TP_FIN | TP_PSH | TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 40);
    EXPECT_TD_STEP(&r, 1);
    EXPECT_LABEL(&r, "Teardown 1/4: FIN (data, retransmission)");
}

/* Each segment kind is decided once from the flags, RST and bad flags first. */
static void test_segment_events_from_flags(void)
{
    g_assert_cmpint(tp_segment_event(TP_SYN), ==, TP_EV_SYN);
    g_assert_cmpint(tp_segment_event(TP_SYN | TP_PSH | TP_ECE | TP_CWR), ==, TP_EV_SYN);
    g_assert_cmpint(tp_segment_event(TP_SYN | TP_ACK), ==, TP_EV_SYN_ACK);
    g_assert_cmpint(tp_segment_event(TP_FIN | TP_ACK), ==, TP_EV_FIN_ACK);
    g_assert_cmpint(tp_segment_event(TP_FIN), ==, TP_EV_FIN);
    g_assert_cmpint(tp_segment_event(TP_ACK | TP_PSH), ==, TP_EV_ACK);
    g_assert_cmpint(tp_segment_event(TP_PSH), ==, TP_EV_NO_ACK);
    g_assert_cmpint(tp_segment_event(TP_RST), ==, TP_EV_RST);
    g_assert_cmpint(tp_segment_event(TP_RST | TP_ACK | TP_FIN), ==, TP_EV_RST);
    g_assert_cmpint(tp_segment_event(0), ==, TP_EV_BAD_FLAGS);
    g_assert_cmpint(tp_segment_event(TP_ECE), ==, TP_EV_BAD_FLAGS);
    g_assert_cmpint(tp_segment_event(TP_SYN | TP_FIN), ==, TP_EV_BAD_FLAGS);
    g_assert_cmpint(tp_segment_event(TP_SYN | TP_RST | TP_ACK), ==, TP_EV_BAD_FLAGS);
    g_assert_cmpint(tp_segment_event(TP_FIN | TP_SYN | TP_RST | TP_PSH | TP_ACK | TP_URG), ==, TP_EV_BAD_FLAGS);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/scenarios/segment_events_from_flags", test_segment_events_from_flags);
    g_test_set_nonfatal_assertions();

    g_test_add_func("/scenario/story/client_close", test_story_client_close);
    g_test_add_func("/scenario/story/handshake_ack_lost", test_story_handshake_ack_lost);
    g_test_add_func("/scenario/story/refused_then_retry", test_story_refused_then_retry);
    g_test_add_func("/scenario/story/port_reuse", test_story_port_reuse);
    g_test_add_func("/scenario/story/seq_wrap", test_story_seq_wrap);
    g_test_add_func("/reuse/time_wait/syn", test_time_wait_syn_new_incarnation);
    g_test_add_func("/reuse/syn_sent/syn_retransmission", test_syn_sent_syn_not_new_incarnation);
    g_test_add_func("/reuse/established/syn", test_established_syn);
    g_test_add_func("/flags/established/syn_fin", test_established_syn_fin);
    g_test_add_func("/flags/established/none", test_established_no_flags);
    g_test_add_func("/flags/established/all", test_established_all_flags);
    g_test_add_func("/flags/closed/syn_fin", test_closed_syn_fin);
    g_test_add_func("/label/fin_wait_1/fin_retransmission_data", test_fin_wait_1_fin_retransmission_data);
    return g_test_run();
}
