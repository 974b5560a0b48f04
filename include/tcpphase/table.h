/* The connection table: every connection of one capture, by 4-tuple, with
 * its incarnations (a new SYN on the addresses and ports of a finished
 * connection starts a new one: port reuse) and their numbers. One entry
 * point, tp_table_step, takes a segment to its connection's tracker and
 * back with the verdict. Pure C11: memory comes from an allocator the caller
 * gives (wmem's file scope in the plugin, malloc in the unit tests), and
 * nothing is static: views of a connection are made in storage the caller
 * owns. */
#ifndef TCPPHASE_TABLE_H
#define TCPPHASE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpphase/record.h"
#include "tcpphase/tracker.h"

#define TP_KEY_ADDR_MAX 16 /* IPv6 */

/* A 4-tuple as the caller builds it: the same bytes for both directions
 * (endpoints in a fixed order, "low" then "high"), every unused byte zero.
 * The table compares and hashes it as bytes. A key whose two ends are the
 * same bytes (address and port) is a self-connect (tp_conn_set_self_connect):
 * a caller whose key is no address must keep its ends apart. */
struct tp_key {
    uint8_t addr_type; /* the caller's address type (Wireshark's address_type) */
    uint8_t addr_len;
    uint16_t port_low, port_high;
    uint8_t addr_low[TP_KEY_ADDR_MAX], addr_high[TP_KEY_ADDR_MAX];
    uint16_t zero; /* always 0: the key hashes as whole 32-bit words */
};

/* Where the table's memory comes from. |alloc| returns |size| bytes (NULL
 * only if the caller's allocator can fail, which aborts the step); |release|
 * gives them back (may do nothing, e.g. for a scope freed as a whole). */
struct tp_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void (*release)(void *ctx, void *block);
    void *ctx;
};

/* One connection incarnation. Lives as long as the table, because every
 * frame's record names it by number; it may move, once (below), so keep
 * its number, not a pointer to it, across segments: a pointer from
 * tp_table_step, tp_table_by_number or tp_table_latest holds until the next
 * tp_table_step.
 *
 * Its allocation is the entry, its 4-tuple packed (the address bytes in
 * use: an IPv4 key takes 16 bytes, not 40) and then what it keeps. A
 * connection that has shown nothing but its opening SYN (most of a SYN
 * flood, every unanswered connect) keeps that segment instead of a tracker:
 * tp_table_view makes the tracker again from it, and the next segment makes
 * it for good. The entry then moves to a new block of its head, key and
 * tracker, and its SYN-only block goes to the next SYN-only entry with a
 * key as long (64 kept at most, the rest given back through
 * tp_allocator.release): one block per connection, not a SYN-only block
 * that points to a tracker of its own (issue 18: a full IPv4 connection is
 * then one block of 400 bytes, 416 in Wireshark's wmem, not 64 + 368
 * bytes, 80 + 384). That costs
 * one tp_process per look at a SYN-only connection and saves the tracker's
 * size per such connection: with IPv4 addresses a SYN-only connection is
 * one 64-byte block. Read its key, ports and tracker with tp_entry_key,
 * tp_entry_port and tp_entry_tracker. */
struct tp_entry {
    uint32_t number;      /* 1-based, in order of first segment (tcpphase.conn) */
    uint32_t hint;        /* the caller's (Wireshark's tcp.stream of its first segment) */
    uint32_t newer;       /* the number of the next incarnation of its 4-tuple, 0 if none */
    uint8_t outcome;      /* enum tp_outcome after its latest segment */
    bool processed : 1;   /* a segment of it has been stepped */
    bool ep0_is_low : 1;  /* endpoint 0 of the tracker is the key's low end */
    bool self_connect : 1; /* the key's two ends are one (tp_conn_set_self_connect) */
    uint8_t keeps : 2;    /* what follows its key (table.c) */
};

/* tp_entry_key writes |e|'s 4-tuple, as the caller made it, into |out|. */
void tp_entry_key(const struct tp_entry *e, struct tp_key *out);

