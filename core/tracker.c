/* tcpphase tracker: RFC 9293 states of both ends of one connection, as an
 * observer in the middle sees them. See include/tcpphase/tracker.h.
 *
 * Each segment is handled in three moves, like a stack's input path:
 * what sending it does to its sender, what receiving it does to its
 * receiver (RFC 9293 3.10.7, "SEGMENT ARRIVES"), then the bookkeeping of
 * sequence numbers. The observer assumes every captured segment arrives,
 * at once, in capture order; where a segment proves otherwise (a FIN that
 * does not acknowledge a FIN already sent, an ACK from a SYN_SENT end) the
 * tracker infers what crossed or was not captured. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "summary.h"

const struct tp_config tp_config_default = {
    .tfo_normal = TP_DEFAULT_TFO_NORMAL,
    .handshake_timeout_ns = TP_DEFAULT_HANDSHAKE_TIMEOUT_S * TP_NS_PER_SEC,
    .time_wait_ns = TP_DEFAULT_TIME_WAIT_S * TP_NS_PER_SEC,
    .slow_handshake_ns = TP_DEFAULT_SLOW_HANDSHAKE_MS * TP_NS_PER_MS,
};

/* An end's state, typed for the switches (-Wswitch-enum: every state handled). */
static enum tp_state state_of(const struct tp_endpoint *ep) { return (enum tp_state)ep->state; }

/* The one place where an end changes state (set_state below too), with why
 * when the segment's own kind does not say it (segment_why says the rest). */
static void set_state_why(struct tp_endpoint *ep, enum tp_state s, enum tp_why why)
{
    ep->state = (uint8_t)s;
    ep->why = why & 15u;
}

/* A reason given earlier on the same segment stays (an inferred FIN, then
 * the ACK that closes the end it was inferred for). */
static void set_state(struct tp_endpoint *ep, enum tp_state s) { ep->state = (uint8_t)s; }

static uint8_t segment_why(bool sent, uint16_t f, unsigned before, unsigned after);
static void keep_check_numbers(struct tp_conn *c, uint8_t x, uint8_t y, const struct tp_segment *s,
                               const struct tp_result *out);

static bool is_closing(unsigned s) { return s >= TP_FIN_WAIT_1 && s <= TP_LAST_ACK; }

/* The orderings of states.h the comparisons in this file rely on. */
_Static_assert(TP_CLOSED == 0 && TP_LISTEN == 1 && TP_SYN_SENT == 2,
               "state <= TP_SYN_SENT means: no SYN taken yet (CLOSED, LISTEN, SYN_SENT)");
_Static_assert(TP_FIN_WAIT_2 == TP_FIN_WAIT_1 + 1 && TP_CLOSE_WAIT == TP_FIN_WAIT_1 + 2 &&
                   TP_CLOSING == TP_FIN_WAIT_1 + 3 && TP_LAST_ACK == TP_FIN_WAIT_1 + 4,
               "is_closing(): FIN_WAIT_1..LAST_ACK are exactly the closing states");
_Static_assert(TP_STATE_COUNT <= 16, "frame records keep a state in 4 bits");
/* Every connection that shows more than a SYN keeps a tracker (issue 18):
 * a field added in the wrong place pads it (tracker.h groups them by size);
 * 368 bytes (64-bit) is 384 in Wireshark's wmem block allocator (352 would be 368). */
_Static_assert(sizeof(void *) != 8 || (sizeof(struct tp_endpoint) == 96 && sizeof(struct tp_conn) == 368),
               "struct tp_endpoint and struct tp_conn without padding");

static bool is_synchronized(unsigned s) { return s >= TP_ESTABLISHED; }

static bool is_gone(unsigned s) { return s == TP_CLOSED || s == TP_LISTEN || s == TP_TIME_WAIT; }

/* SYN+FIN, SYN+RST, no flag at all, or every flag: no stack accepts these. */

/* Does |s| acknowledge the SYN that |ep| sent? */
static bool acks_syn(const struct tp_endpoint *ep, const struct tp_segment *s)
{
    if (!(s->flags & TP_ACK) || !ep->syn_sent || !ep->has_isn)
        return false;
    if (!seq_gt(s->ack, ep->isn))
        return false;
    return !ep->has_seq || seq_le(s->ack, ep->snd_nxt);
}

/* Does |s| acknowledge the FIN that |ep| sent? */
static bool acks_fin(const struct tp_endpoint *ep, const struct tp_segment *s)
{
    return (s->flags & TP_ACK) && ep->fin_sent && seq_gt(s->ack, ep->fin_seq);
}

const char *tp_state_name(unsigned s)
{
    static const char *const names[] = {
#define TP_X_NAME(id, name) name,
        TP_STATES(TP_X_NAME)
#undef TP_X_NAME
    };
    return s < TP_STATE_COUNT ? names[s] : "?";
}

const char *tp_phase_name(unsigned p)
{
    static const char *const names[] = {
#define TP_X_NAME(id, name, desc) name,
        TP_PHASES(TP_X_NAME)
#undef TP_X_NAME
    };
    return p < TP_PHASE_COUNT ? names[p] : "?";
}

const char *tp_label_text(unsigned l)
{
    static const char *const texts[] = {
#define TP_X_TEXT(id, label, zh, tag) label,
        TP_LABELS(TP_X_TEXT)
#undef TP_X_TEXT
    };
    return l < TP_LABEL_COUNT ? texts[l] : "?";
}

const char *tp_label_info_tag(unsigned l)
{
    static const char *const tags[] = {
#define TP_X_TAG(id, label, zh, tag) tag,
        TP_LABELS(TP_X_TAG)
#undef TP_X_TAG
    };
    return l < TP_LABEL_COUNT ? tags[l] : "";
}

char *tp_label_short(unsigned l, char *buf, size_t size)
{
    const char *text = tp_label_text(l), *tag = tp_label_info_tag(l);
    const char *kind = strchr(text, ':'), *numbers = strchr(tag, ' ');

    if (kind && numbers) /* "Handshake 1/3: SYN" and "HS 1/3": "SYN 1/3" */
        snprintf(buf, size, "%s%s", kind + 1 + (kind[1] == ' '), numbers);
    else
        snprintf(buf, size, "%s", tag[0] ? tag : text); /* "RST"; "Data" */
    return buf;
}

bool tp_conn_finished(const struct tp_conn *c)
{
    return is_gone(c->ep[0].state) && is_gone(c->ep[1].state);
}

/* Who serves, when no SYN says: the lower port (well-known and registered
 * ports are below ephemeral ones); on a tie, the receiver of the first segment. */
static uint8_t guess_client(uint8_t from, uint16_t from_port, uint16_t to_port)
{
    if (from_port < to_port)
        return (uint8_t)(1 - from);
    return from;
}

void tp_conn_init(struct tp_conn *c, const struct tp_segment *first, uint16_t from_port,
                  uint16_t to_port)
{
    const uint8_t x = first->from & 1, y = (uint8_t)(1 - x);
    const uint16_t f = first->flags;

    memset(c, 0, sizeof *c);
    c->first_closer = -1;
    c->closer = TP_CLOSER_NONE;
    if (tp_segment_event(f) == TP_EV_BAD_FLAGS || ((f & TP_SYN) && !(f & TP_ACK))) {
        /* An active open (or junk nobody would accept): nothing exists yet. */
        c->client = x;
        set_state(&c->ep[x], TP_CLOSED);
        set_state(&c->ep[y], TP_LISTEN);
    } else if ((f & TP_SYN) && (f & TP_ACK)) {
        /* Picked up at the SYN-ACK: the client sent a SYN we did not see. */
        c->client = y;
        c->midstream = true;
        set_state(&c->ep[y], TP_SYN_SENT);
        set_state(&c->ep[x], TP_LISTEN);
        c->ep[y].syn_sent = c->ep[y].has_isn = c->ep[y].has_seq = true;
        c->ep[y].isn = first->ack - 1;
        c->ep[y].snd_nxt = first->ack;
    } else {
        /* Picked up in the middle: both ends are assumed synchronized. */
        c->client = guess_client(x, from_port, to_port);
        c->role_guessed = true;
        c->midstream = true;
        c->established = true;
        for (int i = 0; i < 2; i++) {
            set_state(&c->ep[i], TP_ESTABLISHED);
            c->ep[i].syn_sent = true;
        }
    }
}

