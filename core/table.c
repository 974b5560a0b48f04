/* The connection table (table.h): an open-addressing hash of 4-tuples to
 * their latest incarnation, and an array by connection number. */
#include "tcpphase/table.h"

#include "internal.h"

#include <stddef.h>
#include <string.h>

_Static_assert(sizeof(struct tp_key) % 4 == 0, "the key hashes as 32-bit words");
_Static_assert(sizeof(struct tp_segment) <= 32, "a SYN-only connection keeps its SYN");
/* with an IPv4 key (16 bytes packed) and its SYN, a SYN-only connection is
 * 64 bytes: 80 in Wireshark's wmem block allocator (issue 18) */
_Static_assert(sizeof(struct tp_entry) == 16, "an entry's fixed part is 16 bytes");

struct tp_table {
    struct tp_allocator mem;
    const struct tp_config *cfg;
    uint32_t *slots;             /* hash slots: an entry's number (half a pointer), 0 when free; a
                                    power of two of them */
    uint32_t slot_count, used;
    struct tp_entry **by_number; /* [number], 0 unused */
    uint32_t number_capacity;
    uint32_t count;              /* connections, = the highest number */
    /* SYN-only blocks that entries moved out of (process), by packed
     * address length / 4, for the next SYN-only entries with a key as long:
     * a release and an allocation fewer per connection opened by a SYN.
     * Each block's first bytes link to the next; at most SPARE_MAX kept of
     * each length, the rest released. */
    void *spare[TP_KEY_ADDR_MAX / 4 + 1];
    uint32_t spare_count[TP_KEY_ADDR_MAX / 4 + 1];
    /* The tracker the first SYN of SYN-only entry |replayed_number| made
     * (replay_first), kept for that entry's next segment: a SYN-ACK most
     * often follows its SYN before another connection's SYN does, and
     * then makes the entry's tracker by a copy instead of the SYN replayed
     * (issue 18). Entry numbers are never reused: 0, none. It was made
     * with |cfg| as it was then, as every record of the SYN-only entry was
     * (the plugin's table starts anew on each redissection, which a change
     * of its preferences brings). */
    uint32_t replayed_number;
    struct tp_conn replayed;
};

bool tp_table_keeps_replayed_syn = true;

/* Spare SYN-only blocks a table keeps of one key length (table.spare): a
 * SYN flood answered late leaves no more than this many unused. */
#define SPARE_MAX 64

/* What follows an entry's packed key (tp_entry.keeps). */
enum entry_keeps {
    KEEPS_SYN,      /* its first SYN, the only segment it has shown */
    KEEPS_TRACKER,  /* its tracker */
};

/* A key packed as an entry keeps it, in 32-bit words: the address type and
 * length and the ports (the first 6 bytes of struct tp_key), the packed
 * address length |L| (a multiple of 4, up to the last non-zero address
 * byte: 4 for IPv4), 0, then L bytes of each address. Two keys are equal if
 * and only if their packed forms are. */
#define PACKED_HEAD_WORDS 2
#define PACKED_WORDS_MAX (PACKED_HEAD_WORDS + TP_KEY_ADDR_MAX / 2)
struct packed_key {
    uint32_t w[PACKED_WORDS_MAX];
    unsigned words;
};

/* The address bytes of |k| in use: a multiple of 4, the rest zero. The
 * words of both addresses OR-ed, from the end: an IPv4 key reads its three
 * zero words at once and stops at the first. */
static unsigned used_address_length(const struct tp_key *k)
{
    uint32_t low[TP_KEY_ADDR_MAX / 4], high[TP_KEY_ADDR_MAX / 4];

    memcpy(low, k->addr_low, sizeof low);
    memcpy(high, k->addr_high, sizeof high);
    if ((low[1] | high[1] | low[2] | high[2] | low[3] | high[3]) == 0)
        return (low[0] | high[0]) ? 4 : 0;
    return (low[3] | high[3]) ? 16 : (low[2] | high[2]) ? 12 : 8;
}

/* Every segment packs its key: only the words the packed form uses are
 * written (nothing reads past p->words), four bytes at a time. */
static void pack_key(const struct tp_key *k, struct packed_key *p)
{
    const unsigned len = used_address_length(k), words = len / 4;

    uint8_t head[4 * PACKED_HEAD_WORDS];

    memcpy(head, k, 6); /* addr_type, addr_len, port_low, port_high */
    head[6] = (uint8_t)len;
    head[7] = 0;
    memcpy(p->w, head, sizeof head);
    for (unsigned i = 0; i < words; i++) {
        memcpy(&p->w[PACKED_HEAD_WORDS + i], k->addr_low + 4 * i, 4);
        memcpy(&p->w[PACKED_HEAD_WORDS + words + i], k->addr_high + 4 * i, 4);
    }
    p->words = PACKED_HEAD_WORDS + len / 2;
}

