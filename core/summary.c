/* What a connection amounts to, in Zeek's terms: the history string and the
 * conn_state outcome (Zeek's scripts/base/protocols/conn/main.zeek), kept as
 * the tracker sees each segment. Zeek's rules are followed where they are
 * observable in a capture; letters needing checksums (c) are not kept. */
#include "internal.h"
#include "summary.h"

#include <stdio.h>
#include <string.h>

/* tcpphase.closed_by and tcpphase.role share their client and server values. */
_Static_assert(TP_CLOSER_CLIENT == (int)TP_ROLE_CLIENT && TP_CLOSER_SERVER == (int)TP_ROLE_SERVER,
               "closer and role encode client and server alike");

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
#define TP_X_CODE(code, text, zh) #code,
        TP_OUTCOMES(TP_X_CODE)
#undef TP_X_CODE
    };
    return o < TP_OUTCOME_COUNT ? codes[o] : "?";
}

const char *tp_outcome_text(unsigned o)
{
    return tp_outcome_text_in(o, TP_LANG_EN);
}

const char *tp_outcome_text_in(unsigned o, unsigned lang)
{
    static const char *const texts[TP_LANG_COUNT][TP_OUTCOME_COUNT] = {
        {
#define TP_X_EN(code, en, zh) en,
            TP_OUTCOMES(TP_X_EN)
#undef TP_X_EN
        },
        {
#define TP_X_ZH(code, en, zh) zh,
            TP_OUTCOMES(TP_X_ZH)
#undef TP_X_ZH
        },
    };
    return o < TP_OUTCOME_COUNT ? texts[lang < TP_LANG_COUNT ? lang : TP_LANG_EN][o] : "?";
}

/* Letters recorded once per end, as bits of tp_endpoint.once. */
enum { ONCE_A = 1, ONCE_D = 2, ONCE_Q = 4, ONCE_I = 8, ONCE_C = 16 };
/* Letters Zeek records on a log scale (the 1st, 10th, 100th... time): index
 * into tp_endpoint.counts. */
enum { SCALED_T, SCALED_G, SCALED_W };
/* Letters repeated only for another sequence number: index into last_seq. */
enum { SEQ_S, SEQ_H, SEQ_F, SEQ_R };

/* The symbols of tp_conn.history_codes: code 1 is ^, 2..13 the letters of
 * HISTORY_LETTERS in upper case (the client's), 14..25 in lower case (0 is
 * no letter). Codes 0..30 hold the letters (slot i: bits 5i..5i+4, least
 * significant first), the top 5 bits of the last byte the length. */
#define HISTORY_LETTERS "shadfrctwiqg"
static const char HISTORY_SYMBOLS[] = "^SHADFRCTWIQG" HISTORY_LETTERS;
/* Each lower-case letter's 1-based position in HISTORY_LETTERS (0: none):
 * a look-up, not a search, as every letter of every connection comes here. */
static const uint8_t HISTORY_LETTER_POSITION[26] = {
    ['s' - 'a'] = 1, ['h' - 'a'] = 2, ['a' - 'a'] = 3, ['d' - 'a'] = 4,  ['f' - 'a'] = 5,  ['r' - 'a'] = 6,
    ['c' - 'a'] = 7, ['t' - 'a'] = 8, ['w' - 'a'] = 9, ['i' - 'a'] = 10, ['q' - 'a'] = 11, ['g' - 'a'] = 12,
};
#define HISTORY_LEN_BYTE (TP_HISTORY_CODE_BYTES - 1)
#define HISTORY_LEN_SHIFT 3
_Static_assert(TP_HISTORY_CODE_BYTES * 8 - 5 == 5 * TP_HISTORY_MAX && HISTORY_LEN_SHIFT == 8 - 5,
               "the letters fill the bits below the length exactly");

unsigned tp_conn_history_len(const struct tp_conn *c)
{
    return c->history_codes[HISTORY_LEN_BYTE] >> HISTORY_LEN_SHIFT;
}

/* The code of letter |i| (below TP_HISTORY_MAX) of |h|: its two bytes are
 * in the array, as the last letter ends in the length's byte. */
static unsigned history_code(const uint8_t *h, unsigned i)
{
    const unsigned bit = 5 * i;

    return ((h[bit / 8] | (unsigned)h[bit / 8 + 1] << 8) >> (bit % 8)) & 31u;
}

char *tp_conn_history(const struct tp_conn *c, char *buf)
{
    const unsigned len = tp_conn_history_len(c);

    for (unsigned i = 0; i < len; i++)
        buf[i] = HISTORY_SYMBOLS[history_code(c->history_codes, i) - 1];
    buf[len] = '\0';
    return buf;
}

