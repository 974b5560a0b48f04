/* A connection's story in one line (tcpphase.summary, the reports): the
 * verdict an engineer reads first, from what the tracker kept. Each clause
 * says only what the capture shows: "at the end" is the end of the capture. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

struct line {
    char *buf;
    unsigned size, used;
};

static void say(struct line *l, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (l->used >= l->size)
        return;
    va_start(ap, fmt);
    n = vsnprintf(l->buf + l->used, l->size - l->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->used = l->used + (unsigned)n < l->size ? l->used + (unsigned)n : l->size;
}

/* "850 ms" below a second, "2.1 s" above. */
static void say_duration(struct line *l, int64_t ns)
{
    if (ns < 0)
        ns = 0;
    if (ns < TP_NS_PER_SEC)
        say(l, "%u ms", (unsigned)(ns / TP_NS_PER_MS));
    else
        say(l, "%.1f s", (double)ns / (double)TP_NS_PER_SEC);
}

static const char *role(const struct tp_conn *c, unsigned ep)
{
    return ep == c->client ? "client" : "server";
}

static bool gone(unsigned s)
{
    return s == TP_CLOSED || s == TP_LISTEN || s == TP_TIME_WAIT;
}

/* An end that is not done at the end of the capture, named with its state. */
static void say_lingering(struct line *l, const struct tp_conn *c)
{
    for (unsigned i = 0; i < 2; i++) {
        const unsigned ep = i == 0 ? c->client : 1u - c->client;
        if (!gone(c->ep[ep].state))
            say(l, "; %s still in %s at the end", role(c, ep), tp_state_name(c->ep[ep].state));
    }
}

char *tp_conn_story(const struct tp_conn *c, char *buf, unsigned size)
{
    struct line l = {buf, size, 0};
    const char *plural = c->syn_count == 1 ? "" : "s";

    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (c->syn_count > 0 && !c->established && c->reset && tp_conn_outcome(c) == TP_OUTCOME_REJ) {
        say(&l, "refused: RST to %u SYN%s in ", c->syn_count, plural);
        say_duration(&l, c->rst_time - c->first_syn_time);
        return buf;
    }
    if (c->syn_count > 0 && !c->answered && !c->established) {
        say(&l, "no answer to %u SYN%s over ", c->syn_count, plural);
        say_duration(&l, c->syn_time - c->first_syn_time);
        return buf;
    }
    if (!c->established) {
        say(&l, c->synack_frame ? "handshake not completed: SYN-ACK not acknowledged"
                                : "handshake not completed");
        if (c->reset)
            say(&l, "; reset by the %s", role(c, c->rst_from));
        return buf;
    }
    if (c->midstream)
        say(&l, "picked up midstream");
    else if (c->syn_count > 1 && c->hs_ack_frame) {
        say(&l, "connected after ");
        say_duration(&l, c->hs_ack_time - c->first_syn_time);
        say(&l, " and %u SYNs", c->syn_count);
    } else {
        say(&l, "connected");
    }
    if (c->reset && !(c->ep[0].fin_sent && c->ep[1].fin_sent)) {
        say(&l, ", reset by the %s ", role(c, c->rst_from));
        if (c->hs_ack_frame) {
            say_duration(&l, c->rst_time - c->hs_ack_time);
            say(&l, " after the handshake");
        } else {
            say_duration(&l, c->rst_time - c->first_time);
            say(&l, " into the capture");
        }
        if (c->first_closer >= 0)
            say(&l, " (the %s had sent a FIN)", role(c, (unsigned)c->first_closer));
        return buf;
    }
    if (c->simultaneous_close)
        say(&l, ", closed by both at once");
    else if (c->first_closer >= 0 && c->ep[1 - c->first_closer].fin_sent)
        say(&l, ", closed by the %s first", role(c, (unsigned)c->first_closer));
    else if (c->first_closer >= 0)
        say(&l, ", closed by the %s only", role(c, (unsigned)c->first_closer));
    else
        say(&l, ", open at the end");
    if (c->first_closer >= 0)
        say_lingering(&l, c);
    return buf;
}