bool tp_starts_new_incarnation(const struct tp_conn *c, const struct tp_segment *s)
{
    const struct tp_endpoint *ep = &c->ep[s->from & 1];

    if (c->segments == 0 || tp_segment_event(s->flags) != TP_EV_SYN)
        return false;
    if (ep->state != TP_CLOSED && ep->state != TP_TIME_WAIT)
        return false;
    /* The same ISN again is the same attempt: a late copy of its SYN, or,
     * after a RST refused it, the connect retried (Windows retries with the
     * same ISN; Wireshark's tcp.stream keeps it one stream too). */
    if (ep->has_isn && s->seq == ep->isn)
        return false;
    if (tp_conn_finished(c))
        return true;
    /* The sender has left the old connection and opens anew with a new ISN,
     * though the peer may still wait for a final ACK the capture missed. */
    return ep->has_isn && s->seq != ep->isn;
}

bool tp_syn_frame_settled(const struct tp_conn *c) { return c->synack_frame != 0 || c->established; }

/* Sending a bare SYN: CLOSED -> SYN_SENT (active OPEN, RFC 9293 3.5).
 * Returns false when the receiver ignores it (a synchronized receiver, or a
 * late copy of a SYN after the handshake). */
static bool send_syn(struct tp_conn *c, const struct tp_config *cfg, uint8_t x, uint8_t y,
                     const struct tp_segment *s, struct tp_result *out)
{
    struct tp_endpoint *X = &c->ep[x];

    struct tp_endpoint *Y = &c->ep[y];

    out->hs_steps |= TP_STEP_BIT(1);
    /* Attempts to connect: a SYN once the connection is up is no retry. */
    if (x == c->client && !c->established) {
        if (c->syn_count++ == 0)
            c->first_syn_time = s->time_ns;
    }
    if (X->syn_sent && X->has_isn && s->seq == X->isn) {
        out->retransmission = true;
        raise_anomaly(out, TP_A_syn_retransmission, c->syn_count, to_ms(s->time_ns - c->first_syn_time));
    } else if (X->state == TP_SYN_SENT && X->has_isn) {
        raise_anomaly(out, TP_A_syn_new_isn, s->seq, X->isn);
    } else if (X->state == TP_ESTABLISHED && X->has_isn && !c->established && !c->simultaneous_open) {
        /* It took a SYN-ACK for its first ISN, and its peer still waits in
         * SYN_RECEIVED: a SYN with another ISN is out of the peer's window,
         * dropped there (RFC 9293 3.10.7.4), and the ISN stays. */
        raise_anomaly(out, TP_A_syn_new_isn, s->seq, X->isn);
        return false;
    }
    if (s->len > 0 && !cfg->tfo_normal)
        raise_anomaly(out, TP_A_syn_with_data, s->len, 0);
    if (is_synchronized(Y->state)) {
        /* The receiver answers with a challenge ACK (RFC 5961 4.2); nothing changes. */
        raise_anomaly(out, is_closing(Y->state) || is_closing(X->state) ? TP_A_syn_while_closing
                                                                         : TP_A_syn_in_established,
                      s->seq, 0);
        Y->challenge_frame = s->frame;
        return false;
    }
    if (out->retransmission && c->established)
        return false;
    if (out->retransmission && X->state == TP_ESTABLISHED)
        set_state_why(X, TP_SYN_SENT, TP_WHY_RESENT_SYN); /* it never took the SYN-ACK: only SYN_SENT resends a SYN */
    X->isn = s->seq;
    X->syn_data_len = s->len;
    X->has_isn = X->syn_sent = true;
    switch (state_of(X)) {
        case TP_CLOSED:
        case TP_LISTEN:
            set_state(X, TP_SYN_SENT);
            break;
        case TP_SYN_RECEIVED:
            /* It sent its SYN before the peer's arrived: simultaneous open
             * (RFC 9293 figure 8) or a split handshake. It stays in
             * SYN_RECEIVED, having now both sent and received a SYN. */
            if (!out->retransmission) {
                c->simultaneous_open = true;
                raise_anomaly(out, TP_A_simultaneous_open, 0, 0);
            }
            break;
        case TP_SYN_SENT:
        case TP_ESTABLISHED:
        case TP_FIN_WAIT_1:
        case TP_FIN_WAIT_2:
        case TP_CLOSE_WAIT:
        case TP_CLOSING:
        case TP_LAST_ACK:
        case TP_TIME_WAIT:
        case TP_STATE_COUNT:
            break; /* SYN_SENT: a retransmission or a new attempt */
    }
    /* Once the handshake has completed (its SYN-ACK inferred from the ACK,
     * if not captured), a SYN is no longer the one a SYN-ACK answers: the
     * handshake's frames and timings stay those of the handshake that was
     * (else a replay after the whole capture contradicts one pass). */
    if (x == c->client && !tp_syn_frame_settled(c)) {
        c->syn_frame = s->frame;
        c->syn_time = s->time_ns;
    }
    return true;
}

/* Sending a SYN-ACK: the answer of an end that received a SYN. */
static void send_synack(struct tp_conn *c, uint8_t x, uint8_t y, const struct tp_segment *s,
                        struct tp_result *out)
{
    struct tp_endpoint *X = &c->ep[x];

    struct tp_endpoint *Y = &c->ep[y];

    const bool late_original = X->synack_inferred && s->seq == X->isn;

    out->hs_steps |= TP_STEP_BIT(2);
    if (late_original) {
        /* The SYN-ACK that the peer's ACK already acknowledged, captured
         * late (two capture points, reordering): the same SYN-ACK. */
        X->synack_inferred = false;
        c->synack_late = true;
        X->synack_ack = s->ack;
        c->first_synack_time = s->time_ns;
    } else if (X->synack_sent) {
        out->retransmission = true;
        if (s->seq == X->isn && s->ack == X->synack_ack)
            raise_anomaly(out, TP_A_synack_retransmission, to_ms(s->time_ns - c->first_synack_time), 0);
        else
            raise_anomaly(out, TP_A_synack_changed, s->seq, X->isn);
    } else {
        X->synack_ack = s->ack;
        c->first_synack_time = s->time_ns;
    }
    if (x == c->client && !Y->syn_sent)
        raise_anomaly(out, TP_A_synack_wrong_direction, 0, 0);
    if (Y->syn_sent && Y->has_isn && s->ack != Y->isn + 1 && s->ack != Y->isn + 1 + Y->syn_data_len)
        raise_anomaly(out, TP_A_synack_bad_ack, s->ack - Y->isn, 1);
    else if (Y->syn_sent && Y->syn_data_len > 0 && s->ack == Y->isn + 1 && Y->has_seq &&
             seq_gt(Y->snd_nxt, s->ack)) {
        /* TFO refused: the client sends that data again after the handshake */
        raise_anomaly(out, TP_A_syn_data_ignored, Y->syn_data_len, 0);
        Y->snd_nxt = s->ack;
    }
    X->isn = s->seq;
    X->has_isn = X->syn_sent = X->synack_sent = true;
    X->synack_ack_pending = !late_original; /* the late one was acknowledged before it came */
    if (X->state == TP_CLOSED || X->state == TP_LISTEN || X->state == TP_SYN_SENT)
        set_state(X, TP_SYN_RECEIVED); /* the SYN it answers was not captured */
    /* the first SYN-ACK of the handshake: after it completed, only the
     * SYN-ACK its ACK acknowledged, captured late */
    if (c->synack_frame == 0 && (!c->established || late_original)) {
        c->synack_frame = s->frame;
        c->synack_time = s->time_ns;
    }
}

/* Sending a FIN: ESTABLISHED -> FIN_WAIT_1, CLOSE_WAIT -> LAST_ACK (RFC 9293 3.6).
 * A FIN from an end still in SYN_SENT, or one that never sent its SYN, is
 * stray: such an end cannot close ("CLOSE in SYN-SENT deletes the TCB"), and
 * its peer cannot validate the FIN. Returns false for a stray FIN. */
