/* Connections by 4-tuple. Wireshark's tcp.stream is not used as the key: it
 * splits and joins incarnations by its own rules, and port reuse checks need
 * the previous incarnation of the same addresses and ports. */
#include "conn_table.h"

#include <epan/addr_resolv.h>
#include <stdio.h>
#include <string.h>

#define KEY_ADDR_MAX 16 /* IPv6 */

/* Endpoints ordered so that both directions give the same key. */
struct tuple_key {
    uint8_t addr_type;
    uint8_t addr_len;
    uint16_t port_low, port_high;
    uint8_t addr_low[KEY_ADDR_MAX], addr_high[KEY_ADDR_MAX];
};

/* tuple -> latest conn_entry; emptied with the file scope. static: one per
 * process, as Wireshark has one open file per epan session. */
static wmem_map_t *conn_by_tuple;
static uint32_t conn_count;

static guint tuple_hash(gconstpointer k)
{
    const struct tuple_key *key = (const struct tuple_key *)k;
    /* FNV-1a over the key bytes; padding is zeroed by the key builder. */
    const uint8_t *p = (const uint8_t *)key;
    guint h = 2166136261u;
    for (size_t i = 0; i < sizeof *key; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static gboolean tuple_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(struct tuple_key)) == 0;
}

void conn_table_init(void)
{
    conn_by_tuple = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), tuple_hash,
                                           tuple_equal);
}

void conn_table_reset(void) { conn_count = 0; }

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
    if (src->type != dst->type || src->len > KEY_ADDR_MAX || dst->len > KEY_ADDR_MAX ||
        src->len < 0 || dst->len < 0) {
        key->addr_type = 0xff;
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

struct conn_entry *conn_table_segment(const tcp_info_t *th, const nstime_t *ts, uint32_t frame,
                                      const struct tp_config *cfg, struct tp_segment *seg,
                                      struct conn_entry **reused, uint8_t *reused_from)
{
    struct tuple_key key;
    const bool from_low = make_key(th, &key);
    const void *stored_key = NULL;
    void *found = NULL;
    struct conn_entry *entry = NULL;

    if (wmem_map_lookup_extended(conn_by_tuple, &key, &stored_key, &found))
        entry = (struct conn_entry *)found;

    seg->frame = frame;
    seg->time_ns = (int64_t)ts->secs * 1000000000 + ts->nsecs;
    seg->seq = th->th_rawseq;
    seg->ack = th->th_rawack;
    seg->len = th->th_seglen;
    seg->win = th->th_win;
    seg->flags = th->th_flags;
    seg->from = entry ? (uint8_t)(from_low != entry->ep0_is_low) : 0;

    *reused = NULL;
    if (entry && !tp_starts_new_incarnation(&entry->tracker, seg))
        return entry;
    if (entry) {
        *reused = entry;
        *reused_from = seg->from;
    }

    if (!stored_key) {
        struct tuple_key *copy = wmem_new(wmem_file_scope(), struct tuple_key);
        *copy = key;
        stored_key = copy;
    }
    /* On port reuse the old incarnation stays alive for its frames' records. */
    entry = wmem_new0(wmem_file_scope(), struct conn_entry);
    wmem_map_insert(conn_by_tuple, stored_key, entry);
    entry->number = ++conn_count;
    entry->ep0_is_low = from_low;
    entry->stream = th->th_stream;
    copy_address_wmem(wmem_file_scope(), &entry->addr[0], &th->ip_src);
    copy_address_wmem(wmem_file_scope(), &entry->addr[1], &th->ip_dst);
    entry->port[0] = th->th_sport;
    entry->port[1] = th->th_dport;
    seg->from = 0;
    tp_conn_init(&entry->tracker, seg, th->th_sport, th->th_dport);
    entry->tracker.cfg = cfg;
    return entry;
}

void conn_endpoint_text(const struct conn_entry *e, unsigned ep, char *buf, size_t size)
{
    char addr[WS_INET6_ADDRSTRLEN + 8];

    address_to_str_buf(&e->addr[ep], addr, sizeof addr);
    snprintf(buf, size, e->addr[ep].type == AT_IPv6 ? "[%s]:%u" : "%s:%u", addr, e->port[ep]);
}
