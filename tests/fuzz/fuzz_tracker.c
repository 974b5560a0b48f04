/* libFuzzer harness for the pure core: arbitrary bytes become a sequence of
 * segments on two 4-tuples (with port reuse), fed through the connection
 * table (tp_table_step) as the plugin does; every result, connection and
 * record must stay within its tables, whatever the input, and every record
 * must decode to what was encoded. A second table takes the same segments
 * through the steady lane (tp_table_step_steady) wherever it takes them, as
 * the plugin does, and replays a SYN-only connection's SYN where the first
 * keeps its tracker (tp_table_keeps_replayed_syn off): its records and
 * connections must be the first's. Memory is bounded by the input: at most
 * one connection per segment, freed with the table (LeakSanitizer checks). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcpphase/record.h"
#include "tcpphase/table.h"
#include "tcpphase/tracker.h"

#include "../../core/internal.h"
#include "../heap_allocator.h"

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_result(const struct tp_conn *c, const struct tp_result *r)
{
    check(r->phase < TP_PHASE_COUNT);
    check(r->label < TP_LABEL_COUNT);
    check(r->state_client < TP_STATE_COUNT && r->state_server < TP_STATE_COUNT);
    check(r->state_client_before < TP_STATE_COUNT && r->state_server_before < TP_STATE_COUNT);
    check((r->hs_steps & ~0x7u) == 0 && (r->td_steps & ~0xFu) == 0);
    check(r->sender_role <= TP_ROLE_SERVER);
    check(r->hit_count <= TP_MAX_HITS);
    check((r->anomalies >> TP_ANOMALY_COUNT) == 0);
    for (unsigned i = 0; i < r->hit_count; i++)
        check(r->hits[i].id < TP_ANOMALY_COUNT && (r->anomalies >> r->hits[i].id) & 1);
    check(c->client <= 1 && c->ep[0].state < TP_STATE_COUNT && c->ep[1].state < TP_STATE_COUNT);
    char history[TP_HISTORY_MAX + 1];
    check(tp_conn_history_len(c) <= TP_HISTORY_MAX &&
          strlen(tp_conn_history(c, history)) == tp_conn_history_len(c));
    check(tp_conn_outcome(c) < TP_OUTCOME_COUNT);
    /* an end that sent the first FIN makes the connection's closer known
     * (the 2-bit field itself can hold no value out of range) */
    check(c->first_closer < 0 || c->closer != TP_CLOSER_NONE);
    /* the ends whose plain ACK would be steady, as kept, are what the
     * connection's fields say */
    check(c->steady_senders == tp_conn_steady_senders(c));
}

/* What the record keeps of |v| decodes to |v|. */
static void check_record(const struct tp_verdict *v)
{
    struct tp_record rec;
    struct tp_record_anomalies kept;
    struct tp_verdict back;

    memset(&rec, 0, sizeof rec);
    const bool beside = tp_record_encode(v, &rec, &kept);
    check(tp_record_decode(&rec, beside ? &kept : NULL, &back));
    check(back.conn == v->conn && back.outcome_before == v->outcome_before && back.outcome_after == v->outcome_after);
    check(back.result.anomalies == v->result.anomalies && back.result.label == v->result.label);
    check(back.result.phase == v->result.phase && back.result.hs_steps == v->result.hs_steps &&
          back.result.td_steps == v->result.td_steps && back.result.fin_frame == v->result.fin_frame);
    check(back.result.state_client == v->result.state_client && back.result.state_server == v->result.state_server);
    check(back.result.state_client_before == v->result.state_client_before &&
          back.result.state_server_before == v->result.state_server_before);
    check(back.result.hit_count == v->result.hit_count);
    check(memcmp(back.result.hits, v->result.hits, v->result.hit_count * sizeof v->result.hits[0]) == 0);
}

/* |s| through |lane|'s steady lane, or its tp_table_step where the lane
 * declines, replaying every SYN-only connection's SYN: the same record as
 * |v| and the same connection after it as |after| (the other table's). */
