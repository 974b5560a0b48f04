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
#include "tcpphase/record.h"

#define FRAME_STORE_MAX_LAYERS 8

/* A record as the dissector shows it is a struct tp_step (tcpphase/table.h):
 * the core's verdict (tcpphase/record.h) and the connection it names, as
 * the table gives them: kept without a copy. */

/* frame_store_reset forgets every record: call it when a file is opened
 * (the memory itself belongs to the file scope). */
void frame_store_reset(void);

/* frame_store_keep keeps |rec| (its verdict, of connection rec->entry) for
 * TCP layer |layer| (< FRAME_STORE_MAX_LAYERS) of |frame| (> 0), encoded
 * (tp_record_encode): frame_store_get will say the same of it (the record
 * keeps every member of the verdict losslessly, tests/unit/test_record.c). */
void frame_store_keep(uint32_t frame, unsigned layer, const struct tp_step *rec);

/* frame_store_keep_record keeps |rec|, a record without anomalies made
 * straight (tp_record_steady), for TCP layer |layer| of |frame|, as
 * frame_store_keep does. */
void frame_store_keep_record(uint32_t frame, unsigned layer, const struct tp_record *rec);

/* frame_store_get fills |rec| with what was kept for |frame|/|layer|,
 * decoded; false if nothing was. */
bool frame_store_get(uint32_t frame, unsigned layer, struct tp_step *rec);

#endif
