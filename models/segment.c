/* segment: the per-run segment pool. */
#include "segment.h"

#include <string.h>

#define SEGS_PER_SLAB 512

void
seg_pool_init(SegPool *pool)
{
  memset(pool, 0, sizeof *pool);
  pool->slabs = g_ptr_array_new_with_free_func(g_free);
}

void
seg_pool_clear(SegPool *pool)
{
  if (pool->slabs)
    g_ptr_array_free(pool->slabs, TRUE);
  memset(pool, 0, sizeof *pool);
}

Segment *
seg_new(SegPool *pool)
{
  Segment *s = pool->free;
  if (G_UNLIKELY(s == NULL)) {
    Segment *slab = g_new(Segment, SEGS_PER_SLAB);
    g_ptr_array_add(pool->slabs, slab);
    for (int i = SEGS_PER_SLAB - 1; i >= 0; i--) {
      slab[i].next = pool->free;
      pool->free = &slab[i];
    }
    s = pool->free;
  }
  pool->free = s->next;
  memset(s, 0, sizeof *s);
  pool->live++;
  pool->allocated++;
  return s;
}

Segment *
seg_clone(SegPool *pool, const Segment *seg)
{
  Segment *c = seg_new(pool);
  *c = *seg;
  c->next = NULL;
  return c;
}

void
seg_free(SegPool *pool, Segment *seg)
{
  g_assert(pool->live > 0);
  seg->next = pool->free;
  pool->free = seg;
  pool->live--;
}

const char *
seg_flags_str(uint8_t flags, char *buf)
{
  char *p = buf;
  if (flags & TCP_SYN) *p++ = 'S';
  if (flags & TCP_FIN) *p++ = 'F';
  if (flags & TCP_RST) *p++ = 'R';
  if (flags & TCP_PSH) *p++ = 'P';
  if (flags & TCP_ACK) *p++ = '.';
  if (p == buf) *p++ = '-';
  *p = '\0';
  return buf;
}