/* |X| sends its FIN again although an ACK of it was seen: that ACK never
 * reached it (lost after the capture point), so it is back in the state
 * that waits for it until the next ACK. */
static void unacked_fin_again(const struct tp_conn *c, struct tp_endpoint *X)
{
    switch (state_of(X)) {
        case TP_CLOSED:
            if (!X->closed_by_rst)
                set_state(X, TP_LAST_ACK);
            break;
        case TP_FIN_WAIT_2:
            set_state(X, TP_FIN_WAIT_1);
            break;
        case TP_TIME_WAIT:
            if (c->simultaneous_close)
                set_state(X, TP_CLOSING);
            break;
        case TP_LISTEN:
        case TP_SYN_SENT:
        case TP_SYN_RECEIVED:
        case TP_ESTABLISHED:
        case TP_FIN_WAIT_1:
        case TP_CLOSE_WAIT:
        case TP_CLOSING:
        case TP_LAST_ACK:
        case TP_STATE_COUNT:
            break;
    }
}

static bool send_fin(struct tp_conn *c, uint8_t x, uint8_t y, const struct tp_segment *s,
                     struct tp_result *out)
{
    struct tp_endpoint *X = &c->ep[x], *Y = &c->ep[y];
    const uint32_t fin_seq = s->seq + s->len;

    if (!c->established && !c->midstream)
        raise_anomaly(out, TP_A_fin_without_handshake, 0, 0);
    if (!X->fin_sent && (!X->syn_sent || X->state <= TP_SYN_SENT))
        return false;
    if (X->fin_sent) {
        out->retransmission = true;
        if (fin_seq == X->fin_seq) {
            raise_anomaly(out, TP_A_fin_retransmission, rel_seq(X, fin_seq), 0);
            if (X->fin_was_acked)
                unacked_fin_again(c, X);
            /* a FIN inferred from an ACK, now seen where it was inferred: it
             * was sent, so data past it no longer takes it back
             * (retract_inferred_fin), and its ACK stays the one it had (one
             * pass and a replay after the whole capture linked it to
             * different ACKs: fuzz seed 20261208 file 156) */
            X->fin_inferred = false;
        } else
            raise_anomaly(out, TP_A_fin_bad_seq, rel_seq(X, fin_seq), rel_seq(X, X->fin_seq));
        X->fin_seq = fin_seq;
    } else {
        if (X->has_seq && seq_lt(fin_seq, X->snd_nxt))
            raise_anomaly(out, TP_A_fin_bad_seq, rel_seq(X, fin_seq), rel_seq(X, X->snd_nxt));
        X->fin_sent = true;
        X->fin_seq = fin_seq;
        if (c->first_closer < 0)
            c->first_closer = x & 1;
    }
    X->fin_last_frame = s->frame;
    X->fin_ack_pending = true;
    out->td_steps |= TP_STEP_BIT(x == c->first_closer ? 1 : 3);

    switch (state_of(X)) {
        case TP_SYN_RECEIVED:
        case TP_ESTABLISHED:
            set_state(X, TP_FIN_WAIT_1);
            break;
        case TP_CLOSE_WAIT:
            if (Y->fin_sent && !Y->fin_was_acked && !acks_fin(Y, s)) {
                /* Its FIN does not acknowledge the peer's: it was sent before
                 * that FIN arrived, so both closed at once (RFC 9293 figure 13). */
                set_state(X, TP_CLOSING);
                c->simultaneous_close = true;
                raise_anomaly(out, TP_A_simultaneous_close, 0, 0);
            } else {
                set_state(X, TP_LAST_ACK);
            }
            break;
        case TP_CLOSED:
        case TP_LISTEN:
        case TP_SYN_SENT:
        case TP_FIN_WAIT_1:
        case TP_FIN_WAIT_2:
        case TP_CLOSING:
        case TP_LAST_ACK:
        case TP_TIME_WAIT:
        case TP_STATE_COUNT:
            break;
    }
    return true;
}

/* An end in SYN_SENT or SYN_RECEIVED that sends an ordinary segment proves
 * it finished its side of the handshake with segments the capture missed. */
static void infer_unseen_handshake(struct tp_conn *c, uint8_t x, uint8_t y, const struct tp_segment *s,
                                   struct tp_result *out)
{
    struct tp_endpoint *X = &c->ep[x], *Y = &c->ep[y];

    if (X->state == TP_SYN_SENT && X->syn_sent && !(s->flags & TP_FIN)) {
        /* It acknowledges a SYN-ACK that was not captured. */
        if (!Y->has_isn) {
            Y->isn = s->ack - 1;
            Y->has_isn = Y->syn_sent = Y->synack_sent = Y->synack_inferred = true;
            Y->snd_nxt = s->ack;
            Y->has_seq = true;
            Y->synack_ack = X->isn + 1;
            raise_anomaly(out, TP_A_synack_not_captured, s->ack, Y->isn);
        }
        if (Y->state == TP_CLOSED || Y->state == TP_LISTEN)
            set_state(Y, TP_SYN_RECEIVED);
        set_state(X, TP_ESTABLISHED);
    } else if (X->state == TP_SYN_RECEIVED && X->synack_sent && (s->len > 0 || (s->flags & TP_FIN))) {
        /* It sends data: the ACK of its SYN-ACK was not captured. */
        set_state(X, TP_ESTABLISHED);
        if (is_synchronized(Y->state))
            c->established = true;
    }
}

static void close_by_rst(struct tp_endpoint *ep, enum tp_state s)
{
    if (ep->state != TP_CLOSED && ep->state != TP_LISTEN) {
        ep->state_before_rst = ep->state & 15u;
        ep->closed_by_rst = true;
        ep->rst_sent = false;
    }
    set_state(ep, s);
}

/* The sender of a RST closes with it (if it was still open: an end a RST
 * had already closed keeps what closed it). */
static void close_by_own_rst(struct tp_endpoint *ep)
{
    const bool open = ep->state != TP_CLOSED && ep->state != TP_LISTEN;

    close_by_rst(ep, TP_CLOSED);
    if (open)
        ep->rst_sent = true;
}

/* A RST: RFC 9293 3.10.7 with RFC 5961 3.2. An end in SYN_SENT takes a RST
 * that acknowledges its SYN; a synchronized end takes one whose sequence
 * number is exactly the next expected, challenges one that is merely in the
 * window, and ignores the rest. An ignored RST changes neither end: it did
 * not come from the peer's stack (a spoofed or stale RST). */
static void process_rst(struct tp_conn *c, uint8_t x, uint8_t y, const struct tp_segment *s,
                        struct tp_result *out)
{
    struct tp_endpoint *X = &c->ep[x], *Y = &c->ep[y];
    bool exact = false, in_window = false;
    uint32_t rcv_nxt = 0;
    /* RFC 9293 3.10.7.2-4: an end that gets an unacceptable segment in
     * LISTEN, SYN_SENT or SYN_RECEIVED answers <SEQ=SEG.ACK><CTL=RST> (no ACK
     * bit) and stays where it is: such a RST does not close its sender. */
    const bool reply_to_unacceptable = !(s->flags & TP_ACK) && Y->has_ack && s->seq == Y->last_ack &&
                                       (X->state == TP_LISTEN || X->state == TP_SYN_SENT ||
                                        X->state == TP_SYN_RECEIVED);

    if (s->len > 0)
        raise_anomaly(out, TP_A_rst_with_data, s->len, 0);
    if (c->segments == 0) {
        /* Nothing to reset: both ends are only assumed synchronized. */
        raise_anomaly(out, TP_A_rst_no_connection, 0, 0);
        close_by_rst(X, TP_CLOSED);
        close_by_rst(Y, TP_CLOSED);
        c->rst_frame = s->frame;
        c->rst_time = s->time_ns;
        c->rst_from = x & 1u;
        c->reset = true;
        return;
    }
    if (!X->has_seq && !Y->has_ack) {
        exact = true; /* nothing seen to check it against */
    } else {
        rcv_nxt = X->has_seq ? X->snd_nxt : Y->last_ack;
        const uint32_t wnd = Y->max_win > 0 ? Y->max_win : 1;
        /* The receiver's RCV.NXT: what the sender has sent (the receiver's
         * last ACK stands in for data the capture missed), and once the
         * sender's FIN has been received, past that FIN: a RST at an ACK
         * number from before the FIN is then not exact. */
        const bool fin_received = X->fin_sent && Y->has_ack && seq_lt(Y->last_ack, X->fin_seq + 1);
        exact = (X->has_seq && s->seq == X->snd_nxt) || (Y->has_ack && s->seq == Y->last_ack && !fin_received);
        in_window = seq_ge(s->seq, rcv_nxt) && seq_lt(s->seq, rcv_nxt + wnd);
    }

