/* The connection table: segments to connections, incarnations and port
 * reuse, the SYN-only form, on malloc. TABLE_FEED sends a segment between
 * the client (low end of the key) and the server. */
#include "test_support.h"

#include <stdlib.h>

#include "../../core/internal.h"
#include "tcpphase/record.h"
#include "tcpphase/table.h"

static void *heap_alloc(void *ctx, size_t size)
{
    (*(unsigned *)ctx)++;
    return malloc(size);
}

static void heap_release(void *ctx, void *block)
{
    (*(unsigned *)ctx)--;
    free(block);
}

struct fixture {
    unsigned blocks; /* live allocations: 0 after tp_table_free */
    struct tp_allocator mem;
    struct tp_table *table;
    struct tp_key key, other_key;
    struct tp_step step;
    struct tp_conn storage;
    uint32_t frame;
};

static void setup(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    f->mem = (struct tp_allocator){heap_alloc, heap_release, &f->blocks};
    f->table = tp_table_new(&f->mem, &tp_config_default);
    f->key.addr_type = 4;
    f->key.addr_len = 4;
    f->key.port_low = CLIENT_PORT;
    f->key.port_high = SERVER_PORT;
    memcpy(f->key.addr_low, "\x0a\x00\x00\x01", 4);
    memcpy(f->key.addr_high, "\x0a\x00\x00\x02", 4);
    f->other_key = f->key;
    f->other_key.port_low = CLIENT_PORT + 1;
}

static void teardown(struct fixture *f)
{
    tp_table_free(f->table);
    g_assert_cmpuint(f->blocks, ==, 0);
}

/* Sends |s| from |dir| (C2S: the key's low end) on |key|; returns the connection after it. */
static const struct tp_conn *table_feed(struct fixture *f, const struct tp_key *key, unsigned dir,
                                        struct tp_segment s)
{
    s.frame = ++f->frame;
    if (s.time_ns == 0)
        s.time_ns = (int64_t)s.frame * TP_NS_PER_MS;
    const bool low = dir == C2S;
    return tp_table_step(f->table, key, low, 7, 0, &s, &f->storage, &f->step);
}
#define TABLE_FEED(f, key, dir, ...) table_feed((f), (key), (dir), (struct tp_segment){ .win = 65535, __VA_ARGS__ })

static void handshake_and_close(struct fixture *f, const struct tp_key *key, uint32_t cisn)
{
    TABLE_FEED(f, key, C2S, .flags = TP_SYN, .seq = cisn);
    TABLE_FEED(f, key, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = cisn + 1);
    TABLE_FEED(f, key, C2S, .flags = TP_ACK, .seq = cisn + 1, .ack = S_NXT);
    TABLE_FEED(f, key, C2S, .flags = TP_FIN | TP_ACK, .seq = cisn + 1, .ack = S_NXT);
    TABLE_FEED(f, key, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = cisn + 2);
    TABLE_FEED(f, key, C2S, .flags = TP_ACK, .seq = cisn + 2, .ack = S_NXT + 1);
}

/* The key of client |i| of many: another port, and another address every 60,000. */
static struct tp_key nth_key(const struct fixture *f, uint32_t i)
{
    struct tp_key k = f->key;
    k.port_low = (uint16_t)(1024 + i % 60000);
    k.addr_low[3] = (uint8_t)(i / 60000 + 1);
    return k;
}

/* A SYN from each of clients 0..|n|-1 (nth_key): connections 1..|n|. */
static void syns_to_many(struct fixture *f, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        const struct tp_key k = nth_key(f, i);
        TABLE_FEED(f, &k, C2S, .flags = TP_SYN, .seq = i);
        g_assert_cmpuint(f->step.entry->number, ==, i + 1);
    }
}

/* The server's SYN-ACK to every |stride|-th of them: found again by key. */
static void synacks_to_many(struct fixture *f, uint32_t n, uint32_t stride)
{
    for (uint32_t i = 0; i < n; i += stride) {
        const struct tp_key k = nth_key(f, i);
        TABLE_FEED(f, &k, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = i + 1);
        g_assert_cmpuint(f->step.entry->number, ==, i + 1);
    }
}

