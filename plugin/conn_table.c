/* Connections by 4-tuple. Wireshark's tcp.stream is not used as the key: it
 * splits and joins incarnations by its own rules, and port reuse checks need
 * the previous incarnation of the same addresses and ports. */
#include "conn_table.h"

#include <epan/addr_resolv.h>
#include <stdio.h>
#include <string.h>

/* tuple -> latest conn_entry; emptied with the file scope. static: one per
 * process, as Wireshark has one open file per epan session. */
static wmem_map_t *conn_by_tuple;
static uint32_t conn_count;
/* The tracker configuration of every connection (the dissector's, which
 * preferences change in place). */
static const struct tp_config *table_cfg;

/* Growable arrays of entries in the file scope. */
struct entry_index {
    struct conn_entry **at;
    uint32_t capacity;
};
/* By tcpphase.conn number, for the per-frame records. */
static struct entry_index by_number;
/* By Wireshark's tcp.stream: the fast way to a segment's connection (one
 * array read instead of hashing the 4-tuple), checked against the tuple. */
static struct entry_index by_stream;

/* The two shapes of a connection's allocation (see struct conn_entry):
 * without a tracker, the entry is followed by its first SYN. */
G_STATIC_ASSERT(sizeof(struct tp_segment) <= 32);
struct entry_with_syn {
    struct conn_entry entry;
    struct tp_segment syn;
};
static const struct tp_segment *first_syn(const struct conn_entry *e)
{
    return &((const struct entry_with_syn *)e)->syn;
}
struct entry_with_tracker {
    struct conn_entry entry;
    struct tp_conn tracker;
};
#define STREAM_INDEX_MAX (1u << 26) /* beyond: the tuple map alone */

static guint tuple_hash(gconstpointer k)
{
    /* FNV-1a over the key's 32-bit words (padding is zeroed by the key
     * builder): a connection's first segment hashes once, the map's growth
     * hashes every key again. */
    uint32_t words[sizeof(struct tuple_key) / 4];
    guint h = 2166136261u;

    memcpy(words, k, sizeof words);
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
        h = (h ^ words[i]) * 16777619u;
    return h;
}
G_STATIC_ASSERT(sizeof(struct tuple_key) % 4 == 0);

static gboolean tuple_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(struct tuple_key)) == 0;
}

void conn_table_init(void)
{
    conn_by_tuple = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), tuple_hash,
                                           tuple_equal);
}

void conn_table_reset(void)
{
    conn_count = 0;
    by_number.at = NULL;
    by_number.capacity = 0;
    by_stream.at = NULL;
    by_stream.capacity = 0;
}

static void index_set(struct entry_index *table, uint32_t i, struct conn_entry *e)
{
    if (i >= table->capacity) {
        uint32_t capacity = table->capacity ? table->capacity : 1024;
        while (capacity <= i)
            capacity *= 2;
        table->at = (struct conn_entry **)wmem_realloc(wmem_file_scope(), table->at,
                                                       capacity * sizeof *table->at);
        memset(table->at + table->capacity, 0, (capacity - table->capacity) * sizeof *table->at);
        table->capacity = capacity;
    }
    table->at[i] = e;
}

static struct conn_entry *index_get(const struct entry_index *table, uint32_t i)
{
    return i < table->capacity ? table->at[i] : NULL;
}

struct conn_entry *conn_table_by_number(uint32_t number) { return index_get(&by_number, number); }

#define KEY_BY_STREAM 0xff /* addr_type of a key made of the stream index */

/* The address of endpoint |ep| (0 or 1) of |e|, pointing into its key;
 * AT_NONE when the key is a stream index. Not copied per connection: the
 * key already holds both addresses. */
static void endpoint_address(const struct conn_entry *e, unsigned ep, address *out)
{
    const struct tuple_key *k = &e->key;

    if (k->addr_type == KEY_BY_STREAM) {
        clear_address(out);
        return;
    }
    set_address(out, k->addr_type, k->addr_len, ((ep == 0) == e->ep0_is_low) ? k->addr_low : k->addr_high);
}

