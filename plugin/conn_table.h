/* Connections by 4-tuple, one tracker per incarnation, for one capture file. */
#ifndef TCPPHASE_CONN_TABLE_H
#define TCPPHASE_CONN_TABLE_H

#include <epan/packet.h>
#include <epan/dissectors/packet-tcp.h>

#include "tcpphase/tracker.h"

#define TUPLE_KEY_ADDR_MAX 16 /* IPv6 */

/* A 4-tuple, endpoints ordered so that both directions give the same key. */
struct tuple_key {
    uint8_t addr_type; /* address_type, or KEY_BY_STREAM in conn_table.c */
    uint8_t addr_len;
    uint16_t port_low, port_high;
    uint8_t addr_low[TUPLE_KEY_ADDR_MAX], addr_high[TUPLE_KEY_ADDR_MAX];
    uint16_t zero; /* always 0: the key hashes as whole 32-bit words */
};

/* One connection incarnation: a tracker and its number. Lives as long as the
 * capture file, because every frame's record points at it.
 *
 * A connection that has shown nothing but its opening SYN (most of a SYN
 * flood, every unanswered connect) keeps that segment instead of a tracker:
 * the tracker is made again from it when someone looks (conn_view) and for
 * good when a second segment comes (conn_process). That costs one tp_process
 * per look and saves the tracker's 336 bytes per such connection. */
struct conn_entry {
    struct tp_conn *tracker;      /* NULL while only the first SYN was seen (kept after the entry) */
    struct conn_entry *newer;     /* the next incarnation of its 4-tuple, if any */
    struct tuple_key key;         /* its key in the table */
    uint32_t number;   /* tcpphase.conn, 1-based, in order of first segment */
    uint32_t stream;   /* Wireshark's tcp.stream of its first segment */
    uint16_t port[2];  /* of the tracker's endpoints 0 and 1 */
    uint8_t outcome;   /* enum tp_outcome after its latest segment */
    bool processed;    /* conn_process has run on it */
    bool ep0_is_low;   /* endpoint 0 of the tracker is the key's low end */
};

/* conn_table_init allocates the file-scope table; call it at registration. */
void conn_table_init(void);

/* conn_table_reset starts connection numbering anew for a new file. */
void conn_table_reset(void);

/* conn_view is the tracker of |e| as its segments so far left it. For a
 * connection with only its first SYN it is made anew in storage shared by
 * all such calls: valid until the next conn_view or conn_process. */
const struct tp_conn *conn_view(const struct conn_entry *e);

/* conn_process feeds |s| (from conn_table_segment) to |e|'s tracker,
 * describes it in |out| and returns the tracker after it (as conn_view). */
const struct tp_conn *conn_process(struct conn_entry *e, const struct tp_segment *s, struct tp_result *out);

/* conn_table_by_number is the connection numbered |number| (tcpphase.conn),
 * NULL if none. */
struct conn_entry *conn_table_by_number(uint32_t number);

/* conn_table_segment finds (or creates) the connection |th| belongs to and
 * fills |seg| with the segment as that connection's tracker sees it. When
 * |th| opens a new incarnation of a 4-tuple, |*reused| is the previous one
 * and |*reused_from| the sender's endpoint index in it; else |*reused| is
 * NULL. New trackers use |cfg|. */
struct conn_entry *conn_table_segment(const tcp_info_t *th, const nstime_t *ts, uint32_t frame,
                                      const struct tp_config *cfg, struct tp_segment *seg,
                                      struct conn_entry **reused, uint8_t *reused_from);

/* conn_endpoint_text writes "addr:port" ("[v6]:port") of |e|'s endpoint |ep|
 * (0 or 1) into |buf| of |size| bytes. */
void conn_endpoint_text(const struct conn_entry *e, unsigned ep, char *buf, size_t size);

#endif
