/* exp_pcap: segments as a pcap capture (exp_pcap.h). */
#include "exp_pcap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim_error.h"

struct ExpPcap {
  pcap_t *dead;
  pcap_dumper_t *dump;
  char *path, *tmp;
  uint16_t ip_id;
  GHashTable *shift;      /* flow "src:sport>dst:dport" -> announced shift + 1 (0: none) */
  uint8_t *buf;
  size_t cap;
};

static void
put16(uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
  put16(p, (uint16_t)(v >> 16));
  put16(p + 2, (uint16_t)v);
}

/* RFC 1071: the ones' complement of the ones' complement sum of 16-bit words. */
static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t n)
{
  for (size_t i = 0; i + 1 < n; i += 2)
    sum += (uint32_t)p[i] << 8 | p[i + 1];
  if (n & 1)
    sum += (uint32_t)p[n - 1] << 8;
  return sum;
}

static uint16_t
fold(uint32_t sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static size_t
tcp_header_len(const Segment *seg)
{
  return 20u + (seg->mss ? 4u : 0u) + (seg->wscale ? 4u : 0u);
}

size_t
exp_pcap_frame_len(const Segment *seg)
{
  return 20u + tcp_header_len(seg) + seg->len;
}

size_t
exp_pcap_frame(const Segment *seg, uint16_t window, uint16_t ip_id, uint8_t *buf)
{
  size_t thl = tcp_header_len(seg), total = exp_pcap_frame_len(seg);
  memset(buf, 0, total);
  /* IPv4 (RFC 791): version 4, 5 words, DF, TTL 64, protocol 6 */
  uint8_t *ip = buf;
  ip[0] = 0x45;
  put16(ip + 2, (uint16_t)total);
  put16(ip + 4, ip_id);
  put16(ip + 6, 0x4000);
  ip[8] = 64;
  ip[9] = 6;
  put32(ip + 12, seg->src);
  put32(ip + 16, seg->dst);
  put16(ip + 10, fold(sum16(0, ip, 20)));
  /* TCP (RFC 9293 §3.1) */
  uint8_t *tcp = buf + 20;
  put16(tcp, seg->sport);
  put16(tcp + 2, seg->dport);
  put32(tcp + 4, seg->seq);
  put32(tcp + 8, seg->ack);
  tcp[12] = (uint8_t)((thl / 4) << 4);
  tcp[13] = seg->flags;
  put16(tcp + 14, window);
  uint8_t *opt = tcp + 20;
  if (seg->mss) {
    opt[0] = 2;                         /* MSS, RFC 9293 §3.2 */
    opt[1] = 4;
    put16(opt + 2, seg->mss);
    opt += 4;
  }
  if (seg->wscale) {
    opt[0] = 1;                         /* NOP, then window scale (RFC 7323 §2.2) */
    opt[1] = 3;
    opt[2] = 3;
    opt[3] = (uint8_t)seg_wscale(seg);
  }
  /* the pseudo-header: source, destination, zero, protocol, TCP length */
  uint32_t sum = sum16(0, ip + 12, 8);
  sum += 6u + (uint32_t)(thl + seg->len);
  put16(tcp + 16, fold(sum16(sum, tcp, thl)));   /* the zeroed payload adds nothing */
  return total;
}

ExpPcap *
exp_pcap_open(const char *path, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  g_autofree char *dir = g_path_get_dirname(path), *base = g_path_get_basename(path);
  g_autofree char *tmpl = g_strdup_printf("%s/.%s.partial-XXXXXX", dir, base);
  int fd = g_mkstemp(tmpl);
  if (fd < 0) {
    int err = errno;
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot write '%s': %s", path,
                g_strerror(err));
    return NULL;
  }
  fchmod(fd, 0644);                 /* as other output files, not mkstemp's 0600 */
  FILE *f = fdopen(fd, "wb");
  pcap_t *dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, 65535,
                                                      PCAP_TSTAMP_PRECISION_NANO);
  pcap_dumper_t *dump = (f && dead) ? pcap_dump_fopen(dead, f) : NULL;
  if (dump == NULL) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot write '%s': %s", path,
                dead ? pcap_geterr(dead) : "libpcap cannot make a capture");
    if (f)
      fclose(f);
    else
      close(fd);
    if (dead)
      pcap_close(dead);
    g_unlink(tmpl);
    return NULL;
  }
  ExpPcap *p = g_new0(ExpPcap, 1);
  p->dead = dead;
  p->dump = dump;
  p->path = g_strdup(path);
  p->tmp = g_steal_pointer(&tmpl);
  p->ip_id = 1;
  p->shift = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  return p;
}