/* The latest incarnation of the connection Wireshark's stream of |th| was
 * last seen in, if it still has |th|'s addresses and ports; *|from| is the
 * sender's endpoint index in it. */
static struct conn_entry *find_by_stream(const tcp_info_t *th, uint8_t *from)
{
    struct conn_entry *e = index_get(&by_stream, th->th_stream);
    address a0, a1;

    if (!e)
        return NULL;
    while (e->newer)
        e = e->newer;
    endpoint_address(e, 0, &a0);
    endpoint_address(e, 1, &a1);
    if (a0.type == AT_NONE)
        return NULL;
    if (e->port[0] == th->th_sport && e->port[1] == th->th_dport && addresses_equal(&a0, &th->ip_src) &&
        addresses_equal(&a1, &th->ip_dst)) {
        *from = 0;
        return e;
    }
    if (e->port[1] == th->th_sport && e->port[0] == th->th_dport && addresses_equal(&a1, &th->ip_src) &&
        addresses_equal(&a0, &th->ip_dst)) {
        *from = 1;
        return e;
    }
    return NULL;
}

static int compare_end(const address *a, uint16_t pa, const address *b, uint16_t pb)
{
    int c = cmp_address(a, b);
    if (c != 0)
        return c;
    return (pa > pb) - (pa < pb);
}

/* Builds the key; returns whether the sender is the low end. Addresses that
 * do not fit (not IP) are keyed by Wireshark's stream index instead. */
static bool make_key(const tcp_info_t *th, struct tuple_key *key)
{
    const address *src = &th->ip_src, *dst = &th->ip_dst;
    const bool src_low = compare_end(src, th->th_sport, dst, th->th_dport) <= 0;
    const address *low = src_low ? src : dst, *high = src_low ? dst : src;

    memset(key, 0, sizeof *key);
    if (src->type != dst->type || src->len > TUPLE_KEY_ADDR_MAX || dst->len > TUPLE_KEY_ADDR_MAX ||
        src->len < 0 || dst->len < 0) {
        key->addr_type = KEY_BY_STREAM;
        memcpy(key->addr_low, &th->th_stream, sizeof th->th_stream);
    } else {
        key->addr_type = (uint8_t)src->type;
        key->addr_len = (uint8_t)src->len;
        if (low->len > 0)
            memcpy(key->addr_low, low->data, (size_t)low->len);
        if (high->len > 0)
            memcpy(key->addr_high, high->data, (size_t)high->len);
    }
    key->port_low = src_low ? th->th_sport : th->th_dport;
    key->port_high = src_low ? th->th_dport : th->th_sport;
    return src_low;
}

static void fill_segment(const tcp_info_t *th, const nstime_t *ts, uint32_t frame, uint8_t from,
                         struct tp_segment *seg)
{
    seg->frame = frame;
    seg->time_ns = (int64_t)ts->secs * TP_NS_PER_SEC + ts->nsecs;
    seg->seq = th->th_rawseq;
    seg->ack = th->th_rawack;
    seg->len = th->th_seglen;
    seg->win = th->th_win;
    seg->flags = th->th_flags;
    seg->from = from;
}

struct conn_entry *conn_table_segment(const tcp_info_t *th, const nstime_t *ts, uint32_t frame,
                                      const struct tp_config *cfg, struct tp_segment *seg,
                                      struct conn_entry **reused, uint8_t *reused_from)
{
    uint8_t from = 0;
    struct conn_entry *entry = find_by_stream(th, &from);
    struct tuple_key key;

    table_cfg = cfg;
    if (!entry) {
        const bool from_low = make_key(th, &key);
        entry = (struct conn_entry *)wmem_map_lookup(conn_by_tuple, &key);
        if (entry)
            from = (uint8_t)(from_low != entry->ep0_is_low);
        if (th->th_stream < STREAM_INDEX_MAX && entry)
            index_set(&by_stream, th->th_stream, entry);
    }
    fill_segment(th, ts, frame, entry ? from : 0, seg);