/* Both directions of a 4-tuple are one connection; its sender roles follow. */
static void test_both_directions_one_connection(void)
{
    struct fixture f;
    setup(&f);
    TABLE_FEED(&f, &f.key, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    g_assert_cmpuint(f.step.entry->number, ==, 1);
    g_assert_cmpuint(f.step.verdict.outcome_before, ==, TP_OUTCOME_NONE);
    TABLE_FEED(&f, &f.key, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    g_assert_cmpuint(f.step.entry->number, ==, 1);
    g_assert_cmpuint(f.step.verdict.result.sender_role, ==, TP_ROLE_SERVER);
    EXPECT_HS_STEP(&f.step.verdict.result, 2);
    g_assert_cmpuint(tp_table_count(f.table), ==, 1);
    teardown(&f);
}

/* A key whose two ends are the same address and port is a self-connect
 * (issue 17 item 6): every segment is the one socket's, sent and received,
 * and the whole exchange (sample-captures/self-connect.pcapng) raises no
 * anomaly, establishes, closes and is SF with its bytes counted once. The
 * same address with two ports is an ordinary connection. */
static void test_self_connect_key_is_one_socket(void)
{
    struct fixture f;
    struct tp_key self;
    const struct tp_conn *c;
    const uint32_t isn = CLIENT_ISN;
    char story[128];

    setup(&f);
    self = f.key;
    self.port_high = self.port_low;
    memcpy(self.addr_high, self.addr_low, sizeof self.addr_high);
    TABLE_FEED(&f, &self, C2S, .flags = TP_SYN, .seq = isn);
    EXPECT_STATES(&f.step.verdict.result, TP_SYN_SENT, TP_SYN_RECEIVED);
    const struct tp_segment rest[] = {
        {.flags = TP_SYN | TP_ACK, .seq = isn, .ack = isn + 1},
        {.flags = TP_ACK, .seq = isn + 1, .ack = isn + 1},
        {.flags = TP_PSH | TP_ACK, .seq = isn + 1, .ack = isn + 1, .len = 10},
        {.flags = TP_ACK, .seq = isn + 11, .ack = isn + 11},
        {.flags = TP_FIN | TP_ACK, .seq = isn + 11, .ack = isn + 11},
        {.flags = TP_ACK, .seq = isn + 12, .ack = isn + 12},
    };
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++) {
        struct tp_segment s = rest[i];
        s.win = 65535;
        c = table_feed(&f, &self, C2S, s);
        g_assert_cmpuint(f.step.entry->number, ==, 1);
        EXPECT_NO_ANOMALY(&f.step.verdict.result);
    }
    g_assert_true(c->self_connect);
    g_assert_true(c->established);
    EXPECT_CONN_STATES(c, TP_TIME_WAIT, TP_TIME_WAIT);
    g_assert_cmpuint(f.step.verdict.outcome_after, ==, TP_OUTCOME_SF);
    g_assert_cmpstr(HISTORY(c), ==, "SHADF"); /* Zeek's letters: every segment the originator's */
    g_assert_cmpuint(c->ep[c->client].bytes, ==, 10);
    g_assert_cmpuint(c->ep[1 - c->client].bytes, ==, 0);
    g_assert_cmpstr(tp_conn_story(c, tp_config_default.language, story, sizeof story), ==,
                    "self-connect: one socket connected to its own address and port, closed");

    /* near miss: the same address, two ports */
    struct tp_key two_ports = self;
    two_ports.port_high = (uint16_t)(self.port_low + 1);
    TABLE_FEED(&f, &two_ports, C2S, .flags = TP_SYN, .seq = isn);
    c = TABLE_FEED(&f, &two_ports, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = isn + 1);
    g_assert_false(c->self_connect);
    EXPECT_STATES(&f.step.verdict.result, TP_ESTABLISHED, TP_SYN_RECEIVED);
    teardown(&f);
}

/* Another 4-tuple is another connection, numbered in order of first segment. */
static void test_numbers_in_order_of_first_segment(void)
{
    struct fixture f;
    setup(&f);
    TABLE_FEED(&f, &f.key, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    TABLE_FEED(&f, &f.other_key, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    g_assert_cmpuint(f.step.entry->number, ==, 2);
    g_assert_true(tp_table_by_number(f.table, 2) == f.step.entry);
    g_assert_null(tp_table_by_number(f.table, 3));
    g_assert_null(tp_table_by_number(f.table, 0));
    teardown(&f);
}

/* A bare SYN on a finished connection's 4-tuple starts a new incarnation,
 * linked from the old one, and says port reuse on it. */
static void test_syn_after_close_is_new_incarnation(void)
{
    struct fixture f;
    setup(&f);
    handshake_and_close(&f, &f.key, CLIENT_ISN);
    struct tp_entry *first = tp_table_by_number(f.table, 1);
    TABLE_FEED(&f, &f.key, C2S, .flags = TP_SYN, .seq = CLIENT_ISN + 100000, .time_ns = 200 * TP_NS_PER_SEC);
    g_assert_cmpuint(f.step.entry->number, ==, 2);
    g_assert_true(first->newer == f.step.entry->number);
    g_assert_true(tp_table_latest(f.table, first) == f.step.entry);
    EXPECT_ANOMALY(&f.step.verdict.result, port_reuse);
    EXPECT_HS_STEP(&f.step.verdict.result, 1);
    teardown(&f);
}

/* A segment of an open connection is not a new incarnation. */
static void test_segment_of_open_connection_stays(void)
{
    struct fixture f;
    setup(&f);
    TABLE_FEED(&f, &f.key, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    TABLE_FEED(&f, &f.key, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    TABLE_FEED(&f, &f.key, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT);
    TABLE_FEED(&f, &f.key, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 100);
    g_assert_cmpuint(tp_table_count(f.table), ==, 1);
    teardown(&f);
}

/* A connection that only sent its SYN keeps no tracker; its view is the
 * tracker the SYN makes, and its next segment makes that tracker for good
 * (the entry moves: it is looked up again). */
static void test_syn_only_form(void)
{
    struct fixture f;
    setup(&f);
    TABLE_FEED(&f, &f.key, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    struct tp_entry *e = f.step.entry;
    g_assert_null(tp_entry_tracker(e));
    struct tp_conn view;
    const struct tp_conn *c = tp_table_view(f.table, e, &view);
    g_assert_true(c == &view);
    EXPECT_CONN_STATES(c, TP_SYN_SENT, TP_SYN_RECEIVED);
    g_assert_cmpuint(c->ep[0].isn, ==, CLIENT_ISN);
    TABLE_FEED(&f, &f.key, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    e = f.step.entry;
    g_assert_nonnull(tp_entry_tracker(e));
    g_assert_true(tp_table_view(f.table, e, &view) == tp_entry_tracker(e));
    EXPECT_CONN_STATES(tp_entry_tracker(e), TP_ESTABLISHED, TP_SYN_RECEIVED);
    teardown(&f);
}

/* A SYN-only entry moves on its second segment to a block with its
 * tracker, the SYN-only block kept for the next SYN-only entry: its number
 * finds the new block, with the same key, hint and incarnation chain (port
 * reuse after it). */
static void test_syn_only_entry_moves(void)
{
    struct fixture f;
    struct tp_key back;
    setup(&f);
    handshake_and_close(&f, &f.key, CLIENT_ISN);
    TABLE_FEED(&f, &f.key, C2S, .flags = TP_SYN, .seq = CLIENT_ISN + 100000, .time_ns = 200 * TP_NS_PER_SEC);
    g_assert_cmpuint(f.step.entry->number, ==, 2);
    g_assert_null(tp_entry_tracker(f.step.entry));
    g_assert_cmpuint(tp_table_by_number(f.table, 1)->newer, ==, 2);
    const unsigned blocks = f.blocks;
    TABLE_FEED(&f, &f.key, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = CLIENT_ISN + 100001,
               .time_ns = 201 * TP_NS_PER_SEC);
    const struct tp_entry *e = f.step.entry;
    g_assert_cmpuint(f.blocks, ==, blocks + 1); /* the SYN-only block kept as a spare */
    g_assert_true(tp_table_by_number(f.table, 2) == e);
    g_assert_true(tp_table_latest(f.table, tp_table_by_number(f.table, 1)) == e);
    g_assert_cmpuint(e->number, ==, 2);
    g_assert_cmpuint(e->hint, ==, 7);
    g_assert_cmpuint(e->newer, ==, 0);
    g_assert_cmpuint(e->outcome, ==, f.step.verdict.outcome_after);
    g_assert_cmpuint(f.step.verdict.outcome_before, ==, TP_OUTCOME_S0);
    g_assert_true(e->ep0_is_low);
    tp_entry_key(e, &back);
    g_assert_cmpmem(&back, sizeof back, &f.key, sizeof f.key);
    g_assert_nonnull(tp_entry_tracker(e));
    EXPECT_CONN_STATES(tp_entry_tracker(e), TP_ESTABLISHED, TP_SYN_RECEIVED);
    g_assert_cmpuint(tp_entry_tracker(e)->ep[0].isn, ==, CLIENT_ISN + 100000);
    /* found again by its key (the hash slot holds its number) */
    TABLE_FEED(&f, &f.key, C2S, .flags = TP_ACK, .seq = CLIENT_ISN + 100001, .ack = S_NXT,
               .time_ns = 202 * TP_NS_PER_SEC);
    g_assert_true(f.step.entry == e);
    g_assert_cmpuint(tp_table_count(f.table), ==, 2);
    EXPECT_CONN_STATES(tp_entry_tracker(e), TP_ESTABLISHED, TP_ESTABLISHED);
    /* the next SYN-only entry takes the spare block */
    TABLE_FEED(&f, &f.other_key, C2S, .flags = TP_SYN, .seq = CLIENT_ISN, .time_ns = 203 * TP_NS_PER_SEC);
    g_assert_cmpuint(f.step.entry->number, ==, 3);
    g_assert_cmpuint(f.blocks, ==, blocks + 1);
    tp_entry_key(f.step.entry, &back);
    g_assert_cmpmem(&back, sizeof back, &f.other_key, sizeof f.other_key);
    teardown(&f);
}

/* Of the SYN-only blocks entries move out of, a table keeps a bounded
 * number for later SYN-only entries and gives the rest back: many SYNs
 * answered after all of them were seen leave few blocks unused. */
static void test_spare_blocks_bounded(void)
{
    struct fixture f;
    setup(&f);
    syns_to_many(&f, 200);
    const unsigned blocks = f.blocks;
    synacks_to_many(&f, 200, 1);
    g_assert_cmpuint(f.blocks, ==, blocks + 64); /* SPARE_MAX (table.c) */
    teardown(&f);
}

/* The outcome before and after each segment: none before the first. */
static void test_outcome_before_and_after(void)
{
    struct fixture f;
    setup(&f);
    TABLE_FEED(&f, &f.key, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    const uint8_t after_syn = f.step.verdict.outcome_after;
    g_assert_cmpuint(after_syn, ==, TP_OUTCOME_S0);
    TABLE_FEED(&f, &f.key, S2C, .flags = TP_RST | TP_ACK, .seq = 0, .ack = C_NXT);
    g_assert_cmpuint(f.step.verdict.outcome_before, ==, after_syn);
    g_assert_cmpuint(f.step.verdict.outcome_after, ==, TP_OUTCOME_REJ);
    teardown(&f);
}

/* |likely| numbers the connection the caller expects: an older incarnation
 * leads to the latest, a wrong one is ignored. */
static void test_likely_entry(void)
{
    struct fixture f;
    setup(&f);
    handshake_and_close(&f, &f.key, CLIENT_ISN);
    TABLE_FEED(&f, &f.key, C2S, .flags = TP_SYN, .seq = CLIENT_ISN + 100000, .time_ns = 200 * TP_NS_PER_SEC);
    g_assert_cmpuint(f.step.entry->number, ==, 2);
    struct tp_segment s = {.flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = CLIENT_ISN + 100001,
                           .frame = ++f.frame, .time_ns = 201 * TP_NS_PER_SEC, .win = 65535};
    tp_table_step(f.table, &f.key, false, 7, 1, &s, &f.storage, &f.step);
    g_assert_cmpuint(f.step.entry->number, ==, 2);
    s.frame = ++f.frame;
    s.flags = TP_SYN;
    s.seq = 1;
    tp_table_step(f.table, &f.other_key, true, 8, 2, &s, &f.storage, &f.step);
    g_assert_cmpuint(f.step.entry->number, ==, 3);
    s.frame = ++f.frame; /* a number the table has not given */
    tp_table_step(f.table, &f.other_key, true, 8, 99, &s, &f.storage, &f.step);
    g_assert_cmpuint(f.step.entry->number, ==, 3);
    teardown(&f);
}

/* Many connections: the hash grows and every one is found again. */
static void test_many_connections(void)
{
    struct fixture f;
    setup(&f);
    syns_to_many(&f, 5000);
    synacks_to_many(&f, 5000, 97);
    teardown(&f);
}

/* An entry keeps its key packed (the address bytes in use): every kind of
 * key comes back as it was given, ports by endpoint included, and keys that
 * differ only in bytes the packing might drop stay apart. */
static void test_packed_key_round_trip(void)
{
    struct fixture f;
    setup(&f);
    struct tp_key v6 = f.key, stream = f.key, back;
    v6.addr_type = 6;
    v6.addr_len = 16;
    memcpy(v6.addr_low, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    memcpy(v6.addr_high, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
    memset(stream.addr_low, 0, sizeof stream.addr_low);
    memset(stream.addr_high, 0, sizeof stream.addr_high);
    stream.addr_type = 0xff; /* the plugin's key of a stream index, its last byte set */
    stream.addr_len = 0;
    stream.addr_low[0] = 9;
    stream.addr_high[TP_KEY_ADDR_MAX - 1] = 1;
    const struct tp_key *keys[] = {&f.key, &v6, &stream};
    for (unsigned i = 0; i < 3; i++) {
        TABLE_FEED(&f, keys[i], S2C, .flags = TP_SYN, .seq = CLIENT_ISN);
        const struct tp_entry *e = f.step.entry;
        g_assert_cmpuint(e->number, ==, i + 1);
        tp_entry_key(e, &back);
        g_assert_cmpmem(&back, sizeof back, keys[i], sizeof *keys[i]);
        g_assert_cmpuint(tp_entry_port(e, 0), ==, SERVER_PORT); /* the sender is endpoint 0 */
        g_assert_cmpuint(tp_entry_port(e, 1), ==, CLIENT_PORT);
    }
    stream.addr_high[TP_KEY_ADDR_MAX - 1] = 2;
    TABLE_FEED(&f, &stream, S2C, .flags = TP_SYN, .seq = CLIENT_ISN);
    g_assert_cmpuint(f.step.entry->number, ==, 4);
    teardown(&f);
}

/* The tracker a connection's first SYN made, kept by the table for that
 * connection's next segment, is the tracker the SYN replayed makes: two
 * tables, one keeping it and one always replaying, fed the same segments
 * of connections opened in turn, their SYN-ACKs now next, now after other
 * connections' SYNs, with SYNs again (the same and another ISN), RSTs, a
 * SYN with payload, bad checksums and port reuse, must agree on every
 * record, tracker, view and outcome. */
static uint32_t kept_syn_rng = 2027;

static uint32_t kept_syn_rnd(uint32_t n) { return test_rnd(&kept_syn_rng, n); }

static void test_kept_syn_tracker_same_as_replayed(void)
{
    unsigned blocks = 0;
    const struct tp_allocator mem = {heap_alloc, heap_release, &blocks};
    struct tp_table *kept = tp_table_new(&mem, &tp_config_default), *replayed = tp_table_new(&mem, &tp_config_default);
    struct tp_key keys[6];
    uint32_t isn[6] = {0}, server_isn[6] = {0};
    unsigned stage[6] = {0}, hits = 0;
    uint32_t last_opened = 0; /* the connection a SYN opened last */
    bool syn_only[6] = {false};
    struct tp_conn storage_kept, storage_replayed, view_kept, view_replayed;
    struct tp_step step_kept, step_replayed;
    struct tp_record rec_kept, rec_replayed;
    struct tp_record_anomalies anomalies;
    uint32_t frame = 0;

    for (unsigned i = 0; i < 6; i++) {
        memset(&keys[i], 0, sizeof keys[i]);
        keys[i].addr_type = 4;
        keys[i].addr_len = 4;
        keys[i].port_low = (uint16_t)(CLIENT_PORT + i % 3); /* two connections share each 4-tuple */
        keys[i].port_high = SERVER_PORT;
        memcpy(keys[i].addr_low, "\x0a\x00\x00\x01", 4);
        memcpy(keys[i].addr_high, "\x0a\x00\x00\x02", 4);
    }
    for (unsigned n = 0; n < 20000; n++) {
        const unsigned c = kept_syn_rnd(6), roll = kept_syn_rnd(100);
        struct tp_segment s = {.frame = ++frame, .time_ns = (int64_t)frame * TP_NS_PER_MS, .win = 65535};
        bool low = true;

        if (stage[c] == 0 || roll < 5) { /* a new connection's SYN (on a used 4-tuple: port reuse) */
            isn[c] = kept_syn_rnd(UINT32_MAX);
            server_isn[c] = kept_syn_rnd(UINT32_MAX);
            s.flags = TP_SYN;
            s.seq = isn[c];
            s.len = kept_syn_rnd(20) == 0 ? 10 : 0;
            s.checksum_bad = kept_syn_rnd(30) == 0;
            stage[c] = 1;
        } else if (stage[c] == 1 && roll < 15) { /* the SYN again */
            s.flags = TP_SYN;
            s.seq = isn[c];
        } else if (stage[c] == 1 && roll < 25) { /* refused */
            low = false;
            s.flags = TP_RST | TP_ACK;
            s.ack = isn[c] + 1;
            stage[c] = 0;
        } else if (stage[c] == 1) {
            low = false;
            s.flags = TP_SYN | TP_ACK;
            s.seq = server_isn[c];
            s.ack = isn[c] + 1;
            s.checksum_bad = kept_syn_rnd(30) == 0;
            stage[c] = 2;
        } else { /* the handshake's end, data, a close or a reset */
            low = kept_syn_rnd(2) == 0;
            s.flags = roll < 10 ? TP_RST : roll < 20 ? TP_FIN | TP_ACK : TP_ACK;
            s.seq = low ? isn[c] + 1 : server_isn[c] + 1;
            s.ack = low ? server_isn[c] + 1 : isn[c] + 1;
            if (roll < 20)
                stage[c] = 0;
        }
        tp_table_keeps_replayed_syn = true;
        const struct tp_conn *after_kept = tp_table_step(kept, &keys[c], low, 7, 0, &s, &storage_kept, &step_kept);
        view_kept = *after_kept;
        tp_table_keeps_replayed_syn = false;
        const struct tp_conn *after_replayed =
            tp_table_step(replayed, &keys[c], low, 7, 0, &s, &storage_replayed, &step_replayed);
        view_replayed = *after_replayed;
        g_assert_cmpmem(&view_kept, sizeof view_kept, &view_replayed, sizeof view_replayed);
        tp_record_encode(&step_kept.verdict, &rec_kept, &anomalies);
        tp_record_encode(&step_replayed.verdict, &rec_replayed, &anomalies);
        g_assert_cmpmem(&rec_kept, sizeof rec_kept, &rec_replayed, sizeof rec_replayed);
        g_assert_cmpuint(step_kept.entry->outcome, ==, step_replayed.entry->outcome);
        const uint32_t number = step_kept.verdict.conn;
        /* the kept tracker was there to be copied: the second segment of
         * the connection opened last */
        hits += syn_only[c] && number == last_opened;
        syn_only[c] = step_kept.verdict.outcome_before == TP_OUTCOME_NONE;
        if (syn_only[c])
            last_opened = number;
        /* views, as a replay of a frame reads them: of the connection opened
         * last (SYN-only, its kept tracker copied) and of any other */
        const uint32_t looked_at[2] = {last_opened, 1 + kept_syn_rnd(tp_table_count(kept))};
        for (unsigned i = 0; i < 2; i++) {
            tp_table_keeps_replayed_syn = true;
            view_kept = *tp_table_view(kept, tp_table_by_number(kept, looked_at[i]), &storage_kept);
            tp_table_keeps_replayed_syn = false;
            view_replayed = *tp_table_view(replayed, tp_table_by_number(replayed, looked_at[i]), &storage_replayed);
            g_assert_cmpmem(&view_kept, sizeof view_kept, &view_replayed, sizeof view_replayed);
        }
    }
    tp_table_keeps_replayed_syn = true;
    g_test_message("%u second segments found the kept tracker", hits);
    g_assert_cmpuint(hits, >, 400);
    tp_table_free(kept);
    tp_table_free(replayed);
    g_assert_cmpuint(blocks, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/table/both_directions_one_connection", test_both_directions_one_connection);
    g_test_add_func("/table/numbers_in_order_of_first_segment", test_numbers_in_order_of_first_segment);
    g_test_add_func("/table/self_connect_key_is_one_socket", test_self_connect_key_is_one_socket);
    g_test_add_func("/table/syn_after_close_is_new_incarnation", test_syn_after_close_is_new_incarnation);
    g_test_add_func("/table/segment_of_open_connection_stays", test_segment_of_open_connection_stays);
    g_test_add_func("/table/syn_only_form", test_syn_only_form);
    g_test_add_func("/table/syn_only_entry_moves", test_syn_only_entry_moves);
    g_test_add_func("/table/spare_blocks_bounded", test_spare_blocks_bounded);
    g_test_add_func("/table/outcome_before_and_after", test_outcome_before_and_after);
    g_test_add_func("/table/likely_entry", test_likely_entry);
    g_test_add_func("/table/many_connections", test_many_connections);
    g_test_add_func("/table/packed_key_round_trip", test_packed_key_round_trip);
    g_test_add_func("/table/kept_syn_tracker_same_as_replayed", test_kept_syn_tracker_same_as_replayed);
    return g_test_run();
}
