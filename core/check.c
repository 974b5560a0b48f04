/* The numbers a tutorial teaches, checked on this connection's own
 * (tcpphase.check): ack = ISN + 1 in the handshake, ack = FIN seq + 1 in the
 * teardown, TIME_WAIT for 2×MSL. Made when shown, from the connection and
 * the segment's result: a right number equals what the connection expected
 * (so it needs no storing), a wrong one is in the anomaly that flagged it. */
#include "internal.h"

#include <stddef.h>

/* The message numbers of anomaly |id| in |r|, if it was raised with them. */
static const struct tp_anomaly_hit *hit_of(const struct tp_result *r, enum tp_anomaly id)
{
    for (uint8_t i = 0; i < r->hit_count; i++) {
        if (r->hits[i].id == id)
            return &r->hits[i];
    }
    return NULL;
}

static const char *role(const struct tp_conn *c, unsigned lang, unsigned ep)
{
    return tp_phrase(ep == c->client ? TP_P_CLIENT : TP_P_SERVER, lang);
}

static void sep(struct tp_line *l, unsigned lang)
{
    if (l->used)
        tp_say(l, "%s", tp_phrase(TP_P_SEPARATOR, lang));
}

/* tp_say with phrase |p| as the format, in language |lang|; the table keeps
 * the arguments the same in every language (tests/unit/test_phrases.c). */
#define SAY(l, lang, p, ...) tp_say((l), tp_phrase(TP_P_##p, (lang)), __VA_ARGS__)

/* "ACK 1 = client ISN + 1 ✓ (raw 1001 = 1000 + 1)", or the wrong number. */
static void say_ack_of_syn(struct tp_line *l, const struct tp_conn *c, unsigned lang, unsigned syn_sender,
                           uint32_t data_len, const struct tp_result *r, enum tp_anomaly wrong)
{
    const uint32_t isn = c->check.isn[syn_sender], expected = 1 + data_len;
    const struct tp_anomaly_hit *bad = hit_of(r, wrong);

    sep(l, lang);
    if (bad)
        SAY(l, lang, CHECK_ACK_WRONG, bad->a, expected, role(c, lang, syn_sender));
    else if (data_len > 0)
        SAY(l, lang, CHECK_ACK_SYN_DATA, expected, role(c, lang, syn_sender), data_len, isn + expected, isn,
            expected);
    else
        SAY(l, lang, CHECK_ACK, role(c, lang, syn_sender), isn + 1, isn);
}

/* A sequence number of end |ep| relative to its ISN, if the capture gave it
 * by |frame|: an ISN from a later, reordered SYN is not known yet where one
 * pass shows the frame, and -2 must say what one pass says (issue 17). */
static uint32_t relative(const struct tp_check_numbers *k, unsigned ep, uint32_t seq, uint32_t frame)
{
    return ((k->has_isn >> ep) & 1) && k->isn_frame[ep] <= frame ? seq - k->isn[ep] : seq;
}

char *tp_check_format(const struct tp_conn *c, const struct tp_config *cfg, const struct tp_result *r,
                      uint32_t frame, char *buf, unsigned size)
{
    const unsigned lang = cfg->language;
    struct tp_line l = {buf, size, 0};
    const struct tp_check_numbers *k = &c->check;
    const unsigned x = r->sender_role == TP_ROLE_CLIENT ? c->client : 1u - c->client, y = tp_peer(c, (uint8_t)x);
    /* an ISN the capture gave by this frame (not one from a later, reordered frame) */
    const bool x_isn = ((k->has_isn >> x) & 1) && k->isn_frame[x] <= frame;
    const bool y_isn = ((k->has_isn >> y) & 1) && k->isn_frame[y] <= frame;

    if (size == 0)
        return buf;
    buf[0] = '\0';
    /* Only where a step was first taken: a step again, or another attempt,
     * was checked there. */
    if ((r->hs_steps & TP_STEP_BIT(1)) && frame == k->syn_frame && x_isn)
        SAY(&l, lang, CHECK_SYN, role(c, lang, x), k->isn[x]);
    const bool synack_checked = (r->hs_steps & TP_STEP_BIT(2)) && frame == k->synack_frame && x_isn && y_isn;
    if (synack_checked) {
        say_ack_of_syn(&l, c, lang, y, k->syn_data_len, r, TP_A_synack_bad_ack);
        sep(&l, lang);
        SAY(&l, lang, CHECK_ISN, role(c, lang, x), k->isn[x]);
    }
    /* a self-connect's SYN-ACK is step 3 too: its ACK is checked once */
    if ((r->hs_steps & TP_STEP_BIT(3)) && frame == k->ack_frame && y_isn && !(synack_checked && y == x))
        say_ack_of_syn(&l, c, lang, y, 0, r, TP_A_handshake_ack_bad);
    /* the first ACK of the other end's first FIN (steps 2, 4), then this
     * end's FIN (steps 1, 3) */
    if ((r->td_steps & (TP_STEP_BIT(2) | TP_STEP_BIT(4))) && k->fin_frame[y] && r->fin_frame == k->fin_frame[y]) {
        const uint32_t fin = relative(k, y, k->fin_seq[y], frame);
        sep(&l, lang);
        SAY(&l, lang, CHECK_FIN_ACK, fin + 1, role(c, lang, y), fin, k->fin_seq[y] + 1);
    }
    if ((r->td_steps & (TP_STEP_BIT(1) | TP_STEP_BIT(3))) && frame == k->fin_frame[x]) {
        const uint32_t fin = relative(k, x, k->fin_seq[x], frame);
        sep(&l, lang);
        SAY(&l, lang, CHECK_FIN, fin, k->fin_seq[x], fin + 1);
    }
    for (unsigned i = 0; i < 2 && (r->hs_steps || r->td_steps); i++) {
        /* a self-connect's one socket is named once, as the client */
        const unsigned ep = i == 0 || c->self_connect ? c->client : 1u - c->client;
        const unsigned before = i == 0 ? r->state_client_before : r->state_server_before;
        const unsigned after = i == 0 ? r->state_client : r->state_server;
        if (after == TP_TIME_WAIT && before != TP_TIME_WAIT) {
            sep(&l, lang);
            SAY(&l, lang, CHECK_TIME_WAIT, role(c, lang, ep));
            tp_say_duration(&l, cfg->time_wait_ns);
            tp_say(&l, "%s", tp_phrase(TP_P_CHECK_TIME_WAIT_END, lang));
        }
    }
    return buf;
}
