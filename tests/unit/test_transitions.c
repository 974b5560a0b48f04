/* Each end's transition on a segment and why, as tcpphase.transition.client
 * and .server say it: one test per reason. */
#include "test_support.h"

static char text[96];

static const char *client_transition(const struct tp_result *r)
{
    return tp_transition_format(r->state_client_before, r->state_client, r->why_client, TP_LANG_EN, text, sizeof text);
}

static const char *server_transition(const struct tp_result *r)
{
    return tp_transition_format(r->state_server_before, r->state_server, r->why_server, TP_LANG_EN, text, sizeof text);
}

static void test_syn_sent_and_received(void)
{
    struct tp_conn c = {0};
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    g_assert_cmpstr(client_transition(&r), ==, "CLOSED \u2192 SYN_SENT (sent SYN)");
    g_assert_cmpstr(server_transition(&r), ==, "LISTEN \u2192 SYN_RECEIVED (received SYN)");
}

/* RFC 9293 3.10.7: a segment whose checksum fails is discarded first. */
static void test_bad_checksum_changes_no_state(void)
{
    struct tp_conn c = {0};
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .checksum_bad = true);
    g_assert_cmpuint(r.label, ==, TP_LABEL_BAD_CHECKSUM);
    EXPECT_STATES(&r, TP_CLOSED, TP_LISTEN);
    g_assert_cmpstr(client_transition(&r), ==, "");
    g_assert_cmpstr(server_transition(&r), ==, "");
    g_assert_cmpuint(r.hs_steps, ==, 0);
    /* its resend is the handshake's first step, in the same connection */
    g_assert_false(tp_starts_new_incarnation(&c, &(struct tp_segment){.flags = TP_SYN, .seq = CLIENT_ISN}));
    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    g_assert_cmpuint(r.label, ==, TP_LABEL_HS_SYN);
    g_assert_cmpstr(server_transition(&r), ==, "LISTEN \u2192 SYN_RECEIVED (received SYN)");
    g_assert_cmpstr(HISTORY(&c), ==, "CS");
}

static void test_synack_received_establishes_the_client(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    g_assert_cmpstr(client_transition(&r), ==, "SYN_SENT \u2192 ESTABLISHED (received SYN-ACK)");
    g_assert_cmpstr(server_transition(&r), ==, ""); /* it was in SYN_RECEIVED already */
}

static void test_handshake_ack_establishes_the_server(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT);
    g_assert_cmpstr(client_transition(&r), ==, "");
    g_assert_cmpstr(server_transition(&r), ==, "SYN_RECEIVED \u2192 ESTABLISHED (received the ACK of its SYN)");
}

static void test_first_fin_sent_and_received(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    g_assert_cmpstr(client_transition(&r), ==, "ESTABLISHED \u2192 FIN_WAIT_1 (sent FIN)");
    g_assert_cmpstr(server_transition(&r), ==, "ESTABLISHED \u2192 CLOSE_WAIT (received FIN)");
}

static void test_ack_of_fin_moves_to_fin_wait_2(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    g_assert_cmpstr(client_transition(&r), ==, "FIN_WAIT_1 \u2192 FIN_WAIT_2 (received the ACK of its FIN)");
    g_assert_cmpstr(server_transition(&r), ==, "");
}

static void test_second_fin_moves_to_last_ack_and_time_wait(void)
{
    struct tp_conn c = conn_fin_wait_2();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    g_assert_cmpstr(server_transition(&r), ==, "CLOSE_WAIT \u2192 LAST_ACK (sent FIN)");
    g_assert_cmpstr(client_transition(&r), ==, "FIN_WAIT_2 \u2192 TIME_WAIT (received FIN)");
}

static void test_last_ack_closes(void)
{
    struct tp_conn c = conn_last_ack();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 1, .ack = S_NXT + 1);
    g_assert_cmpstr(server_transition(&r), ==, "LAST_ACK \u2192 CLOSED (received the ACK of its FIN)");
    g_assert_cmpstr(client_transition(&r), ==, "");
}

static void test_rst_sent_and_received(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_RST | TP_ACK, .seq = S_NXT, .ack = C_NXT);
    g_assert_cmpstr(server_transition(&r), ==, "ESTABLISHED \u2192 CLOSED (sent RST)");
    g_assert_cmpstr(client_transition(&r), ==, "ESTABLISHED \u2192 CLOSED (received RST)");
}

/* Half-open scan: SYN, SYN-ACK, the client's RST. The server came from a
 * passive open: it returns to LISTEN (RFC 9293 3.10.7.3). */