/* Appends Zeek's lower-case |letter| (or ^), upper case for the client
 * (Zeek's originator). The history only grows from zero (tp_conn_init), so
 * the code is or-ed into bits still clear and the length counted up. */
static void add_letter(struct tp_conn *c, uint8_t ep, char letter)
{
    uint8_t *h = c->history_codes;
    const unsigned len = tp_conn_history_len(c), bit = 5 * len;
    const unsigned index = (unsigned)(letter - 'a');
    const unsigned position = index < sizeof HISTORY_LETTER_POSITION ? HISTORY_LETTER_POSITION[index] : 0;
    const unsigned code = letter == '^' ? 1 : 1 + position + (ep == c->client ? 0u : (unsigned)sizeof HISTORY_LETTERS - 1);

    if (len >= TP_HISTORY_MAX || (letter != '^' && position == 0))
        return;
    h[bit / 8] |= (uint8_t)(code << bit % 8);
    h[bit / 8 + 1] |= (uint8_t)(code << bit % 8 >> 8);
    h[HISTORY_LEN_BYTE] += 1u << HISTORY_LEN_SHIFT;
}

static void add_once(struct tp_conn *c, uint8_t ep, uint8_t bit, char letter)
{
    struct tp_endpoint *m = &c->ep[ep];

    if (!(m->once & bit)) {
        m->once = (m->once | bit) & 31u;
        add_letter(c, ep, letter);
    }
}

static bool power_of_ten(unsigned n)
{
    for (unsigned p = 1; p <= n; p *= 10) {
        if (p == n)
            return true;
    }
    return false;
}

/* Counts one more occurrence of a scaled letter and records it if the count
 * is a power of ten (Zeek's ScaledHistoryEntry). Counts stop at 65535, so
 * the letter appears at most five times. */
static void add_scaled(struct tp_conn *c, uint8_t ep, unsigned which, char letter)
{
    uint16_t *n = &c->ep[ep].counts[which];

    if (*n == UINT16_MAX)
        return;
    ++*n;
    if (power_of_ten(*n))
        add_letter(c, ep, letter);
}

/* Content gaps, as Zeek's reassembler finds them: bytes of a stream the
 * capture lacks are a gap once the receiver acknowledges past them (it had
 * them; the capture did not), not when the sequence number jumps, since a
 * reordered segment may still fill the hole. Only the lowest hole is kept:
 * enough to tell whether there was one. */
/* |s| brings bytes of the lowest hole of its sender's stream. */
static bool fills_hole(const struct tp_endpoint *m, const struct tp_segment *s)
{
    return m->hole && !s->payload_cut && seq_le(s->seq, m->hole_seq) &&
           seq_gt(s->seq + s->len, m->hole_seq);
}

static void note_missing_bytes(struct tp_conn *c, uint8_t x, const struct tp_segment *s,
                               uint32_t snd_nxt_before, bool had_seq)
{
    struct tp_endpoint *m = &c->ep[x];
    const uint32_t end = s->seq + s->len;

    /* a FIN after a jump also leaves bytes missing before it */
    if ((s->len == 0 && !(s->flags & TP_FIN)) || (s->flags & (TP_SYN | TP_RST)))
        return;
    if (fills_hole(m, s)) {
        m->hole_seq = end; /* (part of) the hole arrives after all: reordering */
        if (seq_ge(m->hole_seq, m->hole_end))
            m->hole = false;
    }
    if (m->hole)
        return;
    if (s->payload_cut) {
        m->hole = true; /* cut by the snap length: the capture lacks its payload */
        m->hole_seq = s->seq;
        m->hole_end = end;
    } else if (had_seq && seq_gt(s->seq, snd_nxt_before) &&
               !(m->acked_gap && seq_le(s->seq, m->gap_ack))) {
        /* bytes skipped, except those an ACK already counted as missing */
        m->hole = true;
        m->hole_seq = m->acked_gap && seq_gt(m->gap_ack, snd_nxt_before) ? m->gap_ack : snd_nxt_before;
        m->hole_end = s->seq;
    }
}

/* Zeek counts a gap only between two ends that are established, or closed
 * after being established: elsewhere (partial connections, RSTs) missing
 * bytes arise falsely from unseen or stray sequence numbers. */
static bool gap_counts(const struct tp_conn *c)
{
    for (int i = 0; i < 2; i++) {
        const struct tp_endpoint *ep = &c->ep[i];
        if (ep->zeek_state != TP_Z_ESTABLISHED &&
            !(ep->zeek_state == TP_Z_CLOSED && ep->zeek_prev_state == TP_Z_ESTABLISHED))
            return false;
    }
    return true;
}

/* The ACK of |s| (sent by x) acknowledges bytes of the peer's stream that
 * the capture does not hold: a hole before captured data, or bytes beyond
 * all it captured (more than a FIN's one sequence number). */
