/* The connection table (table.h): an open-addressing hash of 4-tuples to
 * their latest incarnation, and an array by connection number. */
#include "tcpphase/table.h"

#include <string.h>

_Static_assert(sizeof(struct tp_key) % 4 == 0, "the key hashes as 32-bit words");
_Static_assert(sizeof(struct tp_segment) <= 32, "a SYN-only connection keeps its SYN");

struct tp_table {
    struct tp_allocator mem;
    const struct tp_config *cfg;
    struct tp_entry **slots;     /* hash slots, NULL when free; a power of two of them */
    uint32_t slot_count, used;
    struct tp_entry **by_number; /* [number], 0 unused */
    uint32_t number_capacity;
    uint32_t count;              /* connections, = the highest number */
};

/* The two shapes of an entry's allocation: without a tracker the entry is
 * followed by its first SYN, with one by the tracker. */
struct entry_with_syn {
    struct tp_entry entry;
    struct tp_segment syn;
};
struct entry_with_tracker {
    struct tp_entry entry;
    struct tp_conn tracker;
};

static const struct tp_segment *first_syn(const struct tp_entry *e)
{
    return &((const struct entry_with_syn *)(const void *)e)->syn;
}

static void *table_alloc(const struct tp_table *t, size_t size)
{
    void *p = t->mem.alloc(t->mem.ctx, size);
    if (p)
        memset(p, 0, size);
    return p;
}

static uint32_t key_hash(const struct tp_key *k)
{
    /* FNV-1a over the key's 32-bit words: cheap, and every byte counts. */
    uint32_t words[sizeof *k / 4];
    uint32_t h = 2166136261u;

    memcpy(words, k, sizeof words);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        h = (h ^ words[i]) * 16777619u;
    return h ^ (h >> 15);
}

/* Word by word, no memcmp call: every segment compares a key or two. */
static bool key_equal(const struct tp_key *a, const struct tp_key *b)
{
    uint32_t wa[sizeof *a / 4], wb[sizeof *b / 4], diff = 0;

    memcpy(wa, a, sizeof wa);
    memcpy(wb, b, sizeof wb);
    for (size_t i = 0; i < sizeof wa / sizeof wa[0]; i++)
        diff |= wa[i] ^ wb[i];
    return diff == 0;
}

/* The slot of |key|: the one holding it, or the free one it would go in. */
static uint32_t find_slot(const struct tp_table *t, const struct tp_key *key)
{
    const uint32_t mask = t->slot_count - 1;
    uint32_t i = key_hash(key) & mask;

    while (t->slots[i] && !key_equal(&t->slots[i]->key, key))
        i = (i + 1) & mask;
    return i;
}

static bool grow_slots(struct tp_table *t)
{
    struct tp_entry **old = t->slots;
    const uint32_t old_count = t->slot_count;
    const uint32_t count = old_count ? old_count * 2 : 1024;
    struct tp_entry **slots = (struct tp_entry **)table_alloc(t, count * sizeof *slots);

    if (!slots)
        return false;
    t->slots = slots;
    t->slot_count = count;
    for (uint32_t i = 0; i < old_count; i++) {
        if (old[i])
            t->slots[find_slot(t, &old[i]->key)] = old[i];
    }
    if (old)
        t->mem.release(t->mem.ctx, old);
    return true;
}

static bool set_number(struct tp_table *t, struct tp_entry *e)
{
    if (e->number >= t->number_capacity) {
        uint32_t capacity = t->number_capacity ? t->number_capacity * 2 : 1024;
        struct tp_entry **grown = (struct tp_entry **)table_alloc(t, capacity * sizeof *grown);
        if (!grown)
            return false;
        if (t->by_number) {
            memcpy(grown, t->by_number, t->number_capacity * sizeof *grown);
            t->mem.release(t->mem.ctx, t->by_number);
        }
        t->by_number = grown;
        t->number_capacity = capacity;
    }
    t->by_number[e->number] = e;
    return true;
}

struct tp_table *tp_table_new(const struct tp_allocator *mem, const struct tp_config *cfg)
{
    struct tp_table *t = (struct tp_table *)mem->alloc(mem->ctx, sizeof *t);

    if (!t)
        return NULL;
    memset(t, 0, sizeof *t);
    t->mem = *mem;
    t->cfg = cfg;
    if (!grow_slots(t)) {
        mem->release(mem->ctx, t);
        return NULL;
    }
    return t;
}

void tp_table_free(struct tp_table *t)
{
    if (!t)
        return;
    for (uint32_t n = 1; n <= t->count; n++) {
        struct tp_entry *e = t->by_number[n];
        /* a tracker made after the SYN-only form is a block of its own */
        if (e->tracker && e->tracker != &((struct entry_with_tracker *)(void *)e)->tracker)
            t->mem.release(t->mem.ctx, e->tracker);
        t->mem.release(t->mem.ctx, e);
    }
    if (t->by_number)
        t->mem.release(t->mem.ctx, t->by_number);
    t->mem.release(t->mem.ctx, t->slots);
    t->mem.release(t->mem.ctx, t);
}

struct tp_entry *tp_table_by_number(const struct tp_table *t, uint32_t number)
{
    return number >= 1 && number <= t->count ? t->by_number[number] : NULL;
}

uint32_t tp_table_count(const struct tp_table *t) { return t->count; }

const struct tp_entry *tp_table_latest(const struct tp_entry *e)
{
    while (e->newer)
        e = e->newer;
    return e;
}

/* A key whose two ends are the same address and port: a socket connected
 * to itself (issue 17 item 6). */
static bool key_is_self(const struct tp_key *k)
{
    return k->port_low == k->port_high && memcmp(k->addr_low, k->addr_high, sizeof k->addr_low) == 0;
}

