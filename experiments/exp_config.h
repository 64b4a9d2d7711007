/* exp_config: the keys of an experiment file and how they become model settings.
 *
 * Sections: [experiment] [topology] [link] [tcp] [client] [server] [flooder] [metrics] [trace]
 * [verdict], and families whose settings fall back on a wider section:
 *   [link.access] [link.bottleneck]            fall back on [link]
 *   [link.ROLE.up] [link.ROLE.down]            fall back on [link.ROLE], then [link]
 *   [tcp.client] [tcp.server]                  fall back on [tcp]
 *   [variant.NAME]                             keys "section.key" overriding the rest
 * and [sweep], whose keys "section.key" are swept over values (exp_sweep.h).
 * ("up" is the direction toward the servers.) TCP settings start from [tcp] preset
 * (linux or rfc, models/tcp.h); a key given in [tcp] overrides the preset, one in
 * [tcp.client] or [tcp.server] overrides [tcp] for that side.
 *
 * The schema checks types, units and ranges key by key (core/sim_config.h); what spans
 * keys or sections (family names, topology counts per kind, a flooder with nowhere to
 * send) is checked by exp_config_check, with the same kind of message. */
#pragma once

#include <glib.h>
#include "link.h"
#include "sim_config.h"
#include "tcp.h"
#include "topology.h"
#include "app.h"

G_BEGIN_DECLS

/* Every key an experiment file may hold. */
SimSchema *exp_schema_new(void);

/* Appends a line per family section that is not one of the known ones
 * ("exp.ini:12: [link.acess]: unknown section ...; did you mean [link.access]?").
 * Works before validation. */
void exp_config_check_sections(const SimConfig *cfg, GString *problems);
/* Checks a config that passed sim_config_validate for what the schema cannot (counts
 * per topology kind, a flooder with nowhere to run, TCP and link settings the models
 * refuse): every problem on its own line, each naming where. */
gboolean exp_config_check(const SimConfig *cfg, GError **error);

/* The TCP settings of one side, @role "client" or "server". */
void exp_tcp_config(const SimConfig *cfg, const char *role, TcpConfig *out);

/* Link parameters for a role ("access", "bottleneck") and direction ("up", "down").
 * The distributions (jitter, hold time) are new objects the caller owns: *@dists gets
 * them appended (a GPtrArray with sim_dist_free as its free function). */
gboolean exp_link_params(const SimConfig *cfg, const char *role, const char *dir,
                         LinkParams *out, GPtrArray *dists, GError **error);

/* The topology's kind and counts (the link and TCP pointers are left NULL). */
void exp_topo_spec(const SimConfig *cfg, TopoSpec *out);

/* The apps' settings. @server is the address the client connects to; the client's start
 * is [client] start (the caller adds each client's stagger). interarrival is set to NULL
 * here: exp_client_interarrival makes it. */
void exp_client_config(const SimConfig *cfg, NetAddr server, AppClientConfig *out);
/* [client] interarrival as a new distribution, or NULL (one connection after another). */
SimDist *exp_client_interarrival(const SimConfig *cfg, GError **error);
SimTime exp_client_stagger(const SimConfig *cfg);
void exp_server_config(const SimConfig *cfg, AppServerConfig *out);
/* TRUE when the experiment has a flooder ([topology] attackers > 0). */
gboolean exp_flooder_config(const SimConfig *cfg, NetAddr target, AppFlooderConfig *out);

/* Adds to @cfg, as overrides from "preset <name>", every [tcp] key not given, with its
 * value under the preset: the config then says every effective TCP value, and loading
 * its text back gives the same settings. */
void exp_tcp_materialize(SimConfig *cfg);
/* Each TCP key of [tcp] in text form, under @cfg's preset and [tcp] keys, as
 * (key, value) pairs: a GPtrArray of alternating owned strings. */
GPtrArray *exp_tcp_effective(const SimConfig *cfg);

G_END_DECLS