    switch (state_of(Y)) {
        case TP_CLOSED:
        case TP_LISTEN:
            if (!reply_to_unacceptable)
                close_by_own_rst(X); /* the sender says it has no connection */
            return;
        case TP_SYN_SENT:
            /* 3.10.7.3: only a RST whose ACK acknowledges the SYN is
             * acceptable; any other is dropped */
            if (!acks_syn(Y, s)) {
                raise_anomaly(out, TP_A_rst_invalid, (s->flags & TP_ACK) ? s->ack - Y->isn : 0, 1);
                return;
            }
            raise_anomaly(out, TP_A_rejected, to_ms(s->time_ns - c->syn_time), c->syn_count);
            close_by_rst(Y, TP_CLOSED); /* connection refused */
            break;
        case TP_SYN_RECEIVED:
            if (!exact && !in_window) {
                raise_anomaly(out, TP_A_rst_invalid, rel_seq(X, s->seq), rel_seq(X, rcv_nxt));
                return;
            }
            /* "return this connection to LISTEN state" if it was opened passively */
            close_by_rst(Y, (&c->ep[c->client] == Y || c->simultaneous_open) ? TP_CLOSED : TP_LISTEN);
            break;
        case TP_ESTABLISHED:
        case TP_FIN_WAIT_1:
        case TP_FIN_WAIT_2:
        case TP_CLOSE_WAIT:
        case TP_CLOSING:
        case TP_LAST_ACK:
        case TP_TIME_WAIT:
        case TP_STATE_COUNT:
            if (!exact && !in_window) {
                raise_anomaly(out, TP_A_rst_invalid, rel_seq(X, s->seq), rel_seq(X, rcv_nxt));
                return;
            }
            if (!exact) {
                raise_anomaly(out, TP_A_rst_challenge_expected, rel_seq(X, s->seq), rel_seq(X, rcv_nxt));
                Y->challenge_frame = s->frame;
                break;
            }
            if (Y->state == TP_TIME_WAIT)
                raise_anomaly(out, TP_A_time_wait_assassination, 0, 0);
            else if (X->fin_sent || Y->fin_sent)
                raise_anomaly(out, TP_A_rst_after_fin, 0, 0);
            else if (c->established)
                raise_anomaly(out, TP_A_rst_abort, 0, 0);
            close_by_rst(Y, TP_CLOSED);
            break;
    }
    if (!reply_to_unacceptable)
        close_by_own_rst(X);
    c->rst_frame = s->frame;
    c->rst_time = s->time_ns;
    c->rst_from = x & 1u;
    c->reset = true;
}

/* An end a RST had closed sends an ordinary segment. If it received that
 * RST, the RST did not reach or convince it (spoofed, or dropped by its
 * stack, e.g. for a bad timestamp), so it is back where it was. If it sent
 * it, this is traffic after its own RST: it stays closed. */
/* The round trip between the capture point and end |x|, as the handshake
 * showed it: SYN to SYN-ACK for the server, SYN-ACK to ACK for the client
 * (0 if unknown). */
static int64_t round_trip_to(const struct tp_conn *c, uint8_t x)
{
    if (x == c->client)
        return c->synack_frame && c->hs_ack_frame ? c->hs_ack_time - c->synack_time : 0;
    return c->syn_frame && c->synack_frame ? c->synack_time - c->syn_time : 0;
}

static void revive_after_ignored_rst(struct tp_conn *c, uint8_t x, const struct tp_segment *s,
                                     struct tp_result *out)
{
    struct tp_endpoint *X = &c->ep[x];
    const int64_t round_trip = round_trip_to(c, x);

    /* Sooner after the RST than a round trip to its receiver: sent before
     * the RST reached it (they crossed on the wire). It proves nothing,
     * and the RST closes that end when it arrives; the outcome is Zeek's
     * again (FIN, RST, the peer's FIN: SF). */
    if (X->state == TP_CLOSED && X->closed_by_rst && !X->rst_sent && round_trip > 0 &&
        s->time_ns - c->rst_time < round_trip) {
        c->outcome_fixed = false;
        return;
    }
    if (X->state == TP_CLOSED && X->closed_by_rst) {
        raise_anomaly(out, TP_A_traffic_after_rst, c->rst_frame, 0);
        if (X->rst_sent) {
            /* Its own RST closed it: nothing says the RST was ignored, and
             * it stays closed (noted once). */
            X->closed_by_rst = X->rst_sent = false;
            return;
        }
        set_state_why(X, (enum tp_state)X->state_before_rst, TP_WHY_RST_IGNORED);
        X->closed_by_rst = false;
        c->rst_ignored = true;
        c->outcome_fixed = false; /* the RST did not end the connection after all */
    }
}

/* What the receiver does with a SYN or SYN-ACK. */
static void receive_syn(struct tp_conn *c, uint8_t y, const struct tp_segment *s)
{
    struct tp_endpoint *Y = &c->ep[y];

    if (!(s->flags & TP_ACK)) {
        /* LISTEN -> SYN_RECEIVED (passive open); SYN_SENT -> SYN_RECEIVED
         * (simultaneous open). A synchronized end ignores it. */
        if (Y->state == TP_CLOSED || Y->state == TP_LISTEN || Y->state == TP_SYN_SENT)
            set_state(Y, TP_SYN_RECEIVED);
        return;
    }
    /* SYN_SENT -> ESTABLISHED on a SYN-ACK that acknowledges its SYN;
     * SYN_RECEIVED -> ESTABLISHED in a simultaneous open or split handshake. */
    if ((Y->state == TP_SYN_SENT || Y->state == TP_SYN_RECEIVED) && acks_syn(Y, s))
        set_state(Y, TP_ESTABLISHED);
}

/* RFC 9293 3.10.7.4 "first, check sequence number": does |s| start inside the
 * window |y| advertised, from what the sender has sent so far? Unknown
 * numbers pass. Only the handshake's last step is checked this way: later,
 * capture gaps would make the check noisy. */
static bool seq_acceptable(const struct tp_conn *c, uint8_t x, uint8_t y, const struct tp_segment *s)
{
    const struct tp_endpoint *X = &c->ep[x], *Y = &c->ep[y];

    if (!X->has_seq || Y->max_win == 0)
        return true;
    return seq_ge(s->seq, X->snd_nxt) && seq_lt(s->seq, X->snd_nxt + Y->max_win);
}

/* What the receiver does with a FIN (RFC 9293 3.10.7.4, "eighth, check the FIN bit"). */
static void receive_fin(struct tp_endpoint *Y)
{
    switch (state_of(Y)) {
        case TP_SYN_RECEIVED:
        case TP_ESTABLISHED:
            set_state(Y, TP_CLOSE_WAIT);
            break;
        case TP_FIN_WAIT_1:
            set_state(Y, TP_CLOSING); /* its own FIN is not acknowledged yet */
            break;
        case TP_FIN_WAIT_2:
            set_state(Y, TP_TIME_WAIT);
            break;
        case TP_CLOSED:
        case TP_LISTEN:
        case TP_SYN_SENT:
        case TP_CLOSE_WAIT:
        case TP_CLOSING:
        case TP_LAST_ACK:
        case TP_TIME_WAIT:
        case TP_STATE_COUNT:
            break; /* CLOSED, LISTEN, SYN_SENT cannot validate it; the rest have seen it */
    }
}

