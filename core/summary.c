/* What a connection amounts to, in Zeek's terms: the history string and the
 * conn_state outcome (Zeek's scripts/base/protocols/conn/main.zeek), kept as
 * the tracker sees each segment. Zeek's rules are followed where they are
 * observable in a capture; letters needing checksums (c) are not kept. */
#include "internal.h"
#include "summary.h"

#include <ctype.h>

const char *tp_closer_name(unsigned c)
{
    static const char *const names[] = {
#define TP_X_NAME(id, name) name,
        TP_CLOSERS(TP_X_NAME)
#undef TP_X_NAME
    };
    return c < TP_CLOSER_COUNT ? names[c] : "";
}

const char *tp_outcome_code(unsigned o)
{
    static const char *const codes[] = {
#define TP_X_CODE(code, text) #code,
        TP_OUTCOMES(TP_X_CODE)
#undef TP_X_CODE
    };
    return o < TP_OUTCOME_COUNT ? codes[o] : "?";
}

const char *tp_outcome_text(unsigned o)
{
    static const char *const texts[] = {
#define TP_X_TEXT(code, text) text,
        TP_OUTCOMES(TP_X_TEXT)
#undef TP_X_TEXT
    };
    return o < TP_OUTCOME_COUNT ? texts[o] : "?";
}

/* Letters recorded once per end, as bits of tp_history_marks.once. */
enum { ONCE_A = 1, ONCE_D = 2, ONCE_Q = 4, ONCE_I = 8, ONCE_G = 16, ONCE_T = 32, ONCE_W = 64 };
/* Letters repeated only for another sequence number: index into last_seq. */
enum { SEQ_S, SEQ_H, SEQ_F, SEQ_R };

/* Appends |letter|, upper case for the client (Zeek's originator). */
static void add_letter(struct tp_conn *c, uint8_t ep, char letter)
{
    if (c->history_len >= TP_HISTORY_MAX)
        return;
    c->history[c->history_len++] = ep == c->client ? (char)toupper(letter) : letter;
    c->history[c->history_len] = '\0';
}

static void add_once(struct tp_conn *c, uint8_t ep, uint8_t bit, char letter)
{
    struct tp_history_marks *m = &c->ep[ep].marks;

    if (!(m->once & bit)) {
        m->once |= bit;
        add_letter(c, ep, letter);
    }
}

static void add_for_seq(struct tp_conn *c, uint8_t ep, unsigned which, uint32_t seq, char letter)
{
    struct tp_history_marks *m = &c->ep[ep].marks;

    if ((m->seq_letters & (1u << which)) && m->last_seq[which] == seq)
        return;
    m->seq_letters |= (uint8_t)(1u << which);
    m->last_seq[which] = seq;
    add_letter(c, ep, letter);
}

static void set_zeek_state(struct tp_endpoint *ep, enum tp_zeek_state state)
{
    ep->zeek_prev_state = ep->zeek_state;
    ep->zeek_state = (uint8_t)state;
}

/* Zeek's endpoint states (its TCPSessionAdapter's state machine) move on
 * what each end sends. */
static void update_zeek_states(struct tp_conn *c, uint8_t x, const struct tp_segment *s)
{
    struct tp_endpoint *X = &c->ep[x], *Y = &c->ep[1 - x];
    const uint16_t f = s->flags;
    const unsigned before = X->zeek_state;

    if (before == TP_Z_RESET)
        return; /* a reset end stays reset, whatever it sends next */
    if (f & TP_RST) {
        /* After both ends sent a FIN a RST changes nothing: the FIN exchange
         * ended the connection (common after STARTTLS, Connection: close). */
        if (!(before == TP_Z_CLOSED && Y->zeek_state == TP_Z_CLOSED))
            set_zeek_state(X, TP_Z_RESET);
    } else if (f & TP_FIN) {
        if (before != TP_Z_CLOSED)
            set_zeek_state(X, TP_Z_CLOSED);
        /* FIN, RST, then the peer's FIN: a normal termination after all */
        if ((before == TP_Z_ESTABLISHED || before == TP_Z_PARTIAL) && Y->zeek_state == TP_Z_RESET &&
            Y->zeek_prev_state == TP_Z_CLOSED)
            set_zeek_state(Y, TP_Z_CLOSED);
    } else if ((f & TP_SYN) && !(f & TP_ACK)) {
        if (before == TP_Z_INACTIVE)
            set_zeek_state(X, TP_Z_SYN_SENT);
    } else if (f & TP_SYN) {
        /* Zeek calls the connection established on the SYN-ACK */
        if (Y->zeek_state == TP_Z_SYN_SENT) {
            set_zeek_state(X, TP_Z_ESTABLISHED);
            set_zeek_state(Y, TP_Z_ESTABLISHED);
        } else if (before == TP_Z_INACTIVE) {
            set_zeek_state(X, TP_Z_SYN_ACK_SENT);
        }
    } else if (before == TP_Z_INACTIVE) {
        if (x != c->client && s->len == 0 && Y->zeek_state == TP_Z_SYN_SENT) {
            /* an ACK of the SYN before the SYN-ACK: no partial connection */
        } else if (Y->zeek_state == TP_Z_SYN_ACK_SENT) {
            set_zeek_state(X, TP_Z_ESTABLISHED);
            set_zeek_state(Y, TP_Z_ESTABLISHED);
        } else {
            /* No SYN from this end: it stays partial for good, and a
             * connection of two partial ends is "OTH" (midstream traffic). */
            set_zeek_state(X, TP_Z_PARTIAL);
        }
    }
}