static void test_rst_in_syn_received_returns_to_listen(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_RST, .seq = C_NXT);
    g_assert_cmpstr(server_transition(&r), ==, "SYN_RECEIVED \u2192 LISTEN (received RST)");
}

static void test_syn_resent_after_synack(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    g_assert_cmpstr(client_transition(&r), ==,
                    "ESTABLISHED \u2192 SYN_SENT (sent its SYN again: it never took the SYN-ACK)");
}

/* Simultaneous open: the SYNs cross; the client, in SYN_SENT, receives the
 * server's SYN (RFC 9293 figure 7). */
static void test_simultaneous_open_syn_received_in_syn_sent(void)
{
    struct tp_conn c = {0};
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    FEED(&c, &r, S2C, .flags = TP_SYN, .seq = SERVER_ISN);
    g_assert_cmpstr(client_transition(&r), ==, "SYN_SENT \u2192 SYN_RECEIVED (received SYN)");
}

/* In hindsight (the whole capture read): a SYN answered by RST found the
 * server CLOSED; it never was in LISTEN or SYN_RECEIVED. */
static void test_hindsight_refused_server_was_closed(void)
{
    struct tp_conn c = {0};
    struct tp_result syn, rst;

    FEED(&c, &syn, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    FEED(&c, &rst, S2C, .flags = TP_RST | TP_ACK, .seq = 0, .ack = C_NXT);
    tp_hindsight_states(&c, &syn);
    tp_hindsight_states(&c, &rst);
    EXPECT_STATES(&syn, TP_SYN_SENT, TP_CLOSED);
    g_assert_cmpstr(server_transition(&syn), ==, "");
    g_assert_cmpstr(server_transition(&rst), ==, "");
    g_assert_cmpstr(client_transition(&rst), ==, "SYN_SENT \u2192 CLOSED (received RST)");
}

/* A SYN nobody answered is no evidence it arrived: the server stays LISTEN. */
static void test_hindsight_unanswered_server_stays_listen(void)
{
    struct tp_conn c = {0};
    struct tp_result syn;

    FEED(&c, &syn, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    tp_hindsight_states(&c, &syn);
    EXPECT_STATES(&syn, TP_SYN_SENT, TP_LISTEN);
    g_assert_cmpstr(server_transition(&syn), ==, "");
}

/* A self-connect (issue 17 item 6): one socket bound to and connected to
 * 127.0.0.1:47011, as sample-captures/self-connect.pcapng shows it. Every
 * segment is sent and received by that one TCB; the client's transition is
 * what sending it did, the server's what receiving it did. */
#define SELF_PORT 47011u

static struct tp_conn self_connect_before_syn(void)
{
    struct tp_conn c;

    tp_conn_init(&c, &(struct tp_segment){.flags = TP_SYN, .seq = CLIENT_ISN}, SELF_PORT, SELF_PORT);
    tp_conn_set_self_connect(&c);
    return c;
}

/* Its SYN arrives at itself: CLOSED -> SYN_SENT -> SYN_RECEIVED. */
static void test_self_connect_syn_sent_and_received_by_one_socket(void)
{
    struct tp_conn c = self_connect_before_syn();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    g_assert_cmpstr(client_transition(&r), ==, "CLOSED \u2192 SYN_SENT (sent SYN)");
    g_assert_cmpstr(server_transition(&r), ==, "SYN_SENT \u2192 SYN_RECEIVED (received SYN)");
    EXPECT_HS_STEP(&r, 1);
    EXPECT_NO_ANOMALY(&r);
    g_assert_cmpuint(r.sender_role, ==, TP_ROLE_CLIENT);
    EXPECT_CONN_STATES(&c, TP_SYN_RECEIVED, TP_SYN_RECEIVED); /* one socket */
}

/* Its SYN-ACK (ack = its own ISN + 1) arrives at itself: SYN_RECEIVED ->
 * ESTABLISHED, the handshake's steps 2 and 3 at once; no wrong direction. */
static void test_self_connect_synack_establishes_it(void)
{
    struct tp_conn c = self_connect_before_syn();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    FEED(&c, &r, C2S, .flags = TP_SYN | TP_ACK, .seq = CLIENT_ISN, .ack = C_NXT);
    EXPECT_NO_ANOMALY(&r);
    g_assert_cmpstr(client_transition(&r), ==, "");
    g_assert_cmpstr(server_transition(&r), ==, "SYN_RECEIVED \u2192 ESTABLISHED (received SYN-ACK)");
    EXPECT_HS_STEP(&r, 2, 3);
    EXPECT_LABEL(&r, "Handshake 2+3/3: SYN-ACK");
    g_assert_true(c.established);
    /* the ACK Linux sends next, and the data, change nothing and are no anomaly */
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = C_NXT);
    EXPECT_NO_ANOMALY(&r);
    EXPECT_NO_STEP(&r);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    FEED(&c, &r, C2S, .flags = TP_PSH | TP_ACK, .seq = C_NXT, .ack = C_NXT, .len = 10);
    EXPECT_NO_ANOMALY(&r);
    EXPECT_PHASE(&r, TP_PHASE_ESTABLISHED);
    EXPECT_LABEL(&r, "Data");
}

/* A self-connect after its SYN and SYN-ACK: ESTABLISHED. */
static struct tp_conn self_connect_established(void)
{
    struct tp_conn c = self_connect_before_syn();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    FEED(&c, &r, C2S, .flags = TP_SYN | TP_ACK, .seq = CLIENT_ISN, .ack = C_NXT);
    return c;
}

/* Its FIN arrives at itself before any ACK of it: ESTABLISHED ->
 * FIN_WAIT_1 (sent) -> CLOSING (received); the ACK of the FIN ends it in
 * TIME_WAIT. */
static void test_self_connect_fin_closes_through_closing(void)
{
    struct tp_conn c = self_connect_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = C_NXT);
    EXPECT_NO_ANOMALY(&r);
    g_assert_cmpstr(client_transition(&r), ==, "ESTABLISHED \u2192 FIN_WAIT_1 (sent FIN)");
    g_assert_cmpstr(server_transition(&r), ==, "FIN_WAIT_1 \u2192 CLOSING (received FIN)");
    EXPECT_TD_STEP(&r, 1);
    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 1, .ack = C_NXT + 1);
    EXPECT_NO_ANOMALY(&r);
    g_assert_cmpstr(client_transition(&r), ==, "");
    g_assert_cmpstr(server_transition(&r), ==, "CLOSING \u2192 TIME_WAIT (received the ACK of its FIN)");
    EXPECT_TD_STEP(&r, 2);
    EXPECT_CONN_STATES(&c, TP_TIME_WAIT, TP_TIME_WAIT);
    g_assert_true(tp_conn_finished(&c));
}

