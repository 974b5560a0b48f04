/* Opening a connection: three-way handshake, its variants and midstream pickup. */
#include "test_support.h"

static void test_closed_init(void)
{
    const struct tp_segment syn = { .flags = TP_SYN, .seq = CLIENT_ISN, .win = 65535 };
    struct tp_conn c;

    tp_conn_init(&c, &syn, CLIENT_PORT, SERVER_PORT);
    EXPECT_CONN_STATES(&c, TP_CLOSED, TP_LISTEN);
    g_assert_cmpuint(c.client, ==, C2S);
    g_assert_false(c.midstream);
}

static void test_closed_syn(void)
{
    struct tp_conn c = { 0 };
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    EXPECT_STATES(&r, TP_SYN_SENT, TP_SYN_RECEIVED);
    EXPECT_HS_STEP(&r, 1);
    EXPECT_PHASE(&r, TP_PHASE_HANDSHAKE);
    EXPECT_LABEL(&r, "Handshake 1/3: SYN");
    g_assert_cmpuint(r.sender_role, ==, TP_ROLE_CLIENT);
    g_assert_false(r.retransmission);
}

static void test_syn_sent_syn_retransmission(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    EXPECT_STATES(&r, TP_SYN_SENT, TP_SYN_RECEIVED);
    EXPECT_HS_STEP(&r, 1);
    g_assert_true(r.retransmission);
    EXPECT_LABEL(&r, "Handshake 1/3: SYN (retransmission)");
}

static void test_syn_sent_synack(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_SYN_RECEIVED);
    EXPECT_HS_STEP(&r, 2);
    EXPECT_PHASE(&r, TP_PHASE_HANDSHAKE);
    EXPECT_LABEL(&r, "Handshake 2/3: SYN-ACK");
    g_assert_cmpuint(r.sender_role, ==, TP_ROLE_SERVER);
}

static void test_syn_sent_synack_wrong_ack(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = CLIENT_ISN + 77);
    EXPECT_STATES(&r, TP_SYN_SENT, TP_SYN_RECEIVED);
}

static void test_syn_sent_ack_missing_synack(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_HS_STEP(&r, 3);
    EXPECT_LABEL(&r, "Handshake 3/3: ACK");
}

static void test_syn_received_ack(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_HS_STEP(&r, 3);
    EXPECT_PHASE(&r, TP_PHASE_HANDSHAKE);
    EXPECT_LABEL(&r, "Handshake 3/3: ACK");
    g_assert_true(c.established);
}

static void test_syn_received_ack_wrong(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = SERVER_ISN);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_SYN_RECEIVED);
    EXPECT_NO_STEP(&r);
    EXPECT_PHASE(&r, TP_PHASE_HANDSHAKE);
}

static void test_syn_received_data(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_PSH | TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 100);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_HS_STEP(&r, 3);
    EXPECT_LABEL(&r, "Handshake 3/3: ACK (data)");
}

static void test_established_data(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_PSH | TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 100);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_NO_STEP(&r);
    EXPECT_PHASE(&r, TP_PHASE_ESTABLISHED);
    EXPECT_LABEL(&r, "Data");
}

static void test_syn_sent_syn_simultaneous(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN, .seq = SERVER_ISN);
    EXPECT_STATES(&r, TP_SYN_RECEIVED, TP_SYN_RECEIVED);
    EXPECT_HS_STEP(&r, 1);
    EXPECT_LABEL(&r, "Handshake 1/3: SYN");
    g_assert_true(c.simultaneous_open);
}

/* The client SYN the first SYN-ACK answers is its latest SYN until a
 * SYN-ACK comes: the server's crossing SYN does not settle it, a SYN-ACK
 * does, and a SYN after that changes it no more (tp_syn_frame_settled). */
static void test_syn_frame_settles_with_the_synack(void)
{
    struct tp_conn c = conn_simultaneous_open(); /* frames 1 (client SYN), 2 (server SYN) */
    struct tp_result r;

    g_assert_cmpuint(c.syn_frame, ==, 1);
    g_assert_false(tp_syn_frame_settled(&c));
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .frame = 3);
    g_assert_cmpuint(c.syn_frame, ==, 3);
    g_assert_false(tp_syn_frame_settled(&c));
    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT, .frame = 4);
    g_assert_true(tp_syn_frame_settled(&c));
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .frame = 5);
    g_assert_cmpuint(c.syn_frame, ==, 3);
    g_assert_true(tp_syn_frame_settled(&c));
}

