/* The anomaly catalogue's names and messages, and the anomalies judged
 * outside a single segment: port reuse, and what only the end of the
 * capture tells. */
#include "internal.h"

const char *tp_anomaly_name(unsigned a)
{
    static const char *const names[] = {
#define TP_X_NAME(id, grp, sev, when, summary, msg, zeek, suricata) #id,
        TP_ANOMALIES(TP_X_NAME)
#undef TP_X_NAME
    };
    return a < TP_ANOMALY_COUNT ? names[a] : "?";
}

const char *tp_anomaly_message(unsigned a)
{
    static const char *const messages[] = {
#define TP_X_MSG(id, grp, sev, when, summary, msg, zeek, suricata) msg,
        TP_ANOMALIES(TP_X_MSG)
#undef TP_X_MSG
    };
    return a < TP_ANOMALY_COUNT ? messages[a] : "?";
}

void raise_anomaly(struct tp_result *out, enum tp_anomaly id, uint32_t a, uint32_t b)
{
    const uint64_t bit = (uint64_t)1 << id;

    if (out->anomalies & bit)
        return;
    out->anomalies |= bit;
    if (out->hit_count < TP_MAX_HITS) {
        struct tp_anomaly_hit *h = &out->hits[out->hit_count++];
        h->id = (uint8_t)id;
        h->a = a;
        h->b = b;
    }
}

void tp_check_reuse(const struct tp_conn *old, const struct tp_config *cfg, uint8_t old_from,
                    uint32_t old_number, const struct tp_segment *syn, struct tp_result *out)
{
    const struct tp_endpoint *sender = &old->ep[old_from & 1];
    const int64_t time_wait = cfg->time_wait_ns;

    raise_anomaly(out, TP_A_port_reuse, old_number, 0);
    if (!tp_conn_finished(old)) {
        raise_anomaly(out, TP_A_premature_reuse, 0, to_ms(time_wait));
        return;
    }
    for (int i = 0; i < 2; i++) {
        const struct tp_endpoint *ep = &old->ep[i];
        const int64_t lingered = syn->time_ns - ep->time_wait_since;
        if (ep->state != TP_TIME_WAIT || lingered >= time_wait)
            continue;
        raise_anomaly(out, TP_A_premature_reuse, to_ms(lingered), to_ms(time_wait));
        /* RFC 6191: a SYN may end TIME_WAIT early only above the old sequence space. */
        if (sender->has_seq && seq_le(syn->seq, sender->snd_nxt))
            raise_anomaly(out, TP_A_time_wait_reuse_unsafe, syn->seq, sender->snd_nxt);
    }
}

void tp_later_anomalies(const struct tp_conn *c, const struct tp_config *cfg, const struct tp_result *r,
                        const struct tp_horizon *h, struct tp_result *out)
{
    const uint8_t sender = r->sender_role == TP_ROLE_CLIENT ? c->client : (uint8_t)(1 - c->client);
    const struct tp_endpoint *X = &c->ep[sender], *Y = &c->ep[1 - sender];
    const int64_t timeout = cfg->handshake_timeout_ns;

    /* A SYN-ACK that acknowledges the SYN answers it, even one captured
     * before it (a capture that starts at the SYN-ACK, a reordered copy). */
    const bool synack_acks_syn = Y->synack_sent && X->has_isn &&
                                 (Y->synack_ack == X->isn + 1 || Y->synack_ack == X->isn + 1 + X->syn_data_len);

    /* Raised once per connection, on its first SYN (not on its copies or a
     * SYN with another ISN), with how many SYNs went unanswered for how long:
     * until the answer, if it came after the handshake timeout; else until
     * the end of the capture, or (still running) once the timeout has passed. */
    const bool first_syn = !r->retransmission && !(r->anomalies & TP_ANOMALY_BIT(syn_new_isn));

    if ((r->hs_steps & TP_STEP_BIT(1)) && sender == c->client && first_syn) {
        const int64_t waited = c->answered ? c->answer_time - c->first_syn_time : h->now_ns - c->first_syn_time;
        const bool unanswered = c->answered ? timeout > 0 && waited > timeout
                                            : !synack_acks_syn && (h->ended || (timeout > 0 && waited > timeout));
        if (unanswered)
            raise_anomaly(out, TP_A_syn_unanswered, c->syn_count, to_ms(waited));
    }
    if ((r->hs_steps & TP_STEP_BIT(2)) && !c->established &&
        (h->ended || (timeout > 0 && h->now_ns - c->synack_time > timeout)))
        raise_anomaly(out, TP_A_synack_unacked, to_ms(h->now_ns - c->synack_time), 0);
    if (c->reset || !h->ended)
        return;
    if ((r->td_steps & TP_STEP_BIT(1)) && !Y->fin_sent)
        raise_anomaly(out, TP_A_half_closed_at_end, 0, 0);
    if ((r->td_steps & TP_STEP_BIT(3)) && X->fin_acked_in == 0)
        raise_anomaly(out, TP_A_final_ack_missing, 0, 0);
}

/* Drops anomaly |id| from |r|, numbers and all. */
static void withdraw_anomaly(struct tp_result *r, enum tp_anomaly id)
{
    const uint64_t bit = (uint64_t)1 << id;
    uint8_t kept = 0;

    if (!(r->anomalies & bit))
        return;
    r->anomalies &= ~bit;
    for (uint8_t i = 0; i < r->hit_count; i++) {
        if (r->hits[i].id != id)
            r->hits[kept++] = r->hits[i];
    }
    r->hit_count = kept;
}

void tp_hindsight(const struct tp_conn *c, struct tp_result *r)
{
    /* SYN, SYN, SYN-ACK, ACK: the second SYN looked like a simultaneous
     * open until the client answered it with a SYN-ACK. */
    if (c->split_handshake)
        withdraw_anomaly(r, TP_A_simultaneous_open);
    /* The SYN-ACK its ACK proved turned up later, out of order. */
    if (c->synack_late)
        withdraw_anomaly(r, TP_A_synack_not_captured);
}

/* |r|'s server states and their reasons, with |from| replaced by |to|. */
static void replace_server_state(struct tp_result *r, unsigned from, unsigned to)
{
    if (r->state_server_before == from)
        r->state_server_before = (uint8_t)to;
    if (r->state_server == from)
        r->state_server = (uint8_t)to;
    if (r->state_server_before == r->state_server)
        r->why_server = TP_WHY_NONE;
}

void tp_hindsight_states(const struct tp_conn *c, struct tp_result *r)
{
    const struct tp_endpoint *server = &c->ep[1 - c->client];

    if (c->syn_count == 0 || c->established || server->synack_sent)
        return;
    if (tp_conn_outcome(c) == TP_OUTCOME_REJ) {
        /* RST to a SYN: nothing listened, the server was CLOSED all along
         * (RFC 9293 3.10.7.1: a segment to a CLOSED port is answered by RST). */
        replace_server_state(r, TP_LISTEN, TP_CLOSED);
        replace_server_state(r, TP_SYN_RECEIVED, TP_CLOSED);
    } else if (!server->seen) {
        /* Not a word from the server: nothing says a SYN reached it. */
        replace_server_state(r, TP_SYN_RECEIVED, TP_LISTEN);
    }
}
