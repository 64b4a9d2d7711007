/* pd_run: plays a packetdrill script against one simulated host. The host runs synack's
 * TCP model with the Linux profile; the script's peer is the runner itself: inbound
 * packets (`<`) are handed to the host at their times, each outbound line (`>`) consumes
 * the next segment the host sends and checks its flags, its seq and ack relative to the
 * live initial sequence numbers, its length and its time within the tolerance. System
 * calls act on socket-like descriptors over the TCP API and their results and errnos
 * are checked; a blocking call completes when the model lets it, and must return at the
 * end of its window. As packetdrill does:
 *   - relative times count from the previous event's script time, except after an
 *     outbound packet matched under `*` or `~`, which counts from when it came;
 *   - back-to-back segments sent at one instant are matched as one when a line expects
 *     more bytes than the first carries (a TSO stack sends one; the model sends MSS
 *     pieces);
 *   - TCP options and the window of outbound packets are not compared (the model sends
 *     only MSS and window scale); inbound `win` is scaled by the peer's `wscale` once
 *     both SYNs carried the option (RFC 7323);
 *   - segments left unread when the script ends are not checked.
 * What the runner cannot honour (an unknown system call, option, shell command or
 * sysctl, a Python statement other than an assertion on tcpi_state / tcpi_options) is an
 * error, never a pass. */
#pragma once

#include <glib.h>
#include "pd_script.h"
#include "sim_log.h"

G_BEGIN_DECLS

typedef struct {
  gboolean passed;      /* the script ran as written (or, for a negative test, failed
                         * where and how it says it must) */
  gboolean negative;    /* the script is a negative test ("// Failure: ...") */
  char *failure;        /* "PATH:LINE: ..." of the first mismatch; NULL if none */
  SimTime sim_end;      /* simulated time when the script ended or failed */
} PdResult;

/* Runs @script, logging the model's events to @log (NULL: silent). Returns FALSE with @error (SIM_ERROR_INVALID / SIM_ERROR_UNKNOWN_KEY,
 * "PATH:LINE: ...") when the script asks for what the runner cannot do; otherwise fills
 * @result (to be cleared with pd_result_clear). */
gboolean pd_run(const PdScript *script, SimLog *log, PdResult *result, GError **error);
void pd_result_clear(PdResult *result);

G_END_DECLS
