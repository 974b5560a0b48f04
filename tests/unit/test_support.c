#include "test_support.h"

#include <string.h>

static const uint16_t endpoint_port[2] = { CLIENT_PORT, SERVER_PORT };

/* Whether |c| is still zeroed, not initialized yet: tp_conn_init sets
 * closer to TP_CLOSER_NONE (not 0), and it stays so until a segment has
 * been counted in |segments|. */
static bool zeroed(const struct tp_conn *c)
{
    return c->segments == 0 && c->closer == 0;
}
_Static_assert(TP_CLOSER_NONE != 0, "an initialized connection has a closer that is not 0");

static void feed_cfg_ports(struct tp_conn *c, const struct tp_config *cfg, struct tp_result *r,
                           struct tp_segment s, uint16_t from_port, uint16_t to_port)
{
    if (s.frame == 0)
        s.frame = c->segments + 1;
    if (s.time_ns == 0)
        s.time_ns = (int64_t)s.frame * 1000000;
    if (zeroed(c))
        tp_conn_init(c, &s, from_port, to_port);
    tp_process(c, cfg, &s, r);
}

void feed_ports(struct tp_conn *c, struct tp_result *r, struct tp_segment s, uint16_t from_port,
                uint16_t to_port)
{
    feed_cfg_ports(c, &tp_config_default, r, s, from_port, to_port);
}

void feed_cfg(struct tp_conn *c, const struct tp_config *cfg, struct tp_result *r, struct tp_segment s)
{
    feed_cfg_ports(c, cfg, r, s, endpoint_port[s.from & 1], endpoint_port[1 - (s.from & 1)]);
}

void feed(struct tp_conn *c, struct tp_result *r, struct tp_segment s)
{
    feed_cfg(c, &tp_config_default, r, s);
}

unsigned steps_mask(const unsigned *steps)
{
    unsigned mask = 0;

    for (; *steps; steps++)
        mask |= TP_STEP_BIT(*steps);
    return mask;
}

static void fail(const char *file, int line, const char *func, char *msg)
{
    g_assertion_message(G_LOG_DOMAIN, file, line, func, msg);
    g_free(msg);
}

void expect_states(const char *file, int line, const char *func, unsigned client, unsigned server,
                   unsigned want_client, unsigned want_server)
{
    if (client == want_client && server == want_server)
        return;
    fail(file, line, func,
         g_strdup_printf("states: expected client %s, server %s; got client %s, server %s",
                         tp_state_name(want_client), tp_state_name(want_server),
                         tp_state_name(client), tp_state_name(server)));
}

static void format_steps(GString *out, unsigned mask)
{
    g_string_append_c(out, '{');
    for (unsigned n = 1; n <= 8; n++)
        if (mask & TP_STEP_BIT(n))
            g_string_append_printf(out, "%s%u", out->len > 1 ? "," : "", n);
    g_string_append_c(out, '}');
}

void expect_steps(const char *file, int line, const char *func, const char *what, unsigned got,
                  unsigned want)
{
    if (got == want)
        return;
    GString *g = g_string_new(NULL), *w = g_string_new(NULL);
    format_steps(g, got);
    format_steps(w, want);
    fail(file, line, func, g_strdup_printf("%s steps: expected %s, got %s", what, w->str, g->str));
    g_string_free(g, TRUE);
    g_string_free(w, TRUE);
}

void expect_phase(const char *file, int line, const char *func, unsigned got, unsigned want)
{
    if (got == want)
        return;
    fail(file, line, func,
         g_strdup_printf("phase: expected %s, got %s", tp_phase_name(want), tp_phase_name(got)));
}

void expect_label(const char *file, int line, const char *func, const struct tp_result *r,
                  const char *want)
{
    char buf[96];

    tp_label_format(r, TP_LANG_EN, buf, sizeof buf);
    if (strcmp(buf, want) == 0)
        return;
    fail(file, line, func, g_strdup_printf("label: expected \"%s\", got \"%s\"", want, buf));
}

void expect_anomaly(const char *file, int line, const char *func, const struct tp_result *r,
                    enum tp_anomaly id, bool check_numbers, uint32_t a, uint32_t b)
{
    if (!(r->anomalies & ((uint64_t)1 << id))) {
        fail(file, line, func, g_strdup_printf("anomaly %s not raised", tp_anomaly_name(id)));
        return;
    }
    for (unsigned i = 0; check_numbers && i < r->hit_count; i++) {
        if (r->hits[i].id == id && (r->hits[i].a != a || r->hits[i].b != b))
            fail(file, line, func, g_strdup_printf("anomaly %s: numbers %u, %u; expected %u, %u",
                                                   tp_anomaly_name(id), r->hits[i].a, r->hits[i].b, a, b));
    }
}

void expect_no_anomaly(const char *file, int line, const char *func, const struct tp_result *r)
{
    if (r->hit_count == 0 && r->anomalies == 0)
        return;
    fail(file, line, func, g_strdup_printf("unexpected anomaly %s",
                                           tp_anomaly_name(r->hit_count ? r->hits[0].id : 0)));
}

struct tp_conn conn_syn_sent(void)
{
    struct tp_conn c = { 0 };
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    EXPECT_STATES(&r, TP_SYN_SENT, TP_SYN_RECEIVED);
    return c;
}

struct tp_conn conn_syn_received(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_SYN_RECEIVED);
    return c;
}

struct tp_conn conn_established(void)
{
    struct tp_conn c = conn_syn_received();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_STATES(&r, TP_ESTABLISHED, TP_ESTABLISHED);
    return c;
}

struct tp_conn conn_fin_wait_1(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT);
    EXPECT_STATES(&r, TP_FIN_WAIT_1, TP_CLOSE_WAIT);
    return c;
}

struct tp_conn conn_fin_wait_2(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    EXPECT_STATES(&r, TP_FIN_WAIT_2, TP_CLOSE_WAIT);
    return c;
}

struct tp_conn conn_last_ack(void)
{
    struct tp_conn c = conn_fin_wait_2();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 1);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_LAST_ACK);
    return c;
}

struct tp_conn conn_time_wait(void)
{
    struct tp_conn c = conn_last_ack();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT + 1, .ack = S_NXT + 1);
    EXPECT_STATES(&r, TP_TIME_WAIT, TP_CLOSED);
    return c;
}

struct tp_conn conn_closing(void)
{
    struct tp_conn c = conn_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT);
    EXPECT_STATES(&r, TP_CLOSING, TP_CLOSING);
    return c;
}

struct tp_conn conn_server_fin_wait_1(void)
{
    struct tp_conn c = conn_established();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT);
    EXPECT_STATES(&r, TP_CLOSE_WAIT, TP_FIN_WAIT_1);
    return c;
}

struct tp_conn conn_server_fin_wait_2(void)
{
    struct tp_conn c = conn_server_fin_wait_1();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT + 1);
    EXPECT_STATES(&r, TP_CLOSE_WAIT, TP_FIN_WAIT_2);
    return c;
}

struct tp_conn conn_client_last_ack(void)
{
    struct tp_conn c = conn_server_fin_wait_2();
    struct tp_result r;

    FEED(&c, &r, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT, .ack = S_NXT + 1);
    EXPECT_STATES(&r, TP_LAST_ACK, TP_TIME_WAIT);
    return c;
}

struct tp_conn conn_simultaneous_open(void)
{
    struct tp_conn c = conn_syn_sent();
    struct tp_result r;

    FEED(&c, &r, S2C, .flags = TP_SYN, .seq = SERVER_ISN);
    EXPECT_STATES(&r, TP_SYN_RECEIVED, TP_SYN_RECEIVED);
    return c;
}