    *reused = NULL;
    if (entry && !tp_starts_new_incarnation(conn_view(entry), seg))
        return entry;
    if (entry) {
        *reused = entry;
        *reused_from = seg->from;
        key = entry->key;
    }

    /* On port reuse the old incarnation stays alive for its frames' records.
     * One allocation with what it keeps: its tracker, or only its first SYN. */
    struct conn_entry *fresh;
    const bool only_syn = (seg->flags & (TP_SYN | TP_ACK | TP_RST | TP_FIN)) == TP_SYN;
    if (only_syn) {
        struct entry_with_syn *block = wmem_new0(wmem_file_scope(), struct entry_with_syn);
        block->syn = *seg;
        block->syn.from = 0;
        fresh = &block->entry;
    } else {
        struct entry_with_tracker *block = wmem_new0(wmem_file_scope(), struct entry_with_tracker);
        fresh = &block->entry;
        fresh->tracker = &block->tracker;
    }
    fresh->key = key;
    /* A reused 4-tuple keeps its first incarnation's key in the map. */
    wmem_map_insert(conn_by_tuple, &fresh->key, fresh);
    if (entry)
        entry->newer = fresh;
    fresh->number = ++conn_count;
    index_set(&by_number, fresh->number, fresh);
    if (th->th_stream < STREAM_INDEX_MAX)
        index_set(&by_stream, th->th_stream, fresh);
    fresh->ep0_is_low = compare_end(&th->ip_src, th->th_sport, &th->ip_dst, th->th_dport) <= 0;
    fresh->stream = th->th_stream;
    fresh->port[0] = th->th_sport;
    fresh->port[1] = th->th_dport;
    seg->from = 0;
    if (fresh->tracker) {
        tp_conn_init(fresh->tracker, seg, fresh->port[0], fresh->port[1]);
        fresh->tracker->cfg = cfg;
    }
    return fresh;
}

/* The tracker of a connection with only its first segment, in |c|; that
 * segment's result in |r|. */
static void replay_first(const struct conn_entry *e, struct tp_conn *c, struct tp_result *r)
{
    tp_conn_init(c, first_syn(e), e->port[0], e->port[1]);
    c->cfg = table_cfg;
    tp_process(c, first_syn(e), r);
}

static struct tp_conn scratch; /* conn_view of a connection without a tracker */

const struct tp_conn *conn_view(const struct conn_entry *e)
{
    struct tp_result ignored;

    if (e->tracker)
        return e->tracker;
    replay_first(e, &scratch, &ignored);
    return &scratch;
}

const struct tp_conn *conn_process(struct conn_entry *e, const struct tp_segment *s, struct tp_result *out)
{
    if (!e->tracker) {
        if (!e->processed) { /* its first SYN: described, not kept */
            e->processed = true;
            replay_first(e, &scratch, out);
            return &scratch;
        }
        struct tp_result ignored;
        struct tp_conn *tracker = wmem_new(wmem_file_scope(), struct tp_conn);
        replay_first(e, tracker, &ignored);
        e->tracker = tracker; /* the SYN's storage stays with the entry, unused */
    }
    e->processed = true;
    tp_process(e->tracker, s, out);
    return e->tracker;
}

void conn_endpoint_text(const struct conn_entry *e, unsigned ep, char *buf, size_t size)
{
    char text[WS_INET6_ADDRSTRLEN + 8];
    address addr;

    endpoint_address(e, ep, &addr);
    if (addr.type == AT_NONE) {
        snprintf(buf, size, "stream %u:%u", e->stream, e->port[ep]);
        return;
    }
    address_to_str_buf(&addr, text, sizeof text);
    snprintf(buf, size, addr.type == AT_IPv6 ? "[%s]:%u" : "%s:%u", text, e->port[ep]);
}