static void note_acked_gap(struct tp_conn *c, uint8_t x, const struct tp_segment *s)
{
    const uint8_t y = tp_peer(c, x);
    struct tp_endpoint *Y = &c->ep[y];

    /* the common case first, in two reads: no hole, and an ACK within what
     * the peer sent (neither branch below can then hold) */
    if (!seq_gt(s->ack, Y->snd_nxt + 1) && !Y->hole)
        return;
    if (!(s->flags & TP_ACK) || (s->flags & TP_RST) || !Y->has_seq || !Y->seen)
        return;
    if (Y->hole && seq_gt(s->ack, Y->hole_seq)) {
        Y->hole = false;
    } else if (!Y->hole && seq_gt(s->ack, Y->snd_nxt + 1) &&
               (!Y->acked_gap || seq_ge(Y->snd_nxt, Y->gap_ack))) {
        Y->acked_gap = true;
        Y->gap_ack = s->ack;
    } else {
        return;
    }
    if (gap_counts(c))
        add_scaled(c, y, SCALED_G, 'g');
}

static void add_for_seq(struct tp_conn *c, uint8_t ep, unsigned which, uint32_t seq, char letter)
{
    struct tp_endpoint *m = &c->ep[ep];

    if ((m->seq_letters & (1u << which)) && m->last_seq[which] == seq)
        return;
    m->seq_letters = (m->seq_letters | (1u << which)) & 15u;
    m->last_seq[which] = seq;
    add_letter(c, ep, letter);
}

static void set_zeek_state(struct tp_endpoint *ep, enum tp_zeek_state state)
{
    ep->zeek_prev_state = ep->zeek_state;
    ep->zeek_state = state & 7u;
}

/* Zeek's endpoint states (its TCPSessionAdapter's state machine) move on
 * what each end sends. */
static void update_zeek_states(struct tp_conn *c, uint8_t x, const struct tp_segment *s)
{
    struct tp_endpoint *X = &c->ep[x], *Y = &c->ep[tp_peer(c, x)];
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
        if (x != c->client)
            add_letter(c, c->client, '^'); /* Zeek marks a flipped direction */
    }
    c->last_time = s->time_ns;
    X->bytes += s->len;

    /* Zeek's flag letters: one per segment kind. A segment with two of
     * SYN, FIN, RST is only i or q; payload is d only without any of them. */
    const bool syn = (f & TP_SYN) != 0, fin = (f & TP_FIN) != 0, rst = (f & TP_RST) != 0;
    const unsigned control = (unsigned)syn + (unsigned)fin + (unsigned)rst;
    if (control > 1) {
        if ((f & TP_FIN) && (f & TP_RST))
            add_once(c, x, ONCE_I, 'i');
        else
            add_once(c, x, ONCE_Q, 'q');
    } else if (f & TP_SYN) {
        add_for_seq(c, x, (f & TP_ACK) ? SEQ_H : SEQ_S, s->seq, (f & TP_ACK) ? 'h' : 's');
    } else if (f & TP_FIN) {
        add_for_seq(c, x, SEQ_F, s->seq + s->len, 'f');
    } else if (f & TP_RST) {
        add_for_seq(c, x, SEQ_R, s->seq, 'r');
    } else if (s->len > 0) {
        add_once(c, x, ONCE_D, 'd');
    } else if (f & TP_ACK) {
        add_once(c, x, ONCE_A, 'a');
    }
    /* payload below what it had already sent (a reordered segment that
     * fills a hole included, as in Zeek): retransmitted */
    if (s->len > 0 && had_seq && seq_le(s->seq + s->len, snd_nxt_before))
        add_scaled(c, x, SCALED_T, 't');
    note_acked_gap(c, x, s);
    note_missing_bytes(c, x, s, snd_nxt_before, had_seq);
    if (s->win == 0 && !(f & TP_RST))
        add_scaled(c, x, SCALED_W, 'w');

    update_zeek_states(c, x, s);
    /* The first accepted RST that leaves neither end with a connection
     * decides the outcome: what strays in after it (an ACK, the peer's RST
     * in reply) is not a new attempt. The tracker lifts this if the RST's
     * receiver shows it ignored the RST. */
    if ((f & TP_RST) && c->reset && c->rst_frame == s->frame && !c->outcome_fixed &&
        tp_conn_finished(c)) {
        c->fixed_outcome = tp_conn_outcome(c) & 15u;
        c->outcome_fixed = true;
    }

    if (c->closer == TP_CLOSER_NONE && c->first_closer >= 0)
        c->closer = c->first_closer == c->client ? TP_CLOSER_CLIENT : TP_CLOSER_SERVER;
    if (c->simultaneous_close)
        c->closer = TP_CLOSER_BOTH;
    if (c->closer == TP_CLOSER_NONE && (f & TP_RST) && c->reset)
        c->closer = x == c->client ? TP_CLOSER_CLIENT : TP_CLOSER_SERVER;
}

