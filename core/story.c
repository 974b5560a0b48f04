/* A connection's story in one line (tcpphase.summary, the reports): the
 * verdict an engineer reads first, from what the tracker kept. Each clause
 * says only what the capture shows: "at the end" is the end of the capture. */
#include "internal.h"

#include <stdio.h>

static const char *role(const struct tp_conn *c, unsigned ep)
{
    return ep == c->client ? "client" : "server";
}

static bool gone(unsigned s)
{
    return s == TP_CLOSED || s == TP_LISTEN || s == TP_TIME_WAIT;
}

/* An end that is not done at the end of the capture, named with its state. */
static void say_lingering(struct tp_line *l, const struct tp_conn *c)
{
    for (unsigned i = 0; i < 2; i++) {
        const unsigned ep = i == 0 ? c->client : 1u - c->client;
        if (!gone(c->ep[ep].state))
            tp_say(l, "; %s still in %s at the end", role(c, ep), tp_state_name(c->ep[ep].state));
    }
}

char *tp_conn_story(const struct tp_conn *c, char *buf, unsigned size)
{
    struct tp_line l = {buf, size, 0};
    const char *plural = c->syn_count == 1 ? "" : "s";

    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (c->syn_count > 0 && !c->established && c->reset && tp_conn_outcome(c) == TP_OUTCOME_REJ) {
        tp_say(&l, "refused: RST to %u SYN%s in ", c->syn_count, plural);
        tp_say_duration(&l, c->rst_time - c->first_syn_time);
        return buf;
    }
    if (c->syn_count > 0 && !c->answered && !c->established) {
        tp_say(&l, "no answer to %u SYN%s over ", c->syn_count, plural);
        tp_say_duration(&l, c->syn_time - c->first_syn_time);
        return buf;
    }
    if (!c->established) {
        tp_say(&l, c->synack_frame ? "handshake not completed: SYN-ACK not acknowledged"
                                : "handshake not completed");
        if (c->reset)
            tp_say(&l, "; reset by the %s", role(c, c->rst_from));
        return buf;
    }
    if (c->midstream)
        tp_say(&l, "picked up midstream");
    else if (c->syn_count > 1 && c->hs_ack_frame) {
        tp_say(&l, "connected after ");
        tp_say_duration(&l, c->hs_ack_time - c->first_syn_time);
        tp_say(&l, " and %u SYNs", c->syn_count);
    } else {
        tp_say(&l, "connected");
    }
    if (c->reset && !(c->ep[0].fin_sent && c->ep[1].fin_sent)) {
        tp_say(&l, ", reset by the %s ", role(c, c->rst_from));
        if (c->hs_ack_frame) {
            tp_say_duration(&l, c->rst_time - c->hs_ack_time);
            tp_say(&l, " after the handshake");
        } else {
            tp_say_duration(&l, c->rst_time - c->first_time);
            tp_say(&l, " into the capture");
        }
        if (c->first_closer >= 0)
            tp_say(&l, " (the %s had sent a FIN)", role(c, (unsigned)c->first_closer));
        return buf;
    }
    if (c->simultaneous_close)
        tp_say(&l, ", closed by both at once");
    else if (c->first_closer >= 0 && c->ep[1 - c->first_closer].fin_sent)
        tp_say(&l, ", closed by the %s first", role(c, (unsigned)c->first_closer));
    else if (c->first_closer >= 0)
        tp_say(&l, ", closed by the %s only", role(c, (unsigned)c->first_closer));
    else
        tp_say(&l, ", open at the end");
    if (c->first_closer >= 0)
        say_lingering(&l, c);
    return buf;
}