void tp_summary_update(struct tp_conn *c, uint8_t x, const struct tp_segment *s,
                       uint32_t snd_nxt_before, bool had_seq)
{
    struct tp_endpoint *X = &c->ep[x];
    const uint16_t f = s->flags;

    if (c->segments == 0) {
        c->first_frame = s->frame;
        c->first_time = s->time_ns;
        c->first_sender = x;
        if (x != c->client)
            add_letter(c, c->client, '^'); /* Zeek marks a flipped direction */
    }
    c->last_time = s->time_ns;
    X->packets++;
    X->bytes += s->len;

    if ((f & TP_SYN) && (f & (TP_FIN | TP_RST)))
        add_once(c, x, ONCE_Q, 'q');
    else if ((f & TP_FIN) && (f & TP_RST))
        add_once(c, x, ONCE_I, 'i');
    if ((f & TP_SYN) && !(f & TP_ACK))
        add_for_seq(c, x, SEQ_S, s->seq, 's');
    if ((f & TP_SYN) && (f & TP_ACK))
        add_for_seq(c, x, SEQ_H, s->seq, 'h');
    if ((f & TP_ACK) && !(f & (TP_SYN | TP_FIN | TP_RST)) && s->len == 0)
        add_once(c, x, ONCE_A, 'a');
    if (s->len > 0) {
        add_once(c, x, ONCE_D, 'd');
        /* bytes below what it had already sent: retransmitted payload */
        if (had_seq && seq_le(s->seq + s->len, snd_nxt_before))
            add_once(c, x, ONCE_T, 't');
    }
    if (f & TP_FIN)
        add_for_seq(c, x, SEQ_F, s->seq + s->len, 'f');
    if (f & TP_RST)
        add_for_seq(c, x, SEQ_R, s->seq, 'r');
    /* bytes missing before this segment: a content gap, noticed (as by
     * Zeek's reassembler) once the segment after the hole arrives */
    if (had_seq && !(f & (TP_SYN | TP_RST)) && seq_gt(s->seq, snd_nxt_before))
        add_once(c, x, ONCE_G, 'g');
    if (s->win == 0 && !(f & TP_RST))
        add_once(c, x, ONCE_W, 'w');

    update_zeek_states(c, x, s);
    /* The first accepted RST that leaves neither end with a connection
     * decides the outcome: what strays in after it (an ACK, the peer's RST
     * in reply) is not a new attempt. The tracker lifts this if the RST's
     * receiver shows it ignored the RST. */
    if ((f & TP_RST) && c->reset && c->rst_frame == s->frame && !c->outcome_fixed &&
        tp_conn_finished(c)) {
        c->fixed_outcome = (uint8_t)tp_conn_outcome(c);
        c->outcome_fixed = true;
    }

    if (c->closer == TP_CLOSER_NONE && c->first_closer >= 0)
        c->closer = (int8_t)(c->first_closer == c->client ? TP_CLOSER_CLIENT : TP_CLOSER_SERVER);
    if (c->simultaneous_close)
        c->closer = TP_CLOSER_BOTH;
    if (c->closer == TP_CLOSER_NONE && (f & TP_RST) && c->reset)
        c->closer = (int8_t)(x == c->client ? TP_CLOSER_CLIENT : TP_CLOSER_SERVER);
}

/* The history so far matches Zeek's /^\^?S[^HAFGIQ]*R/: a SYN, then a RST
 * from the originator with nothing in between but its own data or a lone
 * responder letter. */
static bool history_syn_then_rst(const char *h)
{
    if (*h == '^')
        h++;
    if (*h++ != 'S')
        return false;
    for (; *h && *h != 'R'; h++) {
        if (*h == 'H' || *h == 'A' || *h == 'F' || *h == 'G' || *h == 'I' || *h == 'Q')
            return false;
    }
    return *h == 'R';
}

enum tp_outcome tp_conn_outcome(const struct tp_conn *c)
{
    const struct tp_endpoint *o = &c->ep[c->client], *r = &c->ep[1 - c->client];
    const unsigned os = o->zeek_state, rs = r->zeek_state;
    const bool o_inactive = os == TP_Z_INACTIVE || os == TP_Z_PARTIAL;
    const bool r_inactive = rs == TP_Z_INACTIVE || rs == TP_Z_PARTIAL;

    if (c->outcome_fixed)
        return (enum tp_outcome)c->fixed_outcome;
    if (rs == TP_Z_RESET) {
        if (os == TP_Z_SYN_SENT || os == TP_Z_SYN_ACK_SENT)
            return TP_OUTCOME_REJ;
        /* Two resets and no byte: a rejected attempt, if there was one (a
         * connection without a SYN attempted nothing: midstream traffic). */
        if (os == TP_Z_RESET && o->bytes == 0 && r->bytes == 0)
            return c->syn_count > 0 ? TP_OUTCOME_REJ : TP_OUTCOME_OTH;
        return o_inactive ? TP_OUTCOME_RSTRH : TP_OUTCOME_RSTR;
    }
    if (os == TP_Z_RESET) {
        if (r_inactive)
            return history_syn_then_rst(c->history) ? TP_OUTCOME_RSTOS0 : TP_OUTCOME_OTH;
        return TP_OUTCOME_RSTO;
    }
    if (rs == TP_Z_CLOSED && os == TP_Z_CLOSED)
        return TP_OUTCOME_SF;
    if (os == TP_Z_CLOSED)
        return r_inactive ? TP_OUTCOME_SH : TP_OUTCOME_S2;
    if (rs == TP_Z_CLOSED)
        return o_inactive ? TP_OUTCOME_SHR : TP_OUTCOME_S3;
    if (os == TP_Z_SYN_SENT && rs == TP_Z_INACTIVE)
        return TP_OUTCOME_S0;
    if (os == TP_Z_ESTABLISHED && rs == TP_Z_ESTABLISHED)
        return TP_OUTCOME_S1;
    return TP_OUTCOME_OTH;
}
