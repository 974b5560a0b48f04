/* Memory per connection (issue 18), measured exactly: N generated
 * connections go through the core table on counting allocator hooks. Each
 * figure is what the table holds once they are all in, divided by N: the
 * bytes the core asks for, and what Wireshark's block allocator (wmem file
 * scope, where the plugin puts them) charges for them: a 16-byte chunk
 * header and the size rounded up to 16 (measured: 1M wmem_alloc calls of
 * 56..128 bytes each cost round16(size) + 16 bytes of RSS). The plugin adds
 * its tcp.stream index to every connection (STREAM_INDEX_BYTES below).
 * Run with --verbose (or see the "#" lines) for the figures. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>

#include "tcpphase/table.h"

/* The plugin's Wireshark tcp.stream -> connection index (conn_table.c): a
 * connection number (4 bytes) per stream in an array grown by doubling (1M
 * streams: 2^20 slots, 4.2 bytes each). */
#define STREAM_INDEX_BYTES(n) (4.0 * pow2_at_least(n) / (n))

/* A SYN flood the size of the benchmark's (bench/run.sh: 1M distinct SYNs). */
#define FLOOD 1000000u
/* The benchmark's full connections (bench/run.sh: 110,000). */
#define FULL 110000u

struct counter {
    size_t bytes;      /* asked for, live */
    size_t wmem_bytes; /* what wmem's block allocator charges for them, live */
};

struct block_head { /* before each block: its size, for release */
    size_t size;
    size_t pad; /* keeps the block 16-aligned, as malloc's */
};

static size_t wmem_cost(size_t size) { return ((size + 15) & ~(size_t)15) + 16; }

static void *counting_alloc(void *ctx, size_t size)
{
    struct counter *c = ctx;
    struct block_head *h = malloc(sizeof *h + size);

    if (!h)
        return NULL;
    h->size = size;
    c->bytes += size;
    c->wmem_bytes += wmem_cost(size);
    return h + 1;
}

static void counting_release(void *ctx, void *block)
{
    struct counter *c = ctx;
    struct block_head *h = (struct block_head *)block - 1;

    c->bytes -= h->size;
    c->wmem_bytes -= wmem_cost(h->size);
    free(h);
}

static double pow2_at_least(uint32_t n)
{
    double p = 1024;
    while (p < n)
        p *= 2;
    return p;
}

/* The key of connection |i|: client 10.x.y.z:port to server 10.255.0.1:80. */
static struct tp_key key_of(uint32_t i)
{
    struct tp_key k;
    memset(&k, 0, sizeof k);
    k.addr_type = 4;
    k.addr_len = 4;
    k.port_low = (uint16_t)(1024 + i % 60000);
    k.port_high = 80;
    const uint32_t host = i / 60000 + 1;
    const uint8_t low[4] = {10, (uint8_t)(host >> 16), (uint8_t)(host >> 8), (uint8_t)host};
    memcpy(k.addr_low, low, 4);
    memcpy(k.addr_high, "\x0a\xff\x00\x01", 4);
    return k;
}

struct feeder {
    struct tp_table *table;
    struct tp_conn storage;
    struct tp_step step;
    uint32_t frame;
};

static void send(struct feeder *f, const struct tp_key *k, bool from_client, uint16_t flags, uint32_t seq,
                 uint32_t ack, uint32_t len)
{
    const struct tp_segment s = {
        .time_ns = (int64_t)++f->frame * 10000, .frame = f->frame, .seq = seq, .ack = ack, .len = len,
        .win = 64240, .flags = flags,
    };
    tp_table_step(f->table, k, from_client, f->frame, 0, &s, &f->storage, &f->step);
    g_assert_nonnull(f->step.entry);
}

/* bench/gen.py's normal connection: handshake, request, response, the
 * client closes first. */