static const uint32_t *entry_key(const struct tp_entry *e) { return (const uint32_t *)(const void *)(e + 1); }

static unsigned entry_address_length(const struct tp_entry *e) { return ((const uint8_t *)entry_key(e))[6]; }

static unsigned entry_key_words(const struct tp_entry *e) { return PACKED_HEAD_WORDS + entry_address_length(e) / 2; }

/* Bytes of an entry with a packed key of |words| words, up to what it keeps
 * (8-aligned: a fixed part of 16 bytes, a key of 8 + 2L bytes). */
static size_t entry_head_size(unsigned words) { return sizeof(struct tp_entry) + 4 * words; }

static void *entry_tail(const struct tp_entry *e)
{
    return (char *)(uintptr_t)(const void *)e + entry_head_size(entry_key_words(e));
}

void tp_entry_key(const struct tp_entry *e, struct tp_key *out)
{
    const uint8_t *bytes = (const uint8_t *)entry_key(e);
    const unsigned len = entry_address_length(e);

    memset(out, 0, sizeof *out);
    memcpy(out, bytes, 6);
    memcpy(out->addr_low, bytes + 4 * PACKED_HEAD_WORDS, len);
    memcpy(out->addr_high, bytes + 4 * PACKED_HEAD_WORDS + len, len);
}

uint16_t tp_entry_port(const struct tp_entry *e, unsigned ep)
{
    const uint8_t *bytes = (const uint8_t *)entry_key(e);
    const bool low = (ep == 0) == e->ep0_is_low;
    uint16_t port;

    memcpy(&port, bytes + (low ? offsetof(struct tp_key, port_low) : offsetof(struct tp_key, port_high)), 2);
    return port;
}

static struct tp_conn *tracker_of(const struct tp_entry *e)
{
    return e->keeps == KEEPS_TRACKER ? (struct tp_conn *)entry_tail(e) : NULL;
}

const struct tp_conn *tp_entry_tracker(const struct tp_entry *e) { return tracker_of(e); }

static const struct tp_segment *first_syn(const struct tp_entry *e)
{
    return (const struct tp_segment *)entry_tail(e);
}

static void *table_alloc(const struct tp_table *t, size_t size)
{
    void *p = t->mem.alloc(t->mem.ctx, size);
    if (p)
        memset(p, 0, size);
    return p;
}

/* Gives up the SYN-only block |e|: kept as a spare for the next SYN-only
 * entry with a key as long, or released. */
static void spare_syn_block(struct tp_table *t, struct tp_entry *e)
{
    const unsigned i = entry_address_length(e) / 4;

    if (t->spare_count[i] >= SPARE_MAX) {
        t->mem.release(t->mem.ctx, e);
        return;
    }
    *(void **)(void *)e = t->spare[i];
    t->spare[i] = e;
    t->spare_count[i]++;
}

/* A block for a new entry of |size| bytes: a spare one for a SYN-only
 * entry (|syn_only|) whose packed address is |len| bytes, if any. */
static struct tp_entry *entry_block(struct tp_table *t, bool syn_only, unsigned len, size_t size)
{
    void *block = syn_only ? t->spare[len / 4] : NULL;

    if (!block)
        return (struct tp_entry *)t->mem.alloc(t->mem.ctx, size);
    t->spare[len / 4] = *(void **)block;
    t->spare_count[len / 4]--;
    return (struct tp_entry *)block;
}

static uint32_t key_hash(const uint32_t *words, unsigned count)
{
    /* FNV-1a over the packed key's words: cheap, and every byte counts. */
    uint32_t h = 2166136261u;

    for (unsigned i = 0; i < count; i++)
        h = (h ^ words[i]) * 16777619u;
    return h ^ (h >> 15);
}

/* Word by word, no memcmp call: every segment compares a key or two. The
 * second word holds the packed address length, so keys of other lengths
 * differ there. */
static bool key_equal(const struct tp_entry *e, const struct packed_key *p)
{
    const uint32_t *w = entry_key(e);
    uint32_t diff = (w[0] ^ p->w[0]) | (w[1] ^ p->w[1]);

    for (unsigned i = PACKED_HEAD_WORDS; diff == 0 && i < p->words; i++)
        diff |= w[i] ^ p->w[i];
    return diff == 0;
}

