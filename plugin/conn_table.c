/* Connections by 4-tuple, kept by the core (table.h). Wireshark's tcp.stream
 * is not the key: it splits and joins incarnations by its own rules, and
 * port reuse checks need the previous incarnation of the same addresses and
 * ports. It is a hint: one array read finds a segment's connection without
 * hashing its 4-tuple. */
#include "conn_table.h"

#include <epan/addr_resolv.h>
#include <stdio.h>
#include <string.h>

/* The open file's connections, in its file scope (Wireshark has one open
 * file per epan session); NULL until its first segment. */
static struct tp_table *table;

/* Wireshark's tcp.stream -> the number of the connection its last segment
 * belonged to, 0 if none (a number, not a pointer: entries move, table.h). */
static uint32_t *by_stream;
static uint32_t by_stream_capacity;
#define STREAM_INDEX_MAX (1u << 26) /* beyond: the table's hash alone */

/* The capture's first frame (the first segment's time less its Time column,
 * frame.time_relative): the tracker counts time from it, so that a
 * connection's start reads as Wireshark's Time column does. */
static nstime_t time_base;
static bool have_time_base;

#define KEY_BY_STREAM 0xff /* addr_type of a key made of the stream index */

static void *file_alloc(void *ctx _U_, size_t size) { return wmem_alloc(wmem_file_scope(), size); }
static void file_release(void *ctx _U_, void *block) { wmem_free(wmem_file_scope(), block); }
static const struct tp_allocator file_scope = {file_alloc, file_release, NULL};

void conn_table_reset(void)
{
    have_time_base = false;
    table = NULL;
    by_stream = NULL;
    by_stream_capacity = 0;
}

struct tp_entry *conn_table_by_number(uint32_t number)
{
    return table ? tp_table_by_number(table, number) : NULL;
}

const struct tp_conn *conn_view(const struct tp_entry *e, struct tp_conn *storage)
{
    return tp_table_view(table, e, storage);
}

const struct tp_conn *conn_view_by_number(uint32_t number, struct tp_conn *storage)
{
    return conn_view(conn_table_by_number(number), storage);
}

static void remember_stream(uint32_t stream, uint32_t conn)
{
    if (stream >= STREAM_INDEX_MAX)
        return;
    if (stream >= by_stream_capacity) {
        uint32_t capacity = by_stream_capacity ? by_stream_capacity : 1024;
        while (capacity <= stream)
            capacity *= 2;
        by_stream = (uint32_t *)wmem_realloc(wmem_file_scope(), by_stream, capacity * sizeof *by_stream);
        memset(by_stream + by_stream_capacity, 0, (capacity - by_stream_capacity) * sizeof *by_stream);
        by_stream_capacity = capacity;
    }
    by_stream[stream] = conn;
}

static int compare_end(const address *a, uint16_t pa, const address *b, uint16_t pb)
{
    int c = cmp_address(a, b);
    if (c != 0)
        return c;
    return (pa > pb) - (pa < pb);
}

/* Builds the key; returns whether the sender is the low end. Addresses that
 * do not fit (not IP) are keyed by Wireshark's stream index instead. Every
 * segment builds one: IPv4, the common case, without a call. */
static bool make_key(const tcp_info_t *th, struct tp_key *key)
{
    const address *src = &th->ip_src, *dst = &th->ip_dst;
    bool src_low;

    memset(key, 0, sizeof *key);
    if (src->type == AT_IPv4 && dst->type == AT_IPv4 && src->len == 4 && dst->len == 4) {
        /* cmp_address's order: the bytes (as memcmp reads them, without
         * its call), then the port */
        const uint8_t *s = (const uint8_t *)src->data, *d = (const uint8_t *)dst->data;
        const uint32_t sv = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | s[3];
        const uint32_t dv = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
        src_low = sv < dv || (sv == dv && th->th_sport <= th->th_dport);
        key->addr_type = AT_IPv4;
        key->addr_len = 4;
        memcpy(key->addr_low, src_low ? src->data : dst->data, 4);
        memcpy(key->addr_high, src_low ? dst->data : src->data, 4);
    } else {
        src_low = compare_end(src, th->th_sport, dst, th->th_dport) <= 0;
        const address *low = src_low ? src : dst, *high = src_low ? dst : src;
        if (src->type != dst->type || src->len > TP_KEY_ADDR_MAX || dst->len > TP_KEY_ADDR_MAX ||
            src->len < 0 || dst->len < 0) {
            key->addr_type = KEY_BY_STREAM;
            memcpy(key->addr_low, &th->th_stream, sizeof th->th_stream);
            /* no address to compare: never a self-connect (identical ends) */
            key->addr_high[TP_KEY_ADDR_MAX - 1] = 1;
        } else {
            key->addr_type = (uint8_t)src->type;
            key->addr_len = (uint8_t)src->len;
            if (low->len > 0)
                memcpy(key->addr_low, low->data, (size_t)low->len);
            if (high->len > 0)
                memcpy(key->addr_high, high->data, (size_t)high->len);
        }
    }
    key->port_low = src_low ? th->th_sport : th->th_dport;
    key->port_high = src_low ? th->th_dport : th->th_sport;
    return src_low;
}