void tp_summary_steady(struct tp_conn *c, uint8_t x, const struct tp_segment *s,
                       uint32_t snd_nxt_before, bool had_seq)
{
    struct tp_endpoint *X = &c->ep[x];

    /* what tp_summary_update does with such a segment, the rest skipped:
     * no first segment, no SYN, FIN or RST letter, no Zeek state but
     * INACTIVE's moves (update_zeek_states), no RST fixing the outcome */
    c->last_time = s->time_ns;
    X->bytes += s->len;
    if (s->len > 0)
        add_once(c, x, ONCE_D, 'd');
    else
        add_once(c, x, ONCE_A, 'a');
    if (s->len > 0 && had_seq && seq_le(s->seq + s->len, snd_nxt_before))
        add_scaled(c, x, SCALED_T, 't');
    note_acked_gap(c, x, s);
    if (s->len > 0)
        note_missing_bytes(c, x, s, snd_nxt_before, had_seq);
    if (s->win == 0)
        add_scaled(c, x, SCALED_W, 'w');
    if (X->zeek_state == TP_Z_INACTIVE)
        update_zeek_states(c, x, s);
    if (c->closer == TP_CLOSER_NONE && c->first_closer >= 0)
        c->closer = c->first_closer == c->client ? TP_CLOSER_CLIENT : TP_CLOSER_SERVER;
    if (c->simultaneous_close)
        c->closer = TP_CLOSER_BOTH;
}

void tp_summary_bad_checksum(struct tp_conn *c, uint8_t x)
{
    add_once(c, x, ONCE_C, 'c');
}

char *tp_conn_history_at_end(const struct tp_conn *c, char *buf)
{
    unsigned len = tp_conn_history_len(c);

    tp_conn_history(c, buf);
    /* A hole nobody acknowledged, with data after it: Zeek's reassembler
     * reports it when the connection is done (one more gap, recorded if
     * that count is a power of ten, as add_scaled would). */
    for (uint8_t i = 0; i < 2; i++) {
        const uint8_t ep = i == 0 ? c->client : (uint8_t)(1 - c->client);
        const unsigned gaps = c->ep[ep].counts[SCALED_G];
        if (c->ep[ep].hole && gap_counts(c) && gaps < UINT16_MAX && power_of_ten(gaps + 1) &&
            len < TP_HISTORY_MAX) {
            buf[len++] = ep == c->client ? 'G' : 'g';
            buf[len] = '\0';
        }
    }
    return buf;
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
    /* A self-connect is one socket, originator and responder at once (its
     * SYN-ACK establishes both, its FIN closes both: SF); only a SYN is S0. */
    if (c->self_connect && os == TP_Z_SYN_SENT)
        return TP_OUTCOME_S0;
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
        if (r_inactive) {
            char history[TP_HISTORY_MAX + 1];
            return history_syn_then_rst(tp_conn_history(c, history)) ? TP_OUTCOME_RSTOS0 : TP_OUTCOME_OTH;
        }
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

char *tp_history_letters(const char *history, char *buf, unsigned size)
{
    static const struct {
        char letter;
        const char *meaning;
    } letters[] = {
        {'s', "SYN"}, {'h', "SYN-ACK"}, {'a', "pure ACK"}, {'d', "data"}, {'f', "FIN"}, {'r', "RST"},
        {'t', "retransmitted data"}, {'w', "zero window"}, {'g', "bytes missing from the capture"},
        {'i', "inconsistent packet"}, {'q', "multi-flag packet"}, {'c', "bad checksum"},
    };
    bool seen[256] = {false};
    unsigned used = 0;

    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (const char *h = history; *h && used < size; h++) {
        const unsigned char ch = (unsigned char)*h;
        const char *meaning = NULL, *who = ch >= 'a' && ch <= 'z' ? "server" : "client";
        int n;

        if (seen[ch])
            continue;
        seen[ch] = true;
        if (ch == '^') {
            meaning = "the first packet seen came from the server (Zeek flips the direction)";
            who = "";
        }
        for (unsigned i = 0; !meaning && i < sizeof letters / sizeof letters[0]; i++) {
            if (letters[i].letter == (ch | 0x20))
                meaning = letters[i].meaning;
        }
        if (!meaning)
            continue;
        n = snprintf(buf + used, size - used, "%s%c: %s%s%s", used ? ", " : "", ch, who, who[0] ? " " : "", meaning);
        if (n < 0 || (unsigned)n >= size - used)
            break; /* cut: what fits stays */
        used += (unsigned)n;
    }
    return buf;
}
