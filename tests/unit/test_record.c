/* The per-segment record: what is decoded is what was encoded, for every
 * segment of real scenarios and for the extreme values each part holds. */
#include "test_support.h"

#include "tcpphase/record.h"
#include "tcpphase/table.h"

static void expect_same_result(const struct tp_result *want, const struct tp_result *got)
{
    g_assert_cmpuint(got->anomalies, ==, want->anomalies);
    g_assert_cmpuint(got->fin_frame, ==, want->fin_frame);
    g_assert_cmpuint(got->phase, ==, want->phase);
    g_assert_cmpuint(got->hs_steps, ==, want->hs_steps);
    g_assert_cmpuint(got->td_steps, ==, want->td_steps);
    g_assert_cmpuint(got->label, ==, want->label);
    g_assert_cmpuint(got->state_client, ==, want->state_client);
    g_assert_cmpuint(got->state_server, ==, want->state_server);
    g_assert_cmpuint(got->state_client_before, ==, want->state_client_before);
    g_assert_cmpuint(got->state_server_before, ==, want->state_server_before);
    g_assert_cmpuint(got->sender_role, ==, want->sender_role);
    g_assert_cmpuint(got->retransmission, ==, want->retransmission);
    g_assert_cmpuint(got->has_data, ==, want->has_data);
    g_assert_cmpuint(got->hit_count, ==, want->hit_count);
    for (unsigned i = 0; i < want->hit_count; i++) {
        g_assert_cmpuint(got->hits[i].id, ==, want->hits[i].id);
        g_assert_cmpuint(got->hits[i].a, ==, want->hits[i].a);
        g_assert_cmpuint(got->hits[i].b, ==, want->hits[i].b);
    }
}

static void round_trip(const struct tp_verdict *v)
{
    struct tp_record rec;
    struct tp_record_anomalies kept;
    struct tp_verdict back;

    memset(&rec, 0, sizeof rec);
    const bool beside = tp_record_encode(v, &rec, &kept);
    g_assert_cmpuint(beside, ==, v->result.anomalies != 0 || v->result.hit_count != 0);
    g_assert_cmpuint(tp_record_has_anomalies(&rec), ==, beside);
    g_assert_true(tp_record_decode(&rec, beside ? &kept : NULL, &back));
    g_assert_cmpuint(back.conn, ==, v->conn);
    g_assert_cmpuint(back.outcome_before, ==, v->outcome_before);
    g_assert_cmpuint(back.outcome_after, ==, v->outcome_after);
    expect_same_result(&v->result, &back.result);
}

/* Every segment of a handshake, data, a reset with anomalies and a teardown. */
static void test_round_trip_of_scenarios(void)
{
    struct tp_conn c = {0};
    struct tp_verdict v = {.conn = 1, .outcome_before = TP_OUTCOME_NONE};

    FEED(&c, &v.result, C2S, .flags = TP_SYN, .seq = CLIENT_ISN);
    round_trip(&v);
    v.outcome_before = TP_OUTCOME_S0;
    FEED(&c, &v.result, S2C, .flags = TP_SYN | TP_ACK, .seq = SERVER_ISN, .ack = C_NXT);
    round_trip(&v);
    FEED(&c, &v.result, C2S, .flags = TP_ACK, .seq = C_NXT, .ack = S_NXT, .len = 10);
    round_trip(&v);
    FEED(&c, &v.result, C2S, .flags = TP_FIN | TP_ACK, .seq = C_NXT + 10, .ack = S_NXT);
    round_trip(&v);
    FEED(&c, &v.result, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 11);
    v.outcome_after = TP_OUTCOME_SF;
    round_trip(&v);
    FEED(&c, &v.result, S2C, .flags = TP_FIN | TP_ACK, .seq = S_NXT, .ack = C_NXT + 11);
    g_assert_true(v.result.retransmission);
    round_trip(&v);
    FEED(&c, &v.result, C2S, .flags = TP_RST | TP_SYN | TP_FIN, .seq = 1, .len = 5);
    g_assert_cmpuint(v.result.anomalies, !=, 0);
    round_trip(&v);
}

/* The largest values of every part: all anomalies, TP_MAX_HITS hits with
 * extreme numbers, the last state, outcome and label, every step. */
static void test_round_trip_of_extremes(void)
{
    struct tp_verdict v;

    memset(&v, 0, sizeof v);
    v.conn = UINT32_MAX;
    v.outcome_before = TP_OUTCOME_NONE;
    v.outcome_after = TP_OUTCOME_COUNT - 1;
    v.result.anomalies = TP_ANOMALY_COUNT == 64 ? UINT64_MAX : ((uint64_t)1 << TP_ANOMALY_COUNT) - 1;
    v.result.fin_frame = UINT32_MAX;
    v.result.phase = TP_PHASE_COUNT - 1;
    v.result.hs_steps = TP_STEP_BIT(1) | TP_STEP_BIT(2) | TP_STEP_BIT(3);
    v.result.td_steps = TP_STEP_BIT(1) | TP_STEP_BIT(2) | TP_STEP_BIT(3) | TP_STEP_BIT(4);
    v.result.label = TP_LABEL_COUNT - 1;
    v.result.state_client = v.result.state_server_before = TP_STATE_COUNT - 1;
    v.result.state_server = v.result.state_client_before = TP_CLOSED;
    v.result.sender_role = TP_ROLE_SERVER;
    v.result.retransmission = v.result.has_data = true;
    v.result.hit_count = TP_MAX_HITS;
    for (unsigned i = 0; i < TP_MAX_HITS; i++)
        v.result.hits[i] = (struct tp_anomaly_hit){.a = UINT32_MAX - i, .b = i, .id = (uint8_t)(TP_ANOMALY_COUNT - 1 - i)};
    round_trip(&v);
}

/* A zeroed slot is no record. */
static void test_empty_slot_is_no_record(void)
{
    struct tp_record rec;
    struct tp_verdict v;

    memset(&rec, 0, sizeof rec);
    g_assert_false(tp_record_decode(&rec, NULL, &v));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/record/round_trip_of_scenarios", test_round_trip_of_scenarios);
    g_test_add_func("/record/round_trip_of_extremes", test_round_trip_of_extremes);
    g_test_add_func("/record/empty_slot_is_no_record", test_empty_slot_is_no_record);
    return g_test_run();
}