static int64_t clamp(int64_t v, int64_t limit) { return v > limit ? limit : v < -limit ? -limit : v; }

void capture_time_origin(const nstime_t *ts, const nstime_t *relative)
{
    if (!have_time_base) {
        nstime_delta(&time_base, ts, relative);
        have_time_base = true;
    }
}

int64_t capture_time_ns(const nstime_t *ts)
{
    /* Nanoseconds since the first frame: whatever the date (a hostile
     * pcapng may say year 586524, or 1600), only a capture spanning more
     * than 146 years overflows them, and that is clamped to half the int64
     * range, so that the tracker's difference of any two times (the wait
     * from a SYN in 1970 to the end of a capture in 2262) cannot overflow
     * (issue 17: UBSan, tests/fuzz/mutate.py --asan seed 7 file 31). */
    const int64_t max_secs = INT64_MAX / 2 / TP_NS_PER_SEC - 1;
    int64_t secs;

    if (!have_time_base) {
        time_base = *ts;
        have_time_base = true;
    }
    /* dates within 68 years of 1970, every real capture: their difference
     * (under 2^32 s) needs no clamping */
    if (ts->secs == (int32_t)ts->secs && time_base.secs == (int32_t)time_base.secs)
        return ((int64_t)ts->secs - (int64_t)time_base.secs) * TP_NS_PER_SEC + (ts->nsecs - time_base.nsecs);
    secs = clamp(clamp((int64_t)ts->secs, INT64_MAX / 2) - clamp((int64_t)time_base.secs, INT64_MAX / 2), max_secs);
    return secs * TP_NS_PER_SEC + (ts->nsecs - time_base.nsecs);
}

/* The steady lane (tp_table_step_steady) for |seg|: an ACK without SYN, FIN
 * or RST between IP addresses, of the connection the stream index leads
 * to; NULL if it does not take the segment. */
static const struct tp_conn *step_steady(const tcp_info_t *th, struct tp_segment *seg, struct tp_record *rec)
{
    const address *src = &th->ip_src, *dst = &th->ip_dst;

    if ((th->th_flags & (TH_SYN | TH_FIN | TH_RST | TH_ACK)) != TH_ACK || !table ||
        th->th_stream >= by_stream_capacity || by_stream[th->th_stream] == 0 || src->type != dst->type ||
        src->len != dst->len || (src->len != 4 && src->len != 16) || (src->type != AT_IPv4 && src->type != AT_IPv6))
        return NULL;
    const struct tp_ends ends = {
        .addr_type = (uint8_t)src->type,
        .addr_len = (uint8_t)src->len,
        .src = (const uint8_t *)src->data,
        .dst = (const uint8_t *)dst->data,
        .sport = (uint16_t)th->th_sport,
        .dport = (uint16_t)th->th_dport,
    };
    return tp_table_step_steady(table, by_stream[th->th_stream], &ends, seg, rec);
}

const struct tp_conn *conn_table_step(const tcp_info_t *th, int64_t time_ns, uint32_t frame, bool payload_cut,
                                      bool checksum_bad, const struct tp_config *cfg, struct tp_conn *storage,
                                      struct tp_step *out, struct tp_record *steady)
{
    struct tp_key key;
    struct tp_segment seg = {
        .time_ns = time_ns,
        .frame = frame,
        .seq = th->th_rawseq,
        .ack = th->th_rawack,
        .len = th->th_seglen,
        .win = th->th_win,
        .flags = th->th_flags,
        .payload_cut = payload_cut && th->th_seglen > 0,
        .checksum_bad = checksum_bad,
    };
    const struct tp_conn *after = step_steady(th, &seg, steady);

    if (after)
        return after;
    steady->conn = 0;
    const bool sender_is_low = make_key(th, &key);
    if (!table)
        table = tp_table_new(&file_scope, cfg);
    after = tp_table_step(table, &key, sender_is_low, th->th_stream,
                          th->th_stream < by_stream_capacity ? by_stream[th->th_stream] : 0, &seg, storage, out);
    if (out->entry)
        remember_stream(th->th_stream, out->verdict.conn);
    return after;
}

void conn_endpoint_text(const struct tp_entry *e, unsigned ep, char *buf, size_t size)
{
    struct tp_key key;
    char text[WS_INET6_ADDRSTRLEN + 8];
    address addr;

    tp_entry_key(e, &key);
    if (key.addr_type == KEY_BY_STREAM) {
        snprintf(buf, size, "stream %u:%u", e->hint, tp_entry_port(e, ep));
        return;
    }
    set_address(&addr, key.addr_type, key.addr_len, ((ep == 0) == e->ep0_is_low) ? key.addr_low : key.addr_high);
    address_to_str_buf(&addr, text, sizeof text);
    snprintf(buf, size, addr.type == AT_IPv6 ? "[%s]:%u" : "%s:%u", text, tp_entry_port(e, ep));
}
