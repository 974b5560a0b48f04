/* The tracker's short path for a connection's opening SYN (issue 18): the
 * same trackers fed the same segments with it on and off must end in the
 * same tracker and give the same result, segment by segment. The SYNs are
 * random: extra flags (PSH, URG, ECE, CWR, and some that make it no bare
 * SYN), payload, zero windows, bad checksums (alone, or before a good
 * copy), snap-length cuts, TCP Fast Open on and off, self-connects, and
 * trackers made for another first segment (a SYN-ACK, an ACK); each is
 * followed by a few segments of the handshake and after it. */
#include "test_support.h"

#include "../../core/internal.h"

static uint32_t rng_state;

static uint32_t rnd(uint32_t n) { return test_rnd(&rng_state, n); }

/* Feeds |s| to both trackers, the short path on for |with| only, and
 * compares the results and the trackers. */
static void feed_both(struct tp_conn *without, struct tp_conn *with, const struct tp_config *cfg,
                      const struct tp_segment *s)
{
    struct tp_result r_without, r_with;

    tp_opening_syn_path = false;
    tp_process(without, cfg, s, &r_without);
    tp_opening_syn_path = true;
    tp_process(with, cfg, s, &r_with);
    g_assert_cmpmem(&r_without, sizeof r_without, &r_with, sizeof r_with);
    g_assert_cmpmem(without, sizeof *without, with, sizeof *with);
}

static uint16_t random_syn_flags(void)
{
    uint16_t f = TP_SYN;

    if (rnd(3) == 0)
        f |= (uint16_t)(rnd(16) << 3 & (TP_PSH | TP_URG | TP_ECE | TP_CWR)); /* PSH, URG, ECE, CWR */
    if (rnd(10) == 0)
        f |= rnd(2) ? TP_ACK : rnd(2) ? TP_FIN : TP_RST; /* no bare SYN */
    return f;
}

/* One connection from its first SYN; returns whether that SYN is one the
 * short path is for (a bare SYN, no payload, a good checksum, a tracker
 * made for it, no self-connect). */
static bool check_connection(unsigned n, const struct tp_config *cfg)
{
    struct tp_conn without, with;
    struct tp_segment syn, first;
    const uint32_t client_isn = rnd(UINT32_MAX), server_isn = rnd(UINT32_MAX);
    int64_t now = (int64_t)rnd(1000000000);
    const unsigned made_for = rnd(10); /* 0: a SYN-ACK, 1: an ACK, else the SYN */
    const bool self = n % 13 == 0;

    memset(&syn, 0, sizeof syn);
    syn.time_ns = now;
    syn.frame = 1 + rnd(100);
    syn.seq = client_isn;
    syn.ack = rnd(4) == 0 ? rnd(UINT32_MAX) : 0;
    syn.flags = random_syn_flags();
    syn.len = rnd(6) == 0 ? 1 + rnd(1000) : 0;
    syn.win = rnd(20) == 0 ? 0 : rnd(65536);
    syn.payload_cut = rnd(10) == 0;
    syn.checksum_bad = rnd(12) == 0;
    first = syn;
    if (made_for == 0) {
        first.flags = TP_SYN | TP_ACK;
        first.from = 1;
        first.seq = server_isn;
        first.ack = client_isn + 1;
    } else if (made_for == 1) {
        first.flags = TP_ACK;
        first.len = 10;
    }
    tp_conn_init(&without, &first, 49152, 80);
    if (self)
        tp_conn_set_self_connect(&without);
    with = without;
    if (rnd(8) == 0) { /* a copy with a bad checksum first */
        struct tp_segment bad = syn;
        bad.checksum_bad = true;
        feed_both(&without, &with, cfg, &bad);
        syn.time_ns = now += 1000000;
        syn.frame++;
    }
    feed_both(&without, &with, cfg, &syn);

    /* the handshake's other steps (some left out), then segments after it */
    struct tp_segment next = {.time_ns = now += 1000, .frame = syn.frame + 1, .seq = server_isn,
                              .ack = client_isn + 1, .win = 65535, .flags = TP_SYN | TP_ACK, .from = 1};
    if (rnd(4) != 0)
        feed_both(&without, &with, cfg, &next);
    next = (struct tp_segment){.time_ns = now += 1000, .frame = syn.frame + 2, .seq = client_isn + 1,
                               .ack = server_isn + 1, .win = 65535, .flags = TP_ACK, .from = 0};
    if (rnd(3) != 0)
        feed_both(&without, &with, cfg, &next);
    for (unsigned i = 0; i < 3; i++) {
        next.time_ns = now += 1000;
        next.frame++;
        next.from = (uint8_t)rnd(2);
        next.seq = next.from == 0 ? client_isn + 1 : server_isn + 1;
        next.ack = next.from == 0 ? server_isn + 1 : client_isn + 1;
        next.flags = rnd(5) == 0 ? TP_SYN : rnd(5) == 0 ? TP_FIN | TP_ACK : TP_ACK;
        next.len = rnd(2) ? 100 : 0;
        feed_both(&without, &with, cfg, &next);
    }
    g_assert_cmpint(tp_conn_outcome(&without), ==, tp_conn_outcome(&with));
    return (syn.flags & (TP_SYN | TP_ACK | TP_FIN | TP_RST)) == TP_SYN && syn.len == 0 && !syn.checksum_bad &&
           made_for >= 2 && !self;
}

static void test_same_as_full_path(void)
{
    struct tp_config tfo = tp_config_default;
    unsigned opening = 0;

    tfo.tfo_normal = !tfo.tfo_normal;
    rng_state = 9293;
    for (unsigned n = 0; n < 20000; n++)
        opening += check_connection(n, n % 5 == 0 ? &tfo : &tp_config_default);
    tp_opening_syn_path = true;
    g_test_message("%u opening SYNs the short path is for", opening);
    g_assert_cmpuint(opening, >, 8000);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/opening_syn/same_as_full_path", test_same_as_full_path);
    return g_test_run();
}