/* An ACK past all that |y| sent, from a peer that closed and waits for
 * |y|'s FIN (|y| in CLOSE_WAIT): the capture lost |y|'s FIN (RFC 9293
 * lets nothing else follow). Both ends move as if it had been seen: |y| sent
 * it (LAST_ACK, closed by this ACK below) and its peer received it. If |y|
 * sends data later, it was data the capture lost, not a FIN
 * (retract_inferred_fin). Other ACKs past what was captured are lost data:
 * Wireshark's TCP analysis says so, and no state depends on it. */
static void infer_uncaptured_fin(struct tp_conn *c, uint8_t x, uint8_t y, const struct tp_segment *s,
                                 struct tp_result *out)
{
    struct tp_endpoint *Y = &c->ep[y], *X = &c->ep[x];

    if (Y->state != TP_CLOSE_WAIT || !X->fin_sent)
        return;
    raise_anomaly(out, TP_A_fin_not_captured, rel_seq(Y, s->ack), rel_seq(Y, Y->snd_nxt));
    Y->fin_sent = Y->fin_inferred = Y->fin_ack_pending = true;
    Y->fin_seq = s->ack - 1;
    Y->fin_last_frame = 0;
    Y->snd_nxt = s->ack;
    set_state_why(Y, TP_LAST_ACK, TP_WHY_FIN_NOT_CAPTURED);
    receive_fin(X);
    X->why = TP_WHY_FIN_NOT_CAPTURED;
}

/* |X|'s FIN was inferred from an ACK, but it sends data past it: the ACK
 * acknowledged data the capture lost, and the close is where it was. */
static void retract_inferred_fin(struct tp_conn *c, uint8_t x, uint8_t y, const struct tp_segment *s)
{
    struct tp_endpoint *X = &c->ep[x], *Y = &c->ep[y];

    if (!X->fin_inferred || s->len == 0 || !seq_gt(s->seq + s->len, X->fin_seq))
        return;
    X->fin_sent = X->fin_inferred = X->fin_ack_pending = X->fin_was_acked = false;
    X->fin_acked_in = 0;
    set_state_why(X, TP_CLOSE_WAIT, TP_WHY_FIN_TAKEN_BACK);
    if (Y->state == TP_TIME_WAIT)
        set_state_why(Y, TP_FIN_WAIT_2, TP_WHY_FIN_TAKEN_BACK);
    else if (Y->state == TP_CLOSING)
        set_state_why(Y, TP_FIN_WAIT_1, TP_WHY_FIN_TAKEN_BACK);
}

/* What the receiver does with the ACK field: completes its handshake or
 * moves its close along (RFC 9293 3.10.7.4, "fifth, check the ACK field"). */
static bool receive_ack(struct tp_conn *c, uint8_t x, uint8_t y, const struct tp_segment *s,
                        struct tp_result *out)
{
    struct tp_endpoint *Y = &c->ep[y];

    if (Y->seen && Y->has_seq && seq_gt(s->ack, Y->snd_nxt)) {
        /* "If the ACK acks something not yet sent (SEG.ACK > SND.NXT),
         * then send an ACK, drop the segment": after its FIN an end sends
         * nothing, so such an ACK is wrong, not a sign of capture loss. */
        if (Y->fin_sent) {
            raise_anomaly(out, TP_A_close_ack_invalid, rel_seq(Y, s->ack), rel_seq(Y, Y->snd_nxt));
            return false;
        }
        infer_uncaptured_fin(c, x, y, s, out);
    }
    const bool fin_acked = acks_fin(Y, s);
    switch (state_of(Y)) {
        case TP_SYN_RECEIVED:
            if (acks_syn(Y, s) && seq_acceptable(c, x, y, s)) {
                set_state(Y, TP_ESTABLISHED);
                break;
            }
            /* "If the segment acknowledgment is not acceptable, form a reset
             * segment": the receiver drops it, FIN and all. */
            if (Y->synack_sent && !acks_syn(Y, s))
                raise_anomaly(out, TP_A_handshake_ack_bad, rel_seq(Y, s->ack), 1);
            else if (Y->synack_sent)
                raise_anomaly(out, TP_A_handshake_ack_bad, rel_seq(&c->ep[x], s->seq),
                              rel_seq(&c->ep[x], c->ep[x].snd_nxt));
            return !Y->synack_sent;
        case TP_FIN_WAIT_1:
            if (fin_acked)
                set_state(Y, TP_FIN_WAIT_2);
            break;
        case TP_CLOSING:
            if (fin_acked)
                set_state(Y, TP_TIME_WAIT);
            break;
        case TP_LAST_ACK:
            if (fin_acked)
                set_state(Y, TP_CLOSED);
            break;
        case TP_CLOSED:
        case TP_LISTEN:
        case TP_SYN_SENT:
        case TP_ESTABLISHED:
        case TP_FIN_WAIT_2:
        case TP_CLOSE_WAIT:
        case TP_TIME_WAIT:
        case TP_STATE_COUNT:
            break;
    }
    /* The first ACK after each FIN transmission is a teardown step: 2 for the
     * first closer's FIN, 4 for the second's. */
    if (fin_acked && Y->fin_ack_pending) {
        Y->fin_ack_pending = false;
        out->td_steps |= TP_STEP_BIT((int)y == c->first_closer ? 2 : 4);
        out->fin_frame = Y->fin_last_frame;
        if (Y->fin_was_acked) {
            if (!(s->flags & TP_FIN))
                out->retransmission = true;
        } else {
            Y->fin_was_acked = true;
            Y->fin_acked_in = s->frame;
        }
    }
    return true;
}

static void track_sequence(struct tp_endpoint *X, const struct tp_segment *s)
{
    uint32_t end = s->seq + s->len;

    if (s->flags & TP_SYN)
        end++;
    if (s->flags & TP_FIN)
        end++;
    if (!X->has_seq || seq_gt(end, X->snd_nxt)) {
        X->snd_nxt = end;
        X->has_seq = true;
    }
    if (s->flags & TP_ACK) {
        X->last_ack = s->ack;
        X->has_ack = true;
    }
    if (s->win > X->max_win)
        X->max_win = s->win;
}

/* Step 3 is the segment after which both ends are synchronized for the first
 * time; a pure ACK answering a retransmitted SYN-ACK repeats it. */
static void mark_handshake_completion(struct tp_conn *c, const struct tp_config *cfg, uint8_t x, uint8_t y,
                                      const struct tp_segment *s, struct tp_result *out)
{
    struct tp_endpoint *Y = &c->ep[y];

    if (!c->established) {
        if (is_synchronized(c->ep[x].state) && is_synchronized(Y->state)) {
            c->established = true;
            c->hs_ack_frame = s->frame;
            c->hs_ack_time = s->time_ns;
            out->hs_steps |= TP_STEP_BIT(3);
            c->ep[0].synack_ack_pending = c->ep[1].synack_ack_pending = false;
            if (s->len > 0 && !(s->flags & TP_SYN))
                raise_anomaly(out, TP_A_handshake_completed_by_data, s->len, 0);
            if (c->simultaneous_open && !(s->flags & TP_SYN)) {
                raise_anomaly(out, TP_A_split_handshake, 0, 0);
                c->split_handshake = true;
            }
            /* judged on the wait the client's user saw: from its first SYN */
            if (c->syn_count > 0 && cfg->slow_handshake_ns > 0 && /* 0: off */
                s->time_ns - c->first_syn_time > cfg->slow_handshake_ns)
                raise_anomaly(out, TP_A_slow_handshake, to_ms(s->time_ns - c->first_syn_time), c->syn_count);
        }
        return;
    }
    if (Y->synack_ack_pending && !(s->flags & (TP_SYN | TP_FIN)) && acks_syn(Y, s)) {
        if (s->len == 0) {
            out->hs_steps |= TP_STEP_BIT(3);
            out->retransmission = true;
        }
        Y->synack_ack_pending = false;
    }
}

