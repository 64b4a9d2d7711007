/* Tests for models/segment.c: the pool, clones, sequence-space length, flag text. */
#include "test_util.h"
#include "segment.h"

static void
pool_counts_live_segments_and_reuses_them(void)
{
  SegPool pool;
  seg_pool_init(&pool);
  Segment *a = seg_new(&pool);
  Segment *b = seg_new(&pool);
  CU_ASSERT_EQUAL(pool.live, 2);
  CU_ASSERT_PTR_NOT_EQUAL(a, b);
  a->seq = 77;
  seg_free(&pool, a);
  CU_ASSERT_EQUAL(pool.live, 1);
  Segment *c = seg_new(&pool);
  CU_ASSERT_PTR_EQUAL(c, a);          /* last freed is handed out first */
  CU_ASSERT_EQUAL(c->seq, 0);         /* and comes back zeroed */
  seg_free(&pool, b);
  seg_free(&pool, c);
  CU_ASSERT_EQUAL(pool.live, 0);
  CU_ASSERT_EQUAL(pool.allocated, 3);
  /* many more than one slab */
  GPtrArray *many = g_ptr_array_new();
  for (int i = 0; i < 2000; i++)
    g_ptr_array_add(many, seg_new(&pool));
  CU_ASSERT_EQUAL(pool.live, 2000);
  for (guint i = 0; i < many->len; i++)
    seg_free(&pool, many->pdata[i]);
  CU_ASSERT_EQUAL(pool.live, 0);
  g_ptr_array_free(many, TRUE);
  seg_pool_clear(&pool);
}

static void
clone_copies_every_field_including_oracles(void)
{
  SegPool pool;
  seg_pool_init(&pool);
  Segment *s = seg_new(&pool);
  *s = (Segment){ .src = 1, .dst = 2, .sport = 3, .dport = 4, .seq = 5, .ack = 6, .wnd = 7,
                  .len = 8, .mss = 9, .flags = TCP_SYN | TCP_ACK, .dup = 0,
                  .incarnation = 10, .birth = 11 };
  Segment *c = seg_clone(&pool, s);
  CU_ASSERT_EQUAL(c->src, 1);
  CU_ASSERT_EQUAL(c->dport, 4);
  CU_ASSERT_EQUAL(c->ack, 6);
  CU_ASSERT_EQUAL(c->wnd, 7);
  CU_ASSERT_EQUAL(c->mss, 9);
  CU_ASSERT_EQUAL(c->flags, TCP_SYN | TCP_ACK);
  CU_ASSERT_EQUAL(c->incarnation, 10);
  CU_ASSERT_EQUAL(c->birth, 11);
  CU_ASSERT_PTR_NULL(c->next);
  seg_free(&pool, s);
  seg_free(&pool, c);
  seg_pool_clear(&pool);
}

static void
syn_and_fin_each_take_one_sequence_number(void)
{
  Segment s = { .len = 100 };
  CU_ASSERT_EQUAL(seg_seq_len(&s), 100);
  s.flags = TCP_SYN;
  CU_ASSERT_EQUAL(seg_seq_len(&s), 101);
  s.flags = TCP_SYN | TCP_FIN;
  CU_ASSERT_EQUAL(seg_seq_len(&s), 102);
  s.flags = TCP_ACK | TCP_RST;
  CU_ASSERT_EQUAL(seg_seq_len(&s), 100);
  s.len = 0;
  CU_ASSERT_EQUAL(seg_wire_bytes(&s), 40);
  s.mss = 1460;
  s.len = 10;
  CU_ASSERT_EQUAL(seg_wire_bytes(&s), 54);
}

static void
flags_print_as_tcpdump_writes_them(void)
{
  char buf[8];
  CU_ASSERT_STRING_EQUAL(seg_flags_str(TCP_SYN, buf), "S");
  CU_ASSERT_STRING_EQUAL(seg_flags_str(TCP_SYN | TCP_ACK, buf), "S.");
  CU_ASSERT_STRING_EQUAL(seg_flags_str(TCP_FIN | TCP_ACK, buf), "F.");
  CU_ASSERT_STRING_EQUAL(seg_flags_str(TCP_FIN | TCP_PSH | TCP_ACK, buf), "FP.");
  CU_ASSERT_STRING_EQUAL(seg_flags_str(TCP_RST, buf), "R");
  CU_ASSERT_STRING_EQUAL(seg_flags_str(TCP_RST | TCP_ACK, buf), "R.");
  CU_ASSERT_STRING_EQUAL(seg_flags_str(TCP_ACK, buf), ".");
  CU_ASSERT_STRING_EQUAL(seg_flags_str(0, buf), "-");
}

void test_segment_register(void);
void
test_segment_register(void)
{
  static const CU_TestInfo tests[] = {
    { "pool_counts_live_segments_and_reuses_them", pool_counts_live_segments_and_reuses_them },
    { "clone_copies_every_field_including_oracles", clone_copies_every_field_including_oracles },
    { "syn_and_fin_each_take_one_sequence_number", syn_and_fin_each_take_one_sequence_number },
    { "flags_print_as_tcpdump_writes_them", flags_print_as_tcpdump_writes_them },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("segment", tests);
}