/* tp_entry_port is the port of |e|'s tracker endpoint |ep| (0 or 1). */
uint16_t tp_entry_port(const struct tp_entry *e, unsigned ep);

/* tp_entry_tracker is |e|'s tracker, NULL while only its first SYN was seen. */
const struct tp_conn *tp_entry_tracker(const struct tp_entry *e);

struct tp_table;

/* What tp_table_step says of one segment. */
struct tp_step {
    struct tp_entry *entry;    /* the segment's connection (until the next step: it may move) */
    struct tp_verdict verdict; /* what is kept of it: the connection's number, its
                                  outcome before (TP_OUTCOME_NONE: it opened it) and
                                  after, the tracker's result, port reuse included */
};

/* tp_table_new makes an empty table that judges its trackers with |cfg|
 * (kept by pointer: the caller may change it in place); NULL if |mem| fails. */
struct tp_table *tp_table_new(const struct tp_allocator *mem, const struct tp_config *cfg);

/* tp_table_free releases the table and every entry through its allocator. */
void tp_table_free(struct tp_table *t);

/* tp_table_step takes segment |s| (its |from| is ignored) between the ends
 * of |key| to its connection, found or made: |sender_is_low| says which of
 * the key's ends sent it (its ports are the key's), |hint| is kept on a
 * new entry. |likely| may be the number of the connection the caller
 * expects (or of an older incarnation of it), saving a hash lookup when
 * its key matches; 0 (or any number the table has not given) for none.
 * Fills |out| and returns the connection after the segment: the entry's
 * tracker, |storage| filled with it, or (a connection's first SYN) a
 * tracker the table keeps until its next step. */
const struct tp_conn *tp_table_step(struct tp_table *t, const struct tp_key *key, bool sender_is_low,
                                    uint32_t hint, uint32_t likely,
                                    const struct tp_segment *s, struct tp_conn *storage, struct tp_step *out);

/* A segment's two ends as the caller has them, for tp_table_step_steady:
 * the address type and length (4 or TP_KEY_ADDR_MAX bytes, as in its keys)
 * and the bytes and port of its sender (src) and receiver (dst). */
struct tp_ends {
    uint8_t addr_type, addr_len;
    const uint8_t *src, *dst;
    uint16_t sport, dport;
};

/* tp_table_step_steady is tp_table_step's lane for the bulk of a capture:
 * when |likely| is the newest incarnation of the 4-tuple |ends|, with a
 * tracker, and |s| is a steady segment of it (an ACK, with data or not,
 * that changes no state of two ESTABLISHED ends: tp_process's short path),
 * it takes |s| as tp_table_step would, fills |rec| with what
 * tp_record_encode would keep of the step and returns the tracker after
 * it. Otherwise it changes nothing and returns NULL: the caller takes
 * tp_table_step, with the key. It writes the sender's endpoint into
 * |s|->from (not a copy of |s|: this runs on most segments of a capture);
 * tp_table_step ignores it. */
const struct tp_conn *tp_table_step_steady(struct tp_table *t, uint32_t likely, const struct tp_ends *ends,
                                           struct tp_segment *s, struct tp_record *rec);

/* tp_table_view is the tracker of |e| as its segments so far left it: its
 * own, or, for a connection with only its first SYN, |storage| filled. */
const struct tp_conn *tp_table_view(const struct tp_table *t, const struct tp_entry *e, struct tp_conn *storage);

/* tp_table_by_number is the connection numbered |number|, NULL if none. */
struct tp_entry *tp_table_by_number(const struct tp_table *t, uint32_t number);

/* tp_table_count is how many connections the table holds. */
uint32_t tp_table_count(const struct tp_table *t);

/* tp_table_latest is the newest incarnation of |e|'s 4-tuple. */
const struct tp_entry *tp_table_latest(const struct tp_table *t, const struct tp_entry *e);

#endif
