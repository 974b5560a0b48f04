/* A connection's story in one line (tcpphase.summary, the reports): the
 * verdict an engineer reads first, from what the tracker kept. Each clause
 * says only what the capture shows: "at the end" is the end of the capture. */
#include "internal.h"

#include <stdio.h>

static const char *role(const struct tp_conn *c, unsigned lang, unsigned ep)
{
    return tp_phrase(ep == c->client ? TP_P_CLIENT : TP_P_SERVER, lang);
}

/* tp_say with phrase |p| (phrases.h) as the format, in language |lang|. */
#define SAY(l, lang, p, ...) tp_say((l), tp_phrase(TP_P_##p, (lang)), __VA_ARGS__)
#define SAY_TEXT(l, lang, p) tp_say((l), "%s", tp_phrase(TP_P_##p, (lang)))

static bool gone(unsigned s)
{
    return s == TP_CLOSED || s == TP_LISTEN || s == TP_TIME_WAIT;
}

/* An end that is not done at the end of the capture, named with its state. */
static void say_lingering(struct tp_line *l, const struct tp_conn *c, unsigned lang)
{
    for (unsigned i = 0; i < 2; i++) {
        const unsigned ep = i == 0 ? c->client : 1u - c->client;
        if (!gone(c->ep[ep].state))
            SAY(l, lang, STORY_LINGERING, role(c, lang, ep), tp_state_name(c->ep[ep].state));
    }
}

/* A self-connect that completed its handshake: one socket, one state. */
static void say_self_connect(struct tp_line *l, const struct tp_conn *c, unsigned lang)
{
    const unsigned state = c->ep[c->client].state;

    SAY_TEXT(l, lang, STORY_SELF_CONNECT);
    if (c->reset)
        SAY(l, lang, STORY_RESET_BY, role(c, lang, c->rst_from));
    else if (c->first_closer >= 0)
        SAY_TEXT(l, lang, STORY_CLOSED_SELF);
    if (!gone(state))
        SAY(l, lang, STORY_SELF_LINGERING, tp_state_name(state));
}

char *tp_conn_story(const struct tp_conn *c, unsigned lang, char *buf, unsigned size)
{
    struct tp_line l = {buf, size, 0};
    const char *plural = c->syn_count == 1 ? "" : tp_phrase(TP_P_PLURAL_S, lang);

    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (c->syn_count > 0 && !c->established && c->reset && tp_conn_outcome(c) == TP_OUTCOME_REJ) {
        SAY(&l, lang, STORY_REFUSED, c->syn_count, plural);
        tp_say_duration(&l, c->rst_time - c->first_syn_time);
        return buf;
    }
    if (c->syn_count > 0 && !c->answered && !c->established) {
        SAY(&l, lang, STORY_NO_ANSWER, c->syn_count, plural);
        tp_say_duration(&l, c->syn_time - c->first_syn_time);
        return buf;
    }
    if (!c->established) {
        if (c->synack_frame)
            SAY_TEXT(&l, lang, STORY_NOT_COMPLETED_SYNACK);
        else
            SAY_TEXT(&l, lang, STORY_NOT_COMPLETED);
        if (c->reset)
            SAY(&l, lang, STORY_RESET_BY, role(c, lang, c->rst_from));
        return buf;
    }
    if (c->self_connect) {
        say_self_connect(&l, c, lang);
        return buf;
    }
    if (c->midstream)
        SAY_TEXT(&l, lang, STORY_MIDSTREAM);
    else if (c->syn_count > 1 && c->hs_ack_frame) {
        SAY_TEXT(&l, lang, STORY_CONNECTED_AFTER);
        tp_say_duration(&l, c->hs_ack_time - c->first_syn_time);
        SAY(&l, lang, STORY_AND_SYNS, c->syn_count);
    } else {
        SAY_TEXT(&l, lang, STORY_CONNECTED);
    }
    if (c->reset && !(c->ep[0].fin_sent && c->ep[1].fin_sent)) {
        SAY(&l, lang, STORY_RESET_AFTER, role(c, lang, c->rst_from));
        if (c->hs_ack_frame) {
            tp_say_duration(&l, c->rst_time - c->hs_ack_time);
            SAY_TEXT(&l, lang, STORY_AFTER_HANDSHAKE);
        } else {
            tp_say_duration(&l, c->rst_time - c->first_time);
            SAY_TEXT(&l, lang, STORY_INTO_CAPTURE);
        }
        if (c->first_closer >= 0)
            SAY(&l, lang, STORY_HAD_SENT_FIN, role(c, lang, (unsigned)c->first_closer));
        return buf;
    }
    if (c->simultaneous_close)
        SAY_TEXT(&l, lang, STORY_CLOSED_BY_BOTH);
    else if (c->first_closer >= 0 && c->ep[1 - c->first_closer].fin_sent)
        SAY(&l, lang, STORY_CLOSED_FIRST, role(c, lang, (unsigned)c->first_closer));
    else if (c->first_closer >= 0)
        SAY(&l, lang, STORY_CLOSED_ONLY, role(c, lang, (unsigned)c->first_closer));
    else
        SAY_TEXT(&l, lang, STORY_OPEN_AT_END);
    if (c->first_closer >= 0)
        say_lingering(&l, c, lang);
    return buf;
}