static char *
flow_key(NetAddr a, uint16_t ap, NetAddr b, uint16_t bp)
{
  return g_strdup_printf("%u:%u>%u:%u", a, ap, b, bp);
}

/* The window field of @seg: scaled once both ends announced scaling on their SYNs. */
static uint16_t
window_field(ExpPcap *p, const Segment *seg)
{
  if (seg->flags & TCP_SYN) {
    g_hash_table_insert(p->shift, flow_key(seg->src, seg->sport, seg->dst, seg->dport),
                        GUINT_TO_POINTER((guint)seg->wscale));
    return (uint16_t)MIN(seg->wnd, 65535u);
  }
  g_autofree char *mine = flow_key(seg->src, seg->sport, seg->dst, seg->dport);
  g_autofree char *theirs = flow_key(seg->dst, seg->dport, seg->src, seg->sport);
  guint own = GPOINTER_TO_UINT(g_hash_table_lookup(p->shift, mine));
  guint peer = GPOINTER_TO_UINT(g_hash_table_lookup(p->shift, theirs));
  uint32_t w = (own && peer) ? seg->wnd >> (own - 1) : seg->wnd;
  return (uint16_t)MIN(w, 65535u);
}

void
exp_pcap_add(ExpPcap *p, SimTime time, const Segment *seg)
{
  g_return_if_fail(p != NULL && seg != NULL && time >= 0);
  size_t n = exp_pcap_frame_len(seg);
  if (n > p->cap) {
    p->cap = MAX(n, 2 * p->cap);
    p->buf = g_realloc(p->buf, p->cap);
  }
  exp_pcap_frame(seg, window_field(p, seg), p->ip_id++, p->buf);
  struct pcap_pkthdr h = { 0 };
  h.ts.tv_sec = (time_t)(time / SIM_S);
  h.ts.tv_usec = (suseconds_t)(time % SIM_S);   /* nanoseconds: a nanosecond capture */
  h.caplen = h.len = (bpf_u_int32)n;
  pcap_dump((u_char *)p->dump, &h, p->buf);
}

static void
pcap_free(ExpPcap *p)
{
  g_hash_table_destroy(p->shift);
  g_free(p->buf);
  g_free(p->path);
  g_free(p->tmp);
  g_free(p);
}

gboolean
exp_pcap_close(ExpPcap *p, GError **error)
{
  g_return_val_if_fail(p != NULL, FALSE);
  gboolean ok = pcap_dump_flush(p->dump) == 0 && !ferror(pcap_dump_file(p->dump));
  pcap_dump_close(p->dump);
  pcap_close(p->dead);
  if (ok && g_rename(p->tmp, p->path) != 0)
    ok = FALSE;
  if (!ok) {
    int err = errno;
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "cannot write '%s': %s", p->path,
                g_strerror(err));
    g_unlink(p->tmp);
  }
  pcap_free(p);
  return ok;
}

void
exp_pcap_discard(ExpPcap *p)
{
  if (p == NULL)
    return;
  pcap_dump_close(p->dump);
  pcap_close(p->dead);
  g_unlink(p->tmp);
  pcap_free(p);
}
