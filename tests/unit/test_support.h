/* A small scenario DSL for the tracker's unit tests, in the style of smoltcp's
 * tests: fixtures that build one state from the previous one, FEED to send a
 * segment, EXPECT_* checks that report the caller's file:line.
 *
 * The client is endpoint 0 (it sends the first captured segment), the server
 * endpoint 1; C2S and S2C name the sending endpoint. */
#ifndef TCPPHASE_TEST_SUPPORT_H
#define TCPPHASE_TEST_SUPPORT_H

#include <glib.h>
#include <string.h>

#include "tcpphase/tracker.h"

enum { C2S = 0, S2C = 1 };

#define CLIENT_ISN 1000u
#define SERVER_ISN 5000u
#define C_NXT (CLIENT_ISN + 1u) /* the client's first sequence number after its SYN */
#define S_NXT (SERVER_ISN + 1u)
#define CLIENT_PORT 49152u
#define SERVER_PORT 80u

/* FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN): |c| must start zeroed
 * ({ 0 }); the first FEED calls tp_conn_init. Frames are numbered 1, 2, ...
 * unless .frame is given. The tracker is judged with tp_config_default. */
#define FEED(c, r, dir, ...) \
    feed((c), (r), (struct tp_segment){ .win = 65535, .from = (dir), __VA_ARGS__ })

/* FEED with the configuration |cfg| instead of tp_config_default. */
#define FEED_CFG(c, cfg, r, dir, ...) \
    feed_cfg((c), (cfg), (r), (struct tp_segment){ .win = 65535, .from = (dir), __VA_ARGS__ })

/* HISTORY(c): the Zeek history of |c| so far, as a string that lives to
 * the end of the enclosing block. */
#define HISTORY(c) tp_conn_history((c), (char[TP_HISTORY_MAX + 1]){0})

/* FEED with the ports the first segment travels between (role guessing). */
#define FEED_PORTS(c, r, from_port, to_port, dir, ...)                              \
    feed_ports((c), (r), (struct tp_segment){ .win = 65535, .from = (dir), __VA_ARGS__ }, \
               (from_port), (to_port))

/* How much of the capture tp_later_anomalies may judge: ENDED_AT(ns), a
 * capture that ended at |ns|; RUNNING_AT(ns), a live one read up to |ns|. */
#define ENDED_AT(ns) (&(const struct tp_horizon){ .ended = true, .now_ns = (ns) })
#define RUNNING_AT(ns) (&(const struct tp_horizon){ .ended = false, .now_ns = (ns) })

#define STEPS(...) steps_mask((const unsigned[]){ __VA_ARGS__, 0 })

#define EXPECT_STATES(r, want_client, want_server)                                  \
    expect_states(__FILE__, __LINE__, __func__, (r)->state_client, (r)->state_server, \
                  (want_client), (want_server))
#define EXPECT_CONN_STATES(c, want_client, want_server)                        \
    expect_states(__FILE__, __LINE__, __func__, (c)->ep[(c)->client].state,     \
                  (c)->ep[1 - (c)->client].state, (want_client), (want_server))
#define EXPECT_HS_STEP(r, ...) \
    expect_steps(__FILE__, __LINE__, __func__, "handshake", (r)->hs_steps, STEPS(__VA_ARGS__))
#define EXPECT_TD_STEP(r, ...) \
    expect_steps(__FILE__, __LINE__, __func__, "teardown", (r)->td_steps, STEPS(__VA_ARGS__))
#define EXPECT_NO_STEP(r)                                                                \
    do {                                                                                 \
        expect_steps(__FILE__, __LINE__, __func__, "handshake", (r)->hs_steps, 0);       \
        expect_steps(__FILE__, __LINE__, __func__, "teardown", (r)->td_steps, 0);        \
    } while (0)
#define EXPECT_PHASE(r, want) expect_phase(__FILE__, __LINE__, __func__, (r)->phase, (want))
#define EXPECT_LABEL(r, text) expect_label(__FILE__, __LINE__, __func__, (r), (text))
/* EXPECT_ANOMALY(&r, syn_new_isn): raised; EXPECT_ANOMALY_NUMBERS also checks its two numbers. */
#define EXPECT_ANOMALY(r, id) expect_anomaly(__FILE__, __LINE__, __func__, (r), TP_A_##id, false, 0, 0)
#define EXPECT_ANOMALY_NUMBERS(r, id, a, b) \
    expect_anomaly(__FILE__, __LINE__, __func__, (r), TP_A_##id, true, (a), (b))
#define EXPECT_NO_ANOMALY(r) expect_no_anomaly(__FILE__, __LINE__, __func__, (r))
/* RAISED(&r, synack_bad_ack): whether |r| carries the anomaly, for asserting it does not. */
#define RAISED(r, id) ((((r)->anomalies) >> TP_A_##id) & 1)

void feed(struct tp_conn *c, struct tp_result *r, struct tp_segment s);
void feed_cfg(struct tp_conn *c, const struct tp_config *cfg, struct tp_result *r, struct tp_segment s);
void feed_ports(struct tp_conn *c, struct tp_result *r, struct tp_segment s, uint16_t from_port,
                uint16_t to_port);
unsigned steps_mask(const unsigned *steps);

void expect_states(const char *file, int line, const char *func, unsigned client, unsigned server,
                   unsigned want_client, unsigned want_server);
void expect_steps(const char *file, int line, const char *func, const char *what, unsigned got,
                  unsigned want);
void expect_phase(const char *file, int line, const char *func, unsigned got, unsigned want);
void expect_label(const char *file, int line, const char *func, const struct tp_result *r,
                  const char *want);
void expect_anomaly(const char *file, int line, const char *func, const struct tp_result *r,
                    enum tp_anomaly id, bool check_numbers, uint32_t a, uint32_t b);
void expect_no_anomaly(const char *file, int line, const char *func, const struct tp_result *r);

/* Fixtures, each built from the one before; the comment gives client / server. */
struct tp_conn conn_syn_sent(void);          /* SYN_SENT / SYN_RECEIVED (after the SYN) */
struct tp_conn conn_syn_received(void);      /* ESTABLISHED / SYN_RECEIVED (after the SYN-ACK) */
struct tp_conn conn_established(void);       /* ESTABLISHED / ESTABLISHED */
struct tp_conn conn_fin_wait_1(void);        /* FIN_WAIT_1 / CLOSE_WAIT */
struct tp_conn conn_fin_wait_2(void);        /* FIN_WAIT_2 / CLOSE_WAIT */
struct tp_conn conn_last_ack(void);          /* TIME_WAIT / LAST_ACK */
struct tp_conn conn_time_wait(void);         /* TIME_WAIT / CLOSED */
struct tp_conn conn_closing(void);           /* CLOSING / CLOSING (FINs crossed) */
struct tp_conn conn_server_fin_wait_1(void); /* CLOSE_WAIT / FIN_WAIT_1 */
struct tp_conn conn_server_fin_wait_2(void); /* CLOSE_WAIT / FIN_WAIT_2 */
struct tp_conn conn_client_last_ack(void);   /* LAST_ACK / TIME_WAIT */
struct tp_conn conn_simultaneous_open(void); /* SYN_RECEIVED / SYN_RECEIVED (SYNs crossed) */

/* The randomised tests' generator (a linear congruential one): a fixed
 * seed gives the same segments on every machine, so a failure repeats. */
static inline uint32_t test_rnd(uint32_t *state, uint32_t n)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 8) % n;
}

#endif