/* An answered SYN keeps the states the tracker gave it. */
static void test_hindsight_keeps_an_answered_handshake(void)
{
    struct tp_conn c = {0};
    struct tp_result syn;

    FEED(&c, &syn, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    struct tp_result synack;
    FEED(&c, &synack, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    tp_hindsight_states(&c, &syn);
    EXPECT_STATES(&syn, TP_SYN_SENT, TP_SYN_RECEIVED);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/transition/syn_sent_and_received", test_syn_sent_and_received);
    g_test_add_func("/transition/bad_checksum_changes_no_state", test_bad_checksum_changes_no_state);
    g_test_add_func("/transition/synack_received_establishes_the_client", test_synack_received_establishes_the_client);
    g_test_add_func("/transition/handshake_ack_establishes_the_server", test_handshake_ack_establishes_the_server);
    g_test_add_func("/transition/first_fin_sent_and_received", test_first_fin_sent_and_received);
    g_test_add_func("/transition/ack_of_fin_moves_to_fin_wait_2", test_ack_of_fin_moves_to_fin_wait_2);
    g_test_add_func("/transition/second_fin_moves_to_last_ack_and_time_wait",
                    test_second_fin_moves_to_last_ack_and_time_wait);
    g_test_add_func("/transition/last_ack_closes", test_last_ack_closes);
    g_test_add_func("/transition/rst_sent_and_received", test_rst_sent_and_received);
    g_test_add_func("/transition/rst_in_syn_received_returns_to_listen", test_rst_in_syn_received_returns_to_listen);
    g_test_add_func("/transition/syn_resent_after_synack", test_syn_resent_after_synack);
    g_test_add_func("/transition/simultaneous_open_syn_received_in_syn_sent",
                    test_simultaneous_open_syn_received_in_syn_sent);
    g_test_add_func("/transition/self_connect_syn_sent_and_received_by_one_socket",
                    test_self_connect_syn_sent_and_received_by_one_socket);
    g_test_add_func("/transition/self_connect_synack_establishes_it", test_self_connect_synack_establishes_it);
    g_test_add_func("/transition/self_connect_fin_closes_through_closing",
                    test_self_connect_fin_closes_through_closing);
    g_test_add_func("/transition/hindsight/refused_server_was_closed", test_hindsight_refused_server_was_closed);
    g_test_add_func("/transition/hindsight/unanswered_server_stays_listen",
                    test_hindsight_unanswered_server_stays_listen);
    g_test_add_func("/transition/hindsight/keeps_an_answered_handshake", test_hindsight_keeps_an_answered_handshake);
    return g_test_run();
}
