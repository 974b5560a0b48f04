/* The glue to the core's connection table (tcpphase/table.h): Wireshark's
 * TCP header to a 4-tuple key, wmem's file scope as the allocator, and
 * Wireshark's tcp.stream as a hint to a segment's connection. */
#ifndef TCPPHASE_CONN_TABLE_H
#define TCPPHASE_CONN_TABLE_H

#include <epan/packet.h>
#include <epan/dissectors/packet-tcp.h>

#include "tcpphase/table.h"

/* conn_table_reset forgets the connections of the last file: call it when
 * a file is opened (the memory itself belongs to the file scope). */
void conn_table_reset(void);

/* conn_table_step takes the segment |th| of |frame| (captured at |time_ns|,
 * from capture_time_ns) to its connection with the tracker configuration
 * |cfg| and returns the connection after it (its tracker, or |storage|
 * filled); NULL: not tracked. A steady segment of the connection
 * Wireshark's stream index last led to (the bulk of a capture: the table's
 * lane, tp_table_step_steady) gets its record in |steady| (steady->conn is
 * its connection) and leaves |out| as it was; any other sets steady->conn
 * to 0 and says what it is in |out| (out->entry NULL: not tracked). */
const struct tp_conn *conn_table_step(const tcp_info_t *th, int64_t time_ns, uint32_t frame, bool payload_cut,
                                      bool checksum_bad, const struct tp_config *cfg, struct tp_conn *storage,
                                      struct tp_step *out, struct tp_record *steady);

/* capture_time_origin sets, on its first call after conn_table_reset, the
 * time capture_time_ns counts from: |ts| less |relative| (a frame's time and
 * its Time column, pinfo->rel_ts), the capture's first frame. */
void capture_time_origin(const nstime_t *ts, const nstime_t *relative);

/* capture_time_ns is |ts| in nanoseconds since the origin (the first call
 * sets it to |ts| if capture_time_origin was not called). */
int64_t capture_time_ns(const nstime_t *ts);

/* conn_view is the tracker of |e| as its segments so far left it (its own,
 * or |storage| filled). */
const struct tp_conn *conn_view(const struct tp_entry *e, struct tp_conn *storage);

/* conn_view_by_number is conn_view of the connection numbered |number|:
 * what a tap listener, which keeps numbers, reads when it draws. */
const struct tp_conn *conn_view_by_number(uint32_t number, struct tp_conn *storage);

/* conn_table_by_number is the connection numbered |number| (tcpphase.conn),
 * NULL if none; the pointer holds until the next segment is stepped (an
 * entry may move, table.h): keep the number. */
struct tp_entry *conn_table_by_number(uint32_t number);

/* conn_endpoint_text writes "addr:port" ("[v6]:port") of |e|'s endpoint |ep|
 * (0 or 1) into |buf| of |size| bytes. */
void conn_endpoint_text(const struct tp_entry *e, unsigned ep, char *buf, size_t size);

#endif
