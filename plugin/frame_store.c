/* Per-frame records (tcpphase/record.h) in a two-level table: a directory of
 * chunks of CHUNK_FRAMES records, a chunk allocated when its first TCP frame
 * comes. A frame number is all it takes to find a record: no per-frame list
 * nodes (p_add_proto_data costs about 100 bytes a frame, this 16). */
#include "frame_store.h"

#include <epan/wmem_scopes.h>
#include <stddef.h>
#include <string.h>

#define CHUNK_BITS 12
#define CHUNK_FRAMES (1u << CHUNK_BITS)

static struct tp_record **chunks; /* directory, by frame >> CHUNK_BITS */
static uint32_t chunk_capacity;   /* entries of the directory */
static wmem_map_t *anomalies;     /* record address -> struct tp_record_anomalies (hits trimmed) */
static wmem_map_t *upper_layers;  /* frame -> struct tp_record[FRAME_STORE_MAX_LAYERS - 1] */

void frame_store_reset(void)
{
    chunks = NULL;
    chunk_capacity = 0;
    anomalies = NULL;
    upper_layers = NULL;
}

/* A record of a tunnelled frame's inner TCP layer |layer| (> 0): in a map
 * by frame, few frames have one. */
static struct tp_record *find_upper_record(uint32_t frame, unsigned layer, bool create)
{
    struct tp_record *more;

    if (!upper_layers) {
        if (!create)
            return NULL;
        upper_layers = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    }
    more = (struct tp_record *)wmem_map_lookup(upper_layers, GUINT_TO_POINTER(frame));
    if (!more && create) {
        more = wmem_alloc0_array(wmem_file_scope(), struct tp_record, FRAME_STORE_MAX_LAYERS - 1);
        wmem_map_insert(upper_layers, GUINT_TO_POINTER(frame), more);
    }
    return more ? &more[layer - 1] : NULL;
}

/* The chunk of |frame|'s first layer, made (the directory grown) if |create|. */
static struct tp_record *find_chunk(uint32_t chunk, bool create)
{
    if (chunk >= chunk_capacity) {
        if (!create)
            return NULL;
        uint32_t capacity = chunk_capacity ? chunk_capacity : 64;
        while (capacity <= chunk)
            capacity *= 2;
        chunks = (struct tp_record **)wmem_realloc(wmem_file_scope(), chunks, capacity * sizeof *chunks);
        memset(chunks + chunk_capacity, 0, (capacity - chunk_capacity) * sizeof *chunks);
        chunk_capacity = capacity;
    }
    if (!chunks[chunk] && create)
        chunks[chunk] = wmem_alloc0_array(wmem_file_scope(), struct tp_record, CHUNK_FRAMES);
    return chunks[chunk];
}

/* Every segment's put and every replay's get: the first layer of a frame
 * whose chunk exists is one index, inline; the rest out of line. */
static inline struct tp_record *find_record(uint32_t frame, unsigned layer, bool create)
{
    const uint32_t chunk = frame >> CHUNK_BITS;
    struct tp_record *records;

    if (layer > 0)
        return find_upper_record(frame, layer, create);
    records = chunk < chunk_capacity && chunks[chunk] ? chunks[chunk] : find_chunk(chunk, create);
    return records ? &records[frame & (CHUNK_FRAMES - 1)] : NULL;
}

/* |rec| filled from the stored |kept| and its anomalies |found| (NULL: none). */
static bool read_back(const struct tp_record *kept, const struct tp_record_anomalies *found, struct tp_step *rec)
{
    if (!tp_record_decode(kept, found, &rec->verdict))
        return false;
    rec->entry = conn_table_by_number(rec->verdict.conn);
    return true;
}

void frame_store_keep(uint32_t frame, unsigned layer, const struct tp_step *kept)
{
    struct tp_record *rec = find_record(frame, layer, true);
    struct tp_record_anomalies found;

    if (tp_record_encode(&kept->verdict, rec, &found)) {
        const size_t size = offsetof(struct tp_record_anomalies, hits) + found.hit_count * sizeof found.hits[0];
        struct tp_record_anomalies *copy = (struct tp_record_anomalies *)wmem_alloc(wmem_file_scope(), size);
        memcpy(copy, &found, size);
        if (!anomalies)
            anomalies = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
        wmem_map_insert(anomalies, rec, copy);
    }
}

void frame_store_keep_record(uint32_t frame, unsigned layer, const struct tp_record *rec)
{
    *find_record(frame, layer, true) = *rec;
}

bool frame_store_get(uint32_t frame, unsigned layer, struct tp_step *out)
{
    const struct tp_record *rec = find_record(frame, layer, false);

    if (!rec)
        return false;
    return read_back(rec, tp_record_has_anomalies(rec) ?
                     (const struct tp_record_anomalies *)wmem_map_lookup(anomalies, rec) : NULL, out);
}
