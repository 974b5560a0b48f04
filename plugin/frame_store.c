/* Per-frame records in a two-level table: a directory of chunks of
 * CHUNK_FRAMES slots, a chunk allocated when its first TCP frame comes. A
 * frame number is all it takes to find a record: no per-frame list nodes
 * (p_add_proto_data costs about 100 bytes a frame, this 16). */
#include "frame_store.h"

#include <epan/wmem_scopes.h>
#include "tcpphase-tap.h"
#include <string.h>

#define CHUNK_BITS 12
#define CHUNK_FRAMES (1u << CHUNK_BITS)

enum {
    SLOT_USED = 1,
    SLOT_RETRANSMISSION = 2,
    SLOT_HAS_DATA = 4,
    SLOT_EXTRA = 8,
    SLOT_SERVER_SENT = 16 /* sender_role is TP_ROLE_SERVER */
};

/* Two values of at most 4 bits in one byte. */
#define PAIR(low, high) ((uint8_t)((low) | (high) << 4))
#define PAIR_LOW(b) ((uint8_t)((b) & 0xf))
#define PAIR_HIGH(b) ((uint8_t)((b) >> 4))
G_STATIC_ASSERT(TP_STATE_COUNT <= 16);
G_STATIC_ASSERT(TCPPHASE_NO_OUTCOME < 16);
/* Handshake steps are bits 0-2, teardown steps bits 0-3: both fit a byte. */
#define STEPS_TD_SHIFT 3
G_STATIC_ASSERT(TP_STEP_BIT(3) < (1u << STEPS_TD_SHIFT));
G_STATIC_ASSERT((TP_STEP_BIT(4) << STEPS_TD_SHIFT) <= 0x80);

/* 16 bytes. The FIN link is kept here, not beside: about two segments in
 * every closed connection have one. */
struct slot {
    uint32_t conn;      /* tcpphase.conn number */
    uint32_t fin_frame; /* tp_result.fin_frame */
    uint8_t phase, label;
    uint8_t steps;         /* hs_steps | td_steps << STEPS_TD_SHIFT */
    uint8_t states;        /* PAIR(client, server) after the segment */
    uint8_t states_before; /* PAIR(client, server) before it */
    uint8_t outcomes;      /* PAIR(outcome before, outcome after) */
    uint8_t flags;         /* SLOT_* */
};

/* What few segments have: anomalies. */
struct slot_extra {
    uint64_t anomalies;
    uint8_t hit_count;
    struct tp_anomaly_hit hits[];
};

static struct slot **chunks;    /* directory, by frame >> CHUNK_BITS */
static uint32_t chunk_capacity; /* entries of the directory */
static wmem_map_t *extras;      /* slot address -> struct slot_extra */
static wmem_map_t *upper_layers; /* frame -> struct slot[FRAME_STORE_MAX_LAYERS - 1] */

void frame_store_reset(void)
{
    chunks = NULL;
    chunk_capacity = 0;
    extras = NULL;
    upper_layers = NULL;
}

static struct slot *find_slot(uint32_t frame, unsigned layer, bool create)
{
    if (layer > 0) {
        struct slot *more;
        if (!upper_layers) {
            if (!create)
                return NULL;
            upper_layers = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
        }
        more = (struct slot *)wmem_map_lookup(upper_layers, GUINT_TO_POINTER(frame));
        if (!more && create) {
            more = wmem_alloc0_array(wmem_file_scope(), struct slot, FRAME_STORE_MAX_LAYERS - 1);
            wmem_map_insert(upper_layers, GUINT_TO_POINTER(frame), more);
        }
        return more ? &more[layer - 1] : NULL;
    }

    const uint32_t chunk = frame >> CHUNK_BITS;
    if (chunk >= chunk_capacity) {
        if (!create)
            return NULL;
        uint32_t capacity = chunk_capacity ? chunk_capacity : 64;
        while (capacity <= chunk)
            capacity *= 2;
        chunks = (struct slot **)wmem_realloc(wmem_file_scope(), chunks, capacity * sizeof *chunks);
        memset(chunks + chunk_capacity, 0, (capacity - chunk_capacity) * sizeof *chunks);
        chunk_capacity = capacity;
    }
    if (!chunks[chunk]) {
        if (!create)
            return NULL;
        chunks[chunk] = wmem_alloc0_array(wmem_file_scope(), struct slot, CHUNK_FRAMES);
    }
    return &chunks[chunk][frame & (CHUNK_FRAMES - 1)];
}

void frame_store_put(uint32_t frame, unsigned layer, const struct frame_record *rec)
{
    const struct tp_result *r = &rec->result;
    struct slot *s = find_slot(frame, layer, true);

    s->conn = rec->conn->number;
    s->fin_frame = r->fin_frame;
    s->phase = r->phase;
    s->label = r->label;
    s->steps = (uint8_t)(r->hs_steps | r->td_steps << STEPS_TD_SHIFT);
    s->states = PAIR(r->state_client, r->state_server);
    s->states_before = PAIR(r->state_client_before, r->state_server_before);
    s->outcomes = PAIR(rec->outcome_before, rec->outcome_after);
    s->flags = SLOT_USED | (r->retransmission ? SLOT_RETRANSMISSION : 0) | (r->has_data ? SLOT_HAS_DATA : 0) |
               (r->sender_role == TP_ROLE_SERVER ? SLOT_SERVER_SENT : 0);
    if (r->anomalies || r->hit_count) {
        struct slot_extra *x = (struct slot_extra *)wmem_alloc(
            wmem_file_scope(), sizeof *x + r->hit_count * sizeof x->hits[0]);
        x->anomalies = r->anomalies;
        x->hit_count = r->hit_count;
        memcpy(x->hits, r->hits, r->hit_count * sizeof x->hits[0]);
        if (!extras)
            extras = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
        wmem_map_insert(extras, s, x);
        s->flags |= SLOT_EXTRA;
    }
}

bool frame_store_get(uint32_t frame, unsigned layer, struct frame_record *rec)
{
    const struct slot *s = find_slot(frame, layer, false);
    struct tp_result *r = &rec->result;

    if (!s || !(s->flags & SLOT_USED))
        return false;
    memset(r, 0, sizeof *r);
    rec->conn = conn_table_by_number(s->conn);
    rec->outcome_before = PAIR_LOW(s->outcomes);
    rec->outcome_after = PAIR_HIGH(s->outcomes);
    r->fin_frame = s->fin_frame;
    r->phase = s->phase;
    r->label = s->label;
    r->hs_steps = (uint8_t)(s->steps & ((1u << STEPS_TD_SHIFT) - 1));
    r->td_steps = (uint8_t)(s->steps >> STEPS_TD_SHIFT);
    r->state_client = PAIR_LOW(s->states);
    r->state_server = PAIR_HIGH(s->states);
    r->state_client_before = PAIR_LOW(s->states_before);
    r->state_server_before = PAIR_HIGH(s->states_before);
    r->sender_role = (s->flags & SLOT_SERVER_SENT) ? TP_ROLE_SERVER : TP_ROLE_CLIENT;
    r->retransmission = (s->flags & SLOT_RETRANSMISSION) != 0;
    r->has_data = (s->flags & SLOT_HAS_DATA) != 0;
    if (s->flags & SLOT_EXTRA) {
        const struct slot_extra *x = (const struct slot_extra *)wmem_map_lookup(extras, s);
        r->anomalies = x->anomalies;
        r->hit_count = x->hit_count;
        memcpy(r->hits, x->hits, x->hit_count * sizeof x->hits[0]);
    }
    return true;
}
