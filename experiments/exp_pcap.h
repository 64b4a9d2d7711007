/* exp_pcap: segments as a standard pcap capture (libpcap's dump API): raw IPv4 frames
 * (link type RAW) with nanosecond timestamps, each an IPv4 header and a TCP header with
 * the segment's options (MSS, window scale), correct lengths and checksums, and the
 * payload zero-filled (the model counts bytes, it does not carry them). The simulated
 * clock is the capture's: time 0 is 1970-01-01 00:00:00 UTC.
 *
 * The window field is what the wire would carry: once both ends of a flow have
 * announced window scaling on their SYNs, a segment's window is divided by its sender's
 * announced shift (as tshark expects, so that it shows the window the model used). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "segment.h"

G_BEGIN_DECLS

typedef struct ExpPcap ExpPcap;

/* Starts a capture that exp_pcap_close writes to @path: the file appears under its name
 * only when complete (written beside it, then renamed). NULL with @error if the
 * temporary file cannot be made. */
ExpPcap *exp_pcap_open(const char *path, GError **error);
/* Adds @seg as seen at @time. */
void exp_pcap_add(ExpPcap *p, SimTime time, const Segment *seg);
/* Finishes the file and frees @p; FALSE with @error (and no file at the path) if any
 * write failed. */
gboolean exp_pcap_close(ExpPcap *p, GError **error);
/* Frees @p without writing anything at its path. */
void exp_pcap_discard(ExpPcap *p);

/* The frame of @seg (IPv4 + TCP headers + zeroed payload) into @buf, which must hold
 * exp_pcap_frame_len(@seg) bytes; @window is the 16-bit window field, @ip_id the IPv4
 * identification. Returns the length written. */
size_t exp_pcap_frame_len(const Segment *seg);
size_t exp_pcap_frame(const Segment *seg, uint16_t window, uint16_t ip_id, uint8_t *buf);

G_END_DECLS
