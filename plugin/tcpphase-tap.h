/* What tcpphase publishes on its own "tcpphase" tap, once per TCP layer of
 * every frame it labels, for the statistics and the connection report. */
#ifndef TCPPHASE_TAP_H
#define TCPPHASE_TAP_H

#include <epan/packet.h>

#include "conn_table.h"

struct tcpphase_tap_record {
    uint32_t conn; /* the connection's number: conn_table_by_number (an entry may move, table.h) */
    const struct tp_result *result;
    uint64_t anomalies;     /* result's, plus those needing the whole capture once it is read */
    uint8_t outcome_before; /* the connection's outcome before and after this segment */
    uint8_t outcome_after;
    bool whole_capture;     /* anomalies already has those needing the whole capture */
    /* The segment's header as the tcp tap gave it this dissection (for the
     * ladder), if it did: relative numbers when Wireshark shows them so. */
    bool has_header;
    uint16_t flags;
    uint32_t seq, ack, len;
};

/* The language of the texts a person reads (enum tp_language, preference
 * tcpphase.language). */
unsigned tcpphase_language(void);

/* The tracker's configuration from the preferences (the connections keep
 * none: the functions of tracker.h that need it take it). */
const struct tp_config *tcpphase_config(void);

/* How much of the capture has been read, for what a frame shows. */
struct tp_horizon tcpphase_horizon(void);

/* The same for a report being drawn: in tshark, which prints reports only
 * after the last packet, the capture has ended then. */
struct tp_horizon tcpphase_report_horizon(void);

/* Registers the -z tcpphase,tree statistics and the -z tcpphase,conns report;
 * called through tap_register_plugin(). */
void register_tcpphase_stats(void);
void register_tcpphase_conns(void);
void register_tcpphase_ladder(void);

/* Opens a GUI text window with the ladder of connection |conn| (0: all) and
 * has Wireshark retap the capture to fill it. */
void ladder_open_window(uint32_t conn);

/* Registers the connection table dialog (and -z tcpphase,conntable); called
 * at protocol registration, where Wireshark collects such tables. */
void register_tcpphase_conns_table(void);

/* Registers the Flow Graph's flow type "TCP Connection Phase" (and tshark's
 * -z flow,tcpphase,standard); at protocol registration, before tshark
 * makes the -z flow entries. Nothing on a Wireshark version whose Flow
 * Graph layout tcpphase does not know (seq-analysis-abi.h). */
void register_tcpphase_flow_graph(int proto);

#endif
