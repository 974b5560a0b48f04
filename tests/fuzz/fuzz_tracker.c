/* libFuzzer harness for the pure tracker: arbitrary bytes become a sequence
 * of segments of one 4-tuple (with port reuse), fed to tp_process as the
 * plugin would; every result and connection must stay within its tables,
 * whatever the input. Memory is bounded by construction (no allocation in
 * the core): at most one tracker per incarnation here, 8 incarnations. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcpphase/tracker.h"

#define MAX_CONNS 8

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
    check(c->history_len <= TP_HISTORY_MAX && c->history[c->history_len] == '\0');
    check(strlen(c->history) == c->history_len);
    check(tp_conn_outcome(c) < TP_OUTCOME_COUNT);
    check(c->closer >= TP_CLOSER_NONE && c->closer <= TP_CLOSER_BOTH);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tp_conn conns[MAX_CONNS];
    unsigned n = 0, low_is_ep0 = 1;
    uint32_t frame = 0;
    int64_t time_ns = 0;
    char label[80];

    /* 12 bytes a segment: direction/flags, seq and ack deltas, length, time */
    for (size_t at = 0; at + 12 <= size; at += 12) {
        const uint8_t *p = data + at;
        const unsigned from_low = p[0] & 1;
        struct tp_segment s;
        struct tp_result r, later;

        memset(&s, 0, sizeof s);
        s.frame = ++frame;
        time_ns += (int64_t)(p[1] << 8 | p[2]) * 1000000 - 1000000; /* may go backwards */
        s.time_ns = time_ns;
        s.flags = (uint16_t)(p[3] | (p[0] & 0x0e) << 7);
        s.seq = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
        s.ack = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
        s.len = p[0] >> 4 == 15 ? 0xFFFFFFFFu : (uint32_t)(p[0] >> 4) * 100;
        s.win = p[1];
        s.from = (uint8_t)(n ? (from_low != low_is_ep0) : 0);
        if (n == 0 || (tp_starts_new_incarnation(&conns[n - 1], &s) && n < MAX_CONNS)) {
            struct tp_result reuse;
            s.from = 0;
            low_is_ep0 = from_low;
            tp_conn_init(&conns[n], &s, 40000, 80);
            tp_process(&conns[n], &s, &r);
            if (n > 0) {
                reuse = r;
                tp_check_reuse(&conns[n - 1], (uint8_t)(from_low != low_is_ep0), n, &s, &reuse);
                check_result(&conns[n], &reuse);
            }
            n++;
        } else {
            tp_process(&conns[n - 1], &s, &r);
        }
        check_result(&conns[n - 1], &r);
        memset(&later, 0, sizeof later);
        tp_later_anomalies(&conns[n - 1], &r, &later);
        check(later.hit_count <= TP_MAX_HITS);
        tp_label_format(&r, label, sizeof label);
        check(strlen(label) < sizeof label);
    }
    return 0;
}