static uint8_t pick_label(const struct tp_result *r, uint16_t flags, bool bad_flags)
{
    if (bad_flags)
        return TP_LABEL_BAD_FLAGS;
    if (flags & TP_RST)
        return TP_LABEL_RST;
    if ((flags & TP_FIN) && !r->td_steps && !(r->hs_steps & TP_STEP_BIT(3)))
        return TP_LABEL_STRAY_FIN;
    if (r->td_steps) {
        if (flags & TP_FIN) {
            if ((r->td_steps & TP_STEP_BIT(2)) && (r->td_steps & TP_STEP_BIT(3)))
                return TP_LABEL_TD_FINACK;
            return (r->td_steps & TP_STEP_BIT(3)) ? TP_LABEL_TD_FIN2 : TP_LABEL_TD_FIN1;
        }
        return (r->td_steps & TP_STEP_BIT(4)) ? TP_LABEL_TD_ACK2 : TP_LABEL_TD_ACK1;
    }
    if (r->hs_steps & TP_STEP_BIT(2))
        return (r->hs_steps & TP_STEP_BIT(3)) ? TP_LABEL_HS_SYNACK_FINAL : TP_LABEL_HS_SYNACK;
    if (r->hs_steps & TP_STEP_BIT(1))
        return TP_LABEL_HS_SYN;
    if (r->hs_steps & TP_STEP_BIT(3))
        return TP_LABEL_HS_ACK;
    return r->has_data ? TP_LABEL_DATA : TP_LABEL_ACK;
}

static uint8_t pick_phase(const struct tp_conn *c, const struct tp_result *r, uint16_t flags,
                          bool bad_flags)
{
    if (!bad_flags && (flags & TP_RST))
        return TP_PHASE_RESET;
    if (r->td_steps)
        return TP_PHASE_TEARDOWN;
    if (r->hs_steps)
        return TP_PHASE_HANDSHAKE;
    if (tp_conn_finished(c))
        return TP_PHASE_CLOSED;
    if (c->ep[0].fin_sent || c->ep[1].fin_sent)
        return TP_PHASE_TEARDOWN;
    return c->established ? TP_PHASE_ESTABLISHED : TP_PHASE_HANDSHAKE;
}

/* What the first captured segment of a connection says about the capture. */
static void note_first_segment(const struct tp_conn *c, const struct tp_segment *s,
                               struct tp_result *out)
{
    if (c->segments != 0 || !c->midstream)
        return;
    if (s->flags & TP_SYN)
        raise_anomaly(out, TP_A_synack_unsolicited, 0, 0);
    else if (!(s->flags & TP_RST))
        raise_anomaly(out, TP_A_midstream, 0, 0);
}

/* An end asked for a challenge ACK (by an in-window RST or a SYN) answers
 * with its next segment: a pure ACK. */
static void note_challenge_ack(struct tp_conn *c, uint8_t x, const struct tp_segment *s,
                               struct tp_result *out)
{
    struct tp_endpoint *X = &c->ep[x];

    if (X->challenge_frame == 0)
        return;
    if (s->flags == TP_ACK && s->len == 0)
        raise_anomaly(out, TP_A_challenge_ack, X->challenge_frame, 0);
    X->challenge_frame = 0;
}

/* Payload beyond the sender's own FIN. */
static void note_data_anomalies(const struct tp_conn *c, uint8_t x, const struct tp_segment *s,
                                struct tp_result *out)
{
    const struct tp_endpoint *X = &c->ep[x];

    if (X->fin_sent && s->len > 0 && seq_gt(s->seq + s->len, X->fin_seq))
        raise_anomaly(out, TP_A_data_after_fin, s->len, rel_seq(X, X->fin_seq));
}

/* The sender's state once sending a segment has moved it, before its
 * receiver takes it: a self-connect shows it as its client's state. */
struct sent_half {
    uint8_t state, why;
};

/* A segment that is neither a RST nor dropped for its flags: the sender's
 * side (SYN, SYN-ACK, FIN, data), then the receiver's. */
static void process_segment(struct tp_conn *c, const struct tp_config *cfg, uint8_t x, uint8_t y,
                            const struct tp_segment *s, enum tp_event ev, bool was_established,
                            struct tp_result *out, struct sent_half *sent)
{
    const bool syn = ev == TP_EV_SYN || ev == TP_EV_SYN_ACK;
    const bool fin = ev == TP_EV_FIN || ev == TP_EV_FIN_ACK;
    const bool ack = ev == TP_EV_ACK || ev == TP_EV_FIN_ACK;
    bool taken = true, stray_fin = false;

    if (!syn)
        revive_after_ignored_rst(c, x, s, out);
    retract_inferred_fin(c, x, y, s);
    note_data_anomalies(c, x, s, out);
    if (ev == TP_EV_SYN_ACK)
        send_synack(c, x, y, s, out);
    else if (ev == TP_EV_SYN)
        taken = send_syn(c, cfg, x, y, s, out);
    else if (ack)
        infer_unseen_handshake(c, x, y, s, out);
    if (fin && !send_fin(c, x, y, s, out))
        stray_fin = true;
    sent->state = c->ep[x].state;
    sent->why = c->ep[x].why;
    if (c->self_connect)
        c->ep[x].why = TP_WHY_NONE; /* receiving it gives a reason of its own */

    if (!taken || stray_fin) {
        /* ignored by its receiver: it changes nothing */
    } else if (syn) {
        receive_syn(c, y, s);
    } else if (ack) {
        /* "if the ACK bit is off, drop the segment" */
        if (receive_ack(c, x, y, s, out) && fin)
            receive_fin(&c->ep[y]);
    }
    if (taken)
        track_sequence(&c->ep[x], s);
    mark_handshake_completion(c, cfg, x, y, s, out);
    if (!was_established && s->len > 0 && !syn && !(out->hs_steps & TP_STEP_BIT(3)))
        raise_anomaly(out, TP_A_data_before_established, s->len, 0);
}

/* A self-connect's endpoint 1 - |x| is the socket |x| is: a copy of it,
 * but for what it sent (bytes count once, as the sender's: the reports
 * would count them twice). */
static void mirror_one_socket(struct tp_conn *c, uint8_t x)
{
    struct tp_endpoint *Y = &c->ep[1 - x];
    const uint64_t bytes = Y->bytes;

    *Y = c->ep[x];
    Y->bytes = bytes;
}

void tp_conn_set_self_connect(struct tp_conn *c)
{
    const uint8_t x = c->client;

    c->self_connect = true;
    mirror_one_socket(c, x); /* LISTEN was the other end's guess */
}

/* A self-connect's one socket in |out|: the client's states are what
 * sending the segment did to it (|before| to |sent|), the server's what
 * receiving it did (|sent| to its state now), so each RFC 9293 transition
 * shows with its own reason: CLOSED -> SYN_SENT (sent SYN), then
 * SYN_SENT -> SYN_RECEIVED (received SYN). */
static void describe_self_connect(const struct tp_conn *c, uint8_t x, uint16_t f, uint8_t before,
                                  const struct sent_half *sent, struct tp_result *out)
{
    const struct tp_endpoint *X = &c->ep[x];

    out->state_client_before = before;
    out->state_client = sent->state;
    out->state_server_before = sent->state;
    out->state_server = X->state;
    out->why_client = sent->state == before         ? TP_WHY_NONE
                      : sent->why != TP_WHY_NONE    ? sent->why
                                                    : segment_why(true, f, before, sent->state);
    out->why_server = X->state == sent->state ? TP_WHY_NONE
                      : X->why != TP_WHY_NONE ? X->why
                                              : segment_why(false, f, sent->state, X->state);
}

/* Off only in the unit test that compares the two paths (internal.h). */
bool tp_steady_path = true;

/* What a plain ACK from either end needs of its connection to change no
 * state: established, both ends ESTABLISHED, no FIN sent, not a
 * self-connect. */
static bool conn_may_be_steady(const struct tp_conn *c)
{
    return c->established && !c->self_connect && c->segments > 0 && c->ep[0].state == TP_ESTABLISHED &&
           c->ep[1].state == TP_ESTABLISHED && !c->ep[0].fin_sent && !c->ep[1].fin_sent;
}