/* Readies |c|, the tracker of |e|, for its first segment |first|. */
static void start_tracker(const struct tp_table *t, const struct tp_entry *e, struct tp_conn *c,
                          const struct tp_segment *first)
{
    tp_conn_init(c, first, e->port[0], e->port[1]);
    c->cfg = t->cfg;
    if (key_is_self(&e->key))
        tp_conn_set_self_connect(c);
}

/* The tracker of a connection with only its first segment, in |c|; that
 * segment's result in |r|. */
static void replay_first(const struct tp_table *t, const struct tp_entry *e, struct tp_conn *c,
                         struct tp_result *r)
{
    start_tracker(t, e, c, first_syn(e));
    tp_process(c, first_syn(e), r);
}

const struct tp_conn *tp_table_view(const struct tp_table *t, const struct tp_entry *e, struct tp_conn *storage)
{
    struct tp_result ignored;

    if (e->tracker)
        return e->tracker;
    replay_first(t, e, storage, &ignored);
    return storage;
}

/* A new incarnation of |key|, after |older| if the 4-tuple had one. One
 * allocation with what it keeps: its tracker, or only its first SYN. */
static struct tp_entry *new_entry(struct tp_table *t, const struct tp_key *key, bool sender_is_low, uint16_t sport,
                                  uint16_t dport, uint32_t hint, struct tp_entry *older, const struct tp_segment *s)
{
    struct tp_entry *e;

    if (t->used * 2 >= t->slot_count && !grow_slots(t))
        return NULL;
    if (tp_segment_event(s->flags) == TP_EV_SYN) {
        struct entry_with_syn *block = (struct entry_with_syn *)table_alloc(t, sizeof *block);
        if (!block)
            return NULL;
        block->syn = *s;
        block->syn.from = 0;
        e = &block->entry;
    } else {
        struct entry_with_tracker *block = (struct entry_with_tracker *)table_alloc(t, sizeof *block);
        if (!block)
            return NULL;
        e = &block->entry;
        e->tracker = &block->tracker;
    }
    e->key = *key;
    e->number = t->count + 1;
    if (!set_number(t, e)) {
        t->mem.release(t->mem.ctx, e);
        return NULL;
    }
    t->count++;
    /* the 4-tuple's slot names its latest incarnation */
    const uint32_t slot = find_slot(t, key);
    if (!t->slots[slot])
        t->used++;
    t->slots[slot] = e;
    if (older)
        older->newer = e;
    e->hint = hint;
    e->ep0_is_low = sender_is_low;
    e->port[0] = sport;
    e->port[1] = dport;
    if (e->tracker) {
        struct tp_segment first = *s;
        first.from = 0;
        start_tracker(t, e, e->tracker, &first);
    }
    return e;
}

/* Feeds |s| to |e|, describes it in |out| and returns the tracker after it. */
static const struct tp_conn *process(struct tp_table *t, struct tp_entry *e, const struct tp_segment *s,
                                     struct tp_conn *storage, struct tp_result *out)
{
    if (!e->tracker) {
        if (!e->processed) { /* its first SYN: described, not kept */
            replay_first(t, e, storage, out);
            return storage;
        }
        struct tp_result ignored;
        struct tp_conn *tracker = (struct tp_conn *)table_alloc(t, sizeof *tracker);
        if (!tracker) { /* no memory: describe the segment, keep nothing */
            replay_first(t, e, storage, &ignored);
            tp_process(storage, s, out);
            return storage;
        }
        replay_first(t, e, tracker, &ignored);
        e->tracker = tracker; /* the SYN's storage stays with the entry, unused */
    }
    tp_process(e->tracker, s, out);
    return e->tracker;
}

const struct tp_conn *tp_table_step(struct tp_table *t, const struct tp_key *key, bool sender_is_low,
                                    uint16_t sport, uint16_t dport, uint32_t hint, const struct tp_entry *likely,
                                    const struct tp_segment *s, struct tp_conn *storage, struct tp_step *out)
{
    struct tp_entry *entry = NULL, *old = NULL;
    struct tp_segment seg = *s;
    struct tp_conn old_view;

    if (likely) {
        likely = tp_table_latest(likely);
        if (key_equal(&likely->key, key))
            entry = t->by_number[likely->number];
    }
    if (!entry)
        entry = t->slots[find_slot(t, key)];

    seg.from = entry ? (uint8_t)(sender_is_low != entry->ep0_is_low) : 0;
    const uint8_t old_from = seg.from;
    /* only a bare SYN starts a new incarnation: no view (for a SYN-only
     * entry, its SYN replayed) for any other segment */
    if (entry && tp_segment_event(seg.flags) == TP_EV_SYN &&
        tp_starts_new_incarnation(tp_table_view(t, entry, &old_view), &seg))
        old = entry;
    if (!entry || old) {
        entry = new_entry(t, key, sender_is_low, sport, dport, hint, old, &seg);
        seg.from = 0;
    }
    if (!entry) { /* out of memory: the segment stays unlabelled */
        memset(out, 0, sizeof *out);
        return NULL;
    }

    struct tp_verdict *v = &out->verdict;
    out->entry = entry;
    v->conn = entry->number;
    v->outcome_before = entry->processed ? entry->outcome : TP_OUTCOME_NONE;
    const struct tp_conn *after = process(t, entry, &seg, storage, &v->result);
    entry->processed = true;
    v->outcome_after = entry->outcome = (uint8_t)tp_conn_outcome(after);
    if (old)
        tp_check_reuse(tp_table_view(t, old, &old_view), old_from, old->number, &seg, &v->result);
    return after;
}
