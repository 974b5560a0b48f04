/* The per-segment record (record.h): encoding and decoding. */
#include "tcpphase/record.h"

#include <string.h>

enum {
    TP_RECORD_USED = 1,
    TP_RECORD_RETRANSMISSION = 2,
    TP_RECORD_HAS_DATA = 4,
    TP_RECORD_ANOMALIES = 8,
    TP_RECORD_SERVER_SENT = 16 /* sender_role is TP_ROLE_SERVER */
};

/* Two values of at most 4 bits in one byte. */
#define PAIR(low, high) ((uint8_t)((low) | (high) << 4))
#define PAIR_LOW(b) ((uint8_t)((b) & 0xf))
#define PAIR_HIGH(b) ((uint8_t)((b) >> 4))
_Static_assert(TP_STATE_COUNT <= 16, "a state fits 4 bits");
_Static_assert(TP_OUTCOME_NONE < 16, "an outcome (or none) fits 4 bits");
_Static_assert(TP_WHY_COUNT <= 16, "a reason fits 4 bits");
/* Handshake steps are bits 0-2, teardown steps bits 0-3: both fit a byte. */
#define STEPS_TD_SHIFT 3
_Static_assert(TP_STEP_BIT(3) < (1u << STEPS_TD_SHIFT), "handshake steps fit below the teardown steps");
_Static_assert((TP_STEP_BIT(4) << STEPS_TD_SHIFT) <= 0x80, "teardown steps fit the byte");
_Static_assert(sizeof(struct tp_record) == 16, "a record is 16 bytes");

bool tp_record_encode(const struct tp_verdict *v, struct tp_record *rec, struct tp_record_anomalies *anomalies)
{
    const struct tp_result *r = &v->result;
    const bool has_anomalies = r->anomalies != 0 || r->hit_count != 0;

    rec->conn = v->conn;
    rec->fin_frame = r->fin_frame;
    rec->phase = r->phase;
    rec->label = r->label;
    rec->steps = (uint8_t)(r->hs_steps | r->td_steps << STEPS_TD_SHIFT);
    rec->states = PAIR(r->state_client, r->state_server);
    rec->states_before = PAIR(r->state_client_before, r->state_server_before);
    rec->outcomes = PAIR(v->outcome_before, v->outcome_after);
    rec->whys = PAIR(r->why_client, r->why_server);
    rec->flags = (uint8_t)(TP_RECORD_USED | (r->retransmission ? TP_RECORD_RETRANSMISSION : 0) |
                           (r->has_data ? TP_RECORD_HAS_DATA : 0) |
                           (r->sender_role == TP_ROLE_SERVER ? TP_RECORD_SERVER_SENT : 0) |
                           (has_anomalies ? TP_RECORD_ANOMALIES : 0));
    if (has_anomalies) {
        anomalies->mask = r->anomalies;
        anomalies->hit_count = r->hit_count;
        memcpy(anomalies->hits, r->hits, r->hit_count * sizeof r->hits[0]);
    }
    return has_anomalies;
}

void tp_record_steady(uint32_t conn, bool has_data, bool server_sent, uint8_t outcome_before, uint8_t outcome_after,
                      struct tp_record *rec)
{
    rec->conn = conn;
    rec->fin_frame = 0;
    rec->phase = TP_PHASE_ESTABLISHED;
    rec->label = has_data ? TP_LABEL_DATA : TP_LABEL_ACK;
    rec->steps = 0;
    rec->states = rec->states_before = PAIR(TP_ESTABLISHED, TP_ESTABLISHED);
    rec->outcomes = PAIR(outcome_before, outcome_after);
    rec->whys = PAIR(TP_WHY_NONE, TP_WHY_NONE);
    rec->flags = (uint8_t)(TP_RECORD_USED | (has_data ? TP_RECORD_HAS_DATA : 0) |
                           (server_sent ? TP_RECORD_SERVER_SENT : 0));
}

bool tp_record_has_anomalies(const struct tp_record *rec) { return (rec->flags & TP_RECORD_ANOMALIES) != 0; }

bool tp_record_decode(const struct tp_record *rec, const struct tp_record_anomalies *anomalies,
                      struct tp_verdict *v)
{
    struct tp_result *r = &v->result;

    if (!(rec->flags & TP_RECORD_USED))
        return false;
    /* Every member is set below (hits only up to hit_count): no memset, as
     * this runs on every dissection of every segment. */
    v->conn = rec->conn;
    v->outcome_before = PAIR_LOW(rec->outcomes);
    v->outcome_after = PAIR_HIGH(rec->outcomes);
    r->fin_frame = rec->fin_frame;
    r->phase = rec->phase;
    r->label = rec->label;
    r->hs_steps = (uint8_t)(rec->steps & ((1u << STEPS_TD_SHIFT) - 1));
    r->td_steps = (uint8_t)(rec->steps >> STEPS_TD_SHIFT);
    r->state_client = PAIR_LOW(rec->states);
    r->state_server = PAIR_HIGH(rec->states);
    r->state_client_before = PAIR_LOW(rec->states_before);
    r->state_server_before = PAIR_HIGH(rec->states_before);
    r->why_client = PAIR_LOW(rec->whys);
    r->why_server = PAIR_HIGH(rec->whys);
    r->sender_role = (rec->flags & TP_RECORD_SERVER_SENT) ? TP_ROLE_SERVER : TP_ROLE_CLIENT;
    r->retransmission = (rec->flags & TP_RECORD_RETRANSMISSION) != 0;
    r->has_data = (rec->flags & TP_RECORD_HAS_DATA) != 0;
    if ((rec->flags & TP_RECORD_ANOMALIES) && anomalies) {
        r->anomalies = anomalies->mask;
        r->hit_count = anomalies->hit_count;
        memcpy(r->hits, anomalies->hits, anomalies->hit_count * sizeof r->hits[0]);
    } else {
        r->anomalies = 0;
        r->hit_count = 0;
    }
    return true;
}
