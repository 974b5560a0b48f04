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
    return g_test_run();
}