static void test_simultaneous_synack_first(void)
{
    struct tp_conn c = conn_simultaneous_open();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN | TP_ACK, .seq = CLIENT_ISN, .ack = S_NXT);
    EXPECT_STATES(&r, TP_SYN_RECEIVED, TP_ESTABLISHED);
    EXPECT_HS_STEP(&r, 2);
    EXPECT_LABEL(&r, "Handshake 2/3: SYN-ACK");
}

static void test_simultaneous_synack_second(void)
{
    struct tp_conn c = conn_simultaneous_open();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN | TP_ACK, .seq = CLIENT_ISN, .ack = S_NXT);
    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_HS_STEP(&r, 2, 3);
    EXPECT_LABEL(&r, "Handshake 2+3/3: SYN-ACK");
}

static void test_simultaneous_ack_split(void)
{
    struct tp_conn c = conn_simultaneous_open();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN | TP_ACK, .seq = CLIENT_ISN, .ack = S_NXT);
    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    EXPECT_HS_STEP(&r, 3);
    EXPECT_LABEL(&r, "Handshake 3/3: ACK");
}

static void test_midstream_data(void)
{
    struct tp_conn c = { 0 };
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_PSH | TP_ACK, .seq = 70000, .ack = 90000, .len = 10);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    g_assert_true(c.midstream);
    g_assert_true(c.role_guessed);
    g_assert_cmpuint(r.sender_role, ==, TP_ROLE_CLIENT);
    EXPECT_PHASE(&r, TP_PHASE_ESTABLISHED);
    EXPECT_LABEL(&r, "Data");
}

static void test_midstream_data_from_server(void)
{
    struct tp_conn c = { 0 };
    struct tp_result r;

    /* The first captured segment comes from port 80, so its sender (endpoint 0) serves. */
    FEED_PORTS(&c, &r, SERVER_PORT, CLIENT_PORT, 0, .flags = TP_ACK, .seq = 90000, .ack = 70000);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    g_assert_true(c.midstream);
    g_assert_cmpuint(c.client, ==, 1);
    g_assert_cmpuint(r.sender_role, ==, TP_ROLE_SERVER);
}

static void test_midstream_synack_init(void)
{
    const struct tp_segment synack = { .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT };
    struct tp_conn c;

    tp_conn_init(&c, &synack, SERVER_PORT, CLIENT_PORT);
    g_assert_true(c.midstream);
    g_assert_cmpuint(c.client, ==, 1);
    EXPECT_CONN_STATES(&c, TP_SYN_SENT, TP_LISTEN);
}

static void test_midstream_synack(void)
{
    struct tp_conn c = { 0 };
    struct tp_result r;

    FEED_PORTS(&c, &r, SERVER_PORT, CLIENT_PORT, 0, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN,
               .ack = C_NXT);
    g_assert_true(c.midstream);
    g_assert_cmpuint(r.sender_role, ==, TP_ROLE_SERVER);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_SYN_RECEIVED);
    EXPECT_HS_STEP(&r, 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();

    g_test_add_func("/handshake/closed/init", test_closed_init);
    g_test_add_func("/handshake/closed/syn", test_closed_syn);
    g_test_add_func("/handshake/syn_sent/syn_retransmission", test_syn_sent_syn_retransmission);
    g_test_add_func("/handshake/syn_sent/synack", test_syn_sent_synack);
    g_test_add_func("/handshake/syn_frame_settles_with_the_synack", test_syn_frame_settles_with_the_synack);
    g_test_add_func("/handshake/syn_sent/synack_wrong_ack", test_syn_sent_synack_wrong_ack);
    g_test_add_func("/handshake/syn_sent/ack_missing_synack", test_syn_sent_ack_missing_synack);
    g_test_add_func("/handshake/syn_received/ack", test_syn_received_ack);
    g_test_add_func("/handshake/syn_received/ack_wrong", test_syn_received_ack_wrong);
    g_test_add_func("/handshake/syn_received/data", test_syn_received_data);
    g_test_add_func("/handshake/established/data", test_established_data);
    g_test_add_func("/handshake/syn_sent/syn_simultaneous", test_syn_sent_syn_simultaneous);
    g_test_add_func("/handshake/simultaneous/synack_first", test_simultaneous_synack_first);
    g_test_add_func("/handshake/simultaneous/synack_second", test_simultaneous_synack_second);
    g_test_add_func("/handshake/simultaneous/ack_split", test_simultaneous_ack_split);
    g_test_add_func("/handshake/midstream/data", test_midstream_data);
    g_test_add_func("/handshake/midstream/data_from_server", test_midstream_data_from_server);
    g_test_add_func("/handshake/midstream/synack_init", test_midstream_synack_init);
    g_test_add_func("/handshake/midstream/synack", test_midstream_synack);
    return g_test_run();
}