static void full_connection(struct feeder *f, uint32_t i)
{
    const struct tp_key k = key_of(i);
    const uint32_t c = 1000 + i, s = 5000 + i;

    send(f, &k, true, TP_SYN, c, 0, 0);
    send(f, &k, false, TP_SYN | TP_ACK, s, c + 1, 0);
    send(f, &k, true, TP_ACK, c + 1, s + 1, 0);
    send(f, &k, true, TP_PSH | TP_ACK, c + 1, s + 1, 100);
    send(f, &k, false, TP_ACK, s + 1, c + 101, 0);
    send(f, &k, false, TP_PSH | TP_ACK, s + 1, c + 101, 200);
    send(f, &k, true, TP_FIN | TP_ACK, c + 101, s + 201, 0);
    send(f, &k, false, TP_ACK, s + 201, c + 102, 0);
    send(f, &k, false, TP_FIN | TP_ACK, s + 201, c + 102, 0);
    send(f, &k, true, TP_ACK, c + 102, s + 202, 0);
}

static void syn_only_connection(struct feeder *f, uint32_t i)
{
    const struct tp_key k = key_of(i);
    send(f, &k, true, TP_SYN, 1000 + i, 0, 0);
}

/* Feeds |n| connections made by |make|; fills |per_conn| (bytes asked) and
 * |per_conn_wmem| (what wmem charges, the plugin's stream index included). */
static void measure(uint32_t n, void (*make)(struct feeder *, uint32_t), double *per_conn, double *per_conn_wmem)
{
    struct counter count = {0, 0};
    const struct tp_allocator mem = {counting_alloc, counting_release, &count};
    struct feeder *f = g_new0(struct feeder, 1);

    f->table = tp_table_new(&mem, &tp_config_default);
    const struct counter empty = count;
    for (uint32_t i = 0; i < n; i++)
        make(f, i);
    g_assert_cmpuint(tp_table_count(f->table), ==, n);
    *per_conn = (double)(count.bytes - empty.bytes) / n;
    *per_conn_wmem = (double)(count.wmem_bytes - empty.wmem_bytes) / n + STREAM_INDEX_BYTES(n);
    tp_table_free(f->table);
    g_assert_cmpuint(count.bytes, ==, 0);
    g_free(f);
}

/* Issue 18's rule: a SYN flood costs at most 120 bytes per connection
 * beyond what Wireshark itself keeps. */
static void test_syn_only_connection_fits_in_120_bytes(void)
{
    double bytes, wmem;

    measure(FLOOD, syn_only_connection, &bytes, &wmem);
    g_test_message("SYN-only connection (%u, a SYN flood): %.1f bytes asked, %.1f in wmem with the stream index",
                   FLOOD, bytes, wmem);
    g_assert_cmpfloat(wmem, <=, 120);
}

/* Issue 18's target for a full connection is 300 bytes; the tracker's
 * model reaches 439.8 (README, issue 18: what the rest is). This bound
 * keeps what was won: 556.6 before its fields were packed and the
 * write-only ones dropped, 508.6 before a SYN-only entry moved to one
 * block with its tracker (432 in wmem, not 80 + 400) and the stream index
 * held numbers (4 bytes a stream, not 8), 455.8 before the configuration
 * pointer left the tracker (416 in wmem, not 432). */
#define FULL_CONNECTION_MAX_BYTES 440

static void test_full_connection_costs(void)
{
    double bytes, wmem;

    measure(FULL, full_connection, &bytes, &wmem);
    g_test_message("full connection (%u, handshake, data, close): %.1f bytes asked, %.1f in wmem with the stream "
                   "index; struct tp_conn %zu, struct tp_entry %zu",
                   FULL, bytes, wmem, sizeof(struct tp_conn), sizeof(struct tp_entry));
    g_assert_cmpfloat(wmem, <=, FULL_CONNECTION_MAX_BYTES);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memory/syn_only_connection_fits_in_120_bytes", test_syn_only_connection_fits_in_120_bytes);
    g_test_add_func("/memory/full_connection_costs", test_full_connection_costs);
    return g_test_run();
}