uint8_t tp_conn_steady_senders(const struct tp_conn *c)
{
    uint8_t senders = 0;

    if (!conn_may_be_steady(c))
        return 0;
    for (uint8_t x = 0; x < 2; x++) {
        const struct tp_endpoint *X = &c->ep[x], *Y = &c->ep[1 - x];
        /* nothing pending that such a segment settles: an inferred FIN, a
         * challenge ACK, the ACK of a SYN-ACK, the server's first answer */
        if (!X->fin_inferred && X->challenge_frame == 0 && !Y->synack_ack_pending &&
            (x == c->client || c->answered || c->syn_count == 0))
            senders |= (uint8_t)(1u << x);
    }
    return senders;
}

bool tp_conn_may_be_steady(const struct tp_conn *c) { return c->steady_senders != 0; }

/* A segment that changes no state: an ACK, with or without data, with no
 * SYN, FIN or RST, between two ESTABLISHED ends of an established
 * connection, with nothing pending that such a segment settles (a challenge
 * ACK, the ACK of a SYN-ACK, the server's first answer, an inferred FIN).
 * Most segments of any capture are these; tp_process gives them the result
 * the full path would, in a fraction of its work (tests/unit/test_steady.c
 * runs both on the same segments and compares). What the connection must
 * be is kept in c->steady_senders (tp_conn_steady_senders). */
static bool is_steady(const struct tp_conn *c, uint8_t x, const struct tp_segment *s)
{
    return (s->flags & (TP_SYN | TP_FIN | TP_RST | TP_ACK)) == TP_ACK && !s->checksum_bad &&
           (c->steady_senders >> x & 1u);
}

/* What the full path does to the connection with a steady segment: its
 * sequence numbers, the Zeek summary, the counts. Returns whether the
 * connection's outcome certainly stayed (tp_process). */
static bool update_steady(struct tp_conn *c, uint8_t x, const struct tp_segment *s)
{
    struct tp_endpoint *X = &c->ep[x];
    const uint32_t snd_nxt_before = X->snd_nxt;
    const bool had_seq = X->has_seq;

    c->ep[0].why = c->ep[1].why = TP_WHY_NONE;
    const bool outcome_kept = tp_summary_steady_keeps_outcome(c, x);

    track_sequence(X, s);
    tp_summary_steady(c, x, s, snd_nxt_before, had_seq);
    X->seen = true;
    c->segments++;
    return outcome_kept;
}

/* update_steady, and the segment's result: no step, anomaly or change. */
static bool process_steady(struct tp_conn *c, uint8_t x, const struct tp_segment *s, struct tp_result *out)
{
    memset(out, 0, sizeof *out);
    out->has_data = s->len > 0;
    out->sender_role = x == c->client ? TP_ROLE_CLIENT : TP_ROLE_SERVER;
    const bool outcome_kept = update_steady(c, x, s);

    out->label = out->has_data ? TP_LABEL_DATA : TP_LABEL_ACK;
    out->phase = TP_PHASE_ESTABLISHED;
    out->state_client = out->state_server = out->state_client_before = out->state_server_before = TP_ESTABLISHED;
    out->why_client = out->why_server = TP_WHY_NONE;
    return outcome_kept;
}

bool tp_step_if_steady(struct tp_conn *c, const struct tp_segment *s, bool *outcome_kept)
{
    if (!tp_steady_path || !is_steady(c, s->from & 1, s))
        return false;
    *outcome_kept = update_steady(c, s->from & 1, s);
    return true;
}

/* Off only in the unit test that compares the two paths (internal.h). */
bool tp_opening_syn_path = true;

/* The first SYN of a connection its tracker was made for (tp_conn_init: the
 * sender CLOSED, the receiver LISTEN, nothing sent yet): a bare SYN without
 * payload and with a good checksum, not on a self-connect. Every connection
 * of a capture that saw its start opens so, and its SYN is taken at least
 * twice (once described, again when its SYN-only connection is looked at
 * or gets its tracker: table.h); tp_process gives it the full path's result and
 * tracker in a fraction of its work (tests/unit/test_opening_syn.c runs
 * both on random SYNs and compares). */
static bool is_opening_syn(const struct tp_conn *c, uint8_t x, const struct tp_segment *s)
{
    const struct tp_endpoint *X = &c->ep[x], *Y = &c->ep[1 - x];

    return (s->flags & (TP_SYN | TP_ACK | TP_FIN | TP_RST)) == TP_SYN && s->len == 0 && !s->checksum_bad &&
           c->segments == 0 && !c->self_connect && !c->midstream && !c->established && x == c->client &&
           c->syn_count == 0 && c->synack_frame == 0 && X->state == TP_CLOSED && Y->state == TP_LISTEN &&
           !X->syn_sent && !X->has_isn && !X->has_seq && !X->fin_sent && !X->fin_inferred &&
           X->challenge_frame == 0 && !Y->syn_sent;
}

/* What the full path does with an opening SYN (send_syn, receive_syn and
 * the bookkeeping of tp_process, with every branch such a SYN cannot take
 * left out): the client CLOSED -> SYN_SENT, the server LISTEN ->
 * SYN_RECEIVED, handshake step 1. The Zeek summary is the full one. */
static void process_opening_syn(struct tp_conn *c, uint8_t x, const struct tp_segment *s, struct tp_result *out)
{
    struct tp_endpoint *X = &c->ep[x], *Y = &c->ep[1 - x];
    const uint32_t snd_nxt_before = X->snd_nxt;
    const bool had_seq = X->has_seq;

    memset(out, 0, sizeof *out);
    out->sender_role = TP_ROLE_CLIENT;
    out->hs_steps = TP_STEP_BIT(1);
    X->why = Y->why = TP_WHY_NONE;
    c->syn_count = 1;
    c->first_syn_time = s->time_ns;
    X->isn = s->seq;
    X->syn_data_len = 0;
    X->has_isn = X->syn_sent = true;
    set_state(X, TP_SYN_SENT);
    c->syn_frame = s->frame;
    c->syn_time = s->time_ns;
    set_state(Y, TP_SYN_RECEIVED);
    track_sequence(X, s);
    tp_summary_update(c, x, s, snd_nxt_before, had_seq);
    X->seen = true;
    c->segments++;
    out->label = TP_LABEL_HS_SYN;
    keep_check_numbers(c, x, (uint8_t)(1 - x), s, out); /* no self-connect here */
    out->phase = TP_PHASE_HANDSHAKE;
    out->state_client_before = TP_CLOSED;
    out->state_server_before = TP_LISTEN;
    out->state_client = TP_SYN_SENT;
    out->state_server = TP_SYN_RECEIVED;
    out->why_client = TP_WHY_SENT_SYN;
    out->why_server = TP_WHY_RECEIVED_SYN;
}

/* Any segment, every branch: RFC 9293's events and the bookkeeping. */
static void process_full(struct tp_conn *c, const struct tp_config *cfg, const struct tp_segment *s,
                         struct tp_result *out)
{
    const uint8_t x = s->from & 1;
    /* the receiver, worked out once for the helpers below (issue 18) */
    const uint8_t y = tp_peer(c, x);
    const uint16_t f = s->flags;
    const enum tp_event ev = tp_segment_event(f);
    const bool bad_flags = ev == TP_EV_BAD_FLAGS;

    const bool was_established = c->established;
    const uint32_t snd_nxt_before = c->ep[x].snd_nxt;
    const bool had_seq = c->ep[x].has_seq;
    uint8_t states_before[2];
    struct sent_half sent;

    memset(out, 0, sizeof *out);
    out->has_data = s->len > 0;
    out->sender_role = x == c->client ? TP_ROLE_CLIENT : TP_ROLE_SERVER;
    states_before[0] = c->ep[0].state;
    states_before[1] = c->ep[1].state;
    if (s->checksum_bad) {
        /* RFC 9293 3.10.7: a segment that fails its checksum is discarded
         * before anything else is looked at. Nothing changes at either end;
         * Wireshark's own expert info says the checksum is wrong. */
        tp_summary_bad_checksum(c, x);
        if (c->self_connect)
            mirror_one_socket(c, x);
        /* not counted in c->segments: for the tracker nothing has arrived
         * yet (its resend is the connection's first segment, a SYN with the
         * same ISN no new incarnation) */
        out->label = TP_LABEL_BAD_CHECKSUM;
        out->phase = pick_phase(c, out, f, true);
        out->state_client = out->state_client_before = states_before[c->client];
        out->state_server = out->state_server_before = states_before[1 - c->client];
        return;
    }
    c->ep[0].why = c->ep[1].why = TP_WHY_NONE;
    sent.state = states_before[x];
    sent.why = TP_WHY_NONE;
    note_first_segment(c, s, out);
    note_challenge_ack(c, x, s, out);
    /* a self-connect's SYN arrives at itself: what it sends next answers it */
    if ((x != c->client || (c->self_connect && c->segments > 0)) && c->syn_count > 0 && !c->answered) {
        c->answered = true;
        c->answer_time = s->time_ns;
    }

