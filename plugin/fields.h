/* fields.h: the one table of tcpphase's fields. Registration (hf[] and the
 * hf_tcpphase_<id> variables in packet-tcpphase.c), the README's field
 * reference and the Python tests' field lists (tests/fields.py parses this
 * file) all come from it; tests/fields.py --check fails when they drift.
 *
 * X(id, filter name, name, type, display, strings, when, description)
 *   when: NOW   = known when the segment is dissected, in one-pass tshark too;
 *         LATER = needs the whole capture (links to later frames, timings,
 *                 what became of the connection): shown in the GUI, sharkd
 *                 and tshark -2 with the two_pass preference, and in one-pass
 *                 tshark only where the frames it depends on came before;
 *         HINDSIGHT = known when the segment is dissected, and corrected
 *                 where the whole capture proves it wrong (a refused or
 *                 unanswered SYN's server state: tp_hindsight_states).
 * A description ending "hidden in the tree" is a hidden item (the name twins):
 * in -T fields, JSON, EK, PDML and filters, not in the GUI's tree nor in
 * sharkd's (tests/fields.py hidden()). */
#ifndef TCPPHASE_FIELDS_H
#define TCPPHASE_FIELDS_H

#define TP_FIELDS(X) \
    X(conn, "tcpphase.conn", "Connection", FT_UINT32, BASE_DEC, NULL, NOW, \
      "Connection number; a SYN with another ISN on the addresses and ports of a finished connection starts a new one.") \
    X(phase, "tcpphase.phase", "Phase", FT_UINT8, BASE_DEC, VALS(phase_vals), NOW, \
      "Phase of the connection this segment belongs to.") \
    X(phase_str, "tcpphase.phase.str", "Phase name", FT_STRING, BASE_NONE, NULL, NOW, \
      "The phase's name (handshake, established, teardown, reset, closed), for -T fields and JSON; hidden in the tree.") \
    X(handshake_step, "tcpphase.handshake.step", "Handshake step", FT_UINT8, BASE_DEC, VALS(handshake_step_vals), NOW, \
      "Handshake step 1-3 (SYN, SYN-ACK, ACK) this segment is; twice on a combined step (2 and 3).") \
    X(teardown_step, "tcpphase.teardown.step", "Teardown step", FT_UINT8, BASE_DEC, VALS(teardown_step_vals), NOW, \
      "Teardown step 1-4 (FIN, its ACK, the second FIN, its ACK) this segment is; twice on a combined step (2 and 3).") \
    X(step, "tcpphase.step", "Step", FT_UINT8, BASE_DEC, NULL, NOW, \
      "Handshake step 1-3 or teardown step 1-4, whichever this segment is, as before tcpphase.handshake.step and tcpphase.teardown.step said which; hidden in the tree.") \
    X(label, "tcpphase.label", "Label", FT_STRING, BASE_NONE, NULL, NOW, \
      "Short description of the segment's place in the connection, for columns.") \
    X(retransmission, "tcpphase.retransmission", "Step repeated", FT_BOOLEAN, BASE_NONE, NULL, NOW, \
      "The segment repeats a handshake or teardown step already taken.") \
    X(role, "tcpphase.role", "Sender role", FT_UINT8, BASE_DEC, VALS(role_vals), NOW, \
      "Role of the end that sent this segment; the client sent the first SYN.") \
    X(role_str, "tcpphase.role.str", "Sender role name", FT_STRING, BASE_NONE, NULL, NOW, \
      "client or server, for -T fields and JSON; hidden in the tree.") \
    X(role_guessed, "tcpphase.role_guessed", "Role guessed", FT_BOOLEAN, BASE_NONE, NULL, NOW, \
      "No SYN or SYN-ACK was seen: the server is taken to be the end with the lower port (present only then).") \
    X(state_client, "tcpphase.state.client", "Client state", FT_UINT8, BASE_DEC, VALS(state_vals), HINDSIGHT, \
      "RFC 9293 state of the client once this segment has been sent and received.") \
    X(state_server, "tcpphase.state.server", "Server state", FT_UINT8, BASE_DEC, VALS(state_vals), HINDSIGHT, \
      "RFC 9293 state of the server once this segment has been sent and received.") \
    X(state_client_str, "tcpphase.state.client.str", "Client state name", FT_STRING, BASE_NONE, NULL, HINDSIGHT, \
      "The client state's name (SYN_SENT, ...), for -T fields and JSON; hidden in the tree.") \
    X(state_server_str, "tcpphase.state.server.str", "Server state name", FT_STRING, BASE_NONE, NULL, HINDSIGHT, \
      "The server state's name (LISTEN, ...), for -T fields and JSON; hidden in the tree.") \
    X(transition_client, "tcpphase.transition.client", "Client transition", FT_STRING, BASE_NONE, NULL, HINDSIGHT, \
      "The client's state change on this segment and why, e.g. CLOSED \u2192 SYN_SENT (sent SYN); present only on a segment that changes it.") \
    X(transition_server, "tcpphase.transition.server", "Server transition", FT_STRING, BASE_NONE, NULL, HINDSIGHT, \
      "The server's state change on this segment and why, e.g. LISTEN \u2192 SYN_RECEIVED (received SYN); present only on a segment that changes it.") \
    X(check, "tcpphase.check", "Numbers checked", FT_STRING, BASE_NONE, NULL, NOW, \
      "On a handshake or teardown step, the rule a tutorial teaches checked with this connection's numbers, e.g. ACK 1 = client ISN + 1 \u2713 (raw 1001 = 1000 + 1).") \
    X(midstream, "tcpphase.midstream", "Midstream", FT_BOOLEAN, BASE_NONE, NULL, NOW, \
      "The capture does not hold the connection's SYN: it was picked up midstream (present only then).") \
    X(syn_frame, "tcpphase.syn_frame", "SYN in frame", FT_FRAMENUM, BASE_NONE, \
      FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), LATER, "The client's SYN that the first SYN-ACK answers.") \
    X(synack_frame, "tcpphase.synack_frame", "SYN-ACK in frame", FT_FRAMENUM, BASE_NONE, \
      FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), LATER, "The first SYN-ACK of the handshake.") \
    X(ack_frame, "tcpphase.ack_frame", "Handshake completed in frame", FT_FRAMENUM, BASE_NONE, \
      FRAMENUM_TYPE(FT_FRAMENUM_ACK), LATER, "The segment after which both ends were ESTABLISHED.") \
    X(fin_frame, "tcpphase.fin_frame", "Acknowledges FIN in frame", FT_FRAMENUM, BASE_NONE, \
      FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), NOW, "The FIN this segment is the first to acknowledge.") \
    X(fin_acked_in, "tcpphase.fin_acked_in", "FIN acknowledged in frame", FT_FRAMENUM, BASE_NONE, \
      FRAMENUM_TYPE(FT_FRAMENUM_ACK), LATER, "The segment that first acknowledged the sender's FIN.") \
    X(hs_syn_to_synack, "tcpphase.handshake.syn_to_synack", "SYN to SYN-ACK", FT_RELATIVE_TIME, BASE_NONE, \
      NULL, LATER, "Time from the client's SYN that the first SYN-ACK answers (its latest SYN before it) to that SYN-ACK: the network round trip.") \
    X(hs_synack_to_ack, "tcpphase.handshake.synack_to_ack", "SYN-ACK to ACK", FT_RELATIVE_TIME, BASE_NONE, \
      NULL, LATER, "Time from the first SYN-ACK to the segment that completed the handshake.") \
    X(hs_rtt, "tcpphase.handshake.rtt", "Handshake time", FT_RELATIVE_TIME, BASE_NONE, NULL, LATER, \
      "Time from the client's SYN that the first SYN-ACK answers to the segment that completed the handshake.") \
    X(hs_connect_time, "tcpphase.handshake.connect_time", "Connect time", FT_RELATIVE_TIME, BASE_NONE, NULL, \
      LATER, "Time from the client's first SYN to the segment that completed the handshake: the wait its user saw, SYN retries included.") \
    X(hs_syn_count, "tcpphase.handshake.syn_count", "SYNs sent", FT_UINT32, BASE_DEC, NULL, LATER, \
      "SYNs the client sent, retransmissions included (1: no retry).") \
    X(outcome, "tcpphase.outcome", "Outcome", FT_UINT8, BASE_DEC, VALS(outcome_vals), LATER, \
      "What became of the connection, as Zeek's conn_state code (once the whole capture has been read).") \
    X(outcome_str, "tcpphase.outcome.str", "Outcome code", FT_STRING, BASE_NONE, NULL, LATER, \
      "The outcome's Zeek code (SF, REJ, ...), for -T fields and JSON; hidden in the tree.") \
    X(history, "tcpphase.history", "History", FT_STRING, BASE_NONE, NULL, LATER, \
      "The connection's Zeek history string (once the whole capture has been read).") \
    X(history_letters, "tcpphase.history.letters", "History letters", FT_STRING, BASE_NONE, NULL, LATER, \
      "The history's letters spelled out, e.g. S: client SYN, h: server SYN-ACK (upper case: the client).") \
    X(summary, "tcpphase.summary", "Summary", FT_STRING, BASE_NONE, NULL, LATER, \
      "What became of the connection, in one line (\"refused: RST to 3 SYNs in 1.0 s\"), once the whole capture has been read.") \
    X(closed_by, "tcpphase.closed_by", "Closed first by", FT_UINT8, BASE_DEC, VALS(closer_vals), LATER, \
      "Which end closed first: sent the first FIN, both at once, or the RST that ended it (client and server as in tcpphase.role).") \
    X(closed_by_str, "tcpphase.closed_by.str", "Closed first by (name)", FT_STRING, BASE_NONE, NULL, LATER, \
      "client, server or both, for -T fields and JSON; hidden in the tree.") \
    X(anomaly, "tcpphase.anomaly", "Anomaly", FT_STRING, BASE_NONE, NULL, NOW, \
      "Id of an anomaly of this segment (its expert info is tcpphase.anomaly.<id>).")

#endif
