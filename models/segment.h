/* segment: a TCP segment in flight, and the per-run pool it comes from.
 * The struct is visible because every layer touches it on the hot path. Payload bytes
 * are not stored, only their count. Three oracle fields ride along that the protocol
 * never reads: the incarnation of the connection that sent it, its birth time and
 * whether the network duplicated it; the links use birth to enforce the maximum segment
 * lifetime and the metrics use incarnation to catch stale segments accepted by a newer
 * connection on the same 4-tuple. */
#pragma once

#include <stdint.h>
#include <glib.h>
#include "sim_time.h"

G_BEGIN_DECLS

typedef uint32_t NetAddr;

/* TCP header flags (RFC 9293 §3.1); the values of the header's bits. */
enum {
  TCP_FIN = 0x01,
  TCP_SYN = 0x02,
  TCP_RST = 0x04,
  TCP_PSH = 0x08,
  TCP_ACK = 0x10,
};

typedef struct Segment {
  struct Segment *next;   /* free list, or a queue the segment sits in */
  NetAddr src, dst;
  uint16_t sport, dport;
  uint32_t seq, ack;
  uint32_t wnd;           /* advertised window in bytes (any scaling already applied) */
  uint32_t len;           /* payload bytes */
  uint16_t mss;           /* MSS option (SYN only); 0: absent */
  uint8_t flags;          /* TCP_* */
  uint8_t dup;            /* oracle: a copy made by a link */
  uint8_t wscale;         /* window-scale option (SYN only): shift + 1; 0: absent */
  uint64_t incarnation;   /* oracle: id of the sending connection (0: none, e.g. a RST
                           * from a closed port) */
  SimTime birth;          /* oracle: when the sender handed it to the network */
} Segment;

/* Per-run pool: segments come from slabs and return to a free list; @live counts the
 * segments handed out and not yet returned (tests require 0 at the end of a run). */
typedef struct {
  Segment *free;
  GPtrArray *slabs;
  uint64_t live;
  uint64_t allocated;     /* ever handed out */
} SegPool;

void seg_pool_init(SegPool *pool);
/* Frees the slabs. Segments still live are reclaimed with them. */
void seg_pool_clear(SegPool *pool);

/* A zeroed segment. */
Segment *seg_new(SegPool *pool);
/* A copy of @seg (all fields, oracles included). */
Segment *seg_clone(SegPool *pool, const Segment *seg);
void seg_free(SegPool *pool, Segment *seg);

/* Sequence space occupied: payload + 1 for SYN + 1 for FIN (RFC 9293 §3.4). */
static inline uint32_t
seg_seq_len(const Segment *s)
{
  return s->len + ((s->flags & TCP_SYN) != 0) + ((s->flags & TCP_FIN) != 0);
}

/* Bytes on the wire: 20 (IPv4) + 20 (TCP) + 4 with an MSS option + 4 with a window
 * scale option (3 and a NOP) + payload. */
static inline uint32_t
seg_wire_bytes(const Segment *s)
{
  return 40u + (s->mss ? 4u : 0u) + (s->wscale ? 4u : 0u) + s->len;
}

/* RFC 7323 §2.2: the shift a SYN announces, or -1 without the option. */
static inline int
seg_wscale(const Segment *s)
{
  return (int)s->wscale - 1;
}

static inline void
seg_set_wscale(Segment *s, int shift)
{
  s->wscale = shift < 0 ? 0 : (uint8_t)(MIN(shift, 14) + 1);
}

/* "S.", "F.", "R", "P.", "." ... as packetdrill and tcpdump write flags. @buf >= 8. */
const char *seg_flags_str(uint8_t flags, char *buf);

G_END_DECLS