static void check_lane(struct tp_table *lane, const struct tp_key *key, bool from_low, uint32_t likely,
                       const struct tp_segment *s, const struct tp_verdict *v, const struct tp_conn *after)
{
    const struct tp_ends ends = {
        .addr_type = key->addr_type,
        .addr_len = key->addr_len,
        .src = from_low ? key->addr_low : key->addr_high,
        .dst = from_low ? key->addr_high : key->addr_low,
        .sport = from_low ? key->port_low : key->port_high,
        .dport = from_low ? key->port_high : key->port_low,
    };
    struct tp_record want, got;
    struct tp_record_anomalies kept;
    struct tp_step step;
    struct tp_conn storage;

    memset(&storage, 0, sizeof storage);
    struct tp_segment lane_s = *s; /* the lane writes its |from| */

    tp_record_encode(v, &want, &kept);
    tp_table_keeps_replayed_syn = false;
    const struct tp_conn *c = tp_table_step_steady(lane, likely, &ends, &lane_s, &got);
    if (!c) {
        c = tp_table_step(lane, key, from_low, 0, likely, s, &storage, &step);
        tp_record_encode(&step.verdict, &got, &kept);
    }
    tp_table_keeps_replayed_syn = true;
    check(memcmp(&want, &got, sizeof want) == 0);
    check(memcmp(after, c, sizeof *c) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct tp_allocator mem = heap_allocator();
    struct tp_table *table = tp_table_new(&mem, &tp_config_default);
    struct tp_table *lane = tp_table_new(&mem, &tp_config_default);
    struct tp_key keys[2];
    uint32_t frame = 0, last_conn[2] = {0, 0}; /* by key: as the plugin's tcp.stream hint */
    int64_t time_ns = 0;
    char label[80];

    /* two 4-tuples, so that connections interleave; port reuse on each */
    memset(keys, 0, sizeof keys);
    for (unsigned k = 0; k < 2; k++) {
        keys[k].addr_type = 4;
        keys[k].addr_len = 4;
        keys[k].port_low = (uint16_t)(40000 + k);
        keys[k].port_high = 80;
        keys[k].addr_low[0] = 10;
        keys[k].addr_high[0] = 11;
    }
    /* 12 bytes a segment: direction/key/flags, seq and ack deltas, length, time */
    for (size_t at = 0; at + 12 <= size; at += 12) {
        const uint8_t *p = data + at;
        const bool from_low = p[0] & 1;
        const struct tp_key *key = &keys[p[1] >> 7];
        struct tp_segment s;
        struct tp_step step;
        struct tp_conn storage, view;
        struct tp_result later;

        memset(&s, 0, sizeof s);
        memset(&storage, 0, sizeof storage); /* compared whole with the lane's */
        s.frame = ++frame;
        time_ns += (int64_t)((p[1] & 0x7f) << 8 | p[2]) * 1000000 - 1000000; /* may go backwards */
        s.time_ns = time_ns;
        s.flags = (uint16_t)(p[3] | (p[0] & 0x0e) << 7);
        s.seq = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
        s.ack = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
        s.len = p[0] >> 4 == 15 ? 0xFFFFFFFFu : (uint32_t)(p[0] >> 4) * 100;
        s.win = p[1];
        s.checksum_bad = (p[2] & 0x81) == 0x81; /* now and then a segment its receiver drops */
        /* the hint: this key's connection, or now and then the other key's */
        const uint32_t likely = last_conn[(p[1] >> 7) ^ (p[2] & 1)];
        const struct tp_conn *after = tp_table_step(table, key, from_low, 0, likely, &s, &storage, &step);
        check(after != NULL && step.entry != NULL);
        check(step.entry->number >= 1 && step.entry->number <= tp_table_count(table));
        check(tp_table_by_number(table, step.entry->number) == step.entry);
        last_conn[p[1] >> 7] = step.entry->number;
        check_result(after, &step.verdict.result);
        check(step.verdict.outcome_after < TP_OUTCOME_COUNT && step.verdict.outcome_before <= TP_OUTCOME_NONE);
        check(step.verdict.conn == step.entry->number);
        check_record(&step.verdict);
        check_lane(lane, key, from_low, likely, &s, &step.verdict, after);
        const struct tp_conn *c = tp_table_view(table, step.entry, &view);
        memset(&later, 0, sizeof later);
        tp_later_anomalies(c, &tp_config_default, &step.verdict.result,
                           &(const struct tp_horizon){.ended = (frame & 1) != 0, .now_ns = s.time_ns}, &later);
        check(later.hit_count <= TP_MAX_HITS);
        tp_label_format(&step.verdict.result, frame & 1 ? TP_LANG_ZH : TP_LANG_EN, label, sizeof label);
        check(strlen(label) < sizeof label);
        /* the texts a person reads, cut to small buffers now and then */
        char text[320];
        const unsigned size = frame % 7 == 0 ? 9 : sizeof text;
        const struct tp_result *r = &step.verdict.result;
        check(strlen(tp_check_format(c, &tp_config_default, r, s.frame, text, size)) < size);
        check(strlen(tp_conn_story(c, tp_config_default.language, text, size)) < size);
        check(strlen(tp_transition_format(r->state_client_before, r->state_client, r->why_client,
                                          frame & 1 ? TP_LANG_ZH : TP_LANG_EN, text, size)) < size);
        check(r->why_client < TP_WHY_COUNT && r->why_server < TP_WHY_COUNT);
    }
    tp_table_free(table);
    tp_table_free(lane);
    return 0;
}