    if (ev == TP_EV_BAD_FLAGS || (f & (TP_FIN | TP_RST)) == (TP_FIN | TP_RST))
        raise_anomaly(out, TP_A_illegal_flags, f, 0);
    switch (ev) {
        case TP_EV_BAD_FLAGS:
            break; /* Receivers drop such segments: nothing changes. */
        case TP_EV_RST:
            process_rst(c, x, y, s, out);
            break;
        case TP_EV_SYN:
        case TP_EV_SYN_ACK:
        case TP_EV_FIN_ACK:
        case TP_EV_FIN:
        case TP_EV_ACK:
        case TP_EV_NO_ACK:
            process_segment(c, cfg, x, y, s, ev, was_established, out, &sent);
            break;
    }
    for (int i = 0; i < 2; i++) {
        if (c->ep[i].state == TP_TIME_WAIT && states_before[i] != TP_TIME_WAIT)
            c->ep[i].time_wait_since = s->time_ns;
    }
    tp_summary_update(c, x, s, snd_nxt_before, had_seq);
    c->ep[x].seen = true;
    if (c->self_connect)
        mirror_one_socket(c, x);
    c->segments++;

    out->label = pick_label(out, f, bad_flags);
    keep_check_numbers(c, x, y, s, out);
    out->phase = pick_phase(c, out, f, bad_flags);
    out->state_client = c->ep[c->client].state;
    out->state_server = c->ep[1 - c->client].state;
    out->state_client_before = states_before[c->client];
    out->state_server_before = states_before[1 - c->client];
    for (unsigned i = 0; i < 2; i++) {
        const struct tp_endpoint *ep = &c->ep[i];
        const uint8_t why = ep->state == states_before[i] ? TP_WHY_NONE
                            : ep->why != TP_WHY_NONE   ? ep->why
                                                       : segment_why(i == x, f, states_before[i], ep->state);
        if (i == c->client)
            out->why_client = why;
        else
            out->why_server = why;
    }
    if (c->self_connect)
        describe_self_connect(c, x, f, states_before[x], &sent, out);
}

bool tp_process(struct tp_conn *c, const struct tp_config *cfg, const struct tp_segment *s,
                struct tp_result *out)
{
    /* a steady segment changes nothing steady_senders reads: they stay */
    if (tp_steady_path && is_steady(c, s->from & 1, s))
        return process_steady(c, s->from & 1, s, out);
    if (tp_opening_syn_path && is_opening_syn(c, s->from & 1, s))
        process_opening_syn(c, s->from & 1, s, out);
    else
        process_full(c, cfg, s, out);
    c->steady_senders = tp_conn_steady_senders(c) & 3u;
    return false; /* not worth telling: the full path is the rarer one */
}

/* What tcpphase.check needs of a step, kept the first time it is taken. */
static void keep_check_numbers(struct tp_conn *c, uint8_t x, uint8_t y, const struct tp_segment *s,
                               const struct tp_result *out)
{
    struct tp_check_numbers *k = &c->check;
    const struct tp_endpoint *X = &c->ep[x], *Y = &c->ep[y];

    if (out->retransmission || (out->anomalies & TP_ANOMALY_BIT(syn_new_isn)))
        return;
    if ((out->hs_steps & (TP_STEP_BIT(1) | TP_STEP_BIT(2))) && !(k->has_isn & (1u << x))) {
        k->isn[x] = s->seq;
        k->isn_frame[x] = s->frame;
        k->has_isn |= (uint8_t)(1u << x);
    }
    if ((out->hs_steps & TP_STEP_BIT(1)) && !k->syn_frame)
        k->syn_frame = s->frame;
    if ((out->hs_steps & TP_STEP_BIT(2)) && !k->synack_frame) {
        k->synack_frame = s->frame;
        k->syn_data_len = Y->syn_data_len;
    }
    if ((out->hs_steps & TP_STEP_BIT(3)) && !k->ack_frame)
        k->ack_frame = s->frame;
    if ((out->td_steps & (TP_STEP_BIT(1) | TP_STEP_BIT(3))) && !k->fin_frame[x] && X->fin_sent) {
        k->fin_frame[x] = s->frame;
        k->fin_seq[x] = X->fin_seq;
    }
}

/* Why an end went from |before| to |after| on a segment with flags |f| that
 * it sent (|sent|) or received, when no special case said otherwise. */
static uint8_t segment_why(bool sent, uint16_t f, unsigned before, unsigned after)
{
    if (f & TP_RST)
        return sent ? TP_WHY_SENT_RST : TP_WHY_RECEIVED_RST;
    if ((f & TP_SYN) && !(f & TP_ACK))
        return sent ? TP_WHY_SENT_SYN : TP_WHY_RECEIVED_SYN;
    if (f & TP_SYN)
        return sent ? TP_WHY_SENT_SYNACK : TP_WHY_RECEIVED_SYNACK;
    if (sent)
        return (f & TP_FIN) ? TP_WHY_SENT_FIN : TP_WHY_SENT_ACK;
    if ((f & TP_FIN) && (after == TP_CLOSE_WAIT || after == TP_CLOSING || after == TP_TIME_WAIT))
        return TP_WHY_RECEIVED_FIN;
    if (before == TP_SYN_RECEIVED || before == TP_SYN_SENT)
        return TP_WHY_RECEIVED_ACK_OF_SYN;
    return TP_WHY_RECEIVED_ACK_OF_FIN;
}

char *tp_transition_format(unsigned before, unsigned after, unsigned why, unsigned lang, char *buf, unsigned size)
{
    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (before == after)
        return buf;
    if (why != TP_WHY_NONE && why < TP_WHY_COUNT)
        snprintf(buf, size, lang == TP_LANG_ZH ? "%s \u2192 %s（%s）" : "%s \u2192 %s (%s)", tp_state_name(before),
                 tp_state_name(after), tp_why_text(why, lang));
    else
        snprintf(buf, size, "%s \u2192 %s", tp_state_name(before), tp_state_name(after));
    return buf;
}

char *tp_label_format(const struct tp_result *r, unsigned lang, char *buf, unsigned size)
{
    const bool step = r->hs_steps || r->td_steps || r->label == TP_LABEL_RST;
    const bool data = step && r->has_data;
    const char *label = tp_label_text_in(r->label, lang);

    if (data && r->retransmission)
        snprintf(buf, size, tp_phrase(TP_P_LABEL_DATA_RETRANSMISSION, lang), label);
    else if (data)
        snprintf(buf, size, tp_phrase(TP_P_LABEL_DATA, lang), label);
    else if (r->retransmission)
        snprintf(buf, size, tp_phrase(TP_P_LABEL_RETRANSMISSION, lang), label);
    else if (size > 0) {
        /* a plain label is copied: snprintf("%s") costs ~600 instructions a
         * packet on a visible tree for the same bytes (issue 18) */
        size_t len = strlen(label);
        if (len >= size)
            len = size - 1;
        memcpy(buf, label, len);
        buf[len] = '\0';
    }
    return buf;
}

uint32_t tp_fin_acked_in(const struct tp_conn *c, const struct tp_result *r)
{
    if (!(r->td_steps & (TP_STEP_BIT(1) | TP_STEP_BIT(3))))
        return 0;
    if (r->retransmission && (r->anomalies & TP_ANOMALY_BIT(fin_bad_seq)))
        return 0;
    const uint8_t sender = r->sender_role == TP_ROLE_CLIENT ? c->client : (uint8_t)(1 - c->client);
    return c->ep[sender].fin_acked_in;
}
