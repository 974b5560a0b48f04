/* The anomaly catalogue: one row per expert info tcpphase raises. The enum,
 * the plugin's expert registrations, the README table and the tests all come
 * from this table (tests/catalogue.py checks the README against it).
 *
 * X(id, group, severity, when, summary, message, zeek, suricata)
 *   id        the filter name is tcpphase.anomaly.<id>
 *   group     Wireshark expert group without its PI_ prefix
 *   severity  NOTE, WARN or ERROR (PI_ prefix added by the plugin)
 *   when      NOW: decided on the segment when it is first dissected;
 *             LATER: needs the rest of the capture (shown once it has been read);
 *             REVISED: decided on the segment, and withdrawn once the whole
 *             capture has been read if the rest disproves it (tp_hindsight)
 *   summary   the expert info's text in Wireshark's tables
 *   message   the text on the segment; printf format taking two unsigned
 *             numbers (a, b) that tp_anomaly_hit carries
 *   zeek, suricata  the nearest Zeek weird/conn_state and Suricata stream event
 */
#ifndef TCPPHASE_ANOMALIES_H
#define TCPPHASE_ANOMALIES_H

#include <stdint.h>

#define TP_ANOMALIES(X)                                                                            \
    /* handshake */                                                                                \
    X(syn_unanswered, SEQUENCE, WARN, LATER, "SYN never answered",                                 \
      "No SYN-ACK or RST answers the client's %u SYNs for %u ms of capture after the first", \
      "conn_state S0", "tcp.state syn_sent at flow end")                                           \
    X(syn_retransmission, SEQUENCE, NOTE, NOW, "SYN retransmitted",                                \
      "SYN retransmitted (same ISN), attempt %u, %u ms after the first",                           \
      "-", "-")                                                                                    \
    X(syn_new_isn, SEQUENCE, WARN, NOW, "New SYN with another ISN before the handshake completed", \
      "SYN with ISN %u replaces the unanswered SYN with ISN %u",                                   \
      "SYN_seq_jump", "stream.3whs_syn_resend_diff_seq_on_syn_recv")                               \
    X(rejected, SEQUENCE, WARN, NOW, "Connection rejected: SYN answered by RST",                   \
      "SYN answered by RST (connection refused) %u ms after it; the client has sent %u SYNs",     \
      "conn_state REJ", "-")                                                                       \
    X(synack_unacked, SEQUENCE, WARN, LATER, "SYN-ACK never acknowledged",                         \
      "No ACK of the SYN-ACK for %u ms of capture after it: the handshake did not complete",          \
      "-", "tcp.state syn_recv at flow end")                                                       \
    X(synack_not_captured, SEQUENCE, NOTE, REVISED, "ACK of a SYN-ACK not in the capture",             \
      "Acknowledges %u: the server's SYN-ACK (ISN %u) is not in the capture",                      \
      "-", "-")                                                                                    \
    X(synack_retransmission, SEQUENCE, NOTE, NOW, "SYN-ACK retransmitted",                         \
      "SYN-ACK retransmitted (same sequence and acknowledgment numbers), %u ms after the first", \
      "-", "-")                                                                                    \
    X(synack_changed, SEQUENCE, WARN, NOW, "SYN-ACK resent with other numbers",                    \
      "SYN-ACK resent with ISN %u, the first one had ISN %u",                                      \
      "SYN_seq_jump", "-")                                   \
    X(synack_bad_ack, SEQUENCE, ERROR, NOW, "SYN-ACK acknowledges the wrong number",               \
      "SYN-ACK acknowledges %u, expected %u (client ISN+1)",                                       \
      "bad_SYN_ack", "stream.3whs_synack_with_wrong_ack")                                          \
    X(synack_wrong_direction, SEQUENCE, WARN, NOW, "SYN-ACK sent by the client",                   \
      "SYN-ACK sent by the end that sent the first SYN, with no SYN from the server",      \
      "connection_originator_SYN_ack", "stream.3whs_synack_in_wrong_direction")                    \
    X(synack_unsolicited, SEQUENCE, NOTE, NOW, "SYN-ACK without a SYN",                            \
      "SYN-ACK for a SYN that is not in the capture (capture start, or backscatter)",      \
      "unsolicited_SYN_response", "-")                                                             \
    X(handshake_ack_bad, SEQUENCE, ERROR, NOW, "Handshake ACK with wrong numbers",                 \
      "Third handshake segment acknowledges %u, expected %u (server ISN+1)",                       \
      "-", "stream.3whs_wrong_seq_wrong_ack, stream.3whs_right_seq_wrong_ack_evasion")             \
    X(handshake_completed_by_data, SEQUENCE, NOTE, NOW, "Handshake completed by a data segment",   \
      "No pure ACK: this segment's %u bytes complete the handshake",                           \
      "-", "-")                                                                                    \
    X(data_before_established, SEQUENCE, WARN, NOW, "Data before the handshake completed",         \
      "%u bytes sent before the handshake completed (not on a SYN)",                           \
      "data_before_established", "-")                                    \
    X(syn_with_data, PROTOCOL, NOTE, NOW, "SYN carries data",                                      \
      "SYN carries %u bytes (TCP Fast Open or a plain SYN with data)",                         \
      "SYN_with_data", "-")                                                                        \
    X(syn_data_ignored, PROTOCOL, NOTE, NOW, "SYN-ACK ignores the data on the SYN",                \
      "SYN-ACK acknowledges only the SYN, not its %u bytes of data (TFO refused)",             \
      "-", "stream.3whs_synack_tfo_data_ignored")                                                  \
    X(simultaneous_open, SEQUENCE, NOTE, REVISED, "Simultaneous open: both ends sent a SYN",           \
      "Both ends sent a SYN (simultaneous open, RFC 9293 figure 8)",                       \
      "simultaneous_open", "-")                                                                    \
    X(split_handshake, SECURITY, WARN, NOW, "Split handshake (SYN, SYN, SYN-ACK, ACK)",             \
      "Split handshake: the server answered the SYN with its own SYN and the client sent the SYN-ACK", \
      "simultaneous_open", "-")                                                        \
    X(syn_in_established, SEQUENCE, WARN, NOW, "SYN on a synchronized connection",                 \
      "SYN with ISN %u on a synchronized connection (RFC 5961: answered by a challenge ACK)",  \
      "SYN_inside_connection", "stream.est_syn_resend, stream.est_syn_resend_diff_seq")            \
    X(slow_handshake, SEQUENCE, NOTE, NOW, "Slow handshake",                                       \
      "Connecting took %u ms from the client's first SYN, %u SYNs sent (above the slow_handshake preference)", \
      "-", "-")                                                                                    \
    X(illegal_flags, MALFORMED, ERROR, NOW, "Illegal TCP flag combination",                        \
      "Flags 0x%03x are an illegal combination (SYN+FIN, SYN+RST, FIN+RST, none or all)",     \
      "TCP_christmas / history Q", "stream.fin_syn")                                               \
    X(midstream, SEQUENCE, NOTE, NOW, "Connection picked up midstream",                            \
      "Connection picked up without its handshake (capture started mid-connection)",       \
      "conn_state OTH", "tcp.midstream_pickups")                                                   \
    /* teardown */                                                                                 \
    X(fin_without_handshake, SEQUENCE, WARN, NOW, "FIN before the handshake completed",            \
      "FIN sent before the handshake completed",                                           \
      "spontaneous_FIN / conn_state SH", "stream.fin_but_no_session")                              \
    X(fin_retransmission, SEQUENCE, NOTE, NOW, "FIN retransmitted",                                \
      "FIN retransmitted (same sequence number %u)",                                           \
      "-", "-")                                                                                    \
    X(fin_bad_seq, SEQUENCE, WARN, NOW, "FIN at a wrong sequence number",                          \
      "FIN at sequence number %u, but the sender had already sent up to %u",                       \
      "FIN_advanced_last_seq", "stream.fin_out_of_window")                                         \
    X(data_after_fin, SEQUENCE, ERROR, NOW, "New data after the sender's own FIN",                 \
      "%u bytes of new data after the sender's FIN at %u",                                         \
      "FIN_advanced_last_seq", "-")                                                                \
    X(close_ack_invalid, SEQUENCE, WARN, NOW, "Closing ACK acknowledges data never sent",          \
      "Acknowledges %u, but the other end has only sent up to %u",                                 \
      "-", "stream.fin_invalid_ack")                                                               \
    X(fin_not_captured, SEQUENCE, NOTE, NOW, "ACK of a FIN not in the capture",                    \
      "Acknowledges %u, past all the other end sent (%u) while it was to close: its FIN (and any data before it) is not in the capture", \
      "-", "-")                                                                                    \
    X(half_closed_at_end, SEQUENCE, NOTE, LATER, "Only one end closed",                            \
      "Half-closed at the end of the capture: the other end never sent a FIN",             \
      "conn_state S2/S3", "-")                                                                     \
    X(final_ack_missing, SEQUENCE, NOTE, LATER, "Last FIN never acknowledged",                     \
      "Both ends sent a FIN but the capture holds no ACK of this last FIN",                     \
      "-", "tcp.state last_ack at flow end")                                                       \
    X(simultaneous_close, SEQUENCE, NOTE, NOW, "Simultaneous close: the FINs crossed",             \
      "This FIN crossed the other end's FIN (simultaneous close, RFC 9293 figure 13)",     \
      "-", "tcp.state closing")                                                                    \
    X(syn_while_closing, SEQUENCE, WARN, NOW, "SYN while the connection is closing",               \
      "SYN with ISN %u while the connection is closing",                                       \
      "SYN_after_close", "stream.shutdown_syn_resend")                                             \
    /* reset */                                                                                    \
    X(rst_abort, SEQUENCE, WARN, NOW, "Connection aborted by RST",                                 \
      "RST aborts the established connection (no FIN exchanged)",                          \
      "conn_state RSTO/RSTR", "-")                                                                 \
    X(rst_after_fin, SEQUENCE, NOTE, NOW, "RST after a FIN",                                       \
      "RST after a FIN was sent (abortive close, often unread data)",                      \
      "-", "-")                                                                                    \
    X(rst_invalid, SECURITY, WARN, NOW, "RST not acceptable: ignored by the receiver",            \
      "RST not acceptable to its receiver (sequence or, to a SYN_SENT end, acknowledgment number %u; acceptable from %u): ignored", \
      "-", "-")                                                               \
    X(rst_challenge_expected, SECURITY, WARN, NOW, "RST in the window but not exact: challenge ACK expected", \
      "RST sequence number %u is in the window but not the expected %u (RFC 5961: challenge ACK)", \
      "-", "-")                                                                                    \
    X(challenge_ack, SEQUENCE, NOTE, NOW, "Challenge ACK",                                         \
      "Challenge ACK (RFC 5961) answering the segment in frame %u",                            \
      "-", "-")                                                                                    \
    X(traffic_after_rst, SECURITY, ERROR, NOW, "Traffic after RST",                                \
      "Segment from an end that the RST in frame %u had closed (one it sent, or accepted and then ignored)", \
      "data_after_reset", "stream.suspected_rst_inject (only after a RST to SYN_SENT)")                                           \
    X(rst_with_data, PROTOCOL, NOTE, NOW, "RST carries data",                                      \
      "RST carries %u bytes (often a diagnostic text)",                                        \
      "RST_with_data", "stream.rst_with_data")                                                     \
    X(rst_no_connection, SEQUENCE, NOTE, NOW, "RST for an unknown connection",                     \
      "RST for a connection not seen before (capture start or backscatter)",               \
      "spontaneous_RST", "stream.rst_but_no_session")                                              \
    X(time_wait_assassination, SEQUENCE, WARN, NOW, "RST kills TIME_WAIT (RFC 1337)",              \
      "RST received in TIME_WAIT closes it early (TIME-WAIT assassination, RFC 1337)",     \
      "-", "-")                                                                    \
    /* reuse */                                                                                    \
    X(port_reuse, SEQUENCE, NOTE, NOW, "New connection on addresses and ports used before",       \
      "New connection reuses the addresses and ports of connection %u",                        \
      "active_connection_reuse", "flow reason tcp_reuse")                                          \
    X(premature_reuse, SEQUENCE, WARN, NOW, "Port reuse while the old connection lingers",        \
      "Reuse %u ms after the old connection entered TIME_WAIT, before 2*MSL (%u ms) or while it was still open", \
      "premature_connection_reuse", "-")                                                           \
    X(time_wait_reuse_unsafe, SEQUENCE, WARN, NOW, "Reuse from TIME_WAIT with a lower ISN",        \
      "New ISN %u is not above the old connection's last sequence number %u (RFC 6191)",           \
      "-", "-")