/* The entry in slot |i|, NULL if it is free. */
static struct tp_entry *slot_entry(const struct tp_table *t, uint32_t i)
{
    return t->slots[i] ? t->by_number[t->slots[i]] : NULL;
}

/* The slot of |key|: the one holding it, or the free one it would go in. */
static uint32_t find_slot(const struct tp_table *t, const struct packed_key *key)
{
    const uint32_t mask = t->slot_count - 1;
    uint32_t i = key_hash(key->w, key->words) & mask;

    while (t->slots[i] && !key_equal(t->by_number[t->slots[i]], key))
        i = (i + 1) & mask;
    return i;
}

/* The free slot for |e|, whose key no other slot holds (a table growing). */
static uint32_t free_slot(const struct tp_table *t, const struct tp_entry *e)
{
    const uint32_t mask = t->slot_count - 1;
    uint32_t i = key_hash(entry_key(e), entry_key_words(e)) & mask;

    while (t->slots[i])
        i = (i + 1) & mask;
    return i;
}

static bool grow_slots(struct tp_table *t)
{
    uint32_t *old = t->slots;
    const uint32_t old_count = t->slot_count;
    const uint32_t count = old_count ? old_count * 2 : 1024;
    uint32_t *slots = (uint32_t *)table_alloc(t, count * sizeof *slots);

    if (!slots)
        return false;
    t->slots = slots;
    t->slot_count = count;
    for (uint32_t i = 0; i < old_count; i++) {
        if (old[i])
            t->slots[free_slot(t, t->by_number[old[i]])] = old[i];
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
    for (uint32_t n = 1; n <= t->count; n++)
        t->mem.release(t->mem.ctx, t->by_number[n]);
    for (unsigned i = 0; i < sizeof t->spare / sizeof t->spare[0]; i++) {
        while (t->spare[i]) {
            void *next = *(void **)t->spare[i];
            t->mem.release(t->mem.ctx, t->spare[i]);
            t->spare[i] = next;
        }
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

const struct tp_entry *tp_table_latest(const struct tp_table *t, const struct tp_entry *e)
{
    while (e->newer)
        e = t->by_number[e->newer];
    return e;
}

/* A key whose two ends are the same address and port: a socket connected
 * to itself (issue 17 item 6). */
static bool key_is_self(const struct tp_key *k)
{
    return k->port_low == k->port_high && memcmp(k->addr_low, k->addr_high, sizeof k->addr_low) == 0;
}

/* Readies |c|, the tracker of |e|, for its first segment |first|. */
static void start_tracker(const struct tp_entry *e, struct tp_conn *c, const struct tp_segment *first)
{
    tp_conn_init(c, first, tp_entry_port(e, 0), tp_entry_port(e, 1));
    if (e->self_connect)
        tp_conn_set_self_connect(c);
}

/* The tracker of a connection with only its first segment, in |c|; that
 * segment's result in |r|. */
static void replay_first(const struct tp_table *t, const struct tp_entry *e, struct tp_conn *c,
                         struct tp_result *r)
{
    start_tracker(e, c, first_syn(e));
    tp_process(c, t->cfg, first_syn(e), r);
}

/* replay_first without its result: a copy of the tracker kept for |e|, if
 * it is the one kept, else the SYN replayed. */
static void replay_tracker(const struct tp_table *t, const struct tp_entry *e, struct tp_conn *c)
{
    struct tp_result ignored;

    if (t->replayed_number == e->number && tp_table_keeps_replayed_syn)
        *c = t->replayed;
    else
        replay_first(t, e, c, &ignored);
}

const struct tp_conn *tp_table_view(const struct tp_table *t, const struct tp_entry *e, struct tp_conn *storage)
{
    const struct tp_conn *tracker = tracker_of(e);

    if (tracker)
        return tracker;
    replay_tracker(t, e, storage);
    return storage;
}

/* A new incarnation of |key| (packed: |packed|), after |older| if the
 * 4-tuple had one. One allocation with what it keeps: its tracker, or only
 * its first SYN. */
static struct tp_entry *new_entry(struct tp_table *t, const struct tp_key *key, const struct packed_key *packed,
                                  bool sender_is_low, uint32_t hint, struct tp_entry *older,
                                  const struct tp_segment *s)
{
    const size_t head = entry_head_size(packed->words);
    const bool syn_only = tp_segment_event(s->flags) == TP_EV_SYN;
    struct tp_entry *e;

    if (t->used * 2 >= t->slot_count && !grow_slots(t))
        return NULL;
    /* not cleared whole: what follows the head is set below (the SYN
     * copied, or the tracker cleared by tp_conn_init) */
    e = entry_block(t, syn_only, 2 * (packed->words - PACKED_HEAD_WORDS),
                    head + (syn_only ? sizeof(struct tp_segment) : sizeof(struct tp_conn)));
    if (!e)
        return NULL;
    memset(e, 0, head);
    memcpy(e + 1, packed->w, 4 * packed->words);
    e->keeps = syn_only ? KEEPS_SYN : KEEPS_TRACKER;
    e->number = t->count + 1;
    if (!set_number(t, e)) {
        t->mem.release(t->mem.ctx, e);
        return NULL;
    }
    t->count++;
    /* the 4-tuple's slot names its latest incarnation */
    const uint32_t slot = find_slot(t, packed);
    if (!t->slots[slot])
        t->used++;
    t->slots[slot] = e->number;
    if (older)
        older->newer = e->number;
    e->hint = hint;
    e->ep0_is_low = sender_is_low;
    e->self_connect = key_is_self(key);
    struct tp_segment first = *s;
    first.from = 0;
    if (syn_only)
        *(struct tp_segment *)entry_tail(e) = first;
    else
        start_tracker(e, tracker_of(e), &first);
    return e;
}

/* Feeds |s| to *|e|, describes it in |out| and returns the tracker after it;
 * *|outcome_kept| says whether the connection's outcome certainly stayed
 * (tp_process). |view|, if not NULL, is the entry's tracker as
 * tp_table_view made it for this segment (a SYN again on a SYN-only
 * connection): copied, not replayed. The second segment of a SYN-only
 * entry makes its tracker for good: the entry moves to a block of its head,
 * key and tracker (*|e| is then that block; by_number names it, and the
 * hash slots name its number) and the old block is released. */
static const struct tp_conn *process(struct tp_table *t, struct tp_entry **e, const struct tp_segment *s,
                                     const struct tp_conn *view, struct tp_conn *storage, struct tp_result *out,
                                     bool *outcome_kept)
{
    struct tp_entry *syn_only = *e;

    *outcome_kept = false;
    if (syn_only->keeps == KEEPS_SYN) {
        if (!syn_only->processed) { /* its first SYN: described, its tracker kept aside */
            replay_first(t, syn_only, &t->replayed, out);
            t->replayed_number = syn_only->number;
            return &t->replayed;
        }
        const size_t head = entry_head_size(entry_key_words(syn_only));
        /* not cleared: the head is copied, tp_conn_init clears the tracker,
         * or the view is copied whole */
        struct tp_entry *moved = (struct tp_entry *)t->mem.alloc(t->mem.ctx, head + sizeof(struct tp_conn));
        /* no memory: the segment is described in |storage|, nothing kept */
        struct tp_conn *tracker = moved ? (struct tp_conn *)(void *)((char *)moved + head) : storage;
        if (view)
            *tracker = *view;
        else /* the SYN's tracker, for the last time */
            replay_tracker(t, syn_only, tracker);
        if (!moved) {
            tp_process(storage, t->cfg, s, out);
            return storage;
        }
        memcpy(moved, syn_only, head);
        moved->keeps = KEEPS_TRACKER;
        t->by_number[moved->number] = moved;
        spare_syn_block(t, syn_only);
        *e = moved;
    }
    struct tp_conn *tracker = tracker_of(*e);
    *outcome_kept = tp_process(tracker, t->cfg, s, out);
    return tracker;
}

/* Whether |e|'s key is the 4-tuple of |ends|, compared with its packed form
 * in place (no key built and packed: the steady lane's every segment), and
 * which end sent: *|sender_is_low|. Only for a key that packs its addresses
 * whole (not every trailing word of both zero: pack_key drops those). */
static bool entry_has_ends(const struct tp_entry *e, const struct tp_ends *ends, bool *sender_is_low)
{
    const uint32_t *w = entry_key(e);
    const unsigned words = ends->addr_len / 4;
    uint8_t head[4 * PACKED_HEAD_WORDS];
    uint16_t port_low, port_high;
    uint32_t low_is_src = 0, low_is_dst = 0;

    memcpy(head, w, sizeof head);
    if ((ends->addr_len != 4 && ends->addr_len != TP_KEY_ADDR_MAX) || head[0] != ends->addr_type ||
        head[1] != ends->addr_len || head[6] != ends->addr_len)
        return false;
    memcpy(&port_low, head + 2, sizeof port_low);
    memcpy(&port_high, head + 4, sizeof port_high);
    for (unsigned i = 0; i < words; i++) {
        uint32_t src, dst;
        memcpy(&src, ends->src + 4 * i, 4);
        memcpy(&dst, ends->dst + 4 * i, 4);
        low_is_src |= (w[PACKED_HEAD_WORDS + i] ^ src) | (w[PACKED_HEAD_WORDS + words + i] ^ dst);
        low_is_dst |= (w[PACKED_HEAD_WORDS + i] ^ dst) | (w[PACKED_HEAD_WORDS + words + i] ^ src);
    }
    /* both hold only for identical ends (a self-connect): the sender is
     * then the low end, as the caller's key would say */
    if (low_is_src == 0 && ends->sport == port_low && ends->dport == port_high)
        *sender_is_low = true;
    else if (low_is_dst == 0 && ends->dport == port_low && ends->sport == port_high)
        *sender_is_low = false;
    else
        return false;
    return true;
}

const struct tp_conn *tp_table_step_steady(struct tp_table *t, uint32_t likely, const struct tp_ends *ends,
                                           struct tp_segment *s, struct tp_record *rec)
{
    bool sender_is_low, outcome_kept;

    /* what tp_table_step would find through |likely|, when it is the
     * newest incarnation of its key and has a tracker of its own */
    if (likely < 1 || likely > t->count)
        return NULL;
    struct tp_entry *entry = t->by_number[likely];
    struct tp_conn *tracker = tracker_of(entry);
    if (!tracker || entry->newer || !entry->processed || !tp_conn_may_be_steady(tracker) ||
        !entry_has_ends(entry, ends, &sender_is_low))
        return NULL;
    s->from = (uint8_t)(sender_is_low != entry->ep0_is_low);
    const uint8_t outcome_before = entry->outcome;
    if (!tp_step_if_steady(tracker, s, &outcome_kept))
        return NULL;
    if (!outcome_kept)
        entry->outcome = (uint8_t)tp_conn_outcome(tracker);
    tp_record_steady(entry->number, s->len > 0, s->from != tracker->client, outcome_before, entry->outcome, rec);
    return tracker;
}

const struct tp_conn *tp_table_step(struct tp_table *t, const struct tp_key *key, bool sender_is_low,
                                    uint32_t hint, uint32_t likely,
                                    const struct tp_segment *s, struct tp_conn *storage, struct tp_step *out)
{
    struct tp_entry *entry = NULL, *old = NULL;
    struct tp_segment seg = *s;
    struct tp_conn old_view;
    const struct tp_conn *view = NULL; /* |entry|'s tracker, made for a SYN */
    struct packed_key packed;

    pack_key(key, &packed);
    if (likely >= 1 && likely <= t->count) {
        const struct tp_entry *latest = tp_table_latest(t, t->by_number[likely]);
        if (key_equal(latest, &packed))
            entry = t->by_number[latest->number];
    }
    if (!entry)
        entry = slot_entry(t, find_slot(t, &packed));

    seg.from = entry ? (uint8_t)(sender_is_low != entry->ep0_is_low) : 0;
    const uint8_t old_from = seg.from;
    /* only a bare SYN starts a new incarnation: no view (for a SYN-only
     * entry, its SYN replayed) for any other segment */
    if (entry && tp_segment_event(seg.flags) == TP_EV_SYN) {
        view = tp_table_view(t, entry, &old_view);
        if (tp_starts_new_incarnation(view, &seg))
            old = entry;
    }
    if (!entry || old) {
        entry = new_entry(t, key, &packed, sender_is_low, hint, old, &seg);
        seg.from = 0;
    }
    if (!entry) { /* out of memory: the segment stays unlabelled */
        memset(out, 0, sizeof *out);
        return NULL;
    }

    struct tp_verdict *v = &out->verdict;
    v->conn = entry->number;
    v->outcome_before = entry->processed ? entry->outcome : TP_OUTCOME_NONE;
    /* the view of a SYN-only entry, made above, is not made again; the
     * entry may move (a SYN-only one's second segment) */
    bool outcome_kept;
    const struct tp_conn *after = process(t, &entry, &seg, !old && view == &old_view && entry->processed ? view : NULL,
                                          storage, &v->result, &outcome_kept);
    /* the entry keeps the outcome after its latest segment: most segments
     * leave it as it was */
    if (!outcome_kept || !entry->processed)
        entry->outcome = (uint8_t)tp_conn_outcome(after);
    entry->processed = true;
    v->outcome_after = entry->outcome;
    out->entry = entry;
    if (old)
        tp_check_reuse(tp_table_view(t, old, &old_view), t->cfg, old_from, old->number, &seg, &v->result);
    return after;
}
