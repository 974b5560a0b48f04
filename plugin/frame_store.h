/* What the tracker said of each TCP layer of each frame, kept for the whole
 * capture file: the tracker runs once per segment, and every later
 * dissection of the frame (GUI clicks, tshark -2's second pass) replays it.
 *
 * Compact on purpose: a capture of millions of segments keeps a record for
 * each. A record takes 16 bytes in a table indexed by frame number; the rare
 * parts (anomalies, further TCP layers of a tunnel) live beside it. */
#ifndef TCPPHASE_FRAME_STORE_H
#define TCPPHASE_FRAME_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "conn_table.h"
#include "tcpphase/tracker.h"

#define FRAME_STORE_MAX_LAYERS 8

struct frame_record {
    struct conn_entry *conn;
    uint8_t outcome_before; /* the connection's outcome before and after it */
    uint8_t outcome_after;
    struct tp_result result;
};

/* frame_store_reset forgets every record: call it when a file is opened
 * (the memory itself belongs to the file scope). */
void frame_store_reset(void);

/* frame_store_put keeps |rec| for TCP layer |layer| (< FRAME_STORE_MAX_LAYERS)
 * of |frame| (> 0). */
void frame_store_put(uint32_t frame, unsigned layer, const struct frame_record *rec);

/* frame_store_get fills |rec| with what was kept for |frame|/|layer|; false
 * if nothing was. */
bool frame_store_get(uint32_t frame, unsigned layer, struct frame_record *rec);

#endif