/* The anomalies that Wireshark's own TCP analysis already reports on the same
 * frame, at the same severity (tcp.analysis.retransmission on a SYN, SYN-ACK
 * or FIN sent again, tcp.analysis.reused_ports): tcpphase keeps them as
 * tcpphase.anomaly values and in its counts, but raises no expert info for
 * them, which would repeat Wireshark's. */
#define TP_WIRESHARK_REPORTS(X) \
    X(syn_retransmission)       \
    X(synack_retransmission)    \
    X(fin_retransmission)       \
    X(port_reuse)

enum tp_anomaly {
#define TP_X_ENUM(id, grp, sev, when, summary, msg, zeek, suricata) TP_A_##id,
    TP_ANOMALIES(TP_X_ENUM)
#undef TP_X_ENUM
    TP_ANOMALY_COUNT
};
_Static_assert(TP_ANOMALY_COUNT <= 64, "a segment's anomalies are a 64-bit mask (tp_result.anomalies)");

#define TP_ANOMALY_BIT(id) ((uint64_t)1 << TP_A_##id)

/* tp_anomaly_name returns the id of |a| ("syn_unanswered"), or "?". */
const char *tp_anomaly_name(unsigned a);

/* tp_anomaly_message returns the printf format of |a|'s message. */
const char *tp_anomaly_message(unsigned a);

#endif
